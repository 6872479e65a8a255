"""The hand-paced room (the host console) over the host's real database, frame by frame:
nothing moves by itself; Next, Back to a slide, Lock, Reveal (only after the lock), close to
new joins, remove, let rejoin, End, the optional timer; a killed host resumes where it was."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from pack_factory import write_pack

from calibrate.core.live.join_code import secret_text
from calibrate.core.live.messages import REVEAL_ONLY_KEYS, AnswerMessage, Hello, ProfileInfo
from calibrate.core.live.pacing import HandPacedRoom
from calibrate.core.live.room import Timing
from calibrate.workspace import Workspace

SECRET = b"0123456789abcdef"


def _pid(number: int) -> str:
    return f"00000000-0000-4000-8000-00000000000{number}"


def _open(db: Path, lessons: Path) -> tuple[Workspace, HandPacedRoom]:
    ws = Workspace.open(db, [lessons])
    ws.lessons.load()
    pack = ws.pack("alpha")
    lesson = pack.lesson("basics")
    hosted = ws.rooms.open(pack, lesson, "127.0.0.1")
    if not hosted.resumed:
        ws.rooms.bound(hosted, 40000)
    room = ws.rooms.host(hosted, pack, lesson, SECRET, Timing(), by_hand=True)
    assert isinstance(room, HandPacedRoom)
    return ws, room


def _join(room: HandPacedRoom, conn: str, number: int, rejoin: str | None = None) -> list:
    room.connect(conn)
    profile = ProfileInfo(id=_pid(number), name=f"P{number}", team="T", site="S")
    hello = Hello(secret=secret_text(SECRET), profile=profile, rejoin=rejoin)
    return room.receive(conn, hello.frame(), 0.0)


def _types(out: list) -> list[str]:
    return [item.message.type for item in out]


def _answer(room: HandPacedRoom, conn: str, case_id: str, decision: str, now: float) -> list:
    return room.receive(conn, AnswerMessage(case_id=case_id, decision=decision).frame(), now)


@pytest.fixture
def lessons(tmp_path: Path) -> Path:
    write_pack(tmp_path / "lessons", "alpha", ("c1", "c2", "c3"))
    return tmp_path / "lessons"


def test_nothing_moves_until_the_trainer_says_and_reveal_comes_only_after_lock(
    tmp_path: Path, lessons: Path
) -> None:
    ws, room = _open(tmp_path / "host.db", lessons)
    for n in (1, 2):
        assert _types(_join(room, f"k{n}", n)) == ["welcome"]
    assert room.tick(1000.0) == [] and room.position.phase == "waiting"
    assert room.available() == {"next", "end"}
    assert _types(room.next(1.0)) == ["slide"]
    assert room.tick(5000.0) == [] and room.position.phase == "slide"  # no auto-advance
    out = room.next(2.0)
    assert _types(out) == ["case"] and out[0].message.seconds == 0  # open until locked
    assert room.reveal(2.1) == []  # no reveal of an open case
    _answer(room, "k1", "c1", "allow", 3.0)
    out = _answer(room, "k2", "c1", "remove", 3.1)
    assert _types(out) == ["ack"] and room.position.phase == "open"  # all answered: still open
    assert room.answer_count() == (2, 2)
    assert room.tick(9999.0) == []
    out = room.lock(4.0)
    assert _types(out) == ["locked"] and out[0].message.answered == 2
    assert all(not (REVEAL_ONLY_KEYS & set(o.message.model_dump())) for o in out)
    assert _answer(room, "k1", "c1", "allow", 4.1)[0].message.code in ("already_answered",)
    late = _join(room, "k3", 3)
    assert _types(late) == ["welcome"]  # locked: nothing to show yet, and no reveal
    assert _answer(room, "k3", "c1", "allow", 4.2)[0].message.code == "locked"
    assert room.next(4.3) == [] and room.position.phase == "locked"  # reveal first
    out = room.reveal(5.0)
    assert _types(out) == ["reveal"] and out[0].message.split == {"allow": 1, "remove": 1}
    with sqlite3.connect(tmp_path / "host.db") as plain:
        assert plain.execute("SELECT step, phase FROM rooms").fetchone() == (1, "revealed")
    ws.close()


def test_back_to_a_slide_then_next_goes_on_from_the_furthest_step(
    tmp_path: Path, lessons: Path
) -> None:
    ws, room = _open(tmp_path / "host.db", lessons)
    _join(room, "k1", 1)
    room.next(0.0)
    assert room.back_to(0, 0.1) == []  # the slide is the one showing
    room.next(0.2)
    assert room.back_to(0, 0.3) == []  # not during an open case: answers would hang
    room.lock(0.4)
    room.reveal(0.5)
    out = room.back_to(0, 0.6)
    assert _types(out) == ["slide"] and out[0].to is None and room.showing == 0
    joining = _join(room, "k2", 2)  # a late joiner sees the slide on screen
    assert _types(joining) == ["welcome", "slide"]
    with sqlite3.connect(tmp_path / "host.db") as plain:  # not saved: the room is at c1
        assert plain.execute("SELECT step, phase FROM rooms").fetchone() == (1, "revealed")
    out = room.next(0.7)
    assert _types(out) == ["case"] and out[0].message.case_id == "c2"
    assert room.showing is None
    ws.close()


def test_the_optional_timer_locks_the_case_but_never_reveals_it(
    tmp_path: Path, lessons: Path
) -> None:
    ws, room = _open(tmp_path / "host.db", lessons)
    _join(room, "k1", 1)
    room.set_timer(30, 0.0)
    room.next(0.0)
    out = room.next(1.0)
    assert out[0].message.seconds == 30
    assert room.tick(30.9) == []
    assert _types(room.tick(31.0)) == ["locked"] and room.position.phase == "locked"
    assert room.tick(99.0) == []
    room.reveal(100.0)
    room.set_timer(None, 100.0)
    out = room.next(101.0)
    assert out[0].message.seconds == 0 and room.tick(10_000.0) == []
    ws.close()


def test_close_remove_let_rejoin_and_end_from_the_console(tmp_path: Path, lessons: Path) -> None:
    ws, room = _open(tmp_path / "host.db", lessons)
    token = _join(room, "k1", 1)[0].message.rejoin
    _join(room, "k2", 2)
    room.next(0.0)
    room.next(0.1)
    ws.rooms.close_joins(room)
    assert _join(room, "k3", 3)[0].message.code == "closed"
    removed = ws.rooms.remove(room, _pid(2))
    assert [(o.to, o.message.code) for o in removed] == [("k2", "removed")]
    room.disconnect("k2", 0.2)
    assert _join(room, "k4", 2)[0].message.code == "removed"
    roster = {e.profile_id: e for e in ws.rooms.roster(room)}
    assert roster[_pid(2)].removed and not roster[_pid(2)].connected
    assert roster[_pid(1)].connected and (roster[_pid(1)].team, roster[_pid(1)].site) == ("T", "S")
    assert room.answer_count() == (0, 1)  # the removed one is not counted
    _answer(room, "k1", "c1", "allow", 0.3)
    ws.rooms.let_rejoin(room, _pid(1))  # their laptop died: in again from another device
    out = _join(room, "k5", 1)
    assert _types(out) == ["refused", "welcome", "case"] and out[1].message.rejoin != token
    out = room.end(0.4)
    assert _types(out) == ["end"] and room.ended and room.available() == set()
    with sqlite3.connect(tmp_path / "host.db") as plain:
        assert plain.execute("SELECT finished_at IS NOT NULL FROM rooms").fetchone() == (1,)
        assert plain.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 1
    ws.close()


@pytest.mark.parametrize("phase", ["locked", "revealed"])
def test_a_killed_host_resumes_locked_or_revealed_as_it_was(
    tmp_path: Path, lessons: Path, phase: str
) -> None:
    db = tmp_path / "host.db"
    ws, room = _open(db, lessons)
    token = _join(room, "k1", 1)[0].message.rejoin
    room.next(0.0)
    room.next(0.1)
    _answer(room, "k1", "c1", "allow", 0.2)
    room.lock(0.3)
    if phase == "revealed":
        room.reveal(0.4)
    ws.close()  # killed: a new host over the same file
    ws2, resumed = _open(db, lessons)
    assert resumed.room_id == room.room_id and resumed.position.phase == "waiting"
    _join(resumed, "r1", 1, rejoin=token)
    out = resumed.next(10.0)
    expected = ["locked"] if phase == "locked" else ["locked", "reveal"]
    assert _types(out) == expected and resumed.position.phase == phase
    assert out[0].message.answered == 1
    ws2.close()
