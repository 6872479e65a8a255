"""A room's rules over the host's real database, driven frame by frame (no network): the
first accepted answer counts, late answers are refused with a reason, a dropped participant
rejoins with their answers, a removed one cannot, and a killed host resumes from the file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from pack_factory import write_pack

from calibrate.core.live.join_code import secret_text
from calibrate.core.live.messages import AnswerMessage, Hello, ProfileInfo
from calibrate.core.live.room import Room, Timing
from calibrate.workspace import Workspace
from calibrate.workspace.rooms import RoomError

SECRET = b"0123456789abcdef"


def _open_room(db: Path, lessons: Path, expect: int = 0) -> tuple[Workspace, Room]:
    ws = Workspace.open(db, [lessons])
    ws.lessons.load()
    pack = ws.pack("alpha")
    lesson = pack.lesson("basics")
    hosted = ws.rooms.open(pack, lesson, "127.0.0.1")
    ws.rooms.bound(hosted, 40000)
    return ws, ws.rooms.host(hosted, pack, lesson, SECRET, Timing(10, 1, 1), expect)


def _hello(number: int, secret: bytes = SECRET, rejoin: str | None = None) -> str:
    profile = ProfileInfo(id=f"00000000-0000-4000-8000-00000000000{number}", name=f"P{number}")
    return Hello(secret=secret_text(secret), profile=profile, rejoin=rejoin).frame()


def _join(room: Room, conn: str, number: int, now: float = 0.0) -> str:
    """A first join; returns the rejoin token its welcome carried."""
    room.connect(conn)
    welcome = room.receive(conn, _hello(number), now)[0].message
    assert welcome.type == "welcome"
    return str(welcome.rejoin)


def _types(out: list) -> list[str]:
    return [item.message.type for item in out]


@pytest.fixture
def lessons(tmp_path: Path) -> Path:
    write_pack(tmp_path / "lessons", "alpha", ("c1", "c2"))
    return tmp_path / "lessons"


def _to_first_case(room: Room, now: float = 0.0) -> None:
    room.tick(now)  # the slide
    assert room.position.phase == "slide"
    room.tick(now + 1.5)  # auto-advance: the first case opens
    assert room.current_case == "c1" and room.position.phase == "open"


def test_first_answer_counts_and_late_answers_are_refused(tmp_path: Path, lessons: Path) -> None:
    ws, room = _open_room(tmp_path / "host.db", lessons, expect=2)
    for n in (1, 2):
        room.connect(f"k{n}")
        assert _types(room.receive(f"k{n}", _hello(n), 0.0)) == ["welcome"]
    _to_first_case(room)
    early = AnswerMessage(case_id="c2", decision="allow").frame()
    assert room.receive("k1", early, 2.0)[0].message.code == "not_open"
    first = AnswerMessage(case_id="c1", decision="allow", confidence=0.8).frame()
    assert _types(room.receive("k1", first, 2.0)) == ["ack"]
    again = AnswerMessage(case_id="c1", decision="remove").frame()
    assert room.receive("k1", again, 2.1)[0].message.code == "already_answered"
    bad = AnswerMessage(case_id="c1", decision="nuke").frame()
    refused = room.receive("k2", bad, 2.2)[0].message
    assert refused.code == "invalid" and "nuke" in refused.reason
    out = room.receive("k2", AnswerMessage(case_id="c1", skipped=True).frame(), 2.3)
    assert _types(out) == ["ack", "locked", "reveal"]  # every connected one answered
    reveal = out[-1].message
    assert reveal.split == {"allow": 1} and reveal.golden["decision"] == "remove"
    late = room.receive("k2", AnswerMessage(case_id="c1", decision="allow").frame(), 2.4)
    assert late[0].message.code in ("already_answered", "locked")
    room.connect("k3")
    room.receive("k3", _hello(3), 2.5)
    assert room.receive("k3", first, 2.6)[0].message.code == "locked"
    rows = ws.db.execute("SELECT decision, skipped, session_kind FROM answers").fetchall()
    assert sorted(rows, key=str) == sorted([("allow", 0, "live"), (None, 1, "live")], key=str)
    ws.close()


def test_wrong_secret_removed_and_closed_rooms_refuse_the_hello(
    tmp_path: Path, lessons: Path
) -> None:
    ws, room = _open_room(tmp_path / "host.db", lessons)
    room.connect("k1")
    out = room.receive("k1", _hello(1, secret=b"x" * 16), 0.0)
    assert out[0].message.code == "secret" and out[0].close
    room.connect("k2")
    room.receive("k2", _hello(2), 0.0)
    token = _join(room, "k3", 3)
    removed = ws.rooms.remove(room, "00000000-0000-4000-8000-000000000002")
    assert removed[0].message.code == "removed" and removed[0].close
    room.disconnect("k2", 0.1)
    room.connect("k8")
    assert room.receive("k8", _hello(2), 0.2)[0].message.code == "removed"
    ws.rooms.close_joins(room)
    room.connect("k4")
    assert room.receive("k4", _hello(4), 0.3)[0].message.code == "closed"
    room.connect("k6")
    back = room.receive("k6", _hello(3, rejoin=token), 0.4)  # a member may come back
    assert _types(back) == ["refused", "welcome"] and back[0].to == "k3"  # the old socket
    ws.close()
    # the removal is in the database: a resumed host still refuses them
    ws, room = _open_room(tmp_path / "host.db", lessons)
    room.connect("k5")
    assert room.receive("k5", _hello(2), 0.0)[0].message.code == "removed"
    room.connect("k7")
    assert room.receive("k7", _hello(4), 0.0)[0].message.code == "closed"  # still closed
    room.connect("k9")  # a member still comes back to the resumed, closed room
    assert _types(room.receive("k9", _hello(3, rejoin=token), 0.0))[0] == "welcome"
    ws.close()


def test_rejoining_participant_gets_the_open_case_with_their_answer_kept(
    tmp_path: Path, lessons: Path
) -> None:
    ws, room = _open_room(tmp_path / "host.db", lessons, expect=2)
    tokens = {n: _join(room, f"k{n}", n) for n in (1, 2)}
    _to_first_case(room)
    room.receive("k1", AnswerMessage(case_id="c1", decision="allow").frame(), 2.0)
    room.disconnect("k1", 2.1)
    assert room.position.phase == "open"  # k2 has not answered
    room.connect("k9")
    out = room.receive("k9", _hello(1, rejoin=tokens[1]), 2.2)
    assert _types(out) == ["welcome", "case"]
    assert [row["case_id"] for row in out[0].message.answers] == ["c1"]
    again = room.receive("k9", AnswerMessage(case_id="c1", decision="remove").frame(), 2.3)
    assert again[0].message.code == "already_answered"
    sessions = ws.db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
    assert sessions == 2  # the same live session on rejoin
    ws.close()


def test_a_members_profile_id_without_its_rejoin_token_takes_nothing(
    tmp_path: Path, lessons: Path
) -> None:
    """Profile ids are in every export: knowing one must not seat an impostor (or kick the
    member) — only the token the member's first welcome carried lets that profile back."""
    ws, room = _open_room(tmp_path / "host.db", lessons, expect=2)
    tokens = {n: _join(room, f"k{n}", n) for n in (1, 2)}
    assert tokens[1] != tokens[2] and len(tokens[1]) >= 43  # 256 random bits, base64url
    _to_first_case(room)
    wrong_last = "B" if tokens[1].endswith("A") else "A"  # a token one letter off, always
    for conn, rejoin in (("x1", None), ("x2", tokens[2]), ("x3", tokens[1][:-1] + wrong_last)):
        room.connect(conn)
        out = room.receive(conn, _hello(1, rejoin=rejoin), 2.0)
        assert [(o.to, o.message.type, o.message.code) for o in out] == [
            (conn, "refused", "rejoin")
        ] and out[0].close
        room.disconnect(conn, 2.0)
    answer = AnswerMessage(case_id="c1", decision="allow").frame()
    assert _types(room.receive("k1", answer, 2.1)) == ["ack"]  # the member kept its seat
    stored = ws.db.execute("SELECT rejoin_digest FROM room_members").fetchall()
    assert all(tokens[1] not in str(row) and tokens[2] not in str(row) for row in stored)
    # the member's device died: the host lets the profile back in from another one
    ws.rooms.let_rejoin(room, "00000000-0000-4000-8000-000000000001")
    room.connect("new")
    welcome = room.receive("new", _hello(1), 2.2)
    assert _types(welcome) == ["refused", "welcome", "case"] and welcome[0].to == "k1"
    fresh = welcome[1].message.rejoin
    assert fresh != tokens[1] and [r["case_id"] for r in welcome[1].message.answers] == ["c1"]
    room.connect("old")
    assert room.receive("old", _hello(1, rejoin=tokens[1]), 2.3)[0].message.code == "rejoin"
    ws.close()


