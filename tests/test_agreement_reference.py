"""Our metrics agree with independent reference libraries on many random rating tables.

References: irrCAC (Gwet's percent agreement variance is checked through its Brennan–Prediger,
Fleiss' κ, AC1), krippendorff, statsmodels (Fleiss' κ, Cohen's κ with its asymptotic
interval, Wilson intervals), scikit-learn (Cohen's κ, confusion matrix, Brier score,
calibration curve), scipy (Student's t). Tables include heavy missingness and cases rated once.
"""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from irrCAC.raw import CAC
from scipy import stats
from sklearn.metrics import cohen_kappa_score
from sklearn.metrics import confusion_matrix as sk_confusion
from statsmodels.stats.inter_rater import cohens_kappa, fleiss_kappa
from statsmodels.stats.proportion import proportion_confint

from calibrate.core.metrics import accuracy, agreement
from calibrate.core.metrics.rating_builders import ratings_from_rows

TOL = 1e-9
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def random_matrix(seed: int, n_cases: int, n_raters: int, k: int, missing: float) -> np.ndarray:
    """Cases × raters of category indices, -1 where a rating is missing."""
    rng = np.random.default_rng(seed)
    # Skewed prevalences and rater-specific noise, so tables are not all near chance.
    truth = rng.choice(k, size=n_cases, p=rng.dirichlet(np.ones(k)))
    noisy = rng.random((n_cases, n_raters)) < rng.uniform(0.1, 0.9)
    m = np.where(noisy, rng.integers(0, k, (n_cases, n_raters)), truth[:, None])
    m[rng.random((n_cases, n_raters)) < missing] = -1
    return m[(m >= 0).any(axis=1)]


tables = st.builds(
    random_matrix,
    st.integers(0, 2**32 - 1),
    st.integers(2, 60),
    st.integers(2, 7),
    st.integers(2, 5),
    st.sampled_from([0.0, 0.1, 0.3, 0.5, 0.7]),
)


def our_table(m: np.ndarray, labels: list[str] | None = None, every_label: bool = False):
    labels = labels or [f"cat{c}" for c in range(m.max() + 1)]
    rows = [
        (f"case{i}", f"rater{j}", labels[m[i, j]]) for i, j in zip(*np.nonzero(m >= 0), strict=True)
    ]
    rng = np.random.default_rng(len(rows))
    rows = [rows[i] for i in rng.permutation(len(rows))]  # file order must not matter
    return ratings_from_rows(rows, reference_labels=labels if every_label else ())


