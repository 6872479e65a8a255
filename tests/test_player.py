"""Watching a case video: real clips through real libVLC, offscreen Qt, keys and shields.

The test clips draw their frame number as boxes (scripts/make_test_clips.py), so these tests
check the picture actually shown, not just what the player claims.
"""

# ruff: noqa: F811 - the fixtures imported from player_fixtures are parameters by name

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import vlc
from player_fixtures import (  # noqa: F401 - fixtures are used by name
    FRAME_MS,
    MEDIA,
    MP4,
    WEBM,
    frame_number,
    panel,
    player,
    settle,
    vlc_instance,
    wait_frame,
    wait_state,
)
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QComboBox, QLabel, QToolButton, QWidget

from calibrate.gui.widgets.player_controls import PlayerPanel
from calibrate.gui.widgets.video_view import UNAVAILABLE_TITLE, letterbox
from calibrate.player.clock import format_clock
from calibrate.player.playback import PlayerState
from calibrate.player.probe import instance_args
from calibrate.player.shields import Shields
from calibrate.player.vlc_player import VideoPlayer

REPO = Path(__file__).resolve().parents[1]


def _colourful_share(image: QImage) -> float:
    """Share of sampled pixels whose channels differ a lot (i.e. clearly not gray)."""
    small = image.scaled(160, 90).convertToFormat(QImage.Format.Format_RGB32)
    hits = 0
    for y in range(small.height()):
        for x in range(small.width()):
            c = QColor(small.pixel(x, y))
            hits += max(c.red(), c.green(), c.blue()) - min(c.red(), c.green(), c.blue()) > 60
    return hits / (small.width() * small.height())


def _detail(image: QImage) -> float:
    """Mean absolute difference between horizontal neighbours: high for sharp pictures."""
    small = image.convertToFormat(QImage.Format.Format_Grayscale8)
    total, count = 0, 0
    for y in range(0, small.height(), 3):
        row = [QColor(small.pixel(x, y)).red() for x in range(small.width())]
        total += sum(abs(a - b) for a, b in zip(row, row[1:], strict=False))
        count += len(row) - 1
    return total / max(1, count)


@pytest.mark.parametrize(
    ("clip", "size", "length"), [(MP4, (640, 360), 3000), (WEBM, (320, 180), 3008)]
)
def test_clip_shows_real_frames_at_its_visible_size_and_true_length(
    qtbot: Any, player: VideoPlayer, clip: Path, size: tuple[int, int], length: int
) -> None:
    durations: list[int] = []
    player.duration_changed.connect(durations.append)
    player.load(clip)
    wait_state(qtbot, player, PlayerState.PLAYING)
    wait_frame(qtbot, player, 5)
    frame = player.frame
    assert (frame.width(), frame.height()) == size  # not the decoder's padded 368/192 lines
    assert frame.format() == QImage.Format.Format_RGB32
    assert _colourful_share(frame) > 0.5  # real test-pattern colours, not a black buffer
    assert abs(player.duration - length) <= 20 and durations[-1] == player.duration


def test_pause_freezes_picture_and_clock_and_play_resumes(qtbot: Any, player: VideoPlayer) -> None:
    player.load(WEBM)
    wait_frame(qtbot, player, 8)
    player.pause()
    settle(qtbot)
    frozen, position = frame_number(player.frame), player.position
    settle(qtbot, 300)
    assert (frame_number(player.frame), player.position) == (frozen, position)
    assert player.state is PlayerState.PAUSED
    assert abs(position - frozen * FRAME_MS) <= FRAME_MS  # clock and picture agree
    player.play()
    assert wait_frame(qtbot, player, frozen + 3) <= frozen + 12


def test_seek_while_playing_and_paused_lands_on_the_frame(qtbot: Any, player: VideoPlayer) -> None:
    player.load(MP4)
    wait_frame(qtbot, player, 2)
    player.seek(2000)
    qtbot.waitUntil(lambda: 50 <= frame_number(player.frame) <= 54, timeout=3000)
    player.load(WEBM)  # VP9: a seek while paused shows exactly the asked frame
    wait_frame(qtbot, player, 2)
    player.pause()
    player.seek(1000)  # (3 s: with both cores busy a seek took over 1.5 s now and then)
    qtbot.waitUntil(lambda: frame_number(player.frame) == 25, timeout=3000)
    assert player.position == 1000


def _measured_speed(qtbot: Any, player: VideoPlayer, wait_ms: int) -> float:
    start, began = frame_number(player.frame), time.monotonic()
    settle(qtbot, wait_ms)
    frames = frame_number(player.frame) - start
    return frames * FRAME_MS / ((time.monotonic() - began) * 1000)


