"""Settings → deadline rules: the 13710 day counts, their counting modes and the warning days.

Contract: `DeadlinesSection(ctx, parent)` loads `core.office_settings.rules_info`
through `ctx.query` (emits `loaded`), shows the version in force and a form
whose example line recomputes the dues of a task assigned today as the clerk
types (pure `compute_dues`, on the GUI thread, with the calendar loaded with
the rules). "Save" (hub; clerk or admin) runs `save_deadlines` on the worker:
a new rule-set version that applies to tasks assigned from now on; `saved(v)`
is emitted, or `refused(sentence)` with the sentence shown in red. It reloads
when `ctx.changed` says the rules changed. Threading: GUI thread only.
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core import office_settings as settings_ops
from core.format import medium_date
from core.i18n import N_, _, ngettext
from core.office import Changes
from core.rules.calendar import HolidayCalendar
from core.rules.deadlines import compute_dues
from core.rules.ruleset import MODES, DeadlineRule, Deadlines
from core.work import status
from ui.pages.directory.form import alive, error_label
from ui.pages.settings.common import say, show_failure, version_text
from ui.shell.context import AppContext

MODE_LABELS = {"calendar": N_("Calendar days"), "rollover": N_("Calendar days, moved past holidays"),
               "workdays": N_("Working days")}
STEPS = (("claim", N_("Claim")), ("report", N_("First report")), ("general", N_("Completion of a general task")),
         ("major", N_("Completion of a major task")))


def _short(d: dt.date) -> str:
    return medium_date(d)


def _suffix(spin: QSpinBox, n: int, *, months: bool = False) -> None:
    """' day' / ' days' (or months) after the number, as the number asks."""
    spin.setSuffix(ngettext(" month", " months", n) if months else ngettext(" day", " days", n))


class DeadlinesSection(QWidget):
    """The deadline rules form (see the module contract)."""

    loaded = Signal()
    saved = Signal(int)
    refused = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.may_write = ctx.hub_may_write
        self.info: settings_ops.RulesInfo | None = None
        self.calendar = HolidayCalendar()
        self.version_label = QLabel()
        self.version_label.setWordWrap(True)
        note = QLabel(_("A change is saved as a new version of the rule set. It applies to tasks assigned from "
                        "now on; tasks already assigned keep their deadlines. The warning days apply to the "
                        "lights at once."))
        note.setWordWrap(True)
        grid = QGridLayout()
        grid.addWidget(QLabel(_("<b>Step</b>")), 0, 0)
        grid.addWidget(QLabel(_("<b>Due after</b>")), 0, 1)
        grid.addWidget(QLabel(_("<b>Counted as</b>")), 0, 2)
        self.counts: dict[str, QSpinBox] = {}
        self.modes: dict[str, QComboBox] = {}
        for row, (key, title) in enumerate(STEPS, 1):
            spin = QSpinBox()
            if key == "major":
                spin.setRange(1, settings_ops.MAX_MONTHS)
            else:
                spin.setRange(0, settings_ops.MAX_DAYS)
            spin.valueChanged.connect(lambda n, spin=spin, months=key == "major": _suffix(spin, n, months=months))
            _suffix(spin, spin.value(), months=key == "major")
            spin.setAccessibleName(_("{step}: how long").format(step=_(title)))
            combo = QComboBox()
            combo.setAccessibleName(_("{step}: how days are counted").format(step=_(title)))
            for mode in MODES:
                combo.addItem(_(MODE_LABELS[mode]), mode)
            label = QLabel(_(title))
            label.setBuddy(spin)
            grid.addWidget(label, row, 0)
            grid.addWidget(spin, row, 1)
            grid.addWidget(combo, row, 2)
            self.counts[key], self.modes[key] = spin, combo
        self.warn_days = QSpinBox()
        self.warn_days.setRange(1, settings_ops.MAX_WARN_DAYS)
        self.warn_days.valueChanged.connect(lambda n: _suffix(self.warn_days, n))
        _suffix(self.warn_days, self.warn_days.value())
        self.warn_days.setAccessibleName(_("Yellow light: days before the due"))
        warn_label = QLabel(_("Yellow light from"))
        warn_label.setBuddy(self.warn_days)
        grid.addWidget(warn_label, len(STEPS) + 1, 0)
        grid.addWidget(self.warn_days, len(STEPS) + 1, 1)
        grid.addWidget(QLabel(_("before the due (1: on the due day only)")), len(STEPS) + 1, 2)
        grid.setColumnStretch(3, 1)
        self.example = QLabel()
        self.example.setWordWrap(True)
        self.example.setAccessibleName(_("Example"))
        self.save_button = QPushButton(_("&Save as a new version"))
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton(_("Re&vert"))
        self.revert_button.clicked.connect(self.revert)
        self.message = error_label(_("Message"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.revert_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.version_label)
        layout.addWidget(note)
        layout.addLayout(grid)
        layout.addWidget(self.example)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addStretch(1)
        for widget in [*self.counts.values(), *self.modes.values(), self.warn_days]:
            widget.setEnabled(self.may_write)
            if isinstance(widget, QSpinBox):
                widget.valueChanged.connect(self._form_changed)
            else:
                widget.currentIndexChanged.connect(self._form_changed)
        self.save_button.setVisible(self.may_write)
        self.revert_button.setVisible(self.may_write)
        ctx.changed.connect(self._on_changed)
        self.reload()

    # ----- loading ----------------------------------------------------------------------

    def reload(self) -> None:
        self.ctx.query(lambda db: (settings_ops.rules_info(db), status.holiday_calendar(db)),
                       alive(self, self._loaded))

    def _loaded(self, result: tuple[settings_ops.RulesInfo, HolidayCalendar]) -> None:
        self.info, self.calendar = result
        self._show_info()
        self.loaded.emit()

    def _on_changed(self, changes: Changes) -> None:
        if changes.rules or changes.calendar:
            self.reload()

    def _show_info(self) -> None:
        info = self.info
        if info is None:
            return
        self.version_label.setText(version_text(info))
        self.set_form(info.deadlines)

    def set_form(self, d: Deadlines) -> None:
        for key in self.counts:
            rule: DeadlineRule = getattr(d, key)
            self.counts[key].setValue(rule.months if key == "major" else rule.days)
            self.modes[key].setCurrentIndex(max(0, self.modes[key].findData(rule.mode)))
        self.warn_days.setValue(d.warn_days)
        self._form_changed()

    def revert(self) -> None:
        """Back to the version in force."""
        self.message.setVisible(False)
        self._show_info()

    def form(self) -> Deadlines:
        rules = {key: (DeadlineRule(months=self.counts[key].value(), mode=self.modes[key].currentData())
                       if key == "major" else DeadlineRule(days=self.counts[key].value(),
                                                           mode=self.modes[key].currentData()))
                 for key in self.counts}
        return Deadlines(**rules, warn_days=self.warn_days.value())

    def _form_changed(self) -> None:
        form = self.form()
        changed = self.info is not None and form != self.info.deadlines
        self.save_button.setEnabled(changed)
        self.revert_button.setEnabled(changed)
        today = self.ctx.today()
        general = compute_dues(today, "general", form, self.calendar)
        major = compute_dues(today, "major", form, self.calendar)
        self.example.setText(_("With these rules, a task assigned today ({today}) is to be claimed by {claim}, "
                               "first reported on by {report} and completed by {general} (general) or "
                               "{major} (major).").format(
            today=_short(today), claim=_short(general.claim), report=_short(general.report),
            general=_short(general.completion), major=_short(major.completion)))

    # ----- saving -----------------------------------------------------------------------

    def save(self) -> None:
        form = self.form()
        self.save_button.setEnabled(False)
        self.ctx.write(lambda s: settings_ops.save_deadlines(s, form), alive(self, self._saved),
                       alive(self, self._failed))

    def _saved(self, result: tuple[int, Changes]) -> None:
        version, changes = result
        say(self.message, _("Saved as rule set version {version}; it applies to tasks assigned from now on.")
            .format(version=version) if changes.rules else _("Nothing changed."))
        self.saved.emit(version)

    def _failed(self, exc: Exception) -> None:
        self._form_changed()
        show_failure(self.message, exc, self.refused)
