""" "Where does it show?": the case keys a trainer writes, how a mark is scored, how it is kept."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from calibrate.core.lessons.loader import load_library, require_pack, validate_path
from calibrate.core.models import AnswerDraft, Moment
from calibrate.core.moments import HIT, MISSED, NOT_ASKED, UNMARKED, outcome_codes, score_mark
from calibrate.core.moments import windows as widened
from calibrate.store import answers, catalog, sessions
from calibrate.store.db import open_database
from tests.pack_factory import write_pack
from tests.test_authoring_validation import line_number, replace_in, run_validate

ASK = 'id = "c1"\nmark_moment = true\nmoment_tolerance = 0.5'


@pytest.fixture
def lessons(tmp_path: Path) -> Path:
    folder = tmp_path / "lessons"
    folder.mkdir()
    write_pack(folder, "alpha")
    return folder


def case_file(lessons: Path) -> Path:
    return lessons / "alpha" / "cases" / "c1.toml"


def test_a_case_asking_for_a_mark_loads_with_its_tolerance(lessons: Path) -> None:
    replace_in(case_file(lessons), 'id = "c1"', ASK)
    assert validate_path(lessons) == []
    case = require_pack(lessons / "alpha").cases["c1"]
    assert case.mark_moment and case.moment_tolerance == 0.5
    assert case.moments == (Moment(1.0, 2.5, "the moment"),)


def test_the_tolerance_defaults_to_one_second(lessons: Path) -> None:
    replace_in(case_file(lessons), 'id = "c1"', 'id = "c1"\nmark_moment = true')
    case = require_pack(lessons / "alpha").cases["c1"]
    assert case.mark_moment and case.moment_tolerance == 1.0


def test_a_case_without_the_keys_keeps_its_content_hash(lessons: Path) -> None:
    """Answers recorded before these keys existed still match their case version: the hash
    of a case that asks for no mark is the one Calibrate computed before (pinned here)."""
    before = require_pack(lessons / "alpha").cases["c1"].content_hash
    assert before == "1e20ac422217e7a8"  # as computed by Calibrate before schema 7
    replace_in(case_file(lessons), 'id = "c1"', 'id = "c1"\nmark_moment = true')
    asked = require_pack(lessons / "alpha").cases["c1"].content_hash
    replace_in(case_file(lessons), "mark_moment = true", "mark_moment = true\nmoment_tolerance = 2")
    wider = require_pack(lessons / "alpha").cases["c1"].content_hash
    assert len({before, asked, wider}) == 3  # the question and its tolerance are golden data


@pytest.mark.parametrize(
    ("text", "key", "message"),
    [
        ('id = "c1"\nmoment_tolerance = 1.0', "moment_tolerance", "only with mark_moment = true"),
        (
            'id = "c1"\nmark_moment = false\nmoment_tolerance = 1.0',
            "moment_tolerance",
            "only with mark_moment = true",
        ),
        ('id = "c1"\nmark_moment = true\nmoment_tolerance = -1', "moment_tolerance", "0 or more"),
        ('id = "c1"\nmark_moment = true\nmoment_tolerance = 500', "moment_tolerance", "not milli"),
        ('id = "c1"\nmark_moment = true\nmoment_tolerance = nan', "moment_tolerance", "0 or more"),
        ('id = "c1"\nmark_moment = true\nmoment_tolerance = "1s"', "moment_tolerance", "seconds"),
        ('id = "c1"\nmark_moment = true\nmoment_tolerance = true', "moment_tolerance", "seconds"),
        ('id = "c1"\nmark_moment = "yes"', "mark_moment", "valid boolean"),
    ],
)
def test_bad_mark_keys_are_located_errors(lessons: Path, text: str, key: str, message: str):
    case = case_file(lessons)
    replace_in(case, 'id = "c1"', text)
    [problem] = validate_path(case)
    assert problem.key_path == key and message in problem.message, problem
    assert problem.line == line_number(case, f"{key} =")


def test_a_mark_needs_golden_moments_to_be_scored_against(lessons: Path) -> None:
    case = case_file(lessons)
    text = case.read_text()
    case.write_text(
        text[: text.index("[[moments]]")].replace('id = "c1"', 'id = "c1"\nmark_moment = true')
    )
    result = run_validate(case, cwd=lessons.parent)
    assert result.returncode == 1
    line = line_number(case, "mark_moment =")
    assert result.stdout.splitlines() == [
        f"lessons/alpha/cases/c1.toml:{line}: mark_moment: mark_moment = true needs at least "
        "one [[moments]] entry (start, end) to score the moderator's mark against"
    ]
    [pack] = load_library([lessons]).packs
    assert [u.lesson.id for u in pack.unavailable] == ["basics"]  # never half a question


MOMENTS = (Moment(4.0, 6.0), Moment(10.2, 10.5))


@pytest.mark.parametrize(
    ("mark", "outcome", "distance"),
    [
        (3.0, HIT, 0.0),  # exactly at start − tolerance
        (7.0, HIT, 0.0),  # exactly at end + tolerance
        (2.999, MISSED, 0.001),
        (7.001, MISSED, 0.001),
        (5.0, HIT, 0.0),
        (9.2, HIT, 0.0),  # 10.2 − 1.0: binary 10.2 − 1.0 is 9.199999…, milliseconds agree
        (8.5, MISSED, 0.7),  # nearer the second moment's widened start (9.2) than 7.0
        (0.0, MISSED, 3.0),
    ],
)
def test_a_mark_hits_within_a_golden_moment_widened_by_the_tolerance(
    mark: float, outcome: int, distance: float
) -> None:
    result = score_mark(mark, MOMENTS, 1.0)
    assert (result.outcome, result.distance) == (outcome, pytest.approx(distance))


def test_no_mark_no_question_no_moments_and_skips() -> None:
    assert score_mark(None, MOMENTS, 1.0).outcome == UNMARKED
    assert score_mark(5.0, MOMENTS, 1.0, asked=False).outcome == NOT_ASKED
    assert score_mark(5.0, (), 1.0).outcome == NOT_ASKED  # nothing to score against
    assert score_mark(5.0, MOMENTS, 1.0, skipped=True).outcome == NOT_ASKED
    assert score_mark(4.0, MOMENTS, 0.0).hit and not score_mark(3.999, MOMENTS, 0.0).hit


def test_many_marks_are_scored_as_one_mark_is() -> None:
    """The dashboard's vectorised scoring agrees with score_mark mark by mark."""
    marks = np.array([3.0, 7.001, np.nan, 9.2, 5.0, 0.2, 0.3, 5.0])
    version = np.array([0, 0, 0, 0, 1, 2, 2, -1])
    skipped = np.array([False, False, False, False, False, False, False, False])
    skipped_too = skipped.copy()
    skipped_too[3] = True
    tables = [widened(MOMENTS, 1.0), [], widened((Moment(0.1, 0.2),), 0.1)]
    codes = outcome_codes(marks, skipped_too, version, tables)
    assert codes.tolist() == [HIT, MISSED, UNMARKED, NOT_ASKED, NOT_ASKED, HIT, HIT, NOT_ASKED]
    expected = [score_mark(3.0, MOMENTS, 1.0).outcome, score_mark(0.3, (Moment(0.1, 0.2),), 0.1)]
    assert [codes[0], codes[6]] == [expected[0], expected[1].outcome]


