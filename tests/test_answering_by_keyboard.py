"""Keys answer a case only on purpose: what is typed into the note stays in the note."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from calibrate.player.playback import PlayerState
from tests.gui_driver import (
    open_first_case,
    open_first_case_playing,
    press,
    submit_by_keys,
    type_text,
)

SHIFT = Qt.KeyboardModifier.ShiftModifier


def _case_playing_with_allow_chosen(qtbot, window):
    """The first case, its clip playing, Allow (key 1) chosen, the keyboard on the case."""
    lesson = open_first_case_playing(qtbot, window)
    screen = lesson.case_screen
    press(qtbot, window, Qt.Key.Key_1)
    assert screen.form.decisions.checkedButton().objectName() == "decision_allow"
    return lesson, screen


def _answer_state(lesson, screen, with_clause: bool = True) -> tuple:
    form = screen.form
    clause = form.clause.currentIndex() if with_clause else None
    return lesson.flow.step, form.decisions.checkedId(), clause, form.confidence.checkedId()


def test_typing_a_note_changes_nothing_but_the_note(qtbot, app_window) -> None:
    window = app_window
    lesson, screen = _case_playing_with_allow_chosen(qtbot, window)
    player = screen.player.player
    before = _answer_state(lesson, screen), screen.player.shields, player.rate
    press(qtbot, window, Qt.Key.Key_N)
    assert QApplication.focusWidget() is screen.form.note
    typed = "g1 2jkl,.<>mwcnGB 5 9 Kk"
    type_text(qtbot, window, typed)
    press(qtbot, window, Qt.Key.Key_G, SHIFT)
    press(qtbot, window, Qt.Key.Key_B, SHIFT)
    press(qtbot, window, Qt.Key.Key_Return)
    assert screen.form.note.toPlainText().lower() == (typed + "GB\n").lower()
    assert window.stack.currentWidget() is screen
    assert (_answer_state(lesson, screen), screen.player.shields, player.rate) == before
    assert player.state is PlayerState.PLAYING  # neither K nor Space reached the player


def test_escape_leaves_the_note_and_the_case_keys_work_again(qtbot, app_window) -> None:
    window = app_window
    lesson, screen = _case_playing_with_allow_chosen(qtbot, window)
    press(qtbot, window, Qt.Key.Key_N)
    type_text(qtbot, window, "late cut")
    press(qtbot, window, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is screen
    press(qtbot, window, Qt.Key.Key_3)
    press(qtbot, window, Qt.Key.Key_Space)
    assert screen.form.note.toPlainText() == "late cut"
    assert screen.form.decisions.checkedId() == 2
    assert screen.player.player.state is PlayerState.PAUSED
    press(qtbot, window, Qt.Key.Key_C)  # the clause list; Enter gives the keys back too
    press(qtbot, window, Qt.Key.Key_Down)
    press(qtbot, window, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is screen and screen.form.clause.currentIndex() == 1
    press(qtbot, window, Qt.Key.Key_1)
    assert screen.form.decisions.checkedId() == 0
    qtbot.mouseClick(screen.form.decisions.button(4), Qt.MouseButton.LeftButton)  # or a click
    assert screen.form.decisions.checkedId() == 4


def test_tabbing_out_of_the_note_then_typing_never_changes_the_answer(qtbot, app_window):
    window = app_window
    lesson, screen = _case_playing_with_allow_chosen(qtbot, window)
    before = _answer_state(lesson, screen)
    for direction in (SHIFT, Qt.KeyboardModifier.NoModifier):
        press(qtbot, window, Qt.Key.Key_Escape)  # N is a letter like others inside the form
        press(qtbot, window, Qt.Key.Key_N)
        type_text(qtbot, window, "x")
        press(qtbot, window, Qt.Key.Key_Tab, direction)
        assert QApplication.focusWidget() is not screen.form.note
        type_text(qtbot, window, "a1 2b 5jz9 gw")
        assert _answer_state(lesson, screen) == before
        assert window.stack.currentWidget() is screen
    assert screen.form.note.toPlainText() == "xx"


def test_no_key_reaches_a_decision_button_wherever_tab_leads(qtbot, app_window) -> None:
    """Shift+Tab from the case once led to the Escalate button: a space then escalated."""
    window = app_window
    lesson, screen = _case_playing_with_allow_chosen(qtbot, window)
    before = _answer_state(lesson, screen, with_clause=False)  # ↑/↓ choose a focused clause
    buttons = {*screen.form.decisions.buttons(), *screen.form.confidence.buttons()}
    for direction in (SHIFT, Qt.KeyboardModifier.NoModifier):
        screen.setFocus()
        for _ in range(25):
            press(qtbot, window, Qt.Key.Key_Tab, direction)
            assert QApplication.focusWidget() not in buttons
            for key in (Qt.Key.Key_Space, Qt.Key.Key_Up, Qt.Key.Key_Down):
                press(qtbot, window, key)
            now = _answer_state(lesson, screen, with_clause=False)
            assert now == before, QApplication.focusWidget()
            assert window.stack.currentWidget() is screen


def test_help_lists_the_note_key_and_escape(qtbot, app_window, dialogs) -> None:
    press(qtbot, app_window, Qt.Key.Key_F1)
    listed = dialogs[-1]
    assert "<b>N</b>" in listed and "write a note" in listed
    assert "<b>Esc</b>" in listed and "leave the note" in listed


def test_a_case_answered_by_keys_after_a_note_is_recorded_as_chosen(qtbot, app_window):
    window = app_window
    lesson, screen = _case_playing_with_allow_chosen(qtbot, window)
    press(qtbot, window, Qt.Key.Key_N)
    type_text(qtbot, window, "2 then 5")
    press(qtbot, window, Qt.Key.Key_Escape)
    press(qtbot, window, Qt.Key.Key_C)
    press(qtbot, window, Qt.Key.Key_Down)
    press(qtbot, window, Qt.Key.Key_Escape)
    press(qtbot, window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    submit_by_keys(qtbot, window)
    answer = lesson.flow.answer_for(lesson.flow.current_case_id)
    assert (answer.decision, answer.note) == ("allow", "2 then 5")


def test_the_line_under_the_answer_lists_what_is_missing_as_a_sentence(qtbot, app_window):
    lesson = open_first_case(qtbot, app_window)
    missing = lesson.case_screen.form.missing
    assert missing.text() == "To submit, choose a decision, the clause and how sure you are."
    press(qtbot, app_window, Qt.Key.Key_1)
    assert missing.text() == "To submit, choose the clause and how sure you are."
    press(qtbot, app_window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert missing.text() == "To submit, choose the clause."
