"""A host's address is never a trap: a room is saved only once it listens, and an unfinished
room that cannot be resumed where its join code points says so, with `--new-room` the way
out (real host processes on 127.0.0.1; 192.0.2.1 is TEST-NET-1, never this machine's)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from room_processes import FAST, Host, dumped_types, finish, room_lessons, start_bots, wait_for

from calibrate.core.live.join_code import decode_join_code
from calibrate.workspace import Workspace

ELSEWHERE = "192.0.2.1"
WAY_OUT = "add --new-room to end it and start a new room with a new join code"


def _rooms(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT bind, port, finished_at IS NOT NULL FROM rooms ORDER BY created_at"
        ).fetchall()


def _refused(host: Host) -> str:
    """The one stderr line of a host that exits 2 without a join code."""
    status, err = host.wait()
    assert (status, host.code) == (2, ""), err
    assert len(err.splitlines()) == 1, err
    return err


def test_a_bind_that_fails_saves_nothing_and_the_next_bind_is_used(tmp_path: Path) -> None:
    lessons = room_lessons(tmp_path)
    db = tmp_path / "host.db"
    err = _refused(Host(db, lessons, "--bind", ELSEWHERE))
    assert err.startswith(f"calibrate room host: cannot listen on {ELSEWHERE} port 0: ")
    assert _rooms(db) == [] and list(tmp_path.glob("host.db.room-*")) == []
    host = Host(db, lessons, "--bind", "127.0.0.1", "--expect", "1", *FAST)
    assert decode_join_code(host.code).host == "127.0.0.1"
    assert finish(start_bots(host.code, "--count", "1"))[0] == 0
    assert host.wait()[0] == 0
    assert [(bind, done) for bind, _, done in _rooms(db)] == [("127.0.0.1", 1)]


def test_a_database_trapped_by_an_older_version_is_freed(tmp_path: Path) -> None:
    """Older versions saved the room before listening: a `waiting` room on port 0 at an
    address that never bound. No one could have joined it; it ends, a new room starts."""
    lessons = room_lessons(tmp_path)
    db = tmp_path / "host.db"
    Workspace.open(db, []).close()
    with sqlite3.connect(db) as conn:
        conn.execute(
            "INSERT INTO rooms (id, pack_id, lesson_id, pack_hash, bind, port, step, phase, "
            "joins_open, created_at) VALUES ('old', 'alpha', 'basics', 'h', ?, 0, -1, "
            "'waiting', 1, '2026-01-01T00:00:00.000Z')",
            [ELSEWHERE],
        )
    host = Host(db, lessons, "--bind", "127.0.0.1", "--expect", "1", *FAST)
    assert decode_join_code(host.code).host == "127.0.0.1"
    host.kill()
    assert _rooms(db)[0] == (ELSEWHERE, 0, 1)  # ended
    assert _rooms(db)[1][:2] == ("127.0.0.1", decode_join_code(host.code).port)


def test_a_room_that_cannot_resume_where_its_code_points_says_so_and_new_room_starts_over(
    tmp_path: Path,
) -> None:
    lessons = room_lessons(tmp_path)
    db = tmp_path / "host.db"
    options = ["--expect", "1", "--answer-time", "20", *FAST]
    first = Host(db, lessons, *options)
    port = decode_join_code(first.code).port
    bot = start_bots(first.code, "--count", "1", "--seed", "3", "--answer-delay", "0.1",
                     "--dump", str(tmp_path / "d"))  # fmt: skip
    wait_for(lambda: "ack" in dumped_types(tmp_path / "d" / "bot-001.jsonl"), what="an ack")
    first.kill()
    bot.kill()
    bot.communicate(timeout=10)
    other_port = str(port + 1 if port < 65535 else port - 1)
    err = _refused(Host(db, lessons, "--port", other_port, *options))
    assert f"is on 127.0.0.1 port {port} (its join code names them), not --port {other_port}" in err
    assert WAY_OUT in err
    same = Host(db, lessons, "--port", str(port), "--bind", "127.0.0.1", *options)
    assert same.code == first.code  # naming its own address and port is resuming
    same.kill()
    with sqlite3.connect(db) as conn:  # the laptop's address changed since
        conn.execute("UPDATE rooms SET bind = ?", [ELSEWHERE])
    err = _refused(Host(db, lessons, *options))
    assert f"cannot resume the unfinished room on {ELSEWHERE} port {port}" in err and WAY_OUT in err
    err = _refused(Host(db, lessons, "--bind", "127.0.0.1", *options))
    assert f"is on {ELSEWHERE} port {port}" in err and "not --bind 127.0.0.1" in err
    assert WAY_OUT in err
    assert len(_rooms(db)) == 1  # nothing changed by a refusal
    fresh = Host(db, lessons, "--bind", "127.0.0.1", "--new-room", *options)
    assert fresh.code and fresh.code != first.code
    assert finish(start_bots(fresh.code, "--count", "1", "--seed", "3"))[0] == 0
    status, err = fresh.wait()
    assert status == 0
    assert (
        err.splitlines()[0]
        == "ended the unfinished room (1 answer kept): a new room, a new join code"
    )
    assert [done for _, _, done in _rooms(db)] == [1, 1]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 1 + 3
