"""Stepping back far through an H.264 clip shows the frame the position names.

The player remembers ~25 pictures for backward steps; past them libVLC has to decode again,
and its paused seeks land a few frames off on H.264 with B-frames. The test clips draw their
frame number (scripts/make_test_clips.py), so every step checks the picture itself.
"""

# ruff: noqa: F811 - the fixtures imported from player_fixtures are parameters by name

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from player_fixtures import (  # noqa: F401 - fixtures are used by name
    FRAME_MS,
    MP4,
    WEBM,
    frame_number,
    player,
    settle,
    vlc_instance,
    wait_state,
)
from pytestqt.exceptions import TimeoutError  # noqa: A004 - the one waitUntil raises

from calibrate.player.frames import FrameSink
from calibrate.player.playback import PlayerState
from calibrate.player.vlc_player import VideoPlayer

STEP_TIMEOUT_MS = 3000  # generous: two cores shared with other test runs


def _step_and_check(qtbot: Any, player: VideoPlayer, direction: int, expected: int) -> None:
    """One step; the picture must come to show `expected` and the position name it."""
    player.frame_step(direction)
    try:
        qtbot.waitUntil(
            lambda: (
                frame_number(player.frame) == expected and player.position == expected * FRAME_MS
            ),
            timeout=STEP_TIMEOUT_MS,
        )
    except TimeoutError:
        pytest.fail(
            f"asked frame {expected}: the picture shows {frame_number(player.frame)}, "
            f"the position says {player.position / FRAME_MS:g}"
        )


@pytest.mark.parametrize("clip", [MP4, WEBM])
def test_forty_steps_forward_then_thirty_back_show_each_named_frame(
    qtbot: Any, player: VideoPlayer, clip: Path
) -> None:
    player.load(clip, autoplay=False)
    wait_state(qtbot, player, PlayerState.PAUSED)
    qtbot.waitUntil(lambda: frame_number(player.frame) == 0, timeout=STEP_TIMEOUT_MS)
    for frame in range(1, 41):
        _step_and_check(qtbot, player, +1, frame)
    for frame in range(39, 9, -1):  # past the remembered pictures: libVLC decodes again
        _step_and_check(qtbot, player, -1, frame)
    for frame in range(11, 16):  # and forward again from there
        _step_and_check(qtbot, player, +1, frame)


def test_steps_back_from_the_end_show_each_named_frame(qtbot: Any, player: VideoPlayer) -> None:
    player.load(MP4)
    wait_state(qtbot, player, PlayerState.PLAYING)
    player.seek(player.duration - FRAME_MS)
    wait_state(qtbot, player, PlayerState.ENDED)
    last = player.duration // FRAME_MS - 1
    player.frame_step(-1)  # after the end: the last frame, paused
    wait_state(qtbot, player, PlayerState.PAUSED)
    qtbot.waitUntil(lambda: frame_number(player.frame) == last, timeout=STEP_TIMEOUT_MS)
    assert player.position == last * FRAME_MS
    for frame in range(last - 1, last - 61, -1):
        _step_and_check(qtbot, player, -1, frame)
    player.play()  # plays on from the stepped frame
    qtbot.waitUntil(lambda: frame_number(player.frame) >= last - 57, timeout=STEP_TIMEOUT_MS)
    assert frame_number(player.frame) <= last - 50


def test_a_pause_at_the_end_landing_late_still_shows_the_last_frame_paused(
    qtbot: Any, player: VideoPlayer
) -> None:
    """A paused start is paused on the GUI tick after its first picture. On the last frame,
    a GUI thread busy longer than that frame lasts lets libVLC play on to the end: the player
    must still be paused on the last frame (it reported the end, the clip's length, before)."""
    last = 3000 // FRAME_MS - 1
    for _ in range(3):
        player.load(MP4, autoplay=False, start_ms=3000)  # snapped to the last frame
        time.sleep(0.5)  # the GUI thread busy: no tick while libVLC shows the frame and ends
        wait_state(qtbot, player, PlayerState.PAUSED)
        qtbot.waitUntil(lambda: frame_number(player.frame) == last, timeout=STEP_TIMEOUT_MS)
        settle(qtbot, 300)
        assert player.state is PlayerState.PAUSED
        assert player.position == last * FRAME_MS
        _step_and_check(qtbot, player, -1, last - 1)  # and it steps back from there


def test_a_still_clip_steps_back_without_holding_the_window(
    qtbot: Any, player: VideoPlayer, tmp_path: Path
) -> None:
    """Every picture alike: nothing to find by decoding again, so the step gives up quickly."""
    still = tmp_path / "still.mp4"
    subprocess.run(
        [
            "ffmpeg",
            "-loglevel",
            "error",
            "-f",
            "lavfi",
            "-i",
            "color=c=gray:s=320x180:r=25:d=2",
            "-c:v",
            "libx264",
            "-bf",
            "2",
            "-pix_fmt",
            "yuv420p",
            str(still),
        ],
        check=True,
    )
    player.load(still, autoplay=False, start_ms=1200)
    wait_state(qtbot, player, PlayerState.PAUSED)
    settle(qtbot)
    position = player.position
    began = time.monotonic()
    player.frame_step(-1)
    qtbot.waitUntil(lambda: player.position == position - FRAME_MS, timeout=STEP_TIMEOUT_MS)
    assert time.monotonic() - began < 1.0  # the GUI thread was held well under a second
    assert player.state is PlayerState.PAUSED and not player.frame.isNull()


