"""The ledger's filter bar and its saved filters.

Contract:
- `FilterBar(ctx)` shows one `core.work.ledger.LedgerFilter`: the search box and a
  grid of choices (unit, unit kind, leader, state, light, category, source, and
  the period of assignment, and "new from an import only", `LedgerFilter.new_only`).
  `current_filter()` reads it; `set_filter(flt)` shows
  a filter (a dashboard click-through, a saved filter) and emits `changed` once.
  Typing in the search box emits `changed` once the events already queued are
  handled (a zero-delay timer coalesces a paste or an input method's commits);
  no longer delay, since a keystroke must update the view within 100 ms, and the
  model skips queries superseded while they wait on the worker.
  `load_choices()` reads the units and leaders through `ctx.reader` (two tiny
  reads on the GUI thread; called again when the directory changes).
- `SavedFilters(scope)` is the combo of filters saved under a name (JSON in
  QSettings through ui.shell.settings_store, per office); `chosen(LedgerFilter)` when the
  clerk picks one. `filter_to_json`/`filter_from_json` convert a filter.
Threading: GUI thread only.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import fields
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.directory import list_leaders, list_units
from core.i18n import _
from core.work.ledger import LedgerFilter
from ui.date_field import DateField
from ui.ledger_model import (
    CATEGORY_LABELS,
    KIND_LABELS,
    LIGHT_LABELS,
    SOURCE_LABELS,
    STATE_LABELS,
    light_icon,
)
from ui.pages.ledger_unit_filter import UnitFilterCombo
from ui.shell import settings_store
from ui.shell.context import AppContext

SEARCH_DELAY_MS = 0  # after the events already queued (a paste, an input method's commits), no later
_DATE_FIELDS = ("date_from", "date_to")


def filter_to_json(flt: LedgerFilter) -> dict[str, Any]:
    """The fields of `flt` that are set, dates as ISO text."""
    out: dict[str, Any] = {}
    for f in fields(LedgerFilter):
        v = getattr(flt, f.name)
        if v is not None and v != "" and v is not False:
            out[f.name] = v.isoformat() if isinstance(v, dt.date) else v
    return out


def filter_from_json(data: dict[str, Any]) -> LedgerFilter:
    """A filter from `filter_to_json`'s output; unknown keys and malformed dates are left out."""
    known = {f.name for f in fields(LedgerFilter)}
    values: dict[str, Any] = {}
    for key, v in data.items():
        if key not in known or v is None:
            continue
        if key in _DATE_FIELDS:
            try:
                values[key] = dt.date.fromisoformat(str(v))
            except ValueError:
                continue
        elif key == "new_only":
            values[key] = v is True
        else:
            values[key] = str(v)
    return LedgerFilter(**values)


