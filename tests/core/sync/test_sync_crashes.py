"""`kill -9` during `bundle export` and `bundle import`, and evidence at the size cap (issue 12, items 10, 11).

Item 10: each command runs as a real process (`python main.py ...`) and is killed
with SIGKILL 20 times, after a seeded random delay spread over the measured run
time of one un-killed run. The bundle carries three evidence files of 8 MiB, so the
work itself (not only Python's start) fills a good part of that time. After every
kill: the stick holds nothing new but complete bundles that `bundle verify`
accepts at the hub (a `.partial` leftover is refused by `bundle import`, never
taken for a bundle); the tables that matter are exactly as before, or, when the
kill came after the commit, exactly as after an un-killed run (up to clock times
and the random bundle id); a re-run gives the un-killed run's result (an import
that had already committed says "nothing new").

Item 11: a 50 MiB evidence file (the default cap) goes through `bundle export` and
`bundle import`, each in a process whose peak RSS stays within 40 MiB of the same
command on a tiny bundle; the hub with a lower cap refuses the bundle.
"""
from __future__ import annotations

import hashlib
import os
import random
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests._shared.db_copy import copy_database
from tests._shared.paths import ROOT

KILLS = 20
MIB = 1 << 20
PASSWORD = "test-pass"

pytestmark = [pytest.mark.timeout(240), pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX")]

# the tables an export or an import may change, with the columns that differ between two
# complete runs (clock times, the random bundle id, the file name a re-run gets on the stick)
TABLES = {
    "event": (), "evidence": (), "assignment_status": (), "change_log": (), "office_key": ("valid_from", "added_at"),
    "enrollment": ("used_at",), "sync_identity": (), "sync_device": (), "sync_peer_ack": (),
    "sync_received": (), "sync_peer_state": (), "sync_seen": (),
    "sync_bundle": ("bundle_id", "file", "sha256", "size", "at"), "audit": ("recorded_at", "details", "hash"),
}


def tables(db: Path, *, exact: bool = True) -> dict[str, list[tuple]]:
    """The rows of TABLES; with exact=False without the columns that differ between two runs."""
    conn = sqlite3.connect(db)
    try:
        out = {}
        for table, volatile in TABLES.items():
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            keep = [c for c in cols if exact or c not in volatile]
            out[table] = sorted(conn.execute(f"SELECT {', '.join(keep)} FROM {table}").fetchall(), key=repr)
        return out
    finally:
        conn.close()


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLOSELOOP_")}
    env.update(CLOSELOOP_LANG="en", CLOSELOOP_TODAY="2026-11-27", CLOSELOOP_PASSWORD=PASSWORD,
               CLOSELOOP_FONTS="shipped")
    return env


def _start(db: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "main.py", "--db", str(db), *args], cwd=ROOT, env=_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)


def _measure(db: Path, *args: str) -> float:
    started = time.perf_counter()
    assert _start(db, *args).wait(60) == 0
    return time.perf_counter() - started


def _delays(rng: random.Random, db: Path, took: float) -> list[float]:
    """KILLS delays: half spread over the whole run, half over what follows Python's start and the sign-in.

    The start (measured with `sync status` on the same database) takes most of a run here, so
    the second half makes sure that many kills land inside the export or import itself.
    """
    start = min(_measure(db, "sync", "status"), took / 2)
    return [rng.uniform(0.02, took) if n % 2 else rng.uniform(start, took) for n in range(KILLS)]


def _kill_after(delay: float, db: Path, *args: str) -> bool:
    """Start the command, SIGKILL it after `delay` seconds; whether it was still running then."""
    proc = _start(db, *args)
    time.sleep(delay)
    alive = proc.poll() is None
    if alive:
        proc.send_signal(signal.SIGKILL)
    proc.wait(60)
    return alive


def _evidence_files(db: Path) -> dict[str, str]:
    """name → sha256 of every file in the office's evidence store."""
    store = Path(f"{db}.evidence")
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in store.rglob("*") if p.is_file()} \
        if store.exists() else {}


def _restore(snapshot: Path, db: Path, evidence: dict[str, str]) -> None:
    """The database back from `snapshot` (copied from this very path) and the evidence store as `evidence`."""
    copy_database(snapshot, db)
    for p in Path(f"{db}.evidence").rglob("*"):
        if p.is_file() and p.name not in evidence:
            p.unlink()
    shutil.rmtree(Path(f"{db}.sync"), ignore_errors=True)


@pytest.fixture
def reported(loop, tmp_path):  # noqa: ANN001, ANN201
    """太公镇 enrolled, its task claimed and reported with three 8 MiB evidence files there."""
    loop.add_task("城区污水管网改造", "TGZ")
    unit = loop.join("TGZ")
    files = []
    for n in range(3):
        f = tmp_path / f"现场照片{n}.jpg"
        f.write_bytes(random.Random(n).randbytes(8 * MIB))
        files.append(str(f))
    loop.cli.ok("claim", "2026-1/TGZ", "--on", "2026-11-27", db=unit)
    loop.cli.ok("report", "2026-1/TGZ", "--on", "2026-11-27", "--text", "已完成勘察", "--attach", *files, db=unit)
    loop.unit = unit
    return loop


