"""Answers as columns (numpy), joined with their golden answers: what lead metrics read.

The store fills it (store/queries.py); core metric code reads it. Text columns are integer
codes into small lookup tuples so a million answers stay cheap: `team[i]` is a code into
`teams`, and so on. Golden answers are the ones the answer was given against (by case hash).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

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


@dataclass(frozen=True)
class AnswerTable:
    """One row per answer. Codes index the lookup tuples; -1 means none (e.g. skipped)."""

    answer_id: tuple[str, ...]
    profile: np.ndarray  # code into profile_ids / profile_names
    team: np.ndarray  # code into teams (as answered)
    site: np.ndarray  # code into sites (as answered)
    pack: np.ndarray  # code into packs
    lesson: np.ndarray  # code into lessons ("pack/lesson")
    case: np.ndarray  # code into cases ("pack/case")
    session: np.ndarray  # code into session_ids
    session_kind: np.ndarray  # code into SESSION_KIND_CODES
    decision: np.ndarray  # code into decisions, -1 when skipped
    golden: np.ndarray  # code into decisions
    clause_correct: np.ndarray  # 1, 0, or -1 (skipped / no clause)
    confidence: np.ndarray  # float, NaN when skipped or not given
    skipped: np.ndarray  # bool
    answered_at: np.ndarray  # datetime64[ms], UTC
    time_to_answer_ms: np.ndarray
    profile_ids: tuple[str, ...]
    profile_names: tuple[str, ...]
    teams: tuple[str, ...]
    sites: tuple[str, ...]
    packs: tuple[str, ...]
    lessons: tuple[str, ...]
    cases: tuple[str, ...]
    session_ids: tuple[str, ...]
    decisions: tuple[str, ...]
    pack_info: Mapping[str, PackInfo] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.answer_id)

    def select(self, mask: np.ndarray) -> AnswerTable:
        """The rows where mask is True (lookups unchanged, so codes stay comparable)."""
        columns = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if name == "answer_id":
                columns[name] = tuple(np.asarray(value, dtype=object)[mask])
            elif isinstance(value, np.ndarray):
                columns[name] = value[mask]
            else:
                columns[name] = value
        return AnswerTable(**columns)


def _coded(values: Sequence[object]) -> tuple[np.ndarray, tuple[str, ...]]:
    """Integer codes (sorted lookup) for a text column; None becomes code -1."""
    codes = np.full(len(values), -1, dtype=np.int32)
    present = np.fromiter((v is not None for v in values), dtype=bool, count=len(values))
    if not present.any():
        return codes, ()
    text = np.asarray([str(v) for v in values if v is not None], dtype=str)
    lookup, inverse = np.unique(text, return_inverse=True)
    codes[present] = inverse.reshape(-1)
    return codes, tuple(str(x) for x in lookup)


def build_answer_table(columns: Mapping[str, Sequence[object]],
                       pack_info: Mapping[str, PackInfo],
                       profile_names: Mapping[str, str]) -> AnswerTable:
    """Columns as the store reads them: the answers-table columns plus `golden_decision` and
    `clause_correct` (1/0/None). Decisions share one lookup with the golden decisions."""
    answer_ids = tuple(str(v) for v in columns["id"])
    n = len(answer_ids)
    skipped = np.asarray(columns["skipped"], dtype=bool).reshape(n)
    decision_text = [None if s else d for d, s in zip(columns["decision"], skipped, strict=True)]
    both, decisions = _coded([*decision_text, *columns["golden_decision"]])
    profile, profile_ids = _coded(columns["profile_id"])
    team, teams = _coded([v or "" for v in columns["team"]])
    site, sites = _coded([v or "" for v in columns["site"]])
    pack, packs = _coded(columns["pack_id"])
    lesson, lessons = _coded([f"{p}/{x}" for p, x in zip(columns["pack_id"],
                                                           columns["lesson_id"], strict=True)])
    case, cases = _coded([f"{p}/{x}" for p, x in zip(columns["pack_id"],
                                                         columns["case_id"], strict=True)])
    session, session_ids = _coded(columns["session_id"])
    kinds = {kind: i for i, kind in enumerate(SESSION_KIND_CODES)}
    clause = np.asarray([-1 if c is None else int(c) for c in columns["clause_correct"]],
                        dtype=np.int32).reshape(n)
    clause[skipped] = -1
    confidence = np.asarray([np.nan if c is None else c for c in columns["confidence"]],
                            dtype=np.float64).reshape(n)
    confidence[skipped] = np.nan
    return AnswerTable(
        answer_id=answer_ids, profile=profile, team=team, site=site, pack=pack, lesson=lesson,
        case=case, session=session,
        session_kind=np.asarray([kinds.get(str(k), 0) for k in columns["session_kind"]],
                                dtype=np.int32).reshape(n),
        decision=both[:n], golden=both[n:], clause_correct=clause, confidence=confidence,
        skipped=skipped,
        answered_at=np.asarray([str(t).rstrip("Z") for t in columns["answered_at"]],
                               dtype="datetime64[ms]").reshape(n),
        time_to_answer_ms=np.asarray([int(t or 0) for t in columns["time_to_answer_ms"]],
                                     dtype=np.int64).reshape(n),
        profile_ids=profile_ids, profile_names=tuple(profile_names.get(p, p) for p in profile_ids),
        teams=teams, sites=sites, packs=packs, lessons=lessons, cases=cases,
        session_ids=session_ids, decisions=decisions, pack_info=dict(pack_info))
