"""Open a `.calpack` and stream its files out, checking every limit on the bytes themselves.

Nothing here trusts the zip's headers to accept anything: declared sizes may only refuse
early; the bytes as they stream out are counted against the manifest's size, the total
allowed, and 100× the compressed bytes actually read (the zip-bomb ratio). Memory stays
bounded by one chunk, whatever the size of the clips.
"""

from __future__ import annotations

import hashlib
import os
import stat
import zipfile
import zlib
from collections.abc import Callable, Collection
from pathlib import Path
from typing import IO, Any

from calibrate.core.lessons.files import MAX_FILE_BYTES
from calibrate.core.sharing.errors import (
    ArchiveTooLarge,
    ManifestMismatch,
    NotAPackArchive,
    PackCancelled,
    PackRefused,
    UnsafeEntry,
)
from calibrate.core.sharing.manifest import (
    FORMAT,
    MANIFEST,
    MAX_ENTRIES,
    MAX_MANIFEST_BYTES,
    MAX_RATIO,
    RATIO_FREE_BYTES,
    Manifest,
    check_names,
    read_manifest,
    shown,
)
from calibrate.core.sharing.zipdir import check_directory, entries_refused

CHUNK = 128 * 1024  # small enough that a bomb is caught a few MB in, big enough to be fast
_ZIP_BROKEN = (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError)
_ZIP_MAGIC = b"PK\x03\x04"

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


class Ticker:
    """Bytes done of a total, told to the caller's progress callback chunk by chunk, and
    the caller's cancel check asked as often (STYLE.md "Threading": plain Python, no Qt)."""

    def __init__(
        self, total: int, progress: Progress | None, cancelled: Cancelled | None, done: int = 0
    ):
        self.done, self.total = done, total
        self._progress, self._cancelled = progress, cancelled

    def advance(self, n: int, stopped: str) -> None:
        """Count n more bytes; PackCancelled(`stopped`) when the caller asked to stop."""
        self.done += n
        if self._cancelled is not None and self._cancelled():
            raise PackCancelled(stopped)
        if self._progress is not None:
            self._progress(self.done, self.total)


class _CountingFile:
    """The archive file, counting the bytes zipfile reads from it (compressed bytes, the
    honest denominator of an entry's expansion ratio)."""

    def __init__(self, raw: IO[bytes]):
        self._raw = raw
        self.count = 0

    def read(self, n: int = -1) -> bytes:
        data = self._raw.read(n)
        self.count += len(data)
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()

    def seekable(self) -> bool:
        return True


