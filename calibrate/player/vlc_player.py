"""VideoPlayer: libVLC behind one QObject; frames arrive as QImages on the GUI thread.

libVLC decodes into a buffer we own (frame callbacks, RV32 at the track's visible size);
its threads only copy bytes and queue events. A 10 ms QTimer on the GUI thread turns them
into Qt signals. Contract for callers: create players after the QApplication and call
shutdown() before the widgets showing them are destroyed. At aboutToQuit every player shuts
down and then the shared instance is released (STACK.md: the instance goes last); call
release_shared_instance() yourself if the app ends without aboutToQuit.

The position is clock.PlaybackClock's; pictures, the recent ones and paused commands waiting
for libVLC are in frames (each module's docstring says which libVLC 3 facts it handles).
One more, measured (see the tests): next_frame() steps the picture but not the clock: after
it, set_pause(0) jumps ahead by the time spent paused, and a set_time() right after
set_pause(0) is often lost. So play after steps restarts at the stepped frame (stop, play,
set_time: exact, ~40 ms). A backward step replays remembered pictures and only seeks when it
runs past them.
"""

from __future__ import annotations

import enum
import functools
import logging
import os
import queue
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtGui import QImage

from calibrate.core.watching import Coverage
from calibrate.player import probe
from calibrate.player.clock import PlaybackClock, clamp_rate, format_clock
from calibrate.player.frames import FrameSink, PausedCommands
from calibrate.player.probe import instance_args, shared_instance

__all__ = [
    "PlayerState",
    "VideoPlayer",
    "format_clock",
    "instance_args",
    "release_shared_instance",
    "shared_instance",
]

log = logging.getLogger(__name__)

TICK_MS = 10
LOAD_TIMEOUT_S = 10.0
# Players not yet shut down, so release_shared_instance() can stop them first and their
# C callbacks stay referenced even if a caller drops the Python object too early.
_live_players: dict[int, VideoPlayer] = {}


class PlayerState(enum.Enum):
    """What the player is doing; UNAVAILABLE comes with VideoPlayer.reason."""

    EMPTY = "empty"
    LOADING = "loading"
    PLAYING = "playing"
    PAUSED = "paused"
    ENDED = "ended"
    UNAVAILABLE = "unavailable"


def release_shared_instance() -> None:
    """Shut down any live player, then release the shared instance (call at app exit)."""
    for player in list(_live_players.values()):
        player.shutdown()
    probe.release_instance()


def _shut_down_orphan(key: int, *_args: object) -> None:
    player = _live_players.get(key)
    if player is not None:
        player._release_libvlc()  # mid-destruction: no signals, no Qt


