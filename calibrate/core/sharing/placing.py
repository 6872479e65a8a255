"""Put an extracted, verified pack in place: LESSONS_DIR/<id>/ and LESSONS_DIR/../assets/<id>/.

The targets are judged with lstat, never through a link: a link, a file, a FIFO where a
pack folder goes is refused, so an import never writes through a link out of the lessons
folders. The folders are renamed into place (a copy and a rename when the staging folder is
on another file system); whatever went wrong half way is undone, so a failure leaves the
lessons folders as they were. With `replace`, the old folders are renamed aside first and
deleted only once the new ones are in.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import tempfile
from pathlib import Path
from typing import NamedTuple

from calibrate.core.sharing.errors import TargetInTheWay

_KINDS = {
    stat.S_IFLNK: "a symbolic link",
    stat.S_IFREG: "a file",
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device",
}


class Targets(NamedTuple):
    lessons_dir: Path
    assets_dir: Path
    pack: Path  # lessons_dir / <id>
    assets: Path  # assets_dir / <id>


def targets_of(lessons_dir: Path, pack_id: str) -> Targets:
    """Where pack `pack_id` goes; assets/ is the folder beside lessons/ (as the loader reads)."""
    lessons_dir = Path(os.path.abspath(lessons_dir))
    assets_dir = lessons_dir.parent / "assets"
    return Targets(lessons_dir, assets_dir, lessons_dir / pack_id, assets_dir / pack_id)


def folder_state(path: Path) -> str:
    """'absent' or 'folder' for a path an import may write, else what is in the way."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return "absent"
    except OSError as error:
        raise TargetInTheWay(f"{path}: cannot be checked ({error.strerror}); refused") from None
    if stat.S_ISDIR(mode):
        return "folder"
    return _KINDS.get(stat.S_IFMT(mode), "not a folder")


def check_parents(targets: Targets) -> None:
    """The lessons and assets folders themselves: absent (made on import) or folders (a
    link to a folder is the user's own set-up, e.g. a checkout elsewhere, and is kept)."""
    if not targets.lessons_dir.parent.is_dir():
        raise TargetInTheWay(
            f"{targets.lessons_dir.parent}: no such folder (it holds the lessons folder and "
            "assets/ beside it); refused"
        )
    for folder in (targets.lessons_dir, targets.assets_dir):
        if os.path.lexists(folder) and not folder.is_dir():
            raise TargetInTheWay(f"{folder}: not a folder; refused")


def refuse_in_the_way(path: Path, state: str) -> TargetInTheWay:
    return TargetInTheWay(
        f"{path} is {state}; an import writes real folders only and never through a link "
        "(remove it, or import into another lessons folder); refused"
    )


class _Placement:
    """The steps done so far, to undo them in reverse if a later one fails."""

    def __init__(self) -> None:
        self.undo: list[tuple[Path, Path | None]] = []  # (path, renamed from) or (ours, None)
        self.trash: list[Path] = []  # hidden folders of ours, deleted at the end either way
        self.made: list[Path] = []

    def make_folder(self, folder: Path) -> None:
        if not os.path.lexists(folder):
            folder.mkdir()
            self.made.append(folder)

    def set_aside(self, target: Path) -> None:
        """Rename `target` into a hidden folder beside it (the same file system, always)."""
        aside = Path(tempfile.mkdtemp(dir=target.parent, prefix=".calpack-replaced-"))
        self.trash.append(aside)
        os.rename(target, aside / target.name)
        self.undo.append((aside / target.name, target))

    def move_in(self, source: Path, target: Path) -> None:
        try:
            os.rename(source, target)
        except OSError as error:
            if error.errno != errno.EXDEV:
                raise
            copy = Path(tempfile.mkdtemp(dir=target.parent, prefix=".calpack-copy-"))
            self.trash.append(copy)
            shutil.copytree(source, copy / target.name, symlinks=True)
            fsync_tree(copy / target.name, files=True)
            os.rename(copy / target.name, target)
            self.undo.append((target, None))
        else:
            self.undo.append((target, source))

    def roll_back(self) -> tuple[str, list[Path]] | None:
        """Undo every step done, in reverse, each tried whatever the others did. None when
        all were undone; else why one failed and the old folders still set aside (kept)."""
        failed: str | None = None
        for path, origin in reversed(self.undo):
            try:
                if origin is None:
                    shutil.rmtree(path)
                else:
                    os.rename(path, origin)
            except OSError as error:
                failed = failed or f"{error.strerror or error}: {path}"
        kept = [] if failed is None else [a for a in self.trash if _holds_old_folder(a)]
        self.trash = [folder for folder in self.trash if folder not in kept]
        self.finish()
        for folder in reversed(self.made):
            with contextlib.suppress(OSError):  # not empty: something failed to go
                folder.rmdir()
        return None if failed is None else (failed, [old for a in kept for old in a.iterdir()])

    def finish(self) -> None:
        for folder in self.trash:
            shutil.rmtree(folder, ignore_errors=True)


def _holds_old_folder(aside: Path) -> bool:
    return aside.name.startswith(".calpack-replaced-") and any(aside.iterdir())


def fsync_folder(folder: Path) -> None:
    """The folder's entries (names, renames) on disk."""
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(folder: Path, files: bool = False) -> None:
    """Every folder under `folder`, itself included (and with `files` every file), on disk:
    a crash after the rename into place finds the whole pack, not empty names."""
    for root, _dirs, names in os.walk(folder):
        for name in names if files else ():
            fd = os.open(Path(root, name), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fsync_folder(Path(root))


def place(staged_pack: Path, staged_assets: Path | None, targets: Targets) -> None:
    """Rename the staged folders (their files on disk already) into place, the existing
    ones (if any) set aside and deleted after; on any failure every step is undone and the
    error raised."""
    for staged in (staged_pack, staged_assets):
        if staged is not None:
            fsync_tree(staged)
    placement = _Placement()
    try:
        placement.make_folder(targets.lessons_dir)
        if folder_state(targets.pack) == "folder":
            placement.set_aside(targets.pack)
        if folder_state(targets.assets) == "folder":
            placement.set_aside(targets.assets)
        placement.move_in(staged_pack, targets.pack)
        if staged_assets is not None:
            placement.make_folder(targets.assets_dir)
            placement.move_in(staged_assets, targets.assets)
            fsync_folder(targets.assets_dir)  # the renames themselves on disk
        fsync_folder(targets.lessons_dir)
    except BaseException as error:
        undone = placement.roll_back()
        if undone is not None:
            raise _not_undone(targets, error, *undone) from None
        raise
    placement.finish()


def _not_undone(
    targets: Targets, error: BaseException, why: str, kept: list[Path]
) -> TargetInTheWay:
    """A failure whose undoing failed too: say so, and where the old folders are."""
    cause = getattr(error, "strerror", None) or error
    where = (
        "the old pack is in " + " and ".join(str(folder) for folder in kept) + " (move it back)"
        if kept
        else "check the folders by hand"
    )
    return TargetInTheWay(
        f"{targets.pack}: the pack could not be put in place ({cause}), and undoing that "
        f"failed too ({why}); {where}"
    )
