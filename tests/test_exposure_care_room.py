"""Exposure care in a live room: a break due mid-clip skips the case on screen (recorded as
a skip, on the host and the moderator's machine), a warned case the room opens during the
break is skipped too, and the room goes on without waiting; after "Go on" the moderator is
back in the room's current step, and the skips show as skips. The host console, the
moderator's app window and the clips are real; a fake clock stands in for the minutes."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from room_windows import answers, clip_lessons, current, wait_for_case, wait_for_reveal, watch_some
from test_exposure_care import FakeClock
from test_live_room_in_the_app import answer, console, join, moderator, trainer_key  # noqa: F401
from trainer_driver import no_saved_folders  # noqa: F401 - a fixture: no saved folders

from calibrate.core.wellness import PersonalWellness
from calibrate.gui import prompts


@pytest.fixture
def console_c3_unwarned(qtbot, tmp_path: Path):
    """The console of test_live_room_in_the_app, its pack's c3 unwarned (c2 stays warned)."""
    from calibrate.app import build_context
    from calibrate.gui.screens.trainer.console import HostConsole

    lessons = clip_lessons(tmp_path)
    c3 = lessons / "alpha" / "cases" / "c3.toml"
    c3.write_text(c3.read_text().replace('warnings = ["graphic"]', "warnings = []"))
    args = argparse.Namespace(
        db=tmp_path / "host.sqlite3", lessons=[lessons], no_bundled=True, verbose=False
    )
    window = HostConsole(build_context(args, tmp_path / "host.log"))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.choose("alpha", "basics")
    yield window
    window.close()


def test_a_break_in_a_live_room_skips_the_case_and_never_stalls_the_room(
    qtbot,
    console,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
    monkeypatch,
) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    monkeypatch.setattr(prompts, "confirm", lambda *_args: True)
    trainer_key(qtbot, console, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(console.host.code), timeout=20000)
    ana = moderator(qtbot, tmp_path, "Ana", installed=True)
    try:
        profile = ana.context.profiles.create("Ana", "Graphic EU", "Lisbon")
        ana.context.wellness.save_personal(profile, PersonalWellness(break_after_minutes=1))
        join(qtbot, ana, console.host.code, "Ana")
        room = ana.room
        clock = FakeClock()
        room.care.clock = clock
        trainer_key(qtbot, console, Qt.Key.Key_N)  # the slide
        trainer_key(qtbot, console, Qt.Key.Key_N)  # c1, unwarned
        wait_for_case(qtbot, ana, "c1")
        answer(qtbot, ana, decision_key=3)
        for key in (Qt.Key.Key_L, Qt.Key.Key_R, Qt.Key.Key_N):  # lock, reveal, c2 (warned)
            trainer_key(qtbot, console, key)
        wait_for_case(qtbot, ana, "c2")
        ana.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is ana)
        watch_some(qtbot, ana, share=0.05)
        clock.advance(61)
        room.care.tick()  # a minute of warned clips: Ana's own, earlier break
        assert current(ana) is room.care.break_screen
        qtbot.waitUntil(lambda: console.count_label.text() == "answered 1 / 1", timeout=15000)
        qtbot.waitUntil(lambda: "c2" in room.view.acked, timeout=15000)
        assert room.view.acked["c2"]["skipped"]
        # The room goes on while Ana rests: the reveal does not take the break screen away,
        # and c3 (warned) is skipped on arrival.
        trainer_key(qtbot, console, Qt.Key.Key_L)
        trainer_key(qtbot, console, Qt.Key.Key_R)
        qtbot.waitUntil(lambda: room.view.stage == "reveal", timeout=15000)
        assert current(ana) is room.care.break_screen
        trainer_key(qtbot, console, Qt.Key.Key_N)
        qtbot.waitUntil(lambda: "c3" in room.view.acked, timeout=15000)
        assert room.view.acked["c3"]["skipped"] and current(ana) is room.care.break_screen
        qtbot.waitUntil(lambda: console.count_label.text() == "answered 1 / 1", timeout=15000)
        room.care.break_screen.go_on.click()  # back in the room, where it is now
        assert current(ana) is not room.care.break_screen
        trainer_key(qtbot, console, Qt.Key.Key_L)
        trainer_key(qtbot, console, Qt.Key.Key_R)
        wait_for_reveal(qtbot, ana, "c3")
        assert "Skipped" in room.reveal.verdict.text()  # a skip, never an error
        assert "Your skip is recorded" in room.reveal.recorded.text()
    finally:
        ana.close()
    mine = {row["case_id"]: row for row in answers(tmp_path / "Ana.sqlite3").values()}
    on_host = {
        row["case_id"]: row
        for row in answers(tmp_path / "host.sqlite3").values()
        if row["case_id"] in ("c2", "c3")
    }
    for rows in (mine, on_host):
        assert rows["c2"]["skipped"] == rows["c3"]["skipped"] == 1
        assert rows["c2"]["decision"] is None and rows["c3"]["decision"] is None
    assert mine["c1"]["skipped"] == 0
    # The host's dashboard: the break's two skips counted as skips, never as wrong answers.
    from calibrate.core.metrics.answer_table import Filters
    from calibrate.workspace import Workspace

    ws = Workspace.open(tmp_path / "host.sqlite3", [tmp_path / "lessons"])
    try:
        ws.lessons.load()
        headline = ws.dashboard.complete(Filters(), 0.9).headline
        assert (headline.answers, headline.scored, headline.skipped) == (3, 1, 2)
        assert headline.accuracy == 1.0  # c1 answered right; the skips do not pull it down
    finally:
        ws.close()


