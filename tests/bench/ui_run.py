#!/usr/bin/env python3
"""Closeloop's desktop benchmarks, offscreen, on the ten-year demo county.

    python3 tests/bench/ui_run.py [DB] [--repeat 7] [--keys 36] [--today YYYY-MM-DD] [--strict]

Builds `main.py demo --scale 10` in a temporary folder once (or uses DB, a demo
database), then measures, each in fresh processes (QT_QPA_PLATFORM=offscreen):
- start-up: from launching the process to the first page (the dashboard of a
  hub) painted with the database's numbers — the app's own start path
  (`ui.shell.app.prepare_app`, the single-instance check, `ui.shell.app.open_window` signing
  in from CLOSELOOP_USER/CLOSELOOP_PASSWORD), "painted" meaning the worker has
  no query left and the window has been drawn — beside a bare QApplication with
  an empty QMainWindow drawn, in the same run (target < 1.5 s);
- the ledger page opened on all assignments: page built, ids queried, first
  rows drawn (target < 300 ms);
- a keystroke in the ledger's search box to the view redrawn with the new
  result (Chinese characters committed as an input method does, digits and
  backspaces; target < 100 ms at the 95th percentile);
- peak memory (RSS) of an app process whose ledger was scrolled end to end
  over every assignment (target < 300 MB);
- the unit's desk (我的事项) painted after start, on the busiest unit enrolled
  from that hub (`enroll_export` + `init_from_enrollment`, as `enroll export` and
  `init --from-enrollment` do): the same start path as the hub's start-up, whole
  process (target < 1 s), and inside the process from the window opened to the
  desk's groups drawn.
- the first monthly bulletin preview of a session: the app started as above, its
  first page painted, then 月点评 → "Print bulletin…" for the month shown at once, to
  the preview window shown — while the printing fonts are still being read in the
  background (core.reports.font_warmup) or just after (target < 3 s);
- a sync round with 20 records on each side (tests/bench/ui_sync_bench.py: a
  township enrolled from the demo hub records 20 claims and reports): from the
  click on 同步 to "可以拔出U盘" shown — the hub importing them and writing its
  bundle back, the township writing them (target < 2 s).
Medians (and minimums) after one first run shown apart. Prints the figures and
writes tests/bench/ui_results.md. Exit code 0, or 1 with --strict when a target
is missed. Not a pytest module.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
RESULTS = Path(__file__).resolve().parent / "ui_results.md"
DEMO_DAY = dt.date(2026, 11, 27)
USER, PASSWORD = "admin", "demo"
WORDS = ("群众反映", "老旧小区", "污水处理")  # typed a character at a time, then erased
DIGITS = "2026-1"


@dataclass(frozen=True)
class Figure:
    name: str
    median: float
    minimum: float
    first: float | None
    target: float | None
    unit: str = "ms"

    @property
    def ok(self) -> bool:
        return self.target is None or self.median < self.target


def _env(today: dt.date) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLOSELOOP_")}
    env.update(QT_QPA_PLATFORM="offscreen", CLOSELOOP_TODAY=today.isoformat(), CLOSELOOP_USER=USER,
               CLOSELOOP_PASSWORD=PASSWORD, PYTHONPATH=str(ROOT))
    return env


def _child(mode: str, db: Path, today: dt.date, *extra: str) -> tuple[float, dict[str, object]]:
    """Run this script as `--child MODE DB`; (ms from launch to its READY line, its JSON answer)."""
    argv = [sys.executable, str(Path(__file__).resolve()), "--child", mode, str(db), *extra]
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=ROOT, env=_env(today), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    ready, answer = float("nan"), {}
    for line in proc.stdout:
        if line.startswith("READY") and ready != ready:  # nan: the first READY only
            ready = (time.perf_counter() - start) * 1000
        elif line.startswith("JSON "):
            answer = json.loads(line[5:])
    err = proc.stderr.read() if proc.stderr else ""
    if proc.wait():
        sys.exit(f"ui bench: child {mode} failed (exit {proc.returncode}):\n{err[-2000:]}")
    return ready, answer


# ----- the children (each a fresh process) ---------------------------------------------------


def _settle(ctx: object) -> None:
    from ui.shots import settle

    if not settle(ctx, 60):  # type: ignore[arg-type]
        sys.exit("ui bench: the page did not finish loading")


def child_bare() -> None:
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication([sys.argv[0]])
    window = QMainWindow()
    window.resize(1280, 760)
    window.show()
    app.processEvents()
    window.repaint()
    print("READY", flush=True)


def child_start(db: Path) -> None:
    from ui.shell import app as app_module
    from ui.shell.single_instance import SingleInstance

    app, font = app_module.prepare_app()
    instance = SingleInstance(db)
    if not instance.claim():
        sys.exit("ui bench: another Closeloop runs on this database")
    window = app_module.open_window(db, font)
    if isinstance(window, int):
        sys.exit(f"ui bench: the app did not open (exit {window})")
    opened = time.perf_counter()
    window.resize(1280, 760)
    window.show()
    _settle(window.ctx)
    window.repaint()
    print("READY", flush=True)
    page = window.page(window.current_key())
    model = getattr(page, "model", None)  # the desk's tree model; the hub's dashboard has none
    rows = len(model.leaves()) if hasattr(model, "leaves") else None
    print("JSON " + json.dumps({"page": window.current_key(), "rows": rows,
                                "painted_ms": (time.perf_counter() - opened) * 1000}), flush=True)
    window.close()
    instance.close()
    del app


def child_bulletin(db: Path) -> None:
    """Start as child_start does, then time the session's first bulletin preview (the monthly page's button)."""
    from PySide6.QtCore import QEventLoop, QTimer

    from ui.printing import preview as preview_module
    from ui.shell import app as app_module
    from ui.shell.single_instance import SingleInstance

    app, font = app_module.prepare_app()
    instance = SingleInstance(db)
    if not instance.claim():
        sys.exit("ui bench: another Closeloop runs on this database")
    window = app_module.open_window(db, font)
    if isinstance(window, int):
        sys.exit(f"ui bench: the app did not open (exit {window})")
    window.resize(1280, 760)
    window.show()
    _settle(window.ctx)
    print("READY", flush=True)
    page = window.show_page("monthly")
    _settle(window.ctx)
    loop = QEventLoop()
    shown: dict[str, float] = {}
    real_present = preview_module.PreviewWindow.present

    def present(pdf, folder, title, parent=None):  # noqa: ANN001, ANN202
        shown["at"] = time.perf_counter()
        result = real_present(pdf, folder, title, parent)
        QTimer.singleShot(0, loop.quit)
        return result

    preview_module.PreviewWindow.present = present  # type: ignore[method-assign]
    clicked = time.perf_counter()
    page.print_report()  # type: ignore[union-attr]
    QTimer.singleShot(60_000, loop.quit)
    loop.exec()
    if "at" not in shown:
        sys.exit("ui bench: the bulletin preview did not open")
    print("JSON " + json.dumps({"ms": (shown["at"] - clicked) * 1000, "period": page.period}), flush=True)  # type: ignore[union-attr]
    window.close()
    instance.close()
    del app


def _wait_loaded(page: object, action: object) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    page.loaded.connect(loop.quit)  # type: ignore[attr-defined]
    timer = QTimer(singleShot=True, interval=10_000)
    timer.timeout.connect(lambda: sys.exit("ui bench: the ledger did not load"))
    timer.start()
    action()  # type: ignore[operator]
    loop.exec()
    timer.stop()
    page.loaded.disconnect(loop.quit)  # type: ignore[attr-defined]


class _Painted:
    """Counts the paint events of a widget (the table's viewport): 'the view was redrawn'."""

    def __init__(self, widget: object) -> None:
        from PySide6.QtCore import QEvent, QObject

        outer = self

        class Filter(QObject):
            def eventFilter(self, obj: object, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
                if event.type() == QEvent.Type.Paint:
                    outer.count += 1
                return False

        self.count = 0
        self._filter = Filter()
        widget.installEventFilter(self._filter)  # type: ignore[attr-defined]

    def wait(self, since: int) -> None:
        """Handle events until a paint after `since` has been delivered (the app's own, single redraw)."""
        from PySide6.QtWidgets import QApplication

        deadline = time.perf_counter() + 10
        while self.count <= since and time.perf_counter() < deadline:
            QApplication.processEvents()
        if self.count <= since:
            sys.exit("ui bench: the view was not redrawn")


def child_ledger(db: Path, repeat: int, keys: int) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from ui.pages.ledger import LedgerPage
    from ui.shell import app as app_module
    from ui.shell.context import AppContext
    from ui.sign_in import sign_in_from_environment

    app, _font = app_module.prepare_app()
    office = app_module.open_office(db)
    user, _msg = sign_in_from_environment(db)
    assert user is not None
    ctx = AppContext(db, office, user)
    opens: list[float] = []
    page = None
    for _ in range(repeat + 1):
        if page is not None:
            page.close()
            page.deleteLater()
            QApplication.processEvents()
        start = time.perf_counter()
        page = LedgerPage(ctx)
        page.resize(1280, 760)
        painted = _Painted(page.table.viewport())
        _wait_loaded(page, page.show)
        painted.wait(painted.count)  # the first paint after the ids came
        opens.append((time.perf_counter() - start) * 1000)
    assert page is not None
    total = page.model.total

    def commit(text: str) -> None:
        event = QInputMethodEvent()
        event.setCommitString(text)
        QApplication.sendEvent(page.filters.search, event)

    strokes: list[object] = []
    for word in WORDS:
        strokes += [lambda c=c: commit(c) for c in word]
        strokes += [lambda: QTest.keyClick(page.filters.search, Qt.Key.Key_Backspace)] * len(word)
    strokes += [lambda c=c: QTest.keyClick(page.filters.search, c) for c in DIGITS]
    strokes += [lambda: QTest.keyClick(page.filters.search, Qt.Key.Key_Backspace)] * len(DIGITS)
    strokes = (strokes * (keys // len(strokes) + 1))[:keys] if keys > len(strokes) else strokes
    page.filters.search.setFocus()
    latencies: list[float] = []
    texts: list[str] = []
    QApplication.processEvents()
    for stroke in strokes:
        start = time.perf_counter()
        before = painted.count  # a paint delivered while the answer is handled counts too
        _wait_loaded(page, stroke)
        painted.wait(before)  # the paint the model's reset asked for
        latencies.append((time.perf_counter() - start) * 1000)
        QApplication.processEvents()  # anything else the reset left (the count label), not timed
        texts.append(f"{page.filters.search.text() or '(empty)'} → {page.model.total:,}")
    print("JSON " + json.dumps({"opens": opens, "keys": latencies, "texts": texts, "total": total}), flush=True)
    page.close()
    ctx.close()
    del app


def child_scroll(db: Path) -> None:
    import resource

    from PySide6.QtWidgets import QApplication

    from ui.shell import app as app_module

    app, font = app_module.prepare_app()
    window = app_module.open_window(db, font)
    assert not isinstance(window, int)
    window.resize(1280, 760)
    window.show()
    _settle(window.ctx)
    page = window.show_page("ledger")
    _settle(window.ctx)
    start = time.perf_counter()
    table, model = page.table, page.model  # type: ignore[union-attr]
    while True:
        table.scrollToBottom()  # the view fetches the next page of ids when it reaches the end
        QApplication.processEvents()
        table.viewport().repaint()  # draws the rows now visible: their page is read
        if not model.canFetchMore() and table.verticalScrollBar().value() == table.verticalScrollBar().maximum():
            break
    seconds = time.perf_counter() - start
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("JSON " + json.dumps({"rows": model.rowCount(), "total": model.total, "seconds": seconds,
                                "rss_mb": rss_kb / 1024}), flush=True)
    window.close()
    del app


# ----- the parent -------------------------------------------------------------------------


def _figure(name: str, values: list[float], target: float | None, first: float | None = None,
            unit: str = "ms") -> Figure:
    return Figure(name, statistics.median(values), min(values), first, target, unit)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def _fmt(v: float | None, unit: str) -> str:
    if v is None:
        return "–"
    return f"{v:,.0f} {unit}" if unit == "MB" or v >= 100 else f"{v:,.1f} {unit}"


def _build(folder: Path, today: dt.date) -> Path:
    path = folder / "demo.db"
    print(f"ui bench: building the demo county (scale 10, as of {today}) …", flush=True)
    env = _env(today)
    code = subprocess.call([sys.executable, "main.py", "--db", str(path), "demo", "--scale", "10", "--today",
                            today.isoformat()], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    if code:
        sys.exit(f"ui bench: building the demo failed (exit {code})")
    return path


def _demo_day(db: Path) -> dt.date:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT value FROM setting WHERE key = 'demo_today'").fetchone()
    finally:
        conn.close()
    return dt.date.fromisoformat(row[0]) if row else DEMO_DAY


def busiest_township(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT u.code FROM assignment a JOIN unit u ON u.id = a.unit_id WHERE u.kind = "
                            "'township' GROUP BY u.id ORDER BY COUNT(*) DESC, u.code LIMIT 1").fetchone()[0]
    finally:
        conn.close()


def desk(db: Path, today: dt.date, repeat: int) -> tuple[list[Figure], str]:
    """The unit's desk painted after start, on the busiest township enrolled from the hub `db` (a copy)."""
    from tests._shared.enrolled import enrolled_unit

    code = busiest_township(db)
    unit = enrolled_unit(db, code, db.parent / "unit" / "office.db", password=PASSWORD, hub_password=PASSWORD,
                         today=today)
    runs = [_child("start", unit, today) for _ in range(repeat + 1)]
    starts = [ms for ms, _a in runs]
    painted = [float(a["painted_ms"]) for _ms, a in runs]  # type: ignore[arg-type]
    answer = runs[-1][1]
    conn = sqlite3.connect(unit)
    try:
        held = conn.execute("SELECT COUNT(*) FROM assignment a JOIN office o ON o.unit_id = a.unit_id "
                            "AND o.is_self = 1").fetchone()[0]
    finally:
        conn.close()
    name = f"{answer.get('page')} page of {code} ({held:,} assignments, {answer.get('rows')} on the desk)"
    figures = [_figure(f"start-up to the unit's {name} painted (whole process)", starts[1:], 1000.0, starts[0]),
               _figure("the unit's desk: window opened to its groups painted (in the process)", painted[1:], None,
                       painted[0])]
    return figures, (f"The unit office is {code}, the township with the most assignments, enrolled from the demo "
                     "hub in process; its desk shows the open items and those closed in the last 30 days.")


def measure(db: Path, today: dt.date, repeat: int, keys: int) -> tuple[list[Figure], list[str]]:
    notes: list[str] = []
    bare = [_child("bare", db, today)[0] for _ in range(repeat + 1)]
    starts: list[float] = []
    page = ""
    for _ in range(repeat + 1):
        ms, answer = _child("start", db, today)
        starts.append(ms)
        page = str(answer.get("page"))
    _ms, ledger = _child("ledger", db, today, str(repeat), str(keys))
    opens, strokes = list(ledger["opens"]), list(ledger["keys"])  # type: ignore[call-overload]
    _ms, scroll = _child("scroll", db, today)
    figures = [
        _figure(f"start-up to the {page} page painted with the database's numbers (whole process)", starts[1:],
                1500.0, starts[0]),
        _figure("bare QApplication + empty QMainWindow painted (whole process), same run", bare[1:], None, bare[0]),
        _figure(f"ledger page opened on all {int(ledger['total']):,} assignments", opens[1:], 300.0,  # type: ignore[call-overload]
                opens[0]),
        Figure(f"search box: keystroke to view redrawn, 95th percentile of {len(strokes)}", _p95(strokes),
               min(strokes), None, 100.0),
        _figure(f"search box: keystroke to view redrawn, median of {len(strokes)}", strokes, None),
        Figure(f"peak memory, ledger scrolled end to end ({int(scroll['rows']):,} rows)", float(scroll["rss_mb"]),  # type: ignore[arg-type]
               float(scroll["rss_mb"]), None, 300.0, "MB"),  # type: ignore[arg-type]
        Figure("time to scroll the ledger end to end", float(scroll["seconds"]) * 1000,  # type: ignore[arg-type]
               float(scroll["seconds"]) * 1000, None, None),  # type: ignore[arg-type]
    ]
    runs = [_child("bulletin", db, today)[1] for _ in range(repeat + 1)]
    bulletin_ms = [float(r["ms"]) for r in runs]  # type: ignore[arg-type]
    figures.append(_figure(f"first monthly bulletin preview of a session ({runs[0]['period']}): click to preview "
                           "shown, right after start", bulletin_ms[1:], 3000.0, bulletin_ms[0]))
    desk_figures, desk_note = desk(db, today, repeat)
    figures += desk_figures
    notes.append(desk_note)
    figures += measure_sync(db, today, repeat, notes)
    notes.append("Keystrokes: " + ", ".join(WORDS) + " typed a character at a time as an input method commits them, "
                 f"each erased with Backspace, then {DIGITS} and its Backspaces. Each figure runs from the key "
                 "event to the table redrawn with the first rows of the new result (the search box queries as "
                 "soon as the queued events are handled; the ids are queried on the worker thread).")
    texts = list(ledger.get("texts", []))  # type: ignore[call-overload]
    slowest = sorted(zip(strokes, texts, strict=False), reverse=True)[:6]
    notes.append("Slowest keystrokes (search text → assignments found): "
                 + "; ".join(f"{text}: {ms:.0f} ms" for ms, text in slowest) + ".")
    return figures, notes


def measure_sync(db: Path, today: dt.date, repeat: int, notes: list[str]) -> list[Figure]:
    """A sync round with 20 records on each side (tests/bench/ui_sync_bench.py), click to 可以拔出U盘."""
    from tests.bench.ui_sync_bench import RECORDS, prepare

    figures = []
    for side, (side_db, stick) in prepare(db, db.parent / "sync", today).items():
        runs = [_child("sync", side_db, today, str(stick))[1] for _ in range(repeat + 1)]
        ms = [float(r["ms"]) for r in runs]  # type: ignore[arg-type]
        figures.append(_figure(f"sync round with {RECORDS} records, the {side}'s side: click to 可以拔出U盘", ms[1:],
                               2000.0, ms[0]))
        notes.append(f"Sync, the {side}'s side: {runs[0]['imported']} rows imported, {runs[0]['written']} "
                     "bundle(s) written, read back and checked in each round.")
    return figures


def report(figures: list[Figure], notes: list[str], db: Path, today: dt.date, repeat: int) -> str:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        counts = {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("unit", "task", "assignment")}
    finally:
        conn.close()
    import PySide6

    lines = [
        "# Closeloop desktop benchmarks",
        "",
        f"Run on {dt.datetime.now():%Y-%m-%d %H:%M} (Python {platform.python_version()}, PySide6 "
        f"{PySide6.__version__}, SQLite {sqlite3.sqlite_version}, {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs), QT_QPA_PLATFORM=offscreen.",
        f"Demo county as of {today}: {counts['unit']} units, {counts['task']:,} tasks, "
        f"{counts['assignment']:,} assignments. Script: tests/bench/ui_run.py.",
        "",
        f"Medians and minimums of {repeat} runs after one first run (shown apart); start-up figures are whole "
        "processes, from launch to the window drawn.",
        "",
        "| measure | median | min | first run | target | |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for f in figures:
        target = f"< {_fmt(f.target, f.unit)}" if f.target is not None else "–"
        verdict = "info" if f.target is None else ("ok" if f.ok else "**missed**")
        lines.append(f"| {f.name} | {_fmt(f.median, f.unit)} | {_fmt(f.minimum, f.unit)} | "
                     f"{_fmt(f.first, f.unit)} | {target} | {verdict} |")
    lines += ["", *notes, ""]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if argv[:1] == ["--child"]:
        mode, db = argv[1], Path(argv[2])
        if mode == "bare":
            child_bare()
        elif mode == "start":
            child_start(db)
        elif mode == "ledger":
            child_ledger(db, int(argv[3]), int(argv[4]))
        elif mode == "scroll":
            child_scroll(db)
        elif mode == "bulletin":
            child_bulletin(db)
        elif mode == "sync":
            from tests.bench.ui_sync_bench import child

            child(db, Path(argv[3]))
        return 0
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("db", nargs="?", type=Path, help="a demo database to reuse (default: build scale 10)")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--keys", type=int, default=36)
    parser.add_argument("--today", type=dt.date.fromisoformat, help="the day (default: the demo's own)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    a = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="closeloop-ui-bench-") as tmp:
        if a.db is None:
            today = a.today or DEMO_DAY
            db = _build(Path(tmp), today)
        else:
            db = a.db.resolve()
            today = a.today or _demo_day(db)
        work = Path(tmp) / "bench.db"  # a copy: the app's migrations and backups never touch DB
        from tests._shared.db_copy import copy_database  # after ROOT is on sys.path

        copy_database(db, work)
        figures, notes = measure(work, today, a.repeat, a.keys)
        text = report(figures, notes, db, today, a.repeat)
    print(text)
    RESULTS.write_text(text, encoding="utf-8")
    print(f"ui bench: wrote {RESULTS}")
    return 1 if a.strict and not all(f.ok for f in figures) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
