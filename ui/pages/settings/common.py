"""What the settings sections share: the message line (green news, red refusals) and the rule-set version.

Contract: `say(label, text, error=...)` shows `text` in a section's message label
(made by `ui.pages.directory.form.error_label`), green, or red for a refusal.
`show_failure(label, exc, refused)` handles a worker's failure: a ClerkError's
sentence shows in red and is emitted through `refused`; anything else goes to
`crash.report`. `version_text(info)` is the "rule set version in force" sentence.
Threading: GUI thread only.
"""
from __future__ import annotations

from babel.dates import format_datetime
from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QLabel

from core import office_settings as settings_ops
from core.errors import ClerkError
from core.i18n import _, babel_locale
from ui.pages.directory.form import ERROR_COLOR
from ui.shell import crash

OK_COLOR = "#2e7d32"


def say(label: QLabel, text: str, *, error: bool = False) -> None:
    """Show `text` in the message label: red for a refusal, green otherwise."""
    label.setStyleSheet(f"color: {ERROR_COLOR if error else OK_COLOR};")
    label.setText(text)
    label.setVisible(True)


def show_failure(label: QLabel, exc: Exception, refused: SignalInstance) -> None:
    """A refusal's sentence in red and emitted through `refused`; any other exception to crash.report."""
    if not isinstance(exc, ClerkError):
        crash.report(exc)
        return
    say(label, str(exc), error=True)
    refused.emit(str(exc))


def version_text(info: settings_ops.RulesInfo) -> str:
    """Which rule-set version is in force, who saved it and when (or that the built-in rules are)."""
    if info.saved_at is None:
        return _("The built-in rules are in force (no version saved yet).")
    return _("<b>Rule set version {version}</b>, saved by {author} on {when}.").format(
        version=info.version, author=info.author,
        when=format_datetime(info.saved_at.astimezone(), "medium", locale=babel_locale()))