def _stick_is_sound(loop, seen: set[str]) -> list[Path]:  # noqa: ANN001
    """Every new .closeloop on the stick verifies at the hub, every .partial is refused; the new bundles."""
    hub_before = tables(loop.hub)
    bundles = []
    for path in sorted(loop.stick.iterdir()):
        if path.name in seen:
            continue
        seen.add(path.name)
        if path.name.endswith(".closeloop"):
            assert loop.cli.json("bundle", "verify", str(path))["status"] == "verified", path
            bundles.append(path)
        else:
            assert path.name.endswith(".closeloop.partial"), path
            r = loop.cli("bundle", "import", str(path))
            assert r.code == 1 and "unfinished bundle" in r.err and "Nothing was changed" in r.err, r
    assert tables(loop.hub) == hub_before
    return bundles


def test_a_whole_partial_file_is_never_taken_for_a_bundle(reported, state):
    """A kill between the fsync and the rename leaves a `.partial` that is whole: still refused."""
    bundle = reported.send(reported.unit, "HUB")
    left = bundle.with_name(bundle.name + ".partial")
    shutil.copyfile(bundle, left)
    before = state(reported.hub)
    for command in ("import", "verify"):
        r = reported.cli("bundle", command, str(left))
        assert r.code == 1 and "unfinished bundle" in r.err and "Nothing was changed" in r.err, r
    assert state(reported.hub) == before
    assert reported.take(reported.hub, bundle)["status"] == "applied"


def _say(capsys: pytest.CaptureFixture[str], line: str) -> None:
    with capsys.disabled():
        print(line)


def test_kill_9_during_export_leaves_no_half_bundle_and_the_database_as_before_or_after(reported, tmp_path, capsys):
    loop, unit = reported, reported.unit
    rng = random.Random(20261127)
    pristine = copy_database(unit, tmp_path / "unit-before.db")
    evidence = _evidence_files(unit)
    before = tables(unit)
    export = ("bundle", "export", "--to", "HUB", "--out", str(loop.stick))
    seen = {p.name for p in loop.stick.iterdir()}  # the enrollment file
    took = _measure(unit, *export)
    after = tables(unit, exact=False)
    assert after != tables(pristine, exact=False)
    [reference] = _stick_is_sound(loop, seen)
    hub_pristine = copy_database(loop.hub, tmp_path / "hub-before.db")
    first = loop.take(loop.hub, reference)
    assert first["status"] == "applied" and first["applied"]["evidence"] == 3, first
    hub_after = {t: tables(loop.hub, exact=False)[t] for t in ("event", "evidence", "assignment_status")}
    _restore(hub_pristine, loop.hub, {})

    outcomes, made = [], [reference]
    for delay in _delays(rng, unit, took):
        _restore(pristine, unit, evidence)
        alive = _kill_after(delay, unit, *export)
        written = _stick_is_sound(loop, seen)
        made += written
        state = tables(unit)
        if state == before:
            outcomes.append("before")
            loop.cli.ok(*export, db=unit)  # the re-run
            made += _stick_is_sound(loop, seen)
        else:
            outcomes.append("after")
            assert written, "the outbox lists a bundle that is not on the stick"
        assert tables(unit, exact=False) == after
        assert alive or outcomes[-1] == "after"
    partials = len(list(loop.stick.glob("*.partial")))
    _say(capsys, f"export kills: {outcomes.count('before')} before the commit, {outcomes.count('after')} after, "
          f"{len(made)} bundles, {partials} .partial left; run time {took:.2f} s")
    assert "before" in outcomes

    # every bundle the kills and re-runs left is the same delivery: the first applies, the rest bring nothing
    statuses = [loop.take(loop.hub, path)["status"] for path in made]
    assert statuses[0] == "applied" and set(statuses[1:]) <= {"nothing_new"}, statuses
    assert {t: tables(loop.hub, exact=False)[t] for t in hub_after} == hub_after
    shutil.rmtree(loop.stick)  # half a gigabyte of bundles


