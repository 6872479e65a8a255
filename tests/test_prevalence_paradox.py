"""The prevalence paradox on the dashboard and in the report (issue 19): where one decision
dominates, κ and α collapse while reviewers nearly all agree; a note beside the number says so,
with the dominant decision's share and AC1 beside κ."""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

from calibrate.charts.dashboard.agreement import agreement_figure
from calibrate.core.lead.agreement import agreement_row
from calibrate.core.lead.sections.agreement import AgreementRow, AgreementSection
from calibrate.core.lead.sections.headline import Headline
from calibrate.core.metrics.agreement import Estimate
from calibrate.gui.screens.dashboard.headline import headline_html

DECISIONS = ("allow", "remove")


def ratings(unanimous: int, split: int, reviewers: int = 4):
    """`unanimous` cases everyone removed, `split` cases where one reviewer allowed."""
    case, rater, code = [], [], []
    for c in range(unanimous + split):
        for r in range(reviewers):
            case.append(c)
            rater.append(r)
            code.append(0 if c >= unanimous and r == 0 else 1)
    return np.array(case), np.array(rater), np.array(code)


def test_a_clause_where_almost_everyone_removes_gets_the_note_with_its_numbers() -> None:
    # 18 cases removed by all four, 2 where one reviewer allowed: 95 % of pairs agree, yet
    # Fleiss' κ is −0.03 (chance agreement on a 97.5 % decision is 0.95); AC1 is 0.95.
    row = agreement_row("harassment", "HB-2", *ratings(18, 2), 2, decisions=DECISIONS)
    assert row.fleiss.value is not None and row.fleiss.value < 0
    assert row.ac1.value is not None and row.ac1.value > 0.9
    assert row.dominant == "remove" and row.dominant_share == 78 / 80
    note = row.paradox_note
    assert note is not None
    assert "remove: 98% of answers" in note and "κ and α are low by construction" in note
    assert f"AC1 {row.ac1.value:.2f}" in note and "κ \N{MINUS SIGN}0.03" in note
    header, rows = AgreementSection((row,), ()).rows()
    assert dict(zip(header, rows[0], strict=True))["note"].startswith(note)


def test_no_note_where_decisions_are_mixed_or_the_gap_is_small() -> None:
    mixed_case, mixed_rater, _ = ratings(10, 10)
    mixed = np.array([(c + r // 3) % 2 for c, r in zip(mixed_case, mixed_rater, strict=True)])
    row = agreement_row("p", "", mixed_case, mixed_rater, mixed, 2, decisions=DECISIONS)
    assert row.paradox_note is None

    def made(share: float, kappa: float, ac1: float) -> AgreementRow:
        return AgreementRow(
            "p", "", 20, 20, 4, 80, Estimate(kappa), Estimate(kappa), Estimate(ac1),
            Estimate(0.9), dominant="remove", dominant_share=share,
        )  # fmt: skip

    assert made(0.8, 0.6, 0.9).paradox_note is not None  # both thresholds are inclusive
    assert made(0.79, 0.1, 0.9).paradox_note is None  # no decision dominates
    assert made(0.95, 0.62, 0.9).paradox_note is None  # κ and AC1 tell the same story
    assert made(0.95, None, 0.9).paradox_note is None  # type: ignore[arg-type]


def test_the_dashboard_shows_the_note_beside_kappa_in_the_headline_and_the_chart() -> None:
    row = agreement_row("harassment", "", *ratings(18, 2), 2, decisions=DECISIONS)
    headline = Headline(
        answers=80, scored=80, skipped=0, reviewers=4, correct=78, accuracy=0.975,
        accuracy_ci=(0.9, 0.99), target=0.8, below_target=(), agreement=(row,),
        missed_escalations=0, unneeded_escalations=0, split_cases=(), first_day=None,
        last_day=None,
    )  # fmt: skip
    text = headline_html(headline)
    kappa = text.index("κ \N{MINUS SIGN}0.03")
    assert text.index("AC1 0.95") > kappa and text.index("one decision dominates") > kappa
    figure = agreement_figure(AgreementSection((row,), ()))
    FigureCanvasAgg(figure).draw()
    drawn = " ".join(t.get_text() for t in figure.findobj(Text))
    assert "one decision dominates (remove 98%)" in drawn and "AC1 0.95" in drawn
