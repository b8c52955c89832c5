"""One sync round against the stick, as the app's 同步 button runs it (core.sync.round)."""
from __future__ import annotations

from core.office import open_session
from core.sync.round import inbox, sync_folder

REF = "2026-1/TGZ"


def _session(db):  # noqa: ANN001, ANN202
    return open_session(db, "admin", "test-pass")


def test_a_round_trip_through_the_stick(loop):
    loop.add_task("城区污水管网改造", "TGZ", "FGJ")
    unit = loop.join("TGZ")
    loop.cli.ok("claim", REF, "--on", "2026-11-27", db=unit)
    steps = []
    s = _session(unit)
    try:
        first = sync_folder(s, loop.stick, progress=lambda done, total, what: steps.append((done, total)))
    finally:
        s.db.conn.close()
    assert [e.peer.code for e in first.written] == ["HUB"] and first.safe_to_remove
    assert first.imports == [] and steps[-1] == (1, 1)
    hub = _session(loop.hub)
    try:
        entries = inbox(hub, loop.stick)
        assert [(e.to_code, e.for_here, e.imported) for e in entries if e.for_here] == [("HUB", True, False)]
        at_hub = sync_folder(hub, loop.stick)
        assert [r.status for r in at_hub.imports] == ["applied"]
        assert [e.peer.code for e in at_hub.written] == ["TGZ"]
        assert [e.imported for e in inbox(hub, loop.stick) if e.for_here] == [True]
        again = sync_folder(hub, loop.stick)
        assert again.imports == []  # what was imported is not imported again
    finally:
        hub.db.conn.close()
    s = _session(unit)
    try:
        back = sync_folder(s, loop.stick)
    finally:
        s.db.conn.close()
    assert [r.status for r in back.imports] == ["nothing_new", "nothing_new"]  # the hub had nothing new for it
    assert "the stick may be removed" in back.sentences()[-1]
    s = _session(unit)
    try:
        assert all(e.imported for e in inbox(s, loop.stick) if e.for_here)
    finally:
        s.db.conn.close()


def test_a_refused_bundle_is_listed_and_the_round_goes_on(loop, tmp_path):
    loop.add_task("城区污水管网改造", "TGZ")
    unit = loop.join("TGZ")
    loop.cli.ok("claim", REF, "--on", "2026-11-27", db=unit)
    good = loop.send(unit, "HUB")
    bad = loop.stick / "damaged.closeloop"
    data = bytearray(good.read_bytes())
    data[-20] ^= 1
    bad.write_bytes(bytes(data))
    hub = _session(loop.hub)
    try:
        r = sync_folder(hub, loop.stick)
    finally:
        hub.db.conn.close()
    assert [name for name, _why in r.refused] == ["damaged.closeloop"]
    assert [x.status for x in r.imports] == ["applied"]


def test_a_cancelled_round_stops_between_steps(loop):
    loop.add_task("城区污水管网改造", "TGZ")
    unit = loop.join("TGZ")
    s = _session(unit)
    try:
        r = sync_folder(s, loop.stick, cancelled=lambda: True)
    finally:
        s.db.conn.close()
    assert r.cancelled and not r.safe_to_remove and r.written == []
    assert list(loop.stick.glob("*至*")) == [] and list(loop.stick.glob("*_to_*")) == []


def test_a_killed_imports_staging_is_cleared_by_the_next_import(loop):
    import subprocess
    import sys

    loop.add_task("城区污水管网改造", "TGZ")
    unit = loop.join("TGZ")
    loop.cli.ok("claim", REF, "--on", "2026-11-27", db=unit)
    bundle = loop.send(unit, "HUB")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    staging = loop.hub.parent / f"{loop.hub.name}.sync" / "incoming"
    leftover = staging / f"bundle-{dead}-abc"
    leftover.mkdir(parents=True)
    (leftover / ("0" * 64)).write_bytes(b"half an evidence file")
    assert loop.take(loop.hub, bundle)["status"] == "applied"
    assert not leftover.exists() and list(staging.iterdir()) == []
