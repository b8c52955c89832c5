"""Where things are, for tests at any depth under tests/ (issue 11: tests mirror the code's folders).

A test file's own position says nothing about the project's layout any more, so no test counts
`Path(__file__).parents[...]`: it imports these instead (both conftests put ROOT on sys.path).
- ROOT: the project root (main.py, core/, ui/, i18n/);
- FIXTURES: tests/core/fixtures (the holiday notices), shared by tests/core and tests/ui.
"""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "core" / "fixtures"
