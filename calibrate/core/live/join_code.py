"""The join code: one line a participant pastes to join a room (docs/live-protocol.md).

Bytes, then base64url without padding (`code_length`: 78 characters for IPv4, 94 for IPv6):

    1   code version (1)
    1   address family: 4 or 6
    4|16  the host's address (network order)
    2   port (big-endian)
    16  the room secret
    32  SHA-256 fingerprint of the host's certificate (DER)
    2   check: the first 2 bytes of SHA-256 over everything before it (catches typos)
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import ipaddress
import re
import secrets
from typing import NamedTuple

CODE_VERSION = 1
SECRET_BYTES = 16
FINGERPRINT_BYTES = 32
MAX_CODE_CHARS = 100
_ADDRESS_BYTES = {4: 4, 6: 16}  # address family → bytes of its address
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+")


class JoinCodeError(ValueError):
    """A code that is not a join code (typo, truncation, another version)."""


class JoinCode(NamedTuple):
    host: str  # an IPv4 or IPv6 address, as text
    port: int
    secret: bytes
    fingerprint: bytes  # SHA-256 of the certificate's DER bytes

    def encode(self) -> str:
        address = ipaddress.ip_address(self.host)
        if not 0 < self.port < 65536:
            raise JoinCodeError(f"port {self.port} is not a TCP port")
        if len(self.secret) != SECRET_BYTES or len(self.fingerprint) != FINGERPRINT_BYTES:
            raise JoinCodeError("a join code needs a 16-byte secret and a SHA-256 fingerprint")
        body = (
            bytes([CODE_VERSION, address.version])
            + address.packed
            + self.port.to_bytes(2, "big")
            + self.secret
            + self.fingerprint
        )
        body += hashlib.sha256(body).digest()[:2]
        return base64.urlsafe_b64encode(body).decode("ascii").rstrip("=")

    @property
    def secret_text(self) -> str:
        return secret_text(self.secret)


def secret_text(secret: bytes) -> str:
    """The secret as the hello message carries it (base64url, no padding)."""
    return base64.urlsafe_b64encode(secret).decode("ascii").rstrip("=")


def code_length(family: int) -> int:
    """The characters of a join code naming an IPv4 (`family` 4) or IPv6 (6) host."""
    raw = 2 + _ADDRESS_BYTES[family] + 2 + SECRET_BYTES + FINGERPRINT_BYTES + 2
    return -(-raw * 4 // 3)  # base64: 4 characters per 3 bytes, the last group unpadded


def decode_join_code(text: str) -> JoinCode:
    """The code's parts; JoinCodeError names what is wrong, never echoes the secret."""
    text = text.strip()
    if not text or len(text) > MAX_CODE_CHARS:
        raise JoinCodeError(f"a join code is 1 to {MAX_CODE_CHARS} characters")
    if not _BASE64URL.fullmatch(text):
        raise JoinCodeError("not a join code (it is not base64url text)")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise JoinCodeError("not a join code (it is not base64url text)") from None
    if len(raw) < 2:
        raise JoinCodeError("not a join code (too short)")
    if raw[0] != CODE_VERSION:
        raise JoinCodeError(f"join code version {raw[0]} is not known to this Calibrate")
    width = _ADDRESS_BYTES.get(raw[1])
    if width is None:
        raise JoinCodeError("not a join code (no IPv4 or IPv6 address in it)")
    expected = 2 + width + 2 + SECRET_BYTES + FINGERPRINT_BYTES + 2
    if len(raw) != expected:
        raise JoinCodeError("not a join code (wrong length: was it cut short?)")
    body, check = raw[:-2], raw[-2:]
    if hashlib.sha256(body).digest()[:2] != check:
        raise JoinCodeError("the join code has a typo (its check does not match)")
    at = 2 + width
    host = str(ipaddress.ip_address(raw[2:at]))
    port = int.from_bytes(raw[at : at + 2], "big")
    secret = raw[at + 2 : at + 2 + SECRET_BYTES]
    fingerprint = raw[at + 2 + SECRET_BYTES : -2]
    if port == 0:
        raise JoinCodeError("not a join code (port 0)")
    return JoinCode(host, port, secret, fingerprint)


def new_rejoin_token() -> str:
    """A member's rejoin token (256 random bits, base64url): the host keeps only its digest."""
    return secrets.token_urlsafe(32)


def rejoin_digest(token: str) -> str:
    """What the host's database keeps of a rejoin token (SHA-256, hex)."""
    return hashlib.sha256(token.encode()).hexdigest()


def room_key(code: JoinCode) -> str:
    """What a participant files a room's rejoin token under: the digest of the room's secret
    and certificate (a resumed room keeps both; the secret itself is not stored)."""
    return hashlib.sha256(code.secret + code.fingerprint).hexdigest()
