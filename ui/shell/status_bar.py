"""The main window's status bar: the office, the signed-in user and role, today's date, and notices.

Contract: `StatusLine(window, ctx, font)` fills `window.statusBar()` with permanent labels
(object names `office`, `user`, `today`, and `fontNotice` when the shipped font stands in
for a missing system font) and keeps the date current (checked every minute, drawn in the
babel "full" form of the active language). `retranslate()` sets every text, tooltip and
accessible name again in the active language (a language switch). `show_message(text)`
shows a passing message; `show_device_notice(text)` adds, for as long as the window is
open, the sentence that a copied database now writes as a new installation (its
language is the one it was shown in). `stop()` ends the date's timer (the window closing).
GUI thread only.
"""
from __future__ import annotations

import datetime as dt

from babel.dates import format_date
from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtWidgets import QLabel, QMainWindow

from core.i18n import N_, _, babel_locale
from ui.fonts import FontChoice
from ui.shell.context import AppContext

MESSAGE_MS = 10_000
USER_ROLES = {"admin": N_("Administrator"), "clerk": N_("Clerk"), "viewer": N_("Viewer")}
OFFICE_ROLES = {"hub": N_("County supervision office"), "unit": N_("Unit office")}


def _label(name: str, accessible: str, text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setAccessibleName(accessible)
    label.setContentsMargins(6, 0, 6, 0)
    return label


class StatusLine(QObject):
    """The status bar's labels (see the module contract)."""

    def __init__(self, window: QMainWindow, ctx: AppContext, font: FontChoice | None) -> None:
        super().__init__(window)
        self.window, self.ctx, self.font_choice = window, ctx, font
        self.bar = window.statusBar()
        self.office_label = _label("office", "", ctx.office.name)
        self.user_label = _label("user", "", "")
        self.date_label = _label("today", "", "")
        for label in (self.office_label, self.user_label, self.date_label):
            self.bar.addPermanentWidget(label)
        self.font_label: QLabel | None = None
        if font is not None and font.bundled:
            self.font_label = _label("fontNotice", "", "")
            self.font_label.setEnabled(False)  # drawn muted: information, not a warning
            self.bar.addPermanentWidget(self.font_label)
        self._day: dt.date | None = None
        self.retranslate()
        self._date_timer = QTimer(self, interval=60_000)
        self._date_timer.timeout.connect(self.update_date)
        self._date_timer.start()

    def retranslate(self) -> None:
        """The texts, tooltips and accessible names in the active language."""
        office, user = self.ctx.office, self.ctx.user
        self.office_label.setAccessibleName(_("Office"))
        self.office_label.setToolTip(_(OFFICE_ROLES.get(office.role, office.role)))
        self.user_label.setAccessibleName(_("Signed-in user"))
        self.user_label.setText(_("{user} ({role})").format(user=user.name, role=_(USER_ROLES.get(user.role,
                                                                                                   user.role))))
        self.date_label.setAccessibleName(_("Today"))
        if self.font_label is not None and self.font_choice is not None:
            family = self.font_choice.family
            self.font_label.setAccessibleName(_("Font notice"))
            self.font_label.setText(_("Font: {family} (shipped with Closeloop)").format(family=family))
            self.font_label.setToolTip(_("No Chinese font was found on this computer; Closeloop uses the "
                                         "font it ships with ({family}).").format(family=family))
        self._day = None
        self.update_date()

    @Slot()
    def update_date(self) -> None:
        """Today's date again, when the day changed (F5 and the minute's timer)."""
        day = self.ctx.today()
        if day != self._day:
            self._day = day
            self.date_label.setText(format_date(day, "full", locale=babel_locale()))

    def stop(self) -> None:
        """Stop keeping the date current (the window is closing)."""
        self._date_timer.stop()

    def show_message(self, text: str) -> None:
        self.bar.showMessage(text, MESSAGE_MS)

    def show_device_notice(self, text: str) -> QLabel:
        """Add the installation notice (see the module contract); returns its label."""
        label = _label("deviceNotice", _("Installation notice"), text)
        label.setToolTip(text)
        self.bar.addPermanentWidget(label)
        return label
