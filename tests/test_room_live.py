"""A live room end to end: a real host and real participants in processes on 127.0.0.1."""

from __future__ import annotations

import json
import sqlite3
import tomllib
import zipfile
from pathlib import Path

from room_processes import (
    FAST,
    Host,
    dumped_types,
    finish,
    frames,
    host_lines,
    room_lessons,
    start_bots,
    wait_for,
    walk_keys,
)

from calibrate.core.live.join_code import decode_join_code
from calibrate.core.live.messages import REVEAL_ONLY_KEYS

CASES = ("c1", "c2", "c3")


def _rows(db: Path, where: str = "1", args: tuple = ()) -> dict[str, dict]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        return {
            r["id"]: dict(r) for r in conn.execute(f"SELECT * FROM answers WHERE {where}", args)
        }


def _scan_blind(frames_of_bot: list[dict]) -> None:
    """No golden, clause of the golden, rationale or moment outside that case's reveal, and
    a case's reveal only after that case locked."""
    locked: set[str] = set()
    revealed = []
    for frame in frames_of_bot:
        kind = frame["type"]
        if kind == "locked":
            locked.add(frame["case_id"])
        if kind == "reveal":
            case_id = frame["case_id"]
            assert case_id in locked, f"reveal of {case_id} before its lock"
            text = json.dumps(frame)
            assert f"Rationale-{case_id}" in text and f"moment-{case_id}" in text
            others = [c for c in CASES if c != case_id]
            assert not any(f"Rationale-{c}" in text or f"moment-{c}" in text for c in others)
            revealed.append(case_id)
            continue
        assert not REVEAL_ONLY_KEYS & set(walk_keys(frame)), frame
        text = json.dumps(frame)
        assert "Rationale-" not in text and "moment-" not in text, frame
    assert sorted(set(revealed)) == list(CASES)


def test_five_participants_through_a_three_case_lesson(tmp_path: Path) -> None:
    lessons = room_lessons(tmp_path)
    host = Host(tmp_path / "host.db", lessons, "--expect", "5", "--answer-time", "20", *FAST)
    assert len(host.code) <= 100
    bots = start_bots(
        host.code, "--count", "5", "--seed", "7", "--answer-delay", "0.05",
        "--db-dir", str(tmp_path / "bots"), "--dump", str(tmp_path / "dump"),
    )  # fmt: skip
    assert finish(bots) == (0, "5 bots: 15 answers acknowledged, 3 reveals each\n")
    status, err = host.wait()
    assert status == 0
    _check_the_hosts_lines(host_lines(err, decode_join_code(host.code).secret_text))
    host_rows = _rows(tmp_path / "host.db")
    assert len(host_rows) == 15
    assert {r["session_kind"] for r in host_rows.values()} == {"live"}
    with sqlite3.connect(tmp_path / "host.db") as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM profiles")}
        unfinished = conn.execute(
            "SELECT COUNT(*) FROM sessions WHERE finished_at IS NULL"
        ).fetchone()[0]
    assert names == {f"Bot {n:03d}" for n in range(1, 6)} and unfinished == 0
    for n in range(1, 6):
        mine = _rows(tmp_path / "bots" / f"bot-{n:03d}.sqlite3")
        assert len(mine) == 3
        assert all(host_rows[key] == row for key, row in mine.items())  # same UUIDs, times
        dumped = frames(tmp_path / "dump" / f"bot-{n:03d}.jsonl")
        acked = {f["answer"]["id"]: f["answer"] for f in dumped if f["type"] == "ack"}
        assert acked == mine
        _scan_blind(dumped)
        assert dumped[0]["type"] == "welcome" and dumped[-1]["type"] == "end"
        _check_room_pack(tmp_path, n, lessons)


def _check_the_hosts_lines(lines: list[str]) -> None:
    """Who joined, each step as it opens and locks, the end: what a trainer watches."""
    assert lines[:2] == [lines[0], "waiting for 5 participants"]
    assert lines[0].startswith("room open on 127.0.0.1 port ")
    joins = [line for line in lines if line.startswith("joined: ")]
    assert sorted(line.split(" (")[0] for line in joins) == [
        f"joined: Bot {n:03d}" for n in range(1, 6)
    ]
    assert [line.split(" (")[1] for line in joins] == [f"{n}/5)" for n in range(1, 6)]
    steps = [line for line in lines if line.startswith(("slide ", "case ", "ended:"))]
    assert steps == [
        "slide 1/1 open",
        *[f"case {n}/3 {what}" for n in (1, 2, 3) for what in ("open", "locked: 5/5 answered")],
        "ended: 15 answers recorded",
    ]
    assert lines[-1] == "ended: 15 answers recorded"  # no one is said to leave after the end


def _check_room_pack(tmp_path: Path, n: int, lessons: Path) -> None:
    """The pack the host sent: its own format and case hashes, no golden answer, rationale
    or moment in any file, the clips byte for byte, unpacked in the bot's cache."""
    received = tmp_path / "dump" / f"bot-{n:03d}-files" / "room-pack-alpha.calpack"
    with zipfile.ZipFile(received) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        contents = {name: zf.read(name) for name in zf.namelist()}
    assert manifest["format"] == "calibrate-room-pack"
    assert set(manifest["case_hashes"]) == set(CASES)
    for name, data in contents.items():
        assert b"Rationale-" not in data and b"moment-" not in data, name
        if name.startswith("lessons/alpha/cases/"):
            case = tomllib.loads(data.decode())
            assert not {"golden", "rationale", "moments", "severity"} & set(case), name
    [unpacked] = (tmp_path / "bots" / f"bot-{n:03d}-cache").iterdir()
    for case_id in CASES:
        clip = unpacked / "assets" / "alpha" / f"{case_id}.mp4"
        assert (
            clip.read_bytes()
            == (lessons.parent / "assets" / "alpha" / f"{case_id}.mp4").read_bytes()
        )


