"""The columnar answer cache: the same answers as SQLite holds, however they were read.

Every expectation is decoded to text and compared with what plain sqlite3 reads from the
file in this test (never with calibrate's own SQL): a cached table equals a direct build,
new answers appear exactly once, a replaced file or a damaged cache is never trusted, and
filters applied in memory keep the rows an SQL WHERE keeps.
"""

from __future__ import annotations

import json
import logging
import math
import shutil
import sqlite3
from dataclasses import asdict
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pytest

from calibrate.core.demo_history.simulation import generate_history
from calibrate.core.lessons.loader import load_library
from calibrate.core.metrics.answer_table import SESSION_KIND_CODES, AnswerTable, Filters
from calibrate.core.models import Answer, AnswerDraft
from calibrate.core.stamps import new_id
from calibrate.store import catalog, sessions
from calibrate.store.answer_cache import coder, files, identity, refresh
from calibrate.store.answer_cache.cache import AnswerCache, read_answers, warm
from calibrate.store.answer_cache.files import cache_file
from calibrate.store.answers import insert_answer, record_answer
from calibrate.store.db import open_database, open_reader
from calibrate.store.demo_data import write_demo_history
from calibrate.store.queries import load_answers
from calibrate.store.settings import get_meta


@pytest.fixture(scope="module")
def packs(demo_lessons_dir: Path):
    return load_library([demo_lessons_dir]).packs


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory, packs) -> dict[int, Path]:
    """Two demo histories (different seeds), written once; tests work on copies."""
    folder = tmp_path_factory.mktemp("demo-files")
    files = {}
    for seed in (2026, 7):
        path = folder / f"demo-{seed}.sqlite3"
        db = open_database(path)
        write_demo_history(db, generate_history(packs, today=date(2026, 5, 29), seed=seed), packs)
        db.conn.close()
        files[seed] = path
    return files


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch) -> Path:
    """A cache folder of this test's own; databases of any size are cached."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(files.CACHE_DIR_ENV, str(folder))
    monkeypatch.setattr(files, "PERSIST_MIN_ROWS", 0)
    return folder


@pytest.fixture
def db_path(tmp_path: Path, demo_files) -> Path:
    path = tmp_path / "calibrate.sqlite3"
    shutil.copy(demo_files[2026], path)
    return path


@pytest.fixture
def decodes(monkeypatch) -> list[int]:
    """How many answer rows were read from SQLite (not from a cache)."""
    counted: list[int] = []
    decode = refresh.decode_chunk

    def counting(rows, *args):
        counted.append(len(rows))
        return decode(rows, *args)

    monkeypatch.setattr(refresh, "decode_chunk", counting)
    return counted


# --- what SQLite holds, read plainly ------------------------------------------------------------
def epoch_ms(stamp: str) -> int:
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    return round((moment - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds() * 1000)


def reference(path: Path) -> dict[str, tuple]:
    """answer UUID → its row as the dashboard should see it, straight from the file."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT a.id, a.profile_id, a.session_id, a.team, a.site, a.pack_id, a.lesson_id, "
            "a.case_id, a.session_kind, a.decision, a.skipped, a.clause, a.confidence, "
            "a.answered_at, cv.golden_decision, cv.golden_clauses "
            "FROM answers a JOIN case_versions cv ON cv.case_hash = a.case_hash"
        ).fetchall()
    out = {}
    for (
        answer_id,
        profile,
        session,
        team,
        site,
        pack,
        lesson,
        case,
        kind,
        decision,
        skipped,
        clause,
        confidence,
        at,
        golden,
        clauses,
    ) in rows:
        clause_correct = -1 if skipped or clause is None else int(clause in json.loads(clauses))
        out[answer_id] = (
            profile,
            session,
            team or "",
            site or "",
            pack,
            f"{pack}/{lesson}",
            f"{pack}/{case}",
            kind,
            None if skipped else decision,
            golden,
            clause_correct,
            None if skipped else confidence,
            bool(skipped),
            epoch_ms(at),
        )
    return out


