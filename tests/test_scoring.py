"""Scoring an answer against the golden one: correct, over/under, escalations, skips."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from calibrate.core.scoring import (
    Outcome,
    rungs_of,
    score_answer,
    score_codes,
    summarize,
)

LADDER = ("allow", "not_recommended", "age_restricted", "warning_screen", "remove")
DECISIONS = (*LADDER, "escalate")


def test_matching_the_golden_decision_is_correct():
    score = score_answer("remove", "remove", LADDER)
    assert score.correct is True and score.outcome is Outcome.CORRECT and score.distance == 0


def test_a_more_restrictive_rung_is_over_enforcement_with_its_distance():
    score = score_answer("remove", "not_recommended", LADDER)
    assert score.outcome is Outcome.OVER and score.distance == 3 and score.correct is False


def test_a_less_restrictive_rung_is_under_enforcement():
    score = score_answer("allow", "warning_screen", LADDER)
    assert score.outcome is Outcome.UNDER and score.distance == -3


def test_missing_a_needed_escalation_is_a_critical_error_whatever_was_chosen():
    for chosen in LADDER:
        score = score_answer(chosen, "escalate", LADDER)
        assert score.outcome is Outcome.MISSED_ESCALATION and score.critical
        assert score.distance is None


def test_escalating_what_needed_no_escalation_is_counted_apart_and_not_critical():
    score = score_answer("escalate", "allow", LADDER)
    assert score.outcome is Outcome.UNNEEDED_ESCALATION and not score.critical
    assert score.correct is False


def test_a_needed_escalation_is_correct():
    assert score_answer("escalate", "escalate", LADDER).correct is True


def test_a_skipped_case_is_never_scored_as_wrong():
    score = score_answer(None, "remove", LADDER)
    assert score.outcome is Outcome.SKIPPED and score.correct is None and not score.critical


def test_clause_accuracy_is_reported_beside_never_folded_in():
    score = score_answer("remove", "remove", LADDER, chosen_clause="3.1", golden_clauses={"3.2"})
    assert score.correct is True and score.clause_correct is False
    assert (
        score_answer(
            "allow", "remove", LADDER, chosen_clause="3.2", golden_clauses=["3.2"]
        ).clause_correct
        is True
    )
    assert score_answer("allow", "remove", LADDER).clause_correct is None


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from((*DECISIONS, None)), st.sampled_from(DECISIONS)),
        min_size=1,
        max_size=60,
    )
)
def test_vectorised_scoring_agrees_with_one_answer_at_a_time(pairs):
    codes = {d: i for i, d in enumerate(DECISIONS)}
    chosen = np.array([codes[c] if c is not None else -1 for c, _ in pairs])
    golden = np.array([codes[g] for _, g in pairs])
    outcome, distance = score_codes(chosen, golden, rungs_of(DECISIONS, LADDER))
    for i, (c, g) in enumerate(pairs):
        one = score_answer(c, g, LADDER)
        assert Outcome(int(outcome[i])) is one.outcome
        assert distance[i] == (one.distance or 0)


def test_summary_counts_each_direction_and_keeps_skips_apart():
    codes = {d: i for i, d in enumerate(DECISIONS)}
    pairs = [
        ("remove", "allow"),
        ("allow", "remove"),
        ("allow", "age_restricted"),
        ("remove", "remove"),
        (None, "remove"),
        ("allow", "escalate"),
        ("escalate", "allow"),
    ]
    chosen = np.array([codes[c] if c else -1 for c, _ in pairs])
    golden = np.array([codes[g] for _, g in pairs])
    summary = summarize(*score_codes(chosen, golden, rungs_of(DECISIONS, LADDER)))
    assert (summary.scored, summary.correct, summary.over, summary.under) == (6, 1, 1, 2)
    assert (summary.missed_escalations, summary.unneeded_escalations, summary.skipped) == (1, 1, 1)
    assert summary.mean_over_distance == 4
    assert summary.mean_under_distance == (4 + 2) / 2
