"""What every screen needs: the open database, the loaded packs, the current profile."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from calibrate.core.lessons_result import LoadResult
from calibrate.store.db import wrap_connection

if TYPE_CHECKING:
    import sqlite3
    from pathlib import Path

    import sqlite_utils

    from calibrate.core.models import Pack
    from calibrate.core.profiles import Profile


class AppContext:
    """`conn` is the one connection to the database; `db` is sqlite-utils over that same
    connection, made on first use so that the first screen opens without importing it.
    (A plain class: a dataclass costs ~1 ms of start-up to build.)"""

    def __init__(
        self,
        conn: sqlite3.Connection,
        db_path: Path,
        lessons_dirs: list[Path],
        log_path: Path,
        library: LoadResult | None = None,
        profile: Profile | None = None,
        is_demo: bool = False,
        is_new: bool = False,  # the database file was created by this start (a mistyped --db?)
    ):
        self.conn = conn
        self.db_path = db_path
        self.lessons_dirs = lessons_dirs
        self.log_path = log_path
        self.library = LoadResult() if library is None else library
        self.profile = profile
        self.is_demo = is_demo
        self.is_new = is_new

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
