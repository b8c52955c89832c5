"""The ledger and the rankings as .xlsx workbooks for the clerk to print or pass on.

Contract: `export_ledger(db, out, flt, *, sort=None, as_of=None)` writes the
ledger rows as the app shows them (core.work.ledger: same filter, same order, same
lights as of the day) and a second sheet with the rates of the same selection;
`export_ranking(db, out, period, *, as_of=None)` writes a period's ranking per
kind (core.scoring.service.view: the published snapshot when published). Both
return the number of data rows written and write through `atomic_output`: a
refusal or a crash leaves no file and never touches an existing one.

Cells hold values, never formulas (text that starts with "=" stays text); dates
are real dates shown yyyy-mm-dd (Chinese: 2026年3月8日), rates are numbers with
a 0.0% format, a light is its name on its colour. The header is frozen and
repeats on every printed page; pages are landscape A4 fitted to the width.
Headers go through gettext; the titles' dates are the documents' long form
(截至2026年12月6日, core.format.doc_date). A date column is as wide as the
longest date it can show, 2026年12月14日 in the sheet's font (`text_width`), so
Excel and WPS never show ###. Reads only; runs on the caller's thread.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sqlite_utils
from babel.dates import format_skeleton

from core import clock
from core.format import doc_date
from core.i18n import _, babel_locale
from core.reports.atomic_file import atomic_output
from core.reports.score_data import month_text, quarter_text
from core.scoring import service
from core.scoring.periods import parse_period
from core.work import ledger
from core.work.actions import STATE_NAMES

LIGHT_FILLS = {"red": "F4B6B6", "yellow": "FFE699", "green": "C6EFCE"}
HEADER_FILL = "DDEBF7"
PERCENT = "0.0%"
NUMBER = "0.##"


def text_width(text: str) -> float:
    """Excel column width (units of the default font's digit) that shows `text` whole in the sheet's
    font, Calibri 11 with the CJK glyphs from the East Asian fallback (宋体/等线 11): a full-width
    character is a little over two digits wide, a digit or Latin letter a little over one, plus the
    cell's padding; generous, because WPS and Excel differ by a pixel or two."""
    wide = sum(1 for ch in text if ord(ch) >= 0x2E80)
    return round(wide * 2.2 + (len(text) - wide) * 1.2 + 2, 1)


def date_width() -> float:
    """The width a date column needs: its widest date (two-digit month and day) as the format shows it."""
    widest = "2026年12月14日" if babel_locale().startswith("zh") else "2026-12-14"
    return text_width(widest)


def date_format() -> str:
    return 'yyyy"年"m"月"d"日"' if babel_locale().startswith("zh") else "yyyy-mm-dd"


def _value(v: object) -> object:
    """A cell value: dates as dates, text never read as a formula."""
    if isinstance(v, dt.datetime):
        return v
    if isinstance(v, dt.date):
        return dt.datetime(v.year, v.month, v.day)
    return v


class _SheetWriter:
    """Writes one titled table: a title row, a header row, data rows; then print set-up."""

    def __init__(self, ws: Any, title: str, headers: Sequence[str], widths: Sequence[float]) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self.ws = ws
        self.ncols = len(headers)
        self.row = 2
        self.thin = Side(style="thin", color="999999")
        self.border = Border(left=self.thin, right=self.thin, top=self.thin, bottom=self.thin)
        ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=self.ncols)
        ws.cell(row=1, column=1).alignment = Alignment(horizontal="center")
        for col, (h, w) in enumerate(zip(headers, widths, strict=True), start=1):
            c = ws.cell(row=2, column=col, value=h)
            c.font = Font(bold=True)
            c.fill = PatternFill("solid", fgColor=HEADER_FILL)
            c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            c.border = self.border
            ws.column_dimensions[c.column_letter].width = w

    def add(self, values: Sequence[object], formats: dict[int, str] | None = None,
            fills: dict[int, str] | None = None) -> None:
        from openpyxl.styles import Alignment, PatternFill

        self.row += 1
        for col, v in enumerate(values, start=1):
            c = self.ws.cell(row=self.row, column=col, value=_value(v))
            if isinstance(v, str) and v.startswith("="):
                c.data_type = "s"
            c.border = self.border
            c.alignment = Alignment(vertical="top", wrap_text=isinstance(v, str))
            if formats and col in formats and v is not None:
                c.number_format = formats[col]
            if fills and col in fills:
                c.fill = PatternFill("solid", fgColor=fills[col])

    def finish(self) -> None:
        ws = self.ws
        ws.freeze_panes = "A3"
        ws.print_title_rows = "1:2"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.4
        ws.oddFooter.center.text = "&P / &N"
        if self.row > 2:
            last = ws.cell(row=self.row, column=self.ncols).coordinate
            ws.auto_filter.ref = f"A2:{last}"


def period_name(p: Any) -> str:
    """The period as documents name it: 2026年3月, 2026年第三季度."""
    return quarter_text(p) if p.is_quarter else month_text(p)


def _save(wb: Any, out: Path | str) -> None:
    with atomic_output(out) as tmp:
        wb.save(tmp)


