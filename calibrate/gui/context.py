"""What every screen needs: the open database, the loaded packs, the current profile."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from calibrate.core.lessons import LoadResult, load_library
from calibrate.core.models import Pack, Profile


@dataclass
class AppContext:
    db: sqlite_utils.Database
    db_path: Path
    lessons_dirs: list[Path]
    log_path: Path
    library: LoadResult = field(default_factory=LoadResult)
    profile: Profile | None = None
    is_demo: bool = False

    def reload_library(self) -> LoadResult:
        self.library = load_library(self.lessons_dirs)
        return self.library

    def pack(self, pack_id: str) -> Pack:
        return next(p for p in self.library.packs if p.id == pack_id)
