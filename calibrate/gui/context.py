"""What every screen needs: the workspace (database, packs, managers) and the GUI's own
state beside it — the current profile and the log file errors point to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from calibrate.workspace import Connection, Workspace

if TYPE_CHECKING:
    from pathlib import Path

    from calibrate.core.lessons.result import LoadResult
    from calibrate.core.profiles import Profile


class AppContext(Workspace):
    """The app's Workspace; `profile` (who is taking lessons) is the GUI's, not the
    workspace's: a command has none."""

    def __init__(
        self,
        conn: Connection,
        db_path: Path,
        lessons_dirs: list[Path],
        log_path: Path,
        library: LoadResult | None = None,
        profile: Profile | None = None,
        is_demo: bool = False,
        is_new: bool = False,  # the database file was created by this start (a mistyped --db?)
    ):
        super().__init__(conn, db_path, lessons_dirs, library, is_demo=is_demo, is_new=is_new)
        self.log_path = log_path
        self.profile = profile
