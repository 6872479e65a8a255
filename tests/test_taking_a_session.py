"""A moderator takes a demo lesson end to end with the keyboard only, on the real app."""

from __future__ import annotations

from PySide6.QtCore import Qt

from calibrate.core.session import Step
from calibrate.store import answers as answer_store
from tests.gui_driver import (
    answer_current_case_by_keys,
    create_profile_by_keys,
    open_first_case,
    open_first_case_playing,
    press,
)


def test_whole_lesson_by_keystrokes_scores_and_records_every_answer(qtbot, app_window) -> None:
    window = app_window
    create_profile_by_keys(qtbot, window, "Ana")
    press(qtbot, window, Qt.Key.Key_Return)  # start the selected (first) lesson
    qtbot.waitUntil(lambda: window.lesson is not None)
    lesson = window.lesson
    slides = len(lesson.lesson.guidance)
    assert lesson.flow.step is Step.GUIDANCE
    for _ in range(slides):
        press(qtbot, window, Qt.Key.Key_Return)
    assert lesson.flow.step is Step.CASE
    expected = {}
    for _ in lesson.lesson.case_ids:
        case = lesson.pack.cases[lesson.flow.current_case_id]
        expected[case.id] = case.golden.decision
        answer_current_case_by_keys(qtbot, window, case.golden.decision, case.golden.clauses[0])
        assert "Matches the golden decision" in lesson.reveal.verdict.text()
        press(qtbot, window, Qt.Key.Key_Return)
    assert lesson.flow.step is Step.SUMMARY
    total = len(lesson.lesson.case_ids)
    assert f"{total} of {total} right (100%)" in lesson.summary.headline.text()
    stored = answer_store.answers_for_session(window.context.db, lesson.session_id)
    assert {a.case_id: a.decision for a in stored} == expected
    assert all(a.confidence == 0.8 and a.team == "" for a in stored)
    press(qtbot, window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.lesson_list)
    assert window.lesson_list.tree.currentItem().text(3).startswith("Done")


def test_leaving_mid_lesson_resumes_at_the_first_unanswered_case(qtbot, app_window) -> None:
    window = app_window
    create_profile_by_keys(qtbot, window, "Bo")
    press(qtbot, window, Qt.Key.Key_Return)
    lesson = window.lesson
    for _ in lesson.lesson.guidance:
        press(qtbot, window, Qt.Key.Key_Return)
    first = lesson.flow.current_case_id
    answer_current_case_by_keys(qtbot, window, "allow", lesson.pack.clauses[0].id)
    press(qtbot, window, Qt.Key.Key_Return)
    lesson.case_screen.findChild(type(lesson.guidance.next_button), "caseLeaveButton").click()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.lesson_list)
    assert window.lesson_list.start_button.text().startswith("Resume")
    window.lesson_list.start_button.click()
    resumed = window.lesson
    assert resumed.flow.step is Step.CASE
    assert resumed.flow.current_case_id == resumed.lesson.case_ids[1] != first
    assert resumed.flow.may_reveal(first)