class PackArchive:
    """An opened `.calpack` that passed every check needing no byte extracted (names, kinds,
    manifest, declared sizes); `extract` streams it out. Use it as a context manager."""

    def __init__(self, path: Path, max_total: int, expected_format: str = FORMAT):
        self.path = path
        self.name = str(path)
        self.max_total = max_total
        self._done = 0  # bytes extracted so far, for the progress of a later `extract`
        self._handle = _open_regular(path)
        self._file = _CountingFile(self._handle)
        try:
            self.zip = _open_zip(self._file, self._handle, self.name)
            self.entries, self.manifest = _checked_entries(
                self.zip, self.name, max_total, expected_format
            )
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        if hasattr(self, "zip"):
            self.zip.close()
        self._handle.close()

    def __enter__(self) -> PackArchive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.manifest.files.values())

    def extract(
        self,
        into: Path,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
        only: Collection[str] | None = None,
    ) -> None:
        """Write every file (or those named in `only`) under `into`, a new folder of the
        caller's, each checked as it streams: its size and SHA-256 against the manifest, and
        the zip-bomb ratio; each file is on disk (fsync) when this returns. Progress counts
        on across calls, out of every file's bytes."""
        ticker = Ticker(self.total_bytes, progress, cancelled, self._done)
        chosen = [i for i in self.entries if only is None or i.filename in only]
        for info in sorted(chosen, key=lambda i: i.header_offset):
            try:
                self._extract_one(info, into, ticker)
            except OSError as error:  # a full disk, a folder that cannot be written
                raise PackRefused(
                    f"{self.name}: {shown(info.filename)} cannot be extracted beside the "
                    f"lessons folder ({error.strerror or error}); nothing written"
                ) from None
            finally:
                self._done = ticker.done

    def _extract_one(self, info: zipfile.ZipInfo, into: Path, ticker: Ticker) -> None:
        expected = self.manifest.files[info.filename]
        target = into.joinpath(*info.filename.split("/"))
        _refuse_outside(target, into, self.name, info.filename)
        target.parent.mkdir(parents=True, exist_ok=True)  # inside `into`: ours alone
        digest, written = hashlib.sha256(), 0
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        stopped = f"{self.name}: import cancelled; nothing written"
        try:
            with self.zip.open(info) as source, open(os.open(target, flags, 0o666), "wb") as out:
                self._file.count = 0  # the local header is read: count the data alone
                while chunk := source.read(CHUNK):
                    written += len(chunk)
                    read = self._file.count - _read_ahead(source)
                    self._check_ratio(info, written, read)
                    digest.update(chunk)
                    out.write(chunk)
                    ticker.advance(len(chunk), stopped)
                out.flush()
                os.fsync(out.fileno())  # on disk before its folder is renamed into place
        except _ZIP_BROKEN as error:
            raise NotAPackArchive(
                f"{self.name}: entry {shown(info.filename)} is damaged ({error}); refused"
            ) from None
        if written != expected.size or digest.hexdigest() != expected.sha256:
            raise ManifestMismatch(
                f"{self.name}: {shown(info.filename)} differs from {MANIFEST} (its "
                f"{'size' if written != expected.size else 'SHA-256'}): the archive was "
                "changed after export; refused"
            )

    def _check_ratio(self, info: zipfile.ZipInfo, written: int, read: int) -> None:
        """The zip-bomb ratio, on the bytes streamed out so far and the compressed bytes
        actually read. (Size and total need no check here: the entry's file_size was checked
        against the manifest and the manifest's total against the limit before extraction,
        and zipfile stops each entry at its file_size, refusing a longer stream by its CRC.)"""
        if written > RATIO_FREE_BYTES and written > MAX_RATIO * max(read, 1):
            raise ArchiveTooLarge(
                f"{self.name}: entry {shown(info.filename)} expands more than {MAX_RATIO}× "
                "its compressed size (a zip bomb); refused"
            )


def _refuse_outside(target: Path, into: Path, archive: str, name: str) -> None:
    """The file about to be opened, its links resolved, must lie inside `into`: the names
    were checked already, this holds even if something in `into` is not what we made."""
    root = os.path.realpath(into)
    if os.path.commonpath([root, os.path.realpath(target)]) != root:
        raise UnsafeEntry(f"{archive}: entry {shown(name)} would be written outside; refused")


def _read_ahead(source: IO[bytes]) -> int:
    """Compressed bytes zipfile has read but not yet inflated (up to one chunk): left out of
    the ratio's denominator, so a bomb is caught just past 1 MiB, not 100 chunks later."""
    decompressor = getattr(source, "_decompressor", None)
    return len(getattr(decompressor, "unconsumed_tail", b""))


def too_large(archive: str, limit: int) -> ArchiveTooLarge:
    return ArchiveTooLarge(
        f"{archive}: unpacks to more than {limit:,} bytes, the limit; refused", total_limit=True
    )


