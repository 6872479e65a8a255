"""Drive the real app by keystrokes, as a moderator would (used by several test modules)."""

from __future__ import annotations

import argparse
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from calibrate.core.session import Step


def press(qtbot, window, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key press delivered where the keyboard focus is (shortcuts included)."""
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, key, modifier)


def type_text(qtbot, window, text: str) -> None:
    qtbot.keyClicks(QApplication.focusWidget() or window, text)


def create_profile_by_keys(qtbot, window, name: str) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: window.home.name.hasFocus() or window.home.profiles.count() > 0)
    window.home.name.setFocus()
    type_text(qtbot, window, name)
    press(qtbot, window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.lesson_list)


def answer_current_case_by_keys(
    qtbot, window, decision_id: str, clause_id: str, confidence_step: int = 3
) -> None:
    """Watch (if warned), pick decision/clause/confidence by keys, submit with Ctrl+Enter."""
    lesson = window.lesson
    case = lesson.pack.cases[lesson.flow.current_case_id]
    screen = lesson.case_screen
    screen.setFocus()
    if case.is_warned:
        press(qtbot, window, Qt.Key.Key_W)
    order = [d.id for d in lesson.pack.scale.decisions if d.on_ladder] + [
        d.id for d in lesson.pack.scale.decisions if not d.on_ladder
    ]
    press(qtbot, window, getattr(Qt.Key, f"Key_{order.index(decision_id) + 1}"))
    press(qtbot, window, Qt.Key.Key_C)
    for _ in range([c.id for c in lesson.pack.clauses].index(clause_id) + 1):
        press(qtbot, window, Qt.Key.Key_Down)
    screen.setFocus()
    press(
        qtbot,
        window,
        getattr(Qt.Key, f"Key_{confidence_step + 1}"),
        Qt.KeyboardModifier.ControlModifier,
    )
    submit_by_keys(qtbot, window)


def submit_by_keys(qtbot, window) -> None:
    """Ctrl+Enter until the reveal shows: a second time where "Submit without watching?" was
    asked (and declined: tests' dialogs answer no), as it is asked once per case."""
    lesson = window.lesson
    press(qtbot, window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    if lesson.flow.step is Step.CASE and lesson.case_screen._asked_unwatched:
        press(qtbot, window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: lesson.flow.step is Step.REVEAL)


def open_first_case(qtbot, window, name: str = "Ana"):
    """A new profile, then the first lesson's guidance read by Enter: the first case is up."""
    from calibrate.core.session import Step

    create_profile_by_keys(qtbot, window, name)
    press(qtbot, window, Qt.Key.Key_Return)
    lesson = window.lesson
    for _ in lesson.lesson.guidance:
        press(qtbot, window, Qt.Key.Key_Return)
    assert lesson.flow.step is Step.CASE
    return lesson


def open_first_case_playing(qtbot, window):
    """The first case up with its clip playing (watched shielded if warned)."""
    from calibrate.player.playback import PlayerState

    lesson = open_first_case(qtbot, window)
    if lesson.pack.cases[lesson.flow.current_case_id].is_warned:
        press(qtbot, window, Qt.Key.Key_W)
    player = lesson.case_screen.player.player
    qtbot.waitUntil(lambda: player.state is PlayerState.PLAYING, timeout=10000)
    return lesson


def open_window_on_packs(qtbot, tmp_path: Path, lessons: Path, size=(1366, 768)):
    """The real main window on a fresh database and only the packs in lessons (shown)."""
    from calibrate.app import build_context
    from calibrate.gui.main_window import MainWindow

    args = argparse.Namespace(
        db=tmp_path / "db.sqlite3", lessons=[lessons], no_bundled=True, verbose=False
    )
    window = MainWindow(build_context(args, tmp_path / "log.txt"))
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    return window
