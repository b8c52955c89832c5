"""Authenticated streaming encryption of a sync bundle file (docs/sync.md, "The file", points 1-2).

A file is a clear header, then the encrypted stream, built like age's STREAM:

- header = `MAGIC` + a 2-byte big-endian length + UTF-8 JSON {"version": 1, "mode": ..., fields},
  at most `MAX_HEADER` bytes in all. Mode "x25519": fields to_office, to_code, key_id and `eph`, the
  hex of a fresh ephemeral X25519 public key; the key is HKDF-SHA256 of the shared secret with salt
  eph_pub + recipient_pub and info b"closeloop bundle v1". Mode "code" (an enrollment file): fields
  to_office, to_code, `salt` (hex of 16 random bytes) and scrypt's n, r, p; the key is scrypt of the
  enrollment code as `normalise_code` gives it.
- then chunks of ChaCha20-Poly1305: nonce = 11-byte big-endian chunk counter + 1 byte last-chunk
  flag, associated data = sha256(header bytes). Every chunk but the last holds exactly `CHUNK`
  plaintext bytes; the last holds 0..CHUNK and carries the flag, so a file cut short, reordered or
  extended never decrypts; the header is bound to every chunk.

Memory stays flat whatever the size: one chunk at a time each way. The reader never returns
plaintext from a chunk before its tag is verified.

What a failure is reported as (`StreamError.kind`): "format" (not a bundle), "version" (newer
format), "header" (damaged or hostile header), "wrong_key" (the first chunk does not open: another
key or code, or a damaged first chunk — the two cannot be told apart), "truncated" (no chunk at all,
a file cut at a chunk boundary — proven by the chunk opening as a non-final one — or a short last
chunk that does not open: a file cut inside a chunk, or damaged at its very end, which cannot be told
apart either), "tampered" (a full-size later chunk that does not open, or data after the last one).
"""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from core.errors import Refusal
from core.i18n import _

MAGIC = b"CLOSELOOP-SYNC\n"
FORMAT_VERSION = 1
CHUNK = 65536  # plaintext bytes per chunk
TAG = 16
MAX_HEADER = 4096  # the whole header, magic and length included
HKDF_INFO = b"closeloop bundle v1"
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
SALT_BYTES = 16
# bounds on a file's scrypt parameters, so a hostile header cannot make us allocate gigabytes:
# each bound, and scrypt's memory (128·n·r bytes) at most 256 MiB
MAX_N, MAX_R, MAX_P, MAX_SCRYPT_MEMORY = 2**20, 16, 4, 2**28
_FIELDS = {"x25519": ("to_office", "to_code", "key_id", "eph"),
           "code": ("to_office", "to_code", "salt", "n", "r", "p")}


