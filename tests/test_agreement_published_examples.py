"""Agreement metrics reproduce the worked examples printed in the literature.

Each expected number below is copied from the cited publication, not computed by us.
"""

from __future__ import annotations

import numpy as np
import pytest

from calibrate.core.metrics import agreement
from calibrate.core.metrics.rating_builders import ratings_from_rows

# Krippendorff, K. (2011). "Computing Krippendorff's Alpha-Reliability", Annenberg School for
# Communication Departmental Papers 43, section C: 4 observers × 12 units, values 1-5, "."
# for a missing value. Published: nominal .743, ordinal .815, interval .849, ratio .797.
KRIPPENDORFF_2011 = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}


def _table(matrix: dict[str, list[object]], **kwargs: object):
    rows = [
        (f"unit{u + 1}", rater, str(v))
        for rater, values in matrix.items()
        for u, v in enumerate(values)
        if v is not None
    ]
    return ratings_from_rows(rows, **kwargs)


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_2011_example_matches_all_four_levels(level, published):
    table = _table(KRIPPENDORFF_2011)
    report = agreement.agreement_report(table)
    assert round(report[f"krippendorff_alpha_{level}"].value, 3) == published


def test_krippendorff_2011_example_with_text_labels_and_order_gives_ordinal():
    words = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}
    text = {r: [words[v] if v else None for v in vs] for r, vs in KRIPPENDORFF_2011.items()}
    table = _table(text, order=["one", "two", "three", "four", "five"])
    report = agreement.agreement_report(table)
    assert round(report["krippendorff_alpha_ordinal"].value, 3) == 0.815
    assert "krippendorff_alpha_interval" not in report


# Fleiss, J. L. (1971). "Measuring nominal scale agreement among many raters", Psychological
# Bulletin 76(5), 378-382, Table 1: 30 patients, 6 psychiatrists each, 5 diagnoses
# (1 depression, 2 personality disorder, 3 schizophrenia, 4 neurosis, 5 other). Published
# kappa = .430. (The same data ship as `diagnoses` in R's irr package.)
FLEISS_1971 = [
    [4, 4, 4, 4, 4, 4],
    [2, 2, 2, 5, 5, 5],
    [2, 3, 3, 3, 3, 5],
    [5, 5, 5, 5, 5, 5],
    [2, 2, 2, 4, 4, 4],
    [1, 1, 3, 3, 3, 3],
    [3, 3, 3, 3, 5, 5],
    [1, 1, 3, 3, 3, 4],
    [1, 1, 4, 4, 4, 4],
    [5, 5, 5, 5, 5, 5],
    [1, 4, 4, 4, 4, 4],
    [1, 2, 4, 4, 4, 4],
    [2, 2, 2, 3, 3, 3],
    [1, 4, 4, 4, 4, 4],
    [2, 2, 4, 4, 4, 5],
    [3, 3, 3, 3, 3, 5],
    [1, 1, 1, 4, 5, 5],
    [1, 1, 1, 1, 1, 2],
    [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5],
    [2, 4, 4, 4, 4, 4],
    [2, 2, 4, 5, 5, 5],
    [1, 1, 4, 4, 4, 4],
    [1, 4, 4, 4, 4, 5],
    [2, 2, 2, 2, 2, 4],
    [1, 1, 1, 1, 5, 5],
    [2, 2, 4, 4, 4, 4],
    [1, 3, 3, 3, 3, 3],
    [5, 5, 5, 5, 5, 5],
]


def test_fleiss_1971_example_kappa_is_430():
    # Fleiss' raters are not the same people across patients; only counts per patient matter.
    rows = [
        (f"p{i}", f"slot{j}", f"dx{v}")
        for i, row in enumerate(FLEISS_1971)
        for j, v in enumerate(row)
    ]
    estimate = agreement.fleiss_kappa(ratings_from_rows(rows).counts)
    assert round(estimate.value, 3) == 0.430


# Gwet, K. L. (2014). Handbook of Inter-Rater Reliability, 4th ed., p. 120: the 4 raters × 12
# subjects data set (Gwet's R package irrCAC ships it as `cac.raw4raters`; its README prints
# the handbook's results). Published: percent agreement 0.8181818 (SE 0.12561, 95 % CI
# 0.542-1), AC1 0.77544 (SE 0.14295, CI 0.461-1), Fleiss' kappa 0.76117 (SE 0.15302,
# CI 0.424-1), Brennan-Prediger 0.77273 (SE 0.14472, CI 0.454-1), alpha 0.74342.
GWET_P120 = {
    "Rater1": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "Rater2": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, None],
    "Rater3": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 3],
    "Rater4": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}


