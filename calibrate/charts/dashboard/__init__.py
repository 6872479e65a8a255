"""The lead dashboard's charts: one function per chart, a core section in, a Figure out,
and here the one chart name → figure table that the dashboard screen, the PDF report and
the benchmarks all draw through, with each chart's plain-words caption.

No pyplot and no Qt: the dashboard wraps these Figures in a canvas, `calibrate report` puts
them in a PDF. Colours are Okabe-Ito (colour-blind safe, charts/palette.py). The charts by
job: accuracy.py (per reviewer, attempts, calibration), agreement.py, confusion.py,
enforcement.py (by team and site, team × pack), trend.py; what they share: drawing.py, and
each chart's natural size: sizes.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from matplotlib.figure import Figure, FigureBase

from calibrate.charts.dashboard.accuracy import (
    attempts_figure,
    calibration_figure,
    reviewer_accuracy_figure,
)
from calibrate.charts.dashboard.agreement import agreement_figure
from calibrate.charts.dashboard.confusion import confusion_figure
from calibrate.charts.dashboard.enforcement import enforcement_figure, team_pack_figure
from calibrate.charts.dashboard.moments import moments_figure
from calibrate.charts.dashboard.production import production_figure
from calibrate.charts.dashboard.trend import trend_figure
from calibrate.core.lead.compute import Dashboard

CAPTIONS = {
    "reviewer_accuracy": "Each dot is one reviewer's share of answers matching the golden "
    "answer, with its 95 % interval; orange dots are below the target line.",
    "agreement": "How much reviewers agree beyond chance, per pack and per guidance clause "
    "(1 = always agree, 0 = no better than chance); bars are 95 % intervals, an "
    "arrowhead where one runs past the coefficient's range. Groups with fewer "
    "than 5 cases rated by two or more reviewers show no coefficient.",
    "confusion": "What reviewers chose (columns) for each golden answer (rows); the diagonal is "
    "correct, cells right of it are over-enforcement, left of it under.",
    "enforcement": "Share of answers more restrictive (over) or less restrictive (under) than "
    "golden, and the net lean with its 95 % interval; an interval clear of zero "
    "is a real lean.",
    "team_pack": "Net lean of each team on each pack: the share of its answers more "
    "restrictive than golden minus the share less restrictive, with its 95 % "
    "interval and answer count; bold where the interval is clear of zero, a real "
    "lean that the team's overall figure can hide.",
    "trend": "Weekly accuracy (with 95 % band) and agreement (Fleiss' κ) per team, weeks "
    "starting Monday (UTC); under κ its N, the cases rated by two or more reviewers "
    "that week — with fewer than 5, no κ is drawn and N is grey.",
    "attempts": "Accuracy on first attempts compared with retakes, reviews and live sessions, "
    "per team, with 95 % intervals.",
    "calibration": "Stated confidence against how often reviewers were actually right; points on "
    "the diagonal are well calibrated, below it overconfident.",
    "moments": "Where does it show? For each case that asks reviewers to mark the moment the "
    "violation is visible: the share of marks within a golden moment widened by the case's "
    "tolerance, with its 95 % interval; answers without a mark are counted beside it. Reported "
    "beside decision accuracy, never part of it.",
    "production": "Per pack and week: shares of appeals overturned and of negative survey "
    "answers, reports per 1,000 decisions, and calibration accuracy, κ and QA accuracy; "
    "bands and bars are 95 % Wilson intervals, dashed lines the weeks a lesson of the pack was "
    "first taken. Association, not proof: appeals are not a random sample of decisions.",
}


def figure_caption(name: str) -> str:
    """The one-sentence caption shown under the chart `name`."""
    return CAPTIONS[name]


# The one chart name → figure table: the dashboard screen, the PDF report and the benchmarks
# draw each chart through it. Each chart from (dashboard, dark, a (sub)figure to draw into —
# the report's chart pages — or None, pack id → title for the charts that name packs).
_Draw = Callable[[Dashboard, bool, FigureBase | None, Mapping[str, str] | None], Figure]
_FIGURES: dict[str, _Draw] = {
    "reviewer_accuracy": lambda d, dark, f, _: reviewer_accuracy_figure(
        d.reviewers, dark=dark, figure=f
    ),
    "agreement": lambda d, dark, f, _: agreement_figure(d.agreement, dark=dark, figure=f),
    "enforcement": lambda d, dark, f, _: enforcement_figure(d.enforcement, dark=dark, figure=f),
    "team_pack": lambda d, dark, f, titles: team_pack_figure(
        d.enforcement, dark=dark, figure=f, pack_titles=titles
    ),
    "confusion": lambda d, dark, f, _: confusion_figure(d.confusion, dark=dark, figure=f),
    "trend": lambda d, dark, f, _: trend_figure(
        d.trend, dark=dark, target=d.headline.target, figure=f
    ),
    "attempts": lambda d, dark, f, _: attempts_figure(d.trend, dark=dark, figure=f),
    "calibration": lambda d, dark, f, _: calibration_figure(d.calibration, dark=dark, figure=f),
    "moments": lambda d, dark, f, _: moments_figure(d.moments, dark=dark, figure=f),
    "production": lambda d, dark, f, titles: production_figure(
        d.production, dark=dark, figure=f, pack_titles=titles
    ),
}
FIGURE_NAMES = tuple(_FIGURES)  # reading order


def dashboard_figure(
    name: str,
    dashboard: Dashboard,
    *,
    dark: bool = False,
    figure: FigureBase | None = None,
    pack_titles: Mapping[str, str] | None = None,
) -> Figure:
    """One dashboard chart by name, on a new figure or drawn into `figure`, packs by their
    titles where given (KeyError for a name no chart has)."""
    return _FIGURES[name](dashboard, dark, figure, pack_titles)


def dashboard_figures(dashboard: Dashboard, *, dark: bool = False) -> list[tuple[str, Figure]]:
    """Every dashboard chart, in reading order, by name (for the report and benchmarks)."""
    return [(name, dashboard_figure(name, dashboard, dark=dark)) for name in FIGURE_NAMES]
