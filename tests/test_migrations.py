"""A database written by an older Calibrate opens in this one with every answer intact."""

from __future__ import annotations

import sqlite3
from dataclasses import asdict
from pathlib import Path

import pytest

from calibrate.core.errors import StoreError
from calibrate.core.lessons.loader import require_pack
from calibrate.core.models import Answer, AnswerDraft
from calibrate.core.stamps import new_id
from calibrate.store import answers, catalog, disputes, sessions
from calibrate.store.db import open_database, schema_version
from calibrate.store.migrations import MIGRATIONS
from tests.pack_factory import write_pack


def test_schema_1_database_gains_disputes_and_keeps_answers_and_a_backup(tmp_path: Path) -> None:
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    pack = require_pack(write_pack(lessons, "alpha"))
    path = tmp_path / "old.sqlite3"
    old = open_database(path, migrations=MIGRATIONS[:1])
    assert schema_version(old) == 1 and "disputes" not in old.table_names()
    profile = catalog.create_profile(old, "Eli", "T", "S")
    session_id = sessions.start_session(old, profile, pack, "basics", "first_attempt")
    answer = _insert_as_before(old, session_id, profile, pack, "c1")
    old.conn.close()

    db = open_database(path)
    assert schema_version(db) == len(MIGRATIONS)
    assert answers.answers_for_session(db, session_id) == [answer]
    disputes.record_dispute(db, answer, "The clause GR-2 applies, not GR-1.")
    assert disputes.disputes_for_case(db, "alpha", "c1")[0]["note"].startswith("The clause")
    [backup] = tmp_path.glob("old.schema1-*.backup.sqlite3")
    tables = (
        sqlite3.connect(str(backup))
        .execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        .fetchall()
    )
    assert ("answers",) in tables and ("disputes",) not in tables


@pytest.mark.parametrize(
    ("version", "message"),
    [
        (-1, "has schema version -1, which no Calibrate writes"),
        (-(2**31), "which no Calibrate writes"),
        (0, "holds Calibrate's tables but schema version 0"),
    ],
)
def test_an_impossible_schema_version_is_refused_without_claiming_a_backup(
    tmp_path: Path, version: int, message: str
) -> None:
    path = tmp_path / "edited.sqlite3"
    open_database(path).conn.close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {version}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError) as refused:
        open_database(path)
    assert message in str(refused.value) and "left untouched" in str(refused.value)
    assert "backup copy sits beside it" not in str(refused.value)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if "backup" in p.name] == []


def _insert_as_before(db, session_id: str, profile, pack, case_id: str) -> Answer:
    """An answer row as an older Calibrate wrote it: only the columns its schema had."""
    answer = Answer(
        id=new_id(),
        session_id=session_id,
        profile_id=profile.id,
        pack_id=pack.id,
        lesson_id="basics",
        case_id=case_id,
        case_hash=pack.cases[case_id].content_hash,
        pack_hash=pack.content_hash,
        team=profile.team,
        site=profile.site,
        session_kind="first_attempt",
        decision="allow",
        clause="GR-1",
        confidence=0.6,
        note="",
        skipped=False,
        shown_at="2026-11-25T10:00:00.000Z",
        answered_at="2026-11-25T10:00:05.000Z",
        time_to_answer_ms=5,
        watched_ms=0,
    )
    known = set(db["answers"].columns_dict)
    db["answers"].insert({k: v for k, v in asdict(answer).items() if k in known} | {"skipped": 0})
    return answer


def test_schema_2_answers_keep_an_unknown_watched_share_and_new_ones_record_it(
    tmp_path: Path,
) -> None:
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    pack = require_pack(write_pack(lessons, "alpha"))
    path = tmp_path / "old.sqlite3"
    old = open_database(path, migrations=MIGRATIONS[:2])
    assert "watched_share" not in old["answers"].columns_dict
    profile = catalog.create_profile(old, "Eli", "T", "S")
    session_id = sessions.start_session(old, profile, pack, "basics", "first_attempt")
    before = _insert_as_before(old, session_id, profile, pack, "c1")
    old.conn.close()

    db = open_database(path)
    assert schema_version(db) == len(MIGRATIONS)
    [kept] = answers.answers_for_session(db, session_id)
    assert kept == before and kept.watched_share is None and kept.clip_unavailable is None
    new = answers.record_answer(
        db,
        session_id=session_id,
        session_kind="first_attempt",
        profile=profile,
        pack=pack,
        lesson_id="basics",
        case=pack.cases["c2"],
        draft=AnswerDraft("allow"),
        shown_at="2026-11-25T10:01:00.000Z",
        time_to_answer_ms=5,
        watched_ms=900,
        watched_share=0.25,
        clip_unavailable=False,
    )
    assert answers.answers_for_session(db, session_id)[1] == new
    row = db.execute(
        "SELECT watched_share, clip_unavailable FROM answers WHERE id = ?", [new.id]
    ).fetchone()
    assert row == (0.25, 0)
    # Nothing the player cannot record gets in, whichever code writes the row.
    for column, value in (("watched_share", 1.5), ("watched_share", -0.1), ("clip_unavailable", 2)):
        with pytest.raises(sqlite3.IntegrityError):
            db["answers"].insert(
                {**_row_like(db, new.id), "id": new_id(), "case_id": "c3", column: value}
            )


def _row_like(db, answer_id: str) -> dict:
    cursor = db.execute("SELECT * FROM answers WHERE id = ?", [answer_id])
    names = [d[0] for d in cursor.description]
    return dict(zip(names, cursor.fetchone(), strict=True))
