"""Fixtures and helpers for tests that play real clips through real libVLC.

Import the fixtures into a test module: `from player_fixtures import panel, player,
vlc_instance  # noqa: F401`. One libVLC instance serves the whole session (creating one
costs ~0.1 s); players are shut down in fixture teardown, before pytest-qt destroys the
widgets (STACK.md: otherwise libVLC threads call into deleted objects).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QImage

# Tests need no sound device; set before the shared instance exists.
os.environ.setdefault("CALIBRATE_DUMMY_AUDIO", "1")

from calibrate.gui.widgets.player_controls import PlayerPanel  # noqa: E402
from calibrate.player.lifetime import release_shared_instance  # noqa: E402
from calibrate.player.playback import PlayerState  # noqa: E402
from calibrate.player.probe import shared_instance  # noqa: E402
from calibrate.player.vlc_player import VideoPlayer  # noqa: E402

MEDIA = Path(__file__).resolve().parent / "media"
MP4 = MEDIA / "clip_640x360.mp4"  # 3.000 s, 25 fps, H.264 with B-frames + AAC
WEBM = MEDIA / "clip_320x180.webm"  # 3.008 s, 25 fps, VP9 + Opus
FRAME_MS = 40
# Side of the frame-number boxes drawn by scripts/make_test_clips.py, per clip height.
BOX_BY_HEIGHT = {360: 16, 180: 8}


@pytest.fixture(scope="session")
def vlc_instance() -> Iterator[Any]:
    """The app's shared vlc.Instance with dummy audio, released after the last test."""
    instance = shared_instance(dummy_audio=True)
    assert instance is not None, "libVLC is not installed (apt-get install libvlc5 vlc-plugin-base)"
    yield instance
    release_shared_instance()


@pytest.fixture
def player(qtbot: Any, vlc_instance: Any) -> Iterator[VideoPlayer]:
    """A VideoPlayer on the session instance, shut down after the test."""
    video_player = VideoPlayer(instance=vlc_instance)
    yield video_player
    video_player.shutdown()


@pytest.fixture
def panel(qtbot: Any, vlc_instance: Any) -> Iterator[PlayerPanel]:
    """A shown PlayerPanel (800x520) with its own player; the player dies before the widget."""
    widget = PlayerPanel(player=VideoPlayer(instance=vlc_instance))
    qtbot.addWidget(widget)
    widget.resize(800, 520)
    widget.show()
    yield widget
    widget.shutdown()


def frame_number(image: QImage) -> int:
    """The frame number the test clips draw as 8 white/black boxes in the bottom-left corner."""
    box = BOX_BY_HEIGHT[image.height()]
    step = box + box // 4
    y = image.height() - box - box // 4 + box // 2
    number = 0
    for bit in range(8):
        x = box // 4 + bit * step + box // 2
        if (image.pixel(x, y) >> 8) & 0xFF > 128:  # green channel: white box vs black plate
            number |= 1 << bit
    return number


def wait_state(qtbot: Any, player: VideoPlayer, state: PlayerState, timeout: int = 3000) -> None:
    """Wait until the player reaches state (fails the test on timeout)."""
    qtbot.waitUntil(lambda: player.state is state, timeout=timeout)


def wait_frame(qtbot: Any, player: VideoPlayer, at_least: int, timeout: int = 3000) -> int:
    """Wait until the picture shows frame number >= at_least; return the number shown."""
    qtbot.waitUntil(
        lambda: not player.frame.isNull() and frame_number(player.frame) >= at_least,
        timeout=timeout,
    )
    return frame_number(player.frame)


def settle(qtbot: Any, ms: int = 200) -> None:
    """Let libVLC deliver what it still has in flight (paused pictures, late frames)."""
    qtbot.wait(ms)