class FilterBar(QWidget):
    """Search box and filter choices (see the module contract)."""

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._quiet = False
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setAccessibleName(_("Search"))
        self.search.setPlaceholderText(_("Search number, title or content"))
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._emit)
        self.search.textChanged.connect(self._search_timer.start)

        self.unit = self._combo("unitFilter", _("Unit filter"), _("All units"), combo=UnitFilterCombo())
        self.kind = self._combo("kindFilter", _("Unit kind filter"), _("All kinds"), KIND_LABELS)
        self.leader = self._combo("leaderFilter", _("Leader filter"), _("All leaders"))
        self.state = self._combo("stateFilter", _("State filter"), _("All states"))
        self.state.addItem(_("Open"), "open")
        for key, label in STATE_LABELS.items():
            self.state.addItem(_(label), key)
        self.light = self._combo("lightFilter", _("Light filter"), _("All lights"))
        for key, label in LIGHT_LABELS.items():
            self.light.addItem(light_icon(key), _(label), key)
        self.category = self._combo("categoryFilter", _("Category filter"), _("All categories"), CATEGORY_LABELS)
        self.source = self._combo("sourceFilter", _("Source filter"), _("All sources"), SOURCE_LABELS)
        self.date_from = self._date("dateFrom", _("Assigned from"))
        self.date_to = self._date("dateTo", _("Assigned until"))
        self.new_only = QCheckBox(_("Ne&w from an import only"))
        self.new_only.setObjectName("newOnly")
        self.new_only.setToolTip(_("Only the items an import changed whose task has not been opened since"))
        self.new_only.toggled.connect(self._emit)
        self.clear_button = QPushButton(_("C&lear filters"))
        self.clear_button.setObjectName("clearFilters")
        self.clear_button.clicked.connect(self.clear)

        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        cells = ((_("&Unit:"), self.unit), (_("&Kind:"), self.kind), (_("Lea&der:"), self.leader),
                 (_("&State:"), self.state), (_("Li&ght:"), self.light), (_("Ca&tegory:"), self.category),
                 (_("S&ource:"), self.source), (_("&Assigned from:"), self.date_from),
                 (_("u&ntil:"), self.date_to))
        for i, (text, widget) in enumerate(cells):
            label = QLabel(text)
            label.setBuddy(widget)
            row, col = divmod(i, 5)
            grid.addWidget(label, row, 2 * col, Qt.AlignmentFlag.AlignRight)
            grid.addWidget(widget, row, 2 * col + 1)
        # the check box on a row of its own, under Category: beside the Light column it made that column as
        # wide as "New from an import only", and the page wider than the window's minimum 995×617 in English
        grid.addWidget(self.new_only, 2, 0, 1, 4)
        grid.addWidget(self.clear_button, 1, 9)
        for col in range(5):
            grid.setColumnStretch(2 * col + 1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(grid)
        QWidget.setTabOrder(self.clear_button, self.new_only)  # reading order: row by row
        self.load_choices()

    def _combo(self, name: str, accessible: str, everything: str, labels: dict[str, str] | None = None,
               combo: QComboBox | None = None) -> QComboBox:
        combo = combo if combo is not None else QComboBox()
        combo.setObjectName(name)
        combo.setAccessibleName(accessible)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(6)
        combo.addItem(everything, None)
        for key, label in (labels or {}).items():
            combo.addItem(_(label), key)
        combo.currentIndexChanged.connect(self._emit)
        return combo

    def _date(self, name: str, accessible: str) -> DateField:
        """The app's date field, empty for "any"; a text that is not a date turns red and filters nothing."""
        edit = DateField(None, accessible, optional=True, empty_text=_("Any"), compact=True)
        edit.setObjectName(name)
        edit.dateChanged.connect(self._emit)
        return edit

    def load_choices(self) -> None:
        """(Re)fill the unit and leader choices from the directory, keeping the current choice."""
        db = self.ctx.reader
        directory = list_units(db)
        self.unit.set_units(directory)
        units = [(u.code, u.name if u.active else _("{name} (inactive)").format(name=u.name))
                 for u in directory]
        leaders = [(ld.name, ld.name if ld.active else _("{name} (inactive)").format(name=ld.name))
                   for ld in list_leaders(db)]
        self._quiet = True
        try:
            for combo, items in ((self.unit, units), (self.leader, leaders)):
                current = combo.currentData()
                while combo.count() > 1:
                    combo.removeItem(1)
                for key, label in items:
                    combo.addItem(label, key)
                self._select(combo, current)
        finally:
            self._quiet = False

    @staticmethod
    def _select(combo: QComboBox, key: str | None) -> None:
        """Select the item whose data is `key`; an unknown key is added (shown as itself)."""
        if key is None:
            combo.setCurrentIndex(0)
            return
        index = combo.findData(key)
        if index < 0:
            combo.addItem(key, key)
            index = combo.count() - 1
        combo.setCurrentIndex(index)

    def current_filter(self) -> LedgerFilter:
        return LedgerFilter(
            unit=self.unit.currentData(), kind=self.kind.currentData(), leader=self.leader.currentData(),
            state=self.state.currentData(), light=self.light.currentData(), category=self.category.currentData(),
            source=self.source.currentData(), search=self.search.text().strip() or None,
            date_from=self.date_from.date(), date_to=self.date_to.date(), new_only=self.new_only.isChecked())

    def set_filter(self, flt: LedgerFilter) -> None:
        """Show `flt` in the bar, then emit `changed` once."""
        self._quiet = True
        try:
            for combo, key in ((self.unit, flt.unit), (self.kind, flt.kind), (self.leader, flt.leader),
                               (self.state, flt.state), (self.light, flt.light), (self.category, flt.category),
                               (self.source, flt.source)):
                self._select(combo, key)
            for edit, d in ((self.date_from, flt.date_from), (self.date_to, flt.date_to)):
                edit.setDate(d)
            self.search.setText(flt.search or "")
            self.new_only.setChecked(flt.new_only)
            self._search_timer.stop()
        finally:
            self._quiet = False
        self.changed.emit()

    def flush_search(self) -> None:
        """Emit at once the `changed` a keystroke in the search box still has waiting on its timer."""
        if self._search_timer.isActive():
            self._search_timer.stop()
            self._emit()

    @Slot()
    def clear(self) -> None:
        self.set_filter(LedgerFilter())

    @Slot()
    def _emit(self) -> None:
        if not self._quiet:
            self.changed.emit()


class SavedFilters(QWidget):
    """A combo of saved filters with Save and Delete buttons (see the module contract)."""

    chosen = Signal(object)          # LedgerFilter
    save_requested = Signal()        # the page asks for a name, then calls `save`
    delete_requested = Signal(str)   # the page confirms, then calls `delete`

    def __init__(self, scope: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scope = scope
        self.combo = QComboBox()
        self.combo.setObjectName("savedFilters")
        self.combo.setAccessibleName(_("Saved filters"))
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(10)
        self.combo.activated.connect(self._picked)
        self.save_button = QPushButton(_("Sav&e filter…"))
        self.save_button.setObjectName("saveFilter")
        self.save_button.clicked.connect(self.save_requested)
        self.delete_button = QPushButton(_("Delete"))
        self.delete_button.setObjectName("deleteFilter")
        self.delete_button.setAccessibleName(_("Delete the chosen saved filter"))
        self.delete_button.clicked.connect(self._delete_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo)
        layout.addWidget(self.save_button)
        layout.addWidget(self.delete_button)
        self.reload()

    def names(self) -> list[str]:
        return list(settings_store.saved_filters(self.scope))

    def reload(self, select: str | None = None) -> None:
        self.combo.blockSignals(True)
        self.combo.clear()
        self.combo.addItem(_("Saved filters…"), None)
        for name in self.names():
            self.combo.addItem(name, name)
        self.combo.setCurrentIndex(max(self.combo.findData(select), 0) if select else 0)
        self.combo.blockSignals(False)
        self.delete_button.setEnabled(self.combo.currentData() is not None)

    def save(self, name: str, flt: LedgerFilter) -> None:
        """Store `flt` under `name` (replacing a filter of that name) and select it."""
        name = name.strip()
        if not name:
            return
        filters = settings_store.saved_filters(self.scope)
        filters[name] = filter_to_json(flt)
        settings_store.store_saved_filters(self.scope, filters)
        self.reload(select=name)

    def delete(self, name: str) -> None:
        filters = settings_store.saved_filters(self.scope)
        if filters.pop(name, None) is not None:
            settings_store.store_saved_filters(self.scope, filters)
        self.reload()

    def pick(self, name: str) -> None:
        """Choose the saved filter `name`, as a clerk would in the combo."""
        index = self.combo.findData(name)
        if index >= 0:
            self.combo.setCurrentIndex(index)
            self._picked(index)

    @Slot(int)
    def _picked(self, index: int) -> None:
        name = self.combo.itemData(index)
        self.delete_button.setEnabled(name is not None)
        if name is None:
            return
        data = settings_store.saved_filters(self.scope).get(name)
        if data is not None:
            self.chosen.emit(filter_from_json(data))

    @Slot()
    def _delete_clicked(self) -> None:
        name = self.combo.currentData()
        if name is not None:
            self.delete_requested.emit(name)

    def forget_choice(self) -> None:
        """Show no saved filter as chosen (the clerk changed the filter by hand)."""
        self.combo.setCurrentIndex(0)
        self.delete_button.setEnabled(False)
