"""Issue 18, player ergonomics, on the real demo clips through real libVLC: "Show me" and the
A-B loop land on the right frame (read from the clip's frame-number strip, the player paused
after the jump), "Show me" is nowhere before the answer, the speed a moderator chose is
kept across restarts, cue times agree with the time and frame shown, full screen and volume
by keyboard."""

# ruff: noqa: F811 - the fixture imported from player_fixtures is a parameter by name
from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from player_fixtures import vlc_instance  # noqa: F401 - a fixture, used by name
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from calibrate.core.lessons.loader import require_pack
from calibrate.core.models import Moment
from calibrate.gui.screens.lesson.show_me import ShowMePanel
from calibrate.gui.widgets.player_controls import PlayerPanel
from calibrate.player.clock import format_clock
from calibrate.player.playback import PlayerState
from calibrate.player.vlc_player import VideoPlayer
from tests.gui_driver import answer_current_case_by_keys, open_first_case, press
from tests.test_demo_media import strip_number

FPS = 25
LAND_MS = 8000  # a jump waits for libVLC to settle; generous for a loaded 2-core machine


@pytest.fixture(scope="module")
def kitchen_case(demo_lessons_dir: Path):
    """gr-kitchen-cut: a warned demo case, one golden moment 0:04-0:06, cues every 2 s."""
    pack = require_pack(demo_lessons_dir / "graphic-content")
    return pack.cases["gr-kitchen-cut"]


def _landings(loop_owner: PlayerPanel) -> list[tuple[int, int, int]]:
    """(A in ms, frame on the strip, position in ms) each time the loop is back on A, paused
    - read at that moment, before it plays on."""
    seen: list[tuple[int, int, int]] = []
    player = loop_owner.player

    def landed(a_ms: int) -> None:
        assert player.state is PlayerState.PAUSED
        seen.append((a_ms, strip_number(player.frame), player.position))

    loop_owner.loop.looped.connect(landed)
    return seen


def test_show_me_jumps_to_each_moment_on_its_frame_and_loops_it(
    qtbot: Any, vlc_instance: Any, kitchen_case
) -> None:
    """Moments that start between keyframes (a paused seek there showed a stray picture on
    H.264): each lands on its own first frame, and the loop comes back to it."""
    case = replace(
        kitchen_case,
        moments=(Moment(4.72, 5.4, "the cut"), Moment(2.36, 2.8, "the knife")),
    )
    show_me = ShowMePanel()
    qtbot.addWidget(show_me)
    show_me.resize(800, 520)
    show_me.show()
    show_me.set_case(case)
    assert [b.text() for b in show_me.buttons] == [
        "▶ 0:04.7–0:05.4  the cut",
        "▶ 0:02.3–0:02.8  the knife",
    ]
    try:
        show_me.show_next()  # S: the first moment
        panel = show_me.panel
        assert panel is not None and panel.shields.grayscale and panel.shields.blurred
        seen = _landings(panel)
        qtbot.waitUntil(lambda: len(seen) >= 1, timeout=LAND_MS)
        assert seen[0] == (4720, 118, 4720)  # frame 118 starts at 4.72 s
        qtbot.waitUntil(lambda: panel.player.state is PlayerState.PLAYING, timeout=LAND_MS)
        qtbot.waitUntil(lambda: len(seen) >= 2, timeout=LAND_MS)  # B reached: back to A
        assert seen[1] == (4720, 118, 4720)
        show_me.show_next()  # the second moment, from wherever the loop was
        qtbot.waitUntil(lambda: any(a == 2360 for a, _f, _p in seen), timeout=LAND_MS)
        assert seen[-1] == (2360, 59, 2360)
        assert panel.loop.a == 2360 and panel.loop.b == 2800
    finally:
        if show_me.panel is not None:
            show_me.panel.shutdown()


