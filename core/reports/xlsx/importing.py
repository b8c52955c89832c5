"""Importing an existing ledger (台账) from .xlsx: a plan first, then one transaction.

Contract:
- `plan_import(db, path, mapping=None, *, today=None) -> ImportPlan` reads the
  sheet (core.reports.xlsx.read: merged cells filled down, zh-CN dates, WPS
  files) and checks every row as `core.work.tasks.add_tasks` would (the same
  `task_problems`, e.g. a date more than 7 days ahead) plus what only a sheet
  can get wrong (a unit named by neither code nor name, a date that is not a
  date, an unknown category or source, several lead units, a row already
  imported, the same item twice in the sheet). It returns the tasks it would
  create and, per refused row, the sheet row number and every reason, and
  `plan.unit(code)` names a unit as a clerk writes it (its name; unit names are
  unique) for the dry run. Read
  only: it never writes the database or the file.
- `apply_import(s, plan) -> Changes` creates all the planned tasks in ONE
  transaction (tasks of source "meeting" join the weekly meeting of their date,
  made when there is none). The whole file is refused — nothing written — when
  any row was refused: import all the rows or none, so a re-import after fixing
  the sheet does not double the rows that went in.
- `write_template(out)` writes the documented template (docs/ledger-import.md)
  through `atomic_output`.
Both run on the caller's thread (the GUI calls them through ctx.query / ctx.write).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import sqlite_utils

from core import clock
from core.errors import Refusal, UsageError
from core.i18n import _, ngettext
from core.office import Changes, Session
from core.reports.atomic_file import atomic_output
from core.reports.xlsx.dates import cell_date
from core.reports.xlsx.mapping import FIELDS, TEMPLATE_HEADERS, Mapping
from core.reports.xlsx.read import SheetRow, read_sheet
from core.work.tasks import NewTask, add_meeting, add_tasks, task_problems

# the words clerks write in 类别 (docs/ledger-import.md); a refusal lists them all
CATEGORY_WORDS = {"一般": "general", "一般事项": "general", "一般工作": "general", "一般任务": "general",
                  "general": "general",
                  "重大": "major", "重大事项": "major", "重大工作": "major", "重大任务": "major",
                  "重点": "major", "重点工作": "major", "重点事项": "major", "重点任务": "major", "major": "major"}
SOURCE_WORDS = {"会议": "meeting", "meeting": "meeting", "批示": "instruction", "领导批示": "instruction",
                "instruction": "instruction", "督查": "inspection", "inspection": "inspection",
                "其他": "other", "其它": "other", "other": "other"}
_SPLIT = re.compile(r"[,，、;；/\s]+")


@dataclass(frozen=True)
class PlannedRow:
    """A row that would become a task: its sheet row number and the task (unit codes resolved)."""

    row: int
    task: NewTask


@dataclass(frozen=True)
class RefusedRow:
    """A row that cannot be imported: its sheet row number, its title as typed and every reason."""

    row: int
    title: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class ImportPlan:
    path: str
    sheet: str
    header_row: int
    sha256: str
    rows: tuple[PlannedRow, ...]
    refused: tuple[RefusedRow, ...]
    unit_names: dict[str, str] = field(default_factory=dict)

    def unit(self, code: str) -> str:
        """A unit as a clerk writes it: its name (the code only for a unit not in the directory)."""
        return self.unit_names.get(code, code)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


_EXISTING = ("SELECT t.title, t.assigned_on, u.code, t.task_no FROM task t JOIN assignment a ON a.task_id = t.id "
             "AND a.role = 'lead' JOIN unit u ON u.id = a.unit_id")


class _Directory:
    """Units by code or name and leaders by name, loaded once per plan."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.units: dict[str, str] = {}
        rows = list(db.execute("SELECT code, name FROM unit ORDER BY active, id"))
        for code, name in rows:
            self.units[code.lower()] = code
            self.units[name] = code
        self.labels = {code: name for code, name in rows}  # names are unique (core.directory)
        self.leaders = {r[0] for r in db.execute("SELECT name FROM leader")}
        self.existing: dict[tuple[str, str, str], str] = {
            (r[0], r[1], r[2]): r[3] for r in db.execute(_EXISTING)}

    def unit(self, text: str) -> str | None:
        return self.units.get(text) or self.units.get(text.lower())