def test_a_welcome_lost_to_a_drop_does_not_lock_the_participant_out(
    tmp_path: Path, lessons: Path
) -> None:
    """The participant makes its token before its first hello: the host keeps that one, so
    a connection cut before the welcome arrived rejoins with the token it already has."""
    ws, room = _open_room(tmp_path / "host.db", lessons)
    mine = "t" * 43
    room.connect("k1")
    assert room.receive("k1", _hello(1, rejoin=mine), 0.0)[0].message.rejoin == mine
    room.disconnect("k1", 0.1)  # the welcome was never read
    room.connect("k2")
    assert _types(room.receive("k2", _hello(1, rejoin=mine), 0.2))[0] == "welcome"
    room.connect("k3")  # a token too short to be a secret is no token
    short = _hello(2, rejoin=mine).replace(mine, "short")
    assert room.receive("k3", short, 0.3)[0].message.code == "malformed"
    ws.close()


def test_host_killed_mid_case_resumes_where_the_database_says(
    tmp_path: Path, lessons: Path
) -> None:
    db = tmp_path / "host.db"
    ws, room = _open_room(db, lessons, expect=2)
    tokens = {n: _join(room, f"k{n}", n) for n in (1, 2)}
    _to_first_case(room)
    room.receive("k1", AnswerMessage(case_id="c1", decision="allow").frame(), 2.0)
    # killed: no close, no goodbye; a plain second reader sees the committed state
    with sqlite3.connect(db) as plain:
        assert plain.execute("SELECT step, phase FROM rooms").fetchone() == (1, "open")
        assert plain.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 1
    ws2, resumed = _open_room(db, lessons, expect=2)
    assert resumed.room_id == room.room_id
    assert resumed.tick(100.0) == []  # waits for the participants to come back
    for n in (1, 2):
        resumed.connect(f"r{n}")
        resumed.receive(f"r{n}", _hello(n, rejoin=tokens[n]), 100.0)
    out = resumed.tick(100.0)
    assert _types(out) == ["case"] and resumed.current_case == "c1"
    late = resumed.receive("r1", AnswerMessage(case_id="c1", decision="remove").frame(), 100.1)
    assert late[0].message.code == "already_answered"
    out = resumed.receive("r2", AnswerMessage(case_id="c1", decision="remove").frame(), 100.2)
    assert _types(out) == ["ack", "locked", "reveal"]
    assert out[-1].message.split == {"allow": 1, "remove": 1}
    ws.close()
    ws2.close()


