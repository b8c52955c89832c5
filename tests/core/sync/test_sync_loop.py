"""The loop between the county office and a township, through bundles on a stick (issue 12).

Enrollment and its refusals, the claim that travels both ways, the hub's 代录 beside
the unit's own claim, replays, bundles out of order, forks, clocks apart, re-enrollment.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from conftest import dump

REF = "2026-1/TGZ"


@pytest.fixture
def hub(loop):  # noqa: ANN001, ANN201
    loop.add_task("城区污水管网改造", "TGZ", "FGJ")
    loop.add_task("农村道路硬化", "XYJ")
    return loop


def test_enrollment_makes_the_units_database_with_its_own_tasks(hub):
    file, code = hub.enroll("TGZ")
    assert code.replace("-", "").encode() not in file.read_bytes()  # the code never travels on the stick
    unit = hub.join("TGZ", file, code)
    assert hub.show(unit, REF)["assignments"][0]["state"] == "assigned"
    mine = hub.cli.json("task", "list", db=unit)
    assert {row["ref"] for row in mine} >= {REF}
    assert all("XYJ" not in row["ref"] for row in mine)  # another unit's task stays at the hub
    units = hub.cli.json("unit", "list", db=unit)
    assert {u["code"] for u in units} == {"TGZ", "XYJ", "FGJ", "ZJJ"}
    hub_fp = hub.cli.json("keys", "show")["fingerprint"]
    r = hub.cli.ok("keys", "show", db=unit)
    assert hub_fp in r.out


def test_a_wrong_code_leaves_no_database(hub, tmp_path):
    file, _code = hub.enroll("TGZ")
    db = tmp_path / "unit" / "office.db"
    r = hub.cli("init", "--from-enrollment", str(file), "--admin", "admin", db=db,
                env={"CLOSELOOP_ENROLL_CODE": "AAAA-BBBB-CCCC-DDDD-EEEE"})
    assert r.code == 1 and "code" in r.err and "printed" in r.err
    assert not db.exists() and not list(db.parent.glob("*")) if db.parent.exists() else True


def test_a_used_enrollment_file_is_refused(hub, tmp_path):
    file, code = hub.enroll("TGZ")
    hub.join("TGZ", file, code)
    other = tmp_path / "second-computer" / "office.db"
    r = hub.cli("init", "--from-enrollment", str(file), "--admin", "admin", db=other,
                env={"CLOSELOOP_ENROLL_CODE": code})
    assert r.code == 1 and "already used" in r.err
    assert not other.exists()


def test_an_expired_enrollment_file_is_refused(hub, tmp_path):
    file, code = hub.enroll("TGZ")
    db = tmp_path / "late" / "office.db"
    r = hub.cli("init", "--from-enrollment", str(file), "--admin", "admin", db=db,
                env={"CLOSELOOP_ENROLL_CODE": code, "CLOSELOOP_TODAY": "2026-12-28"})
    assert r.code == 1 and "expired on 2026-12-27" in r.err
    assert not db.exists()


def test_a_second_computer_with_a_copied_file_is_refused_at_the_hub(hub, tmp_path):
    file, code = hub.enroll("TGZ")
    first = hub.join("TGZ", file, code)
    copy = tmp_path / "copy.closeloop"
    copy.write_bytes(file.read_bytes())  # the .used mark stays beside the original
    second = tmp_path / "second" / "office.db"
    second.parent.mkdir()
    hub.cli.ok("init", "--from-enrollment", str(copy), "--admin", "admin", db=second,
               env={"CLOSELOOP_ENROLL_CODE": code})
    hub.take(hub.hub, hub.send(first, "HUB"))
    before = dump(hub.hub)
    r = hub.cli("bundle", "import", str(hub.send(second, "HUB")))
    assert r.code == 1 and "already used by another computer" in r.err
    assert dump(hub.hub) == before


def test_a_claim_travels_to_the_hub_and_the_hubs_report_back(hub):
    unit = hub.join("TGZ")
    hub.cli.ok("claim", REF, "--on", "2026-11-27", db=unit)
    up = hub.send(unit, "HUB")
    assert up.name.startswith("太公镇_to_示例县委督查室_2026-11-27_")  # English messages in tests
    assert up.stat().st_size < 50_000
    hub.take(hub.hub, up)
    assert hub.show(hub.hub, REF)["assignments"][0]["claimed_on"] == "2026-11-27"
    hub.cli.ok("urge", REF, "--on", "2026-11-27", "--text", "请加快进度")
    hub.take(unit, hub.send(hub.hub, "TGZ"))
    kinds = [e["kind"] for e in hub.show(unit, REF)["assignments"][0]["events"]]
    assert kinds == ["claim", "urge"]


def test_the_hubs_proxy_claim_and_the_units_own_claim_are_both_kept(hub):
    unit = hub.join("TGZ")
    hub.cli.ok("claim", REF, "--on", "2026-11-27", db=unit)
    hub.cli.ok("claim", REF, "--on", "2026-11-26")  # 代录 by phone, before the stick arrived
    hub.take(hub.hub, hub.send(unit, "HUB"))
    a = hub.show(hub.hub, REF)["assignments"][0]
    assert [e["on_behalf"] for e in a["events"]] == [True, False]
    assert a["claimed_on"] == "2026-11-26" and not a["late_claim"]  # the earliest claim counts
    hub.take(unit, hub.send(hub.hub, "TGZ"))
    b = hub.show(unit, REF)["assignments"][0]
    assert b["claimed_on"] == "2026-11-26" and len(b["events"]) == 2


def test_an_old_bundle_replayed_after_newer_ones_changes_nothing(hub):
    unit = hub.join("TGZ")
    hub.take(hub.hub, hub.send(unit, "HUB"))  # the hub learns the unit's key
    first = hub.send(hub.hub, "TGZ")
    hub.cli.ok("urge", REF, "--on", "2026-11-27", "--text", "请加快进度")
    second = hub.send(hub.hub, "TGZ")
    hub.take(unit, second)
    state = dump(unit)
    again = hub.take(unit, first)  # never imported, older than what is here
    assert again["status"] == "nothing_new"
    replay = hub.take(unit, second)
    assert replay["status"] == "nothing_new" and "already imported" in replay["reason"]
    assert _rows(hub, unit) == _rows_of(state)


def _rows(loop, db: Path) -> list[str]:  # noqa: ANN001
    return _rows_of(dump(db))


def _rows_of(text: str) -> list[str]:
    keep = ("INSERT INTO \"event\"", "INSERT INTO \"assignment\"", "INSERT INTO \"task\"", "INSERT INTO \"unit\"")
    return sorted(line for line in text.splitlines() if line.startswith(keep))


def test_bundles_out_of_order_are_held_then_applied(hub, tmp_path, copy_db):
    unit = hub.join("TGZ")
    hub.take(hub.hub, hub.send(unit, "HUB"))
    hub.cli.ok("urge", REF, "--on", "2026-11-27", "--text", "第一次催办")
    first = hub.send(hub.hub, "TGZ")
    (tmp_path / "behind").mkdir()
    behind = copy_db(unit, tmp_path / "behind" / "office.db")  # the same office, before `first`
    hub.take(unit, first)
    hub.take(hub.hub, hub.send(unit, "HUB"))  # acknowledges `first`
    hub.cli.ok("urge", REF, "--on", "2026-11-27", "--text", "第二次催办")
    second = hub.send(hub.hub, "TGZ")
    hub.take(unit, second)
    r = hub.cli.json("bundle", "import", str(second), db=behind)
    assert r["status"] == "held" and "has not been imported here yet" in r["reason"]
    status = hub.cli.json("sync", "status", db=behind)
    assert [h["status"] for h in status["held"]] == ["held"]
    r = hub.cli.json("bundle", "import", str(first), db=behind)
    assert r["status"] == "applied" and [a["status"] for a in r["also"]] == ["applied"]
    assert _rows(hub, behind) == _rows(hub, unit)
    assert hub.cli.json("sync", "status", db=behind)["held"] == []


def test_two_installations_sharing_a_device_id_are_a_fork_kept_aside(hub, tmp_path, copy_db):
    unit = hub.join("TGZ")
    hub.take(hub.hub, hub.send(unit, "HUB"))
    (tmp_path / "twin").mkdir()
    twin = copy_db(unit, tmp_path / "twin" / "office.db")
    from core.sync.identity import machine_binding

    hub.sql(twin, "UPDATE sync_identity SET binding = ?", machine_binding(twin))  # a clone nobody noticed
    hub.cli.ok("claim", REF, "--on", "2026-11-27", db=unit)
    hub.cli.ok("claim", REF, "--on", "2026-11-26", db=twin)
    hub.take(hub.hub, hub.send(unit, "HUB"))
    before = dump(hub.hub)
    r = hub.take(hub.hub, hub.send(twin, "HUB"))
    assert r["status"] == "fork" and "two different histories" in r["reason"]
    assert dump(hub.hub).count('INSERT INTO "event"') == before.count('INSERT INTO "event"')
    held = hub.cli.json("sync", "status")["held"]
    assert [h["status"] for h in held] == ["fork"] and Path(held[0]["file"]).exists()


def test_clocks_three_days_apart_change_neither_order_nor_acceptance(hub):
    unit = hub.join("TGZ")
    later = {"CLOSELOOP_TODAY": "2026-11-30"}
    hub.cli.ok("claim", REF, "--on", "2026-11-27", db=unit, env=later)
    hub.cli.ok("report", REF, "--on", "2026-11-29", "--text", "提前三天的电脑", db=unit, env=later)
    up = hub.cli.json("bundle", "export", "--to", "HUB", "--out", str(hub.stick), db=unit, env=later)
    r = hub.take(hub.hub, Path(up["written"][0]["file"]))
    assert r["status"] == "applied" and r["applied"] == {"event": 2}
    a = hub.show(hub.hub, REF)["assignments"][0]
    assert [e["kind"] for e in a["events"]] == ["claim", "report"]
    assert a["claimed_on"] == "2026-11-27" and a["first_report_on"] == "2026-11-29"


def test_re_enrolling_a_unit_revokes_the_old_computers_key(hub, tmp_path):
    old = hub.join("TGZ")
    hub.take(hub.hub, hub.send(old, "HUB"))
    file, code = hub.enroll("TGZ")
    new = tmp_path / "new-computer" / "office.db"
    new.parent.mkdir()
    hub.cli.ok("init", "--from-enrollment", str(file), "--admin", "admin", db=new,
               env={"CLOSELOOP_ENROLL_CODE": code})
    hub.cli.ok("claim", REF, "--on", "2026-11-27", db=old)
    r = hub.cli("bundle", "import", str(hub.send(old, "HUB")))
    assert r.code == 1 and "revoked" in r.err
    hub.cli.ok("claim", REF, "--on", "2026-11-27", db=new)
    assert hub.take(hub.hub, hub.send(new, "HUB"))["status"] == "applied"


def test_a_snapshot_brings_a_unit_everything_it_may_see(hub):
    unit = hub.join("TGZ")
    hub.take(hub.hub, hub.send(unit, "HUB"))
    hub.cli.ok("claim", REF, "--on", "2026-11-27", db=unit)
    hub.take(hub.hub, hub.send(unit, "HUB"))
    hub.cli.ok("urge", REF, "--on", "2026-11-27", "--text", "请加快进度")
    hub.sql(unit, "DELETE FROM sync_received")  # as if the unit had lost track: only a snapshot helps
    r = hub.take(unit, hub.send(hub.hub, "TGZ", "--snapshot"))
    assert r["status"] == "applied" and r["applied"] == {"event": 1}
    events = [(e["kind"], e["on"]) for e in hub.show(unit, REF)["assignments"][0]["events"]]
    assert events == [(e["kind"], e["on"]) for e in hub.show(hub.hub, REF)["assignments"][0]["events"]]
    assert events == [("claim", "2026-11-27"), ("urge", "2026-11-27")]


def test_a_hub_bundle_for_a_unit_not_yet_heard_from_is_refused_in_words(hub):
    hub.enroll("TGZ")
    r = hub.cli("bundle", "export", "--to", "TGZ", "--out", str(hub.stick))
    assert r.code == 1 and "first bundle" in r.err
    out = hub.cli.json("bundle", "export", "--to", "all", "--out", str(hub.stick))
    assert out["written"] == [] and [s["to"] for s in out["skipped"]] == ["TGZ"]


def test_an_older_revision_of_the_hubs_row_is_ignored(hub):
    from core.directory import edit_unit
    from core.office import open_session

    unit = hub.join("TGZ")
    hub.take(hub.hub, hub.send(unit, "HUB"))
    hub.cli.ok("urge", REF, "--on", "2026-11-27", "--text", "请加快进度")
    before_rename = hub.send(hub.hub, "TGZ")
    s = open_session(hub.hub, "admin", "test-pass")
    try:
        edit_unit(s, "XYJ", "新阳街道办事处", "township")
    finally:
        s.db.conn.close()
    after_rename = hub.send(hub.hub, "TGZ")
    assert hub.take(unit, after_rename)["applied"] == {"event": 1, "unit": 1}
    late = hub.take(unit, before_rename)  # found later in a drawer: older than what is here
    assert late["status"] == "nothing_new"
    names = {u["code"]: u["name"] for u in hub.cli.json("unit", "list", db=unit)}
    assert names["XYJ"] == "新阳街道办事处"


def test_the_weekly_export_to_a_missing_stick_is_refused_in_words(hub, state):
    before = state(hub.hub)
    r = hub.cli("bundle", "export", "--to", "all", "--out", str(hub.stick / "unplugged"))
    assert r.code == 1 and "does not exist" in r.err
    assert state(hub.hub) == before
