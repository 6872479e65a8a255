""" "Where does it show?" in the moderator's screens: mark at a paused frame of the real clip,
change it, submit; the mark is stored, the moments stay hidden until the reveal shows the
mark against them, and the summary reports it beside the score."""

from __future__ import annotations

import html
import re
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt

from calibrate.core.lessons.loader import require_pack
from calibrate.core.models import Answer, Moment
from calibrate.core.summary import summarise
from calibrate.gui.screens.lesson.reveal import mark_html
from calibrate.gui.screens.lesson.summary import SummaryScreen
from calibrate.player.clock import format_clock
from calibrate.player.playback import PlayerState
from calibrate.store import answers as answer_store
from tests.gui_driver import answer_current_case_by_keys, open_first_case, press
from tests.test_demo_media import strip_number
from tests.test_reveal import visible_text


def plain(rich: str) -> str:
    """Rich label text as read on screen (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"<[^>]+>", "", rich))


@pytest.fixture(scope="module")
def demo_pack(demo_lessons_dir):
    return require_pack(demo_lessons_dir / "graphic-content")


def pause_on_frame(qtbot, player, frame: int) -> None:
    """The clip paused with the frame-number strip showing `frame`, reached by frame steps
    (exact) from a seek one frame before it (libVLC's seeks may land a frame off)."""
    player.pause()
    player.seek((frame - 3) * player.frame_ms)
    qtbot.waitUntil(lambda: abs(strip_number(player.frame) - (frame - 3)) <= 1, timeout=5000)
    while strip_number(player.frame) < frame:
        shown = strip_number(player.frame)
        player.frame_step(1)
        qtbot.waitUntil(lambda s=shown: strip_number(player.frame) == s + 1, timeout=2000)


def test_a_moment_marked_at_a_paused_frame_is_stored_and_revealed(qtbot, app_window) -> None:
    window = app_window
    lesson = open_first_case(qtbot, window)
    case = lesson.pack.cases[lesson.flow.current_case_id]
    assert case.id == "gr-kitchen-cut" and case.mark_moment and case.moment_tolerance == 0.5
    screen, form = lesson.case_screen, lesson.case_screen.form
    assert form.moment.isVisible() and not form.moment.mark_button.isEnabled()  # card up
    screen.setFocus()
    press(qtbot, window, Qt.Key.Key_W)  # watch shielded
    player = screen.player.player
    qtbot.waitUntil(lambda: player.state is PlayerState.PLAYING, timeout=10000)
    assert form.moment.mark_button.isEnabled()

    pause_on_frame(qtbot, player, 118)  # 4.72 s: the cut is held up to the camera
    screen.setFocus()
    press(qtbot, window, Qt.Key.Key_T)
    first = form.moment.mark_ms
    assert first == player.position
    # The player's time of the picture on screen; libVLC's seek may land a frame off the
    # time it was asked (tests/test_demo_media.py), so the strip reads within one frame.
    assert abs(first - strip_number(player.frame) * player.frame_ms) <= player.frame_ms
    assert form.moment.shown.text() == f"Marked at <b>{format_clock(first)}</b>"
    press(qtbot, window, Qt.Key.Key_Comma)  # one frame back, then mark again: changed
    qtbot.waitUntil(lambda: strip_number(player.frame) == 117, timeout=2000)
    qtbot.mouseClick(form.moment.mark_button, Qt.MouseButton.LeftButton)
    second = form.moment.mark_ms
    assert second == first - player.frame_ms and 4000 <= second <= 6000
    press(qtbot, window, Qt.Key.Key_Period)  # after the click the player's keys still work
    qtbot.waitUntil(lambda: strip_number(player.frame) == 118, timeout=2000)
    press(qtbot, window, Qt.Key.Key_Comma)
    qtbot.waitUntil(lambda: strip_number(player.frame) == 117, timeout=2000)
    on_screen = visible_text(screen)
    assert case.moments[0].label not in on_screen and "Where it shows" not in on_screen

    answer_current_case_by_keys(qtbot, window, "allow", "GR-1.1")
    [stored] = answer_store.answers_for_session(window.context.db, lesson.session_id)
    assert stored.marked_moment == second / 1000 and stored.decision == "allow"
    revealed = plain(visible_text(lesson.reveal))
    expected = f"Your mark: {format_clock(second)} — ✓ on the moment (0.5 s either side counts)"
    assert expected in revealed
    assert "0:04.0–0:06.0 Small cut held up to the camera" in revealed


def test_a_mark_can_be_cleared_and_a_skip_keeps_none(qtbot, app_window) -> None:
    window = app_window
    lesson = open_first_case(qtbot, window)
    screen, form = lesson.case_screen, lesson.case_screen.form
    screen.setFocus()
    press(qtbot, window, Qt.Key.Key_W)
    player = screen.player.player
    qtbot.waitUntil(lambda: player.state is PlayerState.PLAYING, timeout=10000)
    press(qtbot, window, Qt.Key.Key_K)
    press(qtbot, window, Qt.Key.Key_T)
    assert form.moment.mark_ms is not None
    qtbot.mouseClick(form.moment.clear_button, Qt.MouseButton.LeftButton)
    assert form.moment.mark_ms is None and "Not marked" in form.moment.shown.text()
    press(qtbot, window, Qt.Key.Key_N)  # in the note, T is a letter, not a mark
    press(qtbot, window, Qt.Key.Key_T)
    assert form.note.toPlainText() == "t" and form.moment.mark_ms is None
    press(qtbot, window, Qt.Key.Key_Escape)
    press(qtbot, window, Qt.Key.Key_T)  # marked again, then the case is skipped
    qtbot.mouseClick(form.skip_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: lesson.reveal.isVisible())
    [stored] = answer_store.answers_for_session(window.context.db, lesson.session_id)
    assert stored.skipped and stored.marked_moment is None
    assert "Your mark" not in visible_text(lesson.reveal)


def test_a_case_that_asks_for_no_mark_shows_no_mark(qtbot, app_window) -> None:
    window = app_window
    lesson = open_first_case(qtbot, window)
    for _ in range(2):  # the lesson's first two cases ask for a mark
        case = lesson.pack.cases[lesson.flow.current_case_id]
        answer_current_case_by_keys(qtbot, window, case.golden.decision, case.golden.clauses[0])
        press(qtbot, window, Qt.Key.Key_Return)
    case = lesson.pack.cases[lesson.flow.current_case_id]
    assert not case.mark_moment
    assert not lesson.case_screen.form.moment.isVisible()
    press(qtbot, window, Qt.Key.Key_T)  # nothing to mark: no mark, no error
    assert lesson.case_screen.form.moment.mark_ms is None


def _answer(case_id: str, mark: float | None, **changes: object) -> Answer:
    base = Answer(
        id="a",
        session_id="s",
        profile_id="p",
        pack_id="graphic-content",
        lesson_id="gr-context",
        case_id=case_id,
        case_hash="h",
        pack_hash="h",
        team="",
        site="",
        session_kind="first_attempt",
        decision="allow",
        clause="GR-1.1",
        confidence=0.8,
        note="",
        skipped=False,
        shown_at="2026-11-20T09:00:00.000Z",
        answered_at="2026-11-20T09:00:30.000Z",
        time_to_answer_ms=30_000,
        watched_ms=10_000,
        marked_moment=mark,
    )
    return replace(base, **changes)


def test_the_reveal_says_how_far_a_missed_mark_lies_and_when_none_was_given(demo_pack) -> None:
    case = demo_pack.cases["gr-kitchen-cut"]  # 0:04–0:06, 0.5 s each side
    assert case.moments == (Moment(4.0, 6.0, "Small cut held up to the camera"),)
    assert "✗ 1.0 s from the nearest moment" in mark_html(case, _answer(case.id, 2.5))
    assert "✗ 20 ms from the nearest moment" in mark_html(case, _answer(case.id, 6.52))
    assert "✓ on the moment" in mark_html(case, _answer(case.id, 6.5))  # at the edge
    assert "Your mark: <b>none</b>" in mark_html(case, _answer(case.id, None))
    other = demo_pack.cases["gr-surgery-lecture"]
    assert mark_html(other, _answer(other.id, 4.0)) == ""  # asks for no mark


def test_the_summary_reports_marks_beside_the_score_never_in_it(qtbot, demo_pack) -> None:
    kitchen, crash = demo_pack.cases["gr-kitchen-cut"], demo_pack.cases["gr-news-crash-aftermath"]
    surgery = demo_pack.cases["gr-surgery-lecture"]
    assert crash.mark_moment and crash.moment_tolerance == 1.0  # 0:04–0:06
    answers = [
        _answer(kitchen.id, 4.5),  # hit, decision right
        _answer(crash.id, 1.0, decision="remove"),  # a mark 2 s early: missed, decision wrong
        _answer(surgery.id, None, decision=surgery.golden.decision),  # asks for no mark
    ]
    summary = summarise(answers, demo_pack.cases, 3, demo_pack.pass_mark)
    assert (summary.correct, summary.answered) == (2, 3)  # the mark changes no score
    assert (summary.moments_asked, summary.moments_marked, summary.moments_hit) == (2, 2, 1)
    unmarked = summarise([*answers[:2], _answer(crash.id, None, id="b")], demo_pack.cases, 3, 0.8)
    assert (unmarked.moments_asked, unmarked.moments_marked) == (3, 2)
    screen = SummaryScreen()
    qtbot.addWidget(screen)
    screen.show_summary(demo_pack, "Context decides", summary)
    assert (
        "Where does it show? 1 of 2 marks on the golden moment (not part of the score)"
        in screen.headline.text()
    )
