"""Build `.calpack` archives for the sharing tests: honest ones, and every hostile kind the
import must refuse (made here, in tmp_path, never downloaded)."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import struct
import zipfile
import zlib
from pathlib import Path

MIB = 1024 * 1024


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_of(
    files: dict[str, bytes], pack_id: str, pack_hash: str = "0" * 16, **changes: object
) -> bytes:
    data: dict[str, object] = {
        "format": "calibrate-pack",
        "format_version": 1,
        "pack_id": pack_id,
        "pack_hash": pack_hash,
        "files": [{"path": p, "size": len(b), "sha256": sha256(b)} for p, b in files.items()],
    }
    data.update(changes)
    return json.dumps(data).encode()


def read_entries(archive: Path) -> tuple[dict[str, bytes], dict[str, object]]:
    """The files of an archive (manifest.json apart) and its manifest."""
    with zipfile.ZipFile(archive) as zf:
        files = {i.filename: zf.read(i) for i in zf.infolist() if i.filename != "manifest.json"}
        return files, json.loads(zf.read("manifest.json"))


def write_calpack(
    path: Path,
    files: dict[str, bytes],
    manifest: bytes | None,
    *,
    infos: dict[str, zipfile.ZipInfo] | None = None,
) -> Path:
    """A zip of `files` (a ZipInfo from `infos` where given: links, modes) and manifest.json."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr((infos or {}).get(name, name), data)
        if manifest is not None:
            zf.writestr("manifest.json", manifest)
    return path


def link_entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def set_flag_bits(path: Path, name: str, bits: int) -> None:
    """Set general-purpose flag bits of one entry in both its headers (zipfile resets them
    when writing, so an 'encrypted' entry is made by editing the bytes)."""
    data = bytearray(path.read_bytes())
    encoded = name.encode()
    for signature, flag_at, name_at in ((b"PK\x03\x04", 6, 30), (b"PK\x01\x02", 8, 46)):
        at = data.find(signature)
        while at >= 0:
            if data[at + name_at : at + name_at + len(encoded)] == encoded:
                flags = struct.unpack_from("<H", data, at + flag_at)[0]
                struct.pack_into("<H", data, at + flag_at, flags | bits)
            at = data.find(signature, at + 1)
    path.write_bytes(bytes(data))


# --- a zip bomb of zeros, built in well under a second ------------------------------------


def _deflated_zeros(mib: int) -> bytes:
    """A raw deflate stream of `mib` MiB of zeros. After a full flush the compressor starts
    afresh, so each further MiB compresses to the same bytes: compress two, repeat one."""
    chunk = bytes(MIB)
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = squeeze.compress(chunk) + squeeze.flush(zlib.Z_FULL_FLUSH)
    again = squeeze.compress(chunk) + squeeze.flush(zlib.Z_FULL_FLUSH)
    assert squeeze.compress(chunk) + squeeze.flush(zlib.Z_FULL_FLUSH) == again
    return first + again * (mib - 1) + squeeze.flush()


def _zeros_crc32(mib: int) -> int:
    """CRC-32 of `mib` MiB of zeros without hashing them: CRC over zeros is an affine map
    of the starting value over GF(2), composed with itself by repeated squaring."""
    base = zlib.crc32(bytes(MIB), 0)
    columns = [zlib.crc32(bytes(MIB), 1 << i) ^ base for i in range(32)]

    def apply(matrix: list[int], value: int) -> int:
        out = 0
        for i in range(32):
            if value >> i & 1:
                out ^= matrix[i]
        return out

    # (matrix, offset) for 2^k MiB; the result starts as the identity on 0 MiB.
    step, result_value = (columns, base), 0
    while mib:
        if mib & 1:
            result_value = apply(step[0], result_value) ^ step[1]
        matrix, offset = step
        step = ([apply(matrix, c) for c in matrix], apply(matrix, offset) ^ offset)
        mib >>= 1
    return result_value


def write_zero_bomb(
    path: Path,
    name: str,
    mib: int,
    manifest: bytes,
    declared: int | None = None,
    before: dict[str, bytes] | None = None,
) -> Path:
    """A valid zip with manifest.json and the files `before` (stored), then `name`: `mib`
    MiB of zeros deflated to about mib KB (below 4 GiB, so no zip64). Its headers are honest
    unless `declared` gives another unpacked size."""
    size = mib * MIB if declared is None else declared
    entries = [(b"manifest.json", 0, zlib.crc32(manifest), manifest, len(manifest))]
    entries += [(n.encode(), 0, zlib.crc32(d), d, len(d)) for n, d in (before or {}).items()]
    entries.append((name.encode(), 8, _zeros_crc32(mib), _deflated_zeros(mib), size))
    local, central = bytearray(), bytearray()
    for encoded, method, crc, data, size in entries:
        head = (20, 0, method, 0, 33, crc, len(data), size, len(encoded), 0)
        central += struct.pack("<4s2H", b"PK\x01\x02", 0x0314, 20)
        central += struct.pack("<4H3L2H", 0, method, 0, 33, crc, len(data), size, len(encoded), 0)
        central += struct.pack("<3H2L", 0, 0, 0, (stat.S_IFREG | 0o644) << 16, len(local))
        central += encoded
        local += struct.pack("<4s5H3L2H", b"PK\x03\x04", *head) + encoded + data
    count = len(entries)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(central), len(local), 0)
    path.write_bytes(bytes(local + central + end))
    return path


def tree_digest(root: Path) -> str:
    """One hash of a whole folder tree: every name, kind, link target and file's bytes."""
    digest = hashlib.sha256()
    for folder, dirs, files in sorted(os.walk(root)):
        dirs.sort()
        for name in sorted(dirs + files):
            path = Path(folder, name)
            info = os.lstat(path)
            digest.update(f"{path.relative_to(root)}\0{stat.S_IFMT(info.st_mode)}\0".encode())
            if stat.S_ISLNK(info.st_mode):
                digest.update(os.readlink(path).encode())
            elif stat.S_ISREG(info.st_mode):
                digest.update(path.read_bytes())
    return digest.hexdigest()


def write_bare_directory(path: Path, records: int, claimed: int, name: bytes = b"a") -> Path:
    """A zip that is only a central directory of `records` empty entries named `name`
    (no data: zipfile reads the directory whole before it reads any) and an end record
    claiming `claimed` entries. A million records are written in well under a second."""
    record = (
        struct.pack(
            "<4s4B4HL2L5H2L",
            b"PK\x01\x02",
            20,
            3,
            20,
            0,
            0,
            0,
            0,
            33,
            0,
            0,
            0,
            len(name),
            0,
            0,
            0,
            0,
            (stat.S_IFREG | 0o644) << 16,
            0,
        )
        + name
    )
    batch = record * 10_000
    with open(path, "wb") as out:
        for _ in range(records // 10_000):
            out.write(batch)
        out.write(record * (records % 10_000))
        size = len(record) * records
        out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, claimed, claimed, size, 0, 0))
    return path
