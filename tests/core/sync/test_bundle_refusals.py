"""Hostile or broken bundles are refused in a clerk's words and change nothing (issue 12, items 1–5, 12–15).

Each test brings a bundle to an office as a clerk would (`bundle import FILE`), and
checks the exit code, the one sentence on stderr, and that the database and its
evidence store are exactly as before.
"""
from __future__ import annotations

import json
import uuid

import pytest
from bundle_tools import relist, reseal, rows, set_rows, unseal

from core.sync.bundle_file import canonical


@pytest.fixture
def township(loop):  # noqa: ANN001, ANN201
    """太公镇 enrolled, a task for it claimed there, and the claim's bundle on the stick (not imported)."""
    loop.add_task("城区污水管网改造", "TGZ", "FGJ")
    loop.add_task("农村道路硬化", "XYJ")
    unit = loop.join("TGZ")
    loop.cli.ok("claim", "2026-1/TGZ", "--on", "2026-11-27", db=unit)
    loop.cli.ok("report", "2026-1/TGZ", "--on", "2026-11-27", "--text", "已完成勘察", db=unit)
    loop.bundle = loop.send(unit, "HUB")
    loop.unit = unit
    return loop


def refused(loop, db, file, state, *words):  # noqa: ANN001, ANN201
    before = state(db)
    r = loop.cli("bundle", "import", str(file), db=db)
    assert r.code == 1, r
    for word in words:
        assert word in r.err, r.err
    assert "Nothing was changed" in r.err or "nothing was changed" in r.err, r.err
    assert state(db) == before
    return r.err


def test_a_sound_bundle_applies_once_then_brings_nothing_new(township):
    first = township.take(township.hub, township.bundle)
    assert first["status"] == "applied" and first["applied"] == {"event": 2}
    assert township.show(township.hub, "2026-1/TGZ")["assignments"][0]["state"] == "in_progress"
    again = township.take(township.hub, township.bundle)
    assert again["status"] == "nothing_new" and again["applied"] == {}
    assert "already imported" in again["reason"]


