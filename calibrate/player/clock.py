"""The playback position: our own clock, anchored at pictures, counted while paused, rate-aware.

Qt-free; VideoPlayer owns one PlaybackClock and tells it what happened (play, pause, seek,
step, a new rate); pictures are counted on the FrameSink they arrive in. libVLC 3 facts it
works around (measured, see tests/test_player.py):
- get_time() is the demuxer's clock: it moves in 250-500 ms jumps and runs up to 0.5 s off
  the picture, so the position is our own clock anchored at the first frame, each seek,
  pause and rate change.
- set_pause() lands 1-2 frames late: each picture that still comes after it is one frame on.
"""

from __future__ import annotations

import time

from calibrate.player.frames import FrameSink

# Speeds video reviewers ask for (issue 18); libVLC keeps the sound's pitch at each.
MIN_RATE, MAX_RATE = 0.25, 3.0
SEEK_LATENCY_S = 0.08


def format_clock(ms: int) -> str:
    """0:03.2 style time (h:mm:ss.t past an hour) for labels and messages."""
    tenths = max(0, int(ms)) // 100
    hours, rest = divmod(tenths, 36000)
    minutes, rest = divmod(rest, 600)
    seconds, tenth = divmod(rest, 10)
    if hours:
        return f"{hours}:{minutes:02d}:{seconds:02d}.{tenth}"
    return f"{minutes}:{seconds:02d}.{tenth}"


def clamp_rate(rate: float) -> float:
    """A playback speed within MIN_RATE-MAX_RATE."""
    return min(MAX_RATE, max(MIN_RATE, float(rate)))


class PlaybackClock:
    """Position in ms of the picture on screen for the loaded video.

    `running` arguments say whether the video is playing with its first picture shown; the
    caller knows the player state, the clock only the anchors.
    """

    def __init__(self) -> None:
        self.rate = 1.0
        self.frame_ms, self.duration = 40, 0
        self.anchor_pos, self.anchor_wall = 0, 0.0
        # (distinct picture count, its position, deadline): start the clock on that picture
        self.sync: tuple[int, int, float] | None = None
        self.count_base: tuple[int, int] | None = None  # (distinct pictures, their position)
        self.seen_distinct = 0  # distinct pictures already in the position
        self.count_late = False  # paused: each later picture is one frame further

    def set_media(self, frame_ms: int, duration: int) -> None:
        """The loaded video's frame duration and length in ms."""
        self.frame_ms, self.duration = frame_ms, duration

    def reset(self) -> None:
        """Forget the pictures of a run that ended (the anchor and rate stay)."""
        self.seen_distinct = 0
        self.sync, self.count_base = None, None
        self.count_late = False

    def position_at(self, now: float, running: bool) -> int:
        """The position at time.monotonic() `now`, within the clip."""
        pos = float(self.anchor_pos)
        if running and not self.sync:
            pos += max(0.0, now - self.anchor_wall) * 1000.0 * self.rate
        return int(min(max(0.0, pos), float(self.duration)))

    def snap(self, ms: int, floor: bool = False) -> int:
        """ms on the frame grid (nearest frame, or the one whose interval holds it)."""
        step = self.frame_ms
        frames = (ms + 5) // step if floor else round(ms / step)  # +5 ms: clock jitter
        return int(min(frames * step, max(0, self.duration - step)))

    def start_at(self, ms: int) -> None:
        """Decoding (re)starts at ms; the first picture sets the wall-clock anchor."""
        self.anchor_pos = ms

    def seek_to(self, ms: int) -> None:
        """A seek to ms was asked."""
        self.count_late, self.sync, self.count_base = False, None, None
        self.anchor_pos = ms
        # While playing, pictures already decoded keep coming for a moment, then the target
        # shows ~80 ms after the call (measured, mp4 and webm): start the clock then.
        self.anchor_wall = time.monotonic() + SEEK_LATENCY_S

    def sync_on_picture(self, ahead: int, pos: int, sink: FrameSink | None) -> None:
        """Start the clock when the `ahead`-th new picture shows; it shows position pos."""
        seen = sink.distinct if sink else 0
        wait_s = (ahead + 1) * self.frame_ms / 1000 / self.rate + 0.15
        self.sync = (seen + ahead, pos, time.monotonic() + wait_s)

    def follow_sync(self, now: float, sink: FrameSink | None) -> None:
        """Anchor the clock on the awaited picture (or give up waiting: a still scene)."""
        if self.sync is None or sink is None:
            return
        target, pos, deadline = self.sync
        distinct, wall = sink.distinct, sink.distinct_wall
        if distinct >= target:
            extra = distinct - target
            self.anchor_pos, self.anchor_wall = pos + extra * self.frame_ms, wall
            self.count_base = (distinct, self.anchor_pos)
            self.sync = None
        elif now > deadline:
            self.anchor_pos, self.anchor_wall, self.sync = pos, now, None

    def picture_position(self, now: float, sink: FrameSink | None, running: bool) -> int:
        """Position of the picture on screen: pictures counted since the last anchor
        picture, unless that disagrees with the clock (dropped frames, a still scene)."""
        estimate = self.position_at(now, running)
        if self.count_base is not None and sink is not None:
            distinct, pos = self.count_base
            counted = pos + (sink.distinct - distinct) * self.frame_ms
            if abs(counted - estimate) <= 2 * self.frame_ms:
                return self.snap(counted)
        # The picture on screen is the frame whose interval holds the clock: floor.
        return self.snap(estimate, floor=True)

    def pause(self, now: float, sink: FrameSink, running: bool) -> None:
        """Playback paused: hold the picture on screen; later pictures count (count_late)."""
        self.follow_sync(now, sink)
        self.sync = None
        # Pictures up to now are in the clock already; only later ones are "late".
        self.seen_distinct = sink.distinct
        self.anchor_pos = self.picture_position(now, sink, running)
        self.count_late = True

    def pause_on_first_picture(self, start: int, sink: FrameSink) -> None:
        """Paused at load on frame `start`: pictures before the pause lands count one each,
        up to the last frame (a start there can bring a stray picture first)."""
        last = max(0, self.duration - self.frame_ms)
        self.anchor_pos = min(last, start + (sink.distinct - 1) * self.frame_ms)
        self.seen_distinct, self.count_late = sink.distinct, True

    def resume(self, sink: FrameSink, seek_pending: bool) -> None:
        """Play from the paused picture (or a paused seek's, not yet shown: it comes first)."""
        if seek_pending:
            self.sync_on_picture(1, self.anchor_pos, sink)
        else:
            self.sync_on_picture(1, self.anchor_pos + self.frame_ms, sink)
        self.count_late = False

    def settle_late_frames(self, sink: FrameSink | None) -> None:
        """Pictures that arrive after set_pause() each mean libVLC went one frame further."""
        if self.count_late and sink is not None:
            distinct = sink.distinct
            late = distinct - self.seen_distinct
            if late > 0:
                last = max(0, self.duration - self.frame_ms)
                self.anchor_pos = min(last, self.anchor_pos + late * self.frame_ms)
        if sink is not None:
            self.seen_distinct = sink.distinct

    def rerate(self, rate: float, pos: int, now: float) -> None:
        """Run at `rate` (already clamped) from pos, the position at `now` (after follow_sync)."""
        self.anchor_pos, self.anchor_wall = pos, now
        self.rate = rate
