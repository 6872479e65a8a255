"""A review session on the real app, by keyboard: "Review due (N)" on the lesson list and
home, due cases of two packs through the blind → reveal flow, and nothing before submit that
tells the golden answer or the room's split (issue 18)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from calibrate.core.session import Step
from calibrate.gui.screens.lesson.review import ReviewController
from tests.gui_driver import create_profile_by_keys, open_window_on_packs, press
from tests.pack_factory import write_pack
from tests.review_history import T0, answer_at

DECISION_KEYS = {"allow": Qt.Key.Key_1, "age_restricted": Qt.Key.Key_2, "remove": Qt.Key.Key_3}


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    """The app on packs alpha (c1, c2) and beta (b1); Ana missed alpha/c1 and beta/b1 on
    T0 and was right and certain on alpha/c2; Bo's answers make a room split; the review
    clock is the next day."""
    lessons = tmp_path / "lessons"
    write_pack(lessons, "alpha", ("c1", "c2"))
    write_pack(lessons, "beta", ("b1",))
    window = open_window_on_packs(qtbot, tmp_path, lessons)
    create_profile_by_keys(qtbot, window, "Ana")
    ws = window.context
    ana = ws.profile
    bo = ws.profiles.create("Bo", "Graphic EU", "Lisbon")
    alpha, beta = ws.pack("alpha"), ws.pack("beta")
    with monkeypatch.context() as patch:
        answer_at(patch, ws, ana, alpha, "c1", "allow", 0.8, T0)
        answer_at(patch, ws, ana, alpha, "c2", "remove", 0.95, T0)
        answer_at(patch, ws, ana, beta, "b1", "age_restricted", None, T0)
        for pack, case in ((alpha, "c1"), (beta, "b1")):
            answer_at(patch, ws, bo, pack, case, "allow", 0.6, T0)
    ws.review.clock = lambda: T0 + timedelta(days=1)
    window.lesson_list.refresh()
    yield window
    window.close()


def _answer_by_keys(qtbot, window, decision: str) -> None:
    screen = window.lesson.case_screen
    screen.setFocus()
    press(qtbot, window, Qt.Key.Key_W)  # the test packs' cases are warned: watch shielded
    screen.setFocus()
    press(qtbot, window, DECISION_KEYS[decision])
    press(qtbot, window, Qt.Key.Key_C)
    press(qtbot, window, Qt.Key.Key_Down)  # GR-1
    screen.setFocus()
    press(qtbot, window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)  # Fairly sure
    press(qtbot, window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    if window.lesson.flow.step is Step.CASE:  # "Submit without watching?" asked once
        press(qtbot, window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.lesson.flow.step is Step.REVEAL)


def test_a_review_session_by_keyboard_mixes_packs_and_records_reviews(qtbot, window):
    button = window.lesson_list.review_button
    assert button.isVisible() and button.text().startswith("Review due (2)")
    window.lesson_list.tree.setFocus()
    press(
        qtbot,
        window,
        Qt.Key.Key_R,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: isinstance(window.lesson, ReviewController))
    review = window.lesson
    assert list(review.items) == ["alpha/c1", "beta/b1"]
    assert review.flow.step is Step.CASE
    assert review.case_screen.heading.text().count("Review 1 of 2")
    _answer_by_keys(qtbot, window, "remove")  # right this time
    assert "Matches the golden decision" in review.reveal.verdict.text()
    # Ana's first answer, Bo's, and this one: the split is read after the answer is stored.
    assert "How everyone decided</b> (N = 3)" in review.reveal.split_title.text()
    press(qtbot, window, Qt.Key.Key_Return)
    assert review.flow.step is Step.CASE and review.current.key == "beta/b1"
    _answer_by_keys(qtbot, window, "allow")  # missed again
    assert "Differs from the golden answer" in review.reveal.verdict.text()
    press(qtbot, window, Qt.Key.Key_Return)
    assert review.flow.step is Step.SUMMARY
    assert "1 of 2 right (50%)" in review.summary.headline.text()
    press(qtbot, window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.lesson_list)
    rows = list(
        window.context.db.query(
            "SELECT a.pack_id, a.case_id, a.decision, a.session_kind, s.kind, s.finished_at "
            "FROM answers a JOIN sessions s ON s.id = a.session_id "
            "WHERE a.session_kind = 'review' ORDER BY a.answered_at"
        )
    )
    assert [(r["pack_id"], r["case_id"], r["decision"]) for r in rows] == [
        ("alpha", "c1", "remove"),
        ("beta", "b1", "allow"),
    ]
    assert all(r["kind"] == "review" and r["finished_at"] for r in rows)
    # Both answered now (later than the fake clock's day): nothing is due on it any more.
    assert not window.lesson_list.review_button.isVisible()


def test_home_offers_the_chosen_profiles_review(qtbot, window):
    window.lesson_list.switch_profile_requested.emit()
    home = window.home
    qtbot.waitUntil(lambda: window.stack.currentWidget() is home)
    assert not home.review_button.isVisible()  # no one chosen yet
    names = [home.profiles.item(i).text() for i in range(home.profiles.count())]
    home.profiles.setCurrentRow(names.index(next(n for n in names if n.startswith("Bo"))))
    assert home.review_button.text() == "Review due (2)"  # Bo missed both of his cases
    home.profiles.setCurrentRow(names.index("Ana"))
    assert home.review_button.isVisible() and home.review_button.text() == "Review due (2)"
    home.review_button.click()
    qtbot.waitUntil(lambda: isinstance(window.lesson, ReviewController))
    assert window.context.profile.name == "Ana"


def test_nothing_before_submit_tells_the_golden_answer_or_the_room_split(qtbot, window):
    asked = []
    window.lesson_list.review_button.click()
    review = window.lesson
    real_split = review.run.room_split
    review.run.room_split = lambda *a: asked.append(a) or real_split(*a)
    screen = review.case_screen
    press(qtbot, window, Qt.Key.Key_W)
    shown = " ".join(label.text() for label in screen.findChildren(QLabel))
    assert "Remove under" not in shown  # the rationale
    assert "Golden" not in shown and "everyone" not in shown and "N = " not in shown
    assert review.reveal.verdict.text() == "" and review.reveal.chart is None
    assert asked == [] and window.stack.currentWidget() is screen
    _answer_by_keys(qtbot, window, "remove")
    assert asked == [("alpha", "c1")]  # read once the answer is on disk, for the reveal


def test_review_due_that_is_no_longer_due_just_updates_the_button(qtbot, window):
    assert window.lesson_list.review_button.isVisible()
    window.context.review.clock = lambda: T0  # the misses are not due on their own day
    window.lesson_list.review_button.click()
    assert window.lesson is None and not window.lesson_list.review_button.isVisible()
