"""Atomic saves: a lesson file is written to a temporary file in its own folder, flushed to
disk (fsync), renamed over the old one (os.replace, atomic on one file system) and the
folder flushed too, so a crash, a full disk or a failed rename leaves either the old file
or the new one whole, never half of one. The new file keeps the old one's permissions (a
git checkout shows no mode change)."""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from pathlib import Path

from calibrate.core.authoring.errors import AuthoringRefused

_NEW_FILE_MODE = 0o644


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data`, or raise AuthoringRefused (one sentence) with the old
    file untouched and no temporary file left behind."""
    if path.is_symlink():
        raise AuthoringRefused(f"{path} is a link; edit the file it points to instead")
    folder = path.parent
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode) if path.exists() else _default_mode()
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise AuthoringRefused(_cannot(path, error)) from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise AuthoringRefused(_cannot(path, error)) from None
    fsync_folder(folder)


def atomic_copy(source: Path, target: Path) -> None:
    """Copy `source` to `target` the same way: whole or not at all (a clip chosen in the
    editor; a full disk leaves no half clip behind)."""
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    except OSError as error:
        raise AuthoringRefused(_cannot(target, error)) from None
    try:
        with os.fdopen(handle, "wb") as out, open(source, "rb") as data:
            shutil.copyfileobj(data, out, 1024 * 1024)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, _default_mode())
        os.replace(temporary, target)
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise AuthoringRefused(_cannot(target, error)) from None
    fsync_folder(target.parent)


def write_text(path: Path, text: str) -> None:
    atomic_write(path, text.encode("utf-8"))


def fsync_folder(folder: Path) -> None:
    """Flush a folder's entries (the rename) to disk; a no-op where folders cannot be opened
    (Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _default_mode() -> int:
    """0o644 less the process's umask, read without os.umask (which would set it, for a
    moment, for every thread of the app)."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii", errors="replace")
        umask = next(
            int(line.split()[1], 8) for line in status.splitlines() if line.startswith("Umask:")
        )
    except (OSError, StopIteration, ValueError, IndexError):
        umask = 0o022
    return _NEW_FILE_MODE & ~umask


def _cannot(path: Path, error: OSError) -> str:
    reason = error.strerror or str(error)
    return f"{path} could not be saved ({reason}); the file on disk is unchanged"
