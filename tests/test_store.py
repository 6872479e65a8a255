"""The one database file: durable answers, refusals that touch nothing, safe migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from calibrate.core.errors import StoreError
from calibrate.core.lessons.loader import require_pack
from calibrate.core.models import AnswerDraft
from calibrate.store import answers, catalog, sessions
from calibrate.store.db import open_database, schema_version
from calibrate.store.migrations import MIGRATIONS
from tests.pack_factory import write_pack


@pytest.fixture
def pack(tmp_path: Path):
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    return require_pack(write_pack(lessons, "alpha", case_ids=("c1", "c2", "c3")))


def test_new_database_uses_wal_with_full_sync_and_latest_schema(tmp_path: Path) -> None:
    db = open_database(tmp_path / "new.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert schema_version(db) == len(MIGRATIONS)
    assert {"profiles", "sessions", "answers", "events", "case_versions"} <= set(db.table_names())


def test_recorded_answer_is_committed_and_carries_its_grouping_facts(tmp_path: Path, pack) -> None:
    path = tmp_path / "a.sqlite3"
    db = open_database(path)
    profile = catalog.create_profile(db, "Ana", team="Graphic EU", site="Lisbon")
    catalog.record_pack_version(db, pack)
    session_id = sessions.start_session(db, profile, pack, "basics", "first_attempt")
    case = pack.cases["c1"]
    recorded = answers.record_answer(
        db,
        session_id=session_id,
        session_kind="first_attempt",
        profile=profile,
        pack=pack,
        lesson_id="basics",
        case=case,
        draft=AnswerDraft("remove", "GR-1", 0.8, "gore visible"),
        shown_at="2026-11-25T10:00:00.000Z",
        time_to_answer_ms=4200,
        watched_ms=3000,
    )
    # Another connection (another process, in effect) sees it at once: it is committed.
    other = sqlite3.connect(str(path))
    row = other.execute(
        "SELECT team, site, session_kind, skipped, case_hash, pack_hash, "
        "confidence, decision FROM answers WHERE id = ?",
        [recorded.id],
    ).fetchone()
    assert row == (
        "Graphic EU",
        "Lisbon",
        "first_attempt",
        0,
        case.content_hash,
        pack.content_hash,
        0.8,
        "remove",
    )
    # Team changes later; the answer keeps the team it was given under.
    catalog.update_profile(db, profile.__class__(profile.id, "Ana", "Harassment", "Lisbon"))
    assert answers.answers_for_session(db, session_id)[0].team == "Graphic EU"


def test_answers_cannot_be_edited_deleted_or_given_twice_in_a_session(tmp_path: Path, pack) -> None:
    db = open_database(tmp_path / "a.sqlite3")
    profile = catalog.create_profile(db, "Bo")
    session_id = sessions.start_session(db, profile, pack, "basics", "first_attempt")
    kwargs = dict(
        session_id=session_id,
        session_kind="first_attempt",
        profile=profile,
        pack=pack,
        lesson_id="basics",
        case=pack.cases["c2"],
        shown_at="2026-11-25T10:00:00.000Z",
        time_to_answer_ms=1,
        watched_ms=0,
    )
    answers.record_answer(db, draft=AnswerDraft(None, skipped=True), **kwargs)
    with pytest.raises(sqlite3.DatabaseError, match="immutable"):
        db.execute("UPDATE answers SET decision = 'allow'")
    with pytest.raises(sqlite3.DatabaseError, match="never deleted"):
        db.execute("DELETE FROM answers")
    with pytest.raises(sqlite3.IntegrityError):
        answers.record_answer(db, draft=AnswerDraft("allow"), **kwargs)
    assert answers.count_answers(db) == 1


def test_unknown_decision_is_refused_before_writing(tmp_path: Path, pack) -> None:
    db = open_database(tmp_path / "a.sqlite3")
    profile = catalog.create_profile(db, "Cy")
    session_id = sessions.start_session(db, profile, pack, "basics", "first_attempt")
    with pytest.raises(ValueError, match="decision .delete. is not one of"):
        answers.record_answer(
            db,
            session_id=session_id,
            session_kind="first_attempt",
            profile=profile,
            pack=pack,
            lesson_id="basics",
            case=pack.cases["c1"],
            draft=AnswerDraft("delete"),
            shown_at="x",
            time_to_answer_ms=0,
            watched_ms=0,
        )
    assert answers.count_answers(db) == 0


def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite3"
    content = b"my precious notes\n" * 100
    path.write_bytes(content)
    with pytest.raises(StoreError, match="not an SQLite file"):
        open_database(path)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.sqlite3"]


def test_a_foreign_sqlite_database_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(str(path)) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a Calibrate one"):
        open_database(path)
    assert path.read_bytes() == before


def test_a_database_from_a_newer_calibrate_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    open_database(path).conn.close()
    with sqlite3.connect(str(path)) as conn:
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="newer Calibrate"):
        open_database(path)
    assert path.read_bytes() == before


def test_a_migration_failing_midway_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "calibrate.sqlite3"
    db = open_database(path)
    catalog.create_profile(db, "Dee")
    db.conn.close()

    def m002_breaks_halfway(db) -> None:
        db["new_table"].create({"id": int}, pk="id")
        db.execute("INSERT INTO profiles (id, name, created_at) VALUES ('x', 'ghost', 'now')")
        raise RuntimeError("disk on fire")

    with pytest.raises(StoreError, match="left as it was"):
        open_database(path, migrations=(*MIGRATIONS, m002_breaks_halfway))
    db = open_database(path)
    assert schema_version(db) == len(MIGRATIONS)
    assert "new_table" not in db.table_names()
    assert [p.name for p in catalog.list_profiles(db)] == ["Dee"]
    backups = list(tmp_path.glob(f"calibrate.schema{len(MIGRATIONS)}-*.backup.sqlite3"))
    assert len(backups) == 1
    backup = sqlite3.connect(str(backups[0]))
    assert backup.execute("SELECT name FROM profiles").fetchall() == [("Dee",)]


def test_a_successful_migration_keeps_a_backup_of_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "calibrate.sqlite3"
    open_database(path).conn.close()

    def m002_add_flag(db) -> None:
        db["profiles"].add_column("flag", int)

    db = open_database(path, migrations=(*MIGRATIONS, m002_add_flag))
    assert schema_version(db) == len(MIGRATIONS) + 1
    assert "flag" in db["profiles"].columns_dict
    assert len(list(tmp_path.glob("*.backup.sqlite3"))) == 1


def test_split_of_answers_counts_every_profile(tmp_path: Path, pack) -> None:
    db = open_database(tmp_path / "a.sqlite3")
    for name, decision in [("A", "remove"), ("B", "remove"), ("C", "allow"), ("D", None)]:
        profile = catalog.create_profile(db, name)
        session_id = sessions.start_session(db, profile, pack, "basics", "first_attempt")
        answers.record_answer(
            db,
            session_id=session_id,
            session_kind="first_attempt",
            profile=profile,
            pack=pack,
            lesson_id="basics",
            case=pack.cases["c3"],
            draft=AnswerDraft(decision, skipped=decision is None),
            shown_at="2026-11-25T10:00:00.000Z",
            time_to_answer_ms=0,
            watched_ms=0,
        )
    assert answers.decision_split(db, "alpha", "c3") == {"remove": 2, "allow": 1}


def test_an_answer_is_recorded_when_the_clock_went_back_since_the_case_was_shown(
    tmp_path: Path, pack
) -> None:
    db = open_database(tmp_path / "a.sqlite3")
    profile = catalog.create_profile(db, "Cy")
    session_id = sessions.start_session(db, profile, pack, "basics", "first_attempt")
    # Shown "in the future": the system clock was set back (a time-sync correction) meanwhile.
    shown_at = "2099-01-01T12:00:00.000Z"
    answer = answers.record_answer(
        db,
        session_id=session_id,
        session_kind="first_attempt",
        profile=profile,
        pack=pack,
        lesson_id="basics",
        case=pack.cases["c1"],
        draft=AnswerDraft("allow"),
        shown_at=shown_at,
        time_to_answer_ms=4_000,
        watched_ms=0,
    )
    assert answers.count_answers(db) == 1
    assert answer.shown_at <= answer.answered_at < shown_at
    db["sessions"].update(session_id, {"started_at": shown_at})  # started "later" too
    sessions.finish_session(db, session_id)
    session = db["sessions"].get(session_id)
    assert session["finished_at"] >= session["started_at"]
