"""What the lead sections share: scored answers, first answers, ISO weeks, count tables."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from calibrate.core.accuracy import wilson_interval
from calibrate.core.answer_table import AnswerTable
from calibrate.core.scoring import rungs_of, score_codes

Interval = tuple[float, float] | None


@dataclass(frozen=True)
class Scored:
    """Per answer: outcome code (scoring.Outcome), correct flag, ISO week start (days)."""

    outcome: np.ndarray
    correct: np.ndarray  # bool; False for skipped
    scored: np.ndarray  # bool: not skipped
    week: np.ndarray  # datetime64[D] of the Monday (UTC) starting the answer's ISO week


def score_table(table: AnswerTable) -> Scored:
    """Score every answer against its golden answer on its own pack's ladder, in one pass."""
    k = max(len(table.decisions), 1)
    # One rung lookup per (pack, decision): codes become pack * k + decision.
    rungs = np.concatenate([rungs_of(table.decisions, _ladder(table, p)) for p in table.packs]
                           or [np.zeros(0, np.int32)])
    if len(table) == 0:
        empty = np.zeros(0, dtype=bool)
        return Scored(np.zeros(0, np.int8), empty, empty, np.zeros(0, "datetime64[D]"))
    offset = table.pack.astype(np.int64) * k
    chosen = np.where(table.decision >= 0, offset + table.decision, -1)
    outcome, _ = score_codes(chosen, offset + table.golden, rungs)
    scored = ~table.skipped
    return Scored(outcome, scored & (table.decision == table.golden), scored,
                  week_start(table.answered_at))


def _ladder(table: AnswerTable, pack: str) -> tuple[str, ...]:
    info = table.pack_info.get(pack)
    return info.ladder if info is not None else ()


def week_start(stamps: np.ndarray) -> np.ndarray:
    """The Monday (UTC) of each timestamp's ISO week, as datetime64[D]."""
    days = stamps.astype("datetime64[D]")
    # 1970-01-01 was a Thursday: three days after a Monday.
    return days - ((days.astype(np.int64) + 3) % 7).astype("timedelta64[D]")


def as_date(day: np.datetime64) -> date:
    return day.astype("datetime64[D]").astype(date)


def first_answers(table: AnswerTable, rows: np.ndarray | None = None,
                  group: np.ndarray | None = None) -> np.ndarray:
    """Row indices of each reviewer's first non-skipped answer per case (and per group).

    `rows` limits the candidates (indices or a mask); `group` (one int per answer) splits
    them further, e.g. by week, so each group keeps its own first answers.
    """
    candidates = ~table.skipped if rows is None else (~table.skipped & _mask(rows, len(table)))
    idx = np.flatnonzero(candidates)
    if idx.size == 0:
        return idx
    n_profiles = max(len(table.profile_ids), 1)
    key = table.case[idx].astype(np.int64) * n_profiles + table.profile[idx]
    if group is not None:
        key += group[idx].astype(np.int64) * (max(len(table.cases), 1) * n_profiles)
    order = np.lexsort((idx, table.answered_at[idx], key))
    key_sorted = key[order]
    first = np.ones(order.size, dtype=bool)
    first[1:] = key_sorted[1:] != key_sorted[:-1]
    return np.sort(idx[order[first]])


def _mask(rows: np.ndarray, n: int) -> np.ndarray:
    if rows.dtype == bool:
        return rows
    mask = np.zeros(n, dtype=bool)
    mask[rows] = True
    return mask


def case_counts(case: np.ndarray, code: np.ndarray, k: int) -> np.ndarray:
    """Case × category counts for ratings given as (case code, category code)."""
    _, local = np.unique(case, return_inverse=True)
    n = int(local.max()) + 1 if local.size else 0
    return np.bincount(local.reshape(-1).astype(np.int64) * k + code,
                       minlength=n * k).reshape(n, k)


def wilson(correct: int, n: int) -> tuple[float | None, Interval]:
    """Accuracy and its Wilson 95 % interval; (None, None) for no answers."""
    if n <= 0:
        return None, None
    lo, hi = wilson_interval(correct, n)
    return correct / n, (float(lo), float(hi))


def group_codes(*columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One int per row for each distinct combination of the columns, and the combinations
    (rows of codes, sorted). Codes must be ≥ 0."""
    if not columns[0].size:
        return np.zeros(0, np.int64), np.zeros((0, len(columns)), np.int64)
    # Mixed-radix keys: one 1-D unique is far faster than np.unique(axis=0).
    sizes = [int(c.max()) + 1 for c in columns]
    key = np.zeros(columns[0].size, dtype=np.int64)
    for column, size in zip(columns, sizes, strict=True):
        key *= size
        key += column
    uniq, inverse = np.unique(key, return_inverse=True)
    combos = np.empty((uniq.size, len(columns)), dtype=np.int64)
    rest = uniq.copy()
    for i in range(len(columns) - 1, -1, -1):
        combos[:, i] = rest % sizes[i]
        rest //= sizes[i]
    return inverse.reshape(-1), combos
