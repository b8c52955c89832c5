"""What every dialog that writes through the core does while the write runs and when it is refused.

Contract: a dialog using `WriteDialogMixin` has `ok_button` and defines
`show_error(sentence)`; it calls `_set_busy(True)` before `ctx.write(...)` and
passes `_failed` as the error callback. A ClerkError's sentence is shown in the
dialog (which stays open, nothing written); anything else goes to the crash handler.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from core.errors import ClerkError
from ui.shell import crash


class WriteDialogMixin:
    ok_button: QPushButton
    busy: bool = False

    def show_error(self, sentence: str) -> None:
        raise NotImplementedError

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.ok_button.setEnabled(not busy)
        self.setCursor(Qt.CursorShape.BusyCursor if busy else Qt.CursorShape.ArrowCursor)  # type: ignore[attr-defined]

    def _failed(self, exc: Exception) -> None:
        self._set_busy(False)
        if not isinstance(exc, ClerkError):
            crash.report(exc)
            return
        self.show_error(str(exc))
