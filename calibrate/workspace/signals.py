"""ws.signals: production signals (docs/signals.md) — a weekly signals file checked whole and
merged into the database, and what the dashboard's Production tab reads. Qt-free.

One import for every face: `import_signals` reads and checks the file before the database is
opened, sets it against what is stored, and writes nothing unless every row is good; a
database file the import created is removed when it refuses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from calibrate.core.errors import CalibrateError, counted
from calibrate.core.signals.rows import (
    METRICS,
    RowProblem,
    SignalRow,
    duplicate_problems,
    merge_problems,
    unknown_metrics,
    weeks_to_look_up,
)

if TYPE_CHECKING:
    from calibrate.core.models import Pack
    from calibrate.core.signals.production import LessonStart, SignalValue
    from calibrate.store.db import Database
    from calibrate.workspace import Workspace


class SignalsRefused(CalibrateError):
    """A refused signals file: `problems` are its lines, `FILE: row N: message` each (a
    whole-file problem is one line); `all_counted` is False when the reader stopped at its
    limit of problems, so the file has at least that many."""

    def __init__(self, problems: list[str], *, all_counted: bool = True):
        self.problems = problems
        self.all_counted = all_counted
        super().__init__(problems[0])


@dataclass(frozen=True)
class SignalsImport:
    """What an import did (or, refused, would have done)."""

    file: str
    added: int
    replaced: int
    unchanged: int
    packs: tuple[str, ...]
    weeks: tuple[date, date] | None  # the first and last week in the file
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        span = "" if self.weeks is None else f", weeks {self.weeks[0]} to {self.weeks[1]}"
        return (
            f"{counted(self.added, 'value')} added, {self.replaced} replaced, "
            f"{self.unchanged} unchanged ({counted(len(self.packs), 'pack')}{span})"
        )


def check_signals_file(path: Path, packs: Sequence[Pack]) -> list[SignalRow]:
    """The file's rows, every one good and no key twice; SignalsRefused otherwise."""
    from calibrate.tabular.limits import InputError
    from calibrate.tabular.signals_csv import read_signals_csv

    clauses = {p.id: frozenset(c.id for c in p.clauses) for p in packs}
    try:
        rows, problems, read_whole = read_signals_csv(path, clauses)
    except InputError as error:
        raise SignalsRefused([str(error)]) from None
    problems = sorted(problems + duplicate_problems(rows))
    if problems:
        raise SignalsRefused(_lines(path, problems), all_counted=read_whole)
    if not rows:
        raise SignalsRefused([f"{path}: no rows after the header; nothing to import"])
    return rows


def import_signals(
    db_path: Path, path: Path, packs: Sequence[Pack], *, replace: bool = False
) -> SignalsImport:
    """Check `path` whole, then merge it into the database at `db_path` in one transaction:
    a stored key with the same value is left alone, a different value is refused unless
    `replace` (then replaced, and the old value kept in the audit trail)."""
    from calibrate.store.db import open_database
    from calibrate.store.demo_data import remove_database_files
    from calibrate.store.signals import stored_values, write_signals

    rows = check_signals_file(path, packs)
    created = not db_path.exists()
    db = open_database(db_path)
    try:
        merge = merge_problems(rows, stored_values(db, weeks_to_look_up(rows)), replace)
        if merge.problems:
            raise SignalsRefused(_lines(path, sorted(merge.problems)))
        if merge.added or merge.replaced:  # the same values again: a no-op, nothing written
            write_signals(db, merge, str(path))
    except BaseException:
        db.conn.close()
        if created:
            remove_database_files(db_path)
        raise
    db.conn.close()
    weeks = sorted(date.fromisoformat(r.key.week) for r in rows)
    return SignalsImport(
        str(path),
        len(merge.added),
        len(merge.replaced),
        len(merge.unchanged),
        tuple(sorted({r.key.pack_id for r in rows})),
        (weeks[0], weeks[-1]),
        _warnings(path, rows),
    )


def _lines(path: Path, problems: list[RowProblem]) -> list[str]:
    return [f"{path}: row {p.row}: {p.message}" for p in problems]


def _warnings(path: Path, rows: list[SignalRow]) -> list[str]:
    """One line naming the metrics the Production tab does not chart (kept all the same)."""
    unknown = unknown_metrics(rows)
    if not unknown:
        return []
    shown = ", ".join(unknown[:20]) + (
        f" and {len(unknown) - 20} more" if len(unknown) > 20 else ""
    )
    return [
        f"warning: {path}: {counted(len(unknown), 'metric')} kept but not charted: {shown} "
        f"(charted: {', '.join(METRICS)})"
    ]


class SignalsManager:
    """The workspace's production signals."""

    def __init__(self, ws: Workspace):
        self._ws = ws

    def import_file(self, path: Path, *, replace: bool = False) -> SignalsImport:
        """`import_signals` into the workspace's database, against its loaded packs."""
        return import_signals(self._ws.db_path, path, self._ws.library.packs, replace=replace)

    def values(self, db: Database | None = None) -> list[SignalValue]:
        """Every stored value (pack, then week)."""
        from calibrate.store.signals import signal_values

        return signal_values(db if db is not None else self._ws.db)

    def lesson_starts(self, db: Database | None = None) -> list[LessonStart]:
        from calibrate.store.signals import lesson_starts

        return lesson_starts(db if db is not None else self._ws.db)

    def replacements(self) -> list[dict[str, object]]:
        """The audit trail of replaced values, oldest first."""
        from calibrate.store.signals import replacement_events

        return replacement_events(self._ws.db)
