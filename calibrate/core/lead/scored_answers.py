"""What the lead sections share: scored answers, first answers, ISO weeks, count tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

from calibrate.core.metrics.accuracy import wilson_interval
from calibrate.core.metrics.answer_table import AnswerTable
from calibrate.core.scoring import rungs_of, score_codes

Interval = tuple[float, float] | None


# Above this many (group × case × reviewer) keys, first answers are found by sorting rather
# than in a dense array (16 M int64 = 128 MB).
DENSE_KEYS = 1 << 24


@dataclass(frozen=True)
class Scored:
    """Per answer: outcome code (scoring.Outcome), correct flag, ISO week start (days), and
    the answers' time order (ties by row), computed once for every section."""

    outcome: NDArray[Any]
    correct: NDArray[Any]  # bool; False for skipped
    scored: NDArray[Any]  # bool: not skipped
    week: NDArray[Any]  # datetime64[D] of the Monday (UTC) starting the answer's ISO week
    order: NDArray[Any]  # row indices, oldest answer first
    rank: NDArray[Any]  # position of each row in `order`


def time_order(stamps: NDArray[Any]) -> tuple[NDArray[Any], NDArray[Any]]:
    """Rows oldest first (stable: ties keep row order) and each row's place in that order."""
    order = np.argsort(stamps.astype(np.int64), kind="stable")
    rank = np.empty(order.size, dtype=np.int64)
    rank[order] = np.arange(order.size)
    return order, rank


def latest_per(codes: NDArray[Any], s: Scored, size: int) -> NDArray[Any]:
    """Row of the newest answer for each code (-1 where a code has none: lookups may hold
    values no row in view uses)."""
    best = np.full(size, -1, dtype=np.int64)
    if s.order.size == 0:
        return best
    np.maximum.at(best, codes, s.rank)
    return np.where(best >= 0, s.order[np.maximum(best, 0)], -1)


def score_table(table: AnswerTable) -> Scored:
    """Score every answer against its golden answer on its own pack's ladder, in one pass."""
    k = max(len(table.decisions), 1)
    # One rung lookup per (pack, decision): codes become pack * k + decision.
    rungs = np.concatenate(
        [rungs_of(table.decisions, _ladder(table, p)) for p in table.packs]
        or [np.zeros(0, np.int32)]
    )
    order, rank = time_order(table.answered_at)
    if len(table) == 0:
        empty = np.zeros(0, dtype=bool)
        return Scored(np.zeros(0, np.int8), empty, empty, np.zeros(0, "datetime64[D]"), order, rank)
    offset = table.pack.astype(np.int64) * k
    chosen = np.where(table.decision >= 0, offset + table.decision, -1)
    outcome, _ = score_codes(chosen, offset + table.golden, rungs)
    scored = ~table.skipped
    return Scored(
        outcome,
        scored & (table.decision == table.golden),
        scored,
        week_start(table.answered_at),
        order,
        rank,
    )


def _ladder(table: AnswerTable, pack: str) -> tuple[str, ...]:
    info = table.pack_info.get(pack)
    return info.ladder if info is not None else ()


def week_start(stamps: NDArray[Any]) -> NDArray[Any]:
    """The Monday (UTC) of each timestamp's ISO week, as datetime64[D]."""
    days = stamps.astype("datetime64[D]")
    # 1970-01-01 was a Thursday: three days after a Monday.
    mondays: NDArray[np.datetime64] = days - ((days.astype(np.int64) + 3) % 7).astype(
        "timedelta64[D]"
    )
    return mondays


def as_date(day: np.datetime64) -> date:
    as_python: date = day.astype("datetime64[D]").astype(date)
    return as_python


