"""The ledger page (台账): every assignment, filtered, searched and sorted in SQL.

Contract:
- `LedgerPage(ctx, parent)`: the filter bar (ui.pages.ledger_filters), saved
  filters, the count of what is shown and the table over `ui.ledger_model`
  (ids in SQL order on the worker, rows fetched a page at a time).
- `activate({"filter": LedgerFilter(...), "sort": ("due", False)})` shows that
  filter (and optionally that sort): the dashboard's click-through. Both keys
  are optional; an empty dict keeps what is shown.
- `refresh()` reads again as of today (F5); `ctx.changed` does the same after any
  write, and reloads the unit and leader choices when the directory changed.
- Double-click or Enter on a row emits `ctx.open_task(task_no)`; the task view clears
  its import marks and `ctx.marks_seen` un-marks the rows in place (ui.ledger_model).
- `loaded(count)` after each new id list is shown (tests wait on it);
  `query_failed(exc)` when the id query raised.
- `focus_search()` (Ctrl+F) and `save_state()` (header state, on close); `main_view()` is the
  table (F6, Ctrl+Down). Down or Return in the search box goes into the table with a row
  current, so a clerk types a search, presses Down, then Return to open the task.
- "Print…" (`print_ledger`) and "Export to Excel…" (`export_excel`) make the
  document of what is shown: the current filter and sort key (ui.printing.documents).
- The names of saved filters come from `ask_filter_name`, and deletions are
  confirmed by `confirm_delete`: classmethods that tests replace.
Reading only: a viewer sees the same page (there is nothing to write here).
Threading: GUI thread only.
"""
from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.errors import ClerkError
from core.format import number
from core.i18n import _, ngettext
from core.office import Changes
from core.work.ledger import LedgerFilter
from ui import keyboard
from ui.ledger_model import (
    COLUMN_OF,
    COLUMNS,
    LIGHT_LABELS,
    ROLE_LABELS,
    STATE_LABELS,
    LedgerModel,
)
from ui.pages.ledger_filters import FilterBar, SavedFilters
from ui.shell import crash, settings_store
from ui.shell.context import AppContext

DEFAULT_WIDTHS = (80, 210, 150, 60, 80, 110, 110, 90, 70, 90)  # widened to fit each header


def count_text(n: int) -> str:
    return ngettext("{count} item", "{count} items", n).format(
        count=number(n))