def test_the_ab_loop_set_by_keys_lands_on_a_and_shows_on_the_seek_bar(
    qtbot: Any, vlc_instance: Any, kitchen_case
) -> None:
    panel = PlayerPanel(player=VideoPlayer(instance=vlc_instance))
    qtbot.addWidget(panel)
    panel.resize(800, 520)
    panel.show()
    try:
        panel.load(kitchen_case.video, autoplay=False)
        qtbot.waitUntil(lambda: panel.player.state is PlayerState.PAUSED, timeout=LAND_MS)
        panel.setFocus()
        panel.player.seek(37 * 40)  # frame 37: between keyframes
        qtbot.waitUntil(lambda: panel.player.settled, timeout=LAND_MS)
        assert strip_number(panel.player.frame) == 37
        qtbot.keyClick(panel, Qt.Key.Key_BracketLeft)  # [ : A here
        assert (panel.loop.a, panel.loop.b) == (1480, None)
        for _ in range(3):
            qtbot.keyClick(panel, Qt.Key.Key_Period)  # three frames on
        qtbot.waitUntil(lambda: strip_number(panel.player.frame) == 40, timeout=LAND_MS)
        qtbot.keyClick(panel, Qt.Key.Key_BracketRight)  # ] : B here
        assert (panel.loop.a, panel.loop.b) == (1480, 1600)
        bar = panel.findChild(QWidget, "seekSlider")
        assert bar.span == (1480, 1600)  # drawn on the seek bar
        assert panel.findChild(QWidget, "abLoopButton").text() == "✕ A–B"
        seen = _landings(panel)
        qtbot.keyClick(panel, Qt.Key.Key_Space)  # play: at B's end, back to A
        qtbot.waitUntil(lambda: len(seen) >= 2, timeout=LAND_MS)
        assert seen[:2] == [(1480, 37, 1480), (1480, 37, 1480)]
        qtbot.keyClick(panel, Qt.Key.Key_Backslash)  # \ : no loop
        assert panel.loop.a is None and bar.span is None and not panel.loop.active
        qtbot.keyClick(panel, Qt.Key.Key_BracketLeft)
        panel.unload()  # the next case: the moderator's loop was this clip's
        assert panel.loop.a is None and bar.span is None
    finally:
        panel.shutdown()


def test_show_me_is_nowhere_before_the_answer_and_on_the_reveal_after(
    qtbot: Any, app_window
) -> None:
    window = app_window
    lesson = open_first_case(qtbot, window)
    case = lesson.pack.cases[lesson.flow.current_case_id]
    assert case.id == "gr-kitchen-cut" and case.moments
    screen = lesson.case_screen
    screen.setFocus()
    press(qtbot, window, Qt.Key.Key_W)  # watching, shielded: the clip is up, keys work
    qtbot.waitUntil(lambda: screen.player.player.state is PlayerState.PLAYING, timeout=10000)
    press(qtbot, window, Qt.Key.Key_S)  # S does nothing on the case screen
    showing = [w for w in window.findChildren(QWidget) if w.isVisible()]
    assert not [w for w in showing if w.objectName().startswith("showMe")]
    texts = [w.text() for w in showing if isinstance(w, (QLabel, QPushButton))]
    assert not [t for t in texts if "Show me" in t]
    assert screen.player.loop.a is None  # no loop was set for the moderator
    answer_current_case_by_keys(qtbot, window, "allow", "GR-1.1")
    show_me = lesson.reveal.show_me
    assert show_me.isVisible() and [b.isVisible() for b in show_me.buttons] == [True]
    assert show_me.buttons[0].text() == "▶ 0:04.0–0:06.0  Small cut held up to the camera"
    seen: list[int] = []
    lesson.reveal.setFocus()
    press(qtbot, window, Qt.Key.Key_S)
    assert show_me.panel is not None
    show_me.panel.loop.looped.connect(
        lambda _a: seen.append(strip_number(show_me.panel.player.frame))
    )
    qtbot.waitUntil(lambda: bool(seen), timeout=LAND_MS)
    assert seen[0] == 100  # 0:04 is frame 100


def test_the_speed_chosen_is_kept_for_the_next_start(qtbot: Any, app_window, tmp_path) -> None:
    window = app_window
    lesson = open_first_case(qtbot, window)
    screen = lesson.case_screen
    screen.setFocus()
    press(qtbot, window, Qt.Key.Key_W)
    qtbot.waitUntil(lambda: screen.player.player.state is PlayerState.PLAYING, timeout=10000)
    for _ in range(4):  # > four times: 1× → 1.25 → 1.5 → 1.75 → 2
        press(qtbot, window, Qt.Key.Key_Greater)
    press(qtbot, window, Qt.Key.Key_Down)  # quieter: 90 %
    assert screen.player.player.rate == 2.0 and screen.player.player.volume == 90
    window.close()  # quit: the next start reads the database again

    from calibrate.app import build_context
    from calibrate.gui.main_window import MainWindow

    args = argparse.Namespace(
        db=tmp_path / "calibrate.sqlite3", lessons=[], no_bundled=False, verbose=False
    )
    again = MainWindow(build_context(args, tmp_path / "again.log"))
    qtbot.addWidget(again)
    again.resize(1366, 768)
    again.show()
    try:
        again.home.profiles.setCurrentRow(0)
        again.home.continue_button.click()
        again.lesson_list.start_button.click()  # resume the lesson: its case screen
        combo = again.lesson.case_screen.player.findChild(QComboBox, "speedCombo")
        assert combo.currentText() == "2×" and again.lesson.case_screen.player.player.rate == 2.0
        assert again.lesson.case_screen.player.player.volume == 90
    finally:
        again.close()