def test_an_ack_is_the_row_as_stored(tmp_path: Path, lessons: Path) -> None:
    ws, room = _open_room(tmp_path / "host.db", lessons, expect=1)
    room.connect("k1")
    room.receive("k1", _hello(1), 0.0)
    _to_first_case(room)
    ack = room.receive("k1", AnswerMessage(case_id="c1", decision="allow", note="é").frame(), 2)
    stored = ws.db.execute("SELECT * FROM answers").fetchone()
    columns = [c[0] for c in ws.db.execute("SELECT * FROM answers").description]
    assert json.loads(ack[0].message.frame())["answer"] == dict(zip(columns, stored, strict=True))
    ws.close()


def test_the_room_pack_is_offered_only_to_those_without_this_pack_version(
    tmp_path: Path, lessons: Path
) -> None:
    from calibrate.core.live.messages import PackOffer

    ws = Workspace.open(tmp_path / "host.db", [lessons])
    ws.lessons.load()
    pack = ws.pack("alpha")
    lesson = pack.lesson("basics")
    hosted = ws.rooms.open(pack, lesson, "127.0.0.1")
    ws.rooms.bound(hosted, 40000)
    offer = PackOffer(
        pack_id="alpha", pack_hash=pack.content_hash, size=1, sha256="0", case_hashes={}
    )
    room = ws.rooms.host(hosted, pack, lesson, SECRET, Timing(), offer=offer)
    profile = ProfileInfo(id="00000000-0000-4000-8000-000000000001", name="Has it")
    has_it = Hello(secret=secret_text(SECRET), profile=profile, pack_hash=pack.content_hash)
    room.connect("k1")
    assert _types(room.receive("k1", has_it.frame(), 0.0)) == ["welcome"]
    room.connect("k2")
    assert _types(room.receive("k2", _hello(2), 0.0)) == ["welcome", "pack_offer"]
    ws.close()


