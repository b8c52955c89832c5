#!/usr/bin/env python3
"""Closeloop's benchmarks: a ten-year demo county and the clerk's daily reads against their targets.

    python3 dev.py bench [--scale 10] [--seed 1] [--today YYYY-MM-DD] [--db PATH] [--repeat 15] [--strict]

Builds `main.py demo --scale 10` in a temporary folder (or reuses `--db`), then
times, in this process and with `CLOSELOOP_TODAY` set to the demo's day:
- the completion rates of every unit over ten years (`ledger.stats(by="unit")`);
- the first 200 ledger rows with their lights (`ledger_ids(limit=200)` + `ledger_rows`)
  for every pair of filter × sort the ledger page offers;
- searches over all tasks (trigram FTS for 3+ characters, LIKE for 2);
and, as whole processes, `main.py task list --json --unit CODE` (wall time and peak
RSS of the child, Python's bytecode cached as when installed). Each figure is the median (and min) of `--repeat` runs after
one unmeasured first run, whose time is shown too. The results are printed and
written to tests/bench/results.md. Exit code 0, or 1 with `--strict` when a target is missed.

Not a pytest module: pytest's testpaths are tests/core and tests/ui.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from _common import RESULTS, time_ms

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
PASSWORD = "demo"


@dataclass(frozen=True)
class Figure:
    """One measured row: times in ms (or MB for memory), the target and whether it is met."""

    name: str
    median: float
    minimum: float
    first: float | None
    target: float | None  # None: shown for information
    unit: str = "ms"
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.target is None or self.median < self.target


def timed(fn: Callable[[], object], repeat: int, name: str, target: float | None, note: str = "") -> Figure:
    """Run `fn` once (the first, shown apart), then `repeat` times; median and min in ms."""
    median, minimum, first = time_ms(fn, repeat)
    return Figure(name, median, minimum, first, target, note=note)


def run_child(argv: list[str], env: dict[str, str]) -> tuple[float, float, int, bytes]:
    """Run a process to its end: (wall seconds, peak RSS in MB or nan, exit code, stdout)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.DEVNULL,
                                 stdin=subprocess.DEVNULL)
        if hasattr(os, "wait4"):  # this child's own rusage, not the maximum of all children so far
            _pid, status, usage = os.wait4(child.pid, 0)
            child.returncode = os.waitstatus_to_exitcode(status)
            rss = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
        else:
            child.wait()
            rss = float("nan")
        wall = time.perf_counter() - start
        out.seek(0)
        return wall, rss, child.returncode or 0, out.read()


def child_env(today: dt.date) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLOSELOOP_")}
    env.update(CLOSELOOP_PASSWORD=PASSWORD, CLOSELOOP_TODAY=today.isoformat(), CLOSELOOP_LANG="en")
    return env


def build(path: Path, scale: int, seed: int, today: dt.date) -> tuple[float, float, str]:
    """`main.py demo` as a process: (seconds, peak RSS MB, its summary line)."""
    argv = [sys.executable, "main.py", "--db", str(path), "demo", "--scale", str(scale), "--seed", str(seed),
            "--today", today.isoformat()]
    wall, rss, code, out = run_child(argv, child_env(today))
    if code:
        sys.exit(f"bench: building the demo failed (exit {code})")
    return wall, rss, out.decode("utf-8", "replace").strip()


