"""The GUI-thread side of libVLC playback: a run, and the tick that turns it into signals.

libVLC decodes into a buffer we own (frames.FrameSink: frame callbacks, RV32 at the track's
visible size); its threads only copy bytes and queue events (events.VlcEvents). A 10 ms
QTimer on the GUI thread takes the newest picture and the events, moves the clock and
turns them into state and Qt signals. A run goes from _start() (LOADING until its first
picture) to the end, a failure or _halt(). VideoPlayer (vlc_player.py) adds the commands
and facts callers use.
"""

from __future__ import annotations

import enum
import logging
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QImage

from calibrate.player import lifetime, probe
from calibrate.player.clock import PlaybackClock, format_clock
from calibrate.player.events import VlcEvents
from calibrate.player.frames import FrameSink
from calibrate.player.keyframes import KeyframeIndex
from calibrate.player.probe import shared_instance
from calibrate.player.shown import ShownRecord
from calibrate.player.stepping import FrameStepper

log = logging.getLogger(__name__)

TICK_MS = 10
LOAD_TIMEOUT_S = 10.0
# Paused restarts after libVLC played on to the end before a pause landed (see _on_vlc_event).
PAUSED_END_RESTARTS = 3


class PlayerState(enum.Enum):
    """What the player is doing; UNAVAILABLE comes with VideoPlayer.reason."""

    EMPTY = "empty"
    LOADING = "loading"
    PLAYING = "playing"
    PAUSED = "paused"
    ENDED = "ended"
    UNAVAILABLE = "unavailable"


