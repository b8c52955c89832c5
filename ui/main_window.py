"""The main window: the ledger of assignments with its filters and the county's rates.

Contract: `MainWindow(db_path, ...)` opens two connections to the database — the
`DbWorker`'s (its own thread; every query that scans tables: ids, units, rates)
and a read-only one owned by the GUI thread (pages of ledger rows, see
`ui.ledger_model`). It loads asynchronously and announces each result by a
signal (`units_loaded`, `ledger_loaded`, `stats_loaded`), which tests wait on.
`shutdown()` (called on close and on quit; idempotent) saves the geometry and
the table header, stops the worker and closes both connections.

Threading: GUI thread only. The worker's callbacks arrive on the GUI thread.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlite_utils
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core import clock
from core.db.connection import connect
from core.directory import Unit, list_units
from core.errors import ClerkError
from core.i18n import _, babel_locale, ngettext
from core.ledger import LedgerFilter, Stats, stats
from ui import crash
from ui.fonts import FontChoice
from ui.ledger_model import COLUMN_OF, LIGHT_LABELS, ROLE_LABELS, STATE_LABELS, LedgerModel, light_icon
from ui.worker import DbWorker

TARGET_RATE = 0.95
SEARCH_DELAY_MS = 300
DEFAULT_SIZE = (1280, 760)
DEFAULT_WIDTHS = (80, 280, 150, 60, 80, 110, 110, 90, 70, 90)  # widened to fit each header
SETTINGS_GEOMETRY = "main_window/geometry"
SETTINGS_HEADER = "main_window/ledger_header"


def percent(value: float | None) -> str:
    """A rate to one decimal in the user's locale (96.9%); an em dash when undefined."""
    if value is None:
        return "—"
    return format_percent(value, "#,##0.0%", locale=babel_locale())


def rates_text(s: Stats, target: float = TARGET_RATE) -> str:
    """The status bar's sentence: completion rate · on-time rate (target)."""
    return _("Completion rate {completion} · On-time rate {on_time} (target {target})").format(
        completion=percent(s.completion_rate), on_time=percent(s.on_time_rate),
        target=format_percent(target, "#,##0%", locale=babel_locale()))


def count_text(n: int) -> str:
    return ngettext("{count} item", "{count} items", n).format(count=format_decimal(n, locale=babel_locale()))


def open_reader(path: Path) -> sqlite_utils.Database:
    """A connection for the GUI thread that refuses writes."""
    db = connect(path)
    db.execute("PRAGMA query_only = ON")
    return db


