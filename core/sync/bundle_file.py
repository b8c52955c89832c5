"""The bundle file: a signed manifest and its members inside the encrypted stream (docs/sync.md, "The file").

Contract:
- `write_bundle(folder, name, members, manifest, sign, **to)` writes `NAME.partial`
  (never replacing a file), streams the members through `core.sync.stream_crypto`,
  fsyncs, links it to its name, fsyncs the folder, drops it from the page cache and
  reads it back, comparing the hash of what is on the stick with what was written.
  Only then does it return the final path, hash and size; on any failure nothing is
  left under the name (a `.partial` at most, which readers ignore).
- `check_manifest(manifest, cap_bytes)` refuses, in a sentence, every limit of the
  format: an unknown format or version, too many members, a name that is not one
  of the allowed ones or is repeated, a size that is negative or over its cap.
- `open_bundle(path, secret=… | code=…)` reads the header and the manifest and its
  signature (bounded) and returns an `OpenedBundle`; `read_members(opened, sink)`
  streams each member in the manifest's order to `sink(name)` (a writable binary
  file, or None to discard), checking its size and sha256, then checks the stream's
  end. Nothing from a member is trusted before `read_members` returns.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from core.errors import Refusal
from core.i18n import _
from core.sync import stream_crypto

FORMAT = "closeloop-bundle"
VERSION = 1
MANIFEST_LIMIT = 8 << 20
MEMBER_LIMIT = 200_000
ROWS_LIMIT = 256 << 20
DOC_LIMIT = 8 << 20
NAME = re.compile(r"\A(rows\.jsonl|offices\.json|offices\.sig|evidence/[0-9a-f]{64})\Z")
PIECE = 1 << 16


@dataclass(frozen=True)
class OpenedBundle:
    path: Path
    header: stream_crypto.Header
    manifest: dict
    manifest_bytes: bytes
    signature: bytes
    reader: stream_crypto.DecryptingReader
    handle: BinaryIO

    def close(self) -> None:
        self.handle.close()


def canonical(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def refused(path: Path, why: str) -> Refusal:
    """The one sentence of a bundle that cannot be imported: its name, why, and that nothing changed."""
    return Refusal(_("The bundle {name} cannot be imported: {why}. Nothing was changed.").format(
        name=path.name, why=why))


def check_manifest(manifest: object, cap_bytes: int, path: Path) -> None:
    """Refuse a manifest that breaks a limit of the format (see the module contract)."""
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise refused(path, _("it is not a Closeloop bundle"))
    if manifest.get("version") != VERSION:
        raise refused(path, _("it was made by a newer version of Closeloop (format {v}); update Closeloop here "
                               "first").format(v=manifest.get("version")))
    members = manifest.get("members")
    if not isinstance(members, list):
        raise refused(path, _("its list of contents is damaged"))
    if len(members) > MEMBER_LIMIT:
        raise refused(path, _("it claims {n} files, more than a bundle may hold ({limit})").format(
            n=len(members), limit=MEMBER_LIMIT))
    names: set[str] = set()
    for m in members:
        name = m.get("name") if isinstance(m, dict) else None
        size = m.get("size") if isinstance(m, dict) else None
        digest = m.get("sha256") if isinstance(m, dict) else None
        if not isinstance(name, str) or not NAME.match(name):
            raise refused(path, _("it holds a file with a name Closeloop never writes ({name})").format(
                name=repr(name)[:80]))
        if name in names:
            raise refused(path, _("it lists the file {name} twice").format(name=name))
        names.add(name)
        limit = ROWS_LIMIT if name == "rows.jsonl" else DOC_LIMIT if name.startswith("offices.") else cap_bytes
        if not isinstance(size, int) or isinstance(size, bool) or size < 0 or size > limit:
            raise refused(path, _("the size it gives for {name} is impossible or over the limit").format(name=name))
        if not isinstance(digest, str) or not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise refused(path, _("its list of contents is damaged"))
        if name.startswith("evidence/") and name[9:] != digest:
            raise refused(path, _("an evidence file's name does not match its content hash"))
    if "rows.jsonl" not in names:
        raise refused(path, _("it has no records"))


def _fsync_folder(folder: Path) -> None:
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def file_digest(path: Path) -> tuple[str, int]:
    """sha256 and size of a whole file, read from the disk (dropped from the page cache first)."""
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as f:
        if hasattr(os, "posix_fadvise"):
            os.posix_fadvise(f.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)
        while piece := f.read(1 << 20):
            digest.update(piece)
            size += len(piece)
    return digest.hexdigest(), size


class _Hashing:
    """A file that hashes what is written to it."""

    def __init__(self, f: BinaryIO) -> None:
        self.f, self.digest, self.size = f, hashlib.sha256(), 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.f.write(data)

    def flush(self) -> None:
        self.f.flush()


def free_name(folder: Path, name: str) -> Path:
    """`folder/name`, or `name` with ` (2)`, ` (3)` … before the suffix if it is taken."""
    path = folder / name
    stem, suffix = path.stem, path.suffix
    n = 2
    while path.exists() or path.with_name(path.name + ".partial").exists():
        path = folder / f"{stem} ({n}){suffix}"
        n += 1
    return path


def write_bundle(folder: Path, name: str, members: list[tuple[str, bytes | Path]], manifest: dict,
                 sign: Callable[[bytes], bytes], **to: object) -> tuple[Path, str, int]:
    """Write the bundle; see the module contract. `to` goes to `stream_crypto.open_encrypting`."""
    listed = []
    for member_name, source in members:
        if isinstance(source, bytes):
            listed.append({"name": member_name, "size": len(source), "sha256": hashlib.sha256(source).hexdigest()})
        else:
            listed.append({"name": member_name, "size": source.stat().st_size, "sha256": member_name[9:]})
    body = canonical({**manifest, "members": listed})
    signature = sign(body)
    path = free_name(folder, name)
    partial = path.with_name(path.name + ".partial")
    try:
        with open(partial, "xb") as raw:
            out = _Hashing(raw)
            with stream_crypto.open_encrypting(out, **to) as enc:
                enc.write(len(body).to_bytes(4, "big") + body + signature)
                for (member_name, source), entry in zip(members, listed, strict=True):
                    if isinstance(source, bytes):
                        enc.write(source)
                        continue
                    digest = hashlib.sha256()
                    with open(source, "rb") as src:
                        while piece := src.read(1 << 20):
                            digest.update(piece)
                            enc.write(piece)
                    if digest.hexdigest() != entry["sha256"]:
                        raise Refusal(_("The evidence file {name} in this office's store is damaged (its content "
                                        "does not match its hash); run 'check' and restore it from a backup.")
                                      .format(name=member_name[9:]))
            raw.flush()
            os.fsync(raw.fileno())
        os.link(partial, path)
        partial.unlink()
        _fsync_folder(folder)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise Refusal(_("The bundle could not be written to {folder} ({detail}); check that the stick is "
                        "plugged in, not full and not write-protected, then try again.").format(
                            folder=folder, detail=err.strerror or err)) from err
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    sha, size = file_digest(path)
    if (sha, size) != (out.digest.hexdigest(), out.size):
        path.unlink(missing_ok=True)
        raise Refusal(_("The bundle written to {folder} reads back differently from what was written; the "
                        "stick may be failing. Nothing is kept there; try another stick.").format(folder=folder))
    return path, sha, size


def open_bundle(path: Path, cap_bytes: int, *, secret: bytes | None = None, code: str | None = None) -> OpenedBundle:
    """Open the bundle and read its signed manifest; see the module contract."""
    try:
        handle = open(path, "rb")
    except OSError as err:
        raise Refusal(_("The bundle {path} cannot be read ({detail}).").format(
            path=path, detail=err.strerror or err)) from err
    try:
        header = stream_crypto.read_header(handle)
        reader = stream_crypto.open_decrypting(handle, header, secret=secret, code=code)
        length = int.from_bytes(reader.read(4), "big")
        if length > MANIFEST_LIMIT:
            raise refused(path, _("its list of contents is larger than any bundle's"))
        body = reader.read(length)
        signature = reader.read(64)
        try:
            manifest = json.loads(body)
        except ValueError as err:
            raise refused(path, _("its list of contents is damaged")) from err
        check_manifest(manifest, cap_bytes, path)
    except BaseException:
        handle.close()
        raise
    return OpenedBundle(path, header, manifest, body, signature, reader, handle)


def read_members(opened: OpenedBundle, sink: Callable[[str], BinaryIO | None]) -> None:
    """Stream every member to `sink(name)`, checking sizes and hashes, then the end (see the contract)."""
    for entry in opened.manifest["members"]:
        out = sink(entry["name"])
        digest, left = hashlib.sha256(), entry["size"]
        while left:
            piece = opened.reader.read(min(PIECE, left))
            digest.update(piece)
            if out is not None:
                out.write(piece)
            left -= len(piece)
        if digest.hexdigest() != entry["sha256"]:
            raise refused(opened.path, _("the file {name} inside it does not match its recorded hash").format(
                name=entry["name"]))
    opened.reader.finish()


def collect_members(opened: OpenedBundle, folder: Path) -> tuple[dict[str, bytes], dict[str, Path]]:
    """`read_members` into memory (rows, the directory) and `folder` (each evidence file under its hash)."""
    memory: dict[str, io.BytesIO] = {}
    staged: dict[str, Path] = {}
    handles: list[BinaryIO] = []

    def sink(name: str) -> BinaryIO:
        if name.startswith("evidence/"):
            staged[name[9:]] = folder / name[9:]
            handles.append(open(staged[name[9:]], "wb"))
            return handles[-1]
        memory[name] = io.BytesIO()
        return memory[name]

    try:
        read_members(opened, sink)
    finally:
        for h in handles:
            h.close()
    return {name: buf.getvalue() for name, buf in memory.items()}, staged
