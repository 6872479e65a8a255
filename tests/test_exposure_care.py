"""Exposure care in the real app (issue 18): warned-clip time measured while it plays and
written as it goes, the calm break screen at the pack's threshold holding warned clips
until the moderator goes on, personal settings that cannot loosen the pack's, Shift+S, the
neutral pause after a warned case. A fake clock stands in for the minutes; the clips,
libVLC, the widgets and the SQLite file are real."""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from gui_driver import create_profile_by_keys, open_first_case, press
from PySide6.QtCore import Qt

from calibrate.core.errors import StoreError
from calibrate.core.session import Step
from calibrate.core.wellness import PersonalWellness
from calibrate.player.playback import PlayerState

REPO = Path(__file__).resolve().parents[1]
WELLNESS = '\n[wellness]\nbreak_after_minutes = 5\nshields = ["grayscale", "mute"]\n'


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def care_lessons(tmp_path: Path, wellness: str = WELLNESS) -> Path:
    """The demo pack graphic-content (its first case warned), with a [wellness] table."""
    lessons = tmp_path / "lessons"
    shutil.copytree(REPO / "lessons" / "graphic-content", lessons / "graphic-content")
    shutil.copytree(REPO / "assets" / "graphic-content", tmp_path / "assets" / "graphic-content")
    pack = lessons / "graphic-content" / "pack.toml"
    pack.write_text(pack.read_text(encoding="utf-8") + wellness, encoding="utf-8")
    return lessons


@pytest.fixture
def care_window(qtbot, tmp_path: Path):
    from calibrate.app import build_context
    from calibrate.gui.main_window import MainWindow

    args = argparse.Namespace(
        db=tmp_path / "calibrate.sqlite3",
        lessons=[care_lessons(tmp_path)],
        no_bundled=True,
        verbose=False,
    )
    window = MainWindow(build_context(args, tmp_path / "calibrate.log"))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()


def watch_warned(qtbot, window, lesson) -> None:
    """W on the warning card, then wait until the clip plays."""
    screen = lesson.case_screen
    screen.setFocus()
    press(qtbot, window, Qt.Key.Key_W)
    player = screen.player.player
    qtbot.waitUntil(lambda: player.state is PlayerState.PLAYING, timeout=10000)


def test_a_break_is_suggested_at_the_threshold_and_warned_clips_wait_until_going_on(
    qtbot, care_window
) -> None:
    window = care_window
    lesson = open_first_case(qtbot, window)
    clock = FakeClock()
    lesson.care.clock = clock
    case = lesson.pack.cases[lesson.flow.current_case_id]
    assert case.is_warned
    screen = lesson.case_screen
    watch_warned(qtbot, window, lesson)
    log = window.context.wellness.log(window.context.profile, lesson.session_id)
    clock.advance(6)
    lesson.care.tick()  # written while the clip still plays: a crash keeps it
    assert log.exposure().session_ms >= 6000
    clock.advance(4 * 60)
    lesson.care.tick()
    assert window.stack.currentWidget() is screen  # 4 min 6 s: under the pack's 5 min
    clock.advance(60)
    lesson.care.tick()
    assert window.stack.currentWidget() is lesson.care.break_screen
    assert screen.player.player.state is PlayerState.EMPTY  # the clip stopped
    written = log.exposure()
    assert written.today_ms == written.session_ms == written.since_break_ms >= 5 * 60_000
    assert "5 min of warned clips" in lesson.care.break_screen.text.text()
    lesson.care.break_screen.go_on.click()  # back to the case, paused where it was
    assert window.stack.currentWidget() is screen and lesson.flow.current_case_id == case.id
    assert screen.video_stack.currentWidget() is screen.player
    assert log.exposure().since_break_ms == 0 and log.exposure().today_ms >= 5 * 60_000

    # The next stretch: the break again, and leaving does not get round it.
    player = screen.player.player
    qtbot.waitUntil(lambda: player.state is PlayerState.PAUSED, timeout=10000)
    screen.setFocus()
    press(qtbot, window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: player.state is PlayerState.PLAYING, timeout=10000)
    clock.advance(5 * 60)
    lesson.care.tick()
    assert window.stack.currentWidget() is lesson.care.break_screen
    lesson.care.break_screen.leave.click()
    assert window.stack.currentWidget() is window.lesson_list
    window.open_lesson(case.pack_id, lesson.lesson.id)
    again = window.lesson
    for _ in again.lesson.guidance:
        press(qtbot, window, Qt.Key.Key_Return)
    assert again.flow.step is Step.CASE
    assert window.stack.currentWidget() is again.care.break_screen  # held, not the card
    again.care.break_screen.go_on.click()
    assert window.stack.currentWidget() is again.case_screen
    assert again.case_screen.video_stack.currentWidget() is again.case_screen.warning_card


