"""The settings page (设置): deadline rules, scoring rules, holiday calendar, backups, language.

Contract: `SettingsPage(ctx, parent)` shows a list of sections beside the
section chosen (`sections`, a QListWidget; `stack`). The sections load their
data through `ctx.query` and save through `ctx.write` themselves (see
ui.pages.settings.deadlines, .ruleset, .calendar, .backup);
the language is this computer's preference, kept in QSettings under `LANGUAGE` ("language":
"zh_CN" or "en") for the next start, and applied at once (ui.shell.language.apply_language):
the main window then rebuilds this page, in the new language, on the language section
(`carry_over()` → the section's key, `take_over(key)`). `activate({"section": "calendar"})`
shows one section.
Threading: GUI thread only.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from core.i18n import N_, _, language
from ui.pages.settings.backup import BackupSection
from ui.pages.settings.calendar import CalendarSection
from ui.pages.settings.deadlines import DeadlinesSection
from ui.pages.settings.fonts import FontsSection
from ui.pages.settings.office_rules import OfficeRulesSection
from ui.pages.settings.printing import PrintingSection
from ui.pages.settings.ruleset import RuleSetSection
from ui.shell import settings_store
from ui.shell.context import AppContext
from ui.shell.language import apply_language
from ui.shell.settings_store import LANGUAGE, LANGUAGES, stored_language  # noqa: E402,F401  (re-exported)

SECTIONS = (("rules", N_("Deadline rules")), ("scoring", N_("Scoring rules")), ("calendar", N_("Holiday calendar")),
            ("backups", N_("Backups")), ("fonts", N_("Fonts")), ("printing", N_("Printed materials")),
            ("office_rules", N_("Rules of the office")), ("language", N_("Language")))


class LanguageSection(QWidget):
    """中文 / English: stored in QSettings for the next start and applied at once (the window retranslates)."""

    language_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.combo = QComboBox()
        self.combo.setAccessibleName(_("Language"))
        for code, name in LANGUAGES:
            self.combo.addItem(name, code)
        current = stored_language() or ("en" if language().startswith("en") else "zh_CN")
        self.combo.setCurrentIndex(max(0, self.combo.findData(current)))
        self.combo.currentIndexChanged.connect(self._chosen)
        self.note = QLabel(_("The app changes its language at once; the choice is kept for the next start. "
                             "Windows already open keep their language until they are closed."))
        self.note.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("&Language:"), self.combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addStretch(1)

    def _chosen(self) -> None:
        """Store the choice, then switch the running app (the window rebuilds this page in the new language)."""
        code = self.combo.currentData()
        settings_store.set_value(LANGUAGE, code)
        self.language_chosen.emit(code)
        apply_language(code)


class SettingsPage(QWidget):
    """The settings sections (see the module contract)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.rules = DeadlinesSection(ctx)
        self.scoring = RuleSetSection(ctx)
        self.calendar = CalendarSection(ctx)
        self.backups = BackupSection(ctx)
        self.language = LanguageSection()
        self.sections = QListWidget()
        self.sections.setAccessibleName(_("Settings sections"))
        self.sections.setMaximumWidth(180)
        self.stack = QStackedWidget()
        self.office_rules = OfficeRulesSection(ctx)
        widgets = (self.rules, self.scoring, self.calendar, self.backups, FontsSection(ctx), PrintingSection(ctx),
                   self.office_rules, self.language)
        for (_key, title), widget in zip(SECTIONS, widgets, strict=True):
            self.sections.addItem(_(title))
            self.stack.addWidget(widget)
        self.sections.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.sections.setCurrentRow(0)
        layout = QHBoxLayout(self)
        layout.addWidget(self.sections)
        layout.addWidget(self.stack, 1)

    def activate(self, options: dict[str, Any] | None = None) -> None:
        """Show the section named in `options["section"]` (rules, scoring, calendar, backups, language)."""
        keys = [key for key, _title in SECTIONS]
        section = (options or {}).get("section")
        if section in keys:
            self.sections.setCurrentRow(keys.index(section))

    def carry_over(self) -> str:
        """The section shown, for the page rebuilt after a language switch (ui.shell.main_window)."""
        return SECTIONS[max(0, self.sections.currentRow())][0]

    def take_over(self, section: object) -> None:
        """Show the section the page had before a language switch; on the language section, its combo has focus."""
        self.activate({"section": section})
        if section == "language":
            self.language.combo.setFocus(Qt.FocusReason.OtherFocusReason)