@pytest.mark.parametrize(
    ("metric", "value", "se", "lower"),
    [
        ("percent_agreement", 0.8181818, 0.12561, 0.542),
        ("gwet_ac1", 0.77544, 0.14295, 0.461),
        ("fleiss_kappa", 0.76117, 0.15302, 0.424),
        ("brennan_prediger", 0.77273, 0.14472, 0.454),
    ],
)
def test_gwet_handbook_raw_4raters_values_errors_and_intervals(metric, value, se, lower):
    report = agreement.agreement_report(_table(GWET_P120))
    estimate = report[metric]
    assert estimate.value == pytest.approx(value, abs=5e-6)
    assert estimate.se == pytest.approx(se, abs=5e-6)
    assert round(estimate.ci95[0], 3) == lower
    assert estimate.ci95[1] == 1.0  # capped at 1, as Gwet prints it
    assert round(report["krippendorff_alpha_nominal"].value, 5) == 0.74342


# Gwet (2014) via irrCAC's `distrib.6raters`: 6 psychiatrists × 15 patients as counts per
# category. Published: AC1 0.4448007 (SE 0.08418757, CI 0.264-0.625), Fleiss' kappa 0.4139265
# (SE 0.08119291, CI 0.24-0.588), Brennan-Prediger 0.4388889 (SE 0.08312142, CI 0.261-0.617).
DISTRIB_6RATERS = np.array(
    [
        [0, 0, 0, 6, 0],
        [0, 3, 0, 0, 3],
        [0, 1, 4, 0, 1],
        [0, 0, 0, 0, 6],
        [0, 3, 0, 3, 0],
        [2, 0, 4, 0, 0],
        [0, 0, 4, 0, 2],
        [2, 0, 3, 1, 0],
        [2, 0, 0, 4, 0],
        [0, 0, 0, 0, 6],
        [1, 0, 0, 5, 0],
        [1, 1, 0, 4, 0],
        [0, 3, 3, 0, 0],
        [1, 0, 0, 5, 0],
        [0, 2, 0, 3, 1],
    ]
)


@pytest.mark.parametrize(
    ("function", "value", "se", "ci"),
    [
        (agreement.gwet_ac1, 0.4448007, 0.08418757, (0.264, 0.625)),
        (agreement.fleiss_kappa, 0.4139265, 0.08119291, (0.240, 0.588)),
        (agreement.brennan_prediger, 0.4388889, 0.08312142, (0.261, 0.617)),
    ],
)
def test_gwet_handbook_distribution_of_6_raters(function, value, se, ci):
    estimate = function(DISTRIB_6RATERS)
    assert estimate.value == pytest.approx(value, abs=5e-8)
    assert estimate.se == pytest.approx(se, abs=5e-8)
    assert (round(estimate.ci95[0], 3), round(estimate.ci95[1], 3)) == ci


# Gwet's irrCAC README, `cont3x3abstractors` (2 abstractors, 100 subjects, categories
# Ectopic/AIU/NIU): Cohen's kappa 0.7964094, AC1 0.8493305, percent agreement 0.89,
# Brennan-Prediger 0.835.
ABSTRACTORS = [[13, 0, 0], [0, 20, 7], [0, 4, 56]]


def test_gwet_handbook_two_abstractors_contingency_table():
    names = ["Ectopic", "AIU", "NIU"]
    rows = []
    subject = 0
    for i, line in enumerate(ABSTRACTORS):
        for j, n in enumerate(line):
            for _ in range(n):
                rows += [(f"s{subject}", "A", names[i]), (f"s{subject}", "B", names[j])]
                subject += 1
    report = agreement.agreement_report(ratings_from_rows(rows))
    assert report["cohen_kappa"].value == pytest.approx(0.7964094, abs=5e-8)
    assert report["gwet_ac1"].value == pytest.approx(0.8493305, abs=5e-8)
    assert report["percent_agreement"].value == pytest.approx(0.89, abs=1e-12)
    assert report["brennan_prediger"].value == pytest.approx(0.835, abs=1e-12)
