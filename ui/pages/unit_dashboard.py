"""我的评分 (My scores): a unit office's rates, and its scores and ranks as the county office published them.

Contract: `UnitDashboardPage(ctx, parent)` (units only, `ctx.office.unit_id`) loads
`core.work.unit_dashboard.unit_dashboard(db, code, as_of=today)` on the worker when
built, on `activate()`/`refresh()` and after every `ctx.changed` (coalesced; an
import by the sync page is one), and emits `loaded(UnitDashboard)` once it is on
screen. It shows:
- the unit's on-time claim, on-time report, completion and on-time completion rates
  for this month and this year, each red when below the 95% target;
- the published periods in `period_combo` (newest first; default the newest), and for
  the one chosen the published score, "第3名/共12个乡镇", the reward flag of a quarter,
  the day and version of the publication, and the explanation table (date, what, REF,
  task title, role, points) with its total, which equals the score;
- a sentence instead when nothing is published yet, or when the hub reopened the
  period chosen and has not published it again.
The scores are the hub's snapshots as they arrived by sync: never recomputed here.
Double-click or Enter on a line with a REF opens that task (`ctx.open_task`).
Read-only. Threading: GUI thread only; the query runs on the worker.
"""
from __future__ import annotations

from typing import Any

from babel.dates import format_date
from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.format import locale, percent, whole_percent
from core.i18n import _, ngettext
from core.scoring.unit_published import PublishedScore
from core.work.unit_dashboard import UnitDashboard, UnitRates, unit_dashboard
from ui.ledger_model import ROLE_LABELS
from ui.pages.latest_load import LatestLoadMixin, message_label
from ui.pages.scores.page import published_day
from ui.pages.scores.ranking_model import points
from ui.pages.unit_desk import unit_code_of
from ui.shell.context import AppContext

RATE_NAMES = ("claim", "report", "completion", "on_time")
LINE_COLUMNS = 6


def rate_titles() -> dict[str, str]:
    return {"claim": _("On-time claim rate"), "report": _("On-time report rate"),
            "completion": _("Completion rate"), "on_time": _("On-time completion rate")}


def rank_text(score: PublishedScore) -> str:
    """"Rank 3 of 12 townships" (第3名/共12个乡镇)."""
    assert score.score is not None
    rank, count = score.score.rank, score.of
    if score.score.kind == "township":
        return ngettext("Rank {rank} of {count} township", "Rank {rank} of {count} townships",
                        count).format(rank=rank, count=count)
    return ngettext("Rank {rank} of {count} department", "Rank {rank} of {count} departments",
                    count).format(rank=rank, count=count)


def _rate_cells(rates: UnitRates) -> dict[str, tuple[float | None, int, int]]:
    return {"claim": (rates.claim.rate, rates.claim.on_time, rates.claim.counted),
            "report": (rates.report.rate, rates.report.on_time, rates.report.counted),
            "completion": (rates.completion_rate, rates.closed, rates.counted),
            "on_time": (rates.on_time_rate, rates.on_time, rates.counted)}


