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
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QTextEdit, QWidget
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
    """Open (or resume) the room with its key, Alt+O."""
    _key(qtbot, console, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(console.host.code), timeout=20000)
    return console.host.code


def _key(qtbot, window, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key pressed with `window` the active window (the console, or the presenter)."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    window.setFocus()
    qtbot.keyClick(window, key, modifier)


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
        qtbot.waitUntil(lambda: "3 connected" in console.roster_title.text())  # the screen too
        assert console.roster.rowCount() == 3
        presenter = console.show_presenter()
        _key(qtbot, console, Qt.Key.Key_N)  # the guidance slide
        qtbot.waitUntil(lambda: console.host.room.position.phase == "slide")
        for case_id in ("c1", "c2", "c3"):
            _key(qtbot, console, Qt.Key.Key_N)
            qtbot.waitUntil(lambda c=case_id: console.host.room.current_case == c)
            qtbot.waitUntil(lambda: console.host.room.answer_count() == (3, 3), timeout=20000)
            qtbot.waitUntil(lambda: console.count_label.text() == "answered 3 / 3")
            assert console.host.room.position.phase == "open"  # the trainer locks, not the room
            _key(qtbot, console, Qt.Key.Key_R)  # no reveal of an open case
            assert console.host.room.position.phase == "open"
            _assert_blind(presenter, case_id)
            _key(qtbot, console, Qt.Key.Key_L)
            qtbot.waitUntil(lambda: "answers locked" in presenter.count.text())
            _assert_blind(presenter, case_id)
            _key(qtbot, console, Qt.Key.Key_R)
            qtbot.waitUntil(lambda: presenter.chart is not None)  # the presenter's reveal
            shown = every_text(presenter)
            assert f"Rationale-{case_id}" in shown and "Golden answer" in shown
            decided = sum((console.host.room.revealed_split(case_id) or {}).values())
            assert f"(N = {decided})" in presenter.split_title.text()  # skips are not in it
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


def test_let_rejoin_seats_a_member_from_another_device(qtbot, console, monkeypatch) -> None:
    from calibrate.gui import prompts

    asked: list[str] = []
    monkeypatch.setattr(prompts, "confirm", lambda _w, title, _text: asked.append(title) or True)
    code = _open(qtbot, console)
    first = _bot(code, 1)  # no --db-dir: a device that keeps no rejoin token
    try:
        qtbot.waitUntil(lambda: sum(e.connected for e in console.host.roster()) == 1, timeout=30000)
        console.roster.selectRow(0)
        assert not console.rejoin_button.isEnabled()  # connected: its seat is not free
        first.kill()  # the laptop died
        first.communicate(timeout=10)
        qtbot.waitUntil(lambda: not console.host.roster()[0].connected, timeout=10000)
        other_device = _bot(code, 1)
        status, err = _finished(qtbot, other_device)
        assert status == 2 and "rejoin" in err  # a profile id alone takes no seat
        console.roster.selectRow(0)
        qtbot.waitUntil(console.rejoin_button.isEnabled)
        _key(qtbot, console, Qt.Key.Key_A)
        assert asked == ["Let rejoin from another device"]
        assert "may rejoin" in console.events.toPlainText()
        other_device = _bot(code, 1)
        qtbot.waitUntil(lambda: console.host.roster()[0].connected, timeout=30000)
        assert len(console.host.roster()) == 1  # the same member, not a new one
        _key(qtbot, console, Qt.Key.Key_J)  # closed to new joins: members still come back
        qtbot.waitUntil(lambda: "closed to new joins" in console.roster_title.text())
        stranger = _bot(code, 7)
        status, err = _finished(qtbot, stranger)
        assert status == 2 and "closed" in err
    finally:
        for proc in (first, other_device):
            proc.kill()


def test_a_closed_console_resumes_the_room_and_says_so(qtbot, console, tmp_path: Path) -> None:
    from calibrate.app import build_context
    from calibrate.gui.screens.trainer.console import HostConsole

    code = _open(qtbot, console)
    _key(qtbot, console, Qt.Key.Key_T)  # the answer timer, 5 s
    console.timer_seconds.setValue(5)
    assert console.timer_box.isChecked()
    _key(qtbot, console, Qt.Key.Key_N)
    _key(qtbot, console, Qt.Key.Key_N)
    room = console.host.room
    qtbot.waitUntil(lambda: room.current_case == "c1")
    qtbot.waitUntil(lambda: "s left" in console.step_label.text())
    qtbot.waitUntil(lambda: room.position.phase == "locked", timeout=10000)  # by the timer
    qtbot.waitUntil(console.reveal_button.isEnabled)
    assert room.revealed_split("c1") is None
    console.close()  # the app closed mid-room: the server goes, the room stays saved
    args = argparse.Namespace(
        db=tmp_path / "host.sqlite3", lessons=[tmp_path / "lessons"], no_bundled=True
    )
    again = HostConsole(build_context(args, tmp_path / "log2.txt"))
    qtbot.addWidget(again)
    again.show()
    again.choose("alpha", "basics")
    assert "unfinished room" in again.note.text() and "case 1 of 3" in again.note.text()
    assert again.open_button.text() == "Resume r&oom" and again.new_button.isVisible()
    assert _open(qtbot, again) == code  # the same join code
    assert again.note.text().startswith("Resumed at case 1 of 3")
    _key(qtbot, again, Qt.Key.Key_N)
    qtbot.waitUntil(lambda: again.host.room.position.phase == "locked")  # locked, not revealed
    again.close()


def test_a_new_room_instead_ends_the_unfinished_one(
    qtbot, console, tmp_path: Path, monkeypatch
) -> None:
    from calibrate.app import build_context
    from calibrate.gui.screens.trainer.console import HostConsole

    old_code = _open(qtbot, console)
    console.close()
    monkeypatch.setattr(prompts, "confirm", lambda *_args: True)
    args = argparse.Namespace(
        db=tmp_path / "host.sqlite3", lessons=[tmp_path / "lessons"], no_bundled=True
    )
    again = HostConsole(build_context(args, tmp_path / "log2.txt"))
    qtbot.addWidget(again)
    again.show()
    again.choose("alpha", "basics")
    qtbot.mouseClick(again.new_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(again.host.code), timeout=20000)
    assert again.host.code != old_code
    assert "A new room" in again.note.text() and "unfinished room ended" in again.note.text()
    again.close()


def test_the_presenter_shields_a_warned_clip_unless_the_trainer_lifts_it(qtbot, console) -> None:
    _open(qtbot, console)
    presenter = console.show_presenter()
    _key(qtbot, console, Qt.Key.Key_N)
    _key(qtbot, console, Qt.Key.Key_N)
    qtbot.waitUntil(lambda: presenter.pages.currentWidget() is presenter.case_page)
    shields = presenter.player.shields
    assert shields.grayscale and shields.blurred and shields.muted  # warned: as self-paced
    assert "Shown shielded" in presenter.case_note.text()
    _key(qtbot, console, Qt.Key.Key_U)  # this case, unshielded
    shields = presenter.player.shields
    assert not (shields.grayscale or shields.blurred or shields.muted)
    assert "Shown unshielded" in presenter.case_note.text()
    _key(qtbot, presenter, Qt.Key.Key_F11)
    qtbot.waitUntil(presenter.isFullScreen)
    _key(qtbot, presenter, Qt.Key.Key_F11)
    qtbot.waitUntil(lambda: not presenter.isFullScreen())


def test_a_case_title_made_of_markup_shows_as_its_words(qtbot, tmp_path: Path) -> None:
    """A pack's text is words, never HTML: a title that looks like markup is shown as
    written on the console and the presenter, and loads nothing."""
    from calibrate.app import build_context
    from calibrate.gui.screens.trainer.console import HostConsole

    lessons = room_lessons(tmp_path)
    case_file = lessons / "alpha" / "cases" / "c1.toml"
    hostile = "<img src=/etc/passwd width=6000> & <b>co</b>"
    case_file.write_text(case_file.read_text().replace('"Case c1"', f"'{hostile}'"))
    args = argparse.Namespace(db=tmp_path / "h.sqlite3", lessons=[lessons], no_bundled=True)
    console = HostConsole(build_context(args, tmp_path / "log.txt"))
    qtbot.addWidget(console)
    console.show()
    console.choose("alpha", "basics")
    _open(qtbot, console)
    presenter = console.show_presenter()
    _key(qtbot, console, Qt.Key.Key_N)
    _key(qtbot, console, Qt.Key.Key_N)
    qtbot.waitUntil(lambda: console.host.room.current_case == "c1")
    qtbot.waitUntil(lambda: hostile in _shown(console.step_label))
    assert hostile in _shown(presenter.heading)
    assert console.width() < 3000 and presenter.width() < 3000
    console.close()


def _shown(label: QLabel) -> str:
    """The words a label shows (its rich text rendered to plain text)."""
    from PySide6.QtGui import QTextDocument

    document = QTextDocument()
    document.setHtml(label.text())
    return document.toPlainText()


def test_the_participant_list_is_left_alone_when_only_answers_came(qtbot) -> None:
    """A room answering at once refreshes the console many times; the list is rebuilt only
    when someone joined, left or was removed (rebuilding 200 rows per refresh stalled it)."""
    from calibrate.gui.screens.trainer.console_parts import RosterTable
    from calibrate.workspace.rooms import RosterEntry

    table = RosterTable()
    qtbot.addWidget(table)
    entries = [RosterEntry(f"id{n}", f"P{n}", "T", "S", True, False) for n in range(200)]
    table.show_roster(entries)
    first = table.item(0, 0)
    table.show_roster(list(entries))  # the same people, as a new list
    assert table.item(0, 0) is first
    entries[3] = RosterEntry("id3", "P3", "T", "S", False, False)  # one dropped
    table.show_roster(list(entries))
    assert [table.item(r, 3).text() for r in (2, 3)] == ["connected", "not connected"]