@pytest.mark.parametrize("cut", ["half", "one byte"])
def test_a_truncated_bundle_is_refused(township, state, tmp_path, cut):
    data = township.bundle.read_bytes()
    short = tmp_path / "short.closeloop"
    short.write_bytes(data[: len(data) // 2] if cut == "half" else data[:-1])
    err = refused(township, township.hub, short, state, "cut short")
    assert "copy it again" in err


def test_a_flipped_byte_in_the_file_is_refused(township, state, tmp_path):
    data = bytearray(township.bundle.read_bytes())
    data[-40] ^= 0x01
    bad = tmp_path / "flipped.closeloop"
    bad.write_bytes(bytes(data))
    refused(township, township.hub, bad, state)


def test_a_flipped_byte_in_a_member_is_refused(township, state, tmp_path):
    parts = unseal(township.bundle, township.hub)
    rows_bytes = bytearray(parts["members"]["rows.jsonl"])
    rows_bytes[10] ^= 0x01  # the manifest still gives the old hash
    parts["members"]["rows.jsonl"] = bytes(rows_bytes)
    bad = reseal(parts, tmp_path / "member.closeloop", township.hub)
    refused(township, township.hub, bad, state, "does not match its recorded hash")


def test_a_flipped_byte_in_the_manifest_breaks_the_signature(township, state, tmp_path):
    parts = unseal(township.bundle, township.hub)
    parts["manifest"]["made_on"] = "2026-11-28"  # signed as 11-27
    bad = reseal(parts, tmp_path / "manifest.closeloop", township.hub)
    refused(township, township.hub, bad, state, "signature does not match")


def test_a_bundle_signed_by_an_unknown_key_is_refused(township, state, tmp_path):
    township.take(township.hub, township.bundle)
    township.take(township.unit, township.send(township.hub, "TGZ"))  # the hub knows the key now
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    township.sql(township.unit, "UPDATE sync_identity SET sign_secret = ?",
                 Ed25519PrivateKey.generate().private_bytes_raw().hex())
    township.cli.ok("report", "2026-1/TGZ", "--on", "2026-11-27", "--text", "二次反馈", db=township.unit)
    forged = township.send(township.unit, "HUB")
    refused(township, township.hub, forged, state, "key this office does not know")


def _forge(township, tmp_path, change):  # noqa: ANN001, ANN202
    """The township's own bundle with its rows changed by `change(records)`, signed with its real key."""
    parts = unseal(township.bundle, township.hub)
    records = rows(parts)
    change(records)
    set_rows(parts, records)
    return reseal(parts, tmp_path / "forged.closeloop", township.hub, sender_db=township.unit)


def test_a_township_cannot_carry_another_townships_report(township, state, tmp_path):
    xyj_assignment = township.sql(township.hub, "SELECT uuid FROM assignment WHERE unit_id = "
                                  "(SELECT id FROM unit WHERE code = 'XYJ')")[0][0]

    def change(records):  # noqa: ANN001, ANN202
        report = next(r for r in records if r["row"]["kind"] == "report")
        report["row"] = {**report["row"], "uuid": uuid.uuid4().hex, "assignment_id": xyj_assignment}

    refused(township, township.hub, _forge(township, tmp_path, change), state, "another unit's assignment")


def test_a_township_cannot_carry_a_hub_score(township, state, tmp_path):
    hub_uuid = township.sql(township.hub, "SELECT uuid FROM office WHERE is_self = 1")[0][0]
    unit_uuid = township.sql(township.hub, "SELECT uuid FROM unit WHERE code = 'TGZ'")[0][0]

    def change(records):  # noqa: ANN001, ANN202
        records.append({"t": "bonus", "dev": records[0]["dev"], "seq": 999, "row": {
            "uuid": uuid.uuid4().hex, "owner": hub_uuid, "rev": 1, "unit_id": unit_uuid, "kind": "commendation",
            "date": "2026-11-27", "text": "自封表扬", "person": "", "user_name": "admin",
            "created_at": "2026-11-27T00:00:00"}})

    refused(township, township.hub, _forge(township, tmp_path, change), state, "recorded by another office")


def test_a_township_cannot_close_its_own_item(township, state, tmp_path):
    def change(records):  # noqa: ANN001, ANN202
        close = dict(records[0])
        close["row"] = {**close["row"], "uuid": uuid.uuid4().hex, "kind": "close"}
        records.append(close)

    refused(township, township.hub, _forge(township, tmp_path, change), state, "only its own claims")


@pytest.mark.parametrize("name", ["../evil", "/etc/passwd", "C:\\Windows\\evil", "evidence/\x00abc",
                                  "evidence/../../x", "rows.jsonl\x00"])
def test_member_names_closeloop_never_writes_are_refused(township, state, tmp_path, name):
    parts = unseal(township.bundle, township.hub)
    parts["members"][name] = b"payload"
    relist(parts)
    bad = reseal(parts, tmp_path / "names.closeloop", township.hub, sender_db=township.unit)
    refused(township, township.hub, bad, state, "name Closeloop never writes")


def test_a_manifest_claiming_a_million_members_is_refused(township, state, tmp_path):
    parts = unseal(township.bundle, township.hub)
    fake = [{"name": f"evidence/{i:064x}", "size": 1, "sha256": f"{i:064x}"} for i in range(1_000_000)]
    parts["manifest"]["members"] = parts["manifest"]["members"] + fake
    body = canonical(parts["manifest"])
    bad = reseal(parts, tmp_path / "million.closeloop", township.hub, sender_db=township.unit, manifest_bytes=body)
    err = refused(township, township.hub, bad, state)
    assert "more than a bundle may hold" in err or "larger than any bundle" in err


@pytest.mark.parametrize("lie", [-1, 1 << 40, "big", 10])
def test_sizes_that_lie_are_refused(township, state, tmp_path, lie):
    parts = unseal(township.bundle, township.hub)
    entry = parts["manifest"]["members"][0]
    entry["size"] = lie if lie != 10 else entry["size"] + 10
    bad = reseal(parts, tmp_path / "sizes.closeloop", township.hub, sender_db=township.unit)
    refused(township, township.hub, bad, state)


def test_a_bundle_for_another_office_is_refused(township, state):
    other = township.join("XYJ")
    refused(township, other, township.bundle, state, "addressed to")


def test_an_unknown_format_version_is_refused(township, state, tmp_path):
    parts = unseal(township.bundle, township.hub)
    parts["manifest"]["version"] = 2
    bad = reseal(parts, tmp_path / "v2.closeloop", township.hub, sender_db=township.unit)
    refused(township, township.hub, bad, state, "newer version of Closeloop")
    raw = bytearray(township.bundle.read_bytes())
    header_end = 15 + 2 + int.from_bytes(raw[15:17], "big")
    text = raw[17:header_end].decode().replace('"version":1', '"version":2')
    newer = tmp_path / "header-v2.closeloop"
    newer.write_bytes(bytes(raw[:15]) + len(text).to_bytes(2, "big") + text.encode() + bytes(raw[header_end:]))
    refused(township, township.hub, newer, state, "newer")


def test_a_revoked_keys_bundle_is_refused(township, state):
    township.take(township.hub, township.bundle)
    township.cli.ok("report", "2026-1/TGZ", "--on", "2026-11-27", "--text", "二次反馈", db=township.unit)
    later = township.send(township.unit, "HUB")
    township.cli.ok("keys", "revoke", "TGZ", "--reason", "电脑丢失")
    refused(township, township.hub, later, state, "revoked", "电脑丢失")


def test_a_dry_run_reports_and_writes_nothing(township, state):
    before = state(township.hub)
    report = township.take(township.hub, township.bundle, "--dry-run")
    assert report["status"] == "verified" and report["applied"] == {"event": 2}
    assert state(township.hub) == before
    verify = township.cli.json("bundle", "verify", str(township.bundle))
    assert verify["status"] == "verified"
    assert state(township.hub) == before


def test_sync_status_shows_the_outbox_and_acknowledgements(township):
    township.take(township.hub, township.bundle)
    back = township.send(township.hub, "TGZ")
    township.take(township.unit, back)
    status = township.cli.json("sync", "status", db=township.unit)
    assert [o["acknowledged"] for o in status["outbox"]] == [True]  # the hub's bundle said it had it
    township.cli.ok("report", "2026-1/TGZ", "--on", "2026-11-27", "--text", "二次反馈", db=township.unit)
    township.take(township.hub, township.send(township.unit, "HUB"))
    status = township.cli.json("sync", "status", db=township.unit)
    assert [o["acknowledged"] for o in status["outbox"]] == [True, False]
    hub = township.cli.json("sync", "status")
    tgz = next(o for o in hub["offices"] if o["code"] == "TGZ")
    assert tgz["key_known"] and tgz["acknowledged_until"] is not None
    assert json.dumps(hub, ensure_ascii=False).count("TGZ") >= 2
