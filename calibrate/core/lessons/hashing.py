"""Stable content hashes of cases and packs.

A hash covers meaning, not formatting: the validated data as canonical JSON (so re-indenting
a file changes nothing) plus the bytes of the media it shows. Answers store the hash they
were given against, so a changed golden answer can be told apart from an old one.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterable
from pathlib import Path

HASH_LENGTH = 16  # hex digits: 64 bits, ample for telling versions of one case apart


def canonical_json(data: object) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def file_digest(path: Path) -> str:
    """sha256 of a file's bytes, or a marker when it cannot be read (missing media).

    Only a regular file is read, opened non-blocking: a FIFO or /dev/zero named as a clip
    must not hang or exhaust the pack loading."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with open(fd, "rb", closefd=True) as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return "unreadable"
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return "unreadable"


def case_hash(case_data: dict[str, object], media: Path) -> str:
    digest = hashlib.sha256(canonical_json(case_data))
    digest.update(file_digest(media).encode())
    return digest.hexdigest()[:HASH_LENGTH]


def pack_hash(
    pack_data: dict[str, object], case_hashes: Iterable[str], slides: Iterable[tuple[str, str]]
) -> str:
    digest = hashlib.sha256(canonical_json(pack_data))
    for value in sorted(case_hashes):
        digest.update(value.encode())
    for name, text in sorted(slides):
        digest.update(canonical_json([name, text]))
    return digest.hexdigest()[:HASH_LENGTH]
