"""What the monthly review and quarterly assessment pages share: period, status, rankings, explanation, publishing.

Contract: `ScoresPage(ctx, parent)` (subclassed by `MonthlyPage` and
`QuarterlyPage`) shows one period, chosen in `period_combo` (default: the last
ended month or quarter). It loads `ui.pages.scores.data.load` on the worker
(`ctx.query`) when built, when the period changes, on `activate()`/`refresh()`
and after every `ctx.changed` (coalesced); a result a newer load superseded is
dropped; `loaded(ScoresData)` is emitted once the new figures are on screen.
It shows the publication status, a ranking table (`RankingModel`) and a bar
chart (`ScoreChart`) per kind, townships apart from departments, and, for the
unit clicked in either, the lines explaining its score (Return on a ranking row
also moves the keyboard into them, where Return on a line opens its task). Publish and Reopen open
`PublishDialog` / `ReopenDialog` (`open()`, kept in `self.dialog`); they and
every other write control are enabled only for a writing user of the hub.
Print and Export hand a core renderer to `ui.printing.jobs` (imported when
clicked). Subclasses add tabs (`extra_tabs`) and fill them in `show_extra`.
Threading: GUI thread only; reads and writes run on the worker.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from babel.dates import format_skeleton
from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core.format import locale, medium_date
from core.i18n import _
from core.scoring.monthly import UnitScore
from core.scoring.periods import default_period, period_choices
from core.scoring.service import Publication
from ui import keyboard
from ui.pages.latest_load import LatestLoadMixin, message_label
from ui.pages.scores.data import ScoresData, load
from ui.pages.scores.explanation import ExplanationPanel
from ui.pages.scores.publish_dialogs import PublishDialog, ReopenDialog
from ui.pages.scores.ranking_chart import ScoreChart
from ui.pages.scores.ranking_model import UNIT_CODE_ROLE, RankingModel
from ui.shell.context import AppContext

KINDS = ("township", "department")


def published_day(pub: Publication) -> str:
    """The local day a publication was made, in the user's locale."""
    try:
        day = dt.datetime.fromisoformat(pub.published_at).astimezone().date()
    except ValueError:
        return pub.published_at[:10]
    return medium_date(day)


def status_lines(data: ScoresData) -> tuple[str, str]:
    """(status, history): the publication in force or why there is none; the earlier publications."""
    pubs, current = data.publications, data.current
    versions = {p.id: p.version for p in pubs}
    if current is not None:
        status = _("Published: version {version} on {date} by {user} (rule set {rules}).").format(
            version=current.version, date=published_day(current), user=current.user, rules=current.rules_version)
    elif pubs and pubs[-1].reopened_reason:
        status = _("Not published: version {version} was reopened ({reason}); the scores shown are computed "
                   "as of {date}.").format(version=pubs[-1].version, reason=pubs[-1].reopened_reason,
                                          date=medium_date(data.as_of))
    elif data.ended:
        status = _("Not published: the scores shown are computed as of {date}.").format(
            date=medium_date(data.as_of))
    else:
        status = _("Not published: the period is under way until {last}; the scores shown are computed as of "
                   "{date}.").format(last=medium_date(data.period.last),
                                     date=medium_date(data.as_of))
    history = []
    for p in pubs:
        if p is current:
            continue
        if p.superseded_by is not None and p.reopened_reason:
            history.append(_("Version {version} of {date} by {user}: reopened ({reason}), superseded by version "
                             "{newer}.").format(version=p.version, date=published_day(p), user=p.user,
                                                reason=p.reopened_reason, newer=versions.get(p.superseded_by, "?")))
        elif p.superseded_by is not None:
            history.append(_("Version {version} of {date} by {user}: superseded by version {newer}.").format(
                version=p.version, date=published_day(p), user=p.user, newer=versions.get(p.superseded_by, "?")))
        elif p.reopened_reason:
            history.append(_("Version {version} of {date} by {user}: reopened ({reason}).").format(
                version=p.version, date=published_day(p), user=p.user, reason=p.reopened_reason))
    return status, "\n".join(history)


