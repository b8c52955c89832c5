#!/usr/bin/env python3
"""Scoring benchmarks (issue 4) on a demo county: a month, a quarter, explain, the periods a rule change affects.

    python3 tests/bench/scoring_bench.py --db DEMO.db --today YYYY-MM-DD [--repeat 15]

`run.py` (so `python3 dev.py bench`) calls `scoring_figures` on its demo and writes the
rows into its table; run alone, this script replaces the "## Scoring" section at the end
of tests/bench/results.md and leaves the rest as it was. Every measure is cold: the
remembered scores (`service.forget`) are dropped before each run, so each figure is the
computation itself, as on the first look at a period.
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from run import RESULTS, Figure, _fmt, child_env, run_child  # noqa: E402

SECTION = "## Scoring (issue 4)"


def cold(fn: Callable[[], object], repeat: int, name: str, target: float | None, note: str = "") -> Figure:
    """Like run.timed, dropping the remembered scores before every run."""
    from core.scoring import service

    times = []
    for _i in range(repeat + 1):
        service.forget()
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    first, rest = times[0], times[1:]
    return Figure(name, statistics.median(rest), min(rest), first, target, note=note)


def scoring_figures(db: object, path: Path, today: dt.date, repeat: int) -> list[Figure]:
    """The scoring figures on the demo at `path` (open as `db`), as of `today`."""
    from core.scoring import publish, rules_edit, service
    from core.scoring.periods import month_period, quarter_period
    from core.work.status import current_rules

    last_month = today.replace(day=1) - dt.timedelta(days=1)  # the last month and quarter that have ended
    month = month_period(f"{last_month.year}-{last_month.month:02d}")
    ended = dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1) - dt.timedelta(days=1)
    quarter = quarter_period(f"{ended.year}-Q{(ended.month - 1) // 3 + 1}")
    code = db.execute("SELECT u.code FROM assignment a JOIN unit u ON u.id = a.unit_id "  # type: ignore[attr-defined]
                      "GROUP BY u.id ORDER BY COUNT(*) DESC, u.code LIMIT 1").fetchone()[0]
    n_units = len(service.compute(db, month, today))  # type: ignore[arg-type]
    rules = current_rules(db)[1]  # type: ignore[arg-type]
    overdue = dataclasses.replace(rules, monthly=dataclasses.replace(rules.monthly, overdue=rules.monthly.overdue + 1))
    ties = dataclasses.replace(rules, ranking=dataclasses.replace(
        rules.ranking, ties="break" if rules.ranking.ties == "shared" else "shared"))
    n_periods = len(rules_edit.affected_periods(db, overdue, today))  # type: ignore[arg-type]
    figures = [
        cold(lambda: service.compute(db, month, today), repeat,  # type: ignore[arg-type]
             f"score month {month.key}, all {n_units} units (in process)", 200),
        cold(lambda: service.compute(db, quarter, today), repeat,  # type: ignore[arg-type]
             f"score quarter {quarter.key}, all units (in process)", 500),
        cold(lambda: publish.explain(db, code, month.key, today), repeat,  # type: ignore[arg-type]
             f"score explain {code} {month.key} (in process)", 50),
        cold(lambda: publish.explain(db, code, quarter.key, today), repeat,  # type: ignore[arg-type]
             f"score explain {code} {quarter.key} (in process)", 50),
        cold(lambda: rules_edit.affected_periods(db, overdue, today), max(3, repeat // 3),  # type: ignore[arg-type]
             f"affected_periods, monthly.overdue changed ({n_periods} periods listed)", 2000),
        cold(lambda: rules_edit.affected_periods(db, ties, today), max(3, repeat // 3),  # type: ignore[arg-type]
             "affected_periods, ranking.ties changed (rates read for every period)", 2000),
    ]
    env = child_env(today)
    for args, name in ((["score", "explain", code, quarter.key], f"main.py score explain {code} {quarter.key}"),
                       (["score", "month", month.key, "--json"], f"main.py score month {month.key} --json")):
        walls = []
        run_child([sys.executable, "main.py", "--db", str(path), *args], env)
        for _ in range(5):
            wall, _rss, rc, _out = run_child([sys.executable, "main.py", "--db", str(path), *args], env)
            if rc:
                sys.exit(f"bench: {' '.join(args)} failed (exit {rc})")
            walls.append(wall * 1000)
        figures.append(Figure(f"{name}, wall (whole process)", statistics.median(walls), min(walls), None, None))
    return figures


def section(figures: list[Figure], repeat: int, where: str = "") -> str:
    rows = [f"| {f.name} | {_fmt(f.median)} | {_fmt(f.minimum)} | {_fmt(f.first)} | "
            f"{'< ' + _fmt(f.target) if f.target else '–'} | {('ok' if f.ok else 'MISSED') if f.target else 'info'} |"
            for f in figures]
    return "\n".join([
        SECTION, "", *([where, ""] if where else []),
        f"Cold runs (remembered scores dropped before each): medians and minimums of {repeat} runs "
        "(affected_periods: a third as many) after a first run shown apart.", "",
        "| measure | median | min | first run | target | |", "|---|---:|---:|---:|---:|---|", *rows, ""])


def write_section(text: str) -> None:
    """Replace (or add) the scoring section at the end of results.md."""
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Closeloop benchmarks\n"
    head = old.split(SECTION)[0].rstrip("\n")
    RESULTS.write_text(head + "\n\n" + text, encoding="utf-8")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Closeloop scoring benchmarks")
    parser.add_argument("--db", required=True, help="a demo database (main.py demo --scale 10)")
    parser.add_argument("--today", required=True, help="the demo's day")
    parser.add_argument("--repeat", type=int, default=15)
    a = parser.parse_args(argv)
    today = dt.date.fromisoformat(a.today)
    os.environ["CLOSELOOP_TODAY"] = today.isoformat()
    os.environ.setdefault("CLOSELOOP_LANG", "en")
    from core.db.connection import open_database

    db = open_database(Path(a.db))
    try:
        figures = scoring_figures(db, Path(a.db), today, a.repeat)
        scale = db.execute("SELECT value FROM setting WHERE key = 'demo_scale'").fetchone()
        counts = [db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("unit", "assignment", "event")]
    finally:
        db.conn.close()
    where = (f"Demo county scale {scale[0] if scale else '?'}, as of {today}: {counts[0]} units, {counts[1]:,} "
             f"assignments, {counts[2]:,} events; run on {dt.datetime.now():%Y-%m-%d %H:%M}.")
    text = section(figures, a.repeat, where)
    print(text)
    write_section(text)
    return 1 if any(not f.ok for f in figures) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
