"""House rules that a test enforces: core never imports Qt or ui; the CLI path loads no Qt."""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("PySide6", "shiboken6", "ui")


def test_core_never_imports_qt_or_ui():
    offenders = []
    for path in (ROOT / "core").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) and node.level == 0 else [])
            offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []


def test_a_cli_command_loads_no_qt(tmp_path: Path):
    code = ("import sys, main; rc = main.main(['--db', sys.argv[1], 'unit', 'list']); "
            "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'ui'))]; "
            "print(rc, bad)")
    env = dict(os.environ, CLOSELOOP_PASSWORD="x", CLOSELOOP_LANG="en")
    r = subprocess.run([sys.executable, "-c", code, str(tmp_path / "none.db")], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=60)
    assert r.stdout.strip() == "1 []", (r.stdout, r.stderr)
