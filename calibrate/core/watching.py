"""What "watched" means for an answer: the share of the clip's positions actually shown.

One definition, used by the player (which feeds a Coverage), the case screen (which asks
before an answer given without watching), the store (which keeps the share) and the
dashboard (which can leave such answers out). docs/storage.md says what is stored.

- The share is positions seen, not wall time: the clip's timeline is cut into BUCKET_MS
  buckets and a bucket counts once it was shown, at any speed (2× counts the same as 1×),
  however often (replaying counts once). A seek jumps: the span it skipped is not shown.
- `None` where it is unknown (history imported from a spreadsheet, answers recorded before
  the share was kept).
- A clip that could not be played (missing, broken, no libVLC) is not "not watched": the
  moderator had nothing to watch, so such an answer never counts as answered unwatched.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

NOT_WATCHED_BELOW = 0.5  # less than half of the clip shown: "answered without watching"
BUCKET_MS = 100  # resolution of the coverage: a tenth of a second


class Coverage:
    """Which positions of one clip were shown, in BUCKET_MS buckets over its duration."""

    def __init__(self, duration_ms: int):
        self.duration_ms = max(0, int(duration_ms))
        buckets = -(-self.duration_ms // BUCKET_MS)  # ceiling: the last partial bucket counts
        self._shown = np.zeros(buckets, dtype=bool)

    def saw(self, start_ms: float, end_ms: float) -> None:
        """Positions start_ms..end_ms were shown one after the other (played, not jumped).

        A bucket counts when the span reaches into it; a zero-length span (a still picture,
        a paused frame) marks the bucket it is in."""
        if not self._shown.size:
            return
        lo, hi = sorted((float(start_ms), float(end_ms)))
        lo, hi = max(0.0, lo), min(float(self.duration_ms), hi)
        if hi < lo:
            return
        first = min(int(lo // BUCKET_MS), self._shown.size - 1)
        last = min(int(-(-hi // BUCKET_MS)) if hi > lo else first + 1, self._shown.size)
        self._shown[first : max(last, first + 1)] = True

    def merge(self, other: Coverage) -> None:
        """Add what `other` saw of the same clip (a visit to the guidance reloads it)."""
        # By position, not bucket index: a reloaded clip may report a length a bucket off.
        common = min(other._shown.size, self._shown.size)
        self._shown[:common] |= other._shown[:common]

    def covers(self, ms: float) -> bool:
        """Whether the position ms was shown (at bucket resolution)."""
        index = int(ms // BUCKET_MS)
        return 0 <= index < self._shown.size and bool(self._shown[index])

    @property
    def shown_ms(self) -> int:
        """How much of the timeline was shown, in ms (at bucket resolution)."""
        if not self._shown.size:
            return 0
        full = int(self._shown[:-1].sum()) * BUCKET_MS
        tail = self.duration_ms - (self._shown.size - 1) * BUCKET_MS
        return full + (tail if self._shown[-1] else 0)

    @property
    def share(self) -> float | None:
        """Shown / duration, 0..1; None when the duration is unknown."""
        if not self.duration_ms:
            return None
        return min(1.0, self.shown_ms / self.duration_ms)


def answered_unwatched(share: float | None, clip_unavailable: bool | None) -> bool | None:
    """True: less than NOT_WATCHED_BELOW of an available clip was shown; None: unknown."""
    if clip_unavailable:
        return False
    if share is None:
        return None
    return share < NOT_WATCHED_BELOW


# Codes of AnswerTable.not_watched (one byte per answer).
UNKNOWN, WATCHED, NOT_WATCHED = -1, 0, 1


def not_watched_codes(
    share: NDArray[Any], clip_unavailable: NDArray[Any], skipped: NDArray[Any]
) -> NDArray[Any]:
    """answered_unwatched for columns: share (float, NaN unknown), clip_unavailable and
    skipped (bool) → int8 codes NOT_WATCHED, WATCHED, UNKNOWN. A skip is no answer given
    without watching and a broken clip is not "not watched": both are WATCHED."""
    share = np.asarray(share, dtype=np.float64)
    codes = np.where(
        np.isnan(share), UNKNOWN, np.where(share < NOT_WATCHED_BELOW, NOT_WATCHED, WATCHED)
    )
    codes[np.asarray(clip_unavailable, dtype=bool) | np.asarray(skipped, dtype=bool)] = WATCHED
    return codes.astype(np.int8)
