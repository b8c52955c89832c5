"""The weekly grid's model: the items being typed, their problems and their dues (checked by the core).

Contract (GUI thread only):
- One row per item, plus always one blank row at the end: when the last row
  gets any text a new blank row appears. Blank rows are neither checked nor saved.
- Columns: title, category, lead unit, co units, leader, content (editable when
  the model is editable) and the claim, first-report and completion dues
  (read only). Cells hold what the clerk sees: unit and leader names (a code or
  a whole name typed is turned into the name; anything else stays as typed).
- After every edit the rows are checked by `checker(list[NewTask])` — the page
  passes `core.work.weekly.check_rows` on the GUI thread's reader (a few ms for a
  meeting) — and `checked` is emitted. A cell with a problem is painted red with
  the sentence as its tooltip; a "nothing typed yet" problem (no title, no lead
  unit) shows only once the row is revealed (the clerk left it, or tried to save),
  so a row being typed does not flash red. Dues with a warning are yellow.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from core.format import day_and_weekday
from core.i18n import N_, _
from core.pinyin_match import MatchIndex, split_names
from core.work.tasks import CATEGORIES, NewTask
from core.work.weekly import Problem, RowCheck
from ui.ledger_model import CATEGORY_LABELS

Index = QModelIndex | QPersistentModelIndex
Checker = Callable[[list[NewTask]], list[RowCheck]]

COLUMNS: tuple[tuple[str, str], ...] = (
    ("title", N_("Item")), ("category", N_("Category")), ("lead", N_("Lead unit")),
    ("co", N_("Co-operating units")), ("leader", N_("Leader in charge")), ("content", N_("Content")),
    ("claim", N_("Claim by")), ("report", N_("First report by")), ("completion", N_("Complete by")),
)
COLUMN_OF = {key: i for i, (key, _title) in enumerate(COLUMNS)}
EDITABLE = tuple(range(COLUMN_OF["content"] + 1))
DUE_COLUMNS = (COLUMN_OF["claim"], COLUMN_OF["report"], COLUMN_OF["completion"])
PROBLEM_COLOR = QColor("#f8d7da")
WARNING_COLOR = QColor("#fff3cd")
LIST_SEPARATOR = "、"


@dataclass
class Draft:
    """What one row of the grid holds, as the clerk sees it."""

    title: str = ""
    category: str = "general"
    lead: str = ""
    co: str = ""
    leader: str = ""
    content: str = ""

    def is_blank(self) -> bool:
        return not any(getattr(self, f.name).strip() for f in fields(self) if f.name != "category")


def format_due(d: dt.date) -> str:
    """A due as the grid shows it: month, day and weekday (11月22日周日), with the year when not this year's."""
    return day_and_weekday(d)