def decoded(table: AnswerTable, path: Path) -> dict[str, tuple]:
    """The same view of an AnswerTable, every code turned back into its text (sessions are
    coded by their rowid in the file at path)."""
    with sqlite3.connect(path) as conn:
        session_id = dict(conn.execute("SELECT rowid, id FROM sessions").fetchall())
        # an answer whose session row is missing is keyed by minus its own rowid
        session_id.update(
            (-r, s)
            for r, s in conn.execute(
                "SELECT rowid, session_id FROM answers WHERE session_id NOT IN "
                "(SELECT id FROM sessions)"
            ).fetchall()
        )
    ids = table.answer_ids(np.arange(len(table)))
    assert len(set(ids)) == len(ids), "an answer appears twice"
    out = {}
    for i, answer_id in enumerate(ids):
        decision = int(table.decision[i])
        confidence = float(table.confidence[i])
        out[answer_id] = (
            table.profile_ids[table.profile[i]],
            session_id[int(table.session_keys[table.session[i]])],
            table.teams[table.team[i]],
            table.sites[table.site[i]],
            table.packs[table.pack[i]],
            table.lessons[table.lesson[i]],
            table.cases[table.case[i]],
            SESSION_KIND_CODES[table.session_kind[i]],
            table.decisions[decision] if decision >= 0 else None,
            table.decisions[table.golden[i]],
            int(table.clause_correct[i]),
            None if math.isnan(confidence) else confidence,
            bool(table.skipped[i]),
            int(table.answered_at[i].astype(np.int64)),
        )
    return out


def direct(path: Path, packs) -> AnswerTable:
    """A table read straight from SQLite: no file, no memory of earlier reads."""
    db = open_database(path)
    try:
        return load_answers(db, packs=packs, cache=AnswerCache(persist=False))
    finally:
        db.conn.close()


def cached(path: Path, packs, cache: AnswerCache | None = None) -> AnswerTable:
    db = open_database(path)
    try:
        return load_answers(db, packs=packs, cache=cache)
    finally:
        db.conn.close()


def the_file(cache_dir: Path, path: Path) -> Path:
    return cache_file(cache_dir, path.resolve())


def add_session(
    path: Path, packs, name: str, team: str, site: str, answered_at: str | None = None
) -> int:
    """A new moderator answers a whole lesson through the store; returns how many answers."""
    db = open_database(path)
    pack = next(p for p in packs if p.id == "graphic-content")
    lesson = pack.lessons[0]
    profile = catalog.create_profile(db, name, team, site)
    session_id = sessions.start_session(db, profile, pack, lesson.id, "first_attempt")
    for i, case_id in enumerate(lesson.case_ids):
        case = pack.cases[case_id]
        draft = (
            AnswerDraft(None, None, None, skipped=True)
            if i == 1
            else AnswerDraft(
                case.golden.decision if i % 2 else pack.scale.ladder[0],
                case.golden.clauses[0] if case.golden.clauses else None,
                0.7,
            )
        )
        record_answer(
            db,
            session_id=session_id,
            session_kind="first_attempt",
            profile=profile,
            pack=pack,
            lesson_id=lesson.id,
            case=case,
            draft=draft,
            shown_at="2026-06-01T09:00:00.000Z",
            time_to_answer_ms=4000,
            watched_ms=3000,
        )
    db.conn.close()
    return len(lesson.case_ids)


# --- the cache gives what a direct read gives ---------------------------------------------------
@pytest.mark.parametrize("chunk", [refresh.CHUNK, 97])
def test_the_cached_table_is_the_table_a_direct_build_gives(
    db_path: Path, packs, cache_dir, decodes, monkeypatch, chunk: int
) -> None:
    monkeypatch.setattr(refresh, "CHUNK", chunk)  # 97: lookups grow across chunks
    if chunk < 100:  # and sessions are read by rowid range, not one by one
        monkeypatch.setattr(coder, "RANGE_MIN_KEYS", 2)
    built = cached(db_path, packs)
    assert the_file(cache_dir, db_path).exists()
    read_rows = sum(decodes)
    from_file = cached(db_path, packs)  # a new process would do this: no SQL row read
    assert sum(decodes) == read_rows
    plain = direct(db_path, packs)
    expected = reference(db_path)
    assert len(expected) > 1000
    assert (
        decoded(built, db_path)
        == decoded(from_file, db_path)
        == decoded(plain, db_path)
        == expected
    )
    for name in (
        "rowid",
        "profile",
        "team",
        "site",
        "pack",
        "lesson",
        "case",
        "session",
        "session_kind",
        "decision",
        "golden",
        "clause_correct",
        "skipped",
        "answered_at",
        "not_watched",
    ):
        assert np.array_equal(getattr(built, name), getattr(from_file, name)), name
    assert np.array_equal(built.confidence, from_file.confidence, equal_nan=True)
    for name in ("profile_ids", "teams", "sites", "packs", "lessons", "cases", "decisions"):
        assert getattr(built, name) == getattr(from_file, name), name
    assert np.array_equal(built.session_keys, from_file.session_keys)


