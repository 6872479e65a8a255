"""The agreement chart: how much reviewers agree beyond chance, per pack and per golden
clause, with 95 % intervals cut to the coefficient's range."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure, FigureBase
from matplotlib.lines import Line2D

from calibrate.charts.dashboard.drawing import (
    add_title,
    nan_for_none,
    new_figure,
    show_empty,
    style_axes,
    whiskers,
)
from calibrate.charts.dashboard.sizes import MAX_ROWS, SIZES
from calibrate.charts.fixed_layout import fix_margins, row_labels
from calibrate.charts.palette import ABOVE, UNDER
from calibrate.core.lead.agreement import (
    INTERVAL_METHODS,
    TOO_FEW,
    estimate_interval,
    why_not_shown,
)
from calibrate.core.lead.compute import AgreementRow, AgreementSection
from calibrate.core.metrics.agreement import Estimate

METRIC_LABELS = {
    "fleiss": "Fleiss' κ",
    "alpha": "Krippendorff's α (nominal)",
    "ac1": "Gwet's AC1",
    "ac2": "Gwet's AC2 (quadratic, on the pack's ladder)",
}
# One row's value, its interval cut to −1…1 (NaN: none) and whether each end was cut.
_Shown = tuple[float, float, float, bool, bool]


def agreement_figure(
    section: AgreementSection,
    *,
    dark: bool = False,
    metric: str = "fleiss",
    max_rows: int = MAX_ROWS,
    figure: FigureBase | None = None,
) -> Figure:
    """Agreement per pack (bold) and per golden clause under it, with 95 % intervals."""
    shown = _packs_then_clauses(section)[:max_rows][::-1]
    figure, text = new_figure(
        *SIZES["agreement"](len(shown)), dark, figure, layout=None if shown else "constrained"
    )  # see reviewer_accuracy_figure
    title = add_title(figure, f"Agreement between reviewers — {METRIC_LABELS[metric]}", text)
    if not shown:
        return show_empty(figure, text)
    axes = figure.add_subplot()
    style_axes(axes, text)
    values = [_agreement_value(r, metric) for r in shown]
    y = list(range(len(shown)))
    _agreement_dots(axes, values, y, [ABOVE if not r.clause else UNDER for r in shown])
    labels = [
        f"{r.pack} ({r.n_cases} cases)"
        if not r.clause
        else f"   clause {r.clause} ({r.n_cases} case{'s' if r.n_cases != 1 else ''})"
        for r in shown
    ]
    row_labels(axes, y, labels, text, weights=["normal" if r.clause else "bold" for r in shown])
    _why_no_value(axes, shown, values, y, metric, text)
    if metric in ("fleiss", "alpha"):
        _dominated(axes, shown, values, y, text)
    axes.axvline(0, color=text, linewidth=0.8)
    axes.set_xlim(
        -1.06 if min((v[1] for v in values if not np.isnan(v[1])), default=0) < -0.4 else -0.4, 1.06
    )
    axes.set_xlabel(
        f"{METRIC_LABELS[metric]}: 1 = full agreement, 0 = chance\nbars: 95 % "
        f"interval, {INTERVAL_METHODS[metric]}",
        fontsize=8,
    )
    axes.grid(axis="x", alpha=0.25)
    _agreement_legend(axes, any(v[3] or v[4] for v in values), text)
    if isinstance(figure, Figure):
        fix_margins(
            figure,
            title,
            [s for s, r in zip(labels, shown, strict=True) if r.clause],
            [s for s, r in zip(labels, shown, strict=True) if not r.clause],
            legend_gap=0.5,
            xlabel_lines=2,
            xlabel_size=8,
        )  # the default borderaxespad
    return figure


def _packs_then_clauses(section: AgreementSection) -> list[AgreementRow]:
    """Each pack's row followed by the rows of its golden clauses."""
    ordered: list[AgreementRow] = []
    for pack_row in section.by_pack:
        ordered.append(pack_row)
        ordered += [r for r in section.by_clause if r.pack == pack_row.pack]
    return ordered


