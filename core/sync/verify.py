"""Verifying a bundle before anything is written (docs/sync.md, "Import", step 1).

Contract: `verify_bundle(session, path)` reads the whole file once and returns a
`Verified` — the manifest, the sending office, the key that signed it (and, for a
unit's first bundle, the keys it introduces), the records, the signed directory
of offices and the evidence files, staged in `<db>.sync/incoming/` under their
verified hashes — or raises `Refusal` with a clerk's sentence. It checks, in this
order: the file's name (a `*.partial` is an export cut short, refused even when it
happens to be whole), the clear header (format, version, addressed to this office and to its
current key), decryption, the manifest's limits and names, the sender (a known
office), the signature (a known, unrevoked key of the sender; or, at the hub, keys
carried with a valid proof of the sender's enrollment code), every member's size
and hash and the end of the stream, then the records' shape. It writes nothing to
the database; `discard()` removes the staged files.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import Refusal
from core.i18n import _
from core.office import Session, attachment_cap_bytes
from core.processes import pid_alive
from core.sync import identity as ident
from core.sync import office_keys
from core.sync.bundle_file import collect_members, open_bundle, refused
from core.sync.enroll_code import proof_matches
from core.sync.rows import ALL_TABLES
from core.sync.selection import Peer, peer_rows


@dataclass
class Verified:
    path: Path
    manifest: dict
    sender: Peer
    records: list[dict]
    staged: dict[str, Path] = field(default_factory=dict)
    directory: tuple[bytes, bytes] | None = None
    new_key: dict | None = None
    staging: Path | None = None

    def discard(self) -> None:
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)


def sync_dir(db_path: Path) -> Path:
    """`<db folder>/<db name>.sync`: held and forked bundles, staged evidence."""
    return Path(db_path).parent / f"{Path(db_path).name}.sync"


STALE_SECONDS = 24 * 3600


def clear_dead_staging(staging: Path) -> None:
    """Remove the staging folders of imports killed before they finished: a dead process's, or a day old."""
    now = time.time()
    for folder in staging.glob("bundle-*"):
        parts = folder.name.split("-")
        pid = int(parts[1]) if len(parts) > 2 and parts[1].isdigit() else None
        try:
            old = now - folder.stat().st_mtime > STALE_SECONDS
        except OSError:
            continue
        if old or (pid is not None and pid_alive(pid) is False):  # on Windows age alone decides
            shutil.rmtree(folder, ignore_errors=True)




def _sender(session: Session, path: Path, manifest: dict) -> Peer:
    src, to = manifest.get("from"), manifest.get("to")
    if not isinstance(src, dict) or not isinstance(to, dict):
        raise refused(path, _("its list of contents is damaged"))
    if to.get("office") != session.office.uuid:
        raise refused(path, _("it is addressed to {office}, not to this office ({own})").format(
            office=to.get("name") or to.get("code"), own=session.office.name))
    for peer in peer_rows(session.db.conn):
        if peer.uuid == src.get("office"):
            if peer.role == session.office.role:
                break
            return peer
    raise refused(path, _("it comes from an office this one does not know ({office}); only the county office and "
                           "its enrolled units exchange bundles").format(office=src.get("name") or src.get("code")))


def _check_signature(session: Session, path: Path, opened, sender: Peer) -> dict | None:  # noqa: ANN001
    """The key introduction the bundle carries, if it is one; raises when the signature does not hold."""
    key_id = opened.manifest["from"].get("key_id")
    known = office_keys.find_key(session.db, str(key_id))
    if known is not None and known.office == sender.uuid:
        if known.revoked:
            raise refused(path, _("it is signed by a key of {office} that was revoked on {date} ({reason}); "
                                   "{office} must be enrolled again").format(
                                       office=sender.name, date=str(known.revoked_at)[:10],
                                       reason=known.revoked_reason))
        if not ident.verify_signature(known.sign_pub, opened.manifest_bytes, opened.signature):
            raise refused(path, _("its signature does not match: it was altered or forged"))
        return None
    keys = opened.manifest.get("keys")
    if not session.is_hub or not isinstance(keys, dict):
        raise refused(path, _("it is signed by a key this office does not know; it may be forged, or from a "
                               "computer that was not enrolled"))
    try:
        sign_pub, enc_pub = bytes.fromhex(keys["sign"]), bytes.fromhex(keys["enc"])
    except (KeyError, TypeError, ValueError) as err:
        raise refused(path, _("its list of contents is damaged")) from err
    if ident.key_id(sign_pub) != key_id or not ident.verify_signature(sign_pub, opened.manifest_bytes,
                                                                       opened.signature):
        raise refused(path, _("its signature does not match: it was altered or forged"))
    enrollment = session.db.execute(
        "SELECT id, proof_key, used_key FROM enrollment WHERE office = ? AND superseded = 0 ORDER BY id DESC LIMIT 1",
        [sender.uuid]).fetchone()
    if enrollment is None or not proof_matches(enrollment[1], sign_pub, enc_pub, sender.uuid,
                                               str(keys.get("proof", ""))):
        raise refused(path, _("it is signed by a key this office does not know, and it does not prove that it "
                               "was made with {office}'s current enrollment code; enroll {office} again").format(
                                   office=sender.name))
    if enrollment[2] and enrollment[2] != key_id:
        raise refused(path, _("{office}'s enrollment code was already used by another computer; enroll {office} "
                               "again for this one").format(office=sender.name))
    return {"enrollment": enrollment[0], "sign": sign_pub, "enc": enc_pub, "key_id": key_id,
            "device": str(keys.get("device", ""))}