def ledger_figures(db: object, today: dt.date, repeat: int, unit: str, leader: str,
                   phrase: str) -> list[Figure]:
    from core.work import ledger

    filters = {
        "none": ledger.LedgerFilter(), f"unit {unit}": ledger.LedgerFilter(unit=unit),
        "red light": ledger.LedgerFilter(light="red"), "state open": ledger.LedgerFilter(state="open"),
        f"leader {leader}": ledger.LedgerFilter(leader=leader), f"search {phrase}": ledger.LedgerFilter(search=phrase),
    }
    out = []
    for fname, flt in filters.items():
        for sort in ("task_no", "due", "light", "unit", "days_left"):
            def page(flt: ledger.LedgerFilter = flt, sort: str = sort) -> object:
                ids = ledger.ledger_ids(db, flt, as_of=today, sort=sort, limit=200)  # type: ignore[arg-type]
                return ledger.ledger_rows(db, ids, as_of=today)  # type: ignore[arg-type]

            out.append(timed(page, repeat, f"{fname} / {sort}", 30))
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Closeloop benchmarks")
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", help="the demo's day (default: today)")
    parser.add_argument("--db", help="reuse this demo database instead of building one (give its --today)")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    a = parser.parse_args(argv)
    today = dt.date.fromisoformat(a.today) if a.today else dt.date.today()
    os.environ["CLOSELOOP_TODAY"] = today.isoformat()  # the app's today: the exact (cached) status path
    os.environ.setdefault("CLOSELOOP_LANG", "en")

    from core.db.connection import open_database
    from core.work import ledger

    with tempfile.TemporaryDirectory(prefix="closeloop-bench-") as tmp:
        figures: list[Figure] = []
        if a.db:
            path, summary = Path(a.db), f"reused {a.db}"
        else:
            path = Path(tmp) / "demo.db"
            print(f"bench: building the demo county (scale {a.scale}, seed {a.seed}, today {today}) …", flush=True)
            seconds, rss, summary = build(path, a.scale, a.seed, today)
            figures.append(Figure("demo generation (main.py demo, whole process)", seconds * 1000, seconds * 1000,
                                  None, 120_000, note=f"peak RSS {rss:.0f} MB"))
            print(summary, flush=True)
        db = open_database(path)
        counts = {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                  for t in ("unit", "task", "assignment", "event")}
        if a.db:  # the demo's own scale and seed, as build_demo recorded them
            for key in ("scale", "seed"):
                row = db.execute("SELECT value FROM setting WHERE key = ?", [f"demo_{key}"]).fetchone()
                setattr(a, key, int(row[0]) if row else "?")
        unit = db.execute("SELECT u.code FROM assignment a JOIN unit u ON u.id = a.unit_id "
                          "GROUP BY u.id ORDER BY COUNT(*) DESC, u.code LIMIT 1").fetchone()[0]
        leader = db.execute("SELECT l.name FROM leader l JOIN leader_unit lu ON lu.leader_id = l.id "
                            "GROUP BY l.id ORDER BY COUNT(*) DESC, l.id LIMIT 1").fetchone()[0]
        ten_years_ago = today.replace(year=today.year - 10) if (today.month, today.day) != (2, 29) \
            else dt.date(today.year - 10, 2, 28)

        figures.append(timed(lambda: ledger.stats(db, as_of=today, date_from=ten_years_ago, by="unit"), a.repeat,
                             "rates of every unit over ten years (stats by unit)", 100))
        figures.append(timed(lambda: ledger.stats(db, as_of=today, date_from=ten_years_ago, by="leader"), a.repeat,
                             "rates of every leader over ten years (stats by leader)", None))
        figures.append(timed(lambda: ledger.stats(db, as_of=today, date_from=today.replace(day=1)), a.repeat,
                             "county rate of this month (stats)", None))
        pages = ledger_figures(db, today, a.repeat, unit, leader, "群众反映")
        worst = max(pages, key=lambda f: f.median)
        figures.append(Figure(f"first 200 ledger rows, worst of {len(pages)} (filter / sort): {worst.name}",
                              worst.median, worst.minimum, worst.first, 30))
        for phrase in ("老旧小区", "群众反映", "污水", "镇"):
            def search(phrase: str = phrase) -> object:
                return ledger.ledger_ids(db, ledger.LedgerFilter(search=phrase), as_of=today)

            n = len(search())
            chars = f"{len(phrase)} char" + ("s" if len(phrase) > 1 else "")
            figures.append(timed(search, a.repeat, f"search all tasks for {phrase} ({chars}, {n:,} assignments)",
                                 50 if len(phrase) > 1 else None))
        from scoring_bench import scoring_figures  # issue 4: its own section of results.md
        scoring = scoring_figures(db, path, today, a.repeat)
        db.conn.close()

        cli = [sys.executable, "main.py", "--db", str(path), "task", "list", "--json", "--unit", unit]
        # as installed, Python's bytecode is cached: the children keep theirs in a temporary
        # folder (the source tree stays clean), warmed by one unmeasured run
        env = {**child_env(today), "PYTHONPYCACHEPREFIX": str(Path(tmp) / "pycache")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        walls, rsses = [], []
        run_child(cli, env)
        for _ in range(max(5, a.repeat // 2)):
            wall, rss, code, out = run_child(cli, env)
            if code:
                sys.exit(f"bench: task list failed (exit {code})")
            walls.append(wall * 1000)
            rsses.append(rss)
        rows = out.count(b'"ref"')
        figures.append(Figure(f"main.py task list --json --unit {unit} ({rows} rows), wall",
                              statistics.median(walls), min(walls), None, 500))
        figures.append(Figure("main.py task list, peak RSS of the process", max(rsses), min(rsses), None, 100,
                              unit="MB"))
    report(figures, pages, summary, counts, today, a)
    from scoring_bench import section, write_section
    print("\n" + section(scoring, a.repeat))
    write_section(section(scoring, a.repeat))
    missed = [f for f in figures + scoring if not f.ok]
    return 1 if a.strict and missed else 0


def _fmt(x: float | None, unit: str = "ms") -> str:
    if x is None:
        return "–"
    return f"{x / 1000:.1f} s" if unit == "ms" and x >= 10_000 else f"{x:.1f} {unit}"


def report(figures: list[Figure], pages: list[Figure], summary: str, counts: dict[str, int],
           today: dt.date, a: argparse.Namespace) -> None:
    """Print the table and write results.md."""
    head = ("measure", "median", "min", "first run", "target", "")
    rows = [(f.name + (f" ({f.note})" if f.note else ""), _fmt(f.median, f.unit), _fmt(f.minimum, f.unit),
             _fmt(f.first, f.unit), "< " + _fmt(f.target, f.unit) if f.target else "–",
             ("ok" if f.ok else "MISSED") if f.target else "info") for f in figures]
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    print()
    for r in [head, tuple("-" * w for w in widths), *rows]:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    env = (f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {platform.system()} "
           f"{platform.machine()}, {os.cpu_count()} CPUs")
    lines = [
        "# Closeloop benchmarks", "",
        f"Run on {dt.datetime.now():%Y-%m-%d %H:%M} ({env}).",
        f"Demo county: scale {a.scale}, seed {a.seed}, as of {today}: {counts['unit']} units, "
        f"{counts['task']:,} tasks, {counts['assignment']:,} assignments, {counts['event']:,} events.",
        f"Build: {summary}", "",
        f"Medians and minimums of {a.repeat} runs after one first run (shown apart); the CLI rows are whole "
        "processes (Python start-up included).", "",
        "| measure | median | min | first run | target | |", "|---|---:|---:|---:|---:|---|",
        *[f"| {r[0]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} | {r[5]} |" for r in rows], "",
        "## First 200 ledger rows, every filter × sort", "",
        "| filter / sort | median | min | first run |", "|---|---:|---:|---:|",
        *[f"| {p.name} | {_fmt(p.median)} | {_fmt(p.minimum)} | {_fmt(p.first)} |" for p in pages], "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print(f"\nbench: results written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
