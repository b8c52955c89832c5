#!/usr/bin/env python3
"""USB sync benchmarks (issue 12, docs/sync.md) on demo counties at scale 1 and 10.

    python3 tests/bench/sync_bench.py [--repeat 7] [--today YYYY-MM-DD] [--cache DIR] [--strict]

Builds `main.py demo` at scale 1 and 10 (or reuses them from `--cache DIR`, where
they are kept between runs; the measures work on copies), enrolls units from the
hub in process (`enroll_export`, `init_from_enrollment`, the same calls as
`enroll export` and `init --from-enrollment`) and measures, each the median and
minimum of `--repeat` runs after one first run shown apart:

1. a unit's day of work: the unit with the most assignments records 20 claims and
   reports (untimed), then its bundle is exported and imported at the hub (timed);
   the hub's answer goes back untimed, so every round carries one day. At scale 1
   and 10, with the ratio (flatness);
2. the weekly `bundle export --to all` at the scale-10 hub after a week of work
   there (200 urges), every unit enrolled and its first bundle imported (set-up
   untimed);
3. a full snapshot for that unit: the enrollment file's export and
   `init --from-enrollment` (the snapshot import path);
4. import throughput: the rows of that snapshot per second of
   `init_from_enrollment` beside a plain `executemany` of the same rows into
   empty copies of the same tables, in the same run;
5. peak RSS of `main.py bundle export` as a process carrying 1 GiB of evidence
   (21 files of 50 MiB on the unit's reports at scale 1); the files and the
   bundle are deleted afterwards.

The table is printed and written into tests/bench/results.md in place of the
previous "Sync" section. Exit code 0, or 1 with `--strict` when a target is
missed. Not a pytest module.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from _common import write_results  # noqa: E402
from run import PASSWORD, Figure, _fmt, build, child_env, run_child  # noqa: E402

HEADING = "## Sync (sync_bench.py)"
THROUGHPUT_NOTE = (
    "Import throughput is measured on the largest import a unit makes, its enrollment snapshot. Besides the rows "
    "it pays fixed costs (scrypt of the one-time code, the administrator's password hash, the new schema) and "
    "per-row work a plain executemany does not: the change-log and search-index triggers (about 4× a bare "
    "executemany by themselves), the audit seals of every row and the status of every assignment. Since the "
    "import speed-up (branch importspeed) the enrollment does those triggers' work in one statement a table on "
    "the new file (core/sync/bulk_load.py, same rows), makes the schema with synchronous off (the import's "
    "commit stays FULL) and makes the password hash on another thread beside the code's scrypt; fixed costs "
    "are still counted in.")
DAY_RECORDS = 20
WEEK_URGES = 200
EVIDENCE_FILES, EVIDENCE_MIB = 21, 50  # 1,050 MiB, each file at the default attachment cap


class Offices:
    """A hub and the unit offices enrolled from it, each database in its own folder under `root`."""

    def __init__(self, root: Path, hub_path: Path, today: dt.date) -> None:
        from core.office import open_session

        self.root, self.today = root, today
        self.stick = root / "stick"
        self.stick.mkdir(parents=True, exist_ok=True)
        self.hub = open_session(hub_path, "admin", PASSWORD, today)
        self.hub_code = self.hub.office.code
        self.units: dict[str, object] = {}

    def enroll(self, code: str, where: Path | None = None):  # noqa: ANN201
        """Enroll unit `code` and make its database (at `where`, default its own folder); its session."""
        from core.sync.enroll import enroll_export, init_from_enrollment

        e = enroll_export(self.hub, code, self.stick)
        path = where or self.root / f"unit-{code}" / "office.db"
        session, _fp = init_from_enrollment(path, e.path, admin="admin", password=PASSWORD, code=e.code,
                                            today=self.today)
        e.path.unlink()
        e.path.with_name(e.path.name + ".used").unlink(missing_ok=True)
        return session

    def join(self, code: str):  # noqa: ANN201
        """Enroll unit `code`, send its first bundle and import it at the hub (the hub learns its keys)."""
        unit = self.enroll(code)
        self.units[code] = unit
        self.carry(unit, self.hub, self.hub_code)
        return unit

    def carry(self, sender, receiver, to: str) -> tuple[int, dict]:  # noqa: ANN001
        """A bundle from `sender` for office `to`, imported by `receiver`: (file size, report)."""
        from core.sync import exporter, importer

        ex = exporter.export_bundle(sender, exporter.find_peer(sender.db.conn, to), self.stick)
        report = importer.import_bundle(receiver, ex.path)
        ex.path.unlink()
        return ex.size, report.to_json()

    def close(self) -> None:
        for s in [self.hub, *self.units.values()]:
            s.db.conn.close()  # type: ignore[attr-defined]


def busiest_unit(db_path: Path) -> str:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute("SELECT u.code FROM assignment a JOIN unit u ON u.id = a.unit_id "
                            "GROUP BY u.id ORDER BY COUNT(*) DESC, u.code LIMIT 1").fetchone()[0]
    finally:
        conn.close()


def open_assignments(s, states: tuple[str, ...] = ("assigned", "claimed", "in_progress")) -> list[tuple[int, str]]:  # noqa: ANN001
    """(assignment id, state) of the open assignments this office may act on (a unit: its own)."""
    mine = "" if s.is_hub else f"AND a.unit_id = {int(s.office.unit_id)}"
    return s.db.execute(f"SELECT a.id, st.state FROM assignment a JOIN assignment_status st "
                        f"ON st.assignment_id = a.id WHERE st.state IN ({','.join('?' * len(states))}) {mine} "
                        f"ORDER BY a.id", list(states)).fetchall()


def record_day(s, n: int, text: str, files: list[Path] | None = None) -> int:  # noqa: ANN001
    """Record `n` claims (on assigned) and reports (on claimed, in progress) at office `s`; how many were."""
    from core.errors import Refusal
    from core.work.actions import Action, record

    done, files = 0, list(files or [])
    while done < n:
        before = done
        for aid, state in open_assignments(s):
            if done >= n:
                break
            attach = [files.pop()] if files and state != "assigned" else []
            kind = "claim" if state == "assigned" else "report"
            try:
                record(s, aid, Action(kind, s.today, "" if kind == "claim" else f"{text} {done}",
                                      attachments=attach))
            except Refusal:
                files += attach
                continue
            done += 1
        if done == before:
            break
    return done


def day_of_work(o: Offices, code: str, repeat: int, scale: int) -> tuple[Figure, float]:
    """Measure 1 at one scale: (figure, median bundle size in KB)."""
    from core.sync import exporter, importer

    unit = o.units[code]
    hub_peer = exporter.find_peer(unit.db.conn, o.hub_code)  # type: ignore[attr-defined]
    times, sizes, rows = [], [], []
    for i in range(repeat + 1):
        n = record_day(unit, DAY_RECORDS, f"第{i}天进展")
        start = time.perf_counter()
        ex = exporter.export_bundle(unit, hub_peer, o.stick)
        report = importer.import_bundle(o.hub, ex.path)
        times.append((time.perf_counter() - start) * 1000)
        if report.status != "applied":
            sys.exit(f"sync bench: the day's bundle was not applied ({report.status}: {report.reason})")
        sizes.append(ex.size / 1024)
        rows.append(f"{n} records → {sum(report.applied.values())} rows")
        ex.path.unlink()
        o.carry(o.hub, unit, code)  # the hub's answer: its acknowledgement, untimed
    rest = times[1:]
    fig = Figure(f"scale {scale}: a unit's day ({rows[-1]}) export + import at the hub",
                 statistics.median(rest), min(rest), times[0], 1000,
                 note=f"bundle {statistics.median(sizes[1:]):.1f} KB")
    return fig, statistics.median(sizes[1:])


def weekly(o: Offices, repeat: int) -> tuple[Figure, str]:
    """Measure 2: `bundle export --to all` after a week of urges at the hub."""
    from core.sync import exporter
    from core.work.actions import Action, record

    urged = 0
    for aid, _state in open_assignments(o.hub, ("claimed", "in_progress"))[:WEEK_URGES]:
        record(o.hub, aid, Action("urge", o.today, "请加快进度"))
        urged += 1
    out = o.root / "weekly"
    times, made = [], []
    for _ in range(max(3, repeat // 2) + 1):
        out.mkdir(exist_ok=True)
        start = time.perf_counter()
        made, skipped = exporter.export_all(o.hub, out)
        times.append((time.perf_counter() - start) * 1000)
        if skipped:
            sys.exit(f"sync bench: export --to all skipped {len(skipped)} units")
        total = sum(e.size for e in made)
        shutil.rmtree(out)
    rest = times[1:]
    note = f"{len(made)} bundles, {total / 1024:.0f} KB in all, after {urged} urges"
    return Figure("scale 10: weekly bundle export --to all (every unit)", statistics.median(rest), min(rest),
                  times[0], 10_000, note=note), note


def plain_insert(source: Path, tables: list[str], *, schema: bool) -> tuple[float, int]:
    """Seconds to executemany every row of `tables` of `source` into empty tables, in one transaction; rows.

    `schema=False`: bare copies of the tables and their indexes (no triggers); `schema=True`: a new database
    with the app's whole schema (its change-capture triggers and the task search index), made untimed.
    """
    src = sqlite3.connect(source)
    ddl = [sql for (sql,) in src.execute(
        f"SELECT sql FROM sqlite_master WHERE type IN ('table', 'index') AND tbl_name IN "
        f"({','.join('?' * len(tables))}) AND sql IS NOT NULL ORDER BY type = 'index'", tables)]
    data = {t: src.execute(f"SELECT * FROM [{t}]").fetchall() for t in tables}
    src.close()
    with tempfile.TemporaryDirectory() as tmp:
        if schema:
            from core.db.connection import open_database

            open_database(Path(tmp) / "plain.db").conn.close()
        dst = sqlite3.connect(Path(tmp) / "plain.db", isolation_level=None)
        dst.execute("PRAGMA journal_mode = WAL")
        for sql in [] if schema else ddl:
            dst.execute(sql)
        start = time.perf_counter()
        dst.execute("BEGIN")
        for t, rows in data.items():
            if rows:
                dst.executemany(f"INSERT INTO [{t}] VALUES ({','.join('?' * len(rows[0]))})", rows)
        dst.execute("COMMIT")
        seconds = time.perf_counter() - start
        dst.close()
    return seconds, sum(len(r) for r in data.values())


def snapshot(o: Offices, code: str, repeat: int) -> list[Figure]:
    """Measures 3 and 4: the enrollment snapshot of `code` (export, import) and import throughput vs plain SQL."""
    from core.sync.enroll import enroll_export, init_from_enrollment
    from core.sync.rows import ALL_TABLES

    exports, imports, plains, schemas, rows, size = [], [], [], [], 0, 0
    for i in range(repeat + 1):
        start = time.perf_counter()
        e = enroll_export(o.hub, code, o.stick)
        exports.append((time.perf_counter() - start) * 1000)
        size = e.path.stat().st_size
        path = o.root / f"snapshot-{i}" / "office.db"
        start = time.perf_counter()
        s, _fp = init_from_enrollment(path, e.path, admin="admin", password=PASSWORD, code=e.code, today=o.today)
        imports.append((time.perf_counter() - start) * 1000)
        s.db.conn.close()
        seconds, rows = plain_insert(path, list(ALL_TABLES), schema=False)
        plains.append(seconds * 1000)
        seconds, rows = plain_insert(path, list(ALL_TABLES), schema=True)
        schemas.append(seconds * 1000)
        shutil.rmtree(path.parent)
        e.path.unlink()
        e.path.with_name(e.path.name + ".used").unlink(missing_ok=True)
    ex, im, pl, sc = (statistics.median(x[1:]) for x in (exports, imports, plains, schemas))
    # plain rows/s ÷ import rows/s: at most 3 (the import at least a third as fast)
    figures = [
        Figure(f"scale 10: snapshot of {code} (enrollment file, {rows:,} rows, {size / 1024:.0f} KB): export",
               ex, min(exports[1:]), exports[0], None),
        Figure(f"scale 10: snapshot of {code}: import (init --from-enrollment)", im, min(imports[1:]), imports[0],
               None),
        Figure(f"scale 10: snapshot of {code}: export + import", ex + im,
               min(a + b for a, b in zip(exports[1:], imports[1:], strict=True)), exports[0] + imports[0], 5000),
        Figure(f"import throughput: {rows / im * 1000:,.0f} rows/s (init --from-enrollment, fixed costs "
               f"included); plain executemany into bare tables (indexes, no triggers) {rows / pl * 1000:,.0f} rows/s: "
               "plain ÷ import", im / pl, im / pl, None, 3, unit="×"),
        Figure(f"the same, beside plain executemany into the app's schema (change-capture and search-index "
               f"triggers) {rows / sc * 1000:,.0f} rows/s: plain ÷ import", im / sc, im / sc, None, 3, unit="×"),
    ]
    return figures


def evidence_export(o: Offices, code: str, today: dt.date) -> list[Figure]:
    """Measure 5: peak RSS of `main.py bundle export` carrying 1 GiB of evidence (files deleted afterwards)."""
    unit = o.units[code]
    src = o.root / "evidence-src"
    src.mkdir()
    files = []
    block = os.urandom(1 << 20)
    for i in range(EVIDENCE_FILES):
        f = src / f"照片{i:02d}.jpg"
        with open(f, "wb") as out:
            for j in range(EVIDENCE_MIB):
                out.write(block[:-8] + i.to_bytes(4, "big") + j.to_bytes(4, "big"))
        files.append(f)
    attached = record_day(unit, EVIDENCE_FILES, "现场照片", files)  # type: ignore[arg-type]
    shutil.rmtree(src)
    unit_path = unit.path  # type: ignore[attr-defined]
    unit.db.conn.close()  # type: ignore[attr-defined]
    del o.units[code]
    out = o.root / "big"
    env = child_env(today)
    walls, rsses, sizes = [], [], []
    for i in range(3):
        out.mkdir()
        wall, rss, rc, _stdout = run_child([sys.executable, "main.py", "--db", str(unit_path), "bundle", "export",
                                            "--to", o.hub_code, "--out", str(out)], env)
        if rc:
            sys.exit(f"sync bench: bundle export of the evidence failed (exit {rc})")
        sizes.append(sum(f.stat().st_size for f in out.iterdir()))
        walls.append(wall * 1000)
        rsses.append(rss)
        if i == 2:  # the last one is imported at the hub, as a process too
            bundle = next(out.iterdir())
            in_wall, in_rss, rc, _stdout = run_child([sys.executable, "main.py", "--db", str(o.hub.path), "bundle",
                                                      "import", str(bundle)], env)
            if rc:
                sys.exit(f"sync bench: bundle import of the evidence failed (exit {rc})")
        shutil.rmtree(out)
    from core.evidence import evidence_dir

    shutil.rmtree(evidence_dir(unit_path), ignore_errors=True)
    shutil.rmtree(evidence_dir(o.hub.path), ignore_errors=True)
    gib = statistics.median(sizes) / (1 << 30)
    return [
        Figure(f"scale 1: bundle export with {attached} evidence files ({gib:.2f} GiB), peak RSS of the process",
               statistics.median(rsses), min(rsses), None, 200, unit="MB"),
        Figure("scale 1: the same export, wall (whole process)", statistics.median(walls), min(walls), None, None),
        Figure("scale 1: its import at the hub (main.py bundle import), peak RSS of the process", in_rss, in_rss,
               None, None, unit="MB", note=f"wall {in_wall:.1f} s, one run"),
    ]


def demo_copy(cache: Path | None, tmp: Path, scale: int, today: dt.date) -> tuple[Path, str]:
    """A fresh copy of the demo at `scale` (built, or taken from the cache); (path, how)."""
    target = tmp / f"hub-{scale}" / "office.db"
    target.parent.mkdir(parents=True)
    if cache is not None:
        cached = cache / f"demo-s{scale}-{today.isoformat()}.db"
        if not cached.exists():
            cache.mkdir(parents=True, exist_ok=True)
            build(cached, scale, 1, today)
        src = sqlite3.connect(cached)
        src.execute("VACUUM INTO ?", [str(target)])
        src.close()
        how = f"from {cached}"
    else:
        seconds, _rss, _summary = build(target, scale, 1, today)
        how = f"built in {seconds:.1f} s"
    from core.db.connection import open_database
    from core.sync.identity import machine_binding

    db = open_database(target)  # the copy lives at another path: bind it there, as `demo` does
    db.execute("UPDATE sync_identity SET binding = ?", [machine_binding(target)])
    db.conn.close()
    return target, how


def section(figures: list[Figure], where: str) -> str:
    rows = [f"| {f.name}{f' ({f.note})' if f.note else ''} | {_fmt(f.median, f.unit)} | {_fmt(f.minimum, f.unit)} | "
            f"{_fmt(f.first, f.unit)} | {'< ' + _fmt(f.target, f.unit) if f.target else '–'} | "
            f"{('ok' if f.ok else 'MISSED') if f.target else 'info'} |" for f in figures]
    return "\n".join([HEADING, "", where, "", "| measure | median | min | first run | target | |",
                      "|---|---:|---:|---:|---:|---|", *rows, "", THROUGHPUT_NOTE, ""])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="Closeloop sync benchmarks")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--today", help="the demos' day (default: today)")
    parser.add_argument("--cache", help="keep the built demos in this folder and reuse them")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--scales", default="1,10", help=argparse.SUPPRESS)  # for trying the bench out
    parser.add_argument("--skip-evidence", action="store_true", help="leave out the 1 GiB evidence export")
    a = parser.parse_args(argv)
    today = dt.date.fromisoformat(a.today) if a.today else dt.date.today()
    os.environ["CLOSELOOP_TODAY"] = today.isoformat()
    os.environ.setdefault("CLOSELOOP_LANG", "en")
    cache = Path(a.cache) if a.cache else None
    figures: list[Figure] = []
    notes = []
    with tempfile.TemporaryDirectory(prefix="closeloop-sync-bench-") as tmp_name:
        tmp = Path(tmp_name)
        days = {}
        for scale in [int(x) for x in a.scales.split(",")]:
            print(f"sync bench: demo county scale {scale} …", flush=True)
            hub_path, how = demo_copy(cache, tmp, scale, today)
            code = busiest_unit(hub_path)
            o = Offices(tmp / f"offices-{scale}", hub_path, today)
            n_assign = o.hub.db.execute("SELECT COUNT(*) FROM assignment").fetchone()[0]
            n_events = o.hub.db.execute("SELECT COUNT(*) FROM event").fetchone()[0]
            start = time.perf_counter()
            o.join(code)
            joined = time.perf_counter() - start
            fig, _size = day_of_work(o, code, a.repeat, scale)
            figures.append(fig)
            days[scale] = fig
            notes.append(f"scale {scale} ({how}): {n_assign:,} assignments, {n_events:,} events; unit {code} "
                         f"enrolled and its first bundle imported in {joined:.1f} s")
            figures.append(Figure(f"scale {scale}: the day's bundle size (no evidence)", _size, _size, None, 50,
                                  unit="KB"))
            if len(days) == 2:
                ratio = days[10].median / days[1].median
                figures.append(Figure("a unit's day: scale 10 ÷ scale 1 (flat as the database grows)", ratio, ratio,
                                      None, 2, unit="×"))
            if scale == 1 and not a.skip_evidence:
                print("sync bench: 1 GiB of evidence …", flush=True)
                figures += evidence_export(o, code, today)
            if scale == 10:
                print("sync bench: enrolling every unit …", flush=True)
                start = time.perf_counter()
                others = [r[0] for r in o.hub.db.execute("SELECT code FROM unit WHERE active = 1 ORDER BY code")
                          if r[0] != code]
                for other in others:
                    o.join(other)
                notes.append(f"{len(others) + 1} units enrolled, joined and heard from in "
                             f"{time.perf_counter() - start:.0f} s (set-up, untimed)")
                print("sync bench: weekly export --to all …", flush=True)
                fig, _note = weekly(o, a.repeat)
                figures.append(fig)
                print("sync bench: snapshots …", flush=True)
                figures += snapshot(o, code, a.repeat)
            o.close()
    where = (f"Run on {dt.datetime.now():%Y-%m-%d %H:%M} (Python {platform.python_version()}, SQLite "
             f"{sqlite3.sqlite_version}, {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs); demo "
             f"counties seed 1 as of {today}. " + "; ".join(notes) + f". Medians and minimums of {a.repeat} runs "
             "after one first run shown apart (the weekly export: half as many, at least 3; the evidence export: "
             "3 processes).")
    text = section(figures, where)
    print("\n" + text)
    write_results(HEADING, text)
    missed = [f for f in figures if not f.ok]
    return 1 if a.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
