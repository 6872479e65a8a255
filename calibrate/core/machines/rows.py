"""The rows of a model run, checked whole against the cases the packs hold (no I/O here).

A run file (docs/machine-raters.md) has `case_id,decision` and optionally `pack_id`,
`clause`, `score` and `model_version`. Every bad row is named, `FILE: row N: message`, and
a run with any bad row is refused whole: nothing is written for it.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from calibrate.core.models import Pack

REQUIRED = ("case_id", "decision")
OPTIONAL = ("pack_id", "clause", "score", "model_version")
MAX_PROBLEMS = 1000  # problem messages kept (20 are shown); every bad row is counted
# A score as a person or a model writes it: ASCII digits only (float() also takes Arabic-Indic
# and other Unicode digits, underscores, "nan" and "infinity").
SCORE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
# Bidirectional overrides and isolates: they reorder what a terminal or a table shows after them.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@dataclass(frozen=True)
class KnownCase:
    """A case a run may decide: its pack, its current version and what the pack allows."""

    pack_id: str
    case_id: str
    case_hash: str
    pack_hash: str
    decisions: frozenset[str]
    clauses: frozenset[str]


@dataclass(frozen=True)
class MachineDecision:
    """One checked row: the model's decision on one case version."""

    row: int
    pack_id: str
    case_id: str
    case_hash: str
    pack_hash: str
    decision: str
    clause: str | None
    score: float | None


@dataclass(frozen=True)
class CheckedRun:
    """A whole run that passed: its model version (None when the file names none), its
    decisions and a digest of what they say (the same rows give the same digest)."""

    model_version: str | None
    decisions: tuple[MachineDecision, ...]
    digest: str


class RunRefused(Exception):
    """Bad rows, each already `FILE: row N: message` (or a file-level problem); `total`
    counts them all, `problems` keeps the first MAX_PROBLEMS."""

    def __init__(self, problems: Sequence[str], total: int | None = None):
        self.problems = list(problems)
        self.total = len(self.problems) if total is None else total
        super().__init__(self.problems[0])


class EmptyRun(RunRefused):
    """A file with a header and no rows: one file-level problem, no bad row to count."""


def known_cases(packs: Iterable[Pack]) -> list[KnownCase]:
    """Every case of the loaded packs, as a run may decide it (against its current version)."""
    out = []
    for pack in packs:
        decisions = frozenset(pack.scale.ids)  # one per pack: a pack may hold 10,000 cases
        clauses = frozenset(c.id for c in pack.clauses)
        out += [
            KnownCase(pack.id, case.id, case.content_hash, pack.content_hash, decisions, clauses)
            for case in pack.cases.values()
        ]
    return out


def index_cases(cases: Iterable[KnownCase]) -> dict[str, list[KnownCase]]:
    """Case id → the known cases of that id (one per pack holding it)."""
    index: dict[str, list[KnownCase]] = {}
    for case in cases:
        index.setdefault(case.case_id, []).append(case)
    return index


class _Checker:
    """Collects each row's problems; remembers which row first decided each case."""

    def __init__(self, file: str, index: Mapping[str, list[KnownCase]]):
        self.file, self.index = file, index
        self.problems: list[str] = []
        self.count = 0  # every problem, also those past MAX_PROBLEMS
        self.first_row: dict[tuple[str, str], int] = {}
        self.version: tuple[str | None, int] | None = None

    def bad(self, row: int, message: str) -> None:
        self.count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(f"{self.file}: row {row}: {message}")

    def case(self, row: int, case_id: str, pack_id: str) -> KnownCase | None:
        known = self.index.get(case_id, [])
        if pack_id:
            known = [c for c in known if c.pack_id == pack_id]
            if not known:
                where = "no loaded pack" if not self.index.get(case_id) else f"pack {pack_id!r}"
                self.bad(row, f"unknown case id {case_id!r} in {where}")
                return None
        if not known:
            self.bad(row, f"unknown case id {case_id!r} (not in any loaded pack)")
            return None
        if len(known) > 1:
            packs = ", ".join(sorted(c.pack_id for c in known))
            self.bad(row, f"case id {case_id!r} is in packs {packs}: add a pack_id column")
            return None
        return known[0]

    def once(self, row: int, case: KnownCase) -> bool:
        key = (case.pack_id, case.case_id)
        first = self.first_row.setdefault(key, row)
        if first != row:
            self.bad(row, f"case {case.pack_id}/{case.case_id} twice (first in row {first})")
            return False
        return True

    def model_version(self, row: int, value: str | None) -> None:
        if self.version is None:
            self.version = (value, row)
            if value is not None and has_control_characters(value):
                self.bad(row, f"model_version {value!r} has a control character")
        elif self.version[0] != value:
            first, at = self.version
            self.bad(
                row,
                f"model_version {value or '(none)'!r} differs from {first or '(none)'!r} of "
                f"row {at}: one model version per file",
            )


