"""A moderator joins a live room from the app: real windows, a real host on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from room_processes import Host
from room_windows import (
    answer_by_keys,
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
    watch_some,
)

ROOM = ["--answer-time", "30", "--reveal-time", "1.5", "--auto-advance", "0.5", "--expect", "1"]


def test_a_moderator_joins_answers_three_cases_by_keys_and_sees_each_reveal(
    qtbot, tmp_path: Path, dialogs: list[str]
) -> None:
    lessons = clip_lessons(tmp_path)
    host = Host(tmp_path / "host.sqlite3", lessons, *ROOM)
    db = tmp_path / "moderator.sqlite3"
    window = open_window(qtbot, db, [lessons])  # the pack installed: its clips play
    try:
        join_by_keys(qtbot, window, host.code)
        qtbot.waitUntil(lambda: in_room(window), timeout=15000)
        room = window.room
        qtbot.waitUntil(lambda: current(window) is room.guidance, timeout=15000)
        assert not room.guidance.next_button.isVisible()  # the trainer turns the slides
        for number, case_id in enumerate(("c1", "c2", "c3"), start=1):
            wait_for_case(qtbot, window, case_id)
            assert_blind(window)
            assert f"case {number} of 3" in room.case_screen.heading.text()
            watch_some(qtbot, window)
            answer_by_keys(qtbot, window, decision_key=3)  # Remove, GR-1
            wait_for_reveal(qtbot, window, case_id)
            assert "N = 1" in room.reveal.split_title.text()
            assert "Matches the golden decision" in room.reveal.verdict.text()
            assert f"Rationale-{case_id}" in room.reveal.rationale.toPlainText()
            assert "room's answers" in room.reveal.split_caption.text()
            assert not room.reveal.next_button.isVisible()
        qtbot.waitUntil(lambda: current(window) is room.summary, timeout=15000)
        assert "3 of 3 right" in room.summary.headline.text()
        qtbot.keyClick(room.summary, Qt.Key.Key_Return)  # Done: to the lesson list
        qtbot.waitUntil(lambda: current(window) is window.lesson_list)
        assert window.room is None
        row = window.lesson_list.tree.topLevelItem(0).child(0)  # alpha › Basics
        assert (row.text(3), row.text(4)) == ("Done (1×)", "3/3 right (100%), passed")
        code, _err = host.wait(timeout=30)
        assert code == 0
    finally:
        window.close()
        if host.proc.poll() is None:
            host.kill()
    assert dialogs == []  # no "Submit without watching?" in a room
    on_host, here = answers(tmp_path / "host.sqlite3"), answers(db)
    assert len(here) == 3 and here == on_host  # the same rows, UUIDs, times and hashes
    (session,) = sessions(db)
    assert session["kind"] == "live" and session["finished_at"] is not None
    assert all(0.2 <= row["watched_share"] <= 1 for row in here.values())  # its own player


def test_without_the_pack_the_clips_play_from_the_room_pack_in_the_cache(
    qtbot, tmp_path: Path
) -> None:
    from calibrate import paths

    lessons = clip_lessons(tmp_path)
    host = Host(tmp_path / "host.sqlite3", lessons, *ROOM)
    window = open_window(qtbot, tmp_path / "moderator.sqlite3", [])  # no pack installed
    try:
        join_by_keys(qtbot, window, host.code)
        wait_for_case(qtbot, window, "c1")
        room = window.room
        cache = paths.data_dir() / "room-packs"
        assert room.room_pack is not None and room.room_pack.parent == cache
        clip = room.case_screen._case.video
        assert clip.is_relative_to(room.room_pack) and clip.is_file()
        watch_some(qtbot, window)  # the clip plays: its share is measured here
        assert not list(room.room_pack.rglob("*.toml"))[0].read_text().count("golden")
        answer_by_keys(qtbot, window, decision_key=1)  # Allow: not the golden answer
        wait_for_reveal(qtbot, window, "c1")
        assert "Differs from the golden answer" in room.reveal.verdict.text()
        assert "Remove" in room.reveal.golden.text()  # the label, from the welcome's pack
    finally:
        window.close()
        host.kill()
    assert not (lessons / "alpha-room").exists()
    assert sorted(p.name for p in lessons.iterdir()) == ["alpha"]  # no lessons folder touched
