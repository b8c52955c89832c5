"""The bundle file's streaming encryption (core/sync/stream_crypto.py, docs/sync.md "The file" 1-2):
round trips in both modes, wrong keys and codes, every way a file can be cut, altered, reordered or
extended, hostile headers, and flat memory on a 64 MiB stream."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.sync.stream_crypto import (
    CHUNK,
    MAGIC,
    EncryptingWriter,
    StreamError,
    generate_x25519,
    open_decrypting,
    open_encrypting,
    read_header,
)

ROOT = Path(__file__).resolve().parents[3]
TAG = 16
CODE = "K7QM-2XRP-9WDF"
SIZES = [0, 1, CHUNK, CHUNK + 1, 3 * CHUNK]
SECRET, PUBLIC = generate_x25519()


def encrypt(plain: bytes, mode: str = "x25519", *, pieces: int = 7) -> bytes:
    """The file for `plain`, written through the writer in `pieces` uneven writes."""
    out = io.BytesIO()
    cred = {"recipient_pub": PUBLIC, "key_id": "k1"} if mode == "x25519" else {"code": CODE}
    with open_encrypting(out, to_office="太公镇", to_code="TGZ", **cred) as w:
        step = max(1, len(plain) // pieces + 1)
        for i in range(0, len(plain), step):
            w.write(plain[i:i + step])
    return out.getvalue()


def decrypt(blob: bytes, *, secret: bytes | None = None, code: str | None = None) -> bytes:
    """The plaintext of `blob` through chunks() (which ends with finish())."""
    inp = io.BytesIO(blob)
    header = read_header(inp)
    if secret is None and code is None:
        secret, code = (SECRET, None) if header.mode == "x25519" else (None, CODE)
    reader = open_decrypting(inp, header, secret=secret, code=code)
    return b"".join(reader.chunks())


def kind_of(blob: bytes, **cred) -> str:
    with pytest.raises(StreamError) as err:
        decrypt(blob, **cred)
    assert str(err.value) and "Traceback" not in str(err.value)
    return err.value.kind


def header_len(blob: bytes) -> int:
    return len(MAGIC) + 2 + int.from_bytes(blob[len(MAGIC):len(MAGIC) + 2], "big")


def chunk_spans(blob: bytes) -> list[tuple[int, int]]:
    """(start, end) of each chunk in `blob`."""
    pos, spans = header_len(blob), []
    while pos < len(blob):
        spans.append((pos, min(pos + CHUNK + TAG, len(blob))))
        pos = spans[-1][1]
    return spans


def flip(blob: bytes, at: int) -> bytes:
    return blob[:at] + bytes([blob[at] ^ 0x01]) + blob[at + 1:]


def hostile(fields: dict, *, magic: bytes = MAGIC) -> bytes:
    body = json.dumps(fields).encode()
    return magic + len(body).to_bytes(2, "big") + body + b"\0" * 64


CODE_FIELDS = {"version": 1, "mode": "code", "to_office": "太公镇", "to_code": "TGZ",
               "salt": "00" * 16, "n": 2**15, "r": 8, "p": 1}


@pytest.mark.parametrize("mode", ["x25519", "code"])
def test_round_trip_of_every_size_in_both_modes(mode: str):
    for size in SIZES:
        plain = os.urandom(size)
        blob = encrypt(plain, mode)
        assert len(blob) == header_len(blob) + size + TAG * max(1, -(-size // CHUNK))
        assert decrypt(blob) == plain, size


def test_header_is_clear_and_names_the_recipient():
    header = read_header(io.BytesIO(encrypt(b"x")))
    assert (header.version, header.mode) == (1, "x25519")
    assert header.fields["to_office"] == "太公镇" and header.fields["key_id"] == "k1"
    assert bytes.fromhex(header.fields["eph"]) != PUBLIC  # a fresh ephemeral key, not ours
    assert header.raw.startswith(MAGIC)
    code_header = read_header(io.BytesIO(encrypt(b"x", "code")))
    assert set(code_header.fields) == {"to_office", "to_code", "salt", "n", "r", "p"}
    assert encrypt(b"same") != encrypt(b"same")  # a new ephemeral key (and so a new key) each file


def test_read_gives_exact_bytes_and_finish_checks_the_end():
    plain = os.urandom(2 * CHUNK + 10)
    inp = io.BytesIO(encrypt(plain))
    reader = open_decrypting(inp, read_header(inp), secret=SECRET)
    assert reader.read(0) == b""
    assert reader.read(5) + reader.read(CHUNK) + reader.read(CHUNK + 5) == plain
    with pytest.raises(StreamError) as err:
        reader.read(1)
    assert err.value.kind == "truncated"


def test_finish_refuses_plaintext_left_unread():
    inp = io.BytesIO(encrypt(b"abcdef"))
    reader = open_decrypting(inp, read_header(inp), secret=SECRET)
    assert reader.read(3) == b"abc"
    with pytest.raises(StreamError) as err:
        reader.finish()
    assert err.value.kind == "tampered"


def test_enrollment_code_is_normalised():
    blob = encrypt(b"hello", "code")
    assert decrypt(blob, code="  k7qm 2xrp-9wdf ") == b"hello"


def test_wrong_key_and_wrong_code():
    other_secret, _ = generate_x25519()
    for size in (0, 3 * CHUNK):
        with pytest.raises(StreamError) as err:
            decrypt(encrypt(b"s" * size), secret=other_secret)
        assert err.value.kind == "wrong_key" and "another office" in str(err.value)
        assert "太公镇" in str(err.value)
        with pytest.raises(StreamError) as err:
            decrypt(encrypt(b"s" * size, "code"), code="K7QM-2XRP-9WDE")
        assert err.value.kind == "wrong_key"
        assert "enrollment code is wrong" in str(err.value) and "printed sheet" in str(err.value)


def test_wrong_key_is_refused_when_the_reader_is_opened():
    blob = encrypt(b"x" * 10)
    inp = io.BytesIO(blob)
    with pytest.raises(StreamError) as err:
        open_decrypting(inp, read_header(inp), secret=generate_x25519()[0])
    assert err.value.kind == "wrong_key"


@pytest.mark.parametrize("size", [1, CHUNK, CHUNK + 1, 3 * CHUNK + 7])
def test_truncated_files_are_refused(size: int):
    blob = encrypt(os.urandom(size))
    start = header_len(blob)
    if size > 2 * CHUNK:  # a cut in a later chunk (a cut in the first one cannot be told from a wrong key)
        assert kind_of(blob[:start + (len(blob) - start) // 2]) == "truncated"
    assert kind_of(blob[:-1]) in ({"truncated"} if size > CHUNK else {"truncated", "wrong_key"})
    assert kind_of(blob[:start]) == "truncated"  # the header alone
    assert kind_of(blob[:start + 10]) == "truncated"  # less than a tag


def test_a_file_cut_at_a_chunk_boundary_is_refused_by_the_final_flag():
    plain = os.urandom(3 * CHUNK + 7)
    blob = encrypt(plain)
    for _start, end in chunk_spans(blob)[:-1]:
        assert kind_of(blob[:end]) == "truncated"
    blob = encrypt(os.urandom(2 * CHUNK), "code")
    assert kind_of(blob[:chunk_spans(blob)[0][1]]) == "truncated"


def test_every_flipped_header_byte_is_refused():
    blob = encrypt(b"payload")
    for at in range(header_len(blob)):
        assert kind_of(flip(blob, at)) in {"format", "header", "truncated", "wrong_key"}, at
    assert kind_of(flip(blob, 0)) == "format"


def test_a_flipped_byte_in_a_chunk_is_refused():
    plain = os.urandom(3 * CHUNK)
    blob = encrypt(plain)
    spans = chunk_spans(blob)
    assert kind_of(flip(blob, spans[0][0] + 100)) == "wrong_key"  # the first chunk
    assert kind_of(flip(blob, spans[1][0] + 100)) == "tampered"  # a middle one
    assert kind_of(flip(blob, spans[-1][0] + 5)) == "tampered"  # the last (full) one
    assert kind_of(flip(blob, len(blob) - 1)) == "tampered"  # the last tag
    short = encrypt(os.urandom(CHUNK + 20))  # a short last chunk: damaged at the very end
    assert kind_of(flip(short, len(short) - 3)) == "truncated"


def test_no_plaintext_comes_from_a_chunk_before_it_is_verified():
    plain = os.urandom(3 * CHUNK)
    blob = encrypt(plain)
    bad = flip(blob, chunk_spans(blob)[1][0] + 1)
    inp = io.BytesIO(bad)
    reader = open_decrypting(inp, read_header(inp), secret=SECRET)
    received = []
    with pytest.raises(StreamError):
        for piece in reader.chunks():
            received.append(piece)
    assert b"".join(received) == plain[:CHUNK]  # only the verified first chunk
    with pytest.raises(StreamError):  # and a failed stream stays failed
        reader.read(1)


def test_trailing_garbage_is_refused():
    full = encrypt(os.urandom(3 * CHUNK))  # the last chunk is full-size
    assert kind_of(full + b"x") == "tampered"
    assert kind_of(full + os.urandom(CHUNK + TAG)) == "tampered"
    exact = encrypt(os.urandom(CHUNK))
    assert kind_of(exact + b"\0" * 40) == "tampered"
    # after a short last chunk the garbage joins it, which cannot be told from damage at the end
    assert kind_of(encrypt(os.urandom(CHUNK + 5)) + b"x") in {"truncated", "tampered"}


def test_swapped_and_dropped_chunks_are_refused():
    blob = encrypt(os.urandom(4 * CHUNK + 3))
    parts = [blob[a:b] for a, b in chunk_spans(blob)]
    head = blob[:header_len(blob)]
    assert kind_of(head + parts[0] + parts[2] + parts[1] + parts[3] + parts[4]) == "tampered"
    assert kind_of(head + parts[1] + parts[0] + b"".join(parts[2:])) == "wrong_key"
    assert kind_of(head + parts[0] + b"".join(parts[2:])) == "tampered"  # a chunk left out
    other = encrypt(os.urandom(4 * CHUNK + 3))  # a chunk from another file to the same office
    assert kind_of(head + parts[0] + other[chunk_spans(other)[1][0]:chunk_spans(other)[1][1]]
                   + b"".join(parts[2:])) == "tampered"


def test_hostile_headers_are_refused_before_any_key_work():
    def kind(blob: bytes) -> str:
        with pytest.raises(StreamError) as err:
            read_header(io.BytesIO(blob))
        return err.value.kind

    assert kind(hostile({**CODE_FIELDS, "n": 2**30})) == "header"
    assert kind(hostile({**CODE_FIELDS, "n": 2**20, "r": 8})) == "header"  # 1 GiB of scrypt memory
    assert kind(hostile({**CODE_FIELDS, "r": 17})) == "header"
    assert kind(hostile({**CODE_FIELDS, "p": 5})) == "header"
    assert kind(hostile({**CODE_FIELDS, "n": 3000})) == "header"  # not a power of two
    assert kind(hostile({**CODE_FIELDS, "n": True})) == "header"
    assert kind(hostile({**CODE_FIELDS, "salt": "zz"})) == "header"
    assert kind(hostile({**CODE_FIELDS, "extra": 1})) == "header"
    assert kind(hostile({**CODE_FIELDS, "mode": "rot13"})) == "header"
    assert kind(hostile({**CODE_FIELDS, "to_office": "x" * 3000})) == "header"  # over 4 KiB
    assert kind(MAGIC + (60000).to_bytes(2, "big") + b"{" * 60000) == "header"
    assert kind(MAGIC + (9).to_bytes(2, "big") + b"not json!") == "header"
    assert kind(MAGIC + (4).to_bytes(2, "big") + b"[1]\n") == "header"
    assert kind(MAGIC + (2).to_bytes(2, "big") + b"\xff\xfe") == "header"
    assert kind(MAGIC + (50).to_bytes(2, "big") + b"{}") == "truncated"
    assert kind(hostile({**CODE_FIELDS, "version": 2})) == "version"
    err = pytest.raises(StreamError, read_header, io.BytesIO(hostile({"version": 2, "mode": "new"})))
    assert "newer version of Closeloop" in str(err.value)
    assert kind(hostile(CODE_FIELDS, magic=b"PK\x03\x04" + MAGIC[4:])) == "format"
    assert kind(b"") == "format"
    x25519 = json.loads(encrypt(b"")[len(MAGIC) + 2:header_len(encrypt(b""))])
    assert kind(hostile({**x25519, "eph": "00" * 31})) == "header"


def test_a_low_order_ephemeral_key_is_refused():
    fields = {"version": 1, "mode": "x25519", "to_office": "太公镇", "to_code": "TGZ", "key_id": "",
              "eph": "00" * 32}
    with pytest.raises(StreamError) as err:
        decrypt(hostile(fields))
    assert err.value.kind == "header"


def test_a_failed_export_never_looks_complete():
    out = io.BytesIO()
    with pytest.raises(RuntimeError):
        with open_encrypting(out, recipient_pub=PUBLIC, to_office="太公镇", to_code="TGZ") as w:
            w.write(os.urandom(2 * CHUNK + 5))
            raise RuntimeError("disk full")
    assert kind_of(out.getvalue()) == "truncated"
    with pytest.raises(ValueError):
        w.write(b"more")


def test_writer_contract():
    out = io.BytesIO()
    w = open_encrypting(out, code=CODE, to_office="太公镇", to_code="TGZ")
    assert isinstance(w, EncryptingWriter) and out.getvalue().startswith(MAGIC)  # the header at once
    assert w.write(bytearray(b"ab")) == 2 and w.write(memoryview(b"cd")) == 2
    w.close()
    w.close()  # a second close writes nothing more
    assert decrypt(out.getvalue()) == b"abcd"
    with pytest.raises(ValueError):
        open_encrypting(io.BytesIO(), recipient_pub=PUBLIC, code=CODE, to_office="x", to_code="X")
    with pytest.raises(ValueError):
        open_encrypting(io.BytesIO(), to_office="x", to_code="X")


WORKER = """
import hashlib, resource, sys
from core.sync.stream_crypto import generate_x25519, open_decrypting, open_encrypting, read_header
if sys.argv[1] == "work":
    path, block = sys.argv[2], bytes(range(256)) * 4096 + b"z"  # 1 MiB + 1: chunks never align
    secret, public = generate_x25519()
    sent = hashlib.sha256()
    with open(path, "wb") as out, open_encrypting(out, recipient_pub=public, to_office="o",
                                                  to_code="O") as w:
        for _ in range(64):
            w.write(block)
            sent.update(block)
    got = hashlib.sha256()
    with open(path, "rb") as inp:
        for piece in open_decrypting(inp, read_header(inp), secret=secret).chunks():
            got.update(piece)
    assert got.digest() == sent.digest()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _peak_rss_kib(*args: str) -> int:
    # through a shell that forks Python rather than exec'ing it: a process exec'd straight from
    # pytest inherits pytest's peak in ru_maxrss (Linux keeps it across exec), which would hide ours
    script = " ".join(f"'{a}'" for a in (sys.executable, "-c", WORKER, *args))
    done = subprocess.run(["/bin/sh", "-c", f"{script}; exit $?"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.split()[-1])


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss in KiB and inherited across exec: Linux")
def test_a_64_mib_stream_keeps_memory_flat(tmp_path: Path):
    baseline = _peak_rss_kib("baseline")
    peak = _peak_rss_kib("work", str(tmp_path / "big.closeloop"))
    assert (tmp_path / "big.closeloop").stat().st_size > 64 * 2**20
    assert baseline < 200 * 1024, "the baseline is not this process's own peak"
    assert peak - baseline < 40 * 1024, (baseline, peak)