def test_an_unwarned_case_the_room_opens_during_a_break_is_skipped_not_left_unanswered(
    qtbot,
    console_c3_unwarned,
    tmp_path: Path,
    monkeypatch,
) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    monkeypatch.setattr(prompts, "confirm", lambda *_args: True)
    trainer_key(qtbot, console_c3_unwarned, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(console_c3_unwarned.host.code), timeout=20000)
    ana = moderator(qtbot, tmp_path, "Ana", installed=True)
    try:
        profile = ana.context.profiles.create("Ana", "Graphic EU", "Lisbon")
        ana.context.wellness.save_personal(profile, PersonalWellness(break_after_minutes=1))
        join(qtbot, ana, console_c3_unwarned.host.code, "Ana")
        room = ana.room
        clock = FakeClock()
        room.care.clock = clock
        trainer_key(qtbot, console_c3_unwarned, Qt.Key.Key_N)  # the slide
        trainer_key(qtbot, console_c3_unwarned, Qt.Key.Key_N)  # c1, unwarned
        wait_for_case(qtbot, ana, "c1")
        answer(qtbot, ana, decision_key=3)
        for key in (Qt.Key.Key_L, Qt.Key.Key_R, Qt.Key.Key_N):  # lock, reveal, c2 (warned)
            trainer_key(qtbot, console_c3_unwarned, key)
        wait_for_case(qtbot, ana, "c2")
        ana.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is ana)
        watch_some(qtbot, ana, share=0.05)
        clock.advance(61)
        room.care.tick()
        assert current(ana) is room.care.break_screen
        qtbot.waitUntil(lambda: "c2" in room.view.acked, timeout=15000)
        for key in (Qt.Key.Key_L, Qt.Key.Key_R, Qt.Key.Key_N):  # c3, unwarned, while Ana rests
            trainer_key(qtbot, console_c3_unwarned, key)
        qtbot.waitUntil(lambda: room.view.case is not None and room.view.case.case_id == "c3")
        qtbot.waitUntil(lambda: "c3" in room.view.acked, timeout=15000)
        assert room.view.acked["c3"]["skipped"]  # recorded as a skip, not left unanswered
        assert current(ana) is room.care.break_screen  # the break is Ana's to end
        assert "each case it opens now is skipped" in room.care.break_screen.text.text()
    finally:
        ana.close()
    on_host = {row["case_id"]: row for row in answers(tmp_path / "host.sqlite3").values()}
    assert on_host["c3"]["skipped"] == 1 and on_host["c3"]["decision"] is None
