"""The lead dashboard's "Reviews" section: on the cases reviewers were given again, accuracy
on the first attempt vs each later review, per team, with Wilson intervals — counted by hand
on a small history written through the real store (issue 18)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from calibrate.core.metrics.accuracy import wilson_interval
from calibrate.core.metrics.answer_table import Filters
from tests.review_history import T0, answer_at, open_workspace

# (team, reviewer, case, [(kind, decision), ...] in time order); golden is "remove".
HISTORY = [
    ("EU", "Ana", "c1", [("first_attempt", "allow"), ("review", "remove"), ("review", "remove")]),
    (
        "EU",
        "Ana",
        "c2",
        [
            ("first_attempt", "allow"),
            ("review", "allow"),
            ("review", "remove"),
            ("review", "remove"),
            ("review", "allow"),
        ],
    ),
    ("EU", "Ben", "c1", [("first_attempt", "remove"), ("retake", "allow"), ("review", "remove")]),
    ("EU", "Ben", "c2", [("first_attempt", "allow"), (None, None)]),  # never reviewed
    ("US", "Cruz", "c1", [("live", "allow"), ("review", None), ("review", "allow")]),
]
# By hand. EU, first attempts of the reviewed pairs: Ana c1 ✗, Ana c2 ✗, Ben c1 ✓ → 1 of 3.
#   review 1: Ana c1 ✓, Ana c2 ✗, Ben c1 ✓ → 2 of 3 (Ben's retake is left out)
#   review 2: Ana c1 ✓, Ana c2 ✓ → 2 of 2; review 3+: Ana c2 ✓, ✗ → 1 of 2
# US: first attempt Cruz c1 ✗ → 0 of 1; the skipped review is not counted, so his second
#   review answer is review 1: ✗ → 0 of 1.
EXPECTED = {
    ("EU", "first attempt"): (3, 1),
    ("EU", "review 1"): (3, 2),
    ("EU", "review 2"): (2, 2),
    ("EU", "review 3+"): (2, 1),
    ("US", "first attempt"): (1, 0),
    ("US", "review 1"): (1, 0),
    ("all", "first attempt"): (4, 1),
    ("all", "review 1"): (4, 2),
    ("all", "review 2"): (2, 2),
    ("all", "review 3+"): (2, 1),
}


@pytest.fixture
def ws(tmp_path, monkeypatch):
    ws = open_workspace(tmp_path, {"alpha": ("c1", "c2")})
    pack = ws.pack("alpha")
    people = {}
    for i, (team, name, case, answers) in enumerate(HISTORY):
        profile = people.setdefault(name, ws.profiles.create(name, team, "Lisbon"))
        for day, (kind, decision) in enumerate(answers):
            at = T0 + timedelta(days=3 * day, minutes=i)
            answer_at(monkeypatch, ws, profile, pack, case, decision, 0.6, at, kind or "review")
    yield ws
    ws.close()


def test_reviews_section_counts_first_attempts_against_each_later_review(ws):
    section = ws.dashboard.complete(Filters(), 0.9).reviews
    header, rows = section.rows()
    assert header == ("team", "attempt", "n", "correct", "accuracy", "lo", "hi")
    got = {(r[0], r[1]): (r[2], r[3]) for r in rows}
    assert got == EXPECTED
    assert section.pairs == 4  # Ana c1, Ana c2, Ben c1, Cruz c1
    for _team, _attempt, n, correct, accuracy, lo, hi in rows:
        assert accuracy == pytest.approx(correct / n)
        assert (lo, hi) == pytest.approx(wilson_interval(correct, n))


def test_reviews_section_follows_the_team_filter_and_is_empty_without_reviews(ws):
    only_us = ws.dashboard.complete(Filters(teams=("US",)), 0.9).reviews
    assert {(r[0], r[1]) for r in only_us.rows()[1]} == {
        ("US", "first attempt"),
        ("US", "review 1"),
        ("all", "first attempt"),
        ("all", "review 1"),
    }
    no_reviews = ws.dashboard.complete(Filters(reviewers=("nobody",)), 0.9).reviews
    assert no_reviews.rows()[1] == [] and no_reviews.pairs == 0
