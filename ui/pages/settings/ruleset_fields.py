"""The fields of the scoring rules form: one control per value of [monthly], [quarterly], [ranking].

Contract: `RuleFields(may_write)` is a widget with three groups (monthly review,
quarterly assessment, ranking) and one control per rule of docs/design.md §6, in
`controls[(section, key)]`, each bounded so a value out of range cannot be
entered: points and the base ≥ 0, weights 0–1, reward counts whole numbers ≥ 0,
`combine` sum|mean and `ties` shared|break from a combo; every spin box takes its
range from core.rules.limits.LIMITS, the same bounds the core checks. `set_rules(rs)` fills
them; `rules(base)` returns `base` with the three sections replaced by the form's
values (its deadlines untouched). `edited` is emitted on every change.
Accessible names are "<group>: <rule>" (translated). Threading: GUI thread only.
"""
from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core.i18n import N_, _
from core.rules.limits import LIMITS
from core.rules.ruleset import COMBINES, TIES, RuleSet

# (section, key, label, kind): kind is points | weight | base | count | bool | choice
FIELDS: tuple[tuple[str, str, str, str], ...] = (
    ("monthly", "base", N_("Base score"), "base"),
    ("monthly", "late_claim", N_("Late claim"), "points"),
    ("monthly", "late_report", N_("Late first report"), "points"),
    ("monthly", "overdue", N_("Overdue completion"), "points"),
    ("monthly", "returned", N_("Returned completion"), "points"),
    ("monthly", "public_criticism", N_("Public criticism"), "points"),
    ("monthly", "finding", N_("Inspection finding"), "points"),
    ("monthly", "lead_weight", N_("Weight of a lead assignment"), "weight"),
    ("monthly", "co_weight", N_("Weight of a co assignment"), "weight"),
    ("monthly", "panel_weight", N_("Weight of the panel scores"), "weight"),
    ("monthly", "panel_drop_extremes", N_("With 3 or more panel scores, drop the highest and the lowest"), "bool"),
    ("quarterly", "combine", N_("The three months combined by"), "choice"),
    ("quarterly", "approving_instruction", N_("Approving instruction"), "points"),
    ("quarterly", "commendation", N_("Commendation"), "points"),
    ("quarterly", "public_praise", N_("Public praise"), "points"),
    ("quarterly", "typical_speech", N_("Typical speech"), "points"),
    ("quarterly", "bonus_cap", N_("Bonus cap per unit and quarter"), "points"),
    ("ranking", "ties", N_("Equal scores"), "choice"),
    ("ranking", "township_rewards", N_("Townships flagged for reward"), "count"),
    ("ranking", "department_rewards", N_("Departments flagged for reward"), "count"),
)
GROUPS = {"monthly": N_("Monthly review"), "quarterly": N_("Quarterly assessment"), "ranking": N_("Ranking")}
HINTS = {
    "monthly": N_("Points deducted per event from the base score. A deduction on an assignment counts its "
                  "role's weight. Monthly score = (1 − panel weight) × objective + panel weight × panel mean × 10."),
    "quarterly": N_("Points added per bonus, capped per unit and quarter."),
    "ranking": N_("Units are ranked within their kind; ties can make the reward list longer."),
}
CHOICES: dict[str, tuple[tuple[str, str], ...]] = {
    "combine": tuple(zip(COMBINES, (N_("Sum of the months"), N_("Mean of the months")),
                         strict=True)),
    "ties": tuple(zip(TIES, (N_("Share the rank (1, 2, 2, 4)"),
                             N_("Break by on-time rate, then completion rate, then name")), strict=True)),
}


def _spin(kind: str, key: str) -> QDoubleSpinBox | QSpinBox:
    """A spin box for the rule `key` (section.rule), bounded by the core's LIMITS."""
    least, most = LIMITS[key]
    if kind == "count":
        spin = QSpinBox()
        spin.setRange(int(least), int(most))
        return spin
    double = QDoubleSpinBox()
    double.setDecimals(2)
    double.setRange(float(least), float(most))
    double.setSingleStep({"weight": 0.05, "base": 1.0}.get(kind, 0.25))
    return double


class RuleFields(QWidget):
    """The controls of the scoring rules (see the module contract)."""

    edited = Signal()

    def __init__(self, may_write: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controls: dict[tuple[str, str], QWidget] = {}
        forms: dict[str, QFormLayout] = {}
        boxes: dict[str, QGroupBox] = {}
        for section, title in GROUPS.items():
            box = QGroupBox(_(title))
            inner = QVBoxLayout(box)
            hint = QLabel(_(HINTS[section]))
            hint.setWordWrap(True)
            hint.setStyleSheet("color: #616161;")
            inner.addWidget(hint)
            form = QFormLayout()
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
            inner.addLayout(form)
            inner.addStretch(1)
            forms[section], boxes[section] = form, box
        for section, key, label, kind in FIELDS:
            name = _("{group}: {rule}").format(group=_(GROUPS[section]), rule=_(label))
            control: QWidget
            if kind == "bool":
                check = QCheckBox(_(label))
                check.toggled.connect(self.edited)
                control = check
                forms[section].addRow(check)
            elif kind == "choice":
                combo = QComboBox()
                combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
                combo.setMinimumContentsLength(16)
                combo.currentTextChanged.connect(combo.setToolTip)   # the whole text, when cut short
                for value, text in CHOICES[key]:
                    combo.addItem(_(text), value)
                combo.currentIndexChanged.connect(self.edited)
                control = combo
                forms[section].addRow(_("{label}:").format(label=_(label)), combo)
            else:
                spin = _spin(kind, f"{section}.{key}")
                spin.setMinimumWidth(90)
                spin.valueChanged.connect(self.edited)
                control = spin
                forms[section].addRow(_("{label}:").format(label=_(label)), spin)
            control.setAccessibleName(name)
            control.setObjectName(f"{section}.{key}")
            control.setEnabled(may_write)
            self.controls[(section, key)] = control
        right = QVBoxLayout()
        right.addWidget(boxes["quarterly"])
        right.addWidget(boxes["ranking"])
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(boxes["monthly"], 1)
        row.addLayout(right, 1)

    def set_rules(self, rs: RuleSet) -> None:
        """Show the values of `rs` (emits `edited` once)."""
        self.blockSignals(True)
        try:
            for (section, key), control in self.controls.items():
                value = getattr(getattr(rs, section), key)
                if isinstance(control, QCheckBox):
                    control.setChecked(bool(value))
                elif isinstance(control, QComboBox):
                    control.setCurrentIndex(max(0, control.findData(value)))
                elif isinstance(control, QSpinBox):
                    control.setValue(int(value))
                elif isinstance(control, QDoubleSpinBox):
                    control.setValue(float(value))
        finally:
            self.blockSignals(False)
        self.edited.emit()

    def value(self, section: str, key: str) -> Any:
        control = self.controls[(section, key)]
        if isinstance(control, QCheckBox):
            return control.isChecked()
        if isinstance(control, QComboBox):
            return control.currentData()
        if isinstance(control, QSpinBox):
            return int(control.value())
        assert isinstance(control, QDoubleSpinBox)
        return float(control.value())

    def rules(self, base: RuleSet) -> RuleSet:
        """`base` with [monthly], [quarterly] and [ranking] as the form shows them."""
        sections = {}
        for section in GROUPS:
            values = {key: self.value(section, key) for sec, key, _label, _kind in FIELDS if sec == section}
            sections[section] = dataclasses.replace(getattr(base, section), **values)
        return dataclasses.replace(base, **sections)
