"""The scoring rules form bounds each spin box exactly as the core checks the rule (core.rules.limits)."""
from __future__ import annotations

from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox

from core.rules.limits import LIMITS


def test_every_spin_box_takes_the_core_range(qtbot) -> None:  # noqa: ANN001
    from ui.pages.settings.ruleset_fields import RuleFields

    fields = RuleFields(may_write=True)
    qtbot.addWidget(fields)
    spins = 0
    for (section, key), control in fields.controls.items():
        if isinstance(control, QSpinBox | QDoubleSpinBox):
            spins += 1
            assert (control.minimum(), control.maximum()) == LIMITS[f"{section}.{key}"], (section, key)
    assert spins == 17
