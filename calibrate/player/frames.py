"""The pictures libVLC delivers: the buffer it decodes into, the recent ones, waiting for one.

Qt-free; FrameSink runs on libVLC's threads (frame callbacks, RV32 at the size
probe.frame_size chose) and VideoPlayer takes pictures from it on the GUI thread. libVLC 3
facts handled here (measured, see tests/test_player.py):
- A seek while paused shows a stray reference picture for H.264 with B-frames (1-4 frames
  off the time asked, or no new picture at all); VP9 lands exactly. So the last pictures
  shown are kept (~1 s) for backward steps to replay, and past them stepping.py decodes
  forward again until the picture on screen comes back (pictures decode to the same bytes).
- A set_time() within ~20 ms after set_pause() is dropped, and the first next_frame() after
  a paused seek is sometimes ignored. So PausedCommands holds paused commands until the
  pause settled and the previous command's picture came (PAUSE_SETTLE_S, PICTURE_WAIT_S).
"""

from __future__ import annotations

import ctypes
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

# Recent pictures kept for exact backward frame steps (at most this many bytes in total).
HISTORY_FRAMES, HISTORY_BYTES = 25, 24 * 1024 * 1024
# libVLC 3 drops a seek that follows set_pause() within ~20 ms (measured), and pictures keep
# coming for a moment: paused commands wait this long after a pause...
PAUSE_SETTLE_S = 0.12
# ...and after a step or paused seek, until its picture came (or this long, for a still scene).
# After a paused seek libVLC sometimes ignores the next next_frame(): a step with no new
# picture by then is asked once more.
PICTURE_WAIT_S = 0.1
# A step asked again that brought no picture for this long is taken as starved (stepping.py
# seeks to unstick it); under load a step's picture took over 0.1 s, and seeking then let
# its late picture be miscounted.
STARVED_S = 0.45