def test_speeds_from_a_quarter_to_three_times_play_so_and_are_clamped(
    qtbot: Any, player: VideoPlayer
) -> None:
    """Issue 18: 0.25× to 3× (it was 0.5× to 2×); asked beyond, the nearest end."""
    player.set_rate(0.1)
    assert player.rate == 0.25
    player.load(WEBM)
    wait_frame(qtbot, player, 1)
    speed = _measured_speed(qtbot, player, 1200)
    assert 0.12 < speed < 0.4, f"{speed:.2f}× at 0.25×"
    player.set_rate(5.0)
    assert player.rate == 3.0
    settle(qtbot, 100)  # the new speed holds from the next picture
    speed = _measured_speed(qtbot, player, 600)
    # Wide: with both cores busy the picture read first can lag libVLC's by a few frames.
    assert 2.0 < speed < 4.6, f"{speed:.2f}× at 3×"


@pytest.mark.parametrize("clip", [MP4, WEBM])
def test_frame_steps_move_exactly_one_frame_each_way(
    qtbot: Any, player: VideoPlayer, clip: Path
) -> None:
    player.load(clip)
    wait_frame(qtbot, player, 10)
    player.pause()
    settle(qtbot)
    start, position = frame_number(player.frame), player.position
    for step in (1, 2, 3):
        player.frame_step(+1)
        qtbot.waitUntil(lambda s=step: frame_number(player.frame) == start + s, timeout=1000)
        assert player.position == position + step * FRAME_MS
    for step in (2, 1, 0, -1, -2):  # back past where we paused: remembered pictures
        player.frame_step(-1)
        qtbot.waitUntil(lambda s=step: frame_number(player.frame) == start + s, timeout=1000)
        assert player.position == position + step * FRAME_MS


def test_backward_step_past_remembered_pictures_seeks(qtbot: Any, player: VideoPlayer) -> None:
    player.load(WEBM, autoplay=False)
    wait_state(qtbot, player, PlayerState.PAUSED)
    player.seek(1200)
    qtbot.waitUntil(lambda: frame_number(player.frame) == 30, timeout=1000)
    player.frame_step(-1)
    qtbot.waitUntil(lambda: frame_number(player.frame) == 29, timeout=1000)
    assert player.position == 29 * FRAME_MS


def test_play_after_frame_steps_continues_from_the_stepped_frame(
    qtbot: Any, player: VideoPlayer
) -> None:
    player.load(MP4)
    wait_frame(qtbot, player, 6)
    player.pause()
    settle(qtbot)
    for _ in range(3):
        player.frame_step(+1)
        settle(qtbot, 60)
    stepped = frame_number(player.frame)
    settle(qtbot, 400)  # libVLC 3 would jump ahead by this pause after next_frame()
    player.play()
    shown = wait_frame(qtbot, player, stepped + 2)
    assert shown <= stepped + 8


def test_not_autoplaying_shows_the_first_frame_paused(qtbot: Any, player: VideoPlayer) -> None:
    player.load(MP4, autoplay=False)
    wait_state(qtbot, player, PlayerState.PAUSED)
    qtbot.waitUntil(lambda: frame_number(player.frame) == 0, timeout=1000)
    settle(qtbot, 150)
    assert frame_number(player.frame) == 0 and player.position == 0
    assert player.libvlc_muted() is False  # the silent start does not leave sound off


def test_replay_after_the_end_starts_from_the_beginning(qtbot: Any, player: VideoPlayer) -> None:
    ended: list[int] = []
    player.load(WEBM)
    wait_frame(qtbot, player, 1)
    player.seek(2600)
    player.position_changed.connect(ended.append)
    wait_state(qtbot, player, PlayerState.ENDED, timeout=2000)
    assert player.position == player.duration and ended[-1] == player.duration
    player.play()
    wait_state(qtbot, player, PlayerState.PLAYING)
    settle(qtbot, 150)
    assert frame_number(player.frame) < 15


def _random_bytes(tmp_path: Path) -> Path:
    path = tmp_path / "noise.mp4"
    path.write_bytes(random.Random(7).randbytes(64 * 1024))
    return path


