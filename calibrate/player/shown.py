"""What of the loaded clip was shown: time spent playing and the positions seen."""

from __future__ import annotations

from calibrate.core.watching import Coverage


class ShownRecord:
    """Wall-clock ms playing with pictures shown, and the positions shown (core.watching:
    played spans and stepped frames; a seek's skipped span is not shown, a replay counts once)."""

    def __init__(self) -> None:
        self.restart(0)

    def restart(self, duration_ms: int) -> None:
        """A new clip (or none yet): nothing shown. A new Coverage, so one handed out stays."""
        self.watched_ms = 0.0
        self.coverage = Coverage(duration_ms)
        self.seen_from: int | None = None  # position shown last while playing

    def played_for(self, seconds: float) -> None:
        """Playing with pictures went on for `seconds` of wall-clock time."""
        self.watched_ms += seconds * 1000.0

    def played_to(self, pos: int) -> None:
        """Playing went on from the last position shown to pos: those positions were shown."""
        if self.seen_from is not None and pos >= self.seen_from:
            self.coverage.saw(self.seen_from, pos)
        self.seen_from = pos

    def jumped_to(self, pos: int) -> None:
        """Playing goes on from pos (a seek, a pause, a start): nothing before it was shown."""
        self.seen_from = pos

    def looked_at(self, pos: int, frame_ms: int) -> None:
        """A stepped frame at pos was looked at."""
        self.coverage.saw(pos, pos + frame_ms)
        self.seen_from = pos
