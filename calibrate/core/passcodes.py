"""Passcodes for the lead (and later trainer) areas: a salted, slow scrypt hash, never the code.

A passcode is a local gate on one machine, not access control: the database file itself is
readable by anyone who can copy it (docs/storage.md, "The lead passcode").
"""

from __future__ import annotations

import hashlib
import hmac
import os

# scrypt cost as OWASP's password storage cheat sheet gives it (N = 2^17, r = 8, p = 1):
# 128 MiB and ~0.85 s per check on a 2-core test machine, so the GUI checks off its thread.
_N, _R, _P = 2**17, 8, 1
MIN_LENGTH = 6
# A stored hash asking for more than this (256 MiB) is refused, never computed: a hand-edited
# database must not make the app allocate gigabytes or spin for minutes.
_MAX_N, _MAX_R, _MAX_P = 2**18, 8, 4


def _memory(n: int, r: int, p: int) -> int:
    """The maxmem scrypt needs for these parameters (its V array plus B, with room to spare)."""
    return 128 * r * (n + p + 2)


def hash_passcode(passcode: str) -> str:
    """`scrypt$N$r$p$salt$hash` (hex) for storage."""
    if len(passcode) < MIN_LENGTH:
        raise ValueError(f"a passcode needs at least {MIN_LENGTH} characters")
    salt = os.urandom(16)
    digest = hashlib.scrypt(
        passcode.encode(), salt=salt, n=_N, r=_R, p=_P, maxmem=_memory(_N, _R, _P), dklen=32
    )
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def verify_passcode(passcode: str, stored: str) -> bool:
    """True only for the right passcode; a malformed or oversized stored value never matches."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        n_, r_, p_ = int(n), int(r), int(p)
        if scheme != "scrypt" or not (0 < n_ <= _MAX_N and 0 < r_ <= _MAX_R and 0 < p_ <= _MAX_P):
            return False
        candidate = hashlib.scrypt(
            passcode.encode(),
            salt=bytes.fromhex(salt),
            n=n_,
            r=r_,
            p=p_,
            maxmem=_memory(n_, r_, p_),
            dklen=len(bytes.fromhex(digest)),
        )
    except (ValueError, TypeError, MemoryError):
        return False
    return hmac.compare_digest(candidate, bytes.fromhex(digest))


def needs_rehash(stored: str) -> bool:
    """True when a stored hash is cheaper than today's cost: rehash it after the next right
    entry (the passcode is known only then)."""
    try:
        scheme, n, r, p, *_ = stored.split("$")
        return scheme != "scrypt" or int(n) < _N or int(r) < _R or int(p) < _P
    except ValueError:
        return True
