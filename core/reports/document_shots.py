"""The first page of each official document as a PNG, for `dev.py shots` (issue 14).

Contract: `document_shots(db_path, out, today) -> list[Path]` copies the database to a
temporary folder (the document numbers and the settings it fills in never reach the
original), fills in the contact person, phone, prefix and 抄送 when they are empty
(the demo's: 示督, 王晓明, 0371-6612 3456, 县委、县政府领导), prints the 督办通知单 of the first
open task, the 催办通知书 of the first overdue assignment, the monthly bulletin of the
month before `today`, the quarterly result of `today`'s quarter and the supervision
bulletin (督查通报) of the last 90 days, and renders page 1
of each with pdftoppm at 100 dpi to `out/document-<kind>.png`. Returns the PNGs written;
a document with nothing to print (no overdue assignment) is left out; without pdftoppm
it returns []. Call it before the process opens the database otherwise (closing the copy's
source connection would release another connection's locks, NOTES.md). Runs headless
(no Qt); the caller's thread.
"""
from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from core.db.connection import open_database
from core.errors import ClerkError
from core.office import get_setting, set_setting

DPI = 100
DEMO_SETTINGS = {"print_prefix": "示督", "print_contact": "王晓明", "print_phone": "0371-6612 3456",
                 "print_copy_to": "县委、县政府领导"}


def document_shots(db_path: Path, out: Path, today: dt.date) -> list[Path]:
    """Print each official document from a copy of `db_path` and render its first page (see the contract)."""
    if shutil.which("pdftoppm") is None:
        return []
    from core.reports.bulletin import render_monthly_bulletin
    from core.reports.notice import render_notice
    from core.reports.quarterly_result import render_quarterly_result
    from core.reports.supervision_bulletin import render_supervision_bulletin
    from core.reports.urge import overdue_steps, render_urge
    from core.work.task_view import task_detail

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory(prefix="closeloop-docs-") as tmp:
        copy = Path(tmp) / "copy.db"
        source, target_db = sqlite3.connect(db_path), sqlite3.connect(copy)
        try:
            source.backup(target_db)     # never a file copy of a live database
        finally:
            source.close()
            target_db.close()
        db = open_database(copy)
        try:
            for key, value in DEMO_SETTINGS.items():
                if not get_setting(db, key, ""):
                    set_setting(db, key, value)
            tasks = [r[0] for r in db.execute("SELECT task_no FROM task ORDER BY year DESC, seq DESC LIMIT 200")]
            last_month = today.replace(day=1) - dt.timedelta(days=1)
            jobs = {"monthly": lambda p: render_monthly_bulletin(db, p, f"{last_month:%Y-%m}", as_of=today),
                    "quarterly": lambda p: render_quarterly_result(
                        db, p, f"{today.year}-Q{(today.month - 1) // 3 + 1}", as_of=today),
                    "supervision": lambda p: render_supervision_bulletin(db, p, today - dt.timedelta(days=90), today,
                                                                         as_of=today)}
            for task_no in tasks:
                detail = task_detail(db, task_no, as_of=today)
                open_ = [a for a in detail["assignments"] if a["state"] not in ("closed", "cancelled")]
                if open_ and "notice" not in jobs:
                    jobs["notice"] = lambda p, t=task_no: render_notice(db, p, t, as_of=today)
                late = next((a for a in open_ if overdue_steps(a, today)), None)
                if late and "urge" not in jobs:
                    jobs["urge"] = lambda p, r=f"{task_no}/{late['unit']}": render_urge(db, p, r, as_of=today)
            for kind in ("notice", "urge", "monthly", "quarterly", "supervision"):
                if kind not in jobs:
                    continue
                pdf = Path(tmp) / f"{kind}.pdf"
                try:
                    jobs[kind](pdf)
                except ClerkError:
                    continue
                target = out / f"document-{kind}"
                subprocess.run(["pdftoppm", "-r", str(DPI), "-png", "-singlefile", "-f", "1", "-l", "1", str(pdf),
                                str(target)], check=True)
                written.append(target.with_suffix(".png"))
        finally:
            db.conn.close()
    return written
