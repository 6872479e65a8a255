"""The whole live room in one test process: the trainer's host console (and its presenter
view) hosting a 3-case lesson for three moderators' app windows, each with its own database
and profile, everything driven by keys on both sides, on 127.0.0.1 in the app's own event
loop — the two halves of issue 17 tested together."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from gui_driver import press
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from room_windows import (
    answers,
    assert_blind,
    clip_lessons,
    current,
    in_room,
    join_by_keys,
    open_window,
    sessions,
    wait_for_case,
    wait_for_reveal,
)
from test_host_console import _assert_blind as assert_presenter_blind
from trainer_driver import no_saved_folders  # noqa: F401 - a fixture: no saved folders

from calibrate.gui import prompts

NAMES = ("Ana", "Bo", "Cy")


@pytest.fixture
def console(qtbot, tmp_path: Path):
    from calibrate.app import build_context
    from calibrate.gui.screens.trainer.console import HostConsole

    lessons = clip_lessons(tmp_path)
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


def trainer_key(qtbot, console, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key on the console, the console the active window (the moderators' are others)."""
    console.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is console)
    console.setFocus()
    qtbot.keyClick(console, key, modifier)


def moderator(qtbot, tmp_path: Path, name: str, installed: bool):  # type: ignore[no-untyped-def]
    """A moderator's app window on their own database; `installed`: the pack is theirs too."""
    db = tmp_path / f"{name}.sqlite3"
    return open_window(qtbot, db, [tmp_path / "lessons"] if installed else [])


def join(qtbot, window, code: str, name: str) -> None:  # type: ignore[no-untyped-def]
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    join_by_keys(qtbot, window, code, name)
    qtbot.waitUntil(lambda: in_room(window), timeout=30000)


def answer(qtbot, window, decision_key: int) -> None:  # type: ignore[no-untyped-def]
    """On the open case, by keys: a decision, C + ↓ its first clause, Ctrl+4, Ctrl+Enter."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    screen = window.room.case_screen
    screen.setFocus()
    press(qtbot, window, getattr(Qt.Key, f"Key_{decision_key}"))
    press(qtbot, window, Qt.Key.Key_C)
    press(qtbot, window, Qt.Key.Key_Down)
    screen.setFocus()
    press(qtbot, window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    press(qtbot, window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.room.view.stage == "answered", timeout=15000)


def test_the_console_hosts_three_app_windows_through_a_whole_room(
    qtbot, console, tmp_path: Path, dialogs: list[str], monkeypatch
) -> None:
    monkeypatch.setattr(prompts, "confirm", lambda *_args: True)
    trainer_key(qtbot, console, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(console.host.code), timeout=20000)
    code = console.host.code
    # Ana and Bo have the pack installed; Cy gets the console's room pack.
    windows = {name: moderator(qtbot, tmp_path, name, name != "Cy") for name in NAMES}
    try:
        for name, window in windows.items():
            join(qtbot, window, code, name)
        qtbot.waitUntil(lambda: "3 connected" in console.roster_title.text(), timeout=20000)
        presenter = console.show_presenter()
        trainer_key(qtbot, console, Qt.Key.Key_N)  # the guidance slide, on every window
        for window in windows.values():
            qtbot.waitUntil(lambda w=window: current(w) is w.room.guidance, timeout=20000)
        for number, case_id in enumerate(("c1", "c2", "c3"), start=1):
            trainer_key(qtbot, console, Qt.Key.Key_N)
            for window in windows.values():
                wait_for_case(qtbot, window, case_id)
                assert_blind(window)
            qtbot.waitUntil(lambda: console.count_label.text() == "answered 0 / 3")
            for answered, (name, window) in enumerate(windows.items(), start=1):
                answer(qtbot, window, decision_key=3 if name != "Bo" else 1)
                qtbot.waitUntil(lambda n=answered: console.count_label.text() == f"answered {n} / 3")
                assert_blind(window)
                assert_presenter_blind(presenter, case_id)
                if case_id == "c2" and name == "Ana":
                    windows["Ana"] = reopened(qtbot, tmp_path, windows["Ana"], code, case_id)
            assert console.host.room.position.phase == "open"  # the trainer locks
            trainer_key(qtbot, console, Qt.Key.Key_L)
            qtbot.waitUntil(lambda: "answers locked" in presenter.count.text())
            assert_presenter_blind(presenter, case_id)
            trainer_key(qtbot, console, Qt.Key.Key_R)
            for name, window in windows.items():
                wait_for_reveal(qtbot, window, case_id)
                reveal = window.room.reveal
                assert "N = 3" in reveal.split_title.text()
                assert f"Rationale-{case_id}" in reveal.rationale.toPlainText()
                verdict = "Differs from" if name == "Bo" else "Matches the golden decision"
                assert verdict in reveal.verdict.text()
            qtbot.waitUntil(lambda: presenter.chart is not None)
            assert "(N = 3)" in presenter.split_title.text()
        trainer_key(qtbot, console, Qt.Key.Key_N)  # after the last case: the end
        qtbot.waitUntil(lambda: console.host.room.ended)
        for window in windows.values():
            qtbot.waitUntil(lambda w=window: current(w) is w.room.summary, timeout=20000)
    finally:
        for window in windows.values():
            window.close()
    on_host = answers(tmp_path / "host.sqlite3")
    assert len(on_host) == 9
    for name in NAMES:
        here = answers(tmp_path / f"{name}.sqlite3")
        assert len(here) == 3 and all(on_host[key] == row for key, row in here.items())
        assert [s["kind"] for s in sessions(tmp_path / f"{name}.sqlite3")] == ["live"]
    assert dialogs == []  # no "Submit without watching?" in a room


def reopened(qtbot, tmp_path: Path, window, code: str, case_id: str):  # type: ignore[no-untyped-def]
    """Ana's app closed right after she answered, opened again, joined with the same code:
    back in the open case's step with her answer kept (not asked again)."""
    window.close()
    again = moderator(qtbot, tmp_path, "Ana", installed=True)
    join(qtbot, again, code, "Ana")
    qtbot.waitUntil(lambda: again.room.view.case is not None, timeout=20000)
    assert again.room.view.case.case_id == case_id and case_id in again.room.view.acked
    qtbot.waitUntil(lambda: again.room.view.stage == "answered")
    assert "Your answer is recorded" in again.room.waiting.sentence.text()
    return again
