"""Closeloop core: everything the office knows and does. Never imports Qt or ui."""
from __future__ import annotations

__version__ = "0.1.0"
