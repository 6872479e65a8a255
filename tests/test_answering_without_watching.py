"""Answering without watching the clip: asked once per case, said on the reveal, recorded.

Real screens, real libVLC on the 3-second test clip, a real SQLite file; the question is
answered with the keyboard inside its real modal loop.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from calibrate.app import build_context
from calibrate.core.session import Step
from calibrate.gui import prompts
from calibrate.gui.main_window import MainWindow
from calibrate.player.playback import PlayerState
from tests.gui_driver import create_profile_by_keys, press
from tests.pack_factory import write_pack

MP4 = Path(__file__).resolve().parent / "media" / "clip_640x360.mp4"  # 3.0 s
SHOTS = Path(os.environ.get("CALIBRATE_SHOTS", "/tmp/shots-watched"))
QUESTION = "Submit without watching?"


@pytest.fixture
def window(qtbot, tmp_path: Path):
    """The app on a one-lesson pack whose warned cases play the 3 s test clip."""
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    write_pack(lessons, "alpha", case_ids=("c1", "c2"), media=MP4.read_bytes())
    args = argparse.Namespace(
        db=tmp_path / "db.sqlite3", lessons=[lessons], no_bundled=True, verbose=False
    )
    main = MainWindow(build_context(args, tmp_path / "log.txt"))
    qtbot.addWidget(main)
    main.resize(1366, 768)
    main.show()
    create_profile_by_keys(qtbot, main, "Lee")
    main.lesson_list.start_button.click()
    main.lesson.guidance.next_button.click()
    assert main.lesson.flow.step is Step.CASE
    yield main
    main.close()


def answer_by_keys(qtbot, window) -> None:
    """Pick Remove, GR-1, a confidence by keys and press Ctrl+Enter."""
    screen = window.lesson.case_screen
    screen.setFocus()
    press(qtbot, window, Qt.Key.Key_3)  # Remove
    press(qtbot, window, Qt.Key.Key_C)
    press(qtbot, window, Qt.Key.Key_Down)  # GR-1
    screen.setFocus()
    press(qtbot, window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    press(qtbot, window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def run_dialog_answering(qtbot, key: Qt.Key, asked: list[str], shot: str | None = None):
    """A prompts.run_dialog that shows the real dialog modally and presses `key` in it."""

    def run(dialog) -> int:
        asked.append(dialog.text())

        def answer() -> None:
            if shot:
                dialog.grab().save(str(SHOTS / shot))
            qtbot.keyClick(QApplication.focusWidget() or dialog, key)

        QTimer.singleShot(100, answer)
        return dialog.exec()

    return run


def stored(window) -> tuple:
    """(watched_share, clip_unavailable, watched_ms) of the answer recorded last, from disk."""
    with sqlite3.connect(window.context.db_path) as conn:
        return conn.execute(
            "SELECT watched_share, clip_unavailable, watched_ms FROM answers "
            "ORDER BY answered_at DESC LIMIT 1"
        ).fetchone()


def test_answering_unwatched_asks_once_and_watch_first_keeps_the_answer(
    qtbot, window, monkeypatch
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    asked: list[str] = []
    monkeypatch.setattr(
        prompts, "run_dialog", run_dialog_answering(qtbot, Qt.Key.Key_Escape, asked, "prompt.png")
    )
    lesson, screen = window.lesson, window.lesson.case_screen
    press(qtbot, window, Qt.Key.Key_W)  # watch shielded... and answer at once
    answer_by_keys(qtbot, window)
    assert asked == [QUESTION]
    assert lesson.flow.step is Step.CASE  # not recorded: the form is as it was
    form = screen.form
    assert form.draft() is not None and form.draft().decision == "remove"
    assert form.draft().clause == "GR-1" and form.submit_button.isEnabled()
    assert window.context.db.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 0
    qtbot.waitUntil(screen.hasFocus, timeout=2000)  # the keys work on the case again
    press(qtbot, window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: lesson.flow.step is Step.REVEAL)
    assert asked == [QUESTION]  # asked once per case: the second submit went through
    line = lesson.reveal.unwatched
    assert line.isVisible() and line.text().startswith("You answered without watching the clip")
    share, unavailable, _ = stored(window)
    assert share < 0.5 and unavailable == 0
    lesson.reveal.grab().save(str(SHOTS / "reveal-unwatched.png"))


def test_s_in_the_question_submits_at_once(qtbot, window, monkeypatch) -> None:
    asked: list[str] = []
    monkeypatch.setattr(prompts, "run_dialog", run_dialog_answering(qtbot, Qt.Key.Key_S, asked))
    answer_by_keys(qtbot, window)  # not even the warning card lifted
    qtbot.waitUntil(lambda: window.lesson.flow.step is Step.REVEAL)
    assert asked == [QUESTION]
    share, unavailable, _ = stored(window)
    assert share == 0.0 and unavailable is None  # never opened: availability unknown


def test_a_clip_watched_at_double_speed_across_a_guidance_visit_asks_nothing(
    qtbot, window, dialogs
) -> None:
    lesson, screen = window.lesson, window.lesson.case_screen
    player = screen.player.player
    press(qtbot, window, Qt.Key.Key_W)
    player.set_rate(2.0)
    qtbot.waitUntil(
        lambda: player.state is PlayerState.PLAYING and player.position > 1200, timeout=5000
    )
    press(qtbot, window, Qt.Key.Key_G)  # look something up at 40 %...
    assert screen.watched_share == pytest.approx(0.45, abs=0.15)
    press(qtbot, window, Qt.Key.Key_Return)  # "Back to the case"
    assert window.stack.currentWidget() is screen
    qtbot.waitUntil(lambda: player.state is PlayerState.PAUSED, timeout=5000)
    screen.setFocus()
    press(qtbot, window, Qt.Key.Key_Space)  # ...and watch on from there to the end
    qtbot.waitUntil(lambda: player.state is PlayerState.ENDED, timeout=5000)
    answer_by_keys(qtbot, window)
    qtbot.waitUntil(lambda: lesson.flow.step is Step.REVEAL)
    assert QUESTION not in dialogs
    assert not lesson.reveal.unwatched.isVisible()
    share, unavailable, watched_ms = stored(window)
    assert share == pytest.approx(1.0, abs=0.06) and unavailable == 0
    assert watched_ms < 2400  # 3 s of clip in about half that wall time


def test_a_broken_clip_is_not_not_watched(qtbot, tmp_path: Path, dialogs) -> None:
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    write_pack(lessons, "alpha", case_ids=("c1",), media=b"\x00garbage, not a video" * 40)
    args = argparse.Namespace(
        db=tmp_path / "db.sqlite3", lessons=[lessons], no_bundled=True, verbose=False
    )
    main = MainWindow(build_context(args, tmp_path / "log.txt"))
    qtbot.addWidget(main)
    main.show()
    create_profile_by_keys(qtbot, main, "Lee")
    main.lesson_list.start_button.click()
    main.lesson.guidance.next_button.click()
    screen = main.lesson.case_screen
    press(qtbot, main, Qt.Key.Key_W)
    qtbot.waitUntil(lambda: screen.player.player.state is PlayerState.UNAVAILABLE)
    answer_by_keys(qtbot, main)
    qtbot.waitUntil(lambda: main.lesson.flow.step is Step.REVEAL)
    assert QUESTION not in dialogs
    assert not main.lesson.reveal.unwatched.isVisible()
    assert stored(main)[:2] == (0.0, 1)
    main.close()