class StreamError(Refusal):
    """The file cannot be read; `str()` is a clerk's sentence, `kind` one of
    "format", "version", "header", "truncated", "tampered", "wrong_key"."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def _truncated() -> StreamError:
    return StreamError("truncated", _(
        "The file ends before its last part: it was cut short (or damaged at its end), most likely "
        "while being copied; copy it again from the stick."))


def _tampered() -> StreamError:
    return StreamError("tampered", _(
        "The file was changed or damaged after it was made, so nothing in it can be used; copy it "
        "again from the stick, or ask the sender for a new one."))


def _bad_header() -> StreamError:
    return StreamError("header", _(
        "The opening part of the file is damaged or not of the expected form, so it cannot be read; "
        "copy it again from the stick, or ask the sender for a new one."))


@dataclass(frozen=True)
class Header:
    """The clear header: `fields` as in the file (no version or mode), `raw` its exact bytes."""

    version: int
    mode: str  # "x25519" or "code"
    fields: dict
    raw: bytes  # magic included: its sha256 is every chunk's associated data


def generate_x25519() -> tuple[bytes, bytes]:
    """A new X25519 key pair: (secret, public), 32 raw bytes each."""
    secret = X25519PrivateKey.generate()
    return secret.private_bytes_raw(), secret.public_key().public_bytes_raw()


def normalise_code(code: str) -> str:
    """An enrollment code as it is keyed: stripped, upper-case, without spaces or dashes."""
    return "".join(code.strip().upper().split()).replace("-", "")


def _hkdf(shared: bytes, eph_pub: bytes, recipient_pub: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=eph_pub + recipient_pub,
                info=HKDF_INFO).derive(shared)


def _scrypt(code: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(normalise_code(code).encode("utf-8"))


def _nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def _encode_header(mode: str, fields: dict) -> bytes:
    body = json.dumps({"version": FORMAT_VERSION, "mode": mode, **fields}, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")
    raw = MAGIC + len(body).to_bytes(2, "big") + body
    if len(raw) > MAX_HEADER:
        raise ValueError(f"header of {len(raw)} bytes is over {MAX_HEADER}")
    return raw


def open_encrypting(out: BinaryIO, *, recipient_pub: bytes | None = None, code: str | None = None,
                    to_office: str, to_code: str, key_id: str = "") -> EncryptingWriter:
    """Write the header to `out` at once and return the writer of the encrypted stream.

    Exactly one of `recipient_pub` (32 raw bytes: x25519 mode, a fresh ephemeral key per file) or
    `code` (the enrollment code: code mode) is given, else ValueError. `out` stays the caller's.
    """
    if (recipient_pub is None) == (code is None):
        raise ValueError("give exactly one of recipient_pub or code")
    if recipient_pub is not None:
        recipient = X25519PublicKey.from_public_bytes(recipient_pub)
        eph = X25519PrivateKey.generate()
        eph_pub = eph.public_key().public_bytes_raw()
        key = _hkdf(eph.exchange(recipient), eph_pub, recipient_pub)
        raw = _encode_header("x25519", {"to_office": to_office, "to_code": to_code, "key_id": key_id,
                                        "eph": eph_pub.hex()})
    else:
        assert code is not None
        if not normalise_code(code):
            raise ValueError("the enrollment code is empty")
        salt = os.urandom(SALT_BYTES)
        key = _scrypt(code, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
        raw = _encode_header("code", {"to_office": to_office, "to_code": to_code, "salt": salt.hex(),
                                      "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P})
    out.write(raw)
    return EncryptingWriter(out, key, hashlib.sha256(raw).digest())


class EncryptingWriter:
    """Buffers plaintext and writes full chunks as soon as more data follows them.

    `close()` writes the last chunk (flag set; empty only for an empty stream) and flushes `out`
    (it does not close it). Leaving a `with` block by an exception writes no last chunk, so a failed
    export never looks complete. Writing after close is a ValueError.
    """

    def __init__(self, out: BinaryIO, key: bytes, associated: bytes) -> None:
        self._out = out
        self._aead = ChaCha20Poly1305(key)
        self._ad = associated
        self._buf = bytearray()
        self._counter = 0
        self._closed = False

    def _emit(self, last: bool) -> None:
        self._out.write(self._aead.encrypt(_nonce(self._counter, last), bytes(self._buf), self._ad))
        self._buf.clear()
        self._counter += 1

    def write(self, data: bytes) -> int:
        """Add `data` to the stream; returns its length."""
        if self._closed:
            raise ValueError("write to a closed EncryptingWriter")
        view = memoryview(data).cast("B")
        pos, size = 0, len(view)
        while size - pos > CHUNK - len(self._buf):  # more than fits: this chunk is not the last
            room = CHUNK - len(self._buf)
            self._buf += view[pos:pos + room]
            pos += room
            self._emit(last=False)
        self._buf += view[pos:]
        return size

    def close(self) -> None:
        """Write the last chunk and flush; a second call does nothing."""
        if self._closed:
            return
        self._emit(last=True)
        self._closed = True
        if hasattr(self._out, "flush"):
            self._out.flush()

    def abort(self) -> None:
        """End without the last chunk: what is written can never decrypt as a whole file."""
        self._closed = True
        self._buf.clear()

    def __enter__(self) -> EncryptingWriter:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def _read_up_to(inp: BinaryIO, n: int) -> bytes:
    """Up to `n` bytes, fewer only at the end of `inp` (a raw stream may return short reads)."""
    parts: list[bytes] = []
    while n > 0:
        part = inp.read(n)
        if not part:
            break
        parts.append(part)
        n -= len(part)
    return b"".join(parts)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate key")
    return result


def _check_fields(mode: object, fields: dict) -> None:
    """StreamError("header") unless `fields` are exactly the mode's, of the right forms and bounds."""
    if mode not in _FIELDS or set(fields) != set(_FIELDS[mode]):
        raise _bad_header()
    if not all(isinstance(fields[k], str) and len(fields[k]) <= 200 for k in ("to_office", "to_code")):
        raise _bad_header()
    try:
        if mode == "x25519":
            ok = isinstance(fields["key_id"], str) and len(bytes.fromhex(fields["eph"])) == 32
        else:
            n, r, p = fields["n"], fields["r"], fields["p"]
            ok = (len(bytes.fromhex(fields["salt"])) == SALT_BYTES
                  and all(_is_int(v) for v in (n, r, p))
                  and 2 <= n <= MAX_N and n & (n - 1) == 0 and 1 <= r <= MAX_R and 1 <= p <= MAX_P
                  and 128 * n * r <= MAX_SCRYPT_MEMORY)
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise _bad_header()


