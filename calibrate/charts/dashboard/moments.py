""" "Where does it show?": the moment hit rate per case, with its Wilson interval."""

from __future__ import annotations

from matplotlib.figure import Figure, FigureBase

from calibrate.charts.dashboard.drawing import (
    add_title,
    ci_ends,
    new_figure,
    percent_axis,
    show_empty,
    style_axes,
    whiskers,
)
from calibrate.charts.dashboard.sizes import MAX_ROWS, SIZES
from calibrate.charts.fixed_layout import fix_margins, row_labels
from calibrate.charts.palette import ABOVE
from calibrate.core.lead.sections.moments import MomentSection


def moments_figure(
    section: MomentSection,
    *,
    dark: bool = False,
    max_rows: int = MAX_ROWS,
    figure: FigureBase | None = None,
) -> Figure:
    """Per case asking for a mark: the share of marks on a golden moment, lowest on top,
    with its 95 % Wilson interval, marks and unmarked answers in the label."""
    rows = [r for r in section.by_case if r.rate is not None]
    shown = rows[:max_rows][::-1]  # y grows upwards: the lowest ends on top
    figure, text = new_figure(
        *SIZES["moments"](len(shown)), dark, figure, layout=None if shown else "constrained"
    )
    total = section.overall
    overall = f"{total.rate:.0%} of {total.marked:,} marks" if total.rate is not None else "none"
    title = add_title(figure, f"Marked moments on a golden moment: {overall}", text)
    if not shown:
        return show_empty(figure, text, "No case in view asks where it shows")
    axes = figure.add_subplot()
    style_axes(axes, text)
    y = list(range(len(shown)))
    lo, hi = ci_ends(shown)
    whiskers(axes, [r.rate for r in shown], y, lo, hi, [ABOVE] * len(shown), size=4.5)
    labels = [
        f"{r.name} ({r.hits}/{r.marked}" + (f", {r.unmarked} unmarked)" if r.unmarked else ")")
        for r in shown
    ]
    row_labels(axes, y, labels, text)
    axes.set_xlim(max(0.0, min(lo + [1.0]) - 0.05), 1.02)
    axes.set_ylim(-0.7, len(shown) - 0.3)
    percent_axis(axes.xaxis)
    axes.set_xlabel("marks on the moment (95 % Wilson interval)")
    axes.grid(axis="x", alpha=0.25)
    if isinstance(figure, Figure):
        fix_margins(figure, title, labels, legend_gap=0.0)
    return figure
