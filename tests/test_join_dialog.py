"""The join dialog: the code checked as it is typed, in words, never echoing the secret;
a room that refuses says why in one sentence, and the code can be fixed right there."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from room_processes import Host
from room_windows import clip_lessons, open_window, visible_texts

from calibrate.core.live.join_code import JoinCode, decode_join_code


def _dialog(qtbot, window):  # type: ignore[no-untyped-def]
    from room_windows import join_by_keys

    join_by_keys(qtbot, window, "")
    return window.join_dialog


def _typed(qtbot, dialog, text: str) -> str:  # type: ignore[no-untyped-def]
    dialog.code.clear()
    qtbot.keyClicks(dialog.code, text)
    return dialog.status.text()


def test_a_code_is_checked_as_typed_in_words_without_echoing_its_secret(
    qtbot, tmp_path: Path
) -> None:
    window = open_window(qtbot, tmp_path / "m.sqlite3", [])
    dialog = _dialog(qtbot, window)
    code = JoinCode("127.0.0.1", 4711, bytes(range(16)), bytes(32)).encode()
    assert "Paste the code" in dialog.status.text() and not dialog.join_button.isEnabled()
    assert _typed(qtbot, dialog, code[:40]) == "Not a join code (wrong length: was it cut short?)"
    typo = code[:30] + ("A" if code[30] != "A" else "B") + code[31:]
    assert "typo" in _typed(qtbot, dialog, typo)
    assert "base64url" in _typed(qtbot, dialog, "not a code!")
    assert not dialog.join_button.isEnabled()
    assert (
        _typed(qtbot, dialog, f"  {code}  ")
        == "A room at 127.0.0.1 port 4711. Press Enter to join."
    )
    assert dialog.join_button.isEnabled()
    secret = decode_join_code(code).secret_text
    for text in visible_texts(dialog):
        assert secret not in text and code not in text
    window.close()


def test_a_wrong_fingerprint_or_secret_is_one_sentence_and_the_code_can_be_fixed(
    qtbot, tmp_path: Path
) -> None:
    lessons = clip_lessons(tmp_path)
    host = Host(tmp_path / "host.sqlite3", lessons, "--answer-time", "30")
    real = decode_join_code(host.code)
    impostor = real._replace(fingerprint=bytes(32)).encode()
    wrong_secret = real._replace(secret=bytes(16)).encode()
    window = open_window(qtbot, tmp_path / "m.sqlite3", [])
    try:
        dialog = _dialog(qtbot, window)
        for code, sentence in (
            (impostor, "This is not the room the code names"),
            (wrong_secret, "The room refused this code"),
        ):
            _typed(qtbot, dialog, code)
            qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
            qtbot.waitUntil(lambda s=sentence: dialog.status.text().startswith(s), timeout=10000)
            assert dialog.status.text().count(".") == 1  # one sentence
            assert dialog.code.isEnabled() and window.room is None
        _typed(qtbot, dialog, host.code)
        qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: window.room is not None, timeout=10000)
    finally:
        window.close()
        host.kill()


def test_join_needs_a_chosen_profile_and_says_how_to_choose_one(qtbot, tmp_path: Path) -> None:
    from room_windows import press

    window = open_window(qtbot, tmp_path / "m.sqlite3", [])
    home = window.home
    window.context.profiles.create("Ana", "", "")
    window.context.profiles.create("Bo", "", "")
    home.refresh(switching=True)  # two profiles: no one chosen
    window.activateWindow()
    qtbot.waitUntil(lambda: home.profiles.hasFocus())
    press(qtbot, window, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    assert getattr(window, "join_dialog", None) is None
    assert home.choose_hint.property("alert") is True and home.choose_hint.isVisible()
    home.profiles.setCurrentRow(1)
    press(qtbot, window, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: getattr(window, "join_dialog", None) is not None)
    assert "<b>Bo</b>" in window.join_dialog.findChild(type(home.choose_hint), "joinIntro").text()
    window.close()


def test_no_room_at_the_address_is_retried_then_said(qtbot, tmp_path: Path, monkeypatch) -> None:
    import socket

    from calibrate.net import participant

    monkeypatch.setattr(participant, "FIRST_JOIN_SECONDS", 1.5)
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code = JoinCode("127.0.0.1", port, bytes(16), bytes(32)).encode()
    window = open_window(qtbot, tmp_path / "m.sqlite3", [])
    dialog = _dialog(qtbot, window)
    _typed(qtbot, dialog, code)
    qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "(attempt 2)" in dialog.status.text(), timeout=5000)
    qtbot.waitUntil(lambda: dialog.status.text().startswith("No room answered"), timeout=10000)
    assert f"127.0.0.1 port {port}" in dialog.status.text() and dialog.join_button.isEnabled()
    window.close()


def test_a_room_closed_to_new_joins_says_so(qtbot, tmp_path: Path) -> None:
    import sqlite3

    lessons = clip_lessons(tmp_path)
    host_db = tmp_path / "host.sqlite3"
    host = Host(host_db, lessons, "--answer-time", "30", "--expect", "1")
    host.kill()
    with sqlite3.connect(host_db) as conn:  # what ws.rooms.close_joins writes for the host
        conn.execute("UPDATE rooms SET joins_open = 0")
    host = Host(host_db, lessons, "--answer-time", "30", "--expect", "1")  # resumed, closed
    window = open_window(qtbot, tmp_path / "m.sqlite3", [])
    try:
        dialog = _dialog(qtbot, window)
        _typed(qtbot, dialog, host.code)
        qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
        qtbot.waitUntil(
            lambda: dialog.status.text() == "This room is closed to new participants.",
            timeout=10000,
        )
    finally:
        window.close()
        host.kill()


def test_another_computer_with_a_members_profile_id_is_refused_its_seat(
    qtbot, tmp_path: Path
) -> None:
    import sqlite3

    from room_windows import in_room, join_by_keys

    lessons = clip_lessons(tmp_path)
    host = Host(tmp_path / "host.sqlite3", lessons, "--answer-time", "30", "--expect", "1")
    member = open_window(qtbot, tmp_path / "member.sqlite3", [])
    other = None
    try:
        join_by_keys(qtbot, member, host.code)
        qtbot.waitUntil(lambda: in_room(member), timeout=10000)
        profile_id = member.context.profiles.listed()[0].id
        other = open_window(qtbot, tmp_path / "other.sqlite3", [])
        other.context.profiles.create("Ana", "", "")
        with sqlite3.connect(tmp_path / "other.sqlite3") as conn:  # the id copied from an export
            conn.execute("UPDATE profiles SET id = ?", [profile_id])
        dialog = _dialog(qtbot, other)
        _typed(qtbot, dialog, host.code)
        qtbot.keyClick(dialog.code, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: dialog.status.text().startswith("The room refused your rejoin"))
        assert member.room.view.connected and member.room.view.stage != "failed"  # kept
    finally:
        for window in (member, other):
            if window is not None:
                window.close()
        host.kill()
