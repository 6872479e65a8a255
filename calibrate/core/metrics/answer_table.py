"""Answers as columns (numpy), joined with their golden answers: what lead metrics read.

The store fills it (store/answer_cache/); core metric code reads it. Text columns are
integer codes into small lookup tuples so a million answers stay cheap: `team[i]` is a code
into `teams`, and so on. Lookups are in no particular order (the store appends values as new
answers bring them, so codes stay stable): code that shows or ranks by name sorts the names.
Golden answers are the ones the answer was given against (by case hash, `version`); the
other view, every answer against its case's current golden, is core/lead/golden_versions.
Answer UUIDs are not held: `rowid` names each answer's row in the store and `answer_ids`
looks a few up.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray

from calibrate.core.watching import NOT_WATCHED

SESSION_KIND_CODES = ("first_attempt", "retake", "review", "live")


@dataclass(frozen=True)
class Filters:
    """What the lead looks at; None means everything."""

    teams: tuple[str, ...] | None = None
    sites: tuple[str, ...] | None = None
    packs: tuple[str, ...] | None = None
    lessons: tuple[tuple[str, str], ...] | None = None  # (pack id, lesson id)
    reviewers: tuple[str, ...] | None = None  # profile ids
    since: date | None = None  # inclusive, by answered_at (UTC)
    until: date | None = None  # inclusive
    leave_out_unwatched: bool = False  # drop answers given without watching (core/watching)
    # Which golden scores an answer: "seen", the one it was given against (its case version),
    # or "current", its case's current one (core/lead/golden_versions). Selects no rows.
    score_against: str = "seen"


@dataclass(frozen=True)
class PackInfo:
    """What metrics need of a pack: its ladder (least → most restrictive) and all decisions."""

    id: str
    title: str
    policy: str
    ladder: tuple[str, ...]
    decisions: tuple[str, ...]
    pass_mark: float
    lessons: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # lesson → case ids
    lesson_titles: Mapping[str, str] = field(default_factory=dict)
    lesson_pass_marks: Mapping[str, float] = field(default_factory=dict)  # own marks only

    def pass_mark_of(self, lesson_id: str) -> float:
        """A lesson's own pass mark, else the pack's."""
        return self.lesson_pass_marks.get(lesson_id, self.pass_mark)


# Looks answer UUIDs up by store rowid (the store supplies it; core never touches SQL).
IdLookup = Callable[[NDArray[Any]], Sequence[str]]


@dataclass(frozen=True)
class AnswerTable:
    """One row per answer. Codes index the lookup tuples; -1 means none (e.g. skipped).

    Arrays may be shared with the store's in-memory cache and are read-only: derive, never
    modify in place."""

    rowid: NDArray[Any]  # int64: the answer's row in the store (see answer_ids)
    profile: NDArray[Any]  # code into profile_ids / profile_names
    team: NDArray[Any]  # code into teams (as answered)
    site: NDArray[Any]  # code into sites (as answered)
    pack: NDArray[Any]  # code into packs
    lesson: NDArray[Any]  # code into lessons ("pack/lesson")
    case: NDArray[Any]  # code into cases ("pack/case")
    session: NDArray[Any]  # code into session_keys
    session_kind: NDArray[Any]  # code into SESSION_KIND_CODES
    decision: NDArray[Any]  # code into decisions, -1 when skipped
    golden: NDArray[Any]  # code into decisions
    clause_correct: NDArray[Any]  # 1, 0, or -1 (skipped / no clause)
    confidence: NDArray[Any]  # float, NaN when skipped or not given
    skipped: NDArray[Any]  # bool
    answered_at: NDArray[Any]  # datetime64[ms], UTC
    not_watched: NDArray[Any]  # int8, core/watching: 1 answered unwatched, 0 not (watched,
    # clip unavailable, skipped), -1 unknown
    version: NDArray[Any]  # code into case_hashes: the case version answered against
    moment: NDArray[Any]  # int8, core/moments: -1 not asked (or skipped), 0 unmarked, 1 missed,
    # 2 hit: the marked moment against the golden moments of the version answered
    profile_ids: tuple[str, ...]
    profile_names: tuple[str, ...]
    teams: tuple[str, ...]
    sites: tuple[str, ...]
    packs: tuple[str, ...]
    lessons: tuple[str, ...]
    cases: tuple[str, ...]
    session_keys: NDArray[Any]  # the store's key of each session code (sessions.rowid)
    decisions: tuple[str, ...]
    case_hashes: tuple[str, ...]
    pack_info: Mapping[str, PackInfo] = field(default_factory=dict)
    id_lookup: IdLookup | None = field(default=None, compare=False, repr=False)

    def __len__(self) -> int:
        return len(self.rowid)

    def answer_ids(self, rows: NDArray[Any] | Sequence[int]) -> list[str]:
        """The UUIDs of the answers at these row indices (looked up on demand: a million
        UUID strings would cost more than every other column together)."""
        rowids = self.rowid[np.asarray(rows, dtype=np.int64)]
        if self.id_lookup is None:
            return [str(r) for r in rowids.tolist()]
        return list(self.id_lookup(rowids))

    def select(self, mask: NDArray[Any]) -> AnswerTable:
        """The rows where mask is True (lookups unchanged, so codes stay comparable)."""
        columns = {f.name: getattr(self, f.name) for f in fields(self)}
        for name in ROW_COLUMNS:
            columns[name] = columns[name][mask]
        return AnswerTable(**columns)

    def matching(self, filters: Filters) -> NDArray[Any]:
        """Which rows the filters keep (bool mask), comparing codes, never text."""
        keep = np.ones(len(self), dtype=bool)

        def any_of(
            codes: NDArray[Any], lookup: Sequence[str], wanted: Sequence[str] | None
        ) -> None:
            if wanted is not None:
                keep[...] &= _wanted_codes(lookup, wanted)[codes]

        any_of(self.team, self.teams, filters.teams)
        any_of(self.site, self.sites, filters.sites)
        any_of(self.pack, self.packs, filters.packs)
        any_of(self.profile, self.profile_ids, filters.reviewers)
        if filters.lessons is not None:
            any_of(self.lesson, self.lessons, [f"{p}/{x}" for p, x in filters.lessons])
        if filters.since is not None:
            keep &= self.answered_at >= np.datetime64(filters.since, "ms")
        if filters.until is not None:
            keep &= self.answered_at < np.datetime64(filters.until + timedelta(days=1), "ms")
        if filters.leave_out_unwatched:
            keep &= self.not_watched != NOT_WATCHED
        return keep

    def filtered(self, filters: Filters) -> AnswerTable:
        """The answers the filters keep (the table itself, not a copy, when that is all)."""
        if replace(filters, score_against="seen") == Filters():
            return self
        keep = self.matching(filters)
        return self if keep.all() else self.select(keep)


# The fields holding one value per answer (the others are lookups and pack facts).
ROW_COLUMNS = (
    "rowid",
    "profile",
    "team",
    "site",
    "pack",
    "lesson",
    "case",
    "session",
    "session_kind",
    "decision",
    "golden",
    "clause_correct",
    "confidence",
    "skipped",
    "answered_at",
    "not_watched",
    "version",
    "moment",
)


def _wanted_codes(lookup: Sequence[str], wanted: Sequence[str]) -> NDArray[Any]:
    """A bool per code (and False for code -1, the last slot) saying whether it is wanted."""
    chosen = set(wanted)
    flags = np.zeros(len(lookup) + 1, dtype=bool)
    flags[: len(lookup)] = [value in chosen for value in lookup]
    return flags