class WeeklyGridModel(QAbstractTableModel):
    """See the module contract."""

    checked = Signal()

    def __init__(self, units: MatchIndex, leaders: MatchIndex, categories: MatchIndex, checker: Checker,
                 date: dt.date, parent: Any = None) -> None:
        super().__init__(parent)
        self.units, self.leaders, self.categories = units, leaders, categories
        self.in_charge: dict[str, frozenset[str]] = {}   # unit code → names of the leaders in charge
        self._checker = checker
        self._date = date
        self._editable = True
        self._rows: list[Draft] = [Draft()]
        self._checks: list[RowCheck | None] = [None]
        self._revealed: set[int] = set()

    # ----- Qt's interface -------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return _(COLUMNS[section][1])
            if role == Qt.ItemDataRole.ToolTipRole and section in DUE_COLUMNS:
                return _("Computed from the meeting date and the deadline rules in force.")
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self._rows):
            if role == Qt.ItemDataRole.DisplayRole:
                return str(section + 1)
            if role == Qt.ItemDataRole.ToolTipRole:
                return "\n".join(p.sentence for p in self.visible_problems(section)) or None
            if role == Qt.ItemDataRole.BackgroundRole and self.visible_problems(section):
                return QBrush(PROBLEM_COLOR)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self._editable and index.column() in EDITABLE:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row, col = index.row(), index.column()
        key = COLUMNS[col][0]
        draft, check = self._rows[row], self._checks[row]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if key == "category":
                return "" if draft.is_blank() and role == Qt.ItemDataRole.DisplayRole else \
                    _(CATEGORY_LABELS.get(draft.category, draft.category))
            if col in DUE_COLUMNS:
                due = getattr(check.dues, "completion" if key == "completion" else key) \
                    if check is not None and check.dues is not None else None
                return format_due(due) if due else ""
            return getattr(draft, key)
        if role == Qt.ItemDataRole.BackgroundRole:
            if self._cell_problems(row, key):
                return QBrush(PROBLEM_COLOR)
            if col in DUE_COLUMNS and check is not None and check.warnings:
                return QBrush(WARNING_COLOR)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            sentences = [p.sentence for p in self._cell_problems(row, key)]
            if col in DUE_COLUMNS and check is not None:
                sentences += list(check.warnings)
            return "\n".join(sentences) or None
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or not self._editable \
                or index.column() not in EDITABLE:
            return False
        key = COLUMNS[index.column()][0]
        text = str(value if value is not None else "").strip()
        draft = self._rows[index.row()]
        new = replace(draft, **{key: self._normalized(key, text, draft)})
        if new == draft:
            return True
        self._rows[index.row()] = new
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
        if index.row() == len(self._rows) - 1 and not new.is_blank():
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
            self._rows.append(Draft())
            self._checks.append(None)
            self.endInsertRows()
        self.recheck()
        return True

    # ----- values ---------------------------------------------------------------------

    def _normalized(self, key: str, text: str, draft: Draft) -> str:
        if key == "category":
            if not text or text in CATEGORIES:
                return text or "general"
            hit = self.categories.resolve(text) or next(iter(self.categories.match(text, limit=1)), None)
            return hit.key if hit is not None else text
        if key == "lead":
            hit = self.units.resolve(text)
            return hit.name if hit else text
        if key == "co":
            names = []
            for token in split_names(text):
                hit = self.units.resolve(token)
                names.append(hit.name if hit else token)
            return LIST_SEPARATOR.join(names)
        if key == "leader":
            hit = self.leaders.resolve(text)
            return hit.name if hit else text
        return text

    def new_task(self, row: int) -> NewTask:
        """The NewTask a row stands for: names become codes; text that names nothing stays as typed."""
        d = self._rows[row]

        def unit_key(text: str) -> str:
            hit = self.units.resolve(text)
            return hit.key if hit else text

        leader = self.leaders.resolve(d.leader)
        return NewTask(title=d.title, category=d.category, assigned_on=self._date, lead=unit_key(d.lead),
                       co=tuple(unit_key(t) for t in split_names(d.co)),
                       leader=leader.key if leader else (d.leader or None), content=d.content)

    def filled_rows(self) -> list[int]:
        return [i for i, d in enumerate(self._rows) if not d.is_blank()]

    def rows_to_save(self) -> list[NewTask]:
        return [self.new_task(i) for i in self.filled_rows()]

    def draft(self, row: int) -> Draft:
        return self._rows[row]

    def check(self, row: int) -> RowCheck | None:
        return self._checks[row]

    # ----- checking -------------------------------------------------------------------

    def recheck(self) -> None:
        """Check every filled row again (after an edit, a date change or a directory change)."""
        filled = self.filled_rows()
        results = self._checker([self.new_task(i) for i in filled]) if filled else []
        self._checks = [None] * len(self._rows)
        for i, result in zip(filled, results, strict=True):
            self._checks[i] = result
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(COLUMNS) - 1),
                                  [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.BackgroundRole,
                                   Qt.ItemDataRole.ToolTipRole])
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, len(self._rows) - 1)
        self.checked.emit()

    def _is_missing(self, row: int, p: Problem) -> bool:
        return p.kind == "empty_title" or (p.kind == "unknown_unit" and p.field == "lead"
                                           and not self._rows[row].lead.strip())

    def visible_problems(self, row: int) -> list[Problem]:
        """The row's problems the grid shows now (the date's are shown once, by the page)."""
        check = self._checks[row] if 0 <= row < len(self._checks) else None
        if check is None:
            return []
        return [p for p in check.problems if p.field != "date"
                and (row in self._revealed or not self._is_missing(row, p))]

    def _cell_problems(self, row: int, key: str) -> list[Problem]:
        return [p for p in self.visible_problems(row) if p.field == key]

    def date_problems(self) -> list[Problem]:
        """The problems of the meeting date (the same for every row): at most one of each kind."""
        seen: dict[str, Problem] = {}
        for check in self._checks:
            for p in check.problems if check is not None else ():
                if p.field == "date":
                    seen.setdefault(p.kind, p)
        return list(seen.values())

    def has_problems(self) -> bool:
        return any(c is not None and not c.ok for c in self._checks)

    def reveal(self, row: int) -> None:
        """Show the row's "nothing typed yet" problems too (the clerk has left the row)."""
        if 0 <= row < len(self._rows) and row not in self._revealed and not self._rows[row].is_blank():
            self._revealed.add(row)
            self.recheck()

    def reveal_all(self) -> None:
        self._revealed = set(self.filled_rows())
        self.recheck()

    # ----- settings -------------------------------------------------------------------

    @property
    def date(self) -> dt.date:
        return self._date

    def set_date(self, date: dt.date) -> None:
        if date != self._date:
            self._date = date
            self.recheck()

    def set_indexes(self, units: MatchIndex, leaders: MatchIndex,
                    in_charge: dict[str, frozenset[str]] | None = None) -> None:
        """New directory indexes (after a directory change): cells are checked again."""
        self.units, self.leaders = units, leaders
        self.in_charge = in_charge or {}
        self.recheck()

    def set_editable(self, editable: bool) -> None:
        if editable != self._editable:
            self._editable = editable
            if self._rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(COLUMNS) - 1))

    @property
    def editable(self) -> bool:
        return self._editable

    def drafts(self) -> list[Draft]:
        """The rows as typed, the last blank one included (kept across a language switch)."""
        return list(self._rows)

    def set_drafts(self, drafts: list[Draft]) -> None:
        """Put rows kept by `drafts()` back, with a blank row last, and check them."""
        rows = [d for d in drafts if isinstance(d, Draft) and not d.is_blank()]
        self.beginResetModel()
        self._rows, self._checks, self._revealed = [*rows, Draft()], [None] * (len(rows) + 1), set()
        self.endResetModel()
        self.recheck()

    def clear(self) -> None:
        """Back to one blank row (after a save)."""
        self.beginResetModel()
        self._rows, self._checks, self._revealed = [Draft()], [None], set()
        self.endResetModel()
        self.checked.emit()
