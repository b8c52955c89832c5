"""The ledger table model: assignment ids in SQL order, rows fetched a page at a time.

Contract:
- The model holds only the id list of the current filter and sort (from
  `core.work.ledger.ledger_ids`, run on the `DbWorker` thread: filtering and sorting
  scan the whole table and may take longer than a frame). Setting a filter or
  clicking a header re-queries the ids in SQL; nothing is sorted in Python.
  Results of superseded queries are dropped (generation counter).
- Rows are exposed with the canFetchMore/fetchMore pattern, PAGE_SIZE at a
  time, and their display data (`core.work.ledger.ledger_rows`) is loaded per page
  on first use and kept in a small LRU cache of pages.
- Page loads run synchronously on the GUI thread through `reader`, a read-only
  connection owned by the GUI thread. Why: one page is 200 rows fetched by
  primary key, about 3 ms (max 4 ms) on the demo county at scale 10 (20,300
  assignments), far under a frame, while a synchronous fetch keeps `data()`
  exact — no placeholders that change under the user's eyes or under
  `qtmodeltester`. The worker keeps the queries whose cost grows with the
  table (ids in any sort order: 30–45 ms at that size; rates: 45 ms). A query
  superseded while still queued on the worker is skipped there (fast typing in
  the search box costs one scan, not one per keystroke).
- A row an import changed whose task has not been opened since (`LedgerRow.new`,
  core.sync.marks) is bold, with a 新 badge before its number and a tooltip saying
  why; `forget_marks(ids)` (after `ctx.marks_seen`) un-marks the cached rows in place
  (dataChanged, no re-query: the selection and the scroll position stay).
Threading: GUI thread only; the worker calls back on the GUI thread.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import sqlite_utils
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPixmap

from core.format import medium_date
from core.i18n import N_, _
from core.work.ledger import SORT_KEYS, LedgerFilter, LedgerRow, ledger_ids, ledger_rows, step_text
from ui.shell import crash
from ui.shell.worker import DbWorker

PAGE_SIZE = 200
MAX_CACHED_PAGES = 64
ASSIGNMENT_ID_ROLE = int(Qt.ItemDataRole.UserRole) + 1
SORT_KEY_ROLE = int(Qt.ItemDataRole.UserRole) + 2

# Column order is SORT_KEYS' order: column i sorts by SORT_KEYS[i].
COLUMNS: tuple[tuple[str, str], ...] = tuple(zip(SORT_KEYS, (
    N_("No."), N_("Item"), N_("Responsible unit"), N_("Role"), N_("Leader in charge"),
    N_("Assigned on"), N_("Due"), N_("State"), N_("Light"), N_("Next step"),
), strict=True))
COLUMN_OF = {key: i for i, (key, _title) in enumerate(COLUMNS)}

STATE_LABELS = {
    "assigned": N_("Awaiting claim"), "claimed": N_("Claimed"), "in_progress": N_("In progress"),
    "submitted": N_("Awaiting close-out"), "closed": N_("Closed"), "cancelled": N_("Cancelled"),
}
ROLE_LABELS = {"lead": N_("Lead"), "co": N_("Co-operating")}
LIGHT_LABELS = {"red": N_("Red"), "yellow": N_("Yellow"), "green": N_("Green")}
KIND_LABELS = {"township": N_("Township"), "department": N_("Department")}
CATEGORY_LABELS = {"general": N_("General"), "major": N_("Major")}
SOURCE_LABELS = {"meeting": N_("Meeting"), "instruction": N_("Instruction"), "inspection": N_("Inspection"),
                 "other": N_("Other")}
LIGHT_COLORS = {"red": "#d32f2f", "yellow": "#f2a900", "green": "#2e7d32"}
NEW_COLOR = "#d84315"
OVERDUE_COLOR = "#c62828"

Index = QModelIndex | QPersistentModelIndex
_DISPLAY, _ACCESSIBLE = int(Qt.ItemDataRole.DisplayRole), int(Qt.ItemDataRole.AccessibleTextRole)
_DECORATION, _FOREGROUND = int(Qt.ItemDataRole.DecorationRole), int(Qt.ItemDataRole.ForegroundRole)
_TOOLTIP, _ALIGNMENT = int(Qt.ItemDataRole.ToolTipRole), int(Qt.ItemDataRole.TextAlignmentRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_ROLES = frozenset((_DISPLAY, _ACCESSIBLE, _DECORATION, _FOREGROUND, _TOOLTIP, _ALIGNMENT, _FONT,
                    ASSIGNMENT_ID_ROLE))
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

_icons: dict[str, QIcon] = {}


@functools.cache
def _overdue_brush() -> QBrush:
    return QBrush(QColor(OVERDUE_COLOR))


@functools.cache
def _bold() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


@functools.cache
def new_icon() -> QIcon:
    """The 新 badge: the translated word, white on an orange rounded square (needs a QGuiApplication)."""
    icon = QIcon()
    for size in (16, 24, 32):
        pix = QPixmap(size, size)
        pix.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pix)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(NEW_COLOR))
        painter.drawRoundedRect(0, 0, size, size, size / 5, size / 5)
        word = _("New")
        font = QFont()
        font.setPixelSize(max(6, int(size * (0.7 if len(word) == 1 else 1.3 / len(word)))))
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(pix.rect(), int(Qt.AlignmentFlag.AlignCenter), word)
        painter.end()
        icon.addPixmap(pix)
    return icon


def light_icon(light: str) -> QIcon:
    """A filled coloured dot for a light (needs a QGuiApplication)."""
    if light not in _icons:
        icon = QIcon()
        for size in (12, 16, 24, 32):
            pix = QPixmap(size, size)
            pix.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pix)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(LIGHT_COLORS[light]))
            margin = size / 8
            painter.drawEllipse(margin, margin, size - 2 * margin, size - 2 * margin)
            painter.end()
            icon.addPixmap(pix)
        _icons[light] = icon
    return _icons[light]


def next_step_text(row: LedgerRow, as_of: dt.date) -> str:
    """What the unit must do next and when: 'Report 2 days overdue', 'Claim due today', '3 days left'.

    Follows the light (the earliest pending step), so a red row always reads overdue;
    empty when nothing is pending (closed, cancelled, or awaiting close-out).
    """
    return step_text(row.next_step, row.next_due, as_of)


class LedgerModel(QAbstractTableModel):
    """Ids of the ledger's assignments; rows fetched on demand (see module docstring)."""

    loaded = Signal(int)          # a new id list is shown; its length
    load_failed = Signal(object)  # the id query raised (Exception)

    def __init__(self, worker: DbWorker, reader: sqlite_utils.Database, *, as_of: dt.date,
                 parent: Any = None) -> None:
        super().__init__(parent)
        self._worker = worker
        self._reader = reader
        self._as_of = as_of
        self._filter = LedgerFilter()
        self._sort = "task_no"
        self._descending = False
        self._ids: list[int] = []
        self._shown = 0
        self._pages: OrderedDict[int, list[LedgerRow | None]] = OrderedDict()
        self._generation = 0
        self._started = False

    # ----- querying ----------------------------------------------------------------

    @property
    def as_of(self) -> dt.date:
        return self._as_of

    @property
    def ledger_filter(self) -> LedgerFilter:
        return self._filter

    @property
    def total(self) -> int:
        """How many assignments the current filter selects (shown or not yet fetched)."""
        return len(self._ids)

    @property
    def ids(self) -> Sequence[int]:
        """A copy of the whole id list, in display order (for tests and selections)."""
        return tuple(self._ids)

    @property
    def sort_key(self) -> tuple[str, bool]:
        return self._sort, self._descending

    def set_filter(self, flt: LedgerFilter, *, as_of: dt.date | None = None) -> None:
        """Show the assignments `flt` selects (asynchronous: `loaded` follows)."""
        self._filter = flt
        self.reload(as_of)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Re-query the ids in SQL ordered by the column's sort key (asynchronous)."""
        if not 0 <= column < len(COLUMNS):
            return
        key, descending = COLUMNS[column][0], order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self._sort, self._descending):
            return
        self._sort, self._descending = key, descending
        if self._started:
            self.reload()

    def reload(self, as_of: dt.date | None = None) -> None:
        """Query the ids again (after a filter change, a write, or a new day)."""
        self._started = True
        if as_of is not None:
            self._as_of = as_of
        self._generation += 1
        generation = self._generation
        flt, sort, desc, day = self._filter, self._sort, self._descending, self._as_of

        def work(db: sqlite_utils.Database) -> list[int] | None:
            if generation != self._generation:  # superseded while queued (fast typing): skip the scan
                return None
            return ledger_ids(db, flt, as_of=day, sort=sort, descending=desc)

        self._worker.submit(work, lambda ids: self._apply(generation, ids),
                            lambda exc: self._failed(generation, exc))

    def _apply(self, generation: int, ids: list[int] | None) -> None:
        if generation != self._generation or ids is None:
            return
        self.beginResetModel()
        self._ids = list(ids)
        self._shown = min(PAGE_SIZE, len(self._ids))
        self._pages.clear()
        self.endResetModel()
        self.loaded.emit(len(self._ids))

    def _failed(self, generation: int, exc: Exception) -> None:
        if generation == self._generation:
            self.load_failed.emit(exc)

    # ----- paging --------------------------------------------------------------------

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._shown < len(self._ids)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        count = min(PAGE_SIZE, len(self._ids) - self._shown)
        if count <= 0:
            return
        self.beginInsertRows(QModelIndex(), self._shown, self._shown + count - 1)
        self._shown += count
        self.endInsertRows()

    def row_at(self, row: int) -> LedgerRow | None:
        """The display row at `row`, loading its page if needed (GUI thread, sync)."""
        if not 0 <= row < self._shown:
            return None
        page = row // PAGE_SIZE
        rows = self._pages.get(page)
        if rows is None:
            rows = self._load_page(page)
        else:
            self._pages.move_to_end(page)
        return rows[row % PAGE_SIZE]

    def _load_page(self, page: int) -> list[LedgerRow | None]:
        ids = self._ids[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
        try:
            by_id = {r.assignment_id: r for r in ledger_rows(self._reader, ids, as_of=self._as_of)}
        except Exception as exc:  # shown once per page; the rows stay blank
            crash.report(exc)
            by_id = {}
        rows: list[LedgerRow | None] = [by_id.get(i) for i in ids]
        self._pages[page] = rows
        while len(self._pages) > MAX_CACHED_PAGES:
            self._pages.popitem(last=False)
        return rows

    def forget_marks(self, ids: set[int]) -> None:
        """Show the cached rows of `ids` without their import mark (their task was opened)."""
        for page, rows in self._pages.items():
            for i, row in enumerate(rows):
                if row is not None and row.new and row.assignment_id in ids:
                    rows[i] = dataclasses.replace(row, new=False)
                    at = page * PAGE_SIZE + i
                    if at < self._shown:
                        self.dataChanged.emit(self.index(at, 0), self.index(at, len(COLUMNS) - 1))

    # ----- the model interface --------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._shown

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _(COLUMNS[section][1])
        if role == SORT_KEY_ROLE:
            return COLUMNS[section][0]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called ~7 times per visible cell on every paint: plain ints, early exits, no enum arithmetic.
        if role not in _ROLES:
            return None
        column = index.column()  # -1 for an invalid index; a table's indexes have no parent
        if not 0 <= column < len(COLUMNS):
            return None
        row = self.row_at(index.row())
        if row is None:
            return None
        key = COLUMNS[column][0]
        if role == _DISPLAY:
            return next_step_text(row, self._as_of) if key == "days_left" else self._text(row, key)
        if role == _ACCESSIBLE:
            text = next_step_text(row, self._as_of) if key == "days_left" else self._text(row, key)
            return _("New: {text}").format(text=text) if row.new and column == 0 else text
        if role == _FONT:
            return _bold() if row.new else None
        if role == _DECORATION:
            if column == 0:
                return new_icon() if row.new else None
            return light_icon(row.light) if key == "light" and row.light else None
        if role == _FOREGROUND:
            return _overdue_brush() if key == "days_left" and row.light == "red" else None
        if role == _TOOLTIP:
            return self._tooltip(row, key)
        if role == _ALIGNMENT:
            return _RIGHT if key in ("assigned_on", "due", "days_left") else None
        return row.assignment_id  # ASSIGNMENT_ID_ROLE

    @staticmethod
    def _text(row: LedgerRow, key: str) -> str:
        if key == "task_no":
            return row.task_no
        if key == "title":
            return row.title
        if key == "unit":
            return row.unit_name
        if key == "role":
            return _(ROLE_LABELS.get(row.role, row.role))
        if key == "leader":
            return row.leader
        if key == "assigned_on":
            return medium_date(row.assigned_on)
        if key == "due":
            return medium_date(row.due)
        if key == "state":
            return _(STATE_LABELS.get(row.state, row.state))
        if key == "light":
            return _(LIGHT_LABELS[row.light]) if row.light else ""
        return ""

    @staticmethod
    def _tooltip(row: LedgerRow, key: str) -> str | None:
        lines = list(row.warnings)
        if row.new:
            lines.insert(0, _("New: an import brought records for this item; opening the task clears the mark."))
        if lines:
            return "\n".join(lines)
        if key == "title":
            return row.title
        if key == "unit":
            return row.unit_code
        return None
