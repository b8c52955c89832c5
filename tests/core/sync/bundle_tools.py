"""Opening and re-sealing bundles the way an attacker holding one office's keys could.

`unseal(file, recipient_db)` decrypts a bundle with the recipient's secret and
returns its parts: manifest (dict), signature and members (name → bytes).
`reseal(parts, file_out, recipient_db, sender_db=None, manifest_bytes=None)` writes
them again encrypted to the recipient's key; with `sender_db` the manifest is
signed again with that office's key (a forger with a unit's computer), else the
old signature is kept (a forger without any key).
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

from core.sync import stream_crypto
from core.sync.bundle_file import canonical


def _secrets(db: Path) -> tuple[bytes, bytes]:
    conn = sqlite3.connect(db)
    try:
        sign, enc = conn.execute("SELECT sign_secret, enc_secret FROM sync_identity").fetchone()
    finally:
        conn.close()
    return bytes.fromhex(sign), bytes.fromhex(enc)


def unseal(file: Path, recipient_db: Path) -> dict:
    _sign, enc = _secrets(recipient_db)
    with open(file, "rb") as f:
        header = stream_crypto.read_header(f)
        reader = stream_crypto.open_decrypting(f, header, secret=enc)
        length = int.from_bytes(reader.read(4), "big")
        body = reader.read(length)
        signature = reader.read(64)
        manifest = json.loads(body)
        members = {m["name"]: reader.read(m["size"]) for m in manifest["members"]}
        reader.finish()
    return {"header": header, "manifest": manifest, "signature": signature, "members": members}


def relist(parts: dict) -> None:
    """Make the manifest's list of members match the members (names, sizes, hashes)."""
    parts["manifest"]["members"] = [{"name": n, "size": len(b), "sha256": hashlib.sha256(b).hexdigest()}
                                    for n, b in parts["members"].items()]


def reseal(parts: dict, out: Path, recipient_db: Path, *, sender_db: Path | None = None,
           manifest_bytes: bytes | None = None, members: list[tuple[str, bytes]] | None = None) -> Path:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

    _s, enc = _secrets(recipient_db)
    recipient_pub = X25519PrivateKey.from_private_bytes(enc).public_key().public_bytes_raw()
    body = manifest_bytes if manifest_bytes is not None else canonical(parts["manifest"])
    signature = parts["signature"]
    if sender_db is not None:
        signature = Ed25519PrivateKey.from_private_bytes(_secrets(sender_db)[0]).sign(body)
    fields = parts["header"].fields
    with open(out, "wb") as raw:
        with stream_crypto.open_encrypting(raw, recipient_pub=recipient_pub, to_office=fields["to_office"],
                                           to_code=fields["to_code"], key_id=fields["key_id"]) as w:
            w.write(len(body).to_bytes(4, "big") + body + signature)
            for _name, data in (members if members is not None else list(parts["members"].items())):
                w.write(data)
    return out


def rows(parts: dict) -> list[dict]:
    return [json.loads(line) for line in parts["members"]["rows.jsonl"].splitlines()]


def set_rows(parts: dict, records: list[dict]) -> None:
    parts["members"]["rows.jsonl"] = b"".join(canonical(r) + b"\n" for r in records)
    relist(parts)
