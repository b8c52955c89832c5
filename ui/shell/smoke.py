"""`main.py --smoke`: the installed app's self-check — open the main window, quit after its first paint.

Contract: `quit_after_first_paint(app, window)` is called on the GUI thread after
`window.show()`. When a widget of `window` receives its first paint event, the loop
finishes that paint, writes one line on stderr —
"closeloop smoke: first paint: <window title> | qt: <Qt's own "Cancel" in the user's
language> | font: <the application font's family>" — and quits with exit code 0; if nothing is painted within `timeout_ms`, it quits with
exit code 1. It proves what a user would see first: the bundle starts, finds its
Qt plugins, fonts, icons and catalogs, opens the database and draws the window.
packaging/check_package.py runs it on the offscreen platform with the demo database.
"""
from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

SMOKE_LINE = "closeloop smoke: first paint"


def _say(line: str) -> None:
    """One line on stderr for the checker; no stderr (a windowed Windows build) is ignored."""
    try:
        print(line, file=sys.stderr, flush=True)
    except (OSError, ValueError, AttributeError):
        pass


class FirstPaint(QObject):
    """Application-wide event filter that waits for the first paint of a widget of one window."""

    def __init__(self, app: QApplication, window: QWidget, timeout_ms: int) -> None:
        super().__init__(app)
        self._app, self._window, self._seen = app, window, False
        QTimer.singleShot(timeout_ms, self._give_up)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if (not self._seen and event.type() == QEvent.Type.Paint and isinstance(watched, QWidget)
                and watched.window() is self._window):
            self._seen = True
            QTimer.singleShot(0, self._done)  # after this paint has been drawn
        return False

    def _done(self) -> None:
        qt_cancel = QCoreApplication.translate("QPlatformTheme", "Cancel")  # 取消 when qtbase_zh_CN.qm loaded
        _say(f"{SMOKE_LINE}: {self._window.windowTitle()} | qt: {qt_cancel} | font: {self._app.font().family()}")
        self._app.exit(0)

    def _give_up(self) -> None:
        if not self._seen:
            _say("closeloop smoke: the window was not painted")
            self._app.exit(1)


def quit_after_first_paint(app: QApplication, window: QWidget, timeout_ms: int = 60_000) -> FirstPaint:
    """Install the filter (kept alive by the application) and return it. GUI thread."""
    watcher = FirstPaint(app, window, timeout_ms)
    app.installEventFilter(watcher)
    return watcher
