#!/usr/bin/env python3
"""Benchmarks of the printed lists (issue 5): the weekly list (target < 0.5 s), a 2,000-row ledger
(target < 5 s) beside a bare reportlab LongTable of the same rows, a unit's list; PDF sizes.

    python tests/bench/report_bench.py [--repeat 15] [--ledger-repeat 5] [--today 2026-11-27] [--strict]

Builds the demo county (scale 1: about 2,100 assignments) in a temporary folder and
times, in this process and in Chinese: the weekly list of the meeting with the most
items; the ledger's first 2,000 rows (`render_ledger(..., limit=2000)`: the query,
the rows and the PDF); the same 2,000 rows' cell texts as one bare `LongTable` in
Helvetica with no wrapping, no colours and no Paragraphs (the floor reportlab
sets; Chinese text is not even drawn in it), and their ratio; a unit's list. Each is
the median and minimum of the repeats after one first run (shown apart: it
registers the fonts). The figures are printed and written into
tests/bench/results.md in place of this benchmark's previous section. Exit code 0,
or 1 with `--strict` when a target is missed. Not a pytest module.
"""
from __future__ import annotations

import datetime as dt
import os
import platform
import sys
import tempfile
from pathlib import Path

from _common import document_bench_parser, set_today, time_ms, write_results

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
HEADING = "## Printed lists (report_bench.py)"
LEDGER_ROWS = 2000


def _ms(x: float) -> str:
    return f"{x / 1000:.2f} s" if x >= 1000 else f"{x:.0f} ms"


def _kb(path: Path) -> str:
    return f"{path.stat().st_size / 1024:,.0f} KB"


def main(argv: list[str]) -> int:
    parser = document_bench_parser("Benchmarks of the printed lists")
    parser.add_argument("--ledger-repeat", type=int, default=5)
    a = parser.parse_args(argv)
    today = set_today(a)

    from core.db.connection import open_database
    from core.demo.build import build_demo
    from core.i18n import set_language
    from core.reports.fonts import fallback_choice, font_choices
    from core.reports.ledger_pdf import ledger_table, render_ledger
    from core.reports.tables import plain_table
    from core.reports.unit_list import render_unit_list
    from core.reports.weekly_list import render_weekly_list
    from core.work import ledger

    set_language("zh_CN")
    with tempfile.TemporaryDirectory(prefix="closeloop-reports-") as tmp:
        folder = Path(tmp)
        db_path = folder / "demo.db"
        print("report bench: building the demo county (scale 1) …", flush=True)
        build_demo(db_path, today=today)
        db = open_database(db_path)
        meeting, items = db.execute("SELECT meeting_id, COUNT(*) FROM task WHERE meeting_id IS NOT NULL "
                                    "GROUP BY meeting_id ORDER BY COUNT(*) DESC, meeting_id LIMIT 1").fetchone()
        unit = db.execute("SELECT u.code FROM assignment a JOIN unit u ON u.id = a.unit_id JOIN assignment_status s "
                          "ON s.assignment_id = a.id WHERE s.state NOT IN ('closed', 'cancelled') GROUP BY u.id "
                          "ORDER BY COUNT(*) DESC, u.code LIMIT 1").fetchone()[0]
        total = db.execute("SELECT COUNT(*) FROM assignment").fetchone()[0]
        pages: dict[str, int] = {}
        files = {k: folder / f"{k}.pdf" for k in ("weekly", "ledger", "plain", "unit")}

        def weekly() -> None:
            pages["weekly"] = render_weekly_list(db, files["weekly"], meeting)

        def ledger_pdf() -> None:
            pages["ledger"] = render_ledger(db, files["ledger"], ledger.LedgerFilter(), as_of=today,
                                            limit=LEDGER_ROWS)

        ids = ledger.ledger_ids(db, ledger.LedgerFilter(), as_of=today, limit=LEDGER_ROWS)
        doc = ledger_table(ledger.ledger_rows(db, ids, as_of=today), today, title="", subtitle="")

        def bare() -> None:
            pages["plain"] = plain_table(files["plain"], [c.title for c in doc.columns], doc.rows)

        def unit_list() -> None:
            pages["unit"] = render_unit_list(db, files["unit"], unit, as_of=today)

        figures = {
            "weekly": (f"weekly list, meeting {meeting} ({items} items)", time_ms(weekly, a.repeat), 500.0),
            "ledger": (f"ledger PDF, first {len(ids):,} of {total:,} assignments (query + rows + PDF)",
                       time_ms(ledger_pdf, a.ledger_repeat), 5000.0),
            "plain": (f"bare LongTable of the same {len(ids):,} rows (Helvetica, no wrapping)",
                      time_ms(bare, a.ledger_repeat), None),
            "unit": (f"unit list of {unit}", time_ms(unit_list, a.repeat), None),
        }
        used = ", ".join(f"{role} {c.family} ({c.source})" for role, c in font_choices(db).items())
        db.conn.close()
        ratio = figures["ledger"][1][0] / figures["plain"][1][0]
        rows = []
        missed = []
        for key, (name, (median, minimum, first), target) in figures.items():
            ok = target is None or median < target
            if not ok:
                missed.append(name)
            verdict = ("ok" if ok else "MISSED") if target else "info"
            rows.append(f"| {name} | {_ms(median)} | {_ms(minimum)} | {_ms(first)} | "
                        f"{'< ' + _ms(target) if target else '–'} | {verdict} | {pages[key]} | {_kb(files[key])} |")
        env = (f"Python {platform.python_version()}, {platform.system()} {platform.machine()}, "
               f"{os.cpu_count()} CPUs")
        section = "\n".join([
            HEADING, "",
            f"Run on {dt.datetime.now():%Y-%m-%d %H:%M} ({env}); demo county scale 1 as of {today}, in Chinese. "
            f"Medians and minimums of {a.repeat} runs ({a.ledger_repeat} for the two 2,000-row tables) after a "
            "first run shown apart (it registers the fonts).", "",
            f"Fonts: {used}; fallback {fallback_choice().family}.", "",
            "| measure | median | min | first run | target | | pages | PDF size |",
            "|---|---:|---:|---:|---:|---|---:|---:|", *rows, "",
            f"Ledger PDF / bare LongTable: {ratio:.2f}×. The ledger does more per row (wrapped CJK "
            "Paragraphs for long texts, fallback glyphs, light colours, subsetted TrueType fonts) but measures "
            "each row once and cuts the pages itself, one table per page; the bare LongTable leaves the "
            "page breaks to reportlab, which rebuilds the rest of the table at every break.", ""])
        print("\n" + section)
        write_results(HEADING, section)
    return 1 if a.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
