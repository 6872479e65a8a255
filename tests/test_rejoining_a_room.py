"""A moderator's window back in a live room: after the app closed, after the connection
dropped (the host killed and resumed) — and not after the host removed them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from room_processes import Host, finish, start_bots
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


def test_a_window_closed_mid_room_and_opened_again_rejoins_with_its_answer_kept(
    qtbot, tmp_path: Path
) -> None:
    lessons = clip_lessons(tmp_path)
    room_options = ["--answer-time", "30", "--reveal-time", "1", "--auto-advance", "0.3"]
    host = Host(tmp_path / "host.sqlite3", lessons, *room_options, "--expect", "2")
    bots = start_bots(host.code, "--count", "1", "--answer-delay", "6")  # keeps c1 open
    db = tmp_path / "moderator.sqlite3"
    first = open_window(qtbot, db, [])
    again = None
    try:
        join_by_keys(qtbot, first, host.code)
        wait_for_case(qtbot, first, "c1")
        watch_some(qtbot, first)
        answer_by_keys(qtbot, first, decision_key=3)
        qtbot.waitUntil(lambda: first.room.view.stage == "answered")
        assert "Your answer is recorded" in first.room.waiting.sentence.text()
        assert_blind(first)  # the waiting screen says nothing of the golden or the split
        first.close()  # the app quits with c1 still open on the host
        again = open_window(qtbot, db, [])
        join_by_keys(qtbot, again, host.code)  # the kept rejoin token lets it back in
        qtbot.waitUntil(lambda: in_room(again), timeout=15000)
        room = again.room
        assert "c1" in room.view.acked  # its answer kept: not asked again
        assert current(again) is not room.case_screen
        wait_for_reveal(qtbot, again, "c1")
        assert "You chose <b>Remove</b>" in room.reveal.verdict.text()
        assert "N = 2" in room.reveal.split_title.text()
        for case_id in ("c2", "c3"):
            wait_for_case(qtbot, again, case_id)
            watch_some(qtbot, again)
            answer_by_keys(qtbot, again, decision_key=3)
            wait_for_reveal(qtbot, again, case_id)
        qtbot.waitUntil(lambda: current(again) is room.summary, timeout=20000)
        assert host.wait(timeout=30)[0] == 0
        assert finish(bots)[0] == 0
    finally:
        for window in (first, again):
            if window is not None:
                window.close()
        for proc in (host.proc, bots):
            if proc.poll() is None:
                proc.kill()
    here = answers(db)
    on_host = answers(tmp_path / "host.sqlite3")
    assert len(here) == 3 and all(on_host[key] == row for key, row in here.items())
    assert [s["kind"] for s in sessions(db)] == ["live"]


def test_a_dropped_connection_says_so_rejoins_the_step_and_a_removed_moderator_cannot(
    qtbot, tmp_path: Path
) -> None:
    lessons = clip_lessons(tmp_path)
    room_options = ["--answer-time", "60", "--reveal-time", "1", "--auto-advance", "0.3"]
    host_db = tmp_path / "host.sqlite3"
    host = Host(host_db, lessons, *room_options, "--expect", "1")
    window = open_window(qtbot, tmp_path / "moderator.sqlite3", [])
    try:
        join_by_keys(qtbot, window, host.code)
        wait_for_case(qtbot, window, "c1")
        room = window.room
        shown_at = room.case_screen.shown_at
        host.kill()  # the connection drops mid-case
        form = room.case_screen.form
        qtbot.waitUntil(lambda: "connection to the room dropped" in form.missing.text())
        assert current(window) is room.case_screen and not form.submit_button.isEnabled()
        host = Host(host_db, lessons, *room_options, "--expect", "1")  # resumed, same code
        wait_for_case(qtbot, window, "c1")  # back in the step, the case as it was
        assert room.case_screen.shown_at == shown_at
        watch_some(qtbot, window)
        answer_by_keys(qtbot, window, decision_key=3)
        wait_for_reveal(qtbot, window, "c1")
        host.kill()
        with sqlite3.connect(host_db) as conn:  # what ws.rooms.remove writes for the host
            conn.execute("UPDATE room_members SET removed = 1")
        host = Host(host_db, lessons, *room_options, "--expect", "1")
        qtbot.waitUntil(lambda: room.view.stage == "failed", timeout=15000)
        assert current(window) is room.waiting
        assert room.waiting.sentence.text() == (
            "The trainer removed you from this room; you cannot rejoin it."
        )
        assert room.waiting.leave_button.text() == "Back to lessons"
    finally:
        window.close()
        host.kill()


def test_a_room_left_unfinished_is_not_resumed_as_a_self_paced_lesson(tmp_path: Path) -> None:
    from pack_factory import write_pack

    from calibrate.store.catalog import record_pack_version
    from calibrate.store.sessions import start_session
    from calibrate.workspace import Workspace

    lessons = tmp_path / "lessons"
    write_pack(lessons, "alpha", ("c1", "c2"))
    ws = Workspace.open(tmp_path / "m.sqlite3", [lessons])
    try:
        pack = ws.lessons.load().packs[0]
        profile = ws.profiles.create("Ana", "", "")
        record_pack_version(ws.db, pack)
        live = start_session(ws.db, profile, pack, "basics", "live")  # a room left mid-way
        opened = ws.sessions.open(profile, pack, "basics", ("c1", "c2"))
        assert opened.id != live and opened.kind == "retake"  # its own session, not the room's
    finally:
        ws.close()
