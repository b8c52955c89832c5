"""The desktop's own settings (QSettings), declared once, and window-state helpers.

Contract:
- Every key the UI stores is declared here as a `Setting` with its default and a
  title (an N_() msgid) — one list to read when wondering what the app remembers
  (docs/architecture.md §9, habit 7). Office data (rules, backup policy) lives in the database,
  never here: QSettings holds only this computer's view preferences.
- `restore_geometry(window, setting, default_size)` restores a saved geometry and
  then clamps the window to the available area of a screen (a window saved on a
  second monitor that is gone comes back fully visible); `save_geometry` stores it.
  Splitter and header states are kept the same way (`save_state`/`restore_state`).
- Saved ledger filters are a JSON object {name: filter dict} per office (the
  office's uuid scopes them, since unit codes and leader names are per database).
Threading: GUI thread only (QSettings is reentrant, but widgets are not).
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QByteArray, QRect, QSettings, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from core.i18n import N_

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One remembered value: its QSettings key, default and what it is (a msgid)."""

    key: str
    default: T
    title: str


MAIN_GEOMETRY: Setting[QByteArray | None] = Setting(
    "main_window/geometry", None, N_("Position and size of the main window"))
MAIN_SPLITTER: Setting[QByteArray | None] = Setting(
    "main_window/splitter", None, N_("Width of the navigation beside the pages"))
LEDGER_HEADER: Setting[QByteArray | None] = Setting(
    "ledger/header", None, N_("Order, widths and sorting of the ledger's columns"))
LEDGER_SAVED_FILTERS: Setting[str] = Setting(
    "ledger/saved_filters", "{}", N_("The ledger filters saved under a name"))

PREVIEW_GEOMETRY: Setting[QByteArray | None] = Setting(
    "reports/preview_geometry", None, N_("Position and size of the document preview window"))
REPORT_FOLDER: Setting[str] = Setting(
    "reports/last_folder", "", N_("The folder where documents and Excel files were last saved"))

LAST_USER: Setting[str] = Setting(
    "sign_in/last_user", "", N_("The user who signed in last, chosen first at the next sign-in"))

LANGUAGE: Setting[str] = Setting(
    "language", "", N_("The language of the app (zh_CN or en); empty: Chinese"))
# The language names are written in their own language, never translated.
LANGUAGES = (("zh_CN", "中文"), ("en", "English"))

SETTINGS: tuple[Setting[Any], ...] = (MAIN_GEOMETRY, MAIN_SPLITTER, LEDGER_HEADER, LEDGER_SAVED_FILTERS, LAST_USER,
                                      LANGUAGE, PREVIEW_GEOMETRY, REPORT_FOLDER)


def stored_language() -> str:
    """The language chosen on this computer ('zh_CN', 'en'), or '' when none was chosen."""
    chosen = value(LANGUAGE)
    return chosen if chosen in dict(LANGUAGES) else ""


def value(setting: Setting[T], scope: str = "") -> T:
    """The stored value of `setting` (under `scope`, e.g. an office uuid), else its default."""
    raw = QSettings().value(_key(setting, scope))
    if raw is None:
        return setting.default
    if isinstance(setting.default, str) and not isinstance(raw, str):
        return setting.default
    return raw  # type: ignore[no-any-return]


def set_value(setting: Setting[T], new: T, scope: str = "") -> None:
    settings = QSettings()
    settings.setValue(_key(setting, scope), new)
    settings.sync()


def _key(setting: Setting[Any], scope: str) -> str:
    return f"{setting.key}/{scope}" if scope else setting.key


# ----- window geometry, splitters, headers -------------------------------------------------


class _Stateful(Protocol):
    def saveState(self) -> QByteArray: ...  # noqa: N802 (Qt's name)
    def restoreState(self, state: QByteArray) -> bool: ...  # noqa: N802


def save_state(widget: _Stateful, setting: Setting[QByteArray | None]) -> None:
    """Store a QSplitter's or QHeaderView's state."""
    set_value(setting, widget.saveState())


def restore_state(widget: _Stateful, setting: Setting[QByteArray | None]) -> bool:
    """Restore a state saved by `save_state`; False (nothing changed) if none or unreadable."""
    state = value(setting)
    return isinstance(state, QByteArray) and not state.isEmpty() and widget.restoreState(state)


def save_geometry(window: QWidget, setting: Setting[QByteArray | None] = MAIN_GEOMETRY) -> None:
    set_value(setting, window.saveGeometry())


def restore_geometry(window: QWidget, setting: Setting[QByteArray | None] = MAIN_GEOMETRY,
                     default_size: tuple[int, int] = (1280, 760)) -> bool:
    """Restore the saved geometry (True) or size the window by default (False); clamp it to a screen."""
    saved = value(setting)
    restored = isinstance(saved, QByteArray) and not saved.isEmpty() and window.restoreGeometry(saved)
    if not restored:
        area = _available_area(window)
        width, height = default_size
        if area is not None:
            width, height = min(width, int(area.width() * 0.9)), min(height, int(area.height() * 0.9))
        window.resize(width, height)
        if area is not None:
            window.move(area.center() - window.rect().center())
    clamp_to_screen(window)
    return restored


def _available_area(window: QWidget) -> QRect | None:
    screen = (QGuiApplication.screenAt(window.frameGeometry().center()) or window.screen()
              or QGuiApplication.primaryScreen())
    return screen.availableGeometry() if screen is not None else None


def clamp_to_screen(window: QWidget) -> None:
    """Shrink and move `window` so that its frame lies inside the available area of one screen."""
    area = _available_area(window)
    if area is None or not area.isValid():
        return
    frame = window.frameGeometry()
    extra = QSize(frame.width() - window.width(), frame.height() - window.height())
    width = min(window.width(), area.width() - extra.width())
    height = min(window.height(), area.height() - extra.height())
    if (width, height) != (window.width(), window.height()):
        window.resize(width, height)
        frame = window.frameGeometry()
    x = max(area.left(), min(frame.x(), area.right() + 1 - frame.width()))
    y = max(area.top(), min(frame.y(), area.bottom() + 1 - frame.height()))
    if (x, y) != (frame.x(), frame.y()):
        window.move(x, y)


# ----- saved ledger filters --------------------------------------------------------------


def saved_filters(scope: str) -> dict[str, dict[str, Any]]:
    """The filters saved under a name for the office `scope`, name → filter dict (insertion order)."""
    text = value(LEDGER_SAVED_FILTERS, scope)
    try:
        data = json.loads(text)
    except ValueError:
        log.warning("saved ledger filters are not JSON; ignoring them: %.80r", text)
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): v for k, v in data.items() if isinstance(v, dict)}


def store_saved_filters(scope: str, filters: dict[str, dict[str, Any]]) -> None:
    set_value(LEDGER_SAVED_FILTERS, json.dumps(filters, ensure_ascii=False, sort_keys=False), scope)