class RatesBox(QGroupBox):
    """One period's four rates, each red when below the target."""

    def __init__(self, title: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.setObjectName(name)
        grid = QGridLayout(self)
        self.values: dict[str, QLabel] = {}
        for row, key in enumerate(RATE_NAMES):
            grid.addWidget(QLabel(rate_titles()[key]), row, 0)
            value = QLabel("—")
            value.setObjectName(f"{name}-{key}")
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(value, row, 1)
            self.values[key] = value

    def show_rates(self, rates: UnitRates) -> None:
        below = rates.below()
        for key, (rate, part, whole) in _rate_cells(rates).items():
            label = self.values[key]
            label.setText(_("{rate} ({part} of {whole})").format(rate=percent(rate), part=part, whole=whole)
                          if whole else percent(None))
            label.setStyleSheet("color: #c62828; font-weight: bold;" if below[key] else "font-weight: bold;")


class UnitDashboardPage(LatestLoadMixin, QWidget):
    """The unit's rates and published scores (see the module contract)."""

    loaded = Signal(object)        # UnitDashboard
    load_failed = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.data: UnitDashboard | None = None
        self.shown: PublishedScore | None = None
        self.unit_code, unit_name = unit_code_of(ctx.reader, ctx.office.unit_id)
        self.setObjectName("unitDashboard")
        heading = QLabel(_("My scores — {unit}").format(unit=unit_name))
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)
        self.message_label = message_label()
        self.target_label = QLabel()
        self.month_box = RatesBox(_("Tasks assigned this month"), "monthRates")
        self.year_box = RatesBox(_("Tasks assigned this year"), "yearRates")
        rates = QHBoxLayout()
        rates.addWidget(self.month_box)
        rates.addWidget(self.year_box)
        rates.addStretch(1)

        self.period_combo = QComboBox()
        self.period_combo.setObjectName("period")
        self.period_combo.setAccessibleName(_("Published period"))
        self.period_combo.currentIndexChanged.connect(self._period_changed)
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        summary_font = QFont(self.summary.font())
        summary_font.setPointSizeF(summary_font.pointSizeF() * 1.15)
        summary_font.setBold(True)
        self.summary.setFont(summary_font)
        self.published_label = QLabel()
        self.published_label.setObjectName("published")
        self.published_label.setWordWrap(True)
        self.table = self._lines_table()
        self.total_label = QLabel()
        self.total_label.setObjectName("total")
        self.total_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.total_label.setStyleSheet("font-weight: bold;")
        head = QHBoxLayout()
        head.addWidget(QLabel(_("Scores published by the county office:")))
        head.addWidget(self.period_combo)
        head.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.message_label)
        layout.addWidget(self.target_label)
        layout.addLayout(rates)
        layout.addLayout(head)
        layout.addWidget(self.summary)
        layout.addWidget(self.published_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.total_label)
        self._watch_changes()
        self.reload()

    def _lines_table(self) -> QTableWidget:
        table = QTableWidget(0, LINE_COLUMNS)
        table.setObjectName("lines")
        table.setAccessibleName(_("Explanation of the score"))
        table.setHorizontalHeaderLabels([_("Date"), _("What"), _("Task"), _("Task title"), _("Role"), _("Points")])
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().setVisible(False)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        table.doubleClicked.connect(self._open_line)
        table.activated.connect(self._open_line)
        return table

    # ----- loading ----------------------------------------------------------------------

    def reload(self) -> None:
        code, day = self.unit_code, self.ctx.today()
        self._load_latest(lambda db: unit_dashboard(db, code, as_of=day), self._loaded)

    def activate(self, _options: dict[str, Any] | None = None) -> None:
        if not self._loading:
            self.reload()

    def refresh(self) -> None:
        self.reload()

    def _loaded(self, data: UnitDashboard) -> None:
        self.data = data
        self.target_label.setText(_("The county's target for every rate is {target}.").format(
            target=whole_percent(data.target)))
        self.month_box.show_rates(data.month)
        self.year_box.show_rates(data.year)
        keep = self.period_combo.currentData()
        self.period_combo.blockSignals(True)
        self.period_combo.clear()
        for pub in data.published:
            text = pub.period if pub.reopened is None else _("{period} (reopened)").format(period=pub.period)
            self.period_combo.addItem(text, pub.period)
        index = self.period_combo.findData(keep) if keep is not None else -1
        self.period_combo.setCurrentIndex(max(0, index) if data.published else -1)
        self.period_combo.setEnabled(bool(data.published))
        self.period_combo.blockSignals(False)
        self._show_period()
        self.loaded.emit(data)

    def _period_changed(self, _index: int) -> None:
        self._show_period()

    # ----- the period shown -------------------------------------------------------------

    @property
    def period(self) -> str | None:
        data = self.period_combo.currentData()
        return None if data is None else str(data)

    def _show_period(self) -> None:
        pub = next((p for p in (self.data.published if self.data else ()) if p.period == self.period), None)
        self.shown = pub
        self.table.setRowCount(0)
        self.total_label.clear()
        self.published_label.clear()
        if pub is None:
            self.summary.setText(_("The county office has not published any scores yet; they appear here once it "
                                   "publishes a month or a quarter and you sync."))
            return
        if pub.reopened is not None:
            self.summary.setText(_("The county office reopened the scores of {period} ({reason}); they appear here "
                                   "again once it publishes them and you sync.").format(period=pub.period,
                                                                                        reason=pub.reopened))
            return
        if pub.score is None:
            self.summary.setText(_("The scores of {period} were published without your unit.").format(
                period=pub.period))
            return
        summary = (_("{period}: score {score}, {rank}, proposed for reward") if pub.is_quarter and pub.score.reward
                   else _("{period}: score {score}, {rank}"))
        self.summary.setText(summary.format(period=pub.period, score=points(pub.score.score), rank=rank_text(pub)))
        self.published_label.setText(_("Published by the county office on {day} (version {version}, rule set "
                                       "{rules}); completion rate {completion}, on-time rate {on_time}.").format(
            day=published_day(pub), version=pub.version, rules=pub.rules_version,  # type: ignore[arg-type]
            completion=percent(pub.score.completion_rate), on_time=percent(pub.score.on_time_rate)))
        self._fill_lines(pub)

    def _fill_lines(self, pub: PublishedScore) -> None:
        self.table.setRowCount(len(pub.lines))
        for row, explained in enumerate(pub.lines):
            line = explained.line
            role = _(ROLE_LABELS[line.role]) if line.role in ROLE_LABELS else ""
            cells = (format_date(line.on, "short", locale=locale()) if line.on else "", line.text,
                     "" if line.kind == "month" else line.ref, explained.title, role, points(line.points))
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, explained.task_no)
                if col == LINE_COLUMNS - 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if col in (1, 3):
                    item.setToolTip(text)
                self.table.setItem(row, col, item)
        total = round(sum(x.line.points for x in pub.lines), 6)
        self.total_label.setText(_("Total {total}").format(total=points(total)))

    def _open_line(self, index: QModelIndex) -> None:
        item = self.table.item(index.row(), 0) if index.isValid() else None
        task_no = item.data(Qt.ItemDataRole.UserRole) if item is not None else ""
        if task_no:
            self.ctx.open_task.emit(str(task_no))
