"""The rules every stored row obeys (core/answer_rules.py), one impossible value at a time."""

from __future__ import annotations

import os

import pytest

from calibrate.core.answer_rules import (
    CaseFacts,
    PackFacts,
    answer_problems,
    demo_id,
    is_demo_id,
    profile_problems,
    session_problems,
)

PACK = PackFacts("graphic-content", ("allow", "remove", "escalate"), ("GR-1", "GR-2"))
CASE = CaseFacts("graphic-content", "gr-kitchen-cut")
GOOD = {
    "id": "a1",
    "session_id": "s1",
    "profile_id": "p1",
    "pack_id": "graphic-content",
    "lesson_id": "gr-context",
    "case_id": "gr-kitchen-cut",
    "case_hash": "c" * 16,
    "pack_hash": "p" * 16,
    "team": "T",
    "site": "S",
    "session_kind": "first_attempt",
    "decision": "escalate",
    "clause": "GR-1",
    "confidence": 0.8,
    "note": "",
    "skipped": 0,
    "shown_at": "2026-03-02T10:00:00.000Z",
    "answered_at": "2026-03-02T10:00:30.123Z",
    "time_to_answer_ms": 30123,
    "watched_ms": 12000,
}


def test_a_good_answer_and_a_good_skip_pass() -> None:
    assert answer_problems(GOOD, PACK, CASE) == []
    skip = {**GOOD, "skipped": 1, "decision": None, "clause": None, "confidence": None}
    assert answer_problems(skip, PACK, CASE) == []
    assert answer_problems({**GOOD, "watched_share": 0.5, "clip_unavailable": 1}, PACK, CASE) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"confidence": 5.0}, "confidence 5.0 is not a probability"),
        ({"confidence": float("inf")}, "confidence inf is not a probability"),
        ({"confidence": float("nan")}, "confidence nan is not a probability"),
        ({"confidence": -1}, "confidence -1 is not a probability"),
        ({"confidence": True}, "confidence True is not a probability"),
        ({"decision": "obliterate"}, "decision 'obliterate' is not one of allow, remove, escalate"),
        ({"decision": None}, "decision None is not one of"),
        ({"clause": "XX-9"}, "clause 'XX-9' is not one of GR-1, GR-2"),
        ({"skipped": 7}, "skipped 7 must be 0 or 1"),
        ({"skipped": 1}, "a skipped answer has no decision, clause, confidence"),
        ({"answered_at": "yesterday"}, "answered_at 'yesterday' is not an ISO 8601 UTC time"),
        ({"answered_at": "2026-02-30T10:00:00Z"}, "answered_at '2026-02-30T10:00:00Z' is not"),
        ({"answered_at": "2026-03-02T10:00:00+02:00"}, "is not an ISO 8601 UTC time"),
        (
            {"answered_at": "2026-03-02T09:00:00.000Z"},
            "answered_at 2026-03-02T09:00:00.000Z is before shown_at",
        ),
        ({"time_to_answer_ms": -5}, "time_to_answer_ms -5 must be a whole number"),
        ({"watched_ms": 1.5}, "watched_ms 1.5 must be a whole number"),
        ({"watched_ms": 10**30}, "must be a whole number of milliseconds"),
        ({"session_kind": "party"}, "session_kind 'party' is not one of first_attempt"),
        ({"pack_id": "harassment"}, "is of pack graphic-content, not 'harassment'"),
        ({"case_id": "other"}, "is graphic-content/gr-kitchen-cut, not graphic-content/other"),
        ({"team": 5}, "team 5 must be text"),
        ({"watched_share": 1.5}, "watched_share 1.5 is not a share"),
        ({"clip_unavailable": 2}, "clip_unavailable 2 must be 0, 1 or null"),
    ],
)
def test_each_impossible_value_is_named(change: dict, message: str) -> None:
    problems = answer_problems({**GOOD, **change}, PACK, CASE)
    assert any(message in p for p in problems), problems


def test_unknown_pack_and_case_versions_are_named() -> None:
    problems = answer_problems(GOOD, None, None)
    assert "pack version 'pppppppppppppppp' is neither in the file nor in the database" in problems
    assert any(p.startswith("case version 'cccccccccccccccc' is neither") for p in problems)


def test_an_unloaded_pack_checks_a_clause_by_its_shape_only() -> None:
    unloaded = PACK._replace(clauses=None)
    assert answer_problems({**GOOD, "clause": "GR-7"}, unloaded, CASE) == []
    assert answer_problems({**GOOD, "clause": "x" * 65}, unloaded, CASE) != []


def test_sessions_and_profiles() -> None:
    session = {
        "id": "s1",
        "profile_id": "p1",
        "pack_id": "graphic-content",
        "lesson_id": "l",
        "pack_hash": "p" * 16,
        "kind": "retake",
        "team": "T",
        "site": "S",
        "started_at": "2026-03-02T10:00:00.000Z",
        "finished_at": None,
    }
    assert session_problems(session, PACK) == []
    assert session_problems(
        {**session, "kind": "party", "finished_at": "2026-03-01T00:00:00Z"}, PACK
    ) == [
        "kind 'party' is not one of first_attempt, retake, review, live",
        "finished_at 2026-03-01T00:00:00Z is before started_at 2026-03-02T10:00:00.000Z",
    ]
    profile = {
        "id": "p1",
        "name": "Ana",
        "team": "",
        "site": "",
        "role": "moderator",
        "created_at": "2026-03-02T10:00:00.000Z",
    }
    assert profile_problems(profile) == []
    assert profile_problems({**profile, "name": " ", "role": "admin", "created_at": 3}) == [
        "name ' ' must be non-empty text",
        "role 'admin' is not one of moderator, trainer, lead",
        "created_at 3 is not an ISO 8601 UTC time like 2026-03-02T14:05:09.123Z",
    ]


def test_demo_ids_are_uuids_the_app_never_makes() -> None:
    import uuid

    made = demo_id(os.urandom(16))
    assert is_demo_id(made) and uuid.UUID(made).version == 8
    assert not is_demo_id(str(uuid.uuid4())) and not is_demo_id(None)
    assert not is_demo_id("de300de3-0000-4000-8000-000000000000")  # the prefix alone: no
