"""This installation's identity (docs/sync.md, "Identities and keys"): keys, device id, binding, renewal."""
from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest

from core.db.connection import open_database
from core.sync import identity
from core.sync.identity import ensure_identity, fingerprint, key_id, sign, verify_signature

COPIED = "This database was copied from another computer or folder; it now writes as a new installation"


def run(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    """main.main on `db`, with what it printed (stderr may hold the renewal sentence on success)."""
    from main import main

    capsys.readouterr()
    code = main(["--db", str(db), *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err, err
    return int(code or 0), out, err


def sync_state(path: Path) -> tuple[str, str | None, str | None, list[tuple[str, str]]]:
    conn = sqlite3.connect(path)
    try:
        device, sign_secret, enc_secret = conn.execute(
            "SELECT device, sign_secret, enc_secret FROM sync_identity").fetchone()
        lineage = conn.execute("SELECT device, reason FROM sync_device ORDER BY started_at").fetchall()
    finally:
        conn.close()
    return device, sign_secret, enc_secret, lineage


def test_keys_are_generated_once_and_stay_across_reopening(hub_db):
    assert sync_state(hub_db)[1] is None  # on first need, not before
    db = open_database(hub_db)
    try:
        first = ensure_identity(db)
        assert len(first.sign_secret) == len(first.sign_pub) == len(first.enc_secret) == len(first.enc_pub) == 32
        assert ensure_identity(db) == first
        hub_uuid = db.execute("SELECT uuid FROM office WHERE is_self = 1").fetchone()[0]
        own = db.execute("SELECT office, key_id, sign_pub FROM office_key").fetchall()
        assert own == [(hub_uuid, first.key_id, first.sign_pub.hex())]  # the hub's own key is known too
    finally:
        db.conn.close()
    db = open_database(hub_db)
    try:
        assert ensure_identity(db) == first
        assert db.execute("SELECT COUNT(*) FROM office_key").fetchone()[0] == 1
    finally:
        db.conn.close()


def test_key_id_fingerprint_and_signatures(hub_db):
    db = open_database(hub_db)
    try:
        me = ensure_identity(db)
    finally:
        db.conn.close()
    assert re.fullmatch(r"[0-9a-f]{16}", me.key_id) and me.key_id == key_id(me.sign_pub)
    fp = fingerprint(me.sign_pub)
    assert re.fullmatch(r"[0-9A-F]{4}(-[0-9A-F]{4}){4}", fp)
    assert fp.replace("-", "").lower().startswith(me.key_id)
    assert fingerprint(bytes(32)) == "6668-7AAD-F862-BD77-6C8F"  # sha256 of 32 zero bytes
    sig = sign(me, b"manifest")
    assert len(sig) == 64 and verify_signature(me.sign_pub, b"manifest", sig)
    assert not verify_signature(me.sign_pub, b"manifesT", sig)
    assert not verify_signature(me.sign_pub, b"manifest", sig[:-1] + bytes([sig[-1] ^ 1]))
    assert not verify_signature(b"short", b"manifest", sig)


def test_the_binding_is_the_machine_and_the_absolute_path(tmp_path, monkeypatch):
    a = identity.machine_binding(tmp_path / "a.db")
    assert re.fullmatch(r"[0-9a-f]{64}", a)
    monkeypatch.chdir(tmp_path)
    assert identity.machine_binding("a.db") == a  # the resolved absolute path
    assert identity.machine_binding(tmp_path / "b.db") != a
    monkeypatch.setattr(identity, "_machine_id", lambda: "another-machine")
    assert identity.machine_binding(tmp_path / "a.db") != a


def test_a_copied_database_writes_as_a_new_installation(hub_db, tmp_path, capsys):
    code, out, err = run(capsys, hub_db, "keys", "show", "--json")
    assert code == 0 and err == ""
    original = sync_state(hub_db)
    assert not Path(f"{hub_db}-wal").exists()  # closed: the file is the whole database
    elsewhere = tmp_path / "usb" / "hub.db"
    elsewhere.parent.mkdir()
    shutil.copy2(hub_db, elsewhere)

    code, out, err = run(capsys, elsewhere, "unit", "add", "--code", "DXZ", "--name", "东乡镇", "--kind", "township")
    copied = sync_state(elsewhere)
    assert code == 0, err
    assert err == f"{COPIED} (device {copied[0]}) so the county office can tell its records apart.\n"
    assert copied[0] != original[0] and re.fullmatch(r"[0-9a-f]{32}", copied[0])
    assert copied[1:3] == original[1:3]  # the keys stay with the database
    assert copied[3] == [(original[0], "created"), (copied[0], "copied")]  # the lineage is kept
    conn = sqlite3.connect(elsewhere)
    try:
        audit = conn.execute("SELECT action, ref FROM audit WHERE action = 'device'").fetchall()
        changed = conn.execute("SELECT c.device FROM change_log c WHERE c.tbl = 'unit' ORDER BY seq DESC "
                               "LIMIT 1").fetchone()[0]
    finally:
        conn.close()
    assert audit == [("device", copied[0])]
    assert changed == copied[0]  # the unit added after the renewal is written by the new device

    code, out, err = run(capsys, elsewhere, "unit", "list")  # said once: the copy is bound now
    assert code == 0 and err == ""
    assert sync_state(elsewhere)[0] == copied[0]
    code, out, err = run(capsys, hub_db, "unit", "list")  # the original keeps its device id
    assert code == 0 and err == ""
    assert sync_state(hub_db) == original


def test_a_refused_command_on_a_copy_still_renews_before_anything_else(hub_db, tmp_path, capsys):
    elsewhere = tmp_path / "other" / "hub.db"
    elsewhere.parent.mkdir()
    shutil.copy2(hub_db, elsewhere)
    code, out, err = run(capsys, elsewhere, "unit", "add", "--code", "TGZ", "--name", "太公镇", "--kind", "township")
    assert code == 1
    assert err.startswith(COPIED) and err.count("\n") == 2  # the renewal, then the refusal
    assert sync_state(elsewhere)[0] != sync_state(hub_db)[0]


def test_a_new_or_just_migrated_database_is_bound_silently(hub_db, capsys):
    conn = sqlite3.connect(hub_db)
    conn.execute("UPDATE sync_identity SET binding = ''")
    conn.commit()
    conn.close()
    before = sync_state(hub_db)
    code, out, err = run(capsys, hub_db, "unit", "list")
    assert code == 0 and err == ""
    assert sync_state(hub_db) == before
    conn = sqlite3.connect(hub_db)
    assert conn.execute("SELECT binding FROM sync_identity").fetchone()[0] == identity.machine_binding(hub_db)
    conn.close()


def test_init_binds_the_new_database_where_it_is(tmp_path, capsys):
    path = tmp_path / "new" / "office.db"
    code, out, err = run(capsys, path, "init", "--role", "hub", "--office", "示例县委督查室", "--code", "HUB",
                         "--admin", "admin")
    assert code == 0, err
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT binding FROM sync_identity").fetchone()[0] == identity.machine_binding(path)
    conn.close()
    code, out, err = run(capsys, path, "unit", "list")
    assert code == 0 and err == ""


def test_a_restored_database_has_a_new_device_id(cli, hub_db, tmp_path):
    before = sync_state(hub_db)
    saved = tmp_path / "saved.clbak"
    cli.ok("backup", "--out", str(saved))
    r = cli.ok("restore", str(saved))
    after = sync_state(hub_db)
    assert after[0] != before[0]
    assert after[3][-1] == (after[0], "restored") and after[3][:-1] == before[3]
    assert (f"The restored database writes as a new installation (device {after[0]}), so the county office "
            "can tell its records from those written before the backup.") in r.out
    conn = sqlite3.connect(hub_db)
    try:
        assert conn.execute("SELECT binding FROM sync_identity").fetchone()[0] == identity.machine_binding(hub_db)
        assert conn.execute("SELECT ref FROM audit WHERE action = 'device'").fetchall() == [(after[0],)]
    finally:
        conn.close()
    assert cli.ok("unit", "list").err == ""  # bound to where it was restored: no second renewal
