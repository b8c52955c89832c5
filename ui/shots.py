"""Screenshots of the windows, rendered offscreen: `python -m ui.shots [--db PATH] [--out DIR]`.

Without --db it builds the demo database (core.demo, fixed day 2026-11-27) in a
temporary folder. It waits until the window has loaded its units, ledger and
rates (signals, no sleeping), then saves DIR/ledger.png. By default the shipped
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
from pathlib import Path

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


def _wait_for_window(window: object) -> bool:
    """Run the event loop until units, ledger and rates have all loaded (or time out)."""
    from PySide6.QtCore import QEventLoop, QTimer

    pending = {"units_loaded", "ledger_loaded", "stats_loaded"}
    loop = QEventLoop()
    failed: list[object] = []

    def make_done(name: str):
        def done(*_args: object) -> None:
            pending.discard(name)
            if not pending:
                loop.quit()
        return done

    for name in list(pending):
        getattr(window, name).connect(make_done(name))
    window.query_failed.connect(lambda exc: (failed.append(exc), loop.quit()))  # type: ignore[attr-defined]
    QTimer.singleShot(TIMEOUT_MS, loop.quit)
    loop.exec()
    if failed:
        print(f"ui.shots: a query failed: {failed[0]!r}", file=sys.stderr)
    return not pending and not failed


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
        from PySide6.QtCore import QSettings, QStandardPaths

        from ui.app import check_database, prepare_app
        from ui.main_window import MainWindow

        QStandardPaths.setTestModeEnabled(True)  # never read or write the user's settings
        app, font = prepare_app(force_bundled_font=not args.system_font)
        QSettings().clear()
        office = check_database(db_path)
        window = MainWindow(db_path, office_name=office, font=font, as_of=day)
        window.resize(*SHOT_SIZE)
        window.show()
        ok = _wait_for_window(window)
        app.processEvents()
        args.out.mkdir(parents=True, exist_ok=True)
        target = args.out / "ledger.png"
        saved = window.grab().save(str(target))
        window.close()
        if not ok or not saved:
            print("ui.shots: the window did not finish loading" if not ok else f"ui.shots: could not write {target}",
                  file=sys.stderr)
            return 1
        print(f"ui.shots: wrote {target} (font: {font.family}{', shipped' if font.bundled else ''})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