def test_switching_profile_makes_the_next_person_choose_theirs(qtbot, app_window) -> None:
    from calibrate.store import catalog

    window = app_window
    catalog.create_profile(window.context.db, "Ana Ribeiro", "Graphic EU", "Lisbon")
    window.home.refresh()
    window.home.team.setText("Graphic EU")
    window.home.site.setText("Lisbon")
    create_profile_by_keys(qtbot, window, "Kofi Mensah")
    window.lesson_list.switch_profile_requested.emit()
    home = window.home
    assert window.stack.currentWidget() is home
    assert home.profiles.selectedItems() == [] and home.choose_hint.isVisible()
    assert (home.name.text(), home.team.text(), home.site.text()) == ("", "", "")
    home.profiles.setFocus()
    press(qtbot, window, Qt.Key.Key_Return)  # nobody chosen yet: Enter continues as no one
    assert window.stack.currentWidget() is home and window.context.profile is None
    assert home.choose_hint.property("alert")  # it says how to choose instead
    press(qtbot, window, Qt.Key.Key_Down)
    chosen = home.profiles.selectedItems()[0].text().split("   —   ")[0]
    press(qtbot, window, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is window.lesson_list
    assert window.context.profile.name == chosen


def test_rereading_the_guidance_mid_case_returns_to_the_case_as_it_was_left(
    qtbot, app_window
) -> None:
    from calibrate.player.playback import PlayerState

    window = app_window
    lesson = open_first_case(qtbot, window)
    screen = lesson.case_screen
    case = lesson.pack.cases[lesson.flow.current_case_id]
    if case.is_warned:
        press(qtbot, window, Qt.Key.Key_W)
    player = screen.player.player
    qtbot.waitUntil(
        lambda: player.state is PlayerState.PLAYING and player.position > 1500, timeout=10000
    )
    press(qtbot, window, Qt.Key.Key_2)  # a decision picked before looking something up
    picked = screen.form.decisions.checkedId()
    shield = screen.player.shields
    press(qtbot, window, Qt.Key.Key_G)
    assert window.stack.currentWidget() is lesson.guidance
    left_at, watched = lesson.case_screen._away[1], screen.watched_ms
    for _ in lesson.lesson.guidance:
        press(qtbot, window, Qt.Key.Key_Return)  # "Back to the case" on the last slide
    assert window.stack.currentWidget() is screen
    assert screen.form.decisions.checkedId() == picked and screen.player.shields == shield
    qtbot.waitUntil(lambda: player.state is PlayerState.PAUSED, timeout=10000)
    assert abs(player.position - left_at) <= 250  # paused where it was left, not at 0:00
    assert screen.watched_ms >= watched > 0


def test_a_clip_played_to_its_end_still_plays_after_a_visit_to_the_guidance(
    qtbot, app_window, caplog
) -> None:
    from calibrate.player.playback import PlayerState

    window = app_window
    lesson = open_first_case_playing(qtbot, window)
    screen = lesson.case_screen
    player = screen.player.player
    player.seek(player.duration - 500)  # the demo clips are long: only the end matters here
    qtbot.waitUntil(lambda: player.state is PlayerState.ENDED, timeout=10000)
    press(qtbot, window, Qt.Key.Key_G)
    for _ in lesson.lesson.guidance:
        press(qtbot, window, Qt.Key.Key_Return)
    assert window.stack.currentWidget() is screen
    qtbot.waitUntil(lambda: player.state is not PlayerState.LOADING, timeout=10000)
    qtbot.wait(300)  # a late end-of-file from libVLC would turn it "unavailable" here
    assert player.state in (PlayerState.PAUSED, PlayerState.ENDED), player.reason
    assert not player.frame.isNull() and player.position >= player.duration - 250
    press(qtbot, window, Qt.Key.Key_Home)
    press(qtbot, window, Qt.Key.Key_Space)  # and it plays again, from the start
    qtbot.waitUntil(
        lambda: player.state is PlayerState.PLAYING and 0 < player.position < 3000, timeout=10000
    )
    assert "unavailable" not in caplog.text


def test_a_clip_that_cannot_be_decoded_is_logged(qtbot, tmp_path, caplog) -> None:
    from calibrate.player.playback import PlayerState
    from calibrate.player.vlc_player import VideoPlayer

    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x17" * 4000)
    player = VideoPlayer()
    try:
        player.load(broken)
        qtbot.waitUntil(lambda: player.state is PlayerState.UNAVAILABLE, timeout=10000)
    finally:
        player.shutdown()
    assert "video unavailable" in caplog.text and "broken.mp4" in caplog.text


def test_escape_on_a_guidance_slide_read_mid_case_returns_to_the_case_as_left(
    qtbot, app_window, dialogs
) -> None:
    window = app_window
    lesson = open_first_case(qtbot, window)
    screen = lesson.case_screen
    press(qtbot, window, Qt.Key.Key_Escape)  # on the case: nothing to go back from
    assert window.stack.currentWidget() is screen
    press(qtbot, window, Qt.Key.Key_2)
    picked, case_id = screen.form.decisions.checkedId(), lesson.flow.current_case_id
    press(qtbot, window, Qt.Key.Key_G)
    assert window.stack.currentWidget() is lesson.guidance
    if len(lesson.lesson.guidance) > 1:
        press(qtbot, window, Qt.Key.Key_Right)  # a slide further on: Esc still goes back
    press(qtbot, window, Qt.Key.Key_Escape)
    assert window.stack.currentWidget() is screen
    assert lesson.flow.current_case_id == case_id
    assert screen.form.decisions.checkedId() == picked
    press(qtbot, window, Qt.Key.Key_F1)
    assert "back to the case, as it was left" in dialogs[-1]