def test_space_or_enter_meant_for_the_player_never_ends_the_break(qtbot, care_window) -> None:
    """Space is the player's play/pause: a moderator pausing the clip as the break screen
    opens stays on the break. Going on is a click or Ctrl+Enter, as the button says."""
    from PySide6.QtWidgets import QApplication

    window = care_window
    lesson = open_first_case(qtbot, window)
    clock = FakeClock()
    lesson.care.clock = clock
    watch_warned(qtbot, window, lesson)
    clock.advance(5 * 60)
    lesson.care.tick()
    breaking = lesson.care.break_screen
    assert window.stack.currentWidget() is breaking
    assert QApplication.focusWidget() is breaking  # on no button
    for key in (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
        press(qtbot, window, key)
        assert window.stack.currentWidget() is breaking and lesson.care.on_break
    assert "Ctrl+Enter" in breaking.go_on.text()
    press(qtbot, window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is lesson.case_screen and not lesson.care.on_break


def test_a_personal_setting_cannot_loosen_the_packs_default(qtbot, care_window) -> None:
    window = care_window
    create_profile_by_keys(qtbot, window, "Ana")
    profile, pack = window.context.profile, window.context.pack("graphic-content")
    window.lesson_list.open_wellness_settings()
    dialog = window.lesson_list.wellness_dialog
    dialog.break_after.setValue(60)  # looser than the pack's 5 min
    dialog.shields["blur"].setChecked(True)  # stricter: one shield more
    assert "Not applied: a break after 60 min" in dialog.effect.text()
    dialog.save()
    assert window.context.wellness.personal(profile).break_after_minutes == 60  # kept…
    policy = window.context.wellness.policy(profile, pack)
    assert policy.break_after_minutes == 5  # …and not applied
    assert policy.shields == {"grayscale", "mute", "blur"}
    with pytest.raises(StoreError, match="choose 1 to 240"):
        window.context.wellness.save_personal(profile, PersonalWellness(break_after_minutes=0))

    # In the lesson: the pack's shields plus the personal one; the break at the pack's time.
    press(qtbot, window, Qt.Key.Key_Return)
    lesson = window.lesson
    for _ in lesson.lesson.guidance:
        press(qtbot, window, Qt.Key.Key_Return)
    clock = FakeClock()
    lesson.care.clock = clock
    watch_warned(qtbot, window, lesson)
    shields = lesson.case_screen.player.shields
    assert shields.grayscale and shields.blurred and shields.muted
    clock.advance(5 * 60 + 1)
    lesson.care.tick()
    assert window.stack.currentWidget() is lesson.care.break_screen


def test_shift_s_puts_the_lifted_shields_back(qtbot, care_window) -> None:
    window = care_window
    lesson = open_first_case(qtbot, window)
    watch_warned(qtbot, window, lesson)
    panel = lesson.case_screen.player
    assert panel.shields.grayscale and panel.shields.muted and not panel.shields.blurred
    press(qtbot, window, Qt.Key.Key_G, Qt.KeyboardModifier.ShiftModifier)  # lifted on purpose
    press(qtbot, window, Qt.Key.Key_M)
    assert not panel.shields.grayscale and not panel.shields.muted
    press(qtbot, window, Qt.Key.Key_S, Qt.KeyboardModifier.ShiftModifier)
    assert panel.shields.grayscale and panel.shields.muted and not panel.shields.blurred
    from calibrate.gui.help_dialogs import SHORTCUTS

    assert any(keys == "Shift+S" for keys, _what in SHORTCUTS)


def test_a_neutral_pause_follows_a_warned_case_when_asked_for(qtbot, care_window) -> None:
    window = care_window
    create_profile_by_keys(qtbot, window, "Ana")
    window.context.wellness.save_personal(
        window.context.profile, PersonalWellness(interstitial_seconds=1)
    )
    press(qtbot, window, Qt.Key.Key_Return)
    lesson = window.lesson
    for _ in lesson.lesson.guidance:
        press(qtbot, window, Qt.Key.Key_Return)
    first = lesson.flow.current_case_id
    lesson.case_screen.warning_card.skip.click()  # a skip of a warned case
    assert lesson.flow.step is Step.REVEAL
    assert "Skipped" in lesson.reveal.verdict.text()  # shown as a skip, not an error
    lesson.reveal.next_button.click()
    assert window.stack.currentWidget() is lesson.care.interstitial
    qtbot.waitUntil(lambda: window.stack.currentWidget() is lesson.case_screen, timeout=5000)
    assert lesson.flow.current_case_id != first


EXPOSURE_WRITER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from calibrate.workspace import Workspace

    ws = Workspace.open(Path(sys.argv[1]), [])
    profile = ws.profiles.create("Ana", "Graphic EU", "Lisbon")
    log = ws.wellness.log(profile, "session-1")
    total = 0
    while True:  # 5 s stretches of a warned clip, as a playing clip writes them; until killed
        log.record("gr-kitchen-cut", 5000)
        total += 5000
        print("written", total, flush=True)
""")


def test_warned_clip_time_written_survives_a_kill(tmp_path: Path) -> None:
    from calibrate.workspace import Workspace

    db_path = tmp_path / "kill.sqlite3"
    process = subprocess.Popen(
        [sys.executable, "-c", EXPOSURE_WRITER, str(db_path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert process.stdout is not None
    reported = 0
    for _ in range(30):
        line = process.stdout.readline()
        assert line, "writer died early"
        reported = int(line.split()[1])
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    ws = Workspace.open(db_path, [])
    try:
        (profile,) = ws.profiles.listed()
        exposure = ws.wellness.log(profile, "session-1").exposure()
        assert exposure.today_ms >= reported == 150_000  # nothing reported written is lost
        assert exposure.session_ms == exposure.today_ms == exposure.since_break_ms
        assert ws.wellness.log(profile, "session-2").exposure().session_ms == 0
    finally:
        ws.close()


def test_the_stricter_of_pack_and_moderator_applies_key_by_key() -> None:
    from calibrate.core.wellness import WellnessPolicy, effective_policy, looser_than

    org = WellnessPolicy(break_after_minutes=15, shields=frozenset({"grayscale", "mute"}))
    earlier = PersonalWellness(break_after_minutes=10, shields=frozenset({"blur"}))
    assert effective_policy(org, earlier).break_after_minutes == 10
    assert effective_policy(org, earlier).shields == {"grayscale", "blur", "mute"}
    later = PersonalWellness(break_after_minutes=90, shields=frozenset())
    assert effective_policy(org, later) == org  # nothing looser gets through
    assert looser_than(org, later) and not looser_than(org, earlier)
    nonsense = PersonalWellness(break_after_minutes=0, shields=frozenset({"sepia"}))
    assert effective_policy(org, nonsense).break_after_minutes == 1
    assert effective_policy(org, nonsense).shields == org.shields