def test_an_answer_the_host_cannot_write_is_refused_not_counted(
    tmp_path: Path, lessons: Path
) -> None:
    ws, room = _open_room(tmp_path / "host.db", lessons, expect=1)
    room.connect("k1")
    room.receive("k1", _hello(1), 0.0)
    _to_first_case(room)
    ws.conn.execute("PRAGMA busy_timeout = 0")  # fail at once instead of waiting 5 s
    other = sqlite3.connect(tmp_path / "host.db")
    other.execute("BEGIN IMMEDIATE")  # another writer holds the file
    answer = AnswerMessage(case_id="c1", decision="allow").frame()
    refused = room.receive("k1", answer, 2.0)
    assert [o.message.code for o in refused] == ["not_recorded"]
    assert room.position.phase == "open"  # not counted: the case waits for it
    other.rollback()
    other.close()
    assert _types(room.receive("k1", answer, 2.1)) == ["ack", "locked", "reveal"]
    ws.close()


def test_a_new_room_is_saved_only_once_it_listens_and_only_then_ends_the_old_one(
    tmp_path: Path, lessons: Path
) -> None:
    ws = Workspace.open(tmp_path / "host.db", [lessons])
    ws.lessons.load()
    pack = ws.pack("alpha")
    lesson = pack.lesson("basics")

    def rooms() -> list[tuple[str, int]]:
        return ws.db.execute("SELECT id, finished_at IS NOT NULL FROM rooms").fetchall()

    never = ws.rooms.open(pack, lesson, "192.0.2.1")  # its server could not listen
    assert rooms() == [] and not never.resumed
    old = ws.rooms.open(pack, lesson, "127.0.0.1")
    ws.rooms.bound(old, 40000)
    ws.db["rooms"].update(old.id, {"pack_hash": "another version"})
    with pytest.raises(RoomError, match="ran another version of the pack"):
        ws.rooms.open(pack, lesson, "127.0.0.1")
    new = ws.rooms.open(pack, lesson, "127.0.0.1", new_room=True)
    assert new.id != old.id and rooms() == [(old.id, 0)]  # the old one stands until...
    ws.rooms.bound(new, 40001)  # ...the new one listens
    assert sorted(rooms()) == sorted([(old.id, 1), (new.id, 0)])
    assert ws.rooms.open(pack, lesson, "127.0.0.1").id == new.id  # resumed next time
    ws.close()
