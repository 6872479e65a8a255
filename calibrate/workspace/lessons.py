"""ws.lessons: the packs found in the workspace's lesson folders, and their problems."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from calibrate.core.lessons.result import LoadResult
    from calibrate.core.models import Pack
    from calibrate.workspace import Workspace


class LessonsManager:
    def __init__(self, ws: Workspace):
        self._ws = ws

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