def _zero_bytes(tmp_path: Path) -> Path:
    path = tmp_path / "empty.mp4"
    path.write_bytes(b"")
    return path


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda tmp: tmp / "no-such-case.mp4", "The video file is missing: "),
        (_zero_bytes, "The video file is empty"),
        (_random_bytes, "The video could not be decoded: noise.mp4"),
        (lambda tmp: MEDIA / "truncated.mp4", "The video file is incomplete"),
        (lambda tmp: MEDIA / "audio_only.mp4", "no picture (audio only)"),
        (lambda tmp: tmp, "a folder, not a file"),
    ],
    ids=["missing", "zero-bytes", "random-bytes", "truncated", "audio-only", "folder"],
)
def test_broken_input_becomes_unavailable_with_a_plain_reason(
    qtbot: Any, player: VideoPlayer, tmp_path: Path, make: Any, reason: str
) -> None:
    states: list[PlayerState] = []
    player.state_changed.connect(states.append)
    player.load(make(tmp_path))
    wait_state(qtbot, player, PlayerState.UNAVAILABLE, timeout=4000)
    assert reason in player.reason
    assert player.frame.isNull() and PlayerState.ENDED not in states
    player.play()  # commands on an unavailable clip are ignored, not errors
    player.seek(1000)
    player.frame_step(1)
    assert player.state is PlayerState.UNAVAILABLE


def test_a_good_clip_plays_after_a_broken_one(
    qtbot: Any, player: VideoPlayer, tmp_path: Path
) -> None:
    player.load(_random_bytes(tmp_path))
    wait_state(qtbot, player, PlayerState.UNAVAILABLE)
    player.load(MP4)
    wait_frame(qtbot, player, 3)
    assert player.reason == ""


def test_shutdown_while_playing_is_quiet_and_final(qtbot: Any, player: VideoPlayer) -> None:
    player.load(MP4)
    wait_frame(qtbot, player, 3)
    player.shutdown()
    assert player.state is PlayerState.EMPTY and not player.available
    settle(qtbot, 150)
    player.play()
    player.seek(100)
    player.load(MP4)
    assert player.state is PlayerState.UNAVAILABLE and "shut down" in player.reason
    player.shutdown()  # twice is fine


def test_a_panel_deleted_without_shutdown_still_stops_libvlc(qtbot: Any, vlc_instance: Any) -> None:
    doomed = PlayerPanel()  # owns its player, on the shared instance
    doomed.show()
    doomed.load(MP4)
    wait_state(qtbot, doomed.player, PlayerState.PLAYING)
    player = doomed.player
    doomed.deleteLater()
    qtbot.waitUntil(lambda: not player.available, timeout=1000)
    settle(qtbot, 100)  # libVLC threads are gone: nothing calls into deleted objects


def test_watched_time_counts_playing_not_paused(qtbot: Any, player: VideoPlayer) -> None:
    player.load(MP4)
    wait_state(qtbot, player, PlayerState.PLAYING)
    settle(qtbot, 500)
    player.pause()
    settle(qtbot, 400)
    assert 350 <= player.watched_ms <= 800


def test_mute_reaches_libvlc_audio_output(qtbot: Any) -> None:
    # The dummy output cannot mute, so this test plays into ALSA's "null" device instead.
    instance = vlc.Instance([*instance_args(False), "--aout=alsa", "--alsa-audio-device=null"])
    muting = VideoPlayer(instance=instance)
    try:
        if muting.libvlc_muted() is None:
            pytest.skip("no ALSA output here to check muting against")
        muting.set_muted(True)
        muting.load(MP4)
        wait_state(qtbot, muting, PlayerState.PLAYING)
        qtbot.waitUntil(lambda: muting.libvlc_muted() is True, timeout=1000)
        settle(qtbot, 300)
        assert muting.libvlc_muted() is True  # still: starting the sound did not unmute
        muting.set_muted(False)
        qtbot.waitUntil(lambda: muting.libvlc_muted() is False, timeout=1000)
    finally:
        muting.shutdown()
        instance.release()


def _key(qtbot: Any, panel: PlayerPanel, key: Qt.Key, shift: bool = False) -> None:
    mods = Qt.KeyboardModifier.ShiftModifier if shift else Qt.KeyboardModifier.NoModifier
    qtbot.keyClick(panel, key, mods)


