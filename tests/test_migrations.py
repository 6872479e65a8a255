"""A database written by an older Calibrate opens in this one with every answer intact."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from calibrate.core.errors import StoreError
from calibrate.core.lessons import require_pack
from calibrate.core.models import AnswerDraft
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
    answer = answers.record_answer(
        old,
        session_id=session_id,
        session_kind="first_attempt",
        profile=profile,
        pack=pack,
        lesson_id="basics",
        case=pack.cases["c1"],
        draft=AnswerDraft("allow", "GR-1", 0.6),
        shown_at="2026-11-25T10:00:00.000Z",
        time_to_answer_ms=5,
        watched_ms=0,
    )
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


@pytest.mark.parametrize(("version", "message"), [
    (-1, "has schema version -1, which no Calibrate writes"),
    (-(2**31), "which no Calibrate writes"),
    (0, "holds Calibrate's tables but schema version 0"),
])
def test_an_impossible_schema_version_is_refused_without_claiming_a_backup(
        tmp_path: Path, version: int, message: str) -> None:
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
