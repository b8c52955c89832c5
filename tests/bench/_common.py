"""Shared by the benchmark scripts in tests/bench: timing a call, replacing one section of results.md,
the printed-document benchmarks' options.

Not a pytest module; imported by the scripts run as `python tests/bench/<script>.py` (their folder is
first on sys.path).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results.md"


def time_ms(fn: Callable[[], object], repeat: int) -> tuple[float, float, float]:
    """Run `fn` once (the first run, timed apart), then `repeat` times: (median, min, first) in ms."""
    start = time.perf_counter()
    fn()
    first = (time.perf_counter() - start) * 1000
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times), first


def write_results(heading: str, section: str) -> None:
    """Put `section` in results.md in place of the previous section under `heading` (or at the end)."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Closeloop benchmarks\n"
    start = text.find(heading)
    if start >= 0:
        end = text.find("\n## ", start + len(heading))
        text = text[:start].rstrip("\n") + ("\n\n" + text[end + 1:] if end >= 0 else "")
    RESULTS.write_text(text.rstrip("\n") + "\n\n" + section, encoding="utf-8")


def document_bench_parser(description: str) -> argparse.ArgumentParser:
    """The options of the printed-document benchmarks: --repeat (15), --today (2026-11-27), --strict."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--today", default="2026-11-27")
    parser.add_argument("--strict", action="store_true")
    return parser


def set_today(a: argparse.Namespace) -> dt.date:
    """`--today` as a date, made the app's today (CLOSELOOP_TODAY) for this process."""
    today = dt.date.fromisoformat(a.today)
    os.environ["CLOSELOOP_TODAY"] = today.isoformat()
    return today