def export_ledger(db: sqlite_utils.Database, out: Path | str, flt: ledger.LedgerFilter, *,
                  sort: str | None = None, descending: bool = False, as_of: dt.date | None = None) -> int:
    """The filtered ledger as .xlsx (see the module contract); returns the number of rows."""
    from openpyxl import Workbook

    day = as_of or clock.today()
    ids = ledger.ledger_ids(db, flt, as_of=day, sort=sort or "task_no", descending=descending)
    rows = ledger.ledger_rows(db, ids, as_of=day)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Ledger")
    headers = [_("No."), _("Task"), _("Item"), _("Unit"), _("Role"), _("Leader"), _("Assigned"), _("Claim due"),
               _("Report due"), _("Completion due"), _("State"), _("Light"), _("Days left"), _("On time")]
    dw = date_width()
    widths = [6, 10, 40, 16, 7, 10, dw, dw, dw, dw, 10, 7, 8, 8]
    w = _SheetWriter(ws, _("Ledger as of {date}").format(date=doc_date(day)), headers, widths)
    roles = {"lead": _("lead"), "co": _("co")}
    lights = {"red": _("red"), "yellow": _("yellow"), "green": _("green")}
    dates = {c: date_format() for c in (7, 8, 9, 10)}
    for n, r in enumerate(rows, start=1):
        on_time = None if r.on_time is None else (_("yes") if r.on_time else _("no"))
        w.add([n, r.task_no, r.title, r.unit_name, roles.get(r.role, r.role), r.leader or None, r.assigned_on,
               r.claim_due, r.report_due, r.due, _(STATE_NAMES[r.state]), lights.get(r.light or ""),
               r.days_left, on_time], formats=dates, fills={12: LIGHT_FILLS[r.light]} if r.light else None)
    w.finish()
    _rates_sheet(wb, db, flt, day)
    _save(wb, out)
    return len(rows)


def _rates_sheet(wb: Any, db: sqlite_utils.Database, flt: ledger.LedgerFilter, day: dt.date) -> None:
    st = ledger.stats(db, as_of=day, flt=flt)
    assert isinstance(st, ledger.Stats)
    ws = wb.create_sheet(_("Rates"))
    w = _SheetWriter(ws, _("Rates as of {date}").format(date=doc_date(day)), [_("Measure"), _("Value")], [30, 14])
    for label, value, fmt in [
        (_("Counted (due or closed)"), st.counted, "0"), (_("Closed"), st.closed, "0"),
        (_("Closed on time"), st.on_time, "0"), (_("Completion rate"), st.completion_rate, PERCENT),
        (_("On-time rate"), st.on_time_rate, PERCENT), (_("Open"), st.open, "0"),
        (_("Red"), st.red, "0"), (_("Yellow"), st.yellow, "0"), (_("Green"), st.green, "0"),
    ]:
        w.add([label, value], formats={2: fmt})
    w.finish()


def export_ranking(db: sqlite_utils.Database, out: Path | str, period: str, *, as_of: dt.date | None = None) -> int:
    """A month's or quarter's ranking per kind as .xlsx (see the module contract); returns the number of units."""
    from openpyxl import Workbook

    p = parse_period(period)
    day = as_of or clock.today()
    pub = service.current_publication(db, p.key)
    scores = pub.scores if pub else service.compute(db, p, day)
    status = (_("published (version {version})").format(version=pub.version) if pub
              else _("not published; scores as of {date}").format(date=doc_date(day)))
    wb = Workbook()
    wb.remove(wb.active)
    n = 0
    for kind, kind_title in (("township", _("Townships")), ("department", _("Departments"))):
        mine = sorted((x for x in scores if x.kind == kind), key=lambda x: (x.rank, x.unit))
        ws = wb.create_sheet(kind_title)
        headers = [_("Rank"), _("Code"), _("Unit"), _("Score")]
        widths: list[float] = [7, 8, 20, 10]
        if p.is_quarter:
            headers += [format_skeleton("MMM", m.first, locale=babel_locale()) for m in p.months()]
            headers += [_("Bonus"), _("Reward")]
            widths += [10, 10, 10, 8, 8]
        headers += [_("Completion rate"), _("On-time rate")]
        widths += [12, 12]
        title = _("{kind} ranking {period} ({status})").format(kind=kind_title, period=period_name(p), status=status)
        w = _SheetWriter(ws, title, headers, widths)
        for x in mine:
            values: list[object] = [x.rank, x.unit, x.name, x.score]
            if p.is_quarter:
                months = list(x.months) + [None] * (3 - len(x.months))
                values += months[:3] + [x.bonus, _("yes") if x.reward else None]
            values += [x.completion_rate, x.on_time_rate]
            ncol = len(values)
            formats = {4: NUMBER, ncol - 1: PERCENT, ncol: PERCENT}
            if p.is_quarter:
                formats.update({5: NUMBER, 6: NUMBER, 7: NUMBER, 8: NUMBER})
            w.add(values, formats=formats)
            n += 1
        w.finish()
    _save(wb, out)
    return n
