"""Loading a page's data on the worker, showing only the answer to the latest request.

Contract: a page (a QWidget with `ctx: AppContext` and a `load_failed` signal)
mixes in `LatestLoadMixin`, makes its red line with `message_label()` into
`self.message_label`, calls `_watch_changes()` once built (a burst of
`ctx.changed` causes one `reload`) and loads with `_load_latest(fn, on_loaded)`:
`fn(db)` runs on the worker; `on_loaded(result)` runs on the GUI thread only
for the latest request, after the red line is hidden. A failure of the latest
request emits `load_failed(exc)`, then shows a ClerkError's sentence in the red
line; anything else goes to the crash handler. `_loading` is True while a
request runs. GUI thread only.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import sqlite_utils
from PySide6.QtCore import QTimer, SignalInstance
from PySide6.QtWidgets import QLabel

from core.errors import ClerkError
from ui.shell import crash
from ui.shell.context import AppContext

T = TypeVar("T")


def message_label() -> QLabel:
    """The page's hidden red line for a refusal's sentence."""
    label = QLabel()
    label.setObjectName("message")
    label.setStyleSheet("color: #c62828;")
    label.setWordWrap(True)
    label.hide()
    return label


class LatestLoadMixin:
    """See the module contract."""

    ctx: AppContext
    message_label: QLabel
    load_failed: SignalInstance
    _generation = 0
    _loading = False

    def reload(self) -> None:
        raise NotImplementedError

    def _watch_changes(self) -> None:
        self._reload_timer = QTimer(self, singleShot=True, interval=0)  # type: ignore[call-overload]
        self._reload_timer.timeout.connect(self.reload)
        # a bound method, never a lambda: Qt disconnects it when the page goes (a rebuild after a language switch)
        self.ctx.changed.connect(self._changes_came)

    def _changes_came(self, _changes: object) -> None:
        self._reload_timer.start()

    def _load_latest(self, fn: Callable[[sqlite_utils.Database], T], on_loaded: Callable[[T], None]) -> None:
        self._loading = True
        self._generation += 1
        generation = self._generation

        def loaded(result: Any) -> None:
            if generation == self._generation:
                self._loading = False
                self.message_label.hide()
                on_loaded(result)

        def failed(exc: Exception) -> None:
            if generation != self._generation:
                return
            self._loading = False
            self.load_failed.emit(exc)
            if isinstance(exc, ClerkError):
                self.show_message(str(exc))
            else:
                crash.report(exc)

        self.ctx.query(fn, loaded, failed)

    def show_message(self, sentence: str) -> None:
        self.message_label.setText(sentence)
        self.message_label.setVisible(bool(sentence))
