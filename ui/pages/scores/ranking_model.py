"""The ranking table of one kind of unit (townships or departments) for a month or a quarter.

Contract: `RankingModel(quarterly)` shows the `UnitScore`s given to `set_scores`
in the order given (the core's ranked order); columns: rank, unit, score,
completion rate, on-time rate, and for a quarter the three month scores, the
capped bonus and the reward flag. `UNIT_CODE_ROLE` gives a row's unit code.
Read-only. Threading: GUI thread only.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from core.format import number, percent
from core.i18n import N_, _
from core.scoring.monthly import UnitScore

UNIT_CODE_ROLE = int(Qt.ItemDataRole.UserRole) + 1
SORT_ROLE = int(Qt.ItemDataRole.UserRole) + 2

MONTH_COLUMNS = (("rank", N_("Rank")), ("unit", N_("Unit")), ("score", N_("Score")),
                 ("completion", N_("Completion rate")), ("on_time", N_("On-time rate")))
QUARTER_COLUMNS = (("rank", N_("Rank")), ("unit", N_("Unit")), ("score", N_("Score")),
                   ("m1", N_("Month 1")), ("m2", N_("Month 2")), ("m3", N_("Month 3")),
                   ("bonus", N_("Bonus")), ("reward", N_("Reward")),
                   ("completion", N_("Completion rate")), ("on_time", N_("On-time rate")))

Index = QModelIndex | QPersistentModelIndex


def points(value: float) -> str:
    """A score or points to at most two decimals in the user's locale (95.75, 98, −0.5)."""
    return number(round(value, 2), "#,##0.##")


class RankingModel(QAbstractTableModel):
    """One kind's ranked scores (see the module contract)."""

    def __init__(self, quarterly: bool, parent: Any = None) -> None:
        super().__init__(parent)
        self.quarterly = quarterly
        self.columns = QUARTER_COLUMNS if quarterly else MONTH_COLUMNS
        self.scores: list[UnitScore] = []
        self.month_labels: list[str] = []

    def set_scores(self, scores: Sequence[UnitScore], month_labels: Sequence[str] = ()) -> None:
        """Show `scores` in the order given; `month_labels` head the quarter's month columns (else Month 1…3)."""
        self.beginResetModel()
        self.scores = list(scores)
        self.month_labels = list(month_labels)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.scores)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole \
                and 0 <= section < len(self.columns):
            key = self.columns[section][0]
            if key in ("m1", "m2", "m3") and len(self.month_labels) == 3:
                return self.month_labels[int(key[1]) - 1]
            return _(self.columns[section][1])
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.scores) or index.column() >= len(self.columns):
            return None
        s = self.scores[index.row()]
        key = self.columns[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(s, key)
        if role == UNIT_CODE_ROLE:
            return s.unit
        if role == SORT_ROLE:
            return self._value(s, key)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if key == "unit":
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and key == "unit":
            return s.unit
        return None

    @staticmethod
    def _value(s: UnitScore, key: str) -> Any:
        if key in ("m1", "m2", "m3"):
            i = int(key[1]) - 1
            return s.months[i] if i < len(s.months) else None
        return {"rank": s.rank, "unit": s.name, "score": s.score, "completion": s.completion_rate,
                "on_time": s.on_time_rate, "bonus": s.bonus, "reward": s.reward}.get(key)

    def _text(self, s: UnitScore, key: str) -> str:
        value = self._value(s, key)
        if key == "rank":
            return number(s.rank)
        if key == "unit":
            return s.name
        if key in ("completion", "on_time"):
            return percent(value)
        if key == "reward":
            return _("Reward") if s.reward else ""
        return "—" if value is None else points(float(value))

    def row_of(self, code: str) -> int:
        """The row of a unit code, or -1."""
        return next((i for i, s in enumerate(self.scores) if s.unit == code), -1)
