"""The real app, driven by keystrokes in its own process, is SIGKILLed right after showing
"recorded": every answer it showed is in the database, and the lesson resumes after it."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from calibrate.app import build_context
from calibrate.core.session import Step
from calibrate.gui.main_window import MainWindow
from calibrate.store.db import open_database

DRIVER = textwrap.dedent("""
    import argparse, sys, time
    from pathlib import Path
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    from calibrate.app import run_app
    from calibrate.core.session import Step

    WINDOW = []

    def key(k, mod=Qt.KeyboardModifier.NoModifier):
        QTest.keyClick(QApplication.focusWidget() or WINDOW[0], k, mod)

    def settle(condition, seconds=10.0):
        end = time.monotonic() + seconds
        while not condition():
            QApplication.processEvents()
            time.sleep(0.005)
            if time.monotonic() > end:
                raise SystemExit(f"driver timed out; focus on {QApplication.focusWidget()}")

    def drive(window):
        WINDOW.append(window)
        window.activateWindow()
        settle(lambda: QApplication.activeWindow() is window)
        window.home.name.setFocus()
        QTest.keyClicks(window.home.name, "Kim")
        key(Qt.Key.Key_Return)
        settle(lambda: window.stack.currentWidget() is window.lesson_list)
        settle(lambda: bool(window.context.library.packs))  # lessons load in the background
        window.lesson_list.take_focus()
        key(Qt.Key.Key_Return)
        settle(lambda: window.lesson is not None)
        lesson = window.lesson
        while lesson.flow.step is Step.GUIDANCE:
            key(Qt.Key.Key_Return)
        while True:
            case = lesson.pack.cases[lesson.flow.current_case_id]
            lesson.case_screen.setFocus()
            if case.is_warned:
                key(Qt.Key.Key_W)
            if case.mark_moment:  # "Where does it show?": T marks the player's time
                settle(lambda: lesson.case_screen.form.moment.mark_button.isEnabled())
                key(Qt.Key.Key_T)
            key(Qt.Key.Key_2)
            key(Qt.Key.Key_C)
            key(Qt.Key.Key_Down)
            lesson.case_screen.setFocus()
            key(Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
            # Answered at once: "Submit without watching?" comes up; S submits anyway.
            QTimer.singleShot(50, lambda: QTest.keyClick(QApplication.activeModalWidget(),
                                                         Qt.Key.Key_S))
            key(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
            settle(lambda: lesson.reveal.isVisible()
                   and "recorded" in lesson.reveal.recorded.text())
            answer = lesson.flow.answer_for(case.id)
            # The user has now seen "recorded" (and their mark, if the case asked for one).
            print("recorded", answer.id, answer.marked_moment, flush=True)
            window.activateWindow()  # the offscreen platform leaves the question's window
            settle(lambda: QApplication.activeWindow() is window)  # active; a desktop does not
            key(Qt.Key.Key_Return)
            settle(lambda: lesson.flow.step is not Step.REVEAL)

    args = argparse.Namespace(db=Path(sys.argv[1]), lessons=[], no_bundled=False, verbose=False)
    run_app(args, on_ready=lambda window: QTimer.singleShot(0, lambda: drive(window)))
""")


def test_killed_app_keeps_every_answer_it_showed_and_resumes(
    qtbot, tmp_path: Path, repo_root: Path
) -> None:
    db_path = tmp_path / "calibrate.sqlite3"
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        CALIBRATE_DUMMY_AUDIO="1",
        HOME=str(tmp_path),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
    )
    process = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(db_path)],
        cwd=repo_root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    shown = []
    assert process.stdout is not None
    while len(shown) < 3:
        line = process.stdout.readline()
        assert line.startswith("recorded"), f"app stopped early: {line!r} {process.stderr.read()}"
        shown.append(line.split()[1:])
    os.kill(process.pid, signal.SIGKILL)  # right after the third "recorded"
    process.wait(timeout=10)

    db = open_database(db_path)
    stored = {row["id"]: str(row["marked_moment"]) for row in db.query("SELECT * FROM answers")}
    assert {answer_id: mark for answer_id, mark in shown}.items() <= stored.items()
    assert shown[0][1] != "None"  # the first case asks for a mark: it survived the kill too
    db.conn.close()

    args = argparse.Namespace(db=db_path, lessons=[], no_bundled=False, verbose=False)
    window = MainWindow(build_context(args, tmp_path / "log.txt"))
    qtbot.addWidget(window)
    window.show()
    window.home.profiles.setCurrentRow(0)
    window.home.continue_button.click()
    assert window.lesson_list.start_button.text().startswith("Resume")
    window.lesson_list.start_button.click()
    lesson = window.lesson
    assert lesson.flow.step is Step.CASE
    assert lesson.flow.answered_count >= 3
    assert lesson.flow.current_case_id == lesson.lesson.case_ids[lesson.flow.answered_count]
    window.close()