def _record(db, pack, case_id: str, draft: AnswerDraft):
    profile = catalog.create_profile(db, "Eli", "T", "S")
    catalog.record_pack_version(db, pack)
    session_id = sessions.start_session(db, profile, pack, "basics", "first_attempt")
    return answers.record_answer(
        db,
        session_id=session_id,
        session_kind="first_attempt",
        profile=profile,
        pack=pack,
        lesson_id="basics",
        case=pack.cases[case_id],
        draft=draft,
        shown_at="2026-11-25T10:00:00.000Z",
        time_to_answer_ms=5,
        watched_ms=900,
    )


def test_the_mark_is_kept_with_the_answer_and_the_moments_with_the_case_version(
    lessons: Path, tmp_path: Path
) -> None:
    replace_in(case_file(lessons), 'id = "c1"', ASK)
    pack = require_pack(lessons / "alpha")
    db = open_database(tmp_path / "db.sqlite3")
    answer = _record(db, pack, "c1", AnswerDraft("remove", "GR-1", 0.8, marked_moment=1.234))
    [kept] = answers.answers_for_session(db, answer.session_id)
    assert kept.marked_moment == 1.234 and kept == answer
    version = db["case_versions"].get(pack.cases["c1"].content_hash)
    assert version["golden_moments"] == "[[1.0, 2.5]]" and version["moment_tolerance"] == 0.5
    other = db["case_versions"].get(pack.cases["c2"].content_hash)
    assert other["moment_tolerance"] is None  # c2 asks for no mark
    # A second connection (another process) reads it committed: WAL, synchronous=FULL.
    raw = sqlite3.connect(tmp_path / "db.sqlite3")
    assert raw.execute("SELECT marked_moment FROM answers").fetchall() == [(1.234,)]