_DECODE = json.JSONDecoder().decode  # the decoder json.loads uses when given no options


def _loads(line: bytes) -> object:
    """json.loads(line), without its guess at the encoding when the line can only be UTF-8.

    json.loads takes a line for UTF-16 or UTF-32 when one of its first four bytes is NUL or it starts with a
    byte-order mark (EF, FE, FF); such a line still goes through json.loads itself.
    """
    if line[:1] in (b"\xef", b"\xfe", b"\xff") or b"\x00" in line[:4]:
        return json.loads(line)
    return _DECODE(line.decode("utf-8", "surrogatepass"))


def parse_records(path: Path, data: bytes) -> list[dict]:
    out = []
    for line in data.splitlines():
        try:
            rec = _loads(line)
        except ValueError as err:
            raise refused(path, _("its records are damaged")) from err
        ok = (isinstance(rec, dict) and rec.get("t") in ALL_TABLES and isinstance(rec.get("row"), dict)
              and isinstance(rec.get("dev"), str) and isinstance(rec.get("seq"), int))
        if not ok:
            raise refused(path, _("its records are damaged"))
        out.append(rec)
    return out


def verify_bundle(session: Session, path: str | Path) -> Verified:
    """Verify the bundle at `path`, writing nothing to the database (see the module contract)."""
    path = Path(path)
    from core.sync import stream_crypto

    if path.name.endswith(".partial"):  # a write cut short by a crash, even if it happens to be whole
        raise Refusal(_("The file {name} is an unfinished bundle left by an interrupted export and cannot be "
                        "imported; delete it and import the .closeloop file beside it, or make the bundle "
                        "again. Nothing was changed.").format(name=path.name))
    try:
        with open(path, "rb") as f:
            header = stream_crypto.read_header(f)
    except stream_crypto.StreamError as err:
        raise Refusal(_("{reason} Nothing was changed.").format(reason=str(err))) from err
    except OSError as err:
        raise Refusal(_("The bundle {path} cannot be read ({detail}).").format(
            path=path, detail=err.strerror or err)) from err
    if header.fields.get("to_office") != session.office.uuid:
        raise refused(path, _("it is addressed to {office}, not to this office ({own})").format(
            office=header.fields.get("to_code"), own=session.office.name))
    idy = ident.current_identity(session.db)
    if idy is None or header.fields.get("key_id") != idy.key_id:
        raise refused(path, _("it was made for another key of this office (an earlier enrollment or computer); "
                               "ask the sender for a new bundle"))
    try:
        opened = open_bundle(path, attachment_cap_bytes(session.db), secret=idy.enc_secret)
    except stream_crypto.StreamError as err:
        if err.kind != "wrong_key":
            raise Refusal(_("{reason} Nothing was changed.").format(reason=str(err))) from err
        # addressed to this office's current key, so not a wrong key: the file is damaged or cut short
        raise refused(path, _("it is damaged or was cut short on the way (it is addressed to this office's key "
                               "but does not open with it); copy it again from the stick")) from err
    staging = sync_dir(session.path) / "incoming"
    try:
        sender = _sender(session, path, opened.manifest)
        new_key = _check_signature(session, path, opened, sender)
        staging.mkdir(parents=True, exist_ok=True)
        clear_dead_staging(staging)
        box = Path(tempfile.mkdtemp(dir=staging, prefix=f"bundle-{os.getpid()}-"))
        try:
            memory, staged = collect_members(opened, box)
        except stream_crypto.StreamError as err:
            raise Refusal(_("{reason} Nothing was changed.").format(reason=str(err))) from err
    except BaseException:
        opened.close()
        if "box" in locals():
            shutil.rmtree(box, ignore_errors=True)
        raise
    opened.close()
    verified = Verified(path, opened.manifest, sender, [], staged, None, new_key, box)
    try:
        verified.records = parse_records(path, memory["rows.jsonl"])
        if "offices.json" in memory:
            verified.directory = (memory["offices.json"], memory.get("offices.sig", b""))
    except BaseException:
        verified.discard()
        raise
    return verified
