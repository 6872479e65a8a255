"""ws.lessons: the packs found in the workspace's lesson folders, and their problems; the
folders themselves (bundled, saved in settings, --lessons: workspace/folders.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from calibrate.core.lessons.result import LoadResult
    from calibrate.core.models import Pack
    from calibrate.workspace import Workspace
    from calibrate.workspace.folders import FoundPack, LessonFolder


class LessonsManager:
    def __init__(self, ws: Workspace):
        self._ws = ws
        # Where the workspace's folders came from (use_folders); until told, every folder
        # but the bundled one counts as this run's own.
        from calibrate import paths

        bundled = paths.bundled_lessons_dir()
        self.saved: list[Path] = []
        self.command_line: list[Path] = [p for p in ws.lessons_dirs if p != bundled]
        self.use_bundled = bundled is not None and bundled in ws.lessons_dirs

    # --- the folders read ---------------------------------------------------------------
    def use_folders(
        self, saved: list[Path], command_line: list[Path], use_bundled: bool = True
    ) -> None:
        """Read the bundled packs (unless use_bundled is False), the folders saved in
        settings and this run's --lessons folders, in that order; `load()` reads them."""
        self.saved, self.command_line, self.use_bundled = (
            list(saved),
            list(command_line),
            use_bundled,
        )
        self._ws.lessons_dirs = [f.path for f in self.folders()]

    def folders(self) -> list[LessonFolder]:
        """The folders read, in reading order, each with where it comes from."""
        from calibrate import paths
        from calibrate.workspace.folders import folder_list

        bundled = paths.bundled_lessons_dir() if self.use_bundled else None
        return folder_list(bundled, self.saved, self.command_line)

    def add_folder(self, path: Path) -> list[Path]:
        """Save one more lessons folder; returns the saved list for the face to keep.
        Raises FolderRefused (one sentence) for a folder that is missing, a file, unreadable,
        the bundled one or read already. `load()` then reads it."""
        from calibrate import paths
        from calibrate.workspace.folders import check_new_folder

        folder = check_new_folder(path, self.folders(), paths.bundled_lessons_dir())
        self.use_folders([*self.saved, folder], self.command_line, self.use_bundled)
        return list(self.saved)

    def remove_folder(self, path: Path) -> list[Path]:
        """Stop reading a saved folder (its files stay where they are); returns the saved
        list. Only folders added in settings can be removed here."""
        from calibrate.workspace.folders import FolderRefused

        if path not in self.saved:
            raise FolderRefused(f"{path} was not added in settings, so it cannot be removed here.")
        self.use_folders([p for p in self.saved if p != path], self.command_line, self.use_bundled)
        return list(self.saved)

    def import_targets(self) -> list[LessonFolder]:
        """The folders a shared pack may be imported into (never the bundled one)."""
        from calibrate.workspace.folders import import_targets

        return import_targets(self.folders())

    def check_import_target(self, path: Path) -> None:
        """FolderRefused unless a pack may be imported into `path` (see import_targets)."""
        from calibrate.workspace.folders import check_import_target

        check_import_target(path, self.folders())

    def found(self, library: LoadResult | None = None) -> list[FoundPack]:
        """Every pack folder in the folders read, with its origin, status and problems."""
        from calibrate.workspace.folders import found_packs

        return found_packs(self._ws.library if library is None else library, self.folders())

    def load(self) -> LoadResult:
        """(Re)read every lesson folder, bundled packs first; the result becomes the
        workspace's library (packs and the problems of those that did not load)."""
        from calibrate import paths
        from calibrate.core.lessons.loader import load_library  # pydantic: ~0.1 s, not at start-up

        self._ws.library = load_library(self._ws.lessons_dirs, bundled=paths.bundled_lessons_dir())
        return self._ws.library

    def read(self, folders: list[Path]) -> LoadResult:
        """Read the packs in `folders` without making them the workspace's (a worker thread
        reads; the GUI thread sets `ws.library`). Imports included, on the calling thread:
        the loader and pydantic take ~0.1 s to import, and sqlite-utils is imported here
        before any other thread can be importing numpy (calibrate/store/__init__.py)."""
        from calibrate import paths
        from calibrate.core.lessons.loader import load_library
        from calibrate.store.db import preload_sqlite_utils

        preload_sqlite_utils()
        return load_library(folders, bundled=paths.bundled_lessons_dir())

    @property
    def packs(self) -> list[Pack]:
        return list(self._ws.library.packs)

    def pack(self, pack_id: str) -> Pack:
        return next(p for p in self._ws.library.packs if p.id == pack_id)