def parse_score(text: str) -> float | None:
    """A score as written: empty → None; else a probability in [0, 1] in ASCII decimal
    notation (ValueError if not). -0 is 0: the same run gives the same digest."""
    if not text.strip():
        return None
    if SCORE.fullmatch(text.strip()) is None:
        raise ValueError(text)
    value = float(text) + 0.0  # -0.0 + 0.0 is 0.0
    if not math.isfinite(value) or not 0.0 <= value <= 1.0:
        raise ValueError(text)
    return value


def has_control_characters(text: str) -> bool:
    """Whether `text` holds a character that drives a terminal or reorders text (escape,
    bell, line breaks, bidi overrides) rather than showing as itself."""
    return any(unicodedata.category(c) == "Cc" or c in BIDI_CONTROLS for c in text)


def name_problem(name: str) -> str | None:
    """Why a run name cannot be used (None when it can)."""
    if not name.strip():
        return "--name is empty: a run needs a name"
    if has_control_characters(name):
        return (
            f"--name {name!r} has a control character (an escape, a line break); "
            "use printable characters"
        )
    return None


def check_rows(
    file: str,
    rows: Iterable[tuple[int, Mapping[str, str]]],
    cases: Iterable[KnownCase],
) -> CheckedRun:
    """Every row checked against the known cases; RunRefused names each bad row."""
    checker = _Checker(file, index_cases(cases))
    decisions: list[MachineDecision] = []
    for row, fields in rows:
        decision = _check_row(checker, row, fields)
        if decision is not None:
            decisions.append(decision)
    if checker.problems:
        raise RunRefused(checker.problems, checker.count)
    if not decisions:
        raise EmptyRun([f"{file}: no rows: the file has a header but no decisions"])
    version = checker.version[0] if checker.version else None
    return CheckedRun(version, tuple(decisions), run_digest(decisions))


def _check_row(checker: _Checker, row: int, fields: Mapping[str, str]) -> MachineDecision | None:
    before = checker.count
    text = {k: (fields.get(k) or "").strip() for k in (*REQUIRED, *OPTIONAL)}
    checker.model_version(row, text["model_version"] or None)
    if not text["case_id"]:
        checker.bad(row, "empty case_id")
        return None
    case = checker.case(row, text["case_id"], text["pack_id"])
    if case is None or not checker.once(row, case):
        return None
    if text["decision"] not in case.decisions:
        shown = text["decision"] or "(empty)"
        allowed = ", ".join(sorted(case.decisions))
        checker.bad(row, f"unknown decision {shown!r} for pack {case.pack_id} ({allowed})")
    clause = text["clause"] or None
    if clause is not None and clause not in case.clauses:
        checker.bad(row, f"unknown clause {clause!r} for pack {case.pack_id}")
    try:
        score = parse_score(text["score"])
    except ValueError:
        checker.bad(row, f"score {text['score']!r} is not a number from 0 to 1")
        score = None
    if checker.count > before:
        return None
    return MachineDecision(
        row,
        case.pack_id,
        case.case_id,
        case.case_hash,
        case.pack_hash,
        text["decision"],
        clause,
        score,
    )


def run_digest(decisions: Iterable[MachineDecision]) -> str:
    """SHA-256 of what the rows say, in case order: the same run gives the same digest
    whatever the row order or the file's spelling of a score."""
    said = sorted(
        (d.pack_id, d.case_id, d.decision, d.clause or "", repr(d.score)) for d in decisions
    )
    return hashlib.sha256(json.dumps(said, ensure_ascii=False).encode()).hexdigest()
