"""What every screen needs: the open database, the loaded packs, the current profile."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from calibrate.core.lessons_result import LoadResult
from calibrate.core.profiles import Profile
from calibrate.store.db import wrap_connection

if TYPE_CHECKING:
    import sqlite3

    import sqlite_utils

    from calibrate.core.models import Pack


@dataclass
class AppContext:
    """`conn` is the one connection to the database; `db` is sqlite-utils over that same
    connection, made on first use so that the first screen opens without importing it."""

    conn: sqlite3.Connection
    db_path: Path
    lessons_dirs: list[Path]
    log_path: Path
    library: LoadResult = field(default_factory=LoadResult)
    profile: Profile | None = None
    is_demo: bool = False
    is_new: bool = False  # the database file was created by this start (a mistyped --db?)

    @cached_property
    def db(self) -> sqlite_utils.Database:
        return wrap_connection(self.conn)

    def reload_library(self) -> LoadResult:
        from calibrate import paths
        from calibrate.core.lessons import load_library  # pydantic: ~0.1 s, not at start-up

        self.library = load_library(self.lessons_dirs, bundled=paths.bundled_lessons_dir())
        return self.library

    def pack(self, pack_id: str) -> Pack:
        return next(p for p in self.library.packs if p.id == pack_id)
