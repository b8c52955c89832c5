"""Registering the printing fonts before the first document is asked for.

The first document of a session parses every printing font (reportlab reads each
TrueType file whole: seconds for the Windows .ttc faces); later ones reuse them.
Contract:
- `warm_fonts(db_path)` starts, once per process, a daemon thread that opens its
  own connection to `db_path` (a sqlite3 connection belongs to its thread), runs
  `core.reports.fonts.register_fonts(db)` (the user's choices, the system's and the
  shipped faces) and imports the document modules, then closes the connection.
  A failure is logged and forgotten: the document itself reports it in a sentence.
  Returns the thread, or None when it already ran or runs.
- `warming()` → True while that thread runs; `wait_warm(timeout)` → whether it
  finished within `timeout` seconds (True when it never started). Any thread.
`core.reports.fonts` guards its caches with a lock, so a document made meanwhile
waits for the fonts and never registers a face twice.
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path

log = logging.getLogger(__name__)

_lock = threading.Lock()
_thread: threading.Thread | None = None


def _warm(db_path: Path | None) -> None:
    try:
        from core.reports import bulletin, notice, weekly_list  # noqa: F401  (imported ahead, as a document would)
        from core.reports.fonts import register_fonts

        if db_path is None:
            register_fonts(None)
            return
        from core.db.connection import connect

        db = connect(db_path)
        try:
            register_fonts(db)
        finally:
            db.conn.close()
    except Exception:  # the first document reports what is wrong, in words
        log.warning("warming the printing fonts failed", exc_info=True)


def warm_fonts(db_path: Path | None) -> threading.Thread | None:
    """Start the warm-up thread once per process (see the module contract)."""
    global _thread
    with _lock:
        if _thread is not None:
            return None
        _thread = threading.Thread(target=_warm, args=(db_path,), name="closeloop-fonts", daemon=True)
        _thread.start()
        return _thread


def warming() -> bool:
    with _lock:
        return _thread is not None and _thread.is_alive()


def wait_warm(timeout: float | None = None) -> bool:
    with _lock:
        thread = _thread
    if thread is None:
        return True
    thread.join(timeout)
    return not thread.is_alive()


__all__ = ["wait_warm", "warm_fonts", "warming"]