class MainWindow(QMainWindow):
    """The first window: filters, the ledger and the rates (see the module docstring)."""

    units_loaded = Signal(int)      # number of units in the unit filter
    ledger_loaded = Signal(int)     # rows the current filter selects
    stats_loaded = Signal(object)   # the county's Stats
    query_failed = Signal(object)   # an Exception from a background query

    def __init__(self, db_path: Path, *, office_name: str = "", font: FontChoice | None = None,
                 as_of: dt.date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db_path = Path(db_path)
        self._fixed_as_of = as_of
        self.as_of = as_of or clock.today()
        self.font_choice = font
        self._closed = False
        self.worker = DbWorker(self.db_path, self)
        self.reader = open_reader(self.db_path)
        self.model = LedgerModel(self.worker, self.reader, as_of=self.as_of, parent=self)
        self.model.loaded.connect(self._on_ledger_loaded)
        self.model.load_failed.connect(self._on_query_failed)

        title = _("Closeloop — {office}").format(office=office_name) if office_name else _("Closeloop")
        self.setWindowTitle(title)
        self._build_actions()
        self._build_central()
        self._build_status_bar()
        self._restore_state()
        self.load()

    # ----- building ---------------------------------------------------------------------

    def _build_actions(self) -> None:
        menu = self.menuBar().addMenu(_("&File"))
        self.action_refresh = QAction(_("&Refresh"), self)
        self.action_refresh.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.action_refresh.triggered.connect(self.load)
        menu.addAction(self.action_refresh)
        menu.addSeparator()
        self.action_quit = QAction(_("E&xit"), self)
        self.action_quit.setShortcut(QKeySequence("Ctrl+Q"))
        self.action_quit.setMenuRole(QAction.MenuRole.QuitRole)
        self.action_quit.triggered.connect(self.close)
        menu.addAction(self.action_quit)

    def _combo(self, object_name: str, accessible: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(object_name)
        combo.setAccessibleName(accessible)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        return combo

    def _build_central(self) -> None:
        self.unit_combo = self._combo("unitFilter", _("Unit filter"))
        self.unit_combo.addItem(_("All units"), None)
        self.state_combo = self._combo("stateFilter", _("State filter"))
        self.state_combo.addItem(_("All states"), None)
        self.state_combo.addItem(_("Open"), "open")
        for key, label in STATE_LABELS.items():
            self.state_combo.addItem(_(label), key)
        self.light_combo = self._combo("lightFilter", _("Light filter"))
        self.light_combo.addItem(_("All lights"), None)
        for key, label in LIGHT_LABELS.items():
            self.light_combo.addItem(light_icon(key), _(label), key)
        for combo in (self.unit_combo, self.state_combo, self.light_combo):
            combo.currentIndexChanged.connect(self._filters_changed)
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("search")
        self.search_edit.setAccessibleName(_("Search"))
        self.search_edit.setPlaceholderText(_("Search number, title or content"))
        self.search_edit.setClearButtonEnabled(True)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._filters_changed)
        self.search_edit.textChanged.connect(self._search_timer.start)

        bar = QHBoxLayout()
        for label_text, combo in ((_("&Unit:"), self.unit_combo), (_("&State:"), self.state_combo),
                                  (_("&Light:"), self.light_combo)):
            label = QLabel(label_text)
            label.setBuddy(combo)
            bar.addWidget(label)
            bar.addWidget(combo)
            bar.addSpacing(12)
        bar.addStretch(1)
        bar.addWidget(self.search_edit, 1)

        self.table = QTableView()
        self.table.setObjectName("ledger")
        self.table.setAccessibleName(_("Ledger"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        header.setSortIndicator(0, Qt.SortOrder.DescendingOrder)  # newest tasks first
        self._fit_default_widths(header)
        self.table.setSortingEnabled(True)  # calls model.sort with the indicator: stored, not queried

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 8, 8, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        self.setCentralWidget(central)
        self.setTabOrder(self.unit_combo, self.state_combo)
        self.setTabOrder(self.state_combo, self.light_combo)
        self.setTabOrder(self.light_combo, self.search_edit)
        self.setTabOrder(self.search_edit, self.table)

    def _fit_default_widths(self, header: QHeaderView) -> None:
        """Preset widths, widened to fit each header and each column's fixed vocabulary."""
        vocabulary = {COLUMN_OF["role"]: ROLE_LABELS.values(), COLUMN_OF["state"]: STATE_LABELS.values(),
                      COLUMN_OF["light"]: LIGHT_LABELS.values()}
        head, cell = header.fontMetrics(), self.table.fontMetrics()
        icon = self.table.iconSize().width() if self.table.iconSize().isValid() else 16
        for column, width in enumerate(DEFAULT_WIDTHS):
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            width = max(width, head.horizontalAdvance(title) + 28)
            for label in vocabulary.get(column, ()):
                extra = icon + 8 if column == COLUMN_OF["light"] else 0
                width = max(width, cell.horizontalAdvance(_(label)) + 16 + extra)
            header.resizeSection(column, width)

    def _build_status_bar(self) -> None:
        self.count_label = QLabel()
        self.count_label.setObjectName("count")
        self.count_label.setAccessibleName(_("Item count"))
        self.rates_label = QLabel()
        self.rates_label.setObjectName("rates")
        self.rates_label.setAccessibleName(_("County rates"))
        bar = self.statusBar()
        bar.addWidget(self.count_label)
        if self.font_choice is not None and self.font_choice.bundled:
            family = self.font_choice.family
            self.font_label = QLabel(_("Font: {family} (shipped with Closeloop)").format(family=family))
            self.font_label.setObjectName("fontNotice")
            self.font_label.setToolTip(_("No Chinese font was found on this computer; Closeloop uses the "
                                         "font it ships with ({family}).").format(family=family))
            self.font_label.setEnabled(False)  # drawn muted: information, not a warning
            bar.addWidget(self.font_label)
        bar.addPermanentWidget(self.rates_label)

    # ----- settings ---------------------------------------------------------------------

    def _restore_state(self) -> None:
        settings = QSettings()
        geometry = settings.value(SETTINGS_GEOMETRY)
        restored = isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)
        if not restored or not self._on_a_screen():
            self._default_geometry()
        header_state = settings.value(SETTINGS_HEADER)
        if isinstance(header_state, QByteArray):
            self.table.horizontalHeader().restoreState(header_state)

    def _on_a_screen(self) -> bool:
        frame = self.frameGeometry()
        return any(screen.availableGeometry().intersects(frame) for screen in QGuiApplication.screens())

    def _default_geometry(self) -> None:
        screen = self.screen() or QGuiApplication.primaryScreen()
        area = screen.availableGeometry() if screen is not None else None
        width, height = DEFAULT_SIZE
        if area is not None and area.isValid():
            width, height = min(width, int(area.width() * 0.9)), min(height, int(area.height() * 0.9))
            self.resize(width, height)
            self.move(area.center() - self.rect().center())
        else:
            self.resize(width, height)

    def save_state(self) -> None:
        settings = QSettings()
        settings.setValue(SETTINGS_GEOMETRY, self.saveGeometry())
        settings.setValue(SETTINGS_HEADER, self.table.horizontalHeader().saveState())
        settings.sync()

    # ----- loading ----------------------------------------------------------------------

    def current_filter(self) -> LedgerFilter:
        search = self.search_edit.text().strip() or None
        return LedgerFilter(unit=self.unit_combo.currentData(), state=self.state_combo.currentData(),
                            light=self.light_combo.currentData(), search=search)

    @Slot()
    def load(self) -> None:
        """(Re)load units, the ledger and the rates from the database."""
        self.as_of = self._fixed_as_of or clock.today()
        self.worker.submit(list_units, self._on_units, self._on_query_failed)
        self.model.set_filter(self.current_filter(), as_of=self.as_of)
        self.load_stats()

    def load_stats(self) -> None:
        day = self.as_of

        def work(db: sqlite_utils.Database) -> Stats:
            result = stats(db, as_of=day)
            assert isinstance(result, Stats)
            return result

        self.worker.submit(work, self._on_stats, self._on_query_failed)

    @Slot()
    def _filters_changed(self) -> None:
        flt = self.current_filter()
        if flt != self.model.ledger_filter:
            self.model.set_filter(flt)

    def _on_units(self, units: list[Unit]) -> None:
        current = self.unit_combo.currentData()
        self.unit_combo.blockSignals(True)
        self.unit_combo.clear()
        self.unit_combo.addItem(_("All units"), None)
        for unit in units:
            label = unit.name if unit.active else _("{name} (inactive)").format(name=unit.name)
            self.unit_combo.addItem(label, unit.code)
        index = self.unit_combo.findData(current) if current is not None else 0
        self.unit_combo.setCurrentIndex(max(index, 0))
        self.unit_combo.blockSignals(False)
        if index < 0:
            self._filters_changed()
        self.units_loaded.emit(len(units))

    def _on_ledger_loaded(self, count: int) -> None:
        self.count_label.setText(count_text(count))
        self.ledger_loaded.emit(count)

    def _on_stats(self, result: Stats) -> None:
        self.rates_label.setText(rates_text(result))
        self.rates_label.setToolTip(_("All assignments of the county as of {date}, cancelled ones excluded.")
                                    .format(date=format_date(self.as_of, "long", locale=babel_locale())))
        self.stats_loaded.emit(result)

    def _on_query_failed(self, exc: Exception) -> None:
        self.query_failed.emit(exc)
        if isinstance(exc, ClerkError):
            self.statusBar().showMessage(str(exc), 15000)
        else:
            crash.report(exc)

    # ----- closing ----------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)

    @Slot()
    def shutdown(self) -> None:
        """Save the window state, stop the worker, close connections. Idempotent."""
        if self._closed:
            return
        self._closed = True
        self.save_state()
        self.worker.close()
        self.reader.conn.close()