def _open_regular(path: Path) -> IO[bytes]:
    """The archive opened for reading; a FIFO, device or folder is refused, never read."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except OSError as error:
        raise NotAPackArchive(f"{path}: cannot be read ({error.strerror}); refused") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise NotAPackArchive(f"{path}: not a regular file; refused")
    os.set_blocking(fd, True)
    return open(fd, "rb")


def _open_zip(counting: _CountingFile, handle: IO[bytes], name: str) -> zipfile.ZipFile:
    """The zip's directory, once zipdir has bounded it: zipfile reads the whole central
    directory into memory, so a huge one is refused first."""
    try:
        check_directory(handle, name)
        handle.seek(0)
        return zipfile.ZipFile(counting)
    except (*_ZIP_BROKEN, OSError, UnicodeDecodeError):
        handle.seek(0)
        if handle.read(4) == _ZIP_MAGIC:
            raise NotAPackArchive(
                f"{name}: the zip is truncated or damaged (no readable directory at its end); "
                "copy it again; refused"
            ) from None
        raise NotAPackArchive(
            f"{name}: not a zip archive (a .calpack is made by `calibrate pack export`); refused"
        ) from None


def _checked_entries(
    zf: zipfile.ZipFile, name: str, max_total: int, expected_format: str
) -> tuple[list[zipfile.ZipInfo], Manifest]:
    """The entries to extract and the manifest, once every name, kind and declared size has
    passed: the checks that need no byte extracted."""
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        raise entries_refused(name, len(infos))
    for info in infos:
        why = _kind_problem(info)
        if why is not None:
            raise UnsafeEntry(f"{name}: entry {shown(info.filename)} {why}; refused")
    manifests = [i for i in infos if i.filename == MANIFEST]
    if not manifests:
        raise NotAPackArchive(f"{name}: no {MANIFEST} at its root: not a Calibrate pack; refused")
    if len(manifests) > 1:
        raise UnsafeEntry(f"{name}: {MANIFEST} appears twice; refused")
    manifest = read_manifest(_read_small(zf, manifests[0], name), name, expected_format)
    entries = [i for i in infos if i is not manifests[0]]
    check_names([i.filename for i in entries], manifest.pack_id, name)
    in_zip = {i.filename for i in entries}
    extra = sorted(in_zip - manifest.files.keys())
    if extra:
        raise ManifestMismatch(f"{name}: entry {shown(extra[0])} is not in {MANIFEST}; refused")
    missing = sorted(manifest.files.keys() - in_zip)
    if missing:
        raise ManifestMismatch(
            f"{name}: {MANIFEST} lists {shown(missing[0])}, which the archive lacks; refused"
        )
    for info in entries:
        if info.file_size != manifest.files[info.filename].size:
            raise ManifestMismatch(
                f"{name}: {shown(info.filename)} differs from {MANIFEST} (its size); refused"
            )
    if sum(f.size for f in manifest.files.values()) > max_total:
        raise too_large(name, max_total)
    _refuse_big_lesson_files(manifest, name)
    _refuse_overlaps(infos, name)
    return entries, manifest


def _refuse_big_lesson_files(manifest: Manifest, name: str) -> None:
    """A lesson file the loader would refuse for its size is refused before it is written."""
    for path, listed in manifest.files.items():
        if path.startswith("lessons/") and listed.size > MAX_FILE_BYTES:
            raise ArchiveTooLarge(
                f"{name}: {shown(path)} is {listed.size:,} bytes, more than a lesson file may "
                f"be ({MAX_FILE_BYTES // 1024:,} KiB); refused"
            )


def _kind_problem(info: zipfile.ZipInfo) -> str | None:
    """Why an entry is not a plain file this reader extracts, else None."""
    mode = info.external_attr >> 16
    if info.filename.endswith("/") or info.external_attr & 0x10 or stat.S_ISDIR(mode):
        return "is a folder entry, not a regular file"
    if stat.S_ISLNK(mode):
        return "is a symbolic link, not a regular file"
    if stat.S_IFMT(mode) and not stat.S_ISREG(mode):
        return "is not a regular file"
    if info.flag_bits & 0x41:
        return "is encrypted"
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        return f"uses compression method {info.compress_type} (only stored and deflate are read)"
    return None


def _read_small(zf: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes:
    try:
        with zf.open(info) as source:
            raw: bytes = source.read(MAX_MANIFEST_BYTES + 1)
    except _ZIP_BROKEN as error:
        raise NotAPackArchive(f"{name}: {MANIFEST} is damaged ({error}); refused") from None
    if len(raw) > MAX_MANIFEST_BYTES:
        raise NotAPackArchive(f"{name}: {MANIFEST} is implausibly large; refused")
    return raw


def _refuse_overlaps(infos: list[zipfile.ZipInfo], name: str) -> None:
    """Entries sharing compressed bytes: the overlapping kind of zip bomb (one deflate stream
    counted by thousands of entries). Each entry's data must end before the next begins."""
    ordered: list[Any] = sorted(infos, key=lambda i: i.header_offset)
    for before, after in zip(ordered, ordered[1:], strict=False):
        if before.header_offset + 30 + before.compress_size > after.header_offset:
            raise ArchiveTooLarge(
                f"{name}: entries {shown(before.filename)} and {shown(after.filename)} overlap "
                "(a zip bomb); refused"
            )
