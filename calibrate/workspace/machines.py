"""ws.machines: model runs imported from files and scored beside the moderators (no Qt).

A run (docs/machine-raters.md) is checked whole before anything is written, stored in its
own tables (never `answers`: a model is never a moderator), and scored from the database
alone: the golden of the case version each decision was recorded against, the pack
version's ladder, the humans' first answers from the dashboard's answer cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import replace as replace_field
from pathlib import Path
from typing import TYPE_CHECKING

from calibrate.core.errors import CalibrateError, counted
from calibrate.core.machines.room import Room
from calibrate.core.machines.rows import CheckedRun, check_rows, known_cases, name_problem
from calibrate.core.machines.score import RunScore
from calibrate.core.machines.scoreboard import RunDecisions, Scoreboard, entries_of, scored
from calibrate.core.metrics.answer_table import Filters
from calibrate.store import machines as store
from calibrate.store.catalog import record_pack_version
from calibrate.store.integrity import refuse_damage
from calibrate.store.queries import load_answers

if TYPE_CHECKING:
    from collections.abc import Sequence

    from calibrate.core.models import Pack
    from calibrate.store.db import Database
    from calibrate.workspace import Workspace


class MachineRefused(CalibrateError):
    """A run, name, version or pack the command cannot use: one line saying why."""


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did: "imported", "unchanged" (the same rows again) or "replaced"."""

    status: str
    name: str
    version: str | None
    decisions: int
    packs: tuple[str, ...]

    def summary(self) -> str:
        run = f"{self.name}" + (f" {self.version}" if self.version else "")
        decisions = counted(self.decisions, "decision")
        if self.status == "unchanged":
            return f"run {run} is already stored with the same {decisions}"
        verb = "replaced" if self.status == "replaced" else "imported"
        return f"run {run} {verb}: {decisions} on {', '.join(self.packs)}"


def check_run(path: Path, packs: Sequence[Pack]) -> CheckedRun:
    """The run file read and checked whole against the packs (InputError, RunRefused)."""
    from calibrate.tabular.run_csv import read_run_rows

    return check_rows(str(path), read_run_rows(path), known_cases(packs))


class MachinesManager:
    """Import, list and score model runs of the workspace's database."""

    def __init__(self, ws: Workspace):
        self._ws = ws

    def import_run(
        self, path: Path, name: str, *, replace: bool = False, checked: CheckedRun | None = None
    ) -> ImportOutcome:
        """Check the file whole (unless `checked`: the same file checked against the same
        packs), then store it in one transaction (or leave it, when the same run with the
        same rows is stored). A stored run of the same name and model version with other
        rows is refused unless `replace`."""
        if (problem := name_problem(name)) is not None:
            raise MachineRefused(problem)
        name = name.strip()
        packs = list(self._ws.library.packs)
        run = checked if checked is not None else check_run(path, packs)
        used = sorted({d.pack_id for d in run.decisions})
        db = self._ws.db
        stored = store.find_run(db, name, run.model_version)
        outcome = ImportOutcome(
            "imported", name, run.model_version, len(run.decisions), tuple(used)
        )
        if stored is not None and stored.digest == run.digest:
            return replace_field(outcome, status="unchanged")
        if stored is not None and not replace:
            version = f" (model version {run.model_version})" if run.model_version else ""
            raise MachineRefused(
                f"{path}: run {name}{version} is already stored with other decisions; "
                "pass --replace to replace it"
            )
        for pack in packs:
            if pack.id in used and not store.pack_version_known(db, pack.content_hash):
                record_pack_version(db, pack)
        store.write_run(db, name, run, str(path), stored)
        return outcome if stored is None else replace_field(outcome, status="replaced")

    def runs(self) -> list[store.StoredRun]:
        """Every stored run, newest import first."""
        return store.list_runs(self._ws.db)

    def score(self, name: str, version: str | None = None, pack: str | None = None) -> RunScore:
        """The run of that name (the one imported last, without `version`) scored, on one
        pack when given; MachineRefused for an unknown name, version or pack."""
        db = self._ws.reader()
        try:
            with refuse_damage(self._ws.db_path):
                run = self._find(db, name, version)
                packs = store.run_packs(db, run.id)
                if pack is not None and pack not in packs:
                    raise MachineRefused(
                        f"run {name} has no decisions in pack {pack!r} "
                        f"(its packs: {', '.join(packs)})"
                    )
                rows = store.run_rows(db, run.id, pack)
                room = self._room(db, [pack] if pack else packs)
        finally:
            db.conn.close()
        return scored(run.name, run.model_version, _decisions(rows), room)

    def scoreboard(self) -> Scoreboard:
        """Every stored run on every pack it decided, beside the humans on that pack."""
        db = self._ws.reader()
        try:
            with refuse_damage(self._ws.db_path):
                runs = store.list_runs(db)
                rows = [store.run_rows(db, run.id) for run in runs]
                room = self._room(db, sorted({p for r in rows for p in r.pack_id}))
        finally:
            db.conn.close()
        entries = []
        for run, run_rows in zip(runs, rows, strict=True):
            result = scored(run.name, run.model_version, _decisions(run_rows), room)
            entries += entries_of(result, run.imported_at, room)
        return Scoreboard(tuple(entries))

    def _find(self, db: Database, name: str, version: str | None) -> store.StoredRun:
        run = store.latest_run(db, name) if version is None else store.find_run(db, name, version)
        if run is not None:
            return run
        if version is not None and store.latest_run(db, name) is not None:
            raise MachineRefused(f"run {name} has no model version {version!r}")
        names = sorted({r.name for r in store.list_runs(db)})
        raise MachineRefused(
            f"no run named {name!r} in {self._ws.db_path} (runs: {', '.join(names) or 'none'})"
        )

    def _room(self, db: Database, packs: Sequence[str]) -> Room:
        table = load_answers(
            db,
            Filters(packs=tuple(packs)),
            list(self._ws.library.packs),
            cache=self._ws.dashboard.answers,
        )
        return Room(table)


def _decisions(rows: store.RunRows) -> RunDecisions:
    return RunDecisions(
        rows.pack_id, rows.case_id, rows.decision, rows.golden, rows.score, rows.ladders
    )
