"""Clips chosen in the editor: named by their content (a SHA-256 prefix and the extension,
so the same clip chosen twice is stored once and a renamed source changes nothing), and the
facts the editor re-checks on every keystroke — a clip's digest, the loader's clip check,
whether libVLC decodes it — cached by the file's identity (device, inode, size, mtime), so a
check reads no clip bytes unless the clip changed."""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Callable
from pathlib import Path

from calibrate.core.lessons.files import clip_problem

NAME_DIGITS = 16  # hex digits of the SHA-256 in a clip's name: 64 bits
_EXTENSION = re.compile(r"^\.[A-Za-z0-9]{1,8}$")
FileKey = tuple[str, int, int, int, int]


def file_key(path: Path) -> FileKey | None:
    """What changes when the file does: its real path, device, inode, size and mtime."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (os.path.realpath(path), info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def content_name(digest: str, source: Path) -> str:
    """`<digest prefix><.ext>`: the extension lower-cased, dropped when it is not a plain one."""
    suffix = source.suffix.lower()
    return digest[:NAME_DIGITS] + (suffix if _EXTENSION.match(suffix) else "")


class ClipFacts:
    """The editor's cache of clip facts; one per workspace (clips are few, entries small)."""

    def __init__(self) -> None:
        self._digests: dict[FileKey, str] = {}
        self._checks: dict[tuple[FileKey, str, str | None], str | None] = {}
        self._decodes: dict[str, str | None] = {}  # by digest: the same bytes decode alike

    def digest(self, path: Path) -> str:
        """SHA-256 hex of a regular file's bytes (OSError when it is not one)."""
        key = file_key(path)
        if key is not None and key in self._digests:
            return self._digests[key]
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with open(fd, "rb", closefd=True) as handle:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise OSError(0, "not a regular file")
            digest = hashlib.file_digest(handle, "sha256").hexdigest()
        if key is not None:
            self._digests[key] = digest
        return digest

    def clip_problem(self, path: Path, root: Path, real_parent: Path | None) -> str | None:
        """files.clip_problem, answered from the cache while the clip is unchanged."""
        key = file_key(path)
        if key is None:  # missing (or unreadable): the loader's check says which, cheaply
            return clip_problem(path, root, real_parent)
        cache_key = (key, str(root), str(real_parent) if real_parent else None)
        if cache_key not in self._checks:
            self._checks[cache_key] = clip_problem(path, root, real_parent)
        return self._checks[cache_key]

    def decode_problem(self, path: Path, probe: Callable[[Path], str | None]) -> str | None:
        """probe(path) (libVLC's verdict), once per distinct content."""
        digest = self.digest(path)
        if digest not in self._decodes:
            self._decodes[digest] = probe(path)
        return self._decodes[digest]
