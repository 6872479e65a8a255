"""Golden versions: which golden each answer was given against, and the other view.

By default every answer is scored against the golden of the case version it was given
against (its case hash: DESIGN.md, "Lesson packs"). A trainer who changes a golden answer
makes earlier answers look wrong or right under the new one; the lead can see both:
`against_current` rescores a table against each case's current golden, and
`golden_version_section` lists, for every case whose golden changed, how many answers were
given against each golden version and their accuracy under each view
(docs/dashboard-metrics.md, "Golden versions").

A *golden version* is a case's golden decision with its golden clauses: case versions that
differ only elsewhere (a caption, a cue) share one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from numpy.typing import NDArray

from calibrate.core.lead.sections.rows import Rows
from calibrate.core.metrics.answer_table import AnswerTable

SCORE_AGAINST = ("seen", "current")  # the golden each answer saw, or the case's current one

Golden = tuple[str, tuple[str, ...]]  # (decision, clauses)


@dataclass(frozen=True)
class CaseVersion:
    """One case version as the database knows it."""

    case: str  # "pack/case"
    golden: Golden
    first_seen_at: str  # ISO 8601 UTC


@dataclass(frozen=True)
class Goldens:
    """Every case version by its hash, and each case's current golden ("pack/case" → golden):
    the loaded pack's where the case is loaded, else the newest version the database knows."""

    versions: Mapping[str, CaseVersion] = field(default_factory=dict)
    current: Mapping[str, Golden] = field(default_factory=dict)


@dataclass(frozen=True)
class GoldenVersionRow:
    pack: str
    case: str
    version: int  # 1 = the oldest golden of the case
    decision: str
    clauses: tuple[str, ...]
    first_seen: str  # the day (UTC) the first case version with this golden was seen
    current: bool  # the case's current golden
    answers: int  # scored answers in view given against it (skips are never scored)
    right_seen: int  # of those, right against the golden they were given against
    right_current: int  # ... and against the current golden

    @property
    def accuracy_seen(self) -> float | None:
        return self.right_seen / self.answers if self.answers else None

    @property
    def accuracy_current(self) -> float | None:
        return self.right_current / self.answers if self.answers else None


@dataclass(frozen=True)
class GoldenVersionSection:
    """Answers by golden version, for the cases in view whose golden changed: answered
    against more than one golden, or against one that is not the current golden."""

    rows: tuple[GoldenVersionRow, ...] = ()
    score_against: str = "seen"  # which golden the dashboard's other numbers use

    def of_case(self, pack: str, case: str) -> tuple[GoldenVersionRow, ...]:
        return tuple(r for r in self.rows if r.pack == pack and r.case == case)

    def table_rows(self) -> Rows:
        header = (
            "pack",
            "case",
            "golden_version",
            "golden_decision",
            "golden_clauses",
            "first_seen",
            "is_current",
            "answers",
            "right_seen",
            "accuracy_seen",
            "right_current",
            "accuracy_current",
        )
        return header, [
            (
                r.pack,
                r.case,
                r.version,
                r.decision,
                " ".join(r.clauses),
                r.first_seen,
                r.current,
                r.answers,
                r.right_seen,
                r.accuracy_seen,
                r.right_current,
                r.accuracy_current,
            )
            for r in self.rows
        ]


def current_golden_codes(
    table: AnswerTable, goldens: Goldens
) -> tuple[NDArray[Any], tuple[str, ...]]:
    """Per case code, the decision code of its current golden (-1: unknown), and the
    decisions lookup extended by any current golden no answer's golden used yet."""
    decisions = list(table.decisions)
    index = {d: i for i, d in enumerate(decisions)}
    codes = np.full(len(table.cases) + 1, -1, dtype=np.int64)  # last slot: code -1
    for i, case in enumerate(table.cases):
        golden = goldens.current.get(case)
        if golden is None:
            continue
        if golden[0] not in index:
            index[golden[0]] = len(decisions)
            decisions.append(golden[0])
        codes[i] = index[golden[0]]
    return codes, tuple(decisions)


def against_current(table: AnswerTable, goldens: Goldens) -> AnswerTable:
    """`table` with every answer's golden replaced by its case's current golden (an answer
    whose case has none known keeps the golden it was given against)."""
    if not len(table):
        return table
    codes, decisions = current_golden_codes(table, goldens)
    current = codes[table.case]
    golden = np.where(current >= 0, current, table.golden).astype(table.golden.dtype)
    return replace(table, golden=golden, decisions=decisions)


def golden_version_section(
    table: AnswerTable, goldens: Goldens, score_against: str = "seen"
) -> GoldenVersionSection:
    """Answers by golden version per case (`table` as given: scored against the goldens
    seen), for the cases whose golden changed."""
    if not len(table):
        return GoldenVersionSection((), score_against)
    # A case version belongs to one case, so counting per version code is counting per case
    # and version: three passes over the answers, no sort (a million answers: ~25 ms).
    scored = ~table.skipped
    current_codes, _ = current_golden_codes(table, goldens)
    version = table.version.astype(np.int64)
    size = len(table.case_hashes)
    if (version < 0).any():  # no case version known: never read from the store, but kept apart
        version = np.where(version < 0, size, version)

    def count(flags: NDArray[Any]) -> NDArray[Any]:
        return np.bincount(version, weights=flags, minlength=size + 1)

    n = count(scored)
    right_seen = count(scored & (table.decision == table.golden))
    right_current = count(scored & (table.decision == current_codes[table.case]))
    tallies: dict[str, dict[Golden, list[int]]] = {}
    for v in np.flatnonzero(n).tolist():
        known = goldens.versions.get(table.case_hashes[v]) if v < size else None
        row = int(np.argmax((version == v) & scored)) if known is None else -1
        case = known.case if known else table.cases[table.case[row]]
        # A version the database does not describe: known by the golden decision it gave.
        seen = known.golden if known else (table.decisions[table.golden[row]], ())
        tally = tallies.setdefault(case, {}).setdefault(seen, [0, 0, 0])
        for i, value in enumerate((n[v], right_seen[v], right_current[v])):
            tally[i] += int(value)
    rows: list[GoldenVersionRow] = []
    for case_key in sorted(tallies):
        rows.extend(_case_rows(case_key, tallies[case_key], goldens))
    return GoldenVersionSection(tuple(rows), score_against)


def _case_rows(
    case_key: str, counts: dict[Golden, list[int]], goldens: Goldens
) -> list[GoldenVersionRow]:
    """One case's rows, oldest golden first; none when every answer saw the current golden."""
    current = goldens.current.get(case_key)
    if current is not None:
        counts.setdefault(current, [0, 0, 0])  # the current golden, answered or not yet
    if len(counts) <= 1:
        return []
    first = {
        golden: min(
            (
                v.first_seen_at
                for v in goldens.versions.values()
                if v.case == case_key and v.golden == golden
            ),
            default="",
        )
        for golden in counts
    }
    # Oldest first; a golden no database row dates (a pack edited, not yet answered) last.
    ordered = sorted(counts, key=lambda g: (first[g] or "9999", g == current))
    pack, case = case_key.split("/", 1)
    return [
        GoldenVersionRow(
            pack,
            case,
            number,
            golden[0],
            golden[1],
            first[golden][:10],
            golden == current,
            *counts[golden],
        )
        for number, golden in enumerate(ordered, start=1)
    ]