def test_panel_keys_play_pause_seek_step_speed_and_mute(qtbot: Any, panel: PlayerPanel) -> None:
    p = panel.player
    panel.load(MP4, autoplay=False)
    wait_state(qtbot, p, PlayerState.PAUSED)
    _key(qtbot, panel, Qt.Key.Key_Space)
    wait_state(qtbot, p, PlayerState.PLAYING)
    _key(qtbot, panel, Qt.Key.Key_K)
    assert p.state is PlayerState.PAUSED
    _key(qtbot, panel, Qt.Key.Key_K)  # K never starts playback
    assert p.state is PlayerState.PAUSED
    _key(qtbot, panel, Qt.Key.Key_Home)
    _key(qtbot, panel, Qt.Key.Key_Right)
    assert p.position == 2960  # +5 s, clamped to the last frame of a 3 s clip
    _key(qtbot, panel, Qt.Key.Key_J)
    assert p.position == 0
    _key(qtbot, panel, Qt.Key.Key_L)
    _key(qtbot, panel, Qt.Key.Key_Left)
    assert p.position == 0
    _key(qtbot, panel, Qt.Key.Key_Period)
    _key(qtbot, panel, Qt.Key.Key_Period)
    _key(qtbot, panel, Qt.Key.Key_Comma)
    qtbot.waitUntil(lambda: p.position == FRAME_MS and frame_number(p.frame) == 1, timeout=1000)
    _key(qtbot, panel, Qt.Key.Key_Greater, shift=True)
    _key(qtbot, panel, Qt.Key.Key_Period, shift=True)  # Shift+. where ">" is not produced
    assert p.rate == 1.5
    assert panel.findChild(QComboBox, "speedCombo").currentText() == "1.5×"
    _key(qtbot, panel, Qt.Key.Key_Less, shift=True)
    assert p.rate == 1.25
    _key(qtbot, panel, Qt.Key.Key_M)
    assert p.muted and panel.shields.muted
    qtbot.keyClick(panel, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    assert p.state is PlayerState.PAUSED  # Ctrl+Space belongs to the window, not the player


def test_space_on_a_focused_button_plays_instead_of_clicking_it(
    qtbot: Any, panel: PlayerPanel
) -> None:
    panel.load(MP4, autoplay=False)
    wait_state(qtbot, panel.player, PlayerState.PAUSED)
    mute = panel.findChild(QToolButton, "muteButton")
    qtbot.keyClick(mute, Qt.Key.Key_Space)
    wait_state(qtbot, panel.player, PlayerState.PLAYING)
    assert not mute.isChecked()


def test_shield_keys_and_buttons_report_each_change(qtbot: Any, panel: PlayerPanel) -> None:
    changes: list[tuple[str, bool]] = []
    panel.shield_changed.connect(lambda name, on: changes.append((name, on)))
    panel.set_shields(grayscale=True, blurred=True, muted=True)
    _key(qtbot, panel, Qt.Key.Key_G, shift=True)
    _key(qtbot, panel, Qt.Key.Key_G)  # plain G is the case screen's (guidance), not ours
    qtbot.mouseClick(panel.findChild(QToolButton, "blurShieldButton"), Qt.MouseButton.LeftButton)
    assert panel.shields == Shields(grayscale=False, blurred=False, muted=True)
    assert changes == [
        ("grayscale", True), ("blurred", True), ("muted", True),
        ("grayscale", False), ("blurred", False),
    ]  # fmt: skip
    assert panel.player.muted


def test_every_control_is_named_and_tells_its_shortcut(panel: PlayerPanel) -> None:
    names = ["playPauseButton", "frameBackButton", "frameForwardButton", "speedCombo",
             "muteButton", "grayscaleShieldButton", "blurShieldButton", "seekSlider"]  # fmt: skip
    for name in names:
        control = panel.findChild(QWidget, name)
        assert control is not None, name
        assert control.accessibleName() and "(" in control.toolTip(), name
    assert panel.video_view.accessibleName() == "Case video"


def test_time_label_reads_position_frame_and_length(qtbot: Any, panel: PlayerPanel) -> None:
    """The time and the frame number of the picture on screen (the clip's own strip)."""
    panel.load(MP4, autoplay=False)
    wait_state(qtbot, panel.player, PlayerState.PAUSED)
    panel.player.seek(3200)  # past the last frame: the last frame, 74 (2.96 s)
    label = panel.findChild(QLabel, "timeLabel")
    assert label.text() == "0:02.9 · frame 74 / 0:03.0"
    qtbot.waitUntil(lambda: frame_number(panel.player.frame) == 74, timeout=3000)
    assert [format_clock(ms) for ms in (0, 3249, 61_000, 3_725_400)] == [
        "0:00.0", "0:03.2", "1:01.0", "1:02:05.4",
    ]  # fmt: skip


def test_grayscale_shield_makes_the_grabbed_picture_gray(qtbot: Any, panel: PlayerPanel) -> None:
    panel.load(MP4, autoplay=False)
    wait_state(qtbot, panel.player, PlayerState.PAUSED)
    qtbot.waitUntil(lambda: panel.video_view.frames_painted > 0, timeout=1000)
    plain = panel.video_view.grab().toImage()
    assert _colourful_share(plain) > 0.4
    panel.set_shields(grayscale=True)
    gray = panel.video_view.grab().toImage()
    assert _colourful_share(gray) == 0.0
    panel.set_shields(grayscale=False, blurred=True)
    blurred = panel.video_view.grab().toImage()
    assert _detail(blurred) < 0.5 * _detail(plain)


def test_view_letterboxes_and_overlays_unavailable_reason(
    qtbot: Any, panel: PlayerPanel, tmp_path: Path
) -> None:
    assert letterbox(QSize(640, 360), QRect(0, 0, 400, 400)) == QRect(0, 87, 400, 225)
    view = panel.video_view
    panel.load(MP4, autoplay=False)
    wait_state(qtbot, panel.player, PlayerState.PAUSED)
    panel.resize(620, 1000)
    qtbot.waitUntil(lambda: view.height() > view.width())
    rect = view.picture_rect()
    assert abs(rect.width() / rect.height() - 16 / 9) < 0.02 and rect.width() == view.width()
    grabbed = view.grab().toImage()
    assert QColor(grabbed.pixel(view.width() // 2, 2)).value() == 0  # black bar above
    panel.load(tmp_path / "case-07.mp4")
    assert UNAVAILABLE_TITLE in view.overlay_text() and "case-07.mp4" in view.overlay_text()
    assert "you can still answer this case" in view.accessibleDescription()
    assert not panel.findChild(QToolButton, "playPauseButton").isEnabled()
    assert panel.findChild(QToolButton, "grayscaleShieldButton").isEnabled()


def test_missing_libvlc_is_reported_not_a_crash() -> None:
    code = (
        "from calibrate.player import probe\n"
        "from calibrate.player import VideoPlayer, PlayerState\n"
        "from PySide6.QtCore import QCoreApplication\n"
        "app = QCoreApplication([])\n"
        "player = VideoPlayer()\n"
        "player.load('tests/media/clip_640x360.mp4')\n"
        "assert not player.available and player.state is PlayerState.UNAVAILABLE\n"
        "print(player.reason)\n"
    )
    env = dict(os.environ, PYTHON_VLC_LIB_PATH="/nonexistent/libvlc.so.5")
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "libVLC could not be loaded" in done.stdout and "libvlc5" in done.stdout


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux sound detection")
def test_sound_output_is_found_from_a_sound_server_or_a_card(
    tmp_path: Path, monkeypatch: Any
) -> None:
    from calibrate.player import probe

    cards = tmp_path / "cards"
    monkeypatch.setattr(probe, "ALSA_CARDS", cards)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    for name in ("PULSE_SERVER", "PIPEWIRE_REMOTE"):
        monkeypatch.delenv(name, raising=False)
    assert probe.sound_output_found() is False  # no /proc/asound, no server: a server box
    cards.write_text("--- no soundcards ---\n")
    assert probe.sound_output_found() is False
    cards.write_text(" 0 [PCH            ]: HDA-Intel - HDA Intel PCH\n")
    assert probe.sound_output_found() is True
    cards.unlink()
    (tmp_path / "pulse").mkdir()
    (tmp_path / "pulse" / "native").touch()
    assert probe.sound_output_found() is True
    monkeypatch.delenv(probe.DUMMY_AUDIO_ENV, raising=False)
    assert "--aout=dummy" not in probe.instance_args()
    (tmp_path / "pulse" / "native").unlink()
    assert "--aout=dummy" in probe.instance_args()  # nothing found: silent, and logged
    monkeypatch.setenv(probe.DUMMY_AUDIO_ENV, "0")
    assert "--aout=dummy" not in probe.instance_args()  # the user asked for the output
    monkeypatch.setenv("PULSE_SERVER", "unix:/tmp/pulse-socket")
    assert probe.sound_output_found() is True  # a server named outright


def test_a_clip_plays_without_sound_errors_on_a_machine_without_sound(tmp_path: Path) -> None:
    from calibrate.player import probe

    if probe.sound_output_found():
        pytest.skip("this machine has a sound output")
    code = (
        "import sys; from PySide6.QtWidgets import QApplication; app = QApplication([]);"
        "from calibrate.player import VideoPlayer, PlayerState;"
        "p = VideoPlayer(); p.load(sys.argv[1]);"
        "from PySide6.QtCore import QTimer;"
        "QTimer.singleShot(1500, lambda: (print(p.state.name), app.quit())); app.exec()"
    )
    env = {k: v for k, v in os.environ.items() if k != probe.DUMMY_AUDIO_ENV}
    env["QT_QPA_PLATFORM"] = "offscreen"
    result = subprocess.run(
        [sys.executable, "-c", code, str(MP4)], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.stdout.strip().splitlines()[-1] in ("PLAYING", "ENDED")
    assert "ALSA" not in result.stderr, result.stderr[:300]