class KindSection(QSplitter):
    """One kind's ranking table beside its bar chart."""

    def __init__(self, quarterly: bool, accessible: str, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.model = RankingModel(quarterly, self)
        self.table = QTableView()
        self.table.setAccessibleName(accessible)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.chart = ScoreChart(_("Scores as bars: {what}").format(what=accessible))
        self.addWidget(self.table)
        self.addWidget(self.chart)
        self.setStretchFactor(0, 0)
        self.setStretchFactor(1, 1)
        self.setChildrenCollapsible(False)

    def fit_table(self) -> None:
        """Give the table the width of its columns and the chart the rest."""
        table = self.table
        wanted = table.horizontalHeader().length() + table.verticalScrollBar().sizeHint().width() + 4
        total = max(self.width(), wanted + 320)
        self.setSizes([wanted, total - wanted])

    def select(self, code: str) -> None:
        row = self.model.row_of(code)
        if row >= 0:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)


class ScoresPage(LatestLoadMixin, QWidget):
    """A period's scores, ranks, explanation and publication (see the module contract)."""

    loaded = Signal(object)        # the ScoresData now shown
    load_failed = Signal(object)   # the Exception a load raised
    quarterly = False
    heading_text = ""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.data: ScoresData | None = None
        self.dialog: Any = None
        self._build()
        self._watch_changes()
        self.reload()

    @property
    def writable(self) -> bool:
        return self.ctx.hub_may_write

    @property
    def period(self) -> str:
        return str(self.period_combo.currentData())

    # ----- building ---------------------------------------------------------------------

    def _button(self, text: str, name: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(slot)
        return button

    def _build(self) -> None:
        heading = QLabel(_(self.heading_text))
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        self.period_combo = QComboBox()
        self.period_combo.setObjectName("period")
        self.period_combo.setAccessibleName(_("Quarter") if self.quarterly else _("Month"))
        today = self.ctx.today()
        for key in period_choices(today, self.quarterly):
            self.period_combo.addItem(key, key)
        self.period_combo.setCurrentIndex(max(0, self.period_combo.findData(default_period(today, self.quarterly))))
        self.period_combo.currentIndexChanged.connect(self._period_changed)
        self.publish_button = self._button(_("Publish…"), "publish", self.open_publish)
        self.reopen_button = self._button(_("Reopen…"), "reopen", self.open_reopen)
        self.print_button = self._button(self.print_text(), "print", self.print_report)
        self.export_button = self._button(_("Export to Excel…"), "export", self.export_ranking)
        head = QHBoxLayout()
        head.addWidget(heading)
        head.addSpacing(12)
        head.addWidget(self.period_combo)
        head.addStretch(1)
        for button in (self.publish_button, self.reopen_button, self.print_button, self.export_button):
            head.addWidget(button)
        self.status_label = QLabel()
        self.status_label.setObjectName("status")
        self.status_label.setWordWrap(True)
        self.history_label = QLabel()
        self.history_label.setObjectName("history")
        self.history_label.setStyleSheet("color: #5f6b76;")
        self.history_label.setWordWrap(True)
        self.message_label = message_label()

        self.sections = {"township": KindSection(self.quarterly, _("Townships")),
                         "department": KindSection(self.quarterly, _("Departments"))}
        self.tabs = QTabWidget()
        self.tabs.setObjectName("scoreTabs")
        self.tabs.addTab(self.sections["township"], _("Townships"))
        self.tabs.addTab(self.sections["department"], _("Departments"))
        for title, widget in self.extra_tabs():
            self.tabs.addTab(widget, title)
        for section in self.sections.values():
            section.table.selectionModel().currentRowChanged.connect(
                lambda current, _previous, sec=section: self._row_chosen(sec, current.row()))
            section.chart.unit_clicked.connect(self.show_unit)
            keyboard.on_return(section.table, self._into_explanation)
        self.explanation = ExplanationPanel()
        self.explanation.task_opened.connect(self.ctx.open_task.emit)
        self.explanation.setMinimumWidth(420)
        body = QSplitter(Qt.Orientation.Horizontal)
        body.addWidget(self.tabs)
        body.addWidget(self.explanation)
        body.setStretchFactor(0, 5)
        body.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addLayout(head)
        layout.addWidget(self.status_label)
        layout.addWidget(self.history_label)
        layout.addWidget(self.message_label)
        layout.addWidget(body, 1)
        self._update_buttons()

    def print_text(self) -> str:
        return _("Print…")

    def extra_tabs(self) -> list[tuple[str, QWidget]]:
        return []

    def show_extra(self, data: ScoresData) -> None:
        """Fill the subclass's tabs with the data just loaded."""

    # ----- loading ----------------------------------------------------------------------

    def activate(self, options: dict[str, Any] | None = None) -> None:
        period = (options or {}).get("period")
        if period and self.period_combo.findData(period) >= 0:
            self.period_combo.setCurrentIndex(self.period_combo.findData(period))
        elif not self._loading:
            self.reload()

    def refresh(self) -> None:
        self.reload()

    def _period_changed(self, _index: int) -> None:
        self.explanation.clear()
        self.reload()

    def reload(self) -> None:
        key, day = self.period, self.ctx.today()
        self._load_latest(lambda db: load(db, key, day), self._loaded)

    def _loaded(self, data: ScoresData) -> None:
        self.data = data
        status, history = status_lines(data)
        self.status_label.setText(status)
        self.history_label.setText(history)
        self.history_label.setVisible(bool(history))
        months = [format_skeleton("MMM", m.first, locale=locale()) for m in data.period.months()] \
            if data.period.is_quarter else []
        for kind, section in self.sections.items():
            scores = [s for s in data.scores if s.kind == kind]
            section.model.set_scores(scores, months)
            section.chart.set_scores(scores)
            section.fit_table()
        shown = self.explanation.score
        if shown is not None:
            self.show_unit(shown.unit)
        self.show_extra(data)
        self._update_buttons()
        self.loaded.emit(data)

    def _update_buttons(self) -> None:
        published = self.data is not None and self.data.current is not None
        self.publish_button.setEnabled(self.writable and self.data is not None and not published)
        self.reopen_button.setEnabled(self.writable and published)
        self.publish_button.setVisible(self.writable)
        self.reopen_button.setVisible(self.writable)

    # ----- units ------------------------------------------------------------------------

    def score_of(self, code: str) -> UnitScore | None:
        if self.data is None:
            return None
        return next((s for s in self.data.scores if s.unit == code), None)

    def _row_chosen(self, section: KindSection, row: int) -> None:
        if 0 <= row < len(section.model.scores):
            self._explain(section.model.index(row, 0).data(UNIT_CODE_ROLE))

    def _into_explanation(self, index: QModelIndex) -> None:
        """Return on a ranking row: its explanation takes the keyboard (Return on a line then opens its task)."""
        self._row_chosen(self.sections[self._section_of(index)], index.row())
        keyboard.focus_main_view(self.explanation)

    def _section_of(self, index: QModelIndex) -> str:
        return next(k for k, s in self.sections.items() if s.model is index.model())

    def show_unit(self, code: str) -> None:
        """Select the unit in its table (showing its tab) and explain its score."""
        score = self.score_of(code)
        if score is None:
            self.explanation.clear()
            return
        section = self.sections.get(score.kind)
        if section is not None:
            if self.tabs.currentWidget() in self.sections.values():
                self.tabs.setCurrentWidget(section)
            section.select(code)
        self._explain(code)

    def _explain(self, code: str) -> None:
        score = self.score_of(code)
        if score is not None and self.data is not None:
            self.explanation.show_score(score, self.data.period.is_quarter, self.ctx.reader)

    # ----- writes and reports -----------------------------------------------------------

    def open_publish(self) -> None:
        self.show_message("")
        self.dialog = PublishDialog(self.ctx, self.period, self)
        self.dialog.open()

    def open_reopen(self) -> None:
        self.show_message("")
        self.dialog = ReopenDialog(self.ctx, self.period, self)
        self.dialog.open()

    def report_render(self) -> tuple[str, Callable[[Any, Any], Any], str]:
        """(title, render(db, out), file name) of the printed report; subclasses say which."""
        raise NotImplementedError

    def print_report(self) -> None:
        try:
            from ui.printing.jobs import open_report
            title, render, file_name = self.report_render()
        except ImportError:
            self.show_message(_("Printing is not available in this version."))
            return
        open_report(self.ctx, self, title, render, file_name)

    def export_ranking(self) -> None:
        key = self.period
        try:
            from core.reports.xlsx.export import export_ranking
            from ui.printing.jobs import export_file
        except ImportError:
            self.show_message(_("Exporting is not available in this version."))
            return
        export_file(self.ctx, self, _("Ranking {period}").format(period=key),
                    lambda db, out: export_ranking(db, out, key), _("ranking-{period}.xlsx").format(period=key))
