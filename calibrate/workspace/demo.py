"""The demo history: written into a new or empty database (`calibrate demo`, the app's
--demo), refreshed when stale. Light at import: the app's --demo start reads this module
before its first paint, and writes (numpy, pydantic, sqlite-utils) only when it must."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from calibrate.core.errors import ExchangeError

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date

    from calibrate.core.demo_history.records import DemoHistory
    from calibrate.core.models import Pack
    from calibrate.store.db import Database

log = logging.getLogger(__name__)


def write_demo(db_path: Path | None, seed: int | None = None) -> tuple[Path, DemoHistory]:
    """Check the target, simulate, and write (seed None: the default, DEFAULT_SEED); a file
    this call created is removed on failure."""
    from datetime import UTC, datetime

    from calibrate import paths
    from calibrate.core.demo_history.simulation import DEMO_PACKS, generate_history
    from calibrate.core.demo_history.words import DEFAULT_SEED
    from calibrate.core.lessons.loader import load_library
    from calibrate.store.db import open_database
    from calibrate.store.demo_data import (
        check_new_or_empty,
        remove_database_files,
        write_demo_history,
    )

    path = Path(db_path) if db_path is not None else paths.demo_database()
    check_new_or_empty(path)
    lessons = paths.bundled_lessons_dir()
    if lessons is None:
        raise ExchangeError("the bundled demo packs were not found; reinstall Calibrate")
    packs = [p for p in load_library([lessons]).packs if p.id in DEMO_PACKS]
    now = datetime.now(UTC)
    try:
        history = generate_history(
            packs, today=now.date(), seed=DEFAULT_SEED if seed is None else seed, not_after=now
        )
    except ValueError as error:
        raise ExchangeError(str(error)) from None
    existed = path.exists()
    db = open_database(path)
    try:
        write_demo_history(db, history, packs)
        _write_demo_run(db, packs, history.seed)
        _write_demo_signals(db, history, now.date(), DEFAULT_SEED if seed is None else seed)
    except BaseException:
        db.conn.close()
        if not existed:
            remove_database_files(path)
        raise
    db.conn.close()
    return path, history


def _write_demo_run(db: Database, packs: Sequence[Pack], seed: int) -> None:
    """The demo's model run beside the moderators (core/demo_history/machine_run.py)."""
    from calibrate.core.demo_history.machine_run import DEMO_RUN_NAME, demo_run
    from calibrate.store.machines import write_run

    write_run(db, DEMO_RUN_NAME, demo_run(packs, seed), "calibrate demo", None)


def _write_demo_signals(db: Database, history: DemoHistory, today: date, seed: int) -> None:
    """A year of weekly production signals with the planted harassment effect."""
    from calibrate.core.demo_history.signals import demo_signals
    from calibrate.store.signals import insert_signals

    insert_signals(db, demo_signals(history.sessions, today, seed), "demo")


def ensure_demo_database(path: Path) -> None:
    """Create the demo history if the file is new or empty; refresh a stale demo file.

    A stale demo file (newest answer more than a few days old) is moved aside, never deleted:
    someone may have taken lessons in it. Only a file marked as demo is ever moved, so a real
    database passed by mistake is refused by `write_demo` instead.
    """
    from datetime import UTC, date, datetime, timedelta

    from calibrate.store.db import connect_database
    from calibrate.store.settings import is_demo, newest_answer_time

    if path.exists() and path.stat().st_size > 0:
        conn = connect_database(path)
        newest = newest_answer_time(conn) or "" if is_demo(conn) else None
        conn.close()
        if newest is None or newest[:10] >= (date.today() - timedelta(days=4)).isoformat():
            return
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        aside = path.with_name(f"{path.stem}.before-{stamp}{path.suffix}")
        log.info("demo history in %s is stale: moved to %s, writing it afresh", path, aside)
        for suffix in ("", "-wal", "-shm"):
            source = Path(f"{path}{suffix}")
            if source.exists():
                source.rename(Path(f"{aside}{suffix}"))
    write_demo(path)
