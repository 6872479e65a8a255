"""manifest.json and the names a `.calpack` may hold: what is written on export and checked,
before a byte is extracted, on import."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any, NamedTuple

from calibrate.core.sharing.errors import NewerPackFormat, NotAPackArchive, UnsafeEntry

FORMAT = "calibrate-pack"
ROOM_FORMAT = "calibrate-room-pack"  # a live room's pack: no golden answers (core/live/room_pack)
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 16 * 1024 * 1024  # 10,000 entries of long names fit in ~3 MB
MAX_ENTRIES = 10_000
MAX_TOTAL_BYTES = 2 * 1024**3  # unpacked, unless the caller allows more (--max-size)
MAX_RATIO = 100  # no entry may expand more than this ...
RATIO_FREE_BYTES = 1024 * 1024  # ... once past this many bytes
MAX_NAME_PART_BYTES = 255  # a file name on every file system we run on
MAX_NAME_BYTES = 1024  # a whole entry name (bounds the zip directory: sharing/zipdir.py)

_PACK_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")  # schema.IDENTIFIER
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_DRIVE = re.compile(r"^[A-Za-z]:")
_RESERVED = frozenset(  # device names on Windows, with any extension and in any case
    ["CON", "PRN", "AUX", "NUL"] + [f"{d}{n}" for d in ("COM", "LPT") for n in range(1, 10)]
)


class ManifestFile(NamedTuple):
    path: str  # inside the zip
    size: int
    sha256: str  # lowercase hex


class Manifest(NamedTuple):
    pack_id: str
    pack_hash: str
    files: dict[str, ManifestFile]  # by path
    format: str = FORMAT
    case_hashes: dict[str, str] | None = None  # a room pack's: the host's, by case id

    def to_json(self) -> bytes:
        data: dict[str, Any] = {
            "format": self.format,
            "format_version": FORMAT_VERSION,
            "pack_id": self.pack_id,
            "pack_hash": self.pack_hash,
        }
        if self.case_hashes is not None:
            data["case_hashes"] = self.case_hashes
        data["files"] = [f._asdict() for f in self.files.values()]
        return (json.dumps(data, indent=1, ensure_ascii=False) + "\n").encode()


def read_manifest(raw: bytes, archive: str, expected: str = FORMAT) -> Manifest:
    """The manifest, or NotAPackArchive / NewerPackFormat saying what is wrong with it;
    `expected` is the format the caller reads (a room pack is never imported as a pack)."""

    def refused(why: str) -> NotAPackArchive:
        return NotAPackArchive(f"{archive}: {MANIFEST} {why}; refused")

    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise refused("is not valid JSON") from None
    if not isinstance(data, dict):
        raise refused("is not a JSON object")
    if data.get("format") != expected:
        raise refused(
            f"says format {data.get('format')!r}, not {expected!r}: not a Calibrate pack"
            + (
                " to import (a live room's pack stays in the room's cache)"
                if expected == FORMAT
                else ""
            )
        )
    version = data.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise refused(f"has format_version {version!r}, not a whole number ≥ 1")
    if version > FORMAT_VERSION:
        raise NewerPackFormat(
            f"{archive}: made by a newer Calibrate (pack format_version {version}; this "
            f"version reads {FORMAT_VERSION}); update Calibrate to import it"
        )
    pack_id, pack_hash, files = data.get("pack_id"), data.get("pack_hash"), data.get("files")
    if not isinstance(pack_id, str) or not _PACK_ID.match(pack_id):
        raise refused(f"has pack_id {pack_id!r}, not a pack id (letters, digits, _ . -)")
    if not isinstance(pack_hash, str) or not pack_hash:
        raise refused("has no pack_hash")
    if not isinstance(files, list):
        raise refused("has no list of files")
    listed: dict[str, ManifestFile] = {}
    for index, item in enumerate(files):
        entry = _manifest_file(item)
        if entry is None:
            raise refused(f"files[{index}] is not {{path, size, sha256 (lowercase hex)}}")
        if entry.path in listed:
            raise refused(f"lists {entry.path!r} twice")
        listed[entry.path] = entry
    case_hashes = data.get("case_hashes") if expected == ROOM_FORMAT else None
    if expected == ROOM_FORMAT and not (
        isinstance(case_hashes, dict)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in case_hashes.items())
    ):
        raise refused("has no case_hashes (case id → hash)")
    return Manifest(pack_id, pack_hash, listed, expected, case_hashes)


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _manifest_file(item: Any) -> ManifestFile | None:
    if not isinstance(item, dict) or set(item) != {"path", "size", "sha256"}:
        return None
    path, size, digest = item["path"], item["size"], item["sha256"]
    if not isinstance(path, str) or not _is_count(size) or size < 0:
        return None
    if not isinstance(digest, str) or not _SHA256.match(digest):
        return None
    return ManifestFile(path, size, digest)


def entry_problem(name: str, pack_id: str) -> str | None:
    """Why a zip entry named `name` may not be in pack `pack_id`'s archive, else None.

    Allowed: lessons/<id>/pack.toml, lessons/<id>/guidance/*.md, lessons/<id>/cases/*.toml
    and assets/<id>/<relative path> (the clips; that a case names each is checked after
    validation). Judged on the name alone, before anything is written."""
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return "has an absolute path"
    if "\\" in name or any(ord(c) < 0x20 or c == "\x7f" for c in name):
        return "has a backslash or a control character in its name"
    parts = name.split("/")
    if ".." in parts:
        return "has '..' in its path"
    if "" in parts or "." in parts:
        return "has an empty or '.' part in its path (or names a folder)"
    why = next((w for w in map(_part_problem, parts) if w is not None), None)
    if why is not None:
        return why
    if len(name.encode()) > MAX_NAME_BYTES:
        return f"has a name longer than {MAX_NAME_BYTES:,} bytes"
    if any(len(part.encode()) > MAX_NAME_PART_BYTES for part in parts):
        return f"has a name part longer than {MAX_NAME_PART_BYTES} bytes"
    if parts[:2] == ["assets", pack_id] and len(parts) > 2:
        return None
    if parts[:2] == ["lessons", pack_id]:
        inner = parts[2:]
        if inner == ["pack.toml"]:
            return None
        if len(inner) == 2 and inner[0] == "guidance" and inner[1].endswith(".md"):
            return None
        if len(inner) == 2 and inner[0] == "cases" and inner[1].endswith(".toml"):
            return None
        return (
            f"is not a pack file (lessons/{pack_id}/ holds pack.toml, guidance/*.md and "
            "cases/*.toml only)"
        )
    return f"lies outside the pack's folders lessons/{pack_id}/ and assets/{pack_id}/"


def _part_problem(part: str) -> str | None:
    """Why one part of a name cannot be a file or folder name on every file system a pack
    travels to (Windows included), else None."""
    if ":" in part:
        return "has a ':' in its name (a drive or an alternate data stream on Windows)"
    if part.upper().split(".")[0].rstrip(" ") in _RESERVED:
        return f"uses {part!r}, a device name reserved on Windows"
    if part.endswith((".", " ")):
        return "has a name part ending in a dot or a space (Windows drops them)"
    return None


def colliding_names(names: list[str]) -> tuple[str, str] | None:
    """Two names that would land on one file on some file system (the same name twice, names
    differing only in case or Unicode form, or a file that is also another's folder)."""
    seen: dict[str, str] = {}
    folders: dict[str, str] = {}
    for name in names:
        key = unicodedata.normalize("NFC", name).casefold()
        if key in seen:
            return seen[key], name
        seen[key] = name
        parts = key.split("/")
        for depth in range(1, len(parts)):
            folders.setdefault("/".join(parts[:depth]), name)
    clash = next((key for key in seen if key in folders), None)
    return None if clash is None else (seen[clash], folders[clash])


def check_names(names: list[str], pack_id: str, archive: str) -> None:
    """UnsafeEntry for the first name that may not be extracted."""
    for name in names:
        why = entry_problem(name, pack_id)
        if why is not None:
            raise UnsafeEntry(f"{archive}: entry {shown(name)} {why}; refused")
    clash = colliding_names(names)
    if clash is not None:
        raise UnsafeEntry(
            f"{archive}: entries {shown(clash[0])} and {shown(clash[1])} would be written to "
            "the same place; refused"
        )


def shown(name: str) -> str:
    """A name from an archive, quoted, with anything unprintable made visible."""
    return repr(name if len(name) <= 200 else name[:200] + "…")
