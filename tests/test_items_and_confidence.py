"""Item analysis flags cases where strong reviewers split; confidence calibration figures."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.calibration import calibration_curve
from sklearn.metrics import brier_score_loss

from calibrate.core.metrics.accuracy import gold_codes
from calibrate.core.metrics.confidence import brier_score, reliability_curve
from calibrate.core.metrics.items import item_analysis
from calibrate.core.metrics.rating_builders import ratings_from_rows

LABELS = ("allow", "warn", "remove")


def build(answers: dict[str, dict[str, str]], gold: dict[str, str]):
    rows = [
        (case, rater, label) for rater, cases in answers.items() for case, label in cases.items()
    ]
    table = ratings_from_rows(rows, reference_labels=LABELS)
    return table, gold_codes(table, gold)


def classroom(hard_answers: dict[str, str]):
    """Ten clear cases everyone but the weak get right, plus one case "hard"."""
    gold = {f"c{i}": LABELS[i % 3] for i in range(10)} | {"hard": "remove"}
    answers: dict[str, dict[str, str]] = {}
    for r in range(9):
        skill = 10 if r < 3 else (7 if r < 6 else 3)  # 3 strong, 3 middling, 3 weak
        answers[f"r{r}"] = {
            f"c{i}": gold[f"c{i}"] if i < skill else LABELS[(i + 1) % 3] for i in range(10)
        }
        answers[f"r{r}"]["hard"] = hard_answers.get(f"r{r}", "remove")
    return build(answers, gold)


def test_a_case_where_strong_reviewers_split_is_flagged_as_unclear_guidance():
    table, gold = classroom({"r0": "allow", "r1": "warn", "r2": "remove"})
    result = item_analysis(table, gold)
    assert result.unclear_cases() == ["hard"]
    hard = table.case_ids.index("hard")
    assert result.strong[hard] == 3 and result.strong_modal_share[hard] == pytest.approx(1 / 3)


def test_weak_reviewers_splitting_does_not_flag_the_guidance():
    table, gold = classroom({"r6": "allow", "r7": "warn", "r8": "allow"})
    assert item_analysis(table, gold).unclear_cases() == []


def test_facility_and_discrimination_of_a_case_strong_get_right_and_weak_miss():
    table, gold = classroom({"r6": "allow", "r7": "allow", "r8": "warn"})
    result = item_analysis(table, gold)
    hard = table.case_ids.index("hard")
    assert result.facility[hard] == pytest.approx(6 / 9)
    assert result.discrimination[hard] == pytest.approx(1.0)


def test_strength_ignores_the_case_itself():
    # r0 is right only on "hard": on the other cases r0 is the weakest, so not strong there.
    gold = {"a": "allow", "b": "allow", "hard": "remove"}
    answers = {
        "r0": {"a": "warn", "b": "warn", "hard": "remove"},
        "r1": {"a": "allow", "b": "allow", "hard": "allow"},
        "r2": {"a": "allow", "b": "warn", "hard": "warn"},
    }
    table, codes = build(answers, gold)
    result = item_analysis(table, codes)
    hard = table.case_ids.index("hard")
    assert result.strong[hard] == 1  # r1 alone tops the third
    assert result.discrimination[hard] == pytest.approx(0.0 - 1.0)  # r1 wrong, r0 right


def brute_force(matrix: np.ndarray, gold: np.ndarray):
    """The definition, one case and one reviewer at a time."""
    n_cases, n_raters = matrix.shape
    out = []
    for c in range(n_cases):
        raters = [r for r in range(n_raters) if matrix[c, r] >= 0]
        loo = {}
        for r in raters:
            others = [x for x in range(n_cases) if x != c and matrix[x, r] >= 0 and gold[x] >= 0]
            if others:
                loo[r] = sum(matrix[x, r] == gold[x] for x in others) / len(others)
        ranked = sorted(loo.values(), reverse=True)
        third = math.ceil(len(ranked) / 3)
        strong = [r for r in loo if ranked and loo[r] >= ranked[third - 1]]
        weak = [r for r in loo if ranked and loo[r] <= ranked[len(ranked) - third]]
        facility = (
            np.mean([matrix[c, r] == gold[c] for r in raters])
            if gold[c] >= 0 and raters
            else math.nan
        )
        disc = math.nan
        if gold[c] >= 0 and len(loo) >= 3:
            disc = np.mean([matrix[c, r] == gold[c] for r in strong]) - np.mean(
                [matrix[c, r] == gold[c] for r in weak]
            )
        answers = [matrix[c, r] for r in strong]
        share = max(answers.count(a) for a in set(answers)) / len(answers) if answers else 0
        out.append((facility, disc, len(strong) >= 3 and share < 0.6))
    return out


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.integers(0, 2**32 - 1),
    st.integers(2, 12),
    st.integers(1, 9),
    st.sampled_from([0.0, 0.3, 0.6]),
)
def test_item_analysis_matches_the_definition_case_by_case(seed, n_cases, n_raters, missing):
    rng = np.random.default_rng(seed)
    matrix = rng.integers(0, 3, (n_cases, n_raters))
    matrix[rng.random(matrix.shape) < missing] = -1
    matrix = matrix[(matrix >= 0).any(axis=1)]
    if matrix.shape[0] == 0:
        return
    gold = rng.integers(0, 3, matrix.shape[0])
    gold[rng.random(matrix.shape[0]) < 0.2] = -1
    answers = {
        f"r{r}": {
            f"c{c}": LABELS[matrix[c, r]] for c in range(matrix.shape[0]) if matrix[c, r] >= 0
        }
        for r in range(matrix.shape[1])
    }
    table, codes = build(answers, {f"c{c}": LABELS[g] for c, g in enumerate(gold) if g >= 0})
    result = item_analysis(table, codes)
    for c, (facility, disc, split) in enumerate(brute_force(matrix, gold)):
        i = table.case_ids.index(f"c{c}")
        assert result.facility[i] == pytest.approx(facility, nan_ok=True)
        assert result.discrimination[i] == pytest.approx(disc, nan_ok=True)
        assert bool(result.split[i]) == split


def test_rows_are_plain_values_without_nan():
    table, gold = classroom({})
    for row in item_analysis(table, gold).rows():
        assert all(not (isinstance(v, float) and math.isnan(v)) for v in row.values())


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 300))
def test_brier_and_reliability_curve_match_scikit_learn(seed, n):
    rng = np.random.default_rng(seed)
    steps = np.array([0.5, 0.6, 0.7, 0.8, 0.9, 1.0])  # the answer form's labelled steps
    confidence = rng.choice(steps, size=n)
    correct = rng.random(n) < confidence * 0.9
    assert brier_score(confidence, correct) == pytest.approx(
        brier_score_loss(correct, confidence), abs=1e-12
    )
    curve = reliability_curve(confidence, correct, bins=10)
    prob_true, prob_pred = calibration_curve(correct, confidence, n_bins=10)
    filled = curve.count > 0
    assert curve.accuracy[filled] == pytest.approx(prob_true, abs=1e-12)
    assert curve.mean_confidence[filled] == pytest.approx(prob_pred, abs=1e-12)
    assert curve.count.sum() == n


def test_a_confidence_on_a_bin_edge_falls_in_the_bin_ending_there():
    curve = reliability_curve([0.6, 0.6, 0.65], [True, False, True], bins=10)
    assert curve.count[5] == 2 and curve.count[6] == 1


def test_calibration_error_is_zero_when_confidence_matches_accuracy():
    curve = reliability_curve([0.5, 0.5, 1.0], [True, False, True], bins=[0, 0.5, 1])
    assert curve.calibration_error == 0


def test_confidence_outside_0_1_is_refused():
    with pytest.raises(ValueError):
        brier_score([1.2], [True])
    assert brier_score([], []) is None