def _category(text: str, reasons: list[str]) -> str:
    if not text:
        return "general"
    found = CATEGORY_WORDS.get(text.lower()) or CATEGORY_WORDS.get(re.sub(r"\s", "", text).lower())
    if found is None:
        words = _(", ").join(w for w in CATEGORY_WORDS if not w.isascii())
        reasons.append(_("The category “{text}” is not a category word; write one of {words} (or leave it empty "
                         "for 一般).").format(text=text, words=words))
        return "general"
    return found


def _source(text: str, reasons: list[str]) -> str:
    if not text:
        return "meeting"
    found = SOURCE_WORDS.get(text.lower())
    if found is None:  # free text such as 第12次周例会 or 县委书记批示
        found = ("instruction" if "批示" in text or "指示" in text else "inspection" if "督查" in text
                 else "meeting" if "会" in text else None)
    if found is None:
        reasons.append(_("The source “{text}” is not 会议, 批示, 督查 or 其他 (meeting, instruction, inspection "
                         "or other).").format(text=text))
        return "other"
    return found


def _date(value: object, reasons: list[str]) -> dt.date | None:
    try:
        d = cell_date(value)
    except (ValueError, OverflowError):
        reasons.append(_("The assignment date “{text}” is not a date; write it as 2026-03-08, 2026年3月8日, "
                         "2026.3.8 or 2026/3/8.").format(text=_text(value)))
        return None
    if d is None:
        reasons.append(_("The assignment date is empty; give the date the item was assigned."))
    return d


def _units(text: str, directory: _Directory, reasons: list[str], *, lead: bool) -> list[str]:
    names = [n for n in _SPLIT.split(text) if n] if not lead else ([text] if text else [])
    if lead and not names:
        reasons.append(_("The lead unit is empty; name the lead unit by its name or code."))
    if lead and names and directory.unit(text) is None and len(_SPLIT.split(text)) > 1:
        reasons.append(_("The lead unit “{text}” names several units; name one lead unit and put the others "
                         "under 配合单位.").format(text=text))
        return []
    codes = []
    for name in names:
        code = directory.unit(name)
        if code is None:
            msg = (_("There is no unit “{name}” (lead unit); write a unit's name or code as 'unit list' shows it.")
                   if lead else
                   _("There is no unit “{name}” (co unit); write a unit's name or code as 'unit list' shows it."))
            reasons.append(msg.format(name=name))
        else:
            codes.append(code)
    return codes


def _check_row(db: sqlite_utils.Database, r: SheetRow, directory: _Directory,
               today: dt.date) -> PlannedRow | RefusedRow:
    v = r.values
    reasons: list[str] = []
    title = _text(v.get("title"))
    if not title:
        reasons.append(_("The title (事项名称) is empty; give each item a title."))
    category = _category(_text(v.get("category")), reasons)
    source = _source(_text(v.get("source")), reasons)
    assigned_on = _date(v.get("assigned_on"), reasons)
    lead = _units(_text(v.get("lead")), directory, reasons, lead=True)
    co = _units(_text(v.get("co")), directory, reasons, lead=False)
    leader = _text(v.get("leader")) or None
    if leader and leader not in directory.leaders:
        reasons.append(_("There is no leader named “{name}”; write the name as 'leader list' shows it, or leave "
                         "it empty.").format(name=leader))
    if reasons or assigned_on is None or not lead:
        return RefusedRow(r.number, title, tuple(reasons))
    task = NewTask(title=title, category=category, assigned_on=assigned_on, lead=lead[0], co=tuple(co),
                   leader=leader, source=source, content=_text(v.get("content")))
    reasons += [p.error.message for p in task_problems(db, task, today)]
    done = directory.existing.get((title, assigned_on.isoformat(), lead[0]))
    if done:
        reasons.append(_("This item is already in the ledger as task {task_no}; remove the row or the task.")
                       .format(task_no=done))
    return RefusedRow(r.number, title, tuple(reasons)) if reasons else PlannedRow(r.number, task)