def first_answers(
    table: AnswerTable, s: Scored, group: NDArray[Any] | None = None, n_groups: int = 1
) -> NDArray[Any]:
    """Row indices (ascending) of each reviewer's first non-skipped answer per case.

    `group` (a code in [0, n_groups) per answer, e.g. the week) splits them further, so each
    group keeps its own first answers. Ties in time go to the earlier row."""
    cand = np.flatnonzero(~table.skipped)
    if cand.size == 0:
        return cand
    n_profiles = max(len(table.profile_ids), 1)
    size = max(len(table.cases), 1) * n_profiles
    key = table.case[cand].astype(np.int64) * n_profiles + table.profile[cand]
    if group is not None:
        key += group[cand].astype(np.int64) * size
        size *= n_groups
    if size <= DENSE_KEYS:
        # The earliest answer per key is the smallest time rank: one unbuffered pass.
        none = np.iinfo(np.int64).max
        best = np.full(size, none, dtype=np.int64)
        np.minimum.at(best, key, s.rank[cand])
        return _ascending(s.order[best[best != none]], len(table))
    in_time = np.argsort(s.rank[cand], kind="stable")
    _, first = np.unique(key[in_time], return_index=True)  # first occurrence: earliest
    return _ascending(cand[in_time[first]], len(table))


def _ascending(rows: NDArray[Any], n: int) -> NDArray[Any]:
    """Distinct row indices in ascending order: a mark-and-scan pass instead of a sort."""
    marked = np.zeros(n, dtype=bool)
    marked[rows] = True
    return np.flatnonzero(marked)


def case_counts(case: NDArray[Any], code: NDArray[Any], k: int) -> NDArray[Any]:
    """Case × category counts for ratings given as (case code, category code)."""
    _, local = np.unique(case, return_inverse=True)
    n = int(local.max()) + 1 if local.size else 0
    return np.bincount(local.reshape(-1).astype(np.int64) * k + code, minlength=n * k).reshape(n, k)


def wilsons(correct: NDArray[Any], n: NDArray[Any]) -> list[tuple[float | None, Interval]]:
    """`wilson` for many groups in one vectorised pass."""
    lo, hi = wilson_interval(correct, n)
    return [
        (None, None) if m <= 0 else (float(k / m), (float(a), float(b)))
        for k, m, a, b in zip(correct.tolist(), n.tolist(), lo.tolist(), hi.tolist(), strict=True)
    ]


def wilson(correct: int, n: int) -> tuple[float | None, Interval]:
    """Accuracy and its Wilson 95 % interval; (None, None) for no answers."""
    if n <= 0:
        return None, None
    lo, hi = wilson_interval(correct, n)
    return correct / n, (float(lo), float(hi))


def group_codes(*columns: NDArray[Any]) -> tuple[NDArray[Any], NDArray[Any]]:
    """One int per row for each distinct combination of the columns, and the combinations
    (rows of values, sorted)."""
    if not columns[0].size:
        return np.zeros(0, np.int64), np.zeros((0, len(columns)), np.int64)
    # Mixed-radix keys over each column's range: one 1-D key instead of np.unique(axis=0).
    lows = [int(c.min()) for c in columns]
    sizes = [int(c.max()) - low + 1 for c, low in zip(columns, lows, strict=True)]
    key = np.zeros(columns[0].size, dtype=np.int64)
    for column, low, size in zip(columns, lows, sizes, strict=True):
        key *= size
        key += column
        key -= low
    total = int(np.prod(sizes, dtype=np.int64))
    if total <= DENSE_KEYS:  # a counting pass beats sorting a million keys
        present = np.bincount(key, minlength=total) > 0
        uniq = np.flatnonzero(present)
        inverse = (np.cumsum(present) - 1)[key]
    else:
        uniq, inverse = np.unique(key, return_inverse=True)
    combos = np.empty((uniq.size, len(columns)), dtype=np.int64)
    rest = uniq.astype(np.int64)
    for i in range(len(columns) - 1, -1, -1):
        combos[:, i] = rest % sizes[i] + lows[i]
        rest //= sizes[i]
    return inverse.reshape(-1), combos
