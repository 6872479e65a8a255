"""The host's own TLS key, certificate and room secret, kept in `<db>.room-<id>/`.

Qt can use a certificate but not make one, so `cryptography` makes it: an EC P-256 key and
a self-signed certificate naming the bound address. Participants trust it by the SHA-256
fingerprint the join code carries, never by a CA. The folder is 0700 and each file 0600; a
resumed host reads the same three files, so its join code stays the same.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import secrets
from pathlib import Path
from typing import NamedTuple

from calibrate.core.live.join_code import SECRET_BYTES

KEY_FILE, CERT_FILE, SECRET_FILE = "key.pem", "cert.pem", "secret"


class RoomCredentials(NamedTuple):
    key_pem: bytes
    cert_pem: bytes
    secret: bytes
    fingerprint: bytes  # SHA-256 of the certificate's DER bytes


def room_folder(db_path: Path, room_id: str) -> Path:
    return db_path.with_name(f"{db_path.name}.room-{room_id}")


def load_or_make(folder: Path, address: str) -> RoomCredentials:
    """The folder's key, certificate and secret, made on first use (0700 / 0600)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)  # an existing folder is narrowed too
    paths = [folder / name for name in (KEY_FILE, CERT_FILE, SECRET_FILE)]
    if not all(p.is_file() for p in paths):
        key_pem, cert_pem = _make_certificate(address)
        for path, data in zip(
            paths, (key_pem, cert_pem, secrets.token_bytes(SECRET_BYTES)), strict=True
        ):
            _write_private(path, data)
    key_pem, cert_pem, secret = (p.read_bytes() for p in paths)
    if len(secret) != SECRET_BYTES:
        raise ValueError(f"{paths[2]}: not a room secret ({len(secret)} bytes)")
    return RoomCredentials(key_pem, cert_pem, secret, fingerprint(cert_pem))


def fingerprint(cert_pem: bytes) -> bytes:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    return x509.load_pem_x509_certificate(cert_pem).fingerprint(hashes.SHA256())


def _write_private(path: Path, data: bytes) -> None:
    """Created 0600 from the start (never readable by others, even for a moment)."""
    temp = path.with_name(path.name + ".tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temp, path)


def import_crypto() -> None:
    """Import cryptography's modules on the calling (GUI) thread. Their first import inside a
    worker thread crashed the app once (a segfault while the GUI thread was collecting
    garbage, in a full test run); imported first here, the worker only uses them."""
    from cryptography import x509  # noqa: F401
    from cryptography.hazmat.primitives import hashes, serialization  # noqa: F401
    from cryptography.hazmat.primitives.asymmetric import ec  # noqa: F401


def _make_certificate(address: str) -> tuple[bytes, bytes]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Calibrate live room")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(address))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return key_pem, cert.public_bytes(serialization.Encoding.PEM)