def read_header(inp: BinaryIO) -> Header:
    """Read only the header from `inp`; StreamError "format" (not a bundle), "version" (made by a
    newer Closeloop), "header" (over MAX_HEADER or malformed) or "truncated" (cut inside it)."""
    magic = _read_up_to(inp, len(MAGIC))
    if magic != MAGIC:
        raise StreamError("format", _(
            "This file is not a Closeloop sync bundle (it does not begin like one); choose a file "
            "ending in .closeloop that Closeloop made."))
    length_bytes = _read_up_to(inp, 2)
    if len(length_bytes) < 2:
        raise _truncated()
    length = int.from_bytes(length_bytes, "big")
    if len(MAGIC) + 2 + length > MAX_HEADER:
        raise _bad_header()
    body = _read_up_to(inp, length)
    if len(body) < length:
        raise _truncated()
    try:
        data = json.loads(body.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _bad_header() from None
    if not isinstance(data, dict) or not _is_int(data.get("version")):
        raise _bad_header()
    if data["version"] < FORMAT_VERSION:
        raise _bad_header()
    if data["version"] > FORMAT_VERSION:
        raise StreamError("version", _(
            "This file was made by a newer version of Closeloop (bundle format {version}); update "
            "Closeloop on this computer, then import the file again.").format(version=data["version"]))
    mode = data.pop("mode", None)
    del data["version"]
    _check_fields(mode, data)
    return Header(version=FORMAT_VERSION, mode=str(mode), fields=data, raw=MAGIC + length_bytes + body)


def open_decrypting(inp: BinaryIO, header: Header, *, secret: bytes | None = None,
                    code: str | None = None) -> DecryptingReader:
    """The reader of the stream that follows `header` in `inp` (read by `read_header`).

    The credential of the header's mode is needed: `secret` (32 raw bytes) for "x25519", `code` for
    "code" (ValueError otherwise). The first chunk is opened at once, so a wrong key or code is
    StreamError("wrong_key") here.
    """
    if header.mode == "x25519":
        if secret is None:
            raise ValueError("an x25519 file needs the recipient's secret")
        own = X25519PrivateKey.from_private_bytes(secret)
        try:
            eph = X25519PublicKey.from_public_bytes(bytes.fromhex(header.fields["eph"]))
            shared = own.exchange(eph)
        except ValueError:  # a low-order point: no honest sender makes one
            raise _bad_header() from None
        key = _hkdf(shared, eph.public_bytes_raw(), own.public_key().public_bytes_raw())
        wrong = _(
            "This file cannot be opened with this office's key (it is addressed to {office}, code "
            "{code}): it was made for another office or for an older key, or it is damaged; ask the "
            "sender to make it again for this office.").format(
            office=header.fields["to_office"], code=header.fields["to_code"])
    else:
        if code is None:
            raise ValueError("an enrollment file needs the enrollment code")
        f = header.fields
        key = _scrypt(code, bytes.fromhex(f["salt"]), f["n"], f["r"], f["p"])
        wrong = _("The enrollment code is wrong, or the file is damaged: retype the code from the "
                  "printed sheet.")
    reader = DecryptingReader(inp, key, hashlib.sha256(header.raw).digest(), wrong)
    reader._fill()
    return reader


class DecryptingReader:
    """The authenticated plaintext of a stream, one verified chunk at a time.

    Any StreamError is raised again by every later call: a failed stream stays failed.
    """

    def __init__(self, inp: BinaryIO, key: bytes, associated: bytes, wrong_key_message: str) -> None:
        self._inp = inp
        self._aead = ChaCha20Poly1305(key)
        self._ad = associated
        self._wrong = wrong_key_message
        self._counter = 0
        self._ahead = b""  # the byte read to learn whether more data follows the current chunk
        self._plain = b""  # verified plaintext not yet handed out
        self._pos = 0
        self._final = False
        self._error: StreamError | None = None

    def _open(self, data: bytes, last: bool) -> bytes | None:
        try:
            return self._aead.decrypt(_nonce(self._counter, last), data, self._ad)
        except InvalidTag:
            return None

    def _fail(self, err: StreamError) -> StreamError:
        self._error = err
        return err

    def _next_chunk(self) -> None:
        """Read, verify and hold the next chunk's plaintext (call only before the final chunk)."""
        data = self._ahead + _read_up_to(self._inp, CHUNK + TAG - len(self._ahead))
        self._ahead = _read_up_to(self._inp, 1)
        last = not self._ahead
        if len(data) < TAG:
            raise self._fail(_truncated())
        plain = self._open(data, last)
        if plain is None:
            if len(data) == CHUNK + TAG and self._open(data, not last) is not None:
                # a whole non-final chunk and the file stops; or a whole final one and more follows
                raise self._fail(_truncated() if last else _tampered())
            if self._counter == 0:
                raise self._fail(StreamError("wrong_key", self._wrong))
            raise self._fail(_truncated() if last and len(data) < CHUNK + TAG else _tampered())
        self._counter += 1
        self._final = last
        self._plain, self._pos = plain, 0

    def _fill(self) -> bool:
        """Make sure some verified plaintext is held; False once the stream is exhausted."""
        if self._error is not None:
            raise self._error
        while self._pos >= len(self._plain):
            if self._final:
                return False
            self._next_chunk()
        return True

    def read(self, n: int) -> bytes:
        """Exactly `n` bytes of plaintext, or StreamError("truncated") if the stream ends first."""
        if n < 0:
            raise ValueError("n must be at least 0")
        parts: list[bytes] = []
        while n > 0:
            if not self._fill():
                raise self._fail(StreamError("truncated", _(
                    "The file holds less data than its contents list says; ask the sender for a new "
                    "one.")))
            take = self._plain[self._pos:self._pos + n]
            self._pos += len(take)
            n -= len(take)
            parts.append(take)
        return b"".join(parts)

    def finish(self) -> None:
        """Check that the final chunk was reached and verified, all plaintext was read and nothing
        follows the final chunk; StreamError otherwise."""
        if self._fill():
            raise self._fail(StreamError("tampered", _(
                "The file holds more data than its contents list says, so it cannot be trusted; ask "
                "the sender for a new one.")))
        if self._ahead or _read_up_to(self._inp, 1):
            raise self._fail(_tampered())

    def chunks(self) -> Iterator[bytes]:
        """The remaining plaintext in verified pieces (at most CHUNK bytes each), then `finish()`."""
        while self._fill():
            piece = self._plain[self._pos:]
            self._pos = len(self._plain)
            yield piece
        self.finish()