def test_a_stall_of_libvlc_during_the_rewind_still_lands_on_the_named_frame(
    qtbot: Any, vlc_instance: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the CPU shared, libVLC's picture thread can stall for a few tenths of a second
    (measured under load). The rewind must wait that out, not give up and seek to a stray
    picture (the step then showed frame n-1 while the position named n)."""
    stall = {"after": -1}  # stall once, when this many more pictures have come (-1: off)
    display = FrameSink._on_display

    def stalling_display(sink: FrameSink, opaque: Any, picture: Any) -> None:
        if stall["after"] == 0:
            time.sleep(0.35)  # libVLC's own thread held, as a loaded machine does
        stall["after"] -= 1
        display(sink, opaque, picture)

    monkeypatch.setattr(FrameSink, "_on_display", stalling_display)
    player = VideoPlayer(instance=vlc_instance)
    try:
        player.load(MP4, autoplay=False)
        wait_state(qtbot, player, PlayerState.PAUSED)
        qtbot.waitUntil(lambda: frame_number(player.frame) == 0, timeout=STEP_TIMEOUT_MS)
        for frame in range(1, 31):
            _step_and_check(qtbot, player, +1, frame)
        for frame in range(29, 5, -1):  # the remembered pictures
            _step_and_check(qtbot, player, -1, frame)
        stall["after"] = 6  # the next step decodes again: stall in the middle of it
        for frame in range(5, 0, -1):
            _step_and_check(qtbot, player, -1, frame)
    finally:
        player.shutdown()


class _StarvedLibvlc:
    """libVLC, paused, out of decoded data (it reads no more of the file while paused):
    next_frame() brings nothing until a seek feeds it, and then the pictures of the steps
    asked meanwhile come first, before the seek's own (measured under load: 38, 39, 25)."""

    def __init__(self, mp: Any, sink: FrameSink) -> None:
        self._mp, self._sink = mp, sink
        self.starved, self.held = False, 0

    def next_frame(self) -> None:
        if self.starved:
            self.held += 1
        else:
            self._mp.next_frame()

    def set_time(self, ms: int) -> None:
        self.starved = False
        for _ in range(self.held):
            before = self._sink.distinct
            self._mp.next_frame()
            deadline = time.monotonic() + 1.0
            while self._sink.distinct == before and time.monotonic() < deadline:
                time.sleep(0.002)
        self.held = 0
        self._mp.set_time(ms)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._mp, name)


@pytest.mark.xfail(
    strict=False,
    reason="open defect: with the starved stand-in, the step lands one frame early (37 for 38) "
    "in ~1 of 5 runs even on a quiet machine — a released step's picture is still counted as "
    "a frame after the keyframe; see docs/performance.md, 'Paused seeks'",
)
def test_a_step_libvlc_starves_lands_on_the_named_frame_when_data_comes(
    qtbot: Any, player: VideoPlayer
) -> None:
    """A forward step that brings no picture (asked again, still none) seeks to the frame
    the position names; the starved steps' pictures that the seek lets through first must
    not be counted as frames after the keyframe (the picture showed 36 for 38)."""
    player.load(MP4, autoplay=False)
    wait_state(qtbot, player, PlayerState.PAUSED)
    qtbot.waitUntil(lambda: frame_number(player.frame) == 0, timeout=STEP_TIMEOUT_MS)
    for frame in range(1, 38):
        _step_and_check(qtbot, player, +1, frame)
    starved = _StarvedLibvlc(player._mp, player._sink)
    player._stepper._mp = starved  # the stepper's libVLC calls go through the stand-in
    starved.starved = True
    _step_and_check(qtbot, player, +1, 38)
    settle(qtbot, 200)
    assert frame_number(player.frame) == 38 and player.position == 38 * FRAME_MS
    for frame in (39, 40):
        _step_and_check(qtbot, player, +1, frame)
    for frame in range(39, 33, -1):  # the pictures remembered on the way are the right ones
        _step_and_check(qtbot, player, -1, frame)


def _seek_and_check(qtbot: Any, player: VideoPlayer, expected: int) -> None:
    """The picture must come to show `expected` and the position name it, and stay so."""
    try:
        qtbot.waitUntil(
            lambda: (
                frame_number(player.frame) == expected and player.position == expected * FRAME_MS
            ),
            timeout=STEP_TIMEOUT_MS,
        )
        settle(qtbot, 150)  # no stray picture comes after it
        assert frame_number(player.frame) == expected
    except (TimeoutError, AssertionError):
        pytest.fail(
            f"seeked to frame {expected}: the picture shows {frame_number(player.frame)}, "
            f"the position says {player.position / FRAME_MS:g}"
        )


def test_paused_seeks_show_the_frame_the_position_names(qtbot: Any, player: VideoPlayer) -> None:
    """Slider, J/L and arrow seeks while paused: "Add cue here" and "Mark moment" take the
    position, so the picture on screen must be the frame it names (H.264 with B-frames
    showed a stray reference picture 1-7 frames off, or none)."""
    player.load(MP4, autoplay=False)
    wait_state(qtbot, player, PlayerState.PAUSED)
    qtbot.waitUntil(lambda: frame_number(player.frame) == 0, timeout=STEP_TIMEOUT_MS)
    for frame in (30, 62, 47, 13, 71, 5, 38, 37, 43):  # forward, back, near and far
        player.seek(frame * FRAME_MS)
        _seek_and_check(qtbot, player, frame)
    player.seek_relative(-1000)  # J / left arrow, by a second here (the clip is short)
    _seek_and_check(qtbot, player, 18)
    player.seek_relative(+1200)  # L / right arrow
    _seek_and_check(qtbot, player, 48)
    _step_and_check(qtbot, player, -1, 47)  # steps go on from the seeked frame
    _step_and_check(qtbot, player, +1, 48)
    player.play()  # and play does too
    qtbot.waitUntil(lambda: frame_number(player.frame) >= 50, timeout=STEP_TIMEOUT_MS)
    assert frame_number(player.frame) <= 56