class Playback(QObject):
    """One libVLC media player and its runs, on the GUI thread (VideoPlayer's base)."""

    state_changed = Signal(object)  # PlayerState
    frame_changed = Signal(QImage)  # a null QImage when the picture is cleared
    position_changed = Signal(int)  # ms

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        instance: Any = None,
        dummy_audio: bool | None = None,
    ) -> None:
        super().__init__(parent)
        self._state, self._reason = PlayerState.EMPTY, ""
        self._info: probe.MediaInfo | None = None
        self._frame = QImage()
        self._muted, self._autoplay, self._priming = False, True, False
        self._volume = 100  # percent, libVLC's scale (100: the file's own level)
        self._clock = PlaybackClock()
        self._emitted_pos = -1
        self._awaiting_frame = False
        self._seen_count = 0
        self._held = False  # a picture went unshown while a paused seek waited
        self._started, self._last_tick = 0.0, 0.0
        self._end_restarts = 0  # of the current paused start (see _on_vlc_event)
        self._shown = ShownRecord()
        self._keyframes = KeyframeIndex()
        self._stepper = FrameStepper(
            self._clock, self._show, lambda: self._state is PlayerState.PAUSED, self._keyframes
        )
        self._events = VlcEvents()
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._on_timer_tick)
        self._mp: Any = None
        self._sink: FrameSink | None = None
        self._error = probe.libvlc_error()
        vlc = probe.vlc_module()
        self._instance = instance or shared_instance(dummy_audio)
        if vlc is not None and self._instance is None:
            self._error = "Video playback is unavailable: libVLC could not start (plugins?)"
        if self._error is None:
            self._sink = FrameSink(vlc)
            self._mp = self._instance.media_player_new()
            self._mp.video_set_callbacks(
                self._sink.lock_cb, self._sink.unlock_cb, self._sink.display_cb, None
            )
            self._events.attach(self._mp, vlc)
            self._stepper.attach(self._mp, self._sink)

    @property
    def duration(self) -> int:
        return self._info.duration_ms if self._info else 0

    @property
    def frame_ms(self) -> int:
        """One frame's duration in ms for the loaded video."""
        return self._info.frame_ms if self._info else 40

    def _release_libvlc(self) -> None:
        """The libVLC half of shutdown(): no Qt calls, so it is safe mid-destruction."""
        self._keyframes.clear()  # a probe still running is stopped
        if self._mp is not None:
            vlc = probe.vlc_module()
            self._mp.stop()
            self._events.detach(self._mp, vlc)
            self._mp.release()
            self._mp = self._sink = None
            self._stepper.attach(None, None)
            self._error = self._error or "The player was shut down"
        lifetime.forget(self)

    def _start(self, at_ms: int, autoplay: bool, end_restarts: int = 0) -> None:
        """(Re)start decoding, optionally at a position; the first frame ends LOADING.
        `end_restarts`: how many times this paused start was made again (_on_vlc_event)."""
        self._halt()
        self._end_restarts = end_restarts
        self._autoplay, self._priming = autoplay, not autoplay
        self._apply_mute()
        self._mp.set_rate(self._clock.rate)
        self._mp.play()
        if at_ms > 0:
            self._mp.set_time(at_ms)  # lands even this early (measured)
        self._clock.start_at(at_ms)
        self._shown.jumped_to(at_ms)
        self._awaiting_frame = True
        self._started = self._last_tick = time.monotonic()
        self._set_state(PlayerState.LOADING)
        self._emit_position(force=True)
        self._timer.start()

    def _halt(self) -> None:
        """Stop libVLC (synchronous) and drop frames/events of the run that ended."""
        self._timer.stop()
        if self._mp is not None:
            self._mp.stop()
        self._events.new_run()
        if self._sink is not None:
            self._sink.reset()
        self._seen_count = 0
        self._clock.reset()
        self._awaiting_frame = False
        self._stepper.reset()

    def _fail(self, reason: str) -> None:
        log.warning("video unavailable: %s (%s)", reason, self._info.path if self._info else "?")
        self._halt()
        self._frame = QImage()
        self.frame_changed.emit(self._frame)
        self._set_state(PlayerState.UNAVAILABLE, reason)

    def _set_state(self, state: PlayerState, reason: str = "") -> None:
        if state is self._state and reason == self._reason:
            return
        self._state, self._reason = state, reason
        self.state_changed.emit(state)

    def _set_info(self, info: probe.MediaInfo | None) -> None:
        self._info = info
        self._clock.set_media(self.frame_ms, self.duration)

    def _show(self, data: bytes | None) -> None:
        if data is not None and self._info is not None:
            w, h = self._info.width, self._info.height
            self._frame = QImage(data, w, h, w * 4, QImage.Format.Format_RGB32).copy()
            self.frame_changed.emit(self._frame)

    def _running(self) -> bool:
        """Playing with the first picture shown: the clock runs."""
        return self._state is PlayerState.PLAYING and not self._awaiting_frame

    def _position_at(self, now: float) -> int:
        if self._state is PlayerState.ENDED:
            return self.duration
        return self._clock.position_at(now, self._running())

    def _emit_position(self, force: bool = False) -> None:
        pos = self._position_at(time.monotonic())
        # ~30 updates a second are plenty for a slider and a 0.1 s label.
        if force or abs(pos - self._emitted_pos) >= 33:
            self._emitted_pos = pos
            self.position_changed.emit(pos)

    def _apply_mute(self) -> None:
        # libVLC 3 creates the audio output with the player, so this holds from the start.
        # (The dummy output of the tests cannot mute at all: audio_get_mute() stays 0.)
        if self._mp is not None:
            self._mp.audio_set_mute(self._muted or self._priming)
            self._mp.audio_set_volume(self._volume)  # ignored until the output exists

    def _on_timer_tick(self) -> None:
        """GUI thread: take the newest frame, handle libVLC events, move the clock."""
        if self._mp is None or self._sink is None:
            return
        now = time.monotonic()
        data, count, _distinct = self._sink.take()
        self._show_newest(data)
        if self._state is PlayerState.PAUSED:
            self._clock.settle_late_frames(self._sink)
            self._stepper.busy()  # re-asks an ignored step in time, even with nothing waiting
            self._stepper.run_deferred()
        else:
            self._clock.seen_distinct = _distinct
        if count > self._seen_count:
            self._seen_count = count
            if self._awaiting_frame:
                self._on_first_frame(now)
        if self._state is PlayerState.PLAYING and not self._awaiting_frame:
            self._clock.follow_sync(now, self._sink)
            self._shown.played_for(now - self._last_tick)
            self._shown.played_to(self._position_at(now))
        self._last_tick = now
        for kind in self._events.take():
            self._on_vlc_event(kind, now)
        if self._state is PlayerState.LOADING and now - self._started > LOAD_TIMEOUT_S:
            self._fail(f"The video did not start within {LOAD_TIMEOUT_S:.0f} s: {self._name()}")
        if self._state in (PlayerState.PLAYING, PlayerState.PAUSED):
            self._emit_position()

    def _show_newest(self, data: bytes | None) -> None:
        """Show libVLC's newest picture, except while showing a remembered one (libVLC's is
        then stale) or while paused with a seek waiting: pictures that still come after a
        pause are frames it played on, shown a moment before the seek puts them right (a
        paused start at 0 flickered to frame 1 and back)."""
        if self._state is PlayerState.PAUSED and self._stepper.seek_queued():
            self._held = self._held or data is not None
            return
        if data is None and self._held:
            data = self._sink.recent(0) if self._sink is not None else None
        self._held = False
        if not self._stepper.back:
            self._show(data)

    def _on_first_frame(self, now: float) -> None:
        self._awaiting_frame = False
        self._clock.anchor_wall = now
        if self._state is not PlayerState.LOADING:
            return
        if self._autoplay:
            # libVLC shows the first picture at once, before its clock runs: the second
            # picture is the first one shown on time.
            self._clock.sync_on_picture(1, self._clock.anchor_pos + self.frame_ms, self._sink)
            self._set_state(PlayerState.PLAYING)
            return
        # Show the first picture paused. It is the start frame (floor of the time asked);
        # pictures that still come before the pause lands count one frame each, except at
        # 0, a keyframe, where a paused seek back is exact.
        self._mp.set_pause(1)
        self._stepper.pause_asked(now)
        start = self._clock.snap(self._clock.anchor_pos, floor=True)
        self._priming = False
        self._apply_mute()
        if start == 0:
            self._clock.anchor_pos = 0
            self._stepper.when_settled(lambda: self._stepper.seek_now(0), kind="seek")
        else:
            self._clock.pause_on_first_picture(start, self._sink)
            # The first picture may be a stray (H.264): land on the start frame exactly.
            self._stepper.when_settled(lambda: self._land_paused_start(start), kind="seek")
        # Last: a listener may seek at once, and its seek must replace the one above.
        self._set_state(PlayerState.PAUSED)

    def _land_paused_start(self, start: int) -> None:
        if self._stepper.land_exactly(start, self.frame_ms):
            self._clock.seek_to(start)
            self._clock.seen_distinct = self._sink.distinct if self._sink else 0
            self._emit_position(force=True)

    def _on_vlc_event(self, kind: str, now: float) -> None:
        if kind == "error" or (self._sink is not None and self._sink.count == 0):
            # An error, or the end with no picture at all: nothing decodable in the file.
            self._fail(f"{probe.UNDECODABLE}: {self._name()}")
            return
        reached, total = self._position_at(now), self.duration
        if (
            kind == "end"
            and self._state is PlayerState.PAUSED
            and self._end_restarts < PAUSED_END_RESTARTS
        ):
            # Paused near the end, libVLC played on to the end before the pause landed (the
            # last frame lasts 40 ms; a busy CPU delays the tick that pauses). The user asked
            # for a paused frame, not the end: start paused on it again (the picture stays).
            last = max(0, total - self.frame_ms)
            self._start(min(reached, last), autoplay=False, end_restarts=self._end_restarts + 1)
            return
        if total > 0 and total - reached > max(750, total * 0.05):
            self._fail(
                f"The video file is incomplete: playback stopped at {format_clock(reached)} "
                f"of {format_clock(total)} ({self._name()})"
            )
            return
        self._timer.stop()
        self._shown.played_to(total)
        self._set_state(PlayerState.ENDED)
        self._emitted_pos = total
        self.position_changed.emit(total)

    def _name(self) -> str:
        return Path(self._info.path).name if self._info else "?"
