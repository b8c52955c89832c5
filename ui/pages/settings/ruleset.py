"""Settings → scoring rules (评分细则): the [monthly], [quarterly] and [ranking] rules of docs/design.md §6.

Contract: `RuleSetSection(ctx, parent)` loads the rule set in force (its version,
author and date) through `ctx.query` (emits `loaded`) and shows every value in
bounded controls (ui.pages.settings.ruleset_fields). The deadline rules stay in
their own section; they are carried unchanged (or as imported) into a save.
- "Check" runs `check_rules` and `affected_periods(db, rules, today)` on the
  worker and lists in `affected` each month and quarter whose scores would change
  and how many units (published ones are said to stay frozen); emits `checked`.
- "Save" (hub; clerk or admin) asks `confirm_save(parent, text)` (replaceable in
  tests), then runs `save_rules` through `ctx.write`: a new rule-set version;
  `saved(version)` is emitted, or `refused(sentence)` with the core's sentence in
  red in the form, nothing saved.
- "Import TOML…" reads the file `choose_import_file(parent)` names (replaceable)
  with `parse_ruleset`: a valid file fills the form (saved only by "Save"); an
  invalid one shows the core's sentence (line and key) and changes nothing.
- "Export TOML…" writes the form's rules to `choose_export_file(parent, name)`
  (replaceable) through `atomic_output`.
It reloads when `ctx.changed` says the rules changed. Threading: GUI thread only.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from core import office_settings as settings_ops
from core.errors import ClerkError
from core.i18n import _, ngettext
from core.office import Changes
from core.reports.atomic_file import atomic_output
from core.rules.ruleset import RuleSet, current_ruleset, parse_ruleset, ruleset_to_toml
from core.scoring import rules_edit
from core.scoring.rules_edit import AffectedPeriod
from ui import file_dialogs
from ui.pages.directory.form import alive, error_label
from ui.pages.settings.common import say, show_failure, version_text
from ui.pages.settings.ruleset_fields import RuleFields
from ui.shell.context import AppContext

PERIOD_ROLE = int(Qt.ItemDataRole.UserRole)


def choose_import_file(parent: QWidget) -> str:
    """Ask for a TOML file to read ("" when cancelled; tests replace this function)."""
    path = file_dialogs.open_file(parent, _("Import a rule set"), "", _("Rule sets (*.toml);;All files (*)"))
    return path


def choose_export_file(parent: QWidget, suggested: str) -> str:
    """Ask where to write the TOML ("" when cancelled; tests replace this function)."""
    path = file_dialogs.save_file(parent, _("Export the rule set"), suggested, _("Rule sets (*.toml)"))
    return path


def confirm_save(parent: QWidget, text: str) -> bool:
    """Ask before saving a new version (blocking; tests replace this function)."""
    answer = QMessageBox.question(parent, _("Save the scoring rules"), text,
                                  QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
                                  QMessageBox.StandardButton.Cancel)
    return answer == QMessageBox.StandardButton.Save


def _in_force(db: Any) -> tuple[settings_ops.RulesInfo, RuleSet]:
    return settings_ops.rules_info(db), current_ruleset(db)[1]


class RuleSetSection(QWidget):
    """The scoring rules form (see the module contract)."""

    loaded = Signal()
    checked = Signal(list)     # the AffectedPeriod list
    saved = Signal(int)
    refused = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.may_write = ctx.hub_may_write
        self.info: settings_ops.RulesInfo | None = None
        self.in_force: RuleSet | None = None
        self.base: RuleSet | None = None        # what the form edits: in force, or a file read
        self.shown: RuleSet | None = None       # the form as last filled, to tell an edit
        self.version_label = QLabel()
        self.version_label.setWordWrap(True)
        self.version_label.setAccessibleName(_("Rule set version in force"))
        note = QLabel(_("A change is saved as a new version of the rule set. Months and quarters not yet "
                        "published are scored with it; published ones keep their numbers."))
        note.setWordWrap(True)
        self.fields = RuleFields(self.may_write)
        self.fields.edited.connect(self._form_changed)
        self.check_button = QPushButton(_("&Check"))
        self.check_button.setToolTip(_("List the months and quarters whose scores these rules would change."))
        self.check_button.clicked.connect(self.check)
        self.save_button = QPushButton(_("&Save as a new version"))
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton(_("Re&vert"))
        self.revert_button.clicked.connect(self.revert)
        self.import_button = QPushButton(_("&Import TOML…"))
        self.import_button.clicked.connect(self.import_file)
        self.export_button = QPushButton(_("E&xport TOML…"))
        self.export_button.clicked.connect(self.export_file)
        buttons = QHBoxLayout()
        for button in (self.check_button, self.save_button, self.revert_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.export_button)
        self.message = error_label(_("Message"))
        self.affected = QListWidget()
        self.affected.setAccessibleName(_("Periods these rules would change"))
        self.affected.setMaximumHeight(140)
        self.affected.setVisible(False)
        body = QWidget()
        inner = QVBoxLayout(body)
        inner.addWidget(self.version_label)
        inner.addWidget(note)
        inner.addWidget(self.fields)
        inner.addLayout(buttons)
        inner.addWidget(self.message)
        inner.addWidget(self.affected)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        for button in (self.save_button, self.revert_button, self.import_button):
            button.setVisible(self.may_write)
        ctx.changed.connect(self._on_changed)
        self.reload()

    # ----- loading ----------------------------------------------------------------------

    def reload(self) -> None:
        self.ctx.query(_in_force, alive(self, self._loaded))

    def _loaded(self, result: tuple[settings_ops.RulesInfo, RuleSet]) -> None:
        self.info, self.in_force = result
        self._show_version()
        self._fill(self.in_force)
        self.loaded.emit()

    def _on_changed(self, changes: Changes) -> None:
        if changes.rules:
            self.reload()

    def _show_version(self) -> None:
        info = self.info
        if info is None:
            return
        self.version_label.setText(version_text(info))

    def _fill(self, rules: RuleSet) -> None:
        self.base = rules
        self.fields.set_rules(rules)
        self.shown = self.form()
        self._form_changed()

    def form(self) -> RuleSet:
        """The rules as the form shows them (the deadline rules as in force or as imported)."""
        return self.fields.rules(self.base or RuleSet())

    def revert(self) -> None:
        """Back to the version in force."""
        self._hide_results()
        if self.in_force is not None:
            self._fill(self.in_force)

    def _hide_results(self) -> None:
        self.message.setVisible(False)
        self.affected.clear()
        self.affected.setVisible(False)

    def _form_changed(self) -> None:
        changed = self.in_force is not None and self.form() != self.in_force
        self.save_button.setEnabled(changed)
        self.revert_button.setEnabled(changed)
        self.check_button.setEnabled(self.in_force is not None)
        if not self.affected.isHidden() and self.form() != self.shown:   # the check no longer holds
            self._hide_results()

    def _say(self, text: str, *, error: bool = False) -> None:
        say(self.message, text, error=error)
        if error:
            self.refused.emit(text)

    def _failed(self, exc: Exception) -> None:
        self._form_changed()
        show_failure(self.message, exc, self.refused)

    # ----- checking ---------------------------------------------------------------------

    def check(self) -> None:
        """List, on the worker's answer, the periods these rules would change."""
        rules, today = self.form(), self.ctx.today()
        self.shown = rules
        self.check_button.setEnabled(False)
        self._hide_results()

        def job(db: Any) -> list[AffectedPeriod]:
            rules_edit.check_rules(rules)
            return list(rules_edit.affected_periods(db, rules, today))

        self.ctx.query(job, alive(self, self._checked), alive(self, self._failed))

    def _checked(self, periods: list[AffectedPeriod]) -> None:
        self._form_changed()
        self.affected.clear()
        for p in periods:
            key = p.period
            units = ngettext("{n} unit", "{n} units", p.units_changed).format(n=p.units_changed)
            text = (_("{period}: published, stays as published ({units} would differ if recomputed)")
                    if p.published else _("{period}: {units} would change")).format(period=key, units=units)
            item = QListWidgetItem(text)
            item.setData(PERIOD_ROLE, (key, p.units_changed, p.published))
            self.affected.addItem(item)
        if periods:
            self._say(ngettext("These rules would change the scores of {n} period.",
                               "These rules would change the scores of {n} periods.", len(periods))
                      .format(n=len(periods)))
        else:
            self._say(_("No month or quarter would change with these rules."))
        self.affected.setVisible(bool(periods))
        self.checked.emit(periods)

    # ----- saving -----------------------------------------------------------------------

    def save(self) -> None:
        rules = self.form()
        if self.info is None or not confirm_save(self, _(
                "Save these scoring rules as rule set version {version}? Months and quarters not yet published "
                "will be scored with them.").format(version=self.info.version + 1)):
            return
        self.save_button.setEnabled(False)
        self.ctx.write(lambda s: rules_edit.save_rules(s, rules), alive(self, self._saved),
                       alive(self, self._failed))

    def _saved(self, result: tuple[int, Changes]) -> None:
        version, changes = result
        self.affected.clear()
        self.affected.setVisible(False)
        self._say(_("Saved as rule set version {version}.").format(version=version) if changes.rules
                  else _("Nothing changed."))
        self.saved.emit(version)

    # ----- files ------------------------------------------------------------------------

    def import_file(self) -> None:
        """Read a TOML file into the form; an invalid one changes nothing and shows the core's sentence."""
        path = choose_import_file(self)
        if not path:
            return
        self._hide_results()
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as err:
            self._say(_("Cannot read {path} ({reason}); choose a rule set saved as UTF-8 text.").format(
                path=Path(path).name, reason=getattr(err, "strerror", None) or err), error=True)
            return
        try:
            rules = parse_ruleset(text)
        except ClerkError as err:
            self._say(_("{file}: {problem} Nothing was changed.").format(file=Path(path).name, problem=err),
                      error=True)
            return
        self._fill(rules)
        self.shown = None
        note = _("Read {file}. Check the values, then save them as a new version.").format(file=Path(path).name)
        if self.in_force is not None and rules.deadlines != self.in_force.deadlines:
            note += " " + _("Its deadline rules differ from those in force and are saved with it.")
        self._say(note)

    def export_file(self) -> None:
        """Write the form's rules as TOML where the clerk chooses."""
        version = self.info.version if self.info else 0
        path = choose_export_file(self, _("rules-v{version}.toml").format(version=version))
        if not path:
            return
        text = ruleset_to_toml(self.form())
        try:
            with atomic_output(path) as tmp:
                tmp.write_text(text, encoding="utf-8")
        except ClerkError as err:
            self._say(str(err), error=True)
            return
        except OSError as err:
            self._say(_("Cannot write {path} ({reason}); choose another place.").format(
                path=path, reason=err.strerror or err), error=True)
            return
        self._say(_("Exported to {path}.").format(path=path))