def test_participant_killed_and_rejoining_keeps_its_answer(tmp_path: Path) -> None:
    lessons = room_lessons(tmp_path)
    host = Host(tmp_path / "host.db", lessons, "--expect", "2", "--answer-time", "20", *FAST)
    quick = ["--count", "1", "--seed", "5", "--db-dir", str(tmp_path / "a")]
    a = start_bots(host.code, *quick, "--dump", str(tmp_path / "a1"))
    b = start_bots(host.code, "--count", "1", "--seed", "6", "--answer-delay", "2.5")
    wait_for(lambda: "ack" in dumped_types(tmp_path / "a1" / "bot-001.jsonl"), what="a's ack")
    a.kill()
    a.communicate(timeout=10)
    # the same profile from a machine without its rejoin token (no --db-dir) takes nothing
    impostor = start_bots(host.code, "--count", "1", "--seed", "5")
    status, message = finish(impostor)
    assert (status, message) == (
        2,
        "calibrate room bots: the host refused the rejoin (this profile already joined the "
        "room from another device; rejoin from the one that joined first, or ask the host "
        "to let you in again)\n",
    )
    again = start_bots(host.code, *quick, "--dump", str(tmp_path / "a2"))
    assert finish(again) == (0, "1 bot: 3 answers acknowledged, 3 reveals\n")
    assert finish(b)[0] == 0
    status, err = host.wait()
    lines = host_lines(err, decode_join_code(host.code).secret_text)
    assert status == 0 and "left: Bot 001 (1 connected)" in lines
    assert "rejoined: Bot 001 (2 connected)" in lines
    rejoined = frames(tmp_path / "a2" / "bot-001.jsonl")
    assert [r["case_id"] for r in rejoined[0]["answers"]] == ["c1"]
    assert "c1" not in {f["case_id"] for f in rejoined if f["type"] == "ack"}
    host_rows = _rows(tmp_path / "host.db")
    assert len(host_rows) == 6
    mine = _rows(tmp_path / "a" / "bot-001.sqlite3")
    assert len(mine) == 3 and all(host_rows[k] == row for k, row in mine.items())


def test_host_killed_mid_case_resumes_with_the_same_join_code(tmp_path: Path) -> None:
    lessons = room_lessons(tmp_path)
    db = tmp_path / "host.db"
    options = ["--expect", "2", "--answer-time", "20", *FAST]
    host = Host(db, lessons, *options)
    fast = start_bots(host.code, "--count", "1", "--seed", "1", "--dump", str(tmp_path / "f"))
    slow = start_bots(host.code, "--count", "1", "--seed", "2", "--answer-delay", "1.5")
    wait_for(lambda: "ack" in dumped_types(tmp_path / "f" / "bot-001.jsonl"), what="an ack")
    host.kill()
    before = _rows(db)
    assert len(before) == 1
    resumed = Host(db, lessons, *options)
    assert resumed.code == host.code
    assert finish(fast) == (0, "1 bot: 3 answers acknowledged, 3 reveals\n")
    assert finish(slow) == (0, "1 bot: 3 answers acknowledged, 3 reveals\n")
    status, err = resumed.wait()
    lines = host_lines(err, decode_join_code(resumed.code).secret_text)
    port = decode_join_code(resumed.code).port
    assert status == 0 and lines[:2] == [
        f"resumed at case 1 of 3 (on 127.0.0.1 port {port})",
        "waiting for 2 participants",
    ]
    assert lines[-1] == "ended: 6 answers recorded"
    after = _rows(db)
    assert len(after) == 6 and all(after[k] == row for k, row in before.items())
    with sqlite3.connect(db) as conn:
        per_case = conn.execute(
            "SELECT case_id, COUNT(*) FROM answers GROUP BY case_id ORDER BY case_id"
        ).fetchall()
        assert conn.execute("SELECT COUNT(*) FROM rooms").fetchone()[0] == 1
    assert per_case == [("c1", 2), ("c2", 2), ("c3", 2)]
    folder = next(tmp_path.glob("host.db.room-*"))
    assert folder.stat().st_mode & 0o777 == 0o700
    assert {p.stat().st_mode & 0o777 for p in folder.iterdir()} == {0o600}


def test_a_host_whose_stderr_nobody_reads_any_more_runs_its_room(tmp_path: Path) -> None:
    """Its event lines are for a trainer: a closed terminal or pipe must not stop the room."""
    import os
    import subprocess

    from room_processes import ENV

    lessons = room_lessons(tmp_path)
    read_end, write_end = os.pipe()
    os.close(read_end)  # every write to the host's stderr now fails (EPIPE)
    host = subprocess.Popen(
        [*Host.command_for(tmp_path / "host.db", lessons), "--expect", "1", *FAST],
        stdout=subprocess.PIPE, stderr=write_end, text=True, env=ENV,
    )  # fmt: skip
    os.close(write_end)
    assert host.stdout is not None
    code = host.stdout.readline().strip()
    assert finish(start_bots(code, "--count", "1"))[0] == 0
    assert host.wait(timeout=60) == 0
    with sqlite3.connect(tmp_path / "host.db") as conn:
        assert conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 3
