"""Paused seeks and frame steps: held until libVLC takes them, backward steps replayed.

Qt-free. libVLC 3 facts handled here (measured, see tests/test_player.py; frames.py has the
ones about waiting): next_frame() steps the picture but not the clock: after it,
set_pause(0) jumps ahead by the time spent paused, and a set_time() right after set_pause(0)
is often lost. So play after steps restarts at the stepped frame (restart_needed()). A
backward step replays remembered pictures. Past them it cannot simply seek: on H.264 with
B-frames a paused set_time() shows a stray reference picture 1-4 frames off the time asked
(or none), and a restart shows one first. Only next_frame() is exact, and a picture decodes
to the same bytes every time. So a backward step past the remembered pictures rewinds: it
seeks well before the picture on screen, steps forward until that picture comes again
(~20-110 ms for 25 frames) and so remembers the exact frames before it. With the CPU shared,
libVLC's picture thread stalls for tenths of a second now and then: the rewind waits that
out (REWIND_STALL_S) rather than fall back to a seek and its stray picture.
A paused seek lands the same way: a seek to a keyframe's own time is exact (keyframes.py
knows where they are), so it seeks to the last keyframe at or before the time asked and
steps forward, counting pictures, to the frame asked (~60-130 ms with keyframes 1 s apart).
next_frame() is sometimes ignored (after a seek, and now and then between): it is asked
again after WALK_ASK_S; a picture that came twice is remembered, so the one asked is shown.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from calibrate.player.clock import PlaybackClock
from calibrate.player.frames import PICTURE_WAIT_S, FrameSink, PausedCommands
from calibrate.player.keyframes import KeyframeIndex

# A rewind gives up after this long (then the step seeks and may land a frame or two off).
REWIND_TIMEOUT_S = 1.5
# A rewind that saw no new picture for this long gives up (a still scene). Not a count of
# next_frame() calls that brought none: with the CPU shared, libVLC's threads can stall for
# 0.1-0.3 s (measured), and a rewind given up for that made the step seek to a stray picture.
REWIND_STALL_S = 0.45
# Pictures after a seek or start that may be strays (measured: 1, at most 2).
STRAY_PICTURES = 2
# Frames to seek further back when a rewind's seek landed after the picture on screen.
REWIND_SLACK_FRAMES = 12
# An exact paused seek asks next_frame() again when no picture came within this long
# (libVLC ignores some; it brings a picture in 1-3 ms, 10-30 ms with both cores busy).
WALK_ASK_S = 0.04
# How long a seek that unsticks a starved step waits for that step's pictures (see _walk).
LATE_PICTURES_S = 0.5


class FrameStepper:
    """The paused half of a VideoPlayer: its seeks and steps, and the pictures stepped back to.

    `show(picture)` puts a remembered picture on screen; `paused()` says whether the player
    is paused when a seek runs (a paused seek awaits its picture, a step right after it
    would go astray too).
    """

    def __init__(
        self,
        clock: PlaybackClock,
        show: Callable[[bytes | None], None],
        paused: Callable[[], bool],
        keyframes: KeyframeIndex,
    ) -> None:
        self._clock, self._show, self._paused = clock, show, paused
        self._keyframes = keyframes
        self._mp: Any = None
        self._sink: FrameSink | None = None
        self._commands = PausedCommands()
        self.back = 0  # how many remembered pictures we stepped back behind libVLC's
        self.stepped = False  # next_frame() was called since the last play
        self._seek_distinct = -1  # distinct pictures when a paused seek was asked
        # the position (ms) of libVLC's picture on screen when it is known to be that frame
        # (after an exact seek, or one to 0): a walk from that keyframe awaits no new picture
        self._exact_at: int | None = None
        self._walk_moved = False  # the last walk saw pictures after the keyframe's
        # distinct pictures when libVLC last seeked or started: the first ones after may be strays
        self._landed_at: int | None = None

    def attach(self, mp: Any, sink: FrameSink | None) -> None:
        """Step with this libVLC player and its pictures (None, None: released)."""
        self._mp, self._sink = mp, sink

    def reset(self) -> None:
        """libVLC stopped: no picture stepped back to, nothing waiting."""
        self.back, self.stepped = 0, False
        self._exact_at = None
        self._landed_at = 0
        self._commands.clear()

    def restart_needed(self) -> bool:
        """Play must restart at the position rather than unpause: libVLC's clock is off
        after next_frame(), its picture after history steps, and a waiting seek would be
        lost."""
        return bool(self.stepped or self.back or self._commands.seek_waiting())

    def seek_queued(self) -> bool:
        """A paused seek waits for libVLC to settle (see frames.PausedCommands)."""
        return self._commands.seek_waiting()

    def seek_pending(self) -> bool:
        """No picture came since the last paused seek was asked."""
        return self._sink.distinct == self._seek_distinct

    def resumed(self) -> None:
        """Playing again from libVLC's own picture."""
        self.stepped, self.back = False, 0
        self._exact_at = None

    def seek_paused(self, ms: int, step: int) -> None:
        """A seek while paused (to `ms`, a frame's start; `step` ms a frame): sent once
        libVLC has settled, exact where the keyframes are known."""
        self._seek_distinct = self._sink.distinct
        self.when_settled(lambda: self.seek_exactly(ms, step), kind="seek")

    def seek_exactly(self, ms: int, step: int) -> None:
        """Paused: land on the frame at `ms` from the keyframe before it (see the module
        docstring); an inexact seek when the keyframes are unknown or the walk failed."""
        if not self.land_exactly(ms, step):
            self.seek_now(ms)

    def land_exactly(self, ms: int, step: int, late: int = 0) -> bool:
        """Paused: walk from the keyframe before `ms` to its frame; False (nothing done, or
        the walk failed) when the keyframes are unknown. `late`: see _walk."""
        keyframe = self._keyframes.at_or_before(ms)
        if keyframe is None or self._sink is None:
            return False
        if self._walk(keyframe, ms, step, late):
            return True
        # Pictures came, then stopped: libVLC stalled (a busy CPU), not a still scene. Once
        # more, rather than a plain seek and its stray picture.
        return self._walk_moved and self._walk(keyframe, ms, step)

    def _walk(self, keyframe: int, ms: int, step: int, late: int = 0) -> bool:
        """Seek to `keyframe` and step to the frame at `ms`, counting the pictures that come;
        False when they stopped coming (a stall or a still scene) or it took too long.
        Pictures asked earlier can come after the seek, before the keyframe's: steps libVLC
        starved of data (the seek feeds it: measured 38, 39, then the keyframe's 25), an ask
        that only looked ignored, frames still played on after a pause (under load). So the
        keyframe's picture is the last of the burst that follows the seek: after the `late`
        pictures asked and not come (a step's two asks), the last before none came for
        WALK_ASK_S."""
        sink = self._sink
        before = sink.distinct
        self._mp.set_time(keyframe)
        sink.forget_history()
        if self._exact_at != keyframe:  # else that picture is on screen: none comes
            # No new picture: the keyframe was on screen already (an identical picture).
            self._wait_picture(sink, before, REWIND_STALL_S)
        if late:  # theirs, then the keyframe's (fewer if libVLC dropped an ask: waited out)
            self._wait_picture(sink, before + late + 1, LATE_PICTURES_S, at_least=True)
        for _burst in range(STRAY_PICTURES + 2):
            if not self._wait_picture(sink, sink.distinct, WALK_ASK_S):
                break
        sink.keep_newest()
        base, frames, asks, slow = sink.distinct, round((ms - keyframe) / step), 0, 0
        now = time.monotonic()
        deadline, last_new = now + REWIND_TIMEOUT_S, now
        while sink.distinct - base < frames:
            self._walk_moved = sink.distinct > base
            if now > deadline or now - last_new > REWIND_STALL_S:
                return False
            before = sink.distinct
            self._mp.next_frame()
            asks += 1
            if self._wait_picture(sink, before, WALK_ASK_S):
                last_new = time.monotonic()
            elif asks > 1:  # (the first ask after a seek is the one libVLC often ignores)
                slow += 1
            now = time.monotonic()
        if slow:  # an ask that looked ignored may only have been slow: let its picture come
            self._wait_picture(sink, base + frames + 1, PICTURE_WAIT_S, at_least=True)
        over = sink.distinct - base - frames  # pictures that came twice: one is shown back
        if over >= len(sink.history):
            return False
        self.back, self.stepped, self._landed_at = over, True, None
        self._exact_at = ms if over == 0 else None
        if over:
            self._show(sink.recent(over))
        return True

    @staticmethod
    def _wait_picture(sink: FrameSink, before: int, most_s: float, at_least: bool = False) -> bool:
        """Wait (at most most_s) until a picture newer than `before` distinct ones came (with
        at_least: until `before` distinct ones came in all)."""
        until = time.monotonic() + most_s

        def waiting() -> bool:
            return sink.distinct < before if at_least else sink.distinct == before

        while waiting() and time.monotonic() < until:
            time.sleep(0.001)
        return not waiting()

    def seek_now(self, ms: int) -> None:
        before = self._sink.distinct
        self._mp.set_time(ms)
        self._sink.forget_history()  # earlier pictures no longer lead up to the next one
        self._landed_at = before
        if self._paused():
            self._commands.await_picture(before)  # a step right after a seek goes astray too
        self._exact_at = 0 if ms == 0 and self._paused() else None  # 0: a keyframe, exact

    def pause_asked(self, now: float) -> None:
        """set_pause(1) was called at `now`: paused commands wait for it to settle."""
        self._commands.pause_asked(now)

    def must_wait(self) -> bool:
        """A new step waits behind waiting commands, or until libVLC has settled."""
        commands = self._commands
        return bool(commands.deferred and not commands.draining) or self.busy()

    def defer_step(self, call: Callable[[], None]) -> None:
        """Run a step once the commands before it ran (see must_wait)."""
        self._commands.deferred.append(("step", call))

    def step(self, direction: int, step: int, last: int) -> bool:
        """One frame (`step` ms) forward (+1) or back (-1) from the clock's anchor, `last`
        the last frame's start; False at either end of the clip."""
        self._exact_at = None
        clock = self._clock
        clock.settle_late_frames(self._sink)
        clock.count_late = False
        self._trust_history()
        if direction > 0:
            if clock.anchor_pos + step > last:
                return False
            if self.back:
                self.back -= 1
                self._show(self._sink.recent(self.back))
            else:
                self._next_frame(retry=True)
                self.stepped = True
            clock.anchor_pos += step
        else:
            if clock.anchor_pos == 0:
                return False
            earlier = self._sink.recent(self.back + 1)
            if earlier is None and self._rewind(clock.anchor_pos, step):
                earlier = self._sink.recent(self.back + 1)
            if earlier is not None:
                self.back += 1
                self._show(earlier)
            else:  # the rewind failed: seek (may land a frame or two off on H.264)
                self.seek_now(max(0, clock.anchor_pos - step))
                self.back = 0
            clock.anchor_pos = max(0, clock.anchor_pos - step)
        return True

    def busy(self) -> bool:
        """True while libVLC may still drop or misplace a paused command."""
        return self._commands.busy(self._sink, self._step_again)

    def when_settled(self, call: Callable[[], None], kind: str = "step") -> None:
        """Run a libVLC call now, or once libVLC has settled (see frames.PAUSE_SETTLE_S)."""
        self._commands.when_settled(call, kind, self._sink, self._step_again)

    def run_deferred(self) -> None:
        """Run the commands that waited, as far as libVLC has settled."""
        self._commands.run_deferred(self._sink, self._step_again)

    def _trust_history(self) -> None:
        """Called settled, before a step. After a seek or start, the first pictures may be a
        stray (see the module docstring): while they are remembered, only the picture on
        screen is sure to be where it seems."""
        sink = self._sink
        if sink is not None and self._landed_at is not None and self.back == 0:
            if sink.distinct - self._landed_at - len(sink.history) < STRAY_PICTURES:
                sink.keep_newest()
            self._landed_at = None

    def _rewind(self, at_ms: int, step: int) -> bool:
        """Decode up to the picture on screen (at `at_ms`) again from well before it, so the
        frames before it are remembered; False when it did not come again."""
        sink = self._sink
        shown = sink.recent(self.back) if sink is not None else None
        if sink is None or shown is None:
            return False
        depth = max(1, sink.history.maxlen or 2) - 1
        for frames_back in (depth, depth + REWIND_SLACK_FRAMES):
            start = max(0, at_ms - frames_back * step)
            after = self._decode_up_to(sink, shown, start, frames_back + REWIND_SLACK_FRAMES)
            if isinstance(after, int):
                self.back, self.stepped, self._landed_at = after, True, None
                return True
            if start == 0 or after == "still":  # a still scene stays still on a second try
                break
        return False

    def _decode_up_to(
        self, sink: FrameSink, shown: bytes, start_ms: int, most: int
    ) -> int | str | None:
        """Paused seek to start_ms, then next_frame() until `shown` comes (at most `most`
        pictures); how many pictures came after it, "still" when pictures stopped coming,
        or None. Waits on the calling thread: next_frame() takes 1-3 ms, libVLC delivers on
        its own threads."""
        self._mp.set_time(start_ms)
        sink.forget_history()
        seen, first = sink.distinct, sink.distinct
        now = time.monotonic()
        deadline, last_new = now + REWIND_TIMEOUT_S, now
        while now < deadline and sink.distinct - first <= most:
            before = sink.distinct
            self._mp.next_frame()  # the first one after a seek is sometimes ignored: asked again
            waited = time.monotonic() + PICTURE_WAIT_S
            while sink.distinct == before and time.monotonic() < waited:
                time.sleep(0.002)
            now = time.monotonic()
            newer, seen = sink.distinct - seen, sink.distinct
            if newer:
                last_new = now
            elif now - last_new > REWIND_STALL_S:  # a still scene (or the end)
                return "still"
            after = sink.after(shown, newer) if newer else None
            if after is not None:
                return after
        return None

    def _next_frame(self, retry: bool) -> None:
        before = self._sink.distinct  # counted first: the picture can beat the call's return
        self._mp.next_frame()
        self._commands.await_picture(before, retry, on_lost=None if retry else self._resync)

    def _step_again(self) -> None:
        self._next_frame(retry=False)

    def _resync(self) -> None:
        """A step asked twice brought no picture: libVLC ran out of what it had decoded
        (paused, it reads no more of the file; measured: ~30-120 steps after a seek, sooner
        on a busy CPU) or the scene is still. A seek to the frame the position names makes it
        read again, exactly where keyframes are known."""
        ms, step = self._clock.anchor_pos, self._clock.frame_ms
        # The step's two asks may yet bring their pictures: seen after the seek, under load.
        if not self.land_exactly(ms, step, late=2):
            self.seek_now(ms)
