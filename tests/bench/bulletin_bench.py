#!/usr/bin/env python3
"""Benchmark of the monthly bulletin (target < 1 s for 80 units) and the quarterly result.

    python tests/bench/bulletin_bench.py [--repeat 15] [--today 2026-11-27] [--strict]

Builds the demo county (scale 1: 75 units) in a temporary folder, adds 5 townships
to reach the 80 units of docs/design.md §10, and times in this process, in Chinese:
the month's bulletin unpublished (scores computed) and published (the snapshot),
and the quarter's result; each the median and minimum of `--repeat` runs after
one first run (shown apart: it registers the fonts). PDF sizes are reported. The
figures are printed and written into tests/bench/results.md, replacing this
benchmark's previous section. Exit code 0, or 1 with `--strict` when a target is
missed. Not a pytest module.
"""
from __future__ import annotations

import datetime as dt
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _common import document_bench_parser, set_today, time_ms, write_results

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
HEADING = "## Monthly bulletin and quarterly result (bulletin_bench.py)"
EXTRA_UNITS = (("BXZ1", "白鹤镇"), ("BXZ2", "喆堃镇"), ("BXZ3", "柳溪乡"), ("BXZ4", "云台街道"), ("BXZ5", "凤鸣镇"))


def main(argv: list[str]) -> int:
    a = document_bench_parser("Benchmark of the monthly bulletin and quarterly result").parse_args(argv)
    today = set_today(a)

    from core.demo.build import DEMO_PASSWORD, build_demo
    from core.directory import add_unit
    from core.i18n import set_language
    from core.office import open_session
    from core.reports.bulletin import render_monthly_bulletin
    from core.reports.quarterly_result import render_quarterly_result
    from core.scoring import publish

    set_language("zh_CN")
    month = f"{today.year}-{today.month - 1:02d}" if today.month > 1 else f"{today.year - 1}-12"
    q = (today.month - 1) // 3
    quarter = f"{today.year}-Q{q}" if q else f"{today.year - 1}-Q4"
    with tempfile.TemporaryDirectory(prefix="closeloop-bulletin-") as tmp:
        db_path = Path(tmp) / "demo.db"
        start = time.perf_counter()
        build_demo(db_path, scale=1, seed=1, today=today)
        s = open_session(db_path, "admin", DEMO_PASSWORD, today)
        for code, name in EXTRA_UNITS:
            add_unit(s, code, name, "township")
        built = time.perf_counter() - start
        units = s.db.execute("SELECT COUNT(*) FROM unit WHERE active = 1").fetchone()[0]
        rows = []

        def measure(name: str, out: Path, fn: Callable[[], object], target: float | None) -> None:
            median, low, first = time_ms(fn, a.repeat)
            size = out.stat().st_size / 1024
            ok = "info" if target is None else ("ok" if median < target else "MISSED")
            rows.append((name, median, low, first, size, target, ok))

        out_m = Path(tmp) / "bulletin.pdf"
        measure(f"monthly bulletin {month}, not published ({units} units)", out_m,
                lambda: render_monthly_bulletin(s.db, out_m, month, "一是压实责任。\n二是强化督办。", as_of=today),
                1000)
        publish.publish(s, month)
        measure(f"monthly bulletin {month}, published snapshot", out_m,
                lambda: render_monthly_bulletin(s.db, out_m, month, as_of=today), 1000)
        out_q = Path(tmp) / "quarterly.pdf"
        measure(f"quarterly result {quarter}, not published", out_q,
                lambda: render_quarterly_result(s.db, out_q, quarter, as_of=today), None)
        pages = render_monthly_bulletin(s.db, out_m, month, as_of=today)
        s.db.conn.close()

    lines = [HEADING, "",
             f"Run on {dt.datetime.now():%Y-%m-%d %H:%M} (Python {platform.python_version()}, "
             f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs). Demo county scale 1 plus "
             f"{len(EXTRA_UNITS)} townships: {units} units, built in {built:.1f} s; as of {today}; Chinese; "
             f"the bulletin has {pages} pages. Medians and minimums of {a.repeat} runs after one first run "
             "(shown apart: it registers the fonts).", "",
             "| measure | median | min | first run | PDF size | target | |", "|---|---:|---:|---:|---:|---:|---|"]
    for name, median, low, first, size, target, ok in rows:
        tgt = f"< {target:.0f} ms" if target else "–"
        lines.append(f"| {name} | {median:.0f} ms | {low:.0f} ms | {first:.0f} ms | {size:.0f} KB | {tgt} | {ok} |")
    section = "\n".join(lines) + "\n"
    print(section)
    write_results(HEADING, section)
    missed = any(r[6] == "MISSED" for r in rows)
    return 1 if a.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