def plan_import(db: sqlite_utils.Database, path: Path | str, mapping: Mapping | None = None, *,
                today: dt.date | None = None) -> ImportPlan:
    """What importing the sheet would create and what it refuses (see the module contract)."""
    sheet = read_sheet(path, mapping)
    directory = _Directory(db)
    day = today or clock.today()
    rows: list[PlannedRow] = []
    refused: list[RefusedRow] = []
    first_of: dict[tuple[str, dt.date, str], int] = {}
    for r in sheet.rows:
        checked = _check_row(db, r, directory, day)
        if isinstance(checked, PlannedRow):
            t = checked.task
            key = (t.title, t.assigned_on, t.lead)
            if key in first_of:
                checked = RefusedRow(r.number, t.title, (_("The same item (title, date and lead unit) as row {row}; "
                                                           "keep one of the two rows.").format(row=first_of[key]),))
            else:
                first_of[key] = r.number
        (rows if isinstance(checked, PlannedRow) else refused).append(checked)  # type: ignore[arg-type]
    return ImportPlan(str(path), sheet.name, sheet.header_row, sheet.sha256, tuple(rows), tuple(refused),
                      directory.labels)


def _weekly_meeting(s: Session, day: dt.date, made: dict[dt.date, int]) -> int:
    if day not in made:
        row = s.db.execute("SELECT id FROM meeting WHERE kind = 'weekly' AND date = ? ORDER BY id LIMIT 1",
                           [day.isoformat()]).fetchone()
        made[day] = int(row[0]) if row else add_meeting(s, "weekly", day).id
    return made[day]


def apply_import(s: Session, plan: ImportPlan) -> Changes:
    """Create every planned task in one transaction, or refuse the whole file (see the module contract)."""
    if plan.refused:
        n = len(plan.refused)
        raise Refusal(ngettext("{n} row of the file is refused, so nothing was imported; fix it (the dry run lists "
                               "the reason) and import the file again.",
                               "{n} rows of the file are refused, so nothing was imported; fix them (the dry run "
                               "lists the reasons) and import the file again.", n).format(n=n))
    if not plan.rows:
        raise UsageError(_("The sheet has no rows to import under its header row; fill in the items and try again."))
    s.require_hub()
    made: dict[dt.date, int] = {}
    with s.write():
        items = [replace(r.task, meeting_id=_weekly_meeting(s, r.task.assigned_on, made))
                 if r.task.source == "meeting" else r.task for r in plan.rows]
        numbers, changes = add_tasks(s, items)
        s.audit("xlsx_import", ref=Path(plan.path).name, sha256=plan.sha256, sheet=plan.sheet,
                rows=[r.row for r in plan.rows], tasks=numbers)
    return changes


def write_template(out: Path | str) -> Path:
    """The import template (docs/ledger-import.md): the header row, formats and lists; no data rows."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    widths = {"seq": 6, "title": 36, "content": 48, "category": 8, "source": 10, "assigned_on": 14, "lead": 18,
              "co": 28, "leader": 12}
    for col, fld in enumerate(FIELDS, start=1):
        cell = ws.cell(row=1, column=col, value=TEMPLATE_HEADERS[fld])
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        letter = cell.column_letter
        ws.column_dimensions[letter].width = widths[fld]
        if fld == "assigned_on":
            for r in range(2, 502):
                ws.cell(row=r, column=col).number_format = "yyyy-mm-dd"
    ws.freeze_panes = "A2"
    for fld, choices in (("category", '"一般,重大"'), ("source", '"会议,批示,督查,其他"')):
        letter = ws.cell(row=1, column=FIELDS.index(fld) + 1).column_letter
        dv = DataValidation(type="list", formula1=choices, allow_blank=True)
        dv.add(f"{letter}2:{letter}500")
        ws.add_data_validation(dv)
    out = Path(out)
    with atomic_output(out) as tmp:
        wb.save(tmp)
    return out
