"""House rules that a test enforces: core never imports Qt or ui; the CLI path loads no Qt."""
from __future__ import annotations

import ast
import os
import re
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


def _lines(top: str, pattern: str, *, allowed: tuple[str, ...] = ()) -> list[str]:
    """`path:line: text` of every line under `top` matching `pattern`, outside the `allowed` files."""
    found = []
    for path in sorted((ROOT / top).rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel in allowed:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(pattern, line):
                found.append(f"{rel}:{n}: {line.strip()}")
    return found


def test_one_formatter_for_percentages_numbers_and_dates():
    """core/format.py is the only module that calls babel's percent, number and long/medium date formatters."""
    allowed = ("core/format.py",)
    pattern = r"format_percent\(|format_decimal\(|#,##0\.0%|format_date\([^)]*\"(long|medium)\""
    assert _lines("core", pattern, allowed=allowed) + _lines("ui", pattern) == []


def test_one_target_rate():
    """The county's 95% target is core.work.ledger.TARGET_RATE; nothing else writes 0.95 as a rate."""
    pattern = r"(=|\()\s*0\.95\b"
    assert _lines("core", pattern, allowed=("core/work/ledger.py",)) + _lines("ui", pattern) == []


def test_no_period_arithmetic_in_ui():
    """Months and quarters are counted in core.scoring.periods (month_of, quarter_of, previous, next)."""
    assert _lines("ui", r"\.month\s*[-+]\s*1|//\s*3\b|replace\(day=1\)") == []


def test_one_check_for_a_hub_user_who_may_write():
    """The pages ask ctx.hub_may_write (core.permissions.hub_may_write), never is_hub and can_write together."""
    both = [line for line in _lines("ui", r"is_hub") if "can_write" in line]
    assert both == []
