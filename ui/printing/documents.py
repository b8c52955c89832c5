"""The documents the pages print and the files they export, one function each.

Contract (GUI thread only): each function takes what the page shows (a meeting,
an assignment's REF, the ledger's filter and sort, a unit's code), imports its
core document function when called (the reportlab and openpyxl code loads only
when a document is made) and hands it to `ui.printing.jobs` (`open_report` for a
preview, `export_file` for an .xlsx); it returns the `BusyTask`, or None when
nothing was started (a notice whose contact person and phone are not set asks for
them once, saves them, then makes the document: None). `connect_actions(window)`
wires the File menu's entries (ui.actions: import_xlsx, export_xlsx,
print_ledger) to the main window.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QMainWindow, QWidget

from core.i18n import N_, _
from core.work.ledger import LedgerFilter
from ui.printing import dialogs as report_dialogs
from ui.printing import jobs as report_jobs
from ui.shell.busy import BusyTask
from ui.shell.context import AppContext


def print_weekly_list(ctx: AppContext, parent: QWidget | None, meeting_id: int, date: dt.date) -> BusyTask | None:
    """Preview the 周交办清单 of meeting `meeting_id` (held on `date`)."""
    from core.reports.weekly_list import render_weekly_list

    return report_jobs.open_report(ctx, parent, _("Weekly assignment list"),
                                   lambda db, out: render_weekly_list(db, out, meeting_id),
                                   _("Weekly assignment list {date}").format(date=date.isoformat()))


def _with_contact(ctx: AppContext, parent: QWidget | None, make: Callable[[], BusyTask | None]) -> BusyTask | None:
    """`make()` when the notices' contact person and phone are set; else ask for them once first.

    When they are missing, `report_dialogs.ask_contact` asks; the answer is saved through
    `save_print_settings` on the worker (a refusal shows its sentence, nothing is printed) and
    the document is made after the save, so this returns None; Cancel prints nothing.
    """
    from core.reports.settings import missing_contact, print_settings, save_print_settings

    ps = print_settings(ctx.reader)
    if not missing_contact(ps):
        return make()
    answer = report_dialogs.ask_contact(parent, ps.contact, ps.phone)
    if answer is None:
        return None
    new = dataclasses.replace(ps, contact=answer[0], phone=answer[1])

    def saved(_changes: Any) -> None:
        make()

    def failed(exc: Exception) -> None:
        report_dialogs.refused(parent, _("Contact on the notices"), exc)

    ctx.write(lambda s: save_print_settings(s, new), saved, failed)
    return None


def print_notice(ctx: AppContext, parent: QWidget | None, ref: str) -> BusyTask | None:
    """Preview the 督办通知单 of assignment `ref` (asking once for the contact person and phone)."""
    from core.reports.notice import render_notice

    return _with_contact(ctx, parent, lambda: report_jobs.open_report(
        ctx, parent, _("Supervision notice {ref}").format(ref=ref), lambda db, out: render_notice(db, out, ref),
        _("Supervision notice {ref}").format(ref=ref.replace("/", "-"))))


def print_urge(ctx: AppContext, parent: QWidget | None, ref: str) -> BusyTask | None:
    """Preview the 催办通知书 of assignment `ref` (an overdue step; asking once for the contact)."""
    from core.reports.urge import render_urge

    return _with_contact(ctx, parent, lambda: report_jobs.open_report(
        ctx, parent, _("Urge notice {ref}").format(ref=ref), lambda db, out: render_urge(db, out, ref),
        _("Urge notice {ref}").format(ref=ref.replace("/", "-"))))


ASSIGNMENT_DOCUMENTS = {"notice": N_("Print notice…"), "urge": N_("Print urge notice…")}


def assignment_documents(a: dict[str, Any], is_hub: bool) -> list[str]:
    """The documents of one assignment of `core.work.task_view.task_detail` (keys of ASSIGNMENT_DOCUMENTS).

    The notice always; the urge notice when a step is overdue (light red: a
    pending step's due is before today) and this office is the county office, which urges.
    """
    return ["notice", "urge"] if is_hub and a.get("light") == "red" else ["notice"]


def print_assignment_document(ctx: AppContext, parent: QWidget | None, key: str, ref: str) -> BusyTask | None:
    """Preview the document `key` (notice, urge) of assignment `ref`."""
    return (print_urge if key == "urge" else print_notice)(ctx, parent, ref)


def _ledger_job(ctx: AppContext, parent: QWidget | None, start: Callable[..., BusyTask | None], title: str,
                make: Callable[..., Any], flt: LedgerFilter, sort: str | None,
                descending: bool) -> BusyTask | None:
    """`start` (report_jobs.open_report or export_file) the ledger `make` writes as `flt` and `sort` select it."""
    return start(ctx, parent, title, lambda db, out: make(db, out, flt, sort=sort, descending=descending),
                 _("Supervision ledger {date}").format(date=ctx.today().isoformat()))


def print_ledger(ctx: AppContext, parent: QWidget | None, flt: LedgerFilter, sort: str | None = None,
                 descending: bool = False) -> BusyTask | None:
    """Preview the ledger as `flt` selects it, in `sort` order (a core.work.ledger.SORT_KEYS key)."""
    from core.reports.ledger_pdf import render_ledger

    return _ledger_job(ctx, parent, report_jobs.open_report, _("Supervision ledger"), render_ledger,
                       flt, sort, descending)


def export_ledger(ctx: AppContext, parent: QWidget | None, flt: LedgerFilter, sort: str | None = None,
                  descending: bool = False) -> BusyTask | None:
    """Ask where, then write the ledger as `flt` and `sort` select it to an .xlsx file."""
    from core.reports.xlsx.export import export_ledger as write_ledger

    return _ledger_job(ctx, parent, report_jobs.export_file, _("Export the ledger to Excel"), write_ledger,
                       flt, sort, descending)


def print_unit_list(ctx: AppContext, parent: QWidget | None, unit_code: str, unit_name: str) -> BusyTask | None:
    """Preview a unit's own list of open assignments by urgency."""
    from core.reports.unit_list import render_unit_list

    day = ctx.today()
    return report_jobs.open_report(ctx, parent, _("Open items of {unit}").format(unit=unit_name),
                                   lambda db, out: render_unit_list(db, out, unit_code),
                                   _("Open items of {unit} {date}").format(unit=unit_name, date=day.isoformat()))


def print_supervision_bulletin(ctx: AppContext, parent: QWidget | None, date_from: dt.date,
                               date_to: dt.date) -> BusyTask | None:
    """Preview the 督查通报 of the days `date_from` … `date_to` (an empty period: its refusal in a message)."""
    from core.reports.supervision_bulletin import render_supervision_bulletin

    day = ctx.today()
    return report_jobs.open_report(ctx, parent, _("Supervision bulletin"),
                                   lambda db, out: render_supervision_bulletin(db, out, date_from, date_to, as_of=day),
                                   _("Supervision bulletin {start} to {end}").format(start=date_from.isoformat(),
                                                                                     end=date_to.isoformat()))


def print_cadre_record(ctx: AppContext, parent: QWidget | None, person: Any) -> BusyTask | None:
    """Preview the 干部实绩档案 of `person` (a core.supervision.people.Person)."""
    from core.reports.cadre_record import render_cadre_record

    day = ctx.today()
    return report_jobs.open_report(ctx, parent, _("Cadre record of {name}").format(name=person.name),
                                   lambda db, out: render_cadre_record(db, out, person, as_of=day),
                                   _("Cadre record of {name} {date}").format(name=person.name,
                                                                             date=day.isoformat()))


def import_ledger(ctx: AppContext, parent: QWidget | None) -> None:
    """Open the Excel import dialog (ui.xlsx_import_dialog)."""
    from ui.xlsx_import_dialog import open_import_dialog

    open_import_dialog(ctx, parent)


# ----- the File menu ---------------------------------------------------------------------

def _ledger_page(window: QMainWindow) -> Any:
    """The ledger page, shown (the user sees what is printed or exported); None if it cannot be."""
    show_page = getattr(window, "show_page", None)
    return show_page("ledger") if callable(show_page) else None


def connect_actions(window: QMainWindow) -> None:
    """Wire File → Import/Export/Print ledger of `window` (a ui.shell.main_window.MainWindow)."""
    ctx: AppContext = window.ctx  # type: ignore[attr-defined]
    registry = window.actions  # type: ignore[attr-defined]

    def from_ledger(method: str) -> None:
        page = _ledger_page(window)
        if page is not None and callable(getattr(page, method, None)):
            getattr(page, method)()

    registry.connect("import_xlsx", lambda: import_ledger(ctx, window))
    registry.connect("export_xlsx", lambda: from_ledger("export_excel"))
    registry.connect("print_ledger", lambda: from_ledger("print_ledger"))
