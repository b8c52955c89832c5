"""Helpers for the preview and report-button tests: small PDFs, a context, recorded dialogs."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen import canvas

from core.auth import list_users
from core.db.connection import open_database
from core.office import self_office
from core.reports.atomic_file import atomic_output
from ui.shell.context import AppContext


def write_pdf(out: Path, pages: int = 3, *, wide: bool = False, label: str = "Page") -> int:
    """A small A4 PDF of `pages` pages, written atomically; returns the page count."""
    size = landscape(A4) if wide else A4
    with atomic_output(out) as tmp:
        c = canvas.Canvas(str(tmp), pagesize=size)
        for n in range(1, pages + 1):
            c.setFont("Helvetica-Bold", 40)
            c.drawString(72, size[1] - 144, f"{label} {n} of {pages}")
            c.rect(36, 36, size[0] - 72, size[1] - 72)
            c.showPage()
        c.save()
    return pages


def make_render(pages: int = 3, calls: list[tuple[Any, ...]] | None = None) -> Callable[[Any, Path], int]:
    """A render function for open_report: records (thread-safe list append) and writes `pages` pages."""
    def render(db: Any, out: Path) -> int:
        if calls is not None:
            calls.append((db, out))
        return write_pdf(out, pages)
    return render


def make_ctx(path: Path, user_name: str = "admin") -> AppContext:
    db = open_database(path)
    try:
        office = self_office(db)
        user = next(u for u in list_users(db) if u.name == user_name)
    finally:
        db.conn.close()
    return AppContext(path, office, user)
