"""Screenshots of the windows, rendered offscreen: `python -m ui.shots [--db PATH] [--out DIR]`.

Without --db it builds the demo database (core.demo, fixed day 2026-11-27) in a
temporary folder. It waits until the window has loaded its units, ledger and
rates (signals, no sleeping), then saves DIR/ledger.png (the whole ledger) and
DIR/ledger-open.png (open items, sorted by light). By default the shipped
font is used so shots look the same on every machine (--system-font to use the
system's). The offscreen platform is the default here (this is a tool, not the
app); set QT_QPA_PLATFORM to override. Exit code 0 on success.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

DEMO_DAY = dt.date(2026, 11, 27)
TIMEOUT_MS = 60_000
SHOT_SIZE = (1280, 760)


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m ui.shots", description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an existing database (default: a fresh demo database)")
    parser.add_argument("--out", type=Path, default=Path("shots"), help="output folder (default: shots/)")
    parser.add_argument("--today", type=dt.date.fromisoformat, help="the day the window shows (YYYY-MM-DD)")
    parser.add_argument("--system-font", action="store_true", help="use the system's Chinese font if any")
    return parser.parse_args(argv)


def _demo_database(folder: Path, day: dt.date) -> Path:
    from core.demo import build_demo

    path = folder / "demo.db"
    build_demo(path, scale=1, seed=1, today=day)
    return path


def _wait(window: Any, names: tuple[str, ...], action: Callable[[], object] | None = None) -> bool:
    """Run `action`, then the event loop until each named signal of `window` has fired (or time out)."""
    from PySide6.QtCore import QEventLoop, QTimer

    pending = set(names)
    loop = QEventLoop()
    failed: list[object] = []

    def make_done(name: str) -> Callable[..., None]:
        def done(*_args: object) -> None:
            pending.discard(name)
            if not pending:
                loop.quit()
        return done

    slots = [(getattr(window, name), make_done(name)) for name in names]
    for signal, slot in slots:
        signal.connect(slot)

    def on_failed(exc: object) -> None:
        failed.append(exc)
        loop.quit()

    window.query_failed.connect(on_failed)
    if action is not None:
        action()
    QTimer.singleShot(TIMEOUT_MS, loop.quit)
    if pending and not failed:
        loop.exec()
    for signal, slot in slots:
        signal.disconnect(slot)
    window.query_failed.disconnect(on_failed)
    if failed:
        print(f"ui.shots: a query failed: {failed[0]!r}", file=sys.stderr)
    return not pending and not failed


def _grab(window: Any, target: Path) -> bool:
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    ok = window.grab().save(str(target))
    if ok:
        print(f"ui.shots: wrote {target}")
    else:
        print(f"ui.shots: could not write {target}", file=sys.stderr)
    return bool(ok)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="closeloop-shots-") as tmp:
        if args.db is None:
            day = args.today or DEMO_DAY
            os.environ.setdefault("CLOSELOOP_TODAY", day.isoformat())
            db_path = _demo_database(Path(tmp), day)
        else:
            db_path = args.db
            day = args.today
        from PySide6.QtCore import QSettings, QStandardPaths, Qt

        from ui.app import check_database, prepare_app
        from ui.ledger_model import COLUMN_OF
        from ui.main_window import MainWindow

        QStandardPaths.setTestModeEnabled(True)  # never read or write the user's settings
        app, font = prepare_app(force_bundled_font=not args.system_font)
        QSettings().clear()
        office = check_database(db_path)
        window = MainWindow(db_path, office_name=office, font=font, as_of=day)
        window.resize(*SHOT_SIZE)
        args.out.mkdir(parents=True, exist_ok=True)
        try:
            if not _wait(window, ("units_loaded", "ledger_loaded", "stats_loaded"), window.show):
                return 1
            if not _grab(window, args.out / "ledger.png"):
                return 1
            # The open items, red first: shows the lights.
            state = window.state_combo
            if not _wait(window, ("ledger_loaded",), lambda: state.setCurrentIndex(state.findData("open"))):
                return 1
            light_column = COLUMN_OF["light"]
            if not _wait(window, ("ledger_loaded",),
                         lambda: window.table.sortByColumn(light_column, Qt.SortOrder.AscendingOrder)):
                return 1
            if not _grab(window, args.out / "ledger-open.png"):
                return 1
        finally:
            window.close()
        print(f"ui.shots: font {font.family}{' (shipped)' if font.bundled else ''}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