def test_the_tables_arrays_are_read_only(db_path: Path, packs, cache_dir) -> None:
    table = cached(db_path, packs)
    with pytest.raises(ValueError):
        table.team[0] = 1


def test_small_databases_are_not_written_to_the_cache_folder(
    db_path: Path, packs, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv(files.CACHE_DIR_ENV, str(tmp_path / "cache"))
    assert len(cached(db_path, packs)) < files.PERSIST_MIN_ROWS
    assert not (tmp_path / "cache").exists()


# --- new answers ----------------------------------------------------------------------------
def test_answers_recorded_after_the_cache_was_written_appear_once(
    db_path: Path, packs, cache_dir, decodes
) -> None:
    memory = AnswerCache()
    before = cached(db_path, packs, memory)
    assert the_file(cache_dir, db_path).exists()
    added = add_session(db_path, packs, "Zed", "Zeta", "Oslo")  # a team never seen before
    decodes.clear()
    for table in (cached(db_path, packs), cached(db_path, packs, memory)):
        assert len(table) == len(before) + added
        assert decoded(table, db_path) == reference(db_path)
        assert "Zeta" in table.teams
        # codes stay stable: old values keep their place, new ones come after
        assert table.teams[: len(before.teams)] == before.teams
        assert np.array_equal(table.session_keys[: len(before.session_keys)], before.session_keys)
    assert sum(decodes) == 2 * added  # only the new rows were read, by each
    added += add_session(db_path, packs, "Yan", "Zeta", "Oslo")
    again = cached(db_path, packs, memory)
    assert len(again) == len(before) + added
    assert decoded(again, db_path) == reference(db_path)


def test_an_answer_that_disagrees_with_its_session_keeps_its_own_team(
    db_path: Path, packs, cache_dir
) -> None:
    cached(db_path, packs)
    db = open_database(db_path)
    pack = next(p for p in packs if p.id == "graphic-content")
    lesson = pack.lessons[0]
    profile = catalog.create_profile(db, "Mover", "Old team", "Lisbon")
    session_id = sessions.start_session(db, profile, pack, lesson.id, "first_attempt")
    moved = None
    for i, case_id in enumerate(lesson.case_ids[:2]):
        if i == 1:  # the moderator changes team mid-session: this answer counts for the new one
            moved = profile = profile.__class__(profile.id, profile.name, "New team", "Dublin")
            catalog.update_profile(db, profile)
        case = pack.cases[case_id]
        record_answer(
            db,
            session_id=session_id,
            session_kind="first_attempt",
            profile=profile,
            pack=pack,
            lesson_id=lesson.id,
            case=case,
            draft=AnswerDraft(case.golden.decision, None, 0.9),
            shown_at="2026-06-01T09:00:00.000Z",
            time_to_answer_ms=1,
            watched_ms=1,
        )
    db.conn.close()
    assert moved is not None
    table = cached(db_path, packs)
    expected = reference(db_path)
    assert decoded(table, db_path) == expected
    assert {row[2] for row in expected.values() if row[1] == session_id} == {"Old team", "New team"}


def test_an_answer_without_its_session_row_is_read_from_its_own_columns(
    db_path: Path, packs, cache_dir
) -> None:
    before = cached(db_path, packs)
    db = open_database(db_path)
    db.execute("PRAGMA foreign_keys=OFF")  # only a damaged or hand-edited file looks so
    pack = next(p for p in packs if p.id == "graphic-content")
    case = pack.cases[pack.lessons[0].case_ids[0]]
    profile_id = db.execute("SELECT id FROM profiles LIMIT 1").fetchone()[0]
    insert_answer(
        db,
        Answer(
            id=new_id(),
            session_id="no-such-session",
            profile_id=profile_id,
            pack_id=pack.id,
            lesson_id=pack.lessons[0].id,
            case_id=case.id,
            case_hash=case.content_hash,
            pack_hash=pack.content_hash,
            team="Lost team",
            site="Nowhere",
            session_kind="review",
            decision=case.golden.decision,
            clause=None,
            confidence=None,
            note="",
            skipped=False,
            shown_at="2026-06-02T09:00:00.000Z",
            answered_at="2026-06-02T09:00:05.000Z",
            time_to_answer_ms=5000,
            watched_ms=0,
        ),
    )
    db.conn.close()
    table = cached(db_path, packs)
    assert len(table) == len(before) + 1
    assert decoded(table, db_path) == reference(db_path)


def test_an_answer_waits_for_its_case_version_then_appears_once(
    db_path: Path, packs, cache_dir
) -> None:
    memory = AnswerCache()
    before = cached(db_path, packs, memory)
    db = open_database(db_path)
    pack = next(p for p in packs if p.id == "graphic-content")
    case = pack.cases[pack.lessons[0].case_ids[0]]
    row = db.execute("SELECT profile_id, session_id FROM answers LIMIT 1").fetchone()
    # The store refuses an answer whose case version it does not hold; a database written
    # before that rule (or by hand) may hold one: the raw row, as such a file has it.
    db["answers"].insert(
        asdict(
            Answer(
                id=new_id(),
                session_id=row[1],
                profile_id=row[0],
                pack_id=pack.id,
                lesson_id=pack.lessons[0].id,
                case_id="unseen-case",
                case_hash="not-yet-seen",
                pack_hash=pack.content_hash,
                team="Graphic EU",
                site="Lisbon",
                session_kind="first_attempt",
                decision=case.golden.decision,
                clause=None,
                confidence=0.5,
                note="",
                skipped=False,
                shown_at="2026-06-02T09:00:00.000Z",
                answered_at="2026-06-02T09:00:05.000Z",
                time_to_answer_ms=5000,
                watched_ms=0,
            )
        )
    )
    db.conn.close()
    assert len(cached(db_path, packs, memory)) == len(before)  # as SQL's join: not yet
    db = open_database(db_path)
    db["case_versions"].insert(
        {
            "case_hash": "not-yet-seen",
            "pack_id": pack.id,
            "case_id": "unseen-case",
            "title": "Unseen",
            "golden_decision": case.golden.decision,
            "golden_clauses": "[]",
            "severity": "low",
            "warnings": "[]",
            "first_seen_at": "2026-06-02T00:00:00.000Z",
        }
    )
    db.conn.close()
    for table in (cached(db_path, packs, memory), cached(db_path, packs)):
        assert len(table) == len(before) + 1
        assert decoded(table, db_path) == reference(db_path)


# --- a cache is never trusted blindly ----------------------------------------------------------
def test_a_different_database_at_the_same_path_does_not_reuse_the_cache(
    db_path: Path, demo_files, packs, cache_dir
) -> None:
    first = decoded(cached(db_path, packs), db_path)
    shutil.copy(demo_files[7], db_path)  # another history, same path
    table = cached(db_path, packs)
    assert decoded(table, db_path) == reference(db_path) != first


def test_an_older_or_diverged_copy_of_the_same_database_does_not_reuse_the_cache(
    db_path: Path, tmp_path: Path, packs, cache_dir, monkeypatch
) -> None:
    monkeypatch.setattr(files, "REWRITE_MIN_ROWS", 0)  # every new row is written
    db = open_database(db_path)
    assert get_meta(db, identity.DATABASE_ID) is None
    db.conn.close()
    memory = AnswerCache()
    cached(db_path, packs, memory)  # gives the database its id, copied with it below
    backup = tmp_path / "backup.sqlite3"
    shutil.copy(db_path, backup)
    add_session(db_path, packs, "Zed", "Zeta", "Oslo")
    newer = cached(db_path, packs, memory)  # the file and the memory hold the newer rows
    # The backup comes back and takes other answers: as many rows as the cache holds, and
    # the same database id, but not the same answers.
    shutil.copy(backup, db_path)
    add_session(db_path, packs, "Other", "Zeta", "Oslo")
    for table in (cached(db_path, packs), cached(db_path, packs, memory)):
        assert len(table) == len(newer)
        assert decoded(table, db_path) == reference(db_path)
        assert "Other" in table.profile_names and "Zed" not in table.profile_names
    shutil.copy(backup, db_path)  # the backup again: fewer rows than the cache
    for table in (cached(db_path, packs), cached(db_path, packs, memory)):
        assert decoded(table, db_path) == reference(db_path)


def test_a_vacuumed_database_gives_the_same_answers(db_path: Path, packs, cache_dir) -> None:
    memory = AnswerCache()
    cached(db_path, packs, memory)
    with sqlite3.connect(db_path) as conn:
        conn.execute("VACUUM")  # may renumber rows of tables without an integer key
    add_session(db_path, packs, "Zed", "Zeta", "Oslo")
    for table in (cached(db_path, packs), cached(db_path, packs, memory)):
        assert decoded(table, db_path) == reference(db_path)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty"])
def test_a_damaged_cache_file_is_rebuilt_without_an_error(
    db_path: Path, packs, cache_dir, caplog, decodes, damage: str
) -> None:
    cached(db_path, packs)
    file = the_file(cache_dir, db_path)
    data = file.read_bytes()
    file.write_bytes(
        {"garbage": b"not a cache at all" * 100, "truncated": data[: len(data) // 2], "empty": b""}[
            damage
        ]
    )
    with caplog.at_level(logging.WARNING, logger=files.__name__):
        table = cached(db_path, packs)
    assert decoded(table, db_path) == reference(db_path)
    assert "unreadable" in caplog.text
    decodes.clear()
    assert decoded(cached(db_path, packs), db_path) == reference(db_path)  # rewritten whole
    assert sum(decodes) == 0


def test_a_read_only_connection_gets_the_database_its_id(db_path: Path, cache_dir) -> None:
    reader = open_reader(db_path)
    try:
        coded = read_answers(reader, directory=cache_dir)
    finally:
        reader.conn.close()
    assert coded.persisted_rows == len(coded) > 0
    db = open_database(db_path)
    assert get_meta(db, identity.DATABASE_ID) is not None
    db.conn.close()


# --- filters in memory ----------------------------------------------------------------------
def sql_count(path: Path, where: str, params: list) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT COUNT(*) FROM answers a JOIN case_versions cv "
            "ON cv.case_hash = a.case_hash WHERE " + where,
            params,
        ).fetchone()[0]


def test_filters_in_memory_keep_the_rows_sql_keeps(db_path: Path, packs, cache_dir) -> None:
    with sqlite3.connect(db_path) as conn:
        team, site, profile, pack, lesson = conn.execute(
            "SELECT team, site, profile_id, pack_id, lesson_id FROM answers "
            "ORDER BY answered_at LIMIT 1 OFFSET 300"
        ).fetchone()
        first, last = conn.execute(
            "SELECT MIN(substr(answered_at, 1, 10)), MAX(substr(answered_at, 1, 10)) FROM answers"
        ).fetchone()
    middle = date.fromordinal(
        (date.fromisoformat(first).toordinal() + date.fromisoformat(last).toordinal()) // 2
    )
    week_end = date.fromordinal(middle.toordinal() + 6)
    cases = [
        (Filters(), "1", []),
        (Filters(teams=(team,)), "a.team = ?", [team]),
        (Filters(sites=(site,)), "a.site = ?", [site]),
        (Filters(packs=(pack,)), "a.pack_id = ?", [pack]),
        (Filters(lessons=((pack, lesson),)), "a.pack_id = ? AND a.lesson_id = ?", [pack, lesson]),
        (Filters(reviewers=(profile,)), "a.profile_id = ?", [profile]),
        (
            Filters(since=middle, until=week_end),
            "substr(a.answered_at, 1, 10) BETWEEN ? AND ?",
            [middle.isoformat(), week_end.isoformat()],
        ),
        (
            Filters(teams=(team, "No such team"), packs=(pack,), since=middle),
            "a.team = ? AND a.pack_id = ? AND substr(a.answered_at, 1, 10) >= ?",
            [team, pack, middle.isoformat()],
        ),
        (
            Filters(leave_out_unwatched=True),  # the rule of core/watching, said in SQL
            "NOT (a.skipped = 0 AND COALESCE(a.clip_unavailable, 0) = 0 AND a.watched_share < 0.5)",
            [],
        ),
        (Filters(teams=()), "0", []),
        (Filters(packs=("no-such-pack",)), "0", []),
    ]
    memory = AnswerCache()
    db = open_database(db_path)
    try:
        for filters, where, params in cases:
            table = load_answers(db, filters, packs, cache=memory)
            assert len(table) == sql_count(db_path, where, params), filters
            expected = {k for k, v in reference(db_path).items()} if where == "1" else None
            if expected is not None:
                assert set(table.answer_ids(np.arange(len(table)))) == expected
    finally:
        db.conn.close()
    assert 0 < sql_count(db_path, cases[1][1], cases[1][2]) < len(reference(db_path))
    unwatched = cases[-3]
    assert 0 < sql_count(db_path, unwatched[1], unwatched[2]) < len(reference(db_path))


def test_an_import_leaves_the_cache_ready_for_the_next_dashboard_open(
    db_path: Path, packs, cache_dir, decodes, tmp_path: Path, demo_files
) -> None:
    from calibrate.cli import main
    from calibrate.store.exchange.export import export_database

    target = tmp_path / "lead.sqlite3"
    source = open_database(db_path)
    export_database(source, tmp_path / "answers.calibrate")
    source.conn.close()
    assert main(["import", str(tmp_path / "answers.calibrate"), "--db", str(target)]) == 0
    imported = sum(decodes)
    assert imported == len(reference(target)) > 0  # the import read them into the cache
    assert the_file(cache_dir, target).exists()
    decodes.clear()
    table = cached(target, packs)  # what the dashboard's first open does, in a new cache
    assert sum(decodes) == 0 and decoded(table, target) == reference(target)


def test_an_interrupt_while_warming_the_cache_keeps_the_imported_database(
    db_path: Path, cache_dir, tmp_path: Path, monkeypatch
) -> None:
    from calibrate.cli import main
    from calibrate.store.exchange.export import export_database

    source = open_database(db_path)
    export_database(source, tmp_path / "answers.calibrate")
    source.conn.close()

    def interrupted(self, db):
        raise KeyboardInterrupt

    monkeypatch.setattr(AnswerCache, "read", interrupted)
    target = tmp_path / "new.sqlite3"
    assert main(["import", str(tmp_path / "answers.calibrate"), "--db", str(target)]) == 130
    assert len(reference(target)) == len(reference(db_path))  # committed, and kept


def test_the_app_brings_a_leads_cache_up_to_date_after_start_up(
    qtbot, db_path: Path, packs, cache_dir, decodes, tmp_path: Path
) -> None:
    import argparse

    from calibrate.app import build_context
    from calibrate.gui.main_window import MainWindow

    args = argparse.Namespace(db=db_path, lessons=[], no_bundled=False, verbose=False)
    window = MainWindow(build_context(args, tmp_path / "log.txt", load_lessons=False))
    qtbot.addWidget(window)
    window.reload_lessons()  # what the app does once its window has painted
    qtbot.waitUntil(lambda: window.cache_warming is not None, timeout=20000)
    window.cache_warming.join(20)
    assert sum(decodes) == len(reference(db_path)) > 0  # read once, in the background
    assert the_file(cache_dir, db_path).exists()
    decodes.clear()
    table = cached(db_path, packs, AnswerCache())  # the dashboard's first open
    assert sum(decodes) == 0 and decoded(table, db_path) == reference(db_path)
    window.reload_lessons()  # Ctrl+R: lessons again, the cache is not read again
    qtbot.waitUntil(lambda: not window.lessons_loading, timeout=20000)
    assert sum(decodes) == 0


def test_a_small_database_is_not_read_after_start_up(db_path: Path, decodes, monkeypatch) -> None:
    monkeypatch.setattr(files, "PERSIST_MIN_ROWS", 10**6)
    assert warm(db_path) is False
    assert decodes == []
