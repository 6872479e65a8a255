"""`calibrate demo`: a realistic, seeded history a lead can explore, written only into an empty
database. The planted effects are recomputed here from the stored rows with plain Python."""

from __future__ import annotations

import json
import math
import sqlite3
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from calibrate.core.demo_history.simulation import generate_history
from calibrate.core.lessons.loader import load_library
from calibrate.core.models import CONFIDENCE_LEVELS
from calibrate.store import catalog
from calibrate.store.db import open_database
from calibrate.store.demo_data import write_demo_history
from calibrate.store.settings import is_demo

TODAY = date(2026, 11, 25)  # a Wednesday
AMBIGUOUS = {
    "gr-protest-injury-documentation",
    "hb-course-seller-callout",
    "rg-festival-pill-testing",
}
UTC_OFFSET = {"Lisbon": 0, "Manila": 8}
TABLES = (
    "meta",
    "profiles",
    "pack_versions",
    "case_versions",
    "sessions",
    "answers",
    "events",
    "disputes",
)


@pytest.fixture(scope="module")
def packs(demo_lessons_dir: Path):
    return load_library([demo_lessons_dir]).packs


def write_demo(path: Path, packs, seed: int = 2026) -> Path:
    db = open_database(path)
    write_demo_history(db, generate_history(packs, today=TODAY, seed=seed), packs)
    db.conn.close()
    return path


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory, packs) -> sqlite3.Connection:
    path = write_demo(tmp_path_factory.mktemp("demo") / "demo.sqlite3", packs)
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    return conn


def dump(path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as conn:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in TABLES}


