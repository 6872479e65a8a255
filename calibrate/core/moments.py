""" "Where does it show?": scoring a moderator's marked moment against the golden moments.

One definition (docs/dashboard-metrics.md, "Marked moments"): a mark at t seconds is a
**hit** when some golden moment [start, end] holds it once widened by the case's tolerance
on each side: start − tolerance ≤ t ≤ end + tolerance, both ends included. Times compare
in whole milliseconds (each rounded to the nearest), so a mark exactly at the tolerance's
edge is a hit whatever the binary fractions of 0.1 say. The moment result is reported
beside decision accuracy, never folded into it.

Per answer the outcome is one of the codes below; the store keeps the mark, not the code
(a case version's moments can be read again, and the rule is this module's alone).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from calibrate.core.models import Moment

NOT_ASKED = -1  # the case version asks for no mark, or the answer was skipped
UNMARKED = 0  # asked, answered, no mark given
MISSED = 1  # marked outside every widened golden moment
HIT = 2  # marked inside one


def milliseconds(seconds: float) -> int:
    """A time as the whole milliseconds it is compared in."""
    return int(round(seconds * 1000))


@dataclass(frozen=True)
class MarkResult:
    """One mark against the golden moments: the outcome code and, for a miss, how far the
    mark lies from the nearest widened moment (seconds; 0 for a hit)."""

    outcome: int
    distance: float | None = None  # None when there is no mark to measure

    @property
    def hit(self) -> bool:
        return self.outcome == HIT


def windows(moments: Iterable[Moment], tolerance: float) -> list[tuple[int, int]]:
    """Each golden moment widened by the tolerance, in milliseconds (start, end)."""
    slack = milliseconds(tolerance)
    return [(milliseconds(m.start) - slack, milliseconds(m.end) + slack) for m in moments]


def score_mark(
    mark: float | None,
    moments: Sequence[Moment],
    tolerance: float,
    *,
    asked: bool = True,
    skipped: bool = False,
) -> MarkResult:
    """The mark's outcome: NOT_ASKED (no question, a skip, or no golden moment to score
    against), UNMARKED, MISSED (with its distance) or HIT."""
    if not asked or skipped or not moments:
        return MarkResult(NOT_ASKED)
    if mark is None:
        return MarkResult(UNMARKED)
    at = milliseconds(mark)
    gaps = [max(lo - at, at - hi, 0) for lo, hi in windows(moments, tolerance)]
    nearest = min(gaps)
    return MarkResult(HIT, 0.0) if nearest == 0 else MarkResult(MISSED, nearest / 1000)


def outcome_codes(
    marks: NDArray[Any],
    skipped: NDArray[Any],
    version: NDArray[Any],
    version_windows: Sequence[Sequence[tuple[int, int]]],
) -> NDArray[Any]:
    """Vectorised `score_mark`: `marks` in seconds (NaN: no mark), `version` a code per
    answer into `version_windows` (each case version's `windows`; empty when it asks for no
    mark; code -1: no version known)."""
    out = np.full(len(marks), NOT_ASKED, dtype=np.int8)
    if not len(marks):
        return out
    asked = np.array([bool(w) for w in version_windows] + [False], dtype=bool)
    version = np.asarray(version, dtype=np.int64)
    rows = np.flatnonzero(asked[version] & ~np.asarray(skipped, dtype=bool))
    if not rows.size:
        return out
    marked = ~np.isnan(marks[rows])
    out[rows[~marked]] = UNMARKED
    rows = rows[marked]
    at = np.round(marks[rows] * 1000).astype(np.int64)
    hit = np.zeros(rows.size, dtype=bool)
    for v in np.unique(version[rows]).tolist():
        mine = version[rows] == v
        for lo, hi in version_windows[v]:
            hit[mine] |= (at[mine] >= lo) & (at[mine] <= hi)
    out[rows] = np.where(hit, HIT, MISSED)
    return out