def test_a_mark_on_a_case_that_asks_for_none_or_on_a_skip_is_not_kept(
    lessons: Path, tmp_path: Path
) -> None:
    replace_in(case_file(lessons), 'id = "c1"', ASK)
    pack = require_pack(lessons / "alpha")
    db = open_database(tmp_path / "db.sqlite3")
    unasked = _record(db, pack, "c2", AnswerDraft("remove", "GR-1", 0.8, marked_moment=1.5))
    skipped = _record(db, pack, "c1", AnswerDraft(None, skipped=True, marked_moment=1.5))
    assert unasked.marked_moment is None and skipped.marked_moment is None


def test_the_database_refuses_a_negative_mark(lessons: Path, tmp_path: Path) -> None:
    replace_in(case_file(lessons), 'id = "c1"', ASK)
    pack = require_pack(lessons / "alpha")
    db = open_database(tmp_path / "db.sqlite3")
    with pytest.raises(ValueError, match="marked_moment -2.0 must be seconds"):
        _record(db, pack, "c1", AnswerDraft("remove", "GR-1", 0.8, marked_moment=-2.0))


def test_a_rate_of_none_or_all_has_an_interval_ending_exactly_at_0_or_1() -> None:
    """A reviewer with no mark on the moment read "−0%–66%": rounding put the Wilson bound
    a hair below 0."""
    from calibrate.core.metrics.accuracy import wilson_interval

    lo, hi = wilson_interval(np.array([0, 2, 7]), np.array([2, 2, 7]))
    assert lo[0] == 0.0 and hi[1] == 1.0 and hi[2] == 1.0
    assert np.isnan(wilson_interval(0, 0)[0])


def test_marks_travel_in_export_and_import_and_a_bad_one_is_refused(
    lessons: Path, tmp_path: Path
) -> None:
    from calibrate.core.errors import ExchangeError
    from calibrate.store.exchange.export import export_database
    from calibrate.store.exchange.export_file import load_export
    from calibrate.store.exchange.merge import merge_export
    from tests.test_exchange import rewrite

    replace_in(case_file(lessons), 'id = "c1"', ASK)
    pack = require_pack(lessons / "alpha")
    source = open_database(tmp_path / "a.sqlite3")
    answer = _record(source, pack, "c1", AnswerDraft("remove", "GR-1", 0.8, marked_moment=1.75))
    out = tmp_path / "a.calibrate"
    export_database(source, out)
    target = open_database(tmp_path / "b.sqlite3")
    merge_export(target, load_export(out))
    [copied] = answers.answers_for_session(target, answer.session_id)
    assert copied.marked_moment == 1.75
    assert target["case_versions"].get(pack.cases["c1"].content_hash)["moment_tolerance"] == 0.5

    def negative(header, body):
        return header, [
            line.replace(b'"marked_moment":1.75', b'"marked_moment":-1.75') for line in body
        ]

    bad = rewrite(out, tmp_path / "bad.calibrate", negative, fix_checksum=True)
    fresh = open_database(tmp_path / "c.sqlite3")
    with pytest.raises(
        ExchangeError, match=r"row \d+: answer .*marked_moment -1.75 must be seconds"
    ):
        merge_export(fresh, load_export(bad))
    assert fresh.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 0


def test_the_case_editor_document_writes_the_keys_above_the_tables(lessons: Path) -> None:
    """Top-level keys written after a [table] would belong to it: the editor's document
    puts mark_moment and moment_tolerance after `warnings`, and the file validates."""
    from calibrate.core.authoring.case_document import CaseDocument

    case = case_file(lessons)
    document = CaseDocument(case.read_text())
    document.set(("mark_moment",), True)
    document.set(("moment_tolerance",), 0.25)
    case.write_text(document.text())
    assert validate_path(case) == []
    lines = case.read_text().splitlines()
    assert lines.index("mark_moment = true") == lines.index('warnings = ["graphic"]') + 1
    assert require_pack(lessons / "alpha").cases["c1"].moment_tolerance == 0.25
