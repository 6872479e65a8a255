"""Write one pack (loaded and valid) as a `.calpack`: its files, the clips its cases name,
and manifest.json last (sizes and SHA-256 are known once each file has streamed through).

The archive is written under a temporary name beside FILE and renamed over it once
complete and on disk, so FILE is never half a pack. Clips are stored as they are (video is
already compressed); the text files are deflated. Entry times are fixed, so the same pack
gives the same bytes.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
import tomllib
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import IO

from calibrate.core import models
from calibrate.core.sharing.errors import PackRefused
from calibrate.core.sharing.manifest import MANIFEST, Manifest, ManifestFile, check_names
from calibrate.core.sharing.placing import fsync_folder
from calibrate.core.sharing.reader import Cancelled, Progress, Ticker

COPY_CHUNK = 1024 * 1024
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_FILE_MODE = (stat.S_IFREG | 0o644) << 16


def archive_files(pack: models.Pack) -> list[tuple[str, Path]]:
    """(name in the zip, file on disk) of everything a pack's archive holds, in order."""
    lessons, assets = f"lessons/{pack.id}", f"assets/{pack.id}"
    files = [(f"{lessons}/pack.toml", pack.folder / "pack.toml")]
    files += [(f"{lessons}/guidance/{n}", pack.guidance[n].source) for n in sorted(pack.guidance)]
    cases = sorted(pack.cases.values(), key=lambda c: c.source.name)
    files += [(f"{lessons}/cases/{c.source.name}", c.source) for c in cases]
    clips = {_clip_name(case): case.video for case in cases}
    files += [(f"{assets}/{name}", clips[name]) for name in sorted(clips)]
    return files


def _clip_name(case: models.Case) -> str:
    """The clip as the case file writes it (`video`), which the archive must reproduce; the
    loaded case keeps only the resolved path, which a link inside assets/ may change."""
    data = tomllib.loads(case.source.read_text(encoding="utf-8-sig"))
    return "/".join(PurePosixPath(str(data["video"])).parts)


def write_archive(
    pack: models.Pack,
    out: Path,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Manifest:
    """Write `pack` (validated by the caller) to `out`; returns the manifest written."""
    files = archive_files(pack)
    check_names([name for name, _ in files], pack.id, str(pack.folder))
    if out.resolve() in {path.resolve() for _, path in files}:
        raise PackRefused(f"{out} is one of the pack's own files; write the archive elsewhere")
    total = sum(_size(path) for _, path in files)
    try:
        fd, temp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".partial")
    except OSError as error:
        raise _not_written(out, error) from None
    temp = Path(temp_name)
    try:
        os.fchmod(fd, 0o644)  # mkstemp's 0600 would keep the shared pack from its readers
        with open(fd, "w+b") as handle:
            manifest = _write_zip(handle, pack, files, total, progress, cancelled)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, out)
    except OSError as error:
        temp.unlink(missing_ok=True)
        if error.filename not in (None, temp_name):  # a pack file that cannot be read
            raise
        raise _not_written(out, error) from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    fsync_folder(out.parent)  # the rename itself on disk
    return manifest


def _not_written(out: Path, error: OSError) -> PackRefused:
    """A failure writing the archive, named by the file asked for (never the temporary
    name beside it, which is gone)."""
    return PackRefused(f"{out}: cannot be written ({error.strerror or error}); nothing written")


def _write_zip(
    handle: IO[bytes],
    pack: models.Pack,
    files: list[tuple[str, Path]],
    total: int,
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> Manifest:
    listed: dict[str, ManifestFile] = {}
    ticker = Ticker(total, progress, cancelled)
    stopped = f"export of {pack.folder} cancelled; nothing written"
    with zipfile.ZipFile(handle, "w") as zf:
        for name, path in files:
            deflate = name.startswith("lessons/")
            listed[name] = add_file(zf, name, path, deflate, lambda n: ticker.advance(n, stopped))
        manifest = Manifest(pack.id, pack.content_hash, listed)
        zf.writestr(zip_entry(MANIFEST, deflate=True), manifest.to_json())
    return manifest


def zip_entry(name: str, deflate: bool, size: int = 0) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
    info.external_attr = _FILE_MODE
    info.file_size = size  # zipfile decides on zip64 from it
    return info


def add_file(
    zf: zipfile.ZipFile, name: str, path: Path, deflate: bool, advance: Callable[[int], None]
) -> ManifestFile:
    """Stream one file into the zip, hashing it on the way."""
    digest, size = hashlib.sha256(), 0
    with _open_regular(path) as source, zf.open(zip_entry(name, deflate, _size(path)), "w") as sink:
        while chunk := source.read(COPY_CHUNK):
            digest.update(chunk)
            sink.write(chunk)
            size += len(chunk)
            advance(len(chunk))
    return ManifestFile(name, size, digest.hexdigest())


def _open_regular(path: Path) -> IO[bytes]:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise PackRefused(f"{path}: not a regular file; nothing written")
    os.set_blocking(fd, True)
    return open(fd, "rb")


def _size(path: Path) -> int:
    return os.stat(path).st_size
