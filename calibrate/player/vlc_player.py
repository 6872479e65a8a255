"""VideoPlayer: libVLC behind one QObject; frames arrive as QImages on the GUI thread.

Contract for callers: create players after the QApplication and call shutdown() before the
widgets showing them are destroyed. At aboutToQuit every player shuts down and then the
shared instance is released (STACK.md: the instance goes last); call
release_shared_instance() yourself if the app ends without aboutToQuit.

One job per module, each docstring saying which libVLC 3 facts it handles: playback (the
run and the GUI-thread tick VideoPlayer builds on), events (libVLC's threads to the tick),
clock (the position), frames (pictures and the recent ones), stepping (paused seeks and
frame steps), shown (what of the clip was shown), lifetime (who stops libVLC when).
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from calibrate.core.watching import Coverage
from calibrate.player import lifetime, probe
from calibrate.player.clock import clamp_rate
from calibrate.player.playback import Playback, PlayerState

__all__ = ["VideoPlayer"]

log = logging.getLogger(__name__)


class VideoPlayer(Playback):
    """Plays one case video at a time into QImages; see the module docstring for the contract.

    Signals: state_changed, frame_changed and position_changed (Playback's), and these."""

    duration_changed = Signal(int)  # ms
    rate_changed = Signal(float)
    muted_changed = Signal(bool)
    volume_changed = Signal(int)  # percent

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        instance: Any = None,
        dummy_audio: bool | None = None,
    ) -> None:
        super().__init__(parent, instance=instance, dummy_audio=dummy_audio)
        if self._mp is not None:
            # Deleted by Qt with its parent before shutdown(): libVLC is stopped all the same.
            lifetime.keep_track(
                self, self.shutdown, self._release_libvlc, shared_instance=instance is None
            )

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
    def volume(self) -> int:
        """Sound volume in percent (0-100; muting is separate, see set_muted)."""
        return self._volume

    @property
    def settled(self) -> bool:
        """Paused with no seek or step still on its way: the picture on screen is the frame
        the position names (what "Show me" and the A-B loop wait for before playing on)."""
        return (
            self._state is PlayerState.PAUSED
            and not self._stepper.must_wait()
            and self._sink is not None
            and not self._sink.has_pending
        )

    @property
    def watched_ms(self) -> int:
        """Wall-clock ms the video was playing with pictures shown, since load()."""
        return int(self._shown.watched_ms)

    @property
    def coverage(self) -> Coverage:
        """The positions of the loaded clip shown since load() (core.watching: played
        spans and stepped frames; a seek's skipped span is not shown, a replay counts once)."""
        return self._shown.coverage

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
        self._frame, self._emitted_pos = QImage(), -1
        self._shown.restart(0)
        self.frame_changed.emit(self._frame)
        if self._mp is None:
            self._set_state(PlayerState.UNAVAILABLE, self._error or "The player was shut down")
            return
        info, media = probe.probe_media(self._instance, path)
        self._set_info(info)
        self._keyframes.clear()
        if media is not None:
            self._keyframes.load(path, info.frame_ms)  # ffprobe, not waited for: exact paused seeks
        self._shown.restart(info.duration_ms)
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
            if self._stepper.restart_needed():  # a restart lands exactly (~40 ms)
                self._start(self._clock.anchor_pos, autoplay=True)
                return
            self._mp.set_pause(0)
            self._clock.resume(self._sink, seek_pending=self._stepper.seek_pending())
            self._stepper.resumed()
            self._set_state(PlayerState.PLAYING)

    def pause(self) -> None:
        """Pause on the current frame (position snaps to the frame grid)."""
        if self._state is PlayerState.LOADING:
            self._autoplay = False
        elif self._state is PlayerState.PLAYING:
            self._mp.set_pause(1)
            now = time.monotonic()
            self._shown.played_to(self._position_at(now))
            self._stepper.pause_asked(now)
            self._clock.pause(now, self._sink, running=not self._awaiting_frame)
            self._shown.jumped_to(self._clock.anchor_pos)
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
        paused = self._state is PlayerState.PAUSED
        if paused:
            ms = self._clock.snap(ms)  # ask for a frame's own start time so it shows exactly
        self._stepper.back = 0  # before the seek: an exact one may land behind libVLC's picture
        self._clock.seek_to(ms)
        if paused:
            self._stepper.seek_paused(ms, self.frame_ms)
        else:
            self._stepper.seek_now(ms)
        self._shown.jumped_to(ms)  # a jump: the span skipped was not shown
        self._emit_position(force=True)

    def seek_relative(self, delta_ms: int) -> None:
        """Jump by delta_ms from the current position (J/L, arrow keys)."""
        base = self.duration if self._state is PlayerState.ENDED else self.position
        self.seek(base + delta_ms)

    def set_rate(self, rate: float) -> None:
        """Playback speed, clamped to 0.25-3.0 (clock.MIN_RATE, MAX_RATE)."""
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
        if self._state is PlayerState.LOADING and not self._autoplay:
            # Starting paused (a seek after the end, a paused restart): step from that frame.
            self._stepper.defer_step(lambda: self.frame_step(direction))
            return
        if self._state is not PlayerState.PAUSED or self._sink is None:
            return
        if self._stepper.must_wait():
            # Relative to the settled picture, so the whole step waits, not just the call.
            self._stepper.defer_step(lambda: self.frame_step(direction))
            return
        step, last = self.frame_ms, max(0, self.duration - self.frame_ms)
        if not self._stepper.step(direction, step, last):
            return
        self._shown.looked_at(self._clock.anchor_pos, step)  # a frame looked at
        self._emit_position(force=True)

    def set_muted(self, muted: bool) -> None:
        """Mute or unmute (the mute shield goes through here)."""
        if muted == self._muted:
            return
        self._muted = muted
        self._apply_mute()
        self.muted_changed.emit(muted)

    def set_volume(self, volume: int) -> None:
        """Sound volume in percent, clamped to 0-100."""
        volume = min(100, max(0, int(volume)))
        if volume == self._volume:
            return
        self._volume = volume
        self._apply_mute()
        self.volume_changed.emit(volume)

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