class FrameSink:
    """Pixel buffer + the C frame callbacks (RV32); runs on libVLC threads, touches no Qt."""

    def __init__(self, vlc: Any) -> None:
        self._lock = threading.Lock()
        self._buffer: ctypes.Array[ctypes.c_ubyte] | None = None
        self._nbytes = 0
        self._pending: bytes | None = None
        self._last: bytes | None = None
        self.history: deque[bytes] = deque(maxlen=2)
        self.count = 0  # display calls since reset(): repaints of a paused picture count too
        self.distinct = 0  # pictures that differed from the one before
        self.distinct_wall = 0.0  # time.monotonic() of the newest distinct picture
        decorators = vlc.CallbackDecorators
        self.lock_cb = decorators.VideoLockCb(self._on_lock)
        self.unlock_cb = decorators.VideoUnlockCb(self._on_unlock)
        self.display_cb = decorators.VideoDisplayCb(self._on_display)

    def prepare(self, width: int, height: int) -> None:
        """Size the buffer for the next media; only call while libVLC is stopped."""
        need = width * height * 4
        if self._buffer is None or len(self._buffer) < need:
            # Grow only: a stale libVLC thread can never be left holding a freed buffer.
            self._buffer = (ctypes.c_ubyte * need)()
        with self._lock:
            self._nbytes = need
            self.history = deque(maxlen=max(2, min(HISTORY_FRAMES, HISTORY_BYTES // need)))
        self.reset()

    def reset(self) -> None:
        """Forget frames of the previous run."""
        with self._lock:
            self._pending = self._last = None
            self.count = self.distinct = 0
            self.history.clear()

    def forget_history(self) -> None:
        """Drop remembered pictures (after a seek they no longer precede the next one)."""
        with self._lock:
            self.history.clear()

    def keep_newest(self) -> None:
        """Keep only the newest picture: the ones before it may not be the frames before it
        (a seek or start shows a stray reference picture first)."""
        with self._lock:
            while len(self.history) > 1:
                self.history.popleft()

    def after(self, picture: bytes, newest: int) -> int | None:
        """How many pictures came after `picture` among the `newest` remembered (None: not
        among them)."""
        with self._lock:
            for back in range(min(newest, len(self.history))):
                if self.history[-1 - back] == picture:
                    return back
            return None

    @property
    def has_pending(self) -> bool:
        """A picture came that the GUI thread has not taken yet."""
        with self._lock:
            return self._pending is not None

    def take(self) -> tuple[bytes | None, int, int]:
        """The newest unseen picture (or None), display calls and distinct pictures so far."""
        with self._lock:
            data, self._pending = self._pending, None
            return data, self.count, self.distinct

    def recent(self, back: int) -> bytes | None:
        """The picture shown `back` pictures before the newest, if still remembered."""
        with self._lock:
            return self.history[-1 - back] if back < len(self.history) else None

    def _on_lock(self, _opaque: Any, planes: Any) -> None:
        planes[0] = ctypes.addressof(self._buffer)

    def _on_unlock(self, _opaque: Any, _picture: Any, _planes: Any) -> None:
        pass

    def _on_display(self, _opaque: Any, _picture: Any) -> None:
        data = ctypes.string_at(ctypes.addressof(self._buffer), self._nbytes)
        now = time.monotonic()
        with self._lock:
            self.count += 1
            # libVLC repaints a paused picture every ~50 ms: only hand over real changes.
            if data != self._last:
                self._pending = self._last = data
                self.distinct += 1
                self.distinct_wall = now
                self.history.append(data)


class PausedCommands:
    """Paused libVLC commands (seeks, steps) held until libVLC can take them.

    `step_again` is the player's next_frame() without a retry: it is called when a step
    brought no picture in time, so it must await its picture again (await_picture).
    """

    def __init__(self) -> None:
        self.busy_until = 0.0  # paused commands wait until then (see PAUSE_SETTLE_S)
        # (distinct pictures when asked, deadline, ask again?) for a step or paused seek
        self.awaited: tuple[int, float, bool] | None = None
        # called when a step asked again still brought no picture (see await_picture)
        self.on_lost: Callable[[], None] | None = None
        # ("seek" | "step", call): paused commands waiting for the pause to settle
        self.deferred: list[tuple[str, Callable[[], None]]] = []
        self.draining = False

    def clear(self) -> None:
        """Drop waiting commands and waits (playback stopped)."""
        self.deferred.clear()
        self.busy_until, self.awaited, self.on_lost = 0.0, None, None

    def pause_asked(self, now: float) -> None:
        """set_pause(1) was called at `now`: let it settle first."""
        self.busy_until = now + PAUSE_SETTLE_S

    def seek_waiting(self) -> bool:
        """True when a seek is among the waiting commands."""
        return any(kind == "seek" for kind, _call in self.deferred)

    def await_picture(
        self, before: int, retry: bool = False, on_lost: Callable[[], None] | None = None
    ) -> None:
        """A step or paused seek was asked with `before` distinct pictures shown; `on_lost`
        runs if no picture came in time (then STARVED_S: a slow picture is no lost one) and
        it is not to be asked again."""
        wait_s = STARVED_S if on_lost is not None else PICTURE_WAIT_S
        self.awaited = (before, time.monotonic() + wait_s, retry)
        self.on_lost = on_lost

    def busy(self, sink: FrameSink | None, step_again: Callable[[], None]) -> bool:
        """True while libVLC may still drop or misplace a paused command."""
        now = time.monotonic()
        if now < self.busy_until:
            return True
        if self.awaited is not None and sink is not None:
            distinct, deadline, retry = self.awaited
            if sink.distinct > distinct:
                self.awaited = None
            elif now < deadline:
                return True
            elif retry:  # no picture: libVLC ignored the step (or the scene is still)
                step_again()
                return True
            else:
                self.awaited, lost, self.on_lost = None, self.on_lost, None
                if lost is not None:
                    lost()
                    return self.awaited is not None
        return False

    def when_settled(
        self,
        call: Callable[[], None],
        kind: str,
        sink: FrameSink | None,
        step_again: Callable[[], None],
    ) -> None:
        """Run a libVLC call now, or once libVLC has settled (see PAUSE_SETTLE_S)."""
        if self.deferred or self.busy(sink, step_again):
            if kind == "seek" and self.deferred and self.deferred[-1][0] == "seek":
                self.deferred.pop()  # a newer seek replaces a waiting one
            self.deferred.append((kind, call))
        else:
            call()

    def run_deferred(self, sink: FrameSink | None, step_again: Callable[[], None]) -> None:
        """Run waiting commands in order; after a seek the rest waits for it to settle."""
        self.draining = True
        try:
            while self.deferred and not self.busy(sink, step_again):
                _kind, call = self.deferred.pop(0)
                call()
        finally:
            self.draining = False