class LedgerPage(QWidget):
    """All assignments with filters, search, saved filters and SQL sorting (see the module contract)."""

    loaded = Signal(int)
    query_failed = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._from_saved = False
        self.model = LedgerModel(ctx.worker, ctx.reader, as_of=ctx.today(), parent=self)
        self.model.loaded.connect(self._on_loaded)
        self.model.load_failed.connect(self._on_failed)

        self.filters = FilterBar(ctx, self)
        self.filters.changed.connect(self._filters_changed)
        self.saved = SavedFilters(ctx.office.uuid, self)
        self.saved.chosen.connect(self._saved_chosen)
        self.saved.save_requested.connect(self._save_filter)
        self.saved.delete_requested.connect(self._delete_filter)
        self.count_label = QLabel()
        self.count_label.setObjectName("count")
        self.count_label.setAccessibleName(_("Item count"))

        self.table = QTableView()
        self.table.setObjectName("ledger")
        self.table.setAccessibleName(_("Ledger"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)  # read only: Tab leaves it
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setSortIndicator(COLUMN_OF["task_no"], Qt.SortOrder.DescendingOrder)  # newest tasks first
        self._fit_default_widths(header)
        self.table.setSortingEnabled(True)  # model.sort stores the indicator; the first load queries
        settings_store.restore_state(header, settings_store.LEDGER_HEADER)
        self.table.doubleClicked.connect(self._open)
        enter = QShortcut(QKeySequence(Qt.Key.Key_Return), self.table)
        enter.setContext(Qt.ShortcutContext.WidgetShortcut)
        enter.activated.connect(lambda: self._open(self.table.currentIndex()))

        top = QHBoxLayout()
        top.addWidget(self.filters.search, 1)
        top.addWidget(self.saved)
        top.addSpacing(12)
        top.addWidget(self.count_label)
        self.print_button = QPushButton(_("P&rint…"))
        self.print_button.setObjectName("printLedger")
        self.print_button.setToolTip(_("Preview and print the ledger as filtered and sorted here"))
        self.print_button.clicked.connect(self.print_ledger)
        self.export_button = QPushButton(_("E&xport to Excel…"))
        self.export_button.setObjectName("exportLedger")
        self.export_button.setToolTip(_("Save the ledger as filtered and sorted here to an Excel file"))
        self.export_button.clicked.connect(self.export_excel)
        top.addWidget(self.print_button)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 0)
        layout.addLayout(top)
        layout.addWidget(self.filters)
        layout.addWidget(self.table, 1)
        self._set_tab_order()
        self.filters.search.installEventFilter(self)
        ctx.changed.connect(self._on_changed)
        ctx.marks_seen.connect(self.model.forget_marks)
        self.model.set_filter(self.filters.current_filter(), as_of=ctx.today())

    def _set_tab_order(self) -> None:
        f = self.filters
        chain = [f.search, self.saved.combo, self.saved.save_button, self.saved.delete_button, self.print_button,
                 self.export_button, f.unit, f.kind,
                 f.leader, f.state, f.light, f.category, f.source, f.date_from, f.date_to, f.new_only, f.clear_button,
                 self.table]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt)
        """Down or Return in the search box: into the table (see the module contract)."""
        if obj is self.filters.search and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) \
                and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter) \
                and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            self.filters.flush_search()  # the rows of what was typed, not of the text before it
            return keyboard.focus_main_view(self)
        return super().eventFilter(obj, event)

    def main_view(self) -> QTableView:
        return self.table

    def _fit_default_widths(self, header: QHeaderView) -> None:
        """Preset widths, widened to fit each header and each column's fixed vocabulary."""
        vocabulary = {COLUMN_OF["role"]: ROLE_LABELS.values(), COLUMN_OF["state"]: STATE_LABELS.values(),
                      COLUMN_OF["light"]: LIGHT_LABELS.values()}
        head, cell = header.fontMetrics(), self.table.fontMetrics()
        icon = self.table.iconSize().width() if self.table.iconSize().isValid() else 16
        for column, width in enumerate(DEFAULT_WIDTHS[:len(COLUMNS)]):
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            width = max(width, head.horizontalAdvance(title) + 28)
            for label in vocabulary.get(column, ()):
                extra = icon + 8 if column == COLUMN_OF["light"] else 0
                width = max(width, cell.horizontalAdvance(_(label)) + 16 + extra)
            header.resizeSection(column, width)

    # ----- what the shell calls ---------------------------------------------------------

    def activate(self, options: dict[str, object]) -> None:
        sort = options.get("sort")
        if isinstance(sort, tuple) and len(sort) == 2 and sort[0] in COLUMN_OF:
            order = Qt.SortOrder.DescendingOrder if sort[1] else Qt.SortOrder.AscendingOrder
            self.table.horizontalHeader().setSortIndicator(COLUMN_OF[str(sort[0])], order)
        flt = options.get("filter")
        if isinstance(flt, LedgerFilter):
            self.filters.set_filter(flt)

    @Slot()
    def refresh(self) -> None:
        self.filters.load_choices()
        self.model.reload(as_of=self.ctx.today())

    def focus_search(self) -> None:
        self.filters.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filters.search.selectAll()

    def save_state(self) -> None:
        settings_store.save_state(self.table.horizontalHeader(), settings_store.LEDGER_HEADER)

    def current_filter(self) -> LedgerFilter:
        return self.filters.current_filter()

    @Slot()
    def print_ledger(self) -> object:
        """Preview and print what the page shows: its filter and its sort key (ui.printing.documents)."""
        from ui.printing import documents as report_documents

        return report_documents.print_ledger(self.ctx, self, self.current_filter(), *self.model.sort_key)

    @Slot()
    def export_excel(self) -> object:
        """Save what the page shows (its filter and sort key) to an .xlsx file the user chooses."""
        from ui.printing import documents as report_documents

        return report_documents.export_ledger(self.ctx, self, self.current_filter(), *self.model.sort_key)

    # ----- reacting ---------------------------------------------------------------------

    @Slot()
    def _filters_changed(self) -> None:
        if not self._from_saved:
            self.saved.forget_choice()
        flt = self.filters.current_filter()
        if flt != self.model.ledger_filter:
            self.model.set_filter(flt, as_of=self.ctx.today())

    @Slot(object)
    def _saved_chosen(self, flt: LedgerFilter) -> None:
        self._from_saved = True
        try:
            self.filters.set_filter(flt)
        finally:
            self._from_saved = False

    @Slot(object)
    def _on_changed(self, changes: Changes) -> None:
        if changes.directory:
            self.filters.load_choices()
        self.model.reload(as_of=self.ctx.today())

    def _on_loaded(self, count: int) -> None:
        self.count_label.setText(count_text(count))
        if self.table.hasFocus() and not self.table.currentIndex().isValid():
            keyboard.focus_main_view(self)  # a keyboard user in the table keeps a current row
        self.loaded.emit(count)

    def _on_failed(self, exc: Exception) -> None:
        self.query_failed.emit(exc)
        if isinstance(exc, ClerkError):
            self.count_label.setText(str(exc))
        else:
            crash.report(exc)

    @Slot(QModelIndex)
    def _open(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        row = self.model.row_at(index.row())
        if row is not None:
            self.ctx.open_task.emit(row.task_no)

    # ----- saved filters ----------------------------------------------------------------

    @Slot()
    def _save_filter(self) -> None:
        name = self.ask_filter_name(self, self.saved.names())
        if name:
            self.saved.save(name, self.filters.current_filter())

    @Slot(str)
    def _delete_filter(self, name: str) -> None:
        if self.confirm_delete(self, name):
            self.saved.delete(name)

    @classmethod
    def ask_filter_name(cls, parent: QWidget, existing: list[str]) -> str | None:
        """The name to save the current filter under, or None (blocking; tests replace this)."""
        name, ok = QInputDialog.getText(parent, _("Save filter"),
                                        _("Name of this filter (a saved filter of the same name is replaced):"))
        return name.strip() if ok and name.strip() else None

    @classmethod
    def confirm_delete(cls, parent: QWidget, name: str) -> bool:
        """Whether to delete the saved filter `name` (blocking; tests replace this)."""
        answer = QMessageBox.question(parent, _("Delete saved filter"),
                                      _("Delete the saved filter “{name}”? The ledger itself is not changed.")
                                      .format(name=name))
        return answer == QMessageBox.StandardButton.Yes