def irr_frame(m: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame(np.where(m >= 0, m, np.nan).astype(float))


def pairable(m: np.ndarray) -> bool:
    """Two or more cases, one rated twice, two categories: where the references answer."""
    per_case = (m >= 0).sum(axis=1)
    return m.shape[0] >= 2 and bool((per_case >= 2).any()) and len(np.unique(m[m >= 0])) >= 2


@SETTINGS
@given(tables)
def test_gwet_family_matches_irrcac_values_errors_and_intervals(m):
    assume(pairable(m))
    table = our_table(m)
    cac = CAC(irr_frame(m), digits=20)
    for ours, theirs in (
        (agreement.fleiss_kappa, cac.fleiss),
        (agreement.gwet_ac1, cac.gwet),
        (agreement.brennan_prediger, cac.bp),
    ):
        estimate, ref = ours(table.counts), theirs()["est"]
        assert estimate.value == pytest.approx(ref["coefficient_value"], abs=TOL)
        if ref["se"] > 1e-12:
            assert estimate.se == pytest.approx(ref["se"], abs=TOL)
        # scipy 1.12's t.ppf is off by up to ~2e-9 relative (its own t.sf at that point is
        # not 0.025); ours solves the tail exactly, so allow that much of the half-width.
        slack = TOL + 1e-8 * ref["se"]
        assert estimate.ci95[0] == pytest.approx(ref["confidence_interval"][0], abs=slack)
        assert estimate.ci95[1] == pytest.approx(ref["confidence_interval"][1], abs=slack)


@SETTINGS
@given(tables)
def test_percent_agreement_matches_irrcac_pa_and_gwets_variance(m):
    assume(pairable(m))
    table = our_table(m)
    estimate = agreement.percent_agreement(table.counts)
    bp = CAC(irr_frame(m), digits=20).bp()["est"]
    assert estimate.value == pytest.approx(bp["pa"], abs=TOL)
    if ((m >= 0).sum(axis=1) >= 2).all():
        # Gwet's B-P terms are the percent-agreement terms over (1 - 1/q): the SEs scale so.
        q = len(np.unique(m[m >= 0]))
        assert estimate.se == pytest.approx(bp["se"] * (1 - 1 / q), abs=TOL)


@SETTINGS
@given(tables)
def test_krippendorff_alpha_matches_reference_at_every_level(m):
    assume(pairable(m))
    values = np.array([1.0, 2.0, 3.5, 7.0, 10.0])  # unevenly spaced, so levels differ
    table = our_table(m, labels=[str(v) for v in values[: m.max() + 1]])
    data = np.where(m >= 0, values[np.maximum(m, 0)], np.nan).T
    report = agreement.agreement_report(table)
    for level in ("nominal", "ordinal", "interval", "ratio"):
        ref = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
        ours = report[f"krippendorff_alpha_{level}"].value
        if math.isnan(ref):
            assert ours is None
        else:
            assert ours == pytest.approx(ref, abs=TOL)


@SETTINGS
@given(tables)
def test_cohen_kappa_matches_sklearn_and_statsmodels_interval(m):
    two = m[:, :2]
    both = (two >= 0).all(axis=1)
    assume(both.sum() >= 2)
    pair = two[both]
    assume(len(np.unique(pair)) >= 2)
    table = our_table(two[(two >= 0).any(axis=1)])
    assert table.n_raters == 2
    estimate = agreement.agreement_report(table)["cohen_kappa"]
    assert estimate.value == pytest.approx(cohen_kappa_score(pair[:, 0], pair[:, 1]), abs=TOL)
    size = int(two.max()) + 1
    contingency = np.zeros((size, size))
    # Our category codes are sorted labels "cat0".."cat4", the matrix's own indices.
    np.add.at(contingency, (pair[:, 0], pair[:, 1]), 1)
    contingency = contingency[np.ix_(*(2 * [sorted(set(np.unique(two[two >= 0])))]))]
    ref = cohens_kappa(contingency)
    assert estimate.se**2 == pytest.approx(max(ref.var_kappa, 0.0), abs=1e-14)
    if ref.var_kappa < 1e-12:  # a zero variance in rounding noise (statsmodels may say NaN)
        return
    assert estimate.se == pytest.approx(ref.std_kappa, abs=TOL)
    assert estimate.ci95[0] == pytest.approx(ref.kappa_low, abs=TOL)
    assert estimate.ci95[1] == pytest.approx(min(1.0, ref.kappa_upp), abs=TOL)


@SETTINGS
@given(
    st.builds(
        random_matrix,
        st.integers(0, 2**32 - 1),
        st.integers(2, 40),
        st.integers(2, 7),
        st.integers(2, 5),
        st.just(0.0),
    )
)
def test_fleiss_kappa_matches_statsmodels_on_complete_tables(m):
    assume(pairable(m))
    table = our_table(m)
    ref = fleiss_kappa(table.counts)
    assert agreement.fleiss_kappa(table.counts).value == pytest.approx(ref, abs=TOL)


@SETTINGS
@given(tables, st.integers(0, 2**32 - 1))
def test_accuracy_wilson_and_confusion_match_statsmodels_and_sklearn(m, seed):
    assume(m.shape[0] > 0)
    rng = np.random.default_rng(seed)
    k = int(m.max()) + 1
    gold_idx = rng.integers(0, k, size=m.shape[0])
    gold_idx[rng.random(m.shape[0]) < 0.2] = -1  # some cases have no golden answer
    table = our_table(m, labels=[f"cat{c}" for c in range(k)], every_label=True)
    gold = accuracy.gold_codes(
        table, {f"case{i}": f"cat{g}" for i, g in enumerate(gold_idx) if g >= 0}
    )
    result = accuracy.accuracy_by_rater(table, gold)
    for j, rater in enumerate(table.rater_ids):
        col = int(rater.removeprefix("rater"))
        rated = (m[:, col] >= 0) & (gold_idx >= 0)
        n, right = int(rated.sum()), int((m[rated, col] == gold_idx[rated]).sum())
        assert (result.n[j], result.correct[j]) == (n, right)
        if n:
            lo, hi = proportion_confint(right, n, alpha=0.05, method="wilson")
            assert (result.lo[j], result.hi[j]) == pytest.approx((lo, hi), abs=TOL)
    i, j = np.nonzero((m >= 0) & (gold_idx[:, None] >= 0))
    expected = (
        sk_confusion(gold_idx[i], m[i, j], labels=range(k))
        if i.size
        else np.zeros((k, k), dtype=int)
    )
    assert np.array_equal(accuracy.confusion_matrix(table, gold), expected)


@pytest.mark.parametrize("df", [1, 2, 3, 5, 9, 30, 120, 1_000, 9_999, 20_001, 10**6])
@pytest.mark.parametrize("p", [0.6, 0.975, 0.995])
def test_t_quantile_puts_exactly_the_asked_tail_beyond_it(df, p):
    t = accuracy.t_quantile(p, df)
    assert stats.t.sf(t, df) == pytest.approx(1 - p, rel=1e-9)


def test_metric_modules_load_without_pandas_scipy_or_qt():
    import subprocess
    import sys

    code = (
        "import sys, calibrate.core.metrics.agreement, calibrate.core.metrics.items, "
        "calibrate.core.scoring, calibrate.core.metrics.confidence; print(sorted(m for m in ("
        "'pandas', 'scipy', 'PySide6', "
        "'sqlite3') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
