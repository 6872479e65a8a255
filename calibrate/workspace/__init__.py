"""One open database + the loaded packs: the object every face holds (anki's Collection).

The app, every `calibrate` command and the capabilities to come reach the store only through
a `Workspace` and its managers, named for what users do: `ws.lessons`, `ws.sessions`,
`ws.profiles`, `ws.dashboard`, `ws.disputes`, `ws.exchange`, `ws.reports`, `ws.packs`,
`ws.authoring`, `ws.review`, `ws.machines`, `ws.signals` (docs/architecture.md). Qt-free.

Light at import on purpose: the app's first screen is built with this module loaded, so the
managers (and sqlite-utils, pydantic, numpy, matplotlib behind them) load on first use.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from calibrate.core.lessons.result import LoadResult
from calibrate.store.db import Connection, connect_database, wrap_connection
from calibrate.store.settings import is_demo

if TYPE_CHECKING:
    from pathlib import Path

    from calibrate.core.models import Pack
    from calibrate.store.db import Database
    from calibrate.workspace.authoring import AuthoringManager
    from calibrate.workspace.dashboard import DashboardManager
    from calibrate.workspace.disputes import DisputesManager
    from calibrate.workspace.exchange import ExchangeManager
    from calibrate.workspace.lessons import LessonsManager
    from calibrate.workspace.machines import MachinesManager
    from calibrate.workspace.packs import PacksManager
    from calibrate.workspace.profiles import ProfilesManager
    from calibrate.workspace.reports import ReportsManager
    from calibrate.workspace.review import ReviewManager
    from calibrate.workspace.rooms import RoomsManager
    from calibrate.workspace.sessions import SessionsManager
    from calibrate.workspace.signals import SignalsManager
    from calibrate.workspace.wellness import WellnessManager


def damage_message(error: BaseException, db_path: Path | str | None) -> str | None:
    """The one line for SQLite having found the database file damaged, else None."""
    from calibrate.store.integrity import damaged, is_damage

    return str(damaged(db_path, str(error))) if is_damage(error) else None


__all__ = ["Connection", "Workspace", "damage_message"]


class Workspace:
    """`conn` is the one connection of the thread that opened the workspace; `db` is
    sqlite-utils over that same connection, made on first use. A worker thread never uses
    either: it asks for a connection of its own (`reader()`, `writer()`).
    (A plain class: a dataclass costs ~1 ms of start-up to build.)"""

    def __init__(
        self,
        conn: Connection | None,
        db_path: Path,
        lessons_dirs: list[Path],
        library: LoadResult | None = None,
        is_demo: bool = False,
        is_new: bool = False,  # the database file was created by this start (a mistyped --db?)
    ):
        self.conn = conn
        self.db_path = db_path
        self.lessons_dirs = lessons_dirs
        self.library = LoadResult() if library is None else library
        self.is_demo = is_demo
        self.is_new = is_new

    @classmethod
    def open(cls, db_path: Path, lessons_dirs: list[Path]) -> Workspace:
        """Open (creating and migrating if needed) the database; the packs are not loaded
        yet (`ws.lessons.load()`): the app shows its first screen before."""
        is_new = not db_path.exists()
        conn = connect_database(db_path)
        return cls(conn, db_path, lessons_dirs, is_demo=is_demo(conn), is_new=is_new)

    @classmethod
    def without_database(cls, lessons_dirs: list[Path]) -> Workspace:
        """For work on files alone (`calibrate pack`): no database is opened or created;
        a manager that needs one raises StoreError."""
        from pathlib import Path

        return cls(None, Path(), lessons_dirs)

    @property
    def connection(self) -> Connection:
        if self.conn is None:
            from calibrate.core.errors import StoreError

            raise StoreError("no database is open in this workspace")
        return self.conn

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()

    @cached_property
    def db(self) -> Database:
        return wrap_connection(self.connection)

    def reader(self) -> Database:
        """A read-only connection of the calling thread's own (close it when done)."""
        from calibrate.store.db import open_reader

        return open_reader(self.db_path)

    def writer(self) -> Database:
        """A writing connection of the calling thread's own (close it when done)."""
        from calibrate.store.db import open_database

        return open_database(self.db_path)

    # --- managers, each imported on first use (start-up: see the module's docstring) ----
    @cached_property
    def lessons(self) -> LessonsManager:
        from calibrate.workspace.lessons import LessonsManager

        return LessonsManager(self)

    @cached_property
    def profiles(self) -> ProfilesManager:
        from calibrate.workspace.profiles import ProfilesManager

        return ProfilesManager(self)

    @cached_property
    def sessions(self) -> SessionsManager:
        from calibrate.workspace.sessions import SessionsManager

        return SessionsManager(self)

    @cached_property
    def dashboard(self) -> DashboardManager:
        from calibrate.workspace.dashboard import DashboardManager

        return DashboardManager(self)

    @cached_property
    def disputes(self) -> DisputesManager:
        from calibrate.workspace.disputes import DisputesManager

        return DisputesManager(self)

    @cached_property
    def exchange(self) -> ExchangeManager:
        from calibrate.workspace.exchange import ExchangeManager

        return ExchangeManager(self)

    @cached_property
    def packs(self) -> PacksManager:
        from calibrate.workspace.packs import PacksManager

        return PacksManager(self)

    @cached_property
    def authoring(self) -> AuthoringManager:
        from calibrate.workspace.authoring import AuthoringManager

        return AuthoringManager(self)

    @cached_property
    def reports(self) -> ReportsManager:
        from calibrate.workspace.reports import ReportsManager

        return ReportsManager(self)

    @cached_property
    def rooms(self) -> RoomsManager:
        from calibrate.workspace.rooms import RoomsManager

        return RoomsManager(self)

    @cached_property
    def review(self) -> ReviewManager:
        from calibrate.workspace.review import ReviewManager

        return ReviewManager(self)

    @cached_property
    def wellness(self) -> WellnessManager:
        from calibrate.workspace.wellness import WellnessManager

        return WellnessManager(self)

    @cached_property
    def machines(self) -> MachinesManager:
        from calibrate.workspace.machines import MachinesManager

        return MachinesManager(self)

    @cached_property
    def signals(self) -> SignalsManager:
        from calibrate.workspace.signals import SignalsManager

        return SignalsManager(self)

    # --- the loaded packs (ws.lessons keeps them current) --------------------------------
    def reload_library(self) -> LoadResult:
        return self.lessons.load()

    def pack(self, pack_id: str) -> Pack:
        return self.lessons.pack(pack_id)
