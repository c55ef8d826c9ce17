"""SCRAM-SHA-256 verifiers computed exactly as PostgreSQL computes them, SASLprep included.

PostgreSQL (src/common/saslprep.c, scram-common.c) prepares a password with SASLprep (RFC 4013)
before hashing it, and libpq does the same when a client logs in; a verifier built from another
normalization gives a login that can never authenticate. When the password is not valid for
SASLprep, both sides fall back to its raw UTF-8 bytes, and so do we.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import stringprep
import unicodedata

MIN_PASSWORD_LENGTH = 8

_PROHIBITED = (
    stringprep.in_table_c12,
    stringprep.in_table_c21,
    stringprep.in_table_c22,
    stringprep.in_table_c3,
    stringprep.in_table_c4,
    stringprep.in_table_c5,
    stringprep.in_table_c6,
    stringprep.in_table_c7,
    stringprep.in_table_c8,
    stringprep.in_table_c9,
    stringprep.in_table_a1,  # unassigned in Unicode 3.2: PostgreSQL prohibits them too
)


def saslprep(password: str) -> str | None:
    """The SASLprep form of `password` as pg_saslprep() returns it, or None when PostgreSQL
    would find it prohibited (and use the raw bytes instead)."""
    if password.isascii():  # PostgreSQL returns pure ASCII untouched, control characters included
        return password
    # 1. Map: non-ASCII spaces become a space; "commonly mapped to nothing" characters go.
    mapped = "".join(
        " " if stringprep.in_table_c12(c) else c for c in password if not stringprep.in_table_b1(c)
    )
    if not mapped:
        return None
    # 2. Normalize with NFKC.
    normalized = unicodedata.normalize("NFKC", mapped)
    # 3. Prohibit.
    if any(check(c) for c in normalized for check in _PROHIBITED):
        return None
    # 4. Bidi: a string with a right-to-left character has no left-to-right one and starts
    # and ends with right-to-left characters.
    if any(stringprep.in_table_d1(c) for c in normalized) and (
        any(stringprep.in_table_d2(c) for c in normalized)
        or not stringprep.in_table_d1(normalized[0])
        or not stringprep.in_table_d1(normalized[-1])
    ):
        return None
    return normalized


def scram_verifier(password: str, iterations: int = 4096, salt: bytes | None = None) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores, computed here so the password itself never
    travels in a SQL statement (or lands in a server log)."""
    salt = os.urandom(16) if salt is None else salt
    prepared = saslprep(password)
    secret = (password if prepared is None else prepared).encode("utf-8")
    salted = hashlib.pbkdf2_hmac("sha256", secret, salt, iterations)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()
    salt_b64, stored_b64, server_b64 = (base64.b64encode(x).decode() for x in (salt, stored_key, server_key))
    return f"SCRAM-SHA-256${iterations}:{salt_b64}${stored_b64}:{server_b64}"


def password_problem(password: str) -> str | None:
    """Why `password` is refused, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"the password must have at least {MIN_PASSWORD_LENGTH} characters"
    return None
