"""The one-time enrollment code: its form, and the proof that binds a unit's keys to it.

Contract:
- `new_code()` is 20 characters of Crockford base32 (100 bits) in five groups of
  four joined by "-", e.g. `K7QM-2XPA-9D4F-HT3W-RB6E`; `normalise()` accepts it
  typed with or without dashes or spaces, in either case, with O for 0 and I/L for 1.
- `proof_key(code)` is the key (hex) the hub keeps and the unit derives from the
  code on paper; `key_proof(proof_key, sign_pub, enc_pub, office)` is the
  HMAC-SHA256 the unit's first bundle carries, so the hub learns the unit's keys
  without a second trip and a stick alone cannot forge them.
Pure; any thread.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(20))
    return "-".join(raw[i:i + 4] for i in range(0, 20, 4))


def normalise(code: str) -> str:
    text = "".join(code.split()).replace("-", "").upper()
    return text.translate(str.maketrans({"O": "0", "I": "1", "L": "1"}))


def proof_key(code: str) -> str:
    return hashlib.sha256(b"closeloop enrollment proof\0" + normalise(code).encode()).hexdigest()


def key_proof(proof_key_hex: str, sign_pub: bytes, enc_pub: bytes, office: str) -> str:
    return hmac.new(bytes.fromhex(proof_key_hex), sign_pub + enc_pub + office.encode(), hashlib.sha256).hexdigest()


def proof_matches(proof_key_hex: str, sign_pub: bytes, enc_pub: bytes, office: str, proof: str) -> bool:
    return hmac.compare_digest(key_proof(proof_key_hex, sign_pub, enc_pub, office), proof)
