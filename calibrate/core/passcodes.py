"""Passcodes for the lead (and later trainer) areas: a salted, slow scrypt hash, never the code."""

from __future__ import annotations

import hashlib
import hmac
import os

# scrypt cost: ~50 ms per check here, so guessing is slow but unlocking still feels instant.
_N, _R, _P = 2**14, 8, 1
MIN_LENGTH = 6


def hash_passcode(passcode: str) -> str:
    """`scrypt$N$r$p$salt$hash` (hex) for storage."""
    if len(passcode) < MIN_LENGTH:
        raise ValueError(f"a passcode needs at least {MIN_LENGTH} characters")
    salt = os.urandom(16)
    digest = hashlib.scrypt(passcode.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_passcode(passcode: str, stored: str) -> bool:
    """True only for the right passcode; a malformed stored value never matches."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        candidate = hashlib.scrypt(
            passcode.encode(),
            salt=bytes.fromhex(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(bytes.fromhex(digest)),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(candidate, bytes.fromhex(digest))