def test_cue_times_agree_with_the_time_and_frame_shown(
    qtbot: Any, vlc_instance: Any, kitchen_case
) -> None:
    """At each cue's time (a paused seek there), the time label names the cue's time and its
    frame, and the clip's own strip shows that frame."""
    panel = PlayerPanel(player=VideoPlayer(instance=vlc_instance))
    qtbot.addWidget(panel)
    panel.resize(800, 520)
    panel.show()
    label = panel.findChild(QLabel, "timeLabel")
    try:
        panel.load(kitchen_case.video, autoplay=False)
        qtbot.waitUntil(lambda: panel.player.state is PlayerState.PAUSED, timeout=LAND_MS)
        for cue in kitchen_case.cues[1:]:
            at_ms, frame = round(cue.at * 1000), round(cue.at * FPS)
            panel.player.seek(at_ms)
            qtbot.waitUntil(lambda f=frame: strip_number(panel.player.frame) == f, timeout=LAND_MS)
            assert label.text().startswith(f"{format_clock(at_ms)} · frame {frame} / ")
    finally:
        panel.shutdown()


def test_full_screen_and_volume_by_keyboard(qtbot: Any, vlc_instance: Any, kitchen_case) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    panel = PlayerPanel(holder, player=VideoPlayer(instance=vlc_instance))
    QVBoxLayout(holder).addWidget(panel)
    holder.resize(800, 520)
    holder.show()
    try:
        panel.load(kitchen_case.video, autoplay=False)
        qtbot.waitUntil(lambda: panel.player.state is PlayerState.PAUSED, timeout=LAND_MS)
        panel.setFocus()
        qtbot.keyClick(panel, Qt.Key.Key_F)
        assert panel.full_screen.active and panel.window() is not holder
        assert panel.window().isFullScreen() and panel.player.state is PlayerState.PAUSED
        qtbot.keyClick(QApplication.focusWidget() or panel, Qt.Key.Key_Down)
        assert panel.player.volume == 90  # player keys work in full screen too
        qtbot.keyClick(QApplication.focusWidget() or panel, Qt.Key.Key_Escape)
        assert not panel.full_screen.active and panel.window() is holder
        qtbot.keyClick(panel, Qt.Key.Key_Up)
        qtbot.keyClick(panel, Qt.Key.Key_Up)
        assert panel.player.volume == 100  # at most 100 %
        qtbot.keyClick(panel, Qt.Key.Key_F, Qt.KeyboardModifier.ShiftModifier)
        assert not panel.full_screen.active  # Shift+F is not F
    finally:
        panel.shutdown()


def test_kept_settings_out_of_range_or_garbled_fall_back_to_the_defaults(tmp_path: Path) -> None:
    """A database edited by hand (or by an older build) never sets a speed or volume the
    player cannot take; a speed outside 0.25-3 is refused, nothing written."""
    from calibrate.store.db import open_database
    from calibrate.store.settings import set_meta
    from calibrate.workspace import Workspace

    db = open_database(tmp_path / "db.sqlite3")
    profiles = Workspace(
        db.conn, Path(db.conn.execute("PRAGMA database_list").fetchone()[2]), []
    ).profiles
    assert profiles.player_settings("p1") == (None, None)
    for speed, volume in (("abc", "loud"), ("nan", "inf"), ("9", "101"), ("0.1", "-1")):
        set_meta(db, "player_speed:p1", speed)
        set_meta(db, "player_volume:p1", volume)
        assert profiles.player_settings("p1") == (None, None)
    profiles.keep_player_speed("p1", 0.25)
    profiles.keep_player_volume("p1", 0)
    assert profiles.player_settings("p1") == (0.25, 0)
    with pytest.raises(ValueError):
        profiles.keep_player_speed("p1", 4.0)
    assert profiles.player_settings("p1") == (0.25, 0)


def test_keyframes_of_the_clips_and_of_a_file_that_is_no_video(tmp_path: Path) -> None:
    from player_fixtures import MP4, WEBM

    from calibrate.player.keyframes import KeyframeIndex, read_keyframes

    assert read_keyframes(MP4, 40) == [0, 1000, 2000]
    assert read_keyframes(WEBM, 40) == []  # VP9 lands exactly without the walk
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(bytes(range(256)) * 64)
    index = KeyframeIndex()
    index.load(junk, 40)  # ffprobe refuses it: no index, seeks as before
    assert index.at_or_before(1000) is None
    index.load(MP4, 40)
    assert index.at_or_before(1999) == 1000 and index.at_or_before(0) == 0
