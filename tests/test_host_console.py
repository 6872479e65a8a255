"""The host console and the presenter view, real widgets and a real host on 127.0.0.1 in the
app's own event loop; participants are `calibrate room bots` processes (one per profile).
The trainer drives the room with keys; the count updates; answers land in the host's
database; a removed participant cannot rejoin; the presenter shows nothing golden before
the reveal (every widget's text walked)."""

from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QTextEdit, QWidget
from room_processes import finish, room_lessons, start_bots
from trainer_driver import no_saved_folders  # noqa: F401 - a fixture: no saved folders

from calibrate.gui import prompts


@pytest.fixture
def console(qtbot, tmp_path: Path):
    from calibrate.app import build_context
    from calibrate.gui.screens.trainer.console import HostConsole

    lessons = room_lessons(tmp_path)
    args = argparse.Namespace(
        db=tmp_path / "host.sqlite3", lessons=[lessons], no_bundled=True, verbose=False
    )
    window = HostConsole(build_context(args, tmp_path / "log.txt"))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.choose("alpha", "basics")
    yield window
    window.close()


def _open(qtbot, console) -> str:
    qtbot.mouseClick(console.open_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(console.host.code), timeout=20000)
    return console.host.code


def _key(qtbot, console, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    console.activateWindow()
    console.setFocus()
    qtbot.keyClick(console, key, modifier)


def _finished(qtbot, proc) -> tuple[int, str]:
    """The bot's exit, the host (in this process) serving it meanwhile."""
    qtbot.waitUntil(lambda: proc.poll() is not None, timeout=60000)
    return finish(proc)


def _bot(code: str, seed: int, *extra: str):
    return start_bots(code, "--count", "1", "--seed", str(seed), *extra)


def every_text(window: QWidget) -> str:
    """The text of every widget in the window, as a person (or a screen reader) could get it."""
    texts = [window.windowTitle()]
    for widget in window.findChildren(QWidget):
        if isinstance(widget, QLabel):
            texts.append(widget.text())
        elif isinstance(widget, QTextEdit):
            texts.append(widget.toPlainText())
        elif isinstance(widget, QAbstractButton):
            texts.append(widget.text())
        texts += [widget.toolTip(), widget.accessibleName(), widget.accessibleDescription()]
    return "\n".join(texts)


def test_the_trainer_runs_a_three_case_room_by_keys(qtbot, console, tmp_path: Path) -> None:
    code = _open(qtbot, console)
    assert "A new room" in console.note.text() and console.join_panel.qr.code == code
    bots = [_bot(code, seed, "--answer-delay", "0.3") for seed in (1, 2, 3)]
    try:
        qtbot.waitUntil(lambda: sum(e.connected for e in console.host.roster()) == 3, timeout=30000)
        assert console.roster.rowCount() == 3 and "3 connected" in console.roster_title.text()
        presenter = console.show_presenter()
        _key(qtbot, console, Qt.Key.Key_N)  # the guidance slide
        qtbot.waitUntil(lambda: console.host.room.position.phase == "slide")
        for case_id in ("c1", "c2", "c3"):
            _key(qtbot, console, Qt.Key.Key_N)
            qtbot.waitUntil(lambda c=case_id: console.host.room.current_case == c)
            qtbot.waitUntil(lambda: console.count_label.text() == "answered 3 / 3", timeout=20000)
            assert console.host.room.position.phase == "open"  # the trainer locks, not the room
            _key(qtbot, console, Qt.Key.Key_R)  # no reveal of an open case
            assert console.host.room.position.phase == "open"
            _assert_blind(presenter, case_id)
            _key(qtbot, console, Qt.Key.Key_L)
            qtbot.waitUntil(lambda: console.host.room.position.phase == "locked")
            _assert_blind(presenter, case_id)
            _key(qtbot, console, Qt.Key.Key_R)
            qtbot.waitUntil(lambda: console.host.room.position.phase == "revealed")
            shown = every_text(presenter)
            assert f"Rationale-{case_id}" in shown and "Golden answer" in shown
            assert presenter.chart is not None and "N = 3" in presenter.split_title.text()
        _key(qtbot, console, Qt.Key.Key_N)  # after the last case: the end
        qtbot.waitUntil(lambda: console.host.room.ended)
        for proc in bots:
            status, err = _finished(qtbot, proc)
            assert status == 0, err
    finally:
        for proc in bots:
            proc.kill()
    with sqlite3.connect(tmp_path / "host.sqlite3") as db:
        rows = db.execute("SELECT session_kind, COUNT(*) FROM answers GROUP BY 1").fetchall()
    assert rows == [("live", 9)]
    qtbot.waitUntil(lambda: console.host.listening is None, timeout=10000)  # server closed


def _assert_blind(presenter, case_id: str) -> None:
    shown = every_text(presenter)
    for secret in (f"Rationale-{case_id}", f"moment-{case_id}", "Golden", "golden", "N = "):
        assert secret not in shown, secret
    assert presenter.chart is None


def test_a_removed_participant_cannot_rejoin(qtbot, console, monkeypatch) -> None:
    monkeypatch.setattr(prompts, "confirm", lambda *_args: True)
    code = _open(qtbot, console)
    staying, leaving = _bot(code, 1), _bot(code, 2)
    try:
        qtbot.waitUntil(lambda: console.roster.rowCount() == 2, timeout=30000)
        qtbot.waitUntil(lambda: sum(e.connected for e in console.host.roster()) == 2)
        from calibrate.net.bots import bot_profile

        removed_id = bot_profile(2, 1).id
        target = next(i for i, e in enumerate(console.roster.entries) if e.profile_id == removed_id)
        console.roster.selectRow(target)
        console.roster.setFocus()
        qtbot.keyClick(console.roster, Qt.Key.Key_Delete)
        status, err = _finished(qtbot, leaving)
        assert status == 2 and "removed" in err

        def status_of(profile_id: str) -> str:
            row = next(
                i for i, e in enumerate(console.roster.entries) if e.profile_id == profile_id
            )
            return console.roster.item(row, 3).text()

        qtbot.waitUntil(lambda: status_of(removed_id) == "removed")
        again = _bot(code, 2)
        status, err = _finished(qtbot, again)
        assert status == 2 and "removed" in err
        assert staying.poll() is None  # the others stay on
        _key(qtbot, console, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
        assert _finished(qtbot, staying)[0] == 0
    finally:
        for proc in (staying, leaving):
            proc.kill()
