"""The lessons folders Calibrate reads, where each comes from, and the packs found in them.

Three origins, read in this order (DESIGN.md, "Where packs are found"): the bundled demo
packs (read-only: the app never writes there), the folders the user added in settings, and
this run's `--lessons` folders. A pack in a later folder replaces a bundled pack of the same
id. The face keeps the saved list (the GUI in its QSettings); the rules live here, Qt-free.
"""

from __future__ import annotations

import os
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from calibrate.core.errors import CalibrateError, counted

if TYPE_CHECKING:
    from calibrate.core.errors import Problem
    from calibrate.core.lessons.result import LoadResult
    from calibrate.core.models import Pack

PACK_FILE = "pack.toml"


class Origin(Enum):
    BUNDLED = "bundled"
    SAVED = "saved"  # added in settings
    COMMAND_LINE = "command line"  # --lessons, this run only


class FolderRefused(CalibrateError):
    """A folder that cannot be added to, or removed from, the saved lessons folders."""


class LessonFolder(NamedTuple):
    """A folder read for packs. (A NamedTuple: the app builds its list at start-up, where a
    dataclass costs ~1 ms to build.)"""

    path: Path
    origin: Origin

    @property
    def read_only(self) -> bool:
        """The bundled packs are the app's own: never written to, never removed."""
        return self.origin is Origin.BUNDLED

    @property
    def is_pack(self) -> bool:
        """A pack folder given directly rather than a lessons folder holding packs."""
        return (self.path / PACK_FILE).exists()

    def describe(self) -> str:
        return {
            Origin.BUNDLED: "bundled with Calibrate · read-only",
            Origin.SAVED: "added in settings",
            Origin.COMMAND_LINE: "--lessons, this run only",
        }[self.origin]


def _same(a: Path, b: Path) -> bool:
    return os.path.realpath(a) == os.path.realpath(b)


def folder_list(
    bundled: Path | None, saved: list[Path], command_line: list[Path]
) -> list[LessonFolder]:
    """The folders to read, in reading order, each once (the first origin that names it)."""
    folders: list[LessonFolder] = []
    named = [(bundled, Origin.BUNDLED)] if bundled is not None else []
    named += [(p, Origin.SAVED) for p in saved] + [(p, Origin.COMMAND_LINE) for p in command_line]
    for path, origin in named:
        assert path is not None
        if not any(_same(path, f.path) for f in folders):
            folders.append(LessonFolder(path, origin))
    return folders


def check_new_folder(path: Path, folders: list[LessonFolder], bundled: Path | None) -> Path:
    """The folder to save (absolute), or FolderRefused saying in one sentence why not."""
    path = Path(os.path.abspath(path.expanduser()))
    if not path.exists():
        raise FolderRefused(f"{path} does not exist.")
    if not path.is_dir():
        raise FolderRefused(f"{path} is a file, not a folder: choose the folder that holds packs.")
    if not os.access(path, os.R_OK | os.X_OK):
        raise FolderRefused(f"Calibrate may not read {path}.")
    if bundled is not None and _same(path, bundled):
        raise FolderRefused(f"{path} holds the bundled packs; Calibrate always reads it.")
    for folder in folders:
        if _same(path, folder.path):
            raise FolderRefused(f"{path} is read already ({folder.describe()}).")
        if _inside(str(os.path.realpath(path)), Path(os.path.realpath(folder.path))):
            raise FolderRefused(
                f"{path} is inside {folder.path}, which Calibrate reads already "
                f"({folder.describe()}): its packs would be found twice."
            )
    return path


def import_targets(folders: list[LessonFolder]) -> list[LessonFolder]:
    """The folders a pack may be imported into: the user's own lessons folders (never the
    bundled one, nor a pack folder given directly)."""
    return [f for f in folders if not f.read_only and f.path.is_dir() and not f.is_pack]


