"""Agreement on an ordered scale (issue 19): Gwet's AC2 with linear and quadratic weights and
Krippendorff's α with Gwet's analytic interval, against irrCAC called directly (Gwet's own
formulas, `CAC(..., weights=..., categories=...)`), on the handbook data sets irrCAC ships and
on random tables, to 1e-9; and the published AC2 of Gwet's handbook."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from irrCAC import datasets
from irrCAC.raw import CAC
from irrCAC.table import CAC as TableCAC
from test_agreement_reference import SETTINGS, TOL, irr_frame, pairable, tables

from calibrate.core.metrics import agreement
from calibrate.core.metrics.rating_builders import ratings_from_rows

VALUES = np.array([1.0, 2.0, 3.5, 7.0, 10.0])  # unevenly spaced: linear ≠ ranks


def _rows(frame: pd.DataFrame) -> list[tuple[str, str, str]]:
    """(case, rater, label) of every rating of a subjects × raters frame."""
    rows = []
    for i, (_, ratings) in enumerate(frame.iterrows()):
        for rater, label in ratings.items():
            if label is not None and not (isinstance(label, float) and np.isnan(label)):
                text = label if isinstance(label, str) else repr(float(label))
                rows.append((f"case{i}", str(rater), text))
    return rows


def _same(ours: agreement.Estimate, theirs: dict[str, object]) -> None:
    """Value, standard error and interval as irrCAC gives them (its t quantile is scipy's,
    off by up to ~2e-9 relative; ours solves the tail exactly, so that much of the
    half-width is allowed)."""
    assert ours.value == pytest.approx(theirs["coefficient_value"], abs=TOL)
    se = float(theirs["se"])  # type: ignore[arg-type]
    if se > 1e-12:
        assert ours.se == pytest.approx(se, abs=TOL)
    slack = TOL + 1e-8 * se
    lower, upper = theirs["confidence_interval"]  # type: ignore[misc]
    assert ours.ci95 is not None
    assert ours.ci95[0] == pytest.approx(lower, abs=slack)
    assert ours.ci95[1] == pytest.approx(upper, abs=slack)


def _check_against_irrcac(frame: pd.DataFrame, report: dict, categories: list | None) -> None:
    for weighting in ("linear", "quadratic"):
        cac = CAC(frame.copy(), weights=weighting, categories=categories, digits=20)
        _same(report[f"gwet_ac2_{weighting}"], cac.gwet()["est"])
    alphas = {"nominal": "identity", "interval": "quadratic", "ratio": "ratio"}
    for level, weights in alphas.items():
        ours = report.get(f"krippendorff_alpha_{level}")
        if level == "ratio" and bool((frame == 0).to_numpy().any()):
            continue  # irrCAC refuses 0 as a ratio category
        if ours is not None and (ours.value is None or ours.n < 2):
            # Undefined, or one pairable case: irrCAC divides by zero; we give no interval.
            assert ours.ci95 is None
        elif ours is not None:
            cac = CAC(frame.copy(), weights=weights, categories=categories, digits=20)
            _same(ours, cac.krippendorff()["est"])


@pytest.mark.parametrize("name", ["raw_4raters", "raw_5observers"])
def test_numeric_handbook_data_sets_match_irrcac(name):
    frame = getattr(datasets, name)().reset_index(drop=True)
    report = agreement.agreement_report(ratings_from_rows(_rows(frame)))
    _check_against_irrcac(frame, report, None)


@pytest.mark.parametrize("name", ["raw_ben_gerry", "raw_g1g2", "raw_gender"])
def test_text_handbook_data_sets_under_order_match_irrcac_ranks(name):
    """Text labels: AC2 exists only under --order, which ranks the listed categories 1..q,
    as irrCAC ranks text categories; a listed category nobody used still counts in q."""
    frame = getattr(datasets, name)().reset_index(drop=True)
    frame = frame.where(frame.notna(), np.nan)
    order = sorted({v for v in frame.to_numpy().ravel() if isinstance(v, str)}) + ["zzz"]
    rows = _rows(frame)
    assert "gwet_ac2_linear" not in agreement.agreement_report(ratings_from_rows(rows))
    table = ratings_from_rows(rows, order=order)
    report = agreement.agreement_report(table, by_order=True)
    _check_against_irrcac(frame, report, order)


def test_order_wins_over_numeric_labels():
    """Numeric labels listed by --order are ranked by the list, not by their values."""
    frame = datasets.raw_4raters().reset_index(drop=True)
    order = ["5", "4", "3", "2", "1"]  # reversed, and ranks, not 1.0..5.0 as values
    rows = [(c, r, str(int(float(v)))) for c, r, v in _rows(frame)]
    report = agreement.agreement_report(ratings_from_rows(rows, order=order), by_order=True)
    ranked = frame.map(lambda v: v if np.isnan(v) else f"r{6 - int(v)}")
    cac = CAC(ranked, weights="linear", categories=[f"r{i}" for i in range(1, 6)], digits=20)
    _same(report["gwet_ac2_linear"], cac.gwet()["est"])


def test_published_ac2_of_the_two_abstractors_table():
    """Gwet (2014), irrCAC's `cont3x3abstractors`: quadratic AC2 0.94024, as irrCAC's
    documentation prints it (pa 0.9725, pe 0.53985), from the 100 subjects rated by both."""
    table = TableCAC(datasets.table_cont3x3abstractors(), weights="quadratic").gwet()["est"]
    counts = datasets.table_cont3x3abstractors().to_numpy()
    names = ["Ectopic", "AIU", "NIU"]
    rows, case = [], 0
    for i, j in np.ndindex(counts.shape):
        for _ in range(counts[i, j]):
            rows += [(f"s{case}", "A", names[i]), (f"s{case}", "B", names[j])]
            case += 1
    report = agreement.agreement_report(ratings_from_rows(rows, order=names), by_order=True)
    assert round(report["gwet_ac2_quadratic"].value, 5) == 0.94024 == table["coefficient_value"]


@SETTINGS
@given(tables)
def test_ac2_and_alpha_intervals_match_irrcac_on_random_tables(m):
    assume(pairable(m))
    labels = [repr(v) for v in VALUES[: m.max() + 1]]
    table = ratings_from_rows(
        [(f"c{i}", f"r{j}", labels[m[i, j]]) for i, j in zip(*np.nonzero(m >= 0), strict=True)]
    )
    frame = pd.DataFrame(np.where(m >= 0, VALUES[np.maximum(m, 0)], np.nan))
    _check_against_irrcac(frame, agreement.agreement_report(table), None)


@SETTINGS
@given(tables, st.integers(0, 3))
def test_ac2_under_order_with_unused_categories_matches_irrcac(m, unused):
    assume(pairable(m))
    order = [f"cat{c}" for c in range(m.max() + 1 + unused)]
    table = ratings_from_rows(
        [(f"c{i}", f"r{j}", order[m[i, j]]) for i, j in zip(*np.nonzero(m >= 0), strict=True)],
        order=order,
    )
    frame = irr_frame(m).map(lambda v: v if np.isnan(v) else order[int(v)])
    report = agreement.agreement_report(table, by_order=True)
    for weighting in ("linear", "quadratic"):
        cac = CAC(frame.copy(), weights=weighting, categories=order, digits=20)
        _same(report[f"gwet_ac2_{weighting}"], cac.gwet()["est"])


def test_ordinal_alpha_interval_is_bootstrap_only_and_bootstrap_replaces_analytic():
    frame = datasets.raw_4raters().reset_index(drop=True)
    table = ratings_from_rows(_rows(frame))
    plain = agreement.agreement_report(table)
    ordinal = plain["krippendorff_alpha_ordinal"]
    assert ordinal.value is not None and ordinal.ci95 is None
    assert "--bootstrap" in (ordinal.note or "")
    assert plain["krippendorff_alpha_nominal"].method.startswith("Gwet (2014) analytic")
    booted = agreement.agreement_report(table, bootstrap=200)
    for level in ("nominal", "ordinal", "interval", "ratio"):
        estimate = booted[f"krippendorff_alpha_{level}"]
        assert estimate.ci95 is not None and estimate.method.startswith("bootstrap over cases")
    assert booted["krippendorff_alpha_nominal"].ci95 != plain["krippendorff_alpha_nominal"].ci95


def test_ac2_follows_the_too_few_cases_rule():
    rows = [("a", "x", "1"), ("a", "y", "2"), ("b", "x", "3"), ("b", "y", "3")]
    report = agreement.agreement_report(ratings_from_rows(rows))
    assert "too few cases" in (report["gwet_ac2_quadratic"].note or "")