def calibrate(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "calibrate", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def scored(conn: sqlite3.Connection) -> list[dict]:
    """Answers with their golden decision and the pack's ladder, from the stored catalog."""
    ladders = {
        r["pack_hash"]: json.loads(r["ladder"])
        for r in conn.execute("SELECT pack_hash, ladder FROM pack_versions")
    }
    golden = {
        r["case_hash"]: r["golden_decision"]
        for r in conn.execute("SELECT case_hash, golden_decision FROM case_versions")
    }
    return [
        {**dict(a), "golden": golden[a["case_hash"]], "ladder": ladders[a["pack_hash"]]}
        for a in conn.execute("SELECT * FROM answers WHERE skipped = 0")
    ]


# -- refusing, and writing ------------------------------------------------------------------


def test_demo_refuses_a_database_with_data_and_leaves_it_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "real.sqlite3"
    db = open_database(path)
    catalog.create_profile(db, "Ana", "Graphic EU", "Lisbon")
    db.conn.close()
    before = path.read_bytes()
    result = calibrate("demo", "--db", str(path), cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "already holds data" in result.stderr and "(1 profile)" in result.stderr
    assert path.read_bytes() == before
    assert result.stdout == ""


def test_demo_refuses_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("my notes\n")
    result = calibrate("demo", "--db", str(path), cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "not empty" in result.stderr
    assert path.read_text() == "my notes\n"


def test_demo_writes_a_marked_history_into_a_new_file_quickly(tmp_path: Path) -> None:
    path = tmp_path / "new" / "demo.sqlite3"
    started = datetime.now(UTC)
    result = calibrate("demo", "--db", str(path), "--seed", "7", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "40 moderators in 3 teams at 2 sites" in result.stdout
    assert result.stderr == ""
    db = open_database(path)
    assert is_demo(db)
    latest = db.execute(
        "SELECT MAX(answered_at), MAX(finished_at) FROM answers, sessions "
    ).fetchone()
    db.conn.close()
    # Nothing has happened after the command ran, and the history runs up to the last days.
    now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    assert max(latest) <= now
    assert date.fromisoformat(max(latest)[:10]) >= started.date() - timedelta(days=4)


def test_an_empty_calibrate_database_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite3"
    open_database(path).conn.close()
    result = calibrate("demo", "--db", str(path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_bad_seed_is_a_usage_error_without_traceback(tmp_path: Path) -> None:
    result = calibrate("demo", "--db", str(tmp_path / "d.sqlite3"), "--seed", "-3", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert not (tmp_path / "d.sqlite3").exists()


def test_same_seed_gives_identical_rows_and_another_seed_does_not(tmp_path: Path, packs) -> None:
    first = dump(write_demo(tmp_path / "a.sqlite3", packs, seed=11))
    again = dump(write_demo(tmp_path / "b.sqlite3", packs, seed=11))
    other = dump(write_demo(tmp_path / "c.sqlite3", packs, seed=12))
    assert first == again
    assert first["answers"] and first["answers"] != other["answers"]


# -- the shape of the history -----------------------------------------------------------------


def test_three_teams_at_two_sites_and_about_forty_moderators(demo_db) -> None:
    teams = Counter((r["team"], r["site"]) for r in demo_db.execute("SELECT * FROM profiles"))
    assert len(teams) == 3
    assert len({site for _, site in teams}) == 2
    assert 35 <= sum(teams.values()) <= 45
    kinds = Counter(r[0] for r in demo_db.execute("SELECT kind FROM sessions"))
    assert set(kinds) == {"first_attempt", "retake", "review", "live"}
    assert kinds["first_attempt"] > kinds["retake"] > 0


def test_history_ends_today_and_spans_six_weeks_of_weekday_working_hours(demo_db) -> None:
    sessions = demo_db.execute("SELECT * FROM sessions").fetchall()
    starts = sorted(s["started_at"] for s in sessions)
    assert starts[-1][:10] == TODAY.isoformat()
    assert (TODAY - date.fromisoformat(starts[0][:10])).days >= 38
    for s in sessions:
        for stamp in (s["started_at"], s["finished_at"]):
            if stamp is None:
                continue
            local = datetime.fromisoformat(stamp) + timedelta(hours=UTC_OFFSET[s["site"]])
            assert local.weekday() < 5, stamp
            assert 8 <= local.hour < 19, (s["site"], stamp)


def test_answer_times_are_consistent_within_their_sessions(demo_db) -> None:
    sessions = {s["id"]: s for s in demo_db.execute("SELECT * FROM sessions")}
    for a in demo_db.execute("SELECT * FROM answers"):
        shown = datetime.fromisoformat(a["shown_at"])
        answered = datetime.fromisoformat(a["answered_at"])
        assert shown < answered
        assert round((answered - shown).total_seconds() * 1000) == a["time_to_answer_ms"]
        assert 0 <= a["watched_ms"] <= a["time_to_answer_ms"]
        s = sessions[a["session_id"]]
        assert s["started_at"] <= a["shown_at"]
        assert s["finished_at"] is None or a["answered_at"] <= s["finished_at"]
        assert (a["team"], a["site"], a["session_kind"]) == (s["team"], s["site"], s["kind"])
    # One person is never in two sessions at once.
    by_profile = defaultdict(list)
    for s in sessions.values():
        end = (
            s["finished_at"]
            or demo_db.execute(
                "SELECT MAX(answered_at) FROM answers WHERE session_id = ?", [s["id"]]
            ).fetchone()[0]
        )
        by_profile[s["profile_id"]].append((s["started_at"], end))
    for spans in by_profile.values():
        spans.sort()
        assert all(a[1] < b[0] for a, b in zip(spans, spans[1:], strict=False))


def test_most_answers_follow_the_whole_clip_and_a_few_hurried_ones_do_not(demo_db) -> None:
    answered = demo_db.execute(
        "SELECT watched_share, clip_unavailable, profile_id FROM answers WHERE skipped = 0"
    ).fetchall()
    shares = [a["watched_share"] for a in answered]
    assert all(s is not None and 0 <= s <= 1 for s in shares)
    assert sum(s >= 0.9 for s in shares) > 0.8 * len(shares)
    unwatched = [a for a in answered if a["watched_share"] < 0.5]
    assert 0.01 * len(answered) < len(unwatched) < 0.1 * len(answered)
    # Hurried moderators are a few people, not everyone a little.
    assert len({a["profile_id"] for a in unwatched}) < len({a["profile_id"] for a in answered})
    assert all(a["clip_unavailable"] == 0 for a in answered)  # every demo clip plays


def test_skips_only_on_warned_cases_and_confidence_tracks_correctness(demo_db) -> None:
    warned = {
        r["case_hash"]: json.loads(r["warnings"])
        for r in demo_db.execute("SELECT case_hash, warnings FROM case_versions")
    }
    skips = demo_db.execute("SELECT * FROM answers WHERE skipped = 1").fetchall()
    assert skips and all(warned[s["case_hash"]] for s in skips)
    assert all(s["decision"] is None and s["confidence"] is None for s in skips)
    rows = scored(demo_db)
    levels = {p for p, _ in CONFIDENCE_LEVELS}
    assert {r["confidence"] for r in rows} - {None} <= levels
    right = [
        r["confidence"]
        for r in rows
        if r["confidence"] is not None and r["decision"] == r["golden"]
    ]
    wrong = [
        r["confidence"]
        for r in rows
        if r["confidence"] is not None and r["decision"] != r["golden"]
    ]
    assert sum(right) / len(right) > sum(wrong) / len(wrong) + 0.1
    assert sum(1 for r in rows if r["note"]) > 20


def test_some_moderators_have_not_taken_some_lessons(demo_db) -> None:
    lessons = {
        (r[0], r[1]) for r in demo_db.execute("SELECT DISTINCT pack_id, lesson_id FROM sessions")
    }
    assert len(lessons) == 6
    taken = defaultdict(set)
    for r in demo_db.execute("SELECT profile_id, pack_id, lesson_id FROM sessions"):
        taken[r[0]].add((r[1], r[2]))
    profiles = [r[0] for r in demo_db.execute("SELECT id FROM profiles")]
    gaps = sum(len(lessons - taken[p]) for p in profiles)
    assert 0 < gaps < len(profiles) * len(lessons) // 4


# -- the planted effects ------------------------------------------------------------------------


def test_one_site_over_enforces_clearly(demo_db) -> None:
    """Manila's wrong answers lean up the ladder: the over-minus-under interval excludes 0."""
    share = {}
    for site in ("Lisbon", "Manila"):
        rows = [
            r
            for r in scored(demo_db)
            if r["site"] == site and r["golden"] in r["ladder"] and r["decision"] in r["ladder"]
        ]
        steps = [r["ladder"].index(r["decision"]) - r["ladder"].index(r["golden"]) for r in rows]
        n = len(steps)
        over, under = sum(s > 0 for s in steps) / n, sum(s < 0 for s in steps) / n
        diff = over - under
        se = math.sqrt((over + under - diff**2) / n)
        share[site] = (over, under, diff - 1.96 * se, diff)
    over, under, low, diff = share["Manila"]
    assert low > 0
    assert over > 3 * under
    assert diff > share["Lisbon"][3] + 0.03


def test_ambiguous_cases_split_the_strong_reviewers_most(demo_db) -> None:
    """Strong = top third by accuracy on the other cases they answered (DESIGN.md, Scoring)."""
    first: dict[tuple[str, str], dict] = {}
    for r in sorted(scored(demo_db), key=lambda r: r["answered_at"]):
        if r["session_kind"] in ("first_attempt", "live"):
            first.setdefault((r["profile_id"], r["case_id"]), r)
    right = defaultdict(dict)
    for (profile, case), r in first.items():
        right[profile][case] = r["decision"] == r["golden"]
    majority = {}
    for case in {c for _, c in first}:
        raters = [p for p in right if case in right[p]]

        def other_accuracy(p: str, case: str = case) -> float:
            others = [ok for c, ok in right[p].items() if c != case]
            return sum(others) / len(others) if others else 0.0

        strong = sorted(raters, key=other_accuracy, reverse=True)[: len(raters) // 3]
        assert len(strong) >= 3
        counts = Counter(first[(p, case)]["decision"] for p in strong)
        majority[case] = counts.most_common(1)[0][1] / len(strong)
    lowest = sorted(majority, key=majority.get)[:3]
    assert set(lowest) == AMBIGUOUS
    assert all(majority[c] < 0.7 for c in AMBIGUOUS)
    assert min(majority[c] for c in majority if c not in AMBIGUOUS) >= 0.7


def test_missed_escalations_are_few_but_present(demo_db) -> None:
    rows = [r for r in scored(demo_db) if r["golden"] == "escalate"]
    missed = [r for r in rows if r["decision"] != "escalate"]
    assert 1 <= len(missed) <= 0.15 * len(rows)


def test_disputes_come_from_the_ambiguous_cases(demo_db) -> None:
    disputes = demo_db.execute(
        "SELECT d.*, a.decision, a.answered_at FROM disputes d JOIN answers a ON a.id = d.answer_id"
    ).fetchall()
    assert 3 <= len(disputes) <= 20
    assert {d["case_id"] for d in disputes} <= AMBIGUOUS
    assert all(d["created_at"] > d["answered_at"] and d["note"] for d in disputes)