def check_import_target(path: Path, folders: list[LessonFolder]) -> None:
    """FolderRefused unless `path` is one of the user's own lessons folders: the bundled
    packs are read-only, and a folder Calibrate does not read would hide the pack."""
    for folder in folders:
        if _same(path, folder.path):
            if folder.read_only:
                raise FolderRefused(
                    f"{path} holds the bundled packs, which are read-only; import into a "
                    "lessons folder of your own (Lesson folders…)."
                )
            if folder.is_pack:
                raise FolderRefused(f"{path} is a pack folder, not a lessons folder.")
            return
    raise FolderRefused(f"Calibrate does not read {path}; add it in Lesson folders… first.")


class Status(Enum):
    IN_USE = "in use"
    REPLACED = "replaced"  # a bundled pack whose id a pack in another folder took over
    NOT_LOADED = "not loaded"  # pack.toml has problems, or the id is taken already


class FoundPack:
    """One pack folder found in a lessons folder, with the problems of its files."""

    def __init__(self, folder: Path, lessons_folder: LessonFolder, problems: list[Problem]):
        self.folder, self.lessons_folder, self.problems = folder, lessons_folder, problems
        self.title = folder.name  # the pack's title once it is known to have loaded
        self.status = Status.NOT_LOADED
        self.pack: Pack | None = None  # the loaded pack, when this copy is the one in use
        self.replaced_by: Path | None = None  # for a REPLACED bundled pack: the copy in use

    @property
    def pack_id(self) -> str:
        return self.folder.name  # a pack's id must equal its folder's name

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_warning]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.is_warning]

    def describe_status(self) -> str:
        if self.status is Status.REPLACED:
            return f"replaced by the copy in {self.replaced_by}"
        if self.status is Status.NOT_LOADED:
            return "not loaded: see its problems"
        unavailable = len(self.pack.unavailable) if self.pack else 0
        return f"in use; {counted(unavailable, 'lesson')} unavailable" if unavailable else "in use"


def _pack_folders(folder: Path) -> list[Path]:
    if (folder / PACK_FILE).exists() or (folder / PACK_FILE).is_symlink():
        return [folder]
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return []
    return [p for p in entries if p.is_dir() and (p / PACK_FILE).exists()]


def _inside(file: str, folder: Path) -> bool:
    return os.path.abspath(file).startswith(os.path.join(os.path.abspath(folder), ""))


def found_packs(library: LoadResult, folders: list[LessonFolder]) -> list[FoundPack]:
    """Every pack folder in `folders`, in reading order, matched with the library that was
    read from them: which copy is in use, which bundled pack another folder replaced, and
    each one's problems (those whose file lies in the pack folder). A scan of folder names
    only (a listing per lessons folder); the files were read by the library's load."""
    in_use = {os.path.abspath(p.folder): p for p in library.packs}
    found: list[FoundPack] = []
    for lessons_folder in folders:
        for folder in _pack_folders(lessons_folder.path):
            pack = in_use.get(os.path.abspath(folder))
            problems = [p for p in library.problems if _inside(p.file, folder)]
            entry = FoundPack(folder, lessons_folder, problems)
            if pack is not None:
                entry.title, entry.status, entry.pack = pack.title, Status.IN_USE, pack
            elif lessons_folder.read_only:
                other = next((p for p in library.packs if p.id == folder.name), None)
                if other is not None:
                    entry.title, entry.status = other.title, Status.REPLACED
                    entry.replaced_by = other.folder
            found.append(entry)
    for entry in found:  # a bundled pack set aside because the user's copy did not load
        if entry.lessons_folder.read_only and entry.status is Status.NOT_LOADED:
            copy = next((f for f in found if f.pack_id == entry.pack_id and f is not entry), None)
            if copy is not None and not entry.problems:
                entry.status, entry.replaced_by = Status.REPLACED, copy.folder
    return found


def folder_problems(library: LoadResult, folders: list[LessonFolder]) -> dict[Path, str]:
    """Problems of a lessons folder itself ("lessons folder not found"), by folder."""
    return {
        f.path: p.message
        for f in folders
        for p in library.problems
        if os.path.abspath(p.file) == os.path.abspath(f.path)
    }