def test_kill_9_during_import_leaves_the_database_as_before_or_after(reported, tmp_path, capsys):
    loop = reported
    rng = random.Random(1127)
    bundle = loop.send(loop.unit, "HUB")
    pristine = copy_database(loop.hub, tmp_path / "hub-before.db")
    evidence = _evidence_files(loop.hub)
    before = tables(loop.hub)
    took = _measure(loop.hub, "bundle", "import", str(bundle))
    after = tables(loop.hub, exact=False)
    assert len(after["evidence"]) == 3
    files_after = _evidence_files(loop.hub)

    outcomes, inside, killed = [], 0, 0
    for delay in _delays(rng, loop.hub, took):
        _restore(pristine, loop.hub, evidence)
        alive = _kill_after(delay, loop.hub, "bundle", "import", str(bundle))
        killed += alive
        staging = Path(f"{loop.hub}.sync") / "incoming"
        inside += staging.exists() and any(staging.iterdir())  # killed while verifying
        for name, digest in _evidence_files(loop.hub).items():
            assert name == digest, "a half evidence file under its hash"
        if tables(loop.hub) == before:
            outcomes.append("before")
            assert loop.take(loop.hub, bundle)["status"] == "applied"
        else:
            outcomes.append("after")
            assert tables(loop.hub, exact=False) == after
            again = loop.take(loop.hub, bundle)
            assert again["status"] == "nothing_new" and "already imported" in again["reason"], again
        assert tables(loop.hub, exact=False) == after
        assert _evidence_files(loop.hub) == files_after
        assert alive or outcomes[-1] == "after"
    _say(capsys, f"import kills: {outcomes.count('before')} before the commit, {outcomes.count('after')} after, {killed} while running, {inside} of them while verifying; "
          f"run time {took:.2f} s")
    assert "before" in outcomes


PEAK = """
import resource, sys
from main import main
code = main(sys.argv[1:])
print("PEAK", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
sys.exit(code)
"""


def _peak_rss_kib(db: Path, *args: str) -> int:
    """Peak RSS (KiB) of `main.main(["--db", db, *args])` in a fresh process.

    Through a shell that forks Python rather than exec'ing it: a process exec'd straight from
    pytest inherits pytest's peak in ru_maxrss (Linux keeps it across exec), which would hide ours.
    """
    script = " ".join(shlex.quote(a) for a in (sys.executable, "-c", PEAK, "--db", str(db), *args))
    done = subprocess.run(["/bin/sh", "-c", f"{script}; exit $?"], cwd=ROOT, env=_env(), capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split()[-1])


def _newest(folder: Path) -> Path:
    return max(folder.glob("*.closeloop"), key=lambda p: p.stat().st_mtime_ns)


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss in KiB and inherited across exec: Linux")
def test_an_evidence_file_at_the_cap_streams_with_flat_memory(loop, tmp_path, state, capsys):
    loop.add_task("城区污水管网改造", "TGZ")
    unit = loop.join("TGZ")
    cap = int(loop.sql(unit, "SELECT value FROM setting WHERE key = 'attachment_max_mb'")[0][0])
    assert cap == 50  # the office default, carried to the unit by its enrollment
    tiny, big = tmp_path / "签到表.pdf", tmp_path / "现场录像.mp4"
    tiny.write_bytes(b"%PDF-1.4 tiny")
    with open(big, "wb") as f:
        for n in range(cap):
            f.write(random.Random(n).randbytes(MIB))  # exactly at the cap
    loop.cli.ok("claim", "2026-1/TGZ", "--on", "2026-11-27", db=unit)
    loop.cli.ok("report", "2026-1/TGZ", "--on", "2026-11-27", "--text", "签到", "--attach", str(tiny), db=unit)
    export = ("bundle", "export", "--to", "HUB", "--out", str(loop.stick))
    baseline_export = _peak_rss_kib(unit, *export)
    small = _newest(loop.stick)
    loop.cli.ok("report", "2026-1/TGZ", "--on", "2026-11-27", "--text", "录像", "--attach", str(big), db=unit)
    peak_export = _peak_rss_kib(unit, *export)
    large = _newest(loop.stick)
    assert large != small and large.stat().st_size > cap * MIB

    # the hub's cap lower than the file: refused before anything is written
    loop.sql(loop.hub, "INSERT OR REPLACE INTO setting (key, value) VALUES ('attachment_max_mb', '10')")
    before = state(loop.hub)
    r = loop.cli("bundle", "import", str(large))
    assert r.code == 1 and "over the limit" in r.err and "Nothing was changed" in r.err, r
    assert state(loop.hub) == before
    loop.sql(loop.hub, "DELETE FROM setting WHERE key = 'attachment_max_mb'")

    baseline_import = _peak_rss_kib(loop.hub, "bundle", "import", str(small))
    peak_import = _peak_rss_kib(loop.hub, "bundle", "import", str(large))
    digest = hashlib.sha256(big.read_bytes()).hexdigest()
    assert loop.sql(loop.hub, "SELECT size FROM evidence WHERE sha256 = ?", digest) == [(cap * MIB,)]
    assert _evidence_files(loop.hub)[digest] == digest
    _say(capsys, f"peak RSS (MiB): export {baseline_export / 1024:.0f} → {peak_export / 1024:.0f}, "
                 f"import {baseline_import / 1024:.0f} → {peak_import / 1024:.0f}")
    assert baseline_export < 200 * 1024 and baseline_import < 200 * 1024, "not this process's own peak"
    assert peak_export - baseline_export < 40 * 1024, (baseline_export, peak_export)
    assert peak_import - baseline_import < 40 * 1024, (baseline_import, peak_import)
