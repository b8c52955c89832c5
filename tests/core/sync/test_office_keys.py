"""Known keys, their revocation and the hub's signed directory of offices (docs/sync.md)."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from core.db.connection import open_database, write_transaction
from core.errors import Refusal
from core.sync.identity import ensure_identity, fingerprint, sign
from core.sync.office_keys import (
    add_key,
    apply_directory,
    directory_document,
    find_key,
    keys_of,
    revoke_all_of,
)


def unit_key(seed: int) -> tuple[bytes, bytes]:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    sign_pub = Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32).public_key().public_bytes_raw()
    enc_pub = X25519PrivateKey.from_private_bytes(bytes([seed + 1]) * 32).public_key().public_bytes_raw()
    return sign_pub, enc_pub


def enroll_tgz(path: Path) -> tuple[str, str]:
    """The office row of the unit TGZ at the hub and one key of it (what enrollment will write)."""
    db = open_database(path)
    try:
        with write_transaction(db):
            unit_id = db.execute("SELECT id FROM unit WHERE code = 'TGZ'").fetchone()[0]
            hub = db.execute("SELECT uuid FROM office WHERE is_self = 1").fetchone()[0]
            db.execute("INSERT INTO office (uuid, owner, rev, code, name, role, unit_id, is_self, created_at) "
                       "VALUES ('a' || hex(randomblob(15)), ?, 1, 'TGZ', '太公镇', 'unit', ?, 0, '2026-11-20')",
                       [hub, unit_id])
            office = db.execute("SELECT uuid FROM office WHERE code = 'TGZ'").fetchone()[0]
            sign_pub, enc_pub = unit_key(7)
            kid = add_key(db, office, sign_pub, enc_pub, "d" * 32, "2026-11-20T08:00:00+00:00")
    finally:
        db.conn.close()
    return office, kid


def test_keys_show_lists_this_installation_and_the_known_keys(cli, hub_db):
    office, kid = enroll_tgz(hub_db)
    shown = cli.json("keys", "show")
    db = open_database(hub_db)
    try:
        me = ensure_identity(db)
    finally:
        db.conn.close()
    assert shown == {"office": "HUB", "device": me.device, "key_id": me.key_id, "fingerprint": fingerprint(me.sign_pub),
                     "keys": [{"office": "TGZ", "key_id": kid, "fingerprint": fingerprint(unit_key(7)[0]),
                               "device": "d" * 32, "valid_from": "2026-11-20T08:00:00+00:00",
                               "revoked_at": None, "revoked_reason": ""}]}
    out = cli.ok("keys", "show").out.splitlines()
    assert out[0] == f"Office HUB, device {me.device}"
    assert out[1] == f"Key id {me.key_id}, fingerprint {fingerprint(me.sign_pub)}"
    assert out[2].split() == ["Office", "Key", "id", "Fingerprint", "Device", "Valid", "from", "Revoked"]
    assert out[4].split() == ["TGZ", kid, fingerprint(unit_key(7)[0]), "d" * 32, "2026-11-20"]


def test_keys_show_with_no_other_office(cli):
    out = cli.ok("keys", "show").out.splitlines()
    assert out[2] == "No keys of other offices are known yet."


def test_keys_revoke_refusals_change_nothing(cli, hub_db, state):
    enroll_tgz(hub_db)
    cli.ok("keys", "show")  # the hub's own key exists
    before = state(hub_db)
    for args, code, sentence in [
        (("keys", "revoke", "NOPE", "--reason", "lost"), 1,
         "Error: There is no office with the code NOPE; 'keys show' lists the offices and their keys.\n"),
        (("keys", "revoke", "TGZ", "--reason", "  "), 2,
         "Error: Say why the keys are revoked, e.g. --reason \"the USB stick was lost\".\n"),
        (("keys", "revoke", "HUB", "--reason", "lost"), 1,
         "Error: The keys of this office itself cannot be revoked; revoke the key of another office.\n"),
    ]:
        r = cli(*args)
        assert (r.code, r.err) == (code, sentence)
    r = cli("keys", "revoke", "TGZ", "--reason", "lost", user="viewer")
    assert r.code == 1 and "may only read" in r.err
    assert state(hub_db) == before


def test_keys_revoke_at_the_hub(cli, hub_db):
    office, kid = enroll_tgz(hub_db)
    r = cli.ok("keys", "revoke", "TGZ", "--reason", "U盘丢失", user="clerk")
    assert r.out == "Revoked 1 key of the office TGZ: bundles signed with it are refused from now on.\n"
    key = cli.json("keys", "show")["keys"][0]
    assert key["key_id"] == kid and key["revoked_at"] and key["revoked_reason"] == "U盘丢失"
    conn = sqlite3.connect(hub_db)
    try:
        action, ref, user, details = conn.execute(
            "SELECT action, ref, user_name, details FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    finally:
        conn.close()
    assert (action, ref, user) == ("key_revoke", "TGZ", "clerk")
    assert json.loads(details) == {"keys": [kid], "reason": "U盘丢失"}
    r = cli("keys", "revoke", "TGZ", "--reason", "again")
    assert (r.code, r.err) == (1, "Error: The office TGZ has no valid key to revoke; nothing was changed.\n")
    assert "U盘丢失" in cli.ok("keys", "show").out


def test_only_the_hub_revokes(cli, hub_db, copy_db, tmp_path):
    unit = copy_db(hub_db, tmp_path / "unit.db", "UPDATE office SET role = 'unit' WHERE is_self = 1")
    r = cli("keys", "revoke", "TGZ", "--reason", "lost", db=unit)
    assert (r.code, r.err) == (1, "Error: Only the county supervision office (hub) may do this.\n")


def signed_directory(path: Path) -> tuple[bytes, bytes, bytes]:
    db = open_database(path)
    try:
        hub = ensure_identity(db)
        data = directory_document(db)
    finally:
        db.conn.close()
    return data, sign(hub, data), hub.sign_pub


def test_the_directory_is_canonical_and_applies_at_a_unit(hub_db, copy_db, tmp_path):
    office, kid = enroll_tgz(hub_db)
    data, sig, hub_pub = signed_directory(hub_db)
    document = json.loads(data)
    assert data == json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    by_code = {o["code"]: o for o in document["offices"]}
    assert set(by_code) == {"HUB", "TGZ"}
    assert by_code["TGZ"]["role"] == "unit" and by_code["TGZ"]["unit"] and by_code["HUB"]["unit"] is None
    assert by_code["TGZ"]["keys"][0]["key_id"] == kid
    assert set(by_code["TGZ"]["keys"][0]) == {"key_id", "sign", "enc", "device", "valid_from", "revoked_at",
                                              "revoked_reason"}

    unit = copy_db(hub_db, tmp_path / "unit.db", "DELETE FROM office_key")  # a unit knowing no keys yet
    db = open_database(unit)
    try:
        apply_directory(db, data, sig, hub_pub)
        assert find_key(db, kid) is not None and len(keys_of(db, office)) == 1
        hub_uuid = by_code["HUB"]["uuid"]
        assert [k.sign_pub for k in keys_of(db, hub_uuid)] == [hub_pub]
        apply_directory(db, data, sig, hub_pub)  # again: nothing new
        assert db.execute("SELECT COUNT(*) FROM office_key").fetchone()[0] == 2
    finally:
        db.conn.close()

    db = open_database(hub_db)
    try:
        assert revoke_all_of(db, office, "re-enrolled") == 1
        data2 = directory_document(db)
        sig2 = sign(ensure_identity(db), data2)
    finally:
        db.conn.close()
    db = open_database(unit)
    try:
        apply_directory(db, data2, sig2, hub_pub)
        key = find_key(db, kid)
        assert key is not None and key.revoked and key.revoked_reason == "re-enrolled"
        assert keys_of(db, office) == [] and len(keys_of(db, office, include_revoked=True)) == 1
    finally:
        db.conn.close()


def test_a_flipped_byte_in_the_directory_is_refused(hub_db, copy_db, tmp_path, state):
    enroll_tgz(hub_db)
    data, sig, hub_pub = signed_directory(hub_db)
    unit = copy_db(hub_db, tmp_path / "unit.db", "DELETE FROM office_key")
    before = state(unit)
    flipped = bytearray(data)
    flipped[len(flipped) // 2] ^= 0x01
    bad_sig = sig[:10] + bytes([sig[10] ^ 0x80]) + sig[11:]
    db = open_database(unit)
    try:
        for d, s in ((bytes(flipped), sig), (data, bad_sig), (data, sig[:-1])):
            with pytest.raises(Refusal, match="is not signed by the county office's key; nothing was changed"):
                apply_directory(db, d, s, hub_pub)
    finally:
        db.conn.close()
    assert state(unit) == before