def _estimate(row: AgreementRow, metric: str) -> Estimate:
    return {"fleiss": row.fleiss, "alpha": row.alpha, "ac1": row.ac1, "ac2": row.ac2}[metric]


def _agreement_value(row: AgreementRow, metric: str) -> _Shown:
    """Value, interval cut to −1…1 (NaN: none) and whether each end was cut."""
    est = _estimate(row, metric)
    shown = estimate_interval(est)
    if shown is None:
        return nan_for_none(est.value), np.nan, np.nan, False, False
    return nan_for_none(est.value), shown.lo, shown.hi, shown.lo_cut, shown.hi_cut


def _agreement_dots(axes: Axes, values: list[_Shown], y: list[int], colours: list[str]) -> None:
    """A dot and interval per row; a cut end is an arrowhead at the edge of the range (the
    interval goes on past it)."""
    whiskers(
        axes, [v[0] for v in values], y, [v[1] for v in values], [v[2] for v in values], colours
    )
    for side, at, marker in ((3, -1.0, "<"), (4, 1.0, ">")):
        cut = [i for i, v in enumerate(values) if v[side]]
        if cut:
            axes.scatter(
                [at] * len(cut),
                [y[i] for i in cut],
                marker=marker,
                s=30,
                color=[colours[i] for i in cut],
                zorder=3,
                clip_on=False,
            )


def _why_no_value(
    axes: Axes,
    shown: list[AgreementRow],
    values: list[_Shown],
    y: list[int],
    metric: str,
    text: str,
) -> None:
    """In the row of each group without a coefficient, why: too few cases, or undefined."""
    for yi, v, row in zip(y, values, shown, strict=True):
        if np.isnan(v[0]):
            why = why_not_shown(_estimate(row, metric))
            why = (
                f"{why} ({row.n_paired} rated by 2+ reviewers)"
                if why == TOO_FEW
                else "undefined (one answer category)"
            )
            # Right of the zero line, which would strike the words through.
            axes.annotate(
                why,
                (0, yi),
                xytext=(4, 0),
                textcoords="offset points",
                color=text,
                fontsize=7,
                va="center",
                alpha=0.8,
            )


def _dominated(
    axes: Axes, shown: list[AgreementRow], values: list[_Shown], y: list[int], text: str
) -> None:
    """Beside κ (or α) of each group where one decision dominates, why it is low though
    reviewers agree: the decision's share and AC1 (the prevalence paradox)."""
    for yi, v, row in zip(y, values, shown, strict=True):
        if row.paradox_note is None or np.isnan(v[0]) or row.ac1.value is None:
            continue
        share = row.dominant_share or 0.0
        axes.annotate(
            f"one decision dominates ({row.dominant} {share:.0%}): κ, α low by "
            f"construction; AC1 {row.ac1.value:.2f}".replace("-", "\N{MINUS SIGN}"),
            (v[0] if np.isnan(v[2]) else max(v[0], v[2]), yi),  # past the interval's end
            xytext=(6, 0),
            textcoords="offset points",
            color=text,
            fontsize=6.5,
            va="center",
            alpha=0.85,
        )


def _agreement_legend(axes: Axes, any_cut: bool, text: str) -> None:
    """Pack and clause dots (and the cut-end arrowhead when a row has one) above the axes."""
    handles = [
        Line2D([], [], marker="o", color=ABOVE, label="whole pack"),
        Line2D([], [], marker="o", color=UNDER, label="cases under one golden clause"),
    ]
    if any_cut:
        handles.append(
            Line2D(
                [],
                [],
                marker=">",
                color=text,
                linestyle="",
                label="interval cut at the range's end (−1 or 1)",
            )
        )
    axes.legend(
        handles=handles,
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncols=len(handles),
        fontsize=7,
        frameon=False,
        labelcolor=text,
    )