class VideoPlayer(QObject):
    """Plays one case video at a time into QImages; see the module docstring for the contract."""

    state_changed = Signal(object)  # PlayerState
    frame_changed = Signal(QImage)  # a null QImage when the picture is cleared
    position_changed = Signal(int)  # ms
    duration_changed = Signal(int)  # ms
    rate_changed = Signal(float)
    muted_changed = Signal(bool)

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
        self._clock = PlaybackClock()
        self._emitted_pos = -1
        self._awaiting_frame, self._stepped = False, False
        self._back = 0  # how many remembered pictures we stepped back behind libVLC's
        self._seen_count = self._generation = 0
        self._seek_distinct = -1  # distinct pictures when a paused seek was asked
        self._started, self._last_tick, self._watched_ms = 0.0, 0.0, 0.0
        self._coverage = Coverage(0)
        self._seen_from: int | None = None  # position shown last while playing
        self._commands = PausedCommands()
        self._events: queue.SimpleQueue[tuple[int, str]] = queue.SimpleQueue()
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
            events = self._mp.event_manager()
            events.event_attach(vlc.EventType.MediaPlayerEncounteredError, self._on_vlc, "error")
            events.event_attach(vlc.EventType.MediaPlayerEndReached, self._on_vlc, "end")
            _live_players[id(self)] = self
            # Deleted by Qt with its parent before shutdown(): stop libVLC all the same.
            self.destroyed.connect(functools.partial(_shut_down_orphan, id(self)))
            app = QCoreApplication.instance()
            if app is not None:
                app.aboutToQuit.connect(self.shutdown)
                if instance is None and not getattr(app, "_calibrate_vlc_release", False):
                    # The shared instance goes last: release_shared_instance() first shuts
                    # down every live player, whatever order the slots run in.
                    app.aboutToQuit.connect(release_shared_instance)
                    app._calibrate_vlc_release = True  # type: ignore[attr-defined]

    # -- read-only facts ---------------------------------------------------------------
    @property
    def available(self) -> bool:
        """False when libVLC is missing or this player was shut down."""
        return self._mp is not None

    @property
    def unavailable_reason(self) -> str:
        """Why libVLC cannot be used at all ("" when it can)."""
        return self._error or ""

    @property
    def state(self) -> PlayerState:
        return self._state

    @property
    def reason(self) -> str:
        """The plain sentence shown for UNAVAILABLE ("" otherwise)."""
        return self._reason

    @property
    def frame(self) -> QImage:
        """The latest picture (null before the first frame)."""
        return self._frame

    @property
    def position(self) -> int:
        """Playback position in ms (our own clock, see the module docstring)."""
        return self._position_at(time.monotonic())

    @property
    def duration(self) -> int:
        return self._info.duration_ms if self._info else 0

    @property
    def frame_ms(self) -> int:
        """One frame's duration in ms for the loaded video."""
        return self._info.frame_ms if self._info else 40

    @property
    def video_size(self) -> tuple[int, int]:
        """Width and height of the frames delivered ((0, 0) when nothing is loaded)."""
        return (self._info.width, self._info.height) if self._info and self._info.ok else (0, 0)

    @property
    def rate(self) -> float:
        return self._clock.rate

    @property
    def muted(self) -> bool:
        return self._muted

    @property
    def watched_ms(self) -> int:
        """Wall-clock ms the video was playing with pictures shown, since load()."""
        return int(self._watched_ms)

    @property
    def coverage(self) -> Coverage:
        """The positions of the loaded clip shown since load() (core.watching: played
        spans and stepped frames; a seek's skipped span is not shown, a replay counts once)."""
        return self._coverage

    def libvlc_muted(self) -> bool | None:
        """What libVLC itself reports (None: no audio output yet) - for checks and tests."""
        state = self._mp.audio_get_mute() if self._mp is not None else -1
        return None if state == -1 else bool(state)

    # -- commands ------------------------------------------------------------------------
    def load(self, path: str | os.PathLike[str], autoplay: bool = True, start_ms: int = 0) -> None:
        """Open a file; it plays (autoplay) or pauses on its first frame (at start_ms), else
        UNAVAILABLE."""
        self._halt()
        self._set_info(None)
        self._frame, self._watched_ms, self._emitted_pos = QImage(), 0.0, -1
        self._coverage, self._seen_from = Coverage(0), None
        self.frame_changed.emit(self._frame)
        if self._mp is None:
            self._set_state(PlayerState.UNAVAILABLE, self._error or "The player was shut down")
            return
        info, media = probe.probe_media(self._instance, path)
        self._set_info(info)
        self._coverage = Coverage(info.duration_ms)
        self.duration_changed.emit(info.duration_ms)
        if media is None or self._sink is None:
            reason = info.reason or probe.UNDECODABLE
            log.warning("video unavailable: %s (%s)", reason, path)
            self._set_state(PlayerState.UNAVAILABLE, reason)
            return
        self._sink.prepare(info.width, info.height)
        self._mp.video_set_format("RV32", info.width, info.height, info.width * 4)
        self._mp.set_media(media)
        media.release()  # the player holds its own reference
        # From the last frame's start at most: a time inside the last frame (the position
        # of a clip that ended is its length) makes libVLC end without a picture.
        self._start(self._clock.snap(max(0, start_ms), floor=True), autoplay)

    def unload(self) -> None:
        """Stop and forget the current file."""
        self._halt()
        self._set_info(None)
        self._frame = QImage()
        self.frame_changed.emit(self._frame)
        self.duration_changed.emit(0)
        self._set_state(PlayerState.EMPTY)

    def play(self) -> None:
        """Play from here; after the end, replay from the start."""
        if self._state is PlayerState.ENDED:
            self._start(0, autoplay=True)
        elif self._state is PlayerState.LOADING:
            self._autoplay = True
        elif self._state is PlayerState.PAUSED:
            if self._stepped or self._back or self._commands.seek_waiting():
                # After next_frame() libVLC's clock is off (unpausing jumps ahead by the
                # time spent paused, and a seek right after set_pause(0) is often lost);
                # after history steps its picture is. A restart lands exactly (~40 ms).
                self._start(self._clock.anchor_pos, autoplay=True)
                return
            self._mp.set_pause(0)
            self._clock.resume(self._sink, seek_pending=self._sink.distinct == self._seek_distinct)
            self._stepped, self._back = False, 0
            self._set_state(PlayerState.PLAYING)

    def pause(self) -> None:
        """Pause on the current frame (position snaps to the frame grid)."""
        if self._state is PlayerState.LOADING:
            self._autoplay = False
        elif self._state is PlayerState.PLAYING:
            self._mp.set_pause(1)
            now = time.monotonic()
            self._see(self._position_at(now))
            self._commands.pause_asked(now)
            self._clock.pause(now, self._sink, running=not self._awaiting_frame)
            self._seen_from = self._clock.anchor_pos
            self._set_state(PlayerState.PAUSED)
            self._emit_position(force=True)

    def toggle(self) -> None:
        """Play/pause: what Space does."""
        playing = self._state is PlayerState.PLAYING
        if playing or (self._state is PlayerState.LOADING and self._autoplay):
            self.pause()
        else:
            self.play()

    def stop(self) -> None:
        """Pause and go back to the start (the picture stays)."""
        self.pause()
        self.seek(0)

    def seek(self, ms: int) -> None:
        """Jump to ms (clamped to the clip); after the end this shows that frame paused."""
        if self._state in (PlayerState.EMPTY, PlayerState.UNAVAILABLE) or self._info is None:
            return
        ms = int(min(max(0, ms), max(0, self.duration - self.frame_ms)))
        if self._state is PlayerState.ENDED:
            self._start(ms, autoplay=False)
            return
        if self._state is PlayerState.PAUSED:
            ms = self._clock.snap(ms)  # ask for a frame's own start time so it shows exactly
            self._seek_distinct = self._sink.distinct
            self._when_settled(lambda: self._seek_now(ms), kind="seek")
        else:
            self._seek_now(ms)
        self._back = 0
        self._clock.seek_to(ms)
        self._seen_from = ms  # a jump: the span skipped was not shown
        self._emit_position(force=True)

    def seek_relative(self, delta_ms: int) -> None:
        """Jump by delta_ms from the current position (J/L, arrow keys)."""
        base = self.duration if self._state is PlayerState.ENDED else self.position
        self.seek(base + delta_ms)

    def set_rate(self, rate: float) -> None:
        """Playback speed, clamped to 0.5-2.0."""
        rate = clamp_rate(rate)
        if rate == self._clock.rate:
            return
        now = time.monotonic()
        self._clock.follow_sync(now, self._sink)
        self._clock.rerate(rate, self._position_at(now), now)
        if self._mp is not None:
            self._mp.set_rate(rate)
        self.rate_changed.emit(rate)

    def frame_step(self, direction: int) -> None:
        """One frame forward (+1) or back (-1); pauses first if playing."""
        if self._state is PlayerState.ENDED and direction < 0:
            self.seek(self.duration - self.frame_ms)
            return
        if self._state is PlayerState.PLAYING:
            self.pause()
        if self._state is not PlayerState.PAUSED or self._sink is None:
            return
        commands = self._commands
        if (commands.deferred and not commands.draining) or self._busy():
            # Relative to the settled picture, so the whole step waits, not just the call.
            commands.deferred.append(("step", lambda: self.frame_step(direction)))
            return
        clock = self._clock
        clock.settle_late_frames(self._sink)
        clock.count_late = False
        step, last = self.frame_ms, max(0, self.duration - self.frame_ms)
        if direction > 0:
            if clock.anchor_pos + step > last:
                return
            if self._back:
                self._back -= 1
                self._show(self._sink.recent(self._back))
            else:
                self._next_frame(retry=True)
                self._stepped = True
            clock.anchor_pos += step
        else:
            if clock.anchor_pos == 0:
                return
            earlier = self._sink.recent(self._back + 1)
            if earlier is not None:
                self._back += 1
                self._show(earlier)
            else:  # past what we remember: seek (may land early on H.264 B-frames)
                self._seek_now(max(0, clock.anchor_pos - step))
                self._back = 0
            clock.anchor_pos = max(0, clock.anchor_pos - step)
        self._coverage.saw(clock.anchor_pos, clock.anchor_pos + step)  # a frame looked at
        self._seen_from = clock.anchor_pos
        self._emit_position(force=True)

    def set_muted(self, muted: bool) -> None:
        """Mute or unmute (the mute shield goes through here)."""
        if muted == self._muted:
            return
        self._muted = muted
        self._apply_mute()
        self.muted_changed.emit(muted)

    def shutdown(self) -> None:
        """Stop, release the libVLC player, drop callbacks; the shared instance stays."""
        if shiboken6.isValid(self):  # False once Qt deleted us (a parent went away)
            self._timer.stop()
            self._release_libvlc()
            self._set_info(None)
            self._frame = QImage()
            self._set_state(PlayerState.EMPTY)
        else:
            self._release_libvlc()

    def _release_libvlc(self) -> None:
        """The libVLC half of shutdown(): no Qt calls, so it is safe mid-destruction."""
        if self._mp is not None:
            vlc = probe.vlc_module()
            self._mp.stop()
            events = self._mp.event_manager()
            events.event_detach(vlc.EventType.MediaPlayerEncounteredError)
            events.event_detach(vlc.EventType.MediaPlayerEndReached)
            self._mp.release()
            self._mp = self._sink = None
            self._error = self._error or "The player was shut down"
        _live_players.pop(id(self), None)

    # -- internals -------------------------------------------------------------------
    def _on_vlc(self, _event: Any, kind: str) -> None:
        # libVLC thread: only queue; the tick handles it on the GUI thread.
        self._events.put((self._generation, kind))

    def _start(self, at_ms: int, autoplay: bool) -> None:
        """(Re)start decoding, optionally at a position; the first frame ends LOADING."""
        self._halt()
        self._autoplay, self._priming = autoplay, not autoplay
        self._apply_mute()
        self._mp.set_rate(self._clock.rate)
        self._mp.play()
        if at_ms > 0:
            self._mp.set_time(at_ms)  # lands even this early (measured)
        self._clock.start_at(at_ms)
        self._seen_from = at_ms
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
        self._generation += 1
        while not self._events.empty():
            self._events.get_nowait()
        if self._sink is not None:
            self._sink.reset()
        self._seen_count = self._back = 0
        self._clock.reset()
        self._awaiting_frame = self._stepped = False
        self._commands.clear()

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

    def _seek_now(self, ms: int) -> None:
        before = self._sink.distinct
        self._mp.set_time(ms)
        self._sink.forget_history()  # earlier pictures no longer lead up to the next one
        if self._state is PlayerState.PAUSED:
            self._commands.await_picture(before)  # a step right after a seek goes astray too

    def _next_frame(self, retry: bool) -> None:
        before = self._sink.distinct  # counted first: the picture can beat the call's return
        self._mp.next_frame()
        self._commands.await_picture(before, retry)

    def _step_again(self) -> None:
        self._next_frame(retry=False)

    def _busy(self) -> bool:
        """True while libVLC may still drop or misplace a paused command."""
        return self._commands.busy(self._sink, self._step_again)

    def _when_settled(self, call: Callable[[], None], kind: str = "step") -> None:
        """Run a libVLC call now, or once libVLC has settled (see frames.PAUSE_SETTLE_S)."""
        self._commands.when_settled(call, kind, self._sink, self._step_again)

    def _on_timer_tick(self) -> None:
        """GUI thread: take the newest frame, handle libVLC events, move the clock."""
        if self._mp is None or self._sink is None:
            return
        now = time.monotonic()
        data, count, _distinct = self._sink.take()
        if not self._back:  # while showing a remembered picture, libVLC's is stale
            self._show(data)
        if self._state is PlayerState.PAUSED:
            self._clock.settle_late_frames(self._sink)
            self._busy()  # re-asks an ignored step in time, even with nothing waiting
            self._commands.run_deferred(self._sink, self._step_again)
        else:
            self._clock.seen_distinct = _distinct
        if count > self._seen_count:
            self._seen_count = count
            if self._awaiting_frame:
                self._on_first_frame(now)
        if self._state is PlayerState.PLAYING and not self._awaiting_frame:
            self._clock.follow_sync(now, self._sink)
            self._watched_ms += (now - self._last_tick) * 1000.0
            self._see(self._position_at(now))
        self._last_tick = now
        while not self._events.empty():
            generation, kind = self._events.get_nowait()
            if generation == self._generation:
                self._on_vlc_event(kind, now)
        if self._state is PlayerState.LOADING and now - self._started > LOAD_TIMEOUT_S:
            self._fail(f"The video did not start within {LOAD_TIMEOUT_S:.0f} s: {self._name()}")
        if self._state in (PlayerState.PLAYING, PlayerState.PAUSED):
            self._emit_position()

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
        self._commands.pause_asked(now)
        start = self._clock.snap(self._clock.anchor_pos, floor=True)
        self._priming = False
        self._apply_mute()
        self._set_state(PlayerState.PAUSED)
        if start == 0:
            self._clock.anchor_pos = 0
            self._when_settled(lambda: self._seek_now(0), kind="seek")
        else:
            self._clock.pause_on_first_picture(start, self._sink)

    def _on_vlc_event(self, kind: str, now: float) -> None:
        if kind == "error" or (self._sink is not None and self._sink.count == 0):
            # An error, or the end with no picture at all: nothing decodable in the file.
            self._fail(f"{probe.UNDECODABLE}: {self._name()}")
            return
        reached, total = self._position_at(now), self.duration
        if total > 0 and total - reached > max(750, total * 0.05):
            self._fail(
                f"The video file is incomplete: playback stopped at {format_clock(reached)} "
                f"of {format_clock(total)} ({self._name()})"
            )
            return
        self._timer.stop()
        self._see(total)
        self._set_state(PlayerState.ENDED)
        self._emitted_pos = total
        self.position_changed.emit(total)

    def _see(self, pos: int) -> None:
        """Playing went on from the last position shown to pos: those positions were shown."""
        if self._seen_from is not None and pos >= self._seen_from:
            self._coverage.saw(self._seen_from, pos)
        self._seen_from = pos

    def _name(self) -> str:
        return Path(self._info.path).name if self._info else "?"
