"""The accuracy charts: per reviewer against the target, first attempts against retakes,
and stated confidence against being right."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure, FigureBase
from matplotlib.legend import Legend
from matplotlib.lines import Line2D

from calibrate.charts.dashboard.drawing import (
    add_title,
    ci_ends,
    nan_for_none,
    new_figure,
    percent_axis,
    show_empty,
    style_axes,
    team_colours,
    whiskers,
)
from calibrate.charts.dashboard.sizes import MAX_ROWS, SIZES
from calibrate.charts.fixed_layout import fix_margins, row_labels
from calibrate.charts.palette import ABOVE, BELOW, SERIES
from calibrate.core.lead.compute import (
    CalibrationSection,
    ReviewerAccuracy,
    ReviewerRow,
    TrendSection,
)
from calibrate.core.lead.labels import SESSION_KIND_WORDS

KIND_LABELS = SESSION_KIND_WORDS  # the order the attempts chart shows session kinds in
# The reviewer chart's legend: what a dot's colour and fill say.
TARGET_ENTRIES = ("clearly below target", "below, interval reaches it", "on target")


def reviewer_accuracy_figure(
    section: ReviewerAccuracy,
    *,
    dark: bool = False,
    max_rows: int = MAX_ROWS,
    figure: FigureBase | None = None,
) -> Figure:
    """Accuracy per reviewer, lowest on top, with Wilson intervals and the target line;
    below target in orange, filled where the whole interval is below (the lowest `max_rows`
    when there are more)."""
    rows = [r for r in section.reviewers if r.accuracy is not None]
    shown = rows[:max_rows][::-1]  # y grows upwards: the lowest ends on top
    # Standalone, margins are worked out here once (fixed_layout); drawn into a report page,
    # the page's constrained layout places everything.
    figure, text = new_figure(
        *SIZES["reviewer_accuracy"](len(shown)),
        dark,
        figure,
        layout=None if shown else "constrained",
    )
    more = f" (lowest {len(shown)} of {len(rows)})" if len(rows) > len(shown) else ""
    below = sum(r.below_target for r in rows)
    title = add_title(
        figure, f"Accuracy per reviewer{more}: {below} of {len(rows)} below target", text
    )
    if not shown:
        return show_empty(figure, text)
    axes = figure.add_subplot()
    style_axes(axes, text)
    y = list(range(len(shown)))
    _reviewer_dots(axes, shown, y, section.target, text)
    labels = [f"{r.name} · {r.team} (n={r.n})" for r in shown]
    # Names in the text colour (8 pt vermillion on white is too faint to read); the dots
    # carry the below-target colour.
    row_labels(axes, y, labels, text)
    lows = [r.ci[0] for r in shown if r.ci]
    axes.set_xlim(max(0.0, min(lows + [section.target]) - 0.05), 1.02)
    axes.set_ylim(-0.7, len(shown) - 0.3 + 0.9)
    percent_axis(axes.xaxis)
    axes.set_xlabel("answers matching golden (95 % Wilson interval)")
    axes.grid(axis="x", alpha=0.25)
    legend = _target_legend(axes, text)
    if isinstance(figure, Figure):
        fix_margins(figure, title, labels, legend_gap=0.2, legend=legend, entries=TARGET_ENTRIES)
    return figure


def _reviewer_dots(
    axes: Axes, shown: list[ReviewerRow], y: list[int], target: float, text: str
) -> None:
    """A dot and interval per reviewer (below target in orange, hollow while the interval
    still reaches the target) and the dashed target line, named at its top."""
    lo, hi = ci_ends(shown)
    whiskers(
        axes,
        [r.accuracy for r in shown],
        y,
        lo,
        hi,
        [BELOW if r.below_target else ABOVE for r in shown],
        size=4.5,
        hollow=[r.below_target and not r.clearly_below for r in shown],
    )
    axes.axvline(target, color=text, linestyle="--", linewidth=1)
    axes.text(
        target, len(shown) - 0.3, f" target {target:.0%}", color=text, fontsize=7, va="bottom"
    )


def _target_legend(axes: Axes, text: str) -> Legend:
    """The three dot styles in one row above the axes, from their left edge."""
    clearly, reaches, on_target = TARGET_ENTRIES
    return axes.legend(
        handles=[
            Line2D([], [], marker="o", color=BELOW, linestyle="", label=clearly),
            Line2D(
                [],
                [],
                marker="o",
                color=BELOW,
                markerfacecolor="white",
                linestyle="",
                label=reaches,
            ),
            Line2D([], [], marker="o", color=ABOVE, linestyle="", label=on_target),
        ],
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncols=3,
        fontsize=7,
        frameon=False,
        labelcolor=text,
        columnspacing=1.0,
        handletextpad=0.2,
        borderaxespad=0.2,
    )


def attempts_figure(
    section: TrendSection, *, dark: bool = False, figure: FigureBase | None = None
) -> Figure:
    """Accuracy per team by session kind: first attempt vs retake (and review, live)."""
    rows = list(section.attempts)
    teams = sorted({a.team for a in rows})
    kinds = [k for k in KIND_LABELS if any(a.kind == k for a in rows)]
    figure, text = new_figure(*SIZES["attempts"](len(teams)), dark, figure)
    add_title(figure, "First attempt vs retake", text)
    if not rows:
        return show_empty(figure, text)
    axes = figure.add_subplot()
    step = 0.7 / max(len(kinds), 1)
    for j, kind in enumerate(kinds):
        mine = [a for a in rows if a.kind == kind]
        y = [len(teams) - 1 - teams.index(a.team) + 0.35 - step * (j + 0.5) for a in mine]
        lo, hi = ci_ends(mine)
        whiskers(axes, [nan_for_none(a.accuracy) for a in mine], y, lo, hi, [SERIES[j]] * len(mine))
    # Answer counts under each team's name, in legend order: beside the dots they collide
    # once the chart is squeezed into a dashboard tab. Past six teams, the table has them.
    counts = {(a.team, a.kind): a.n for a in rows}
    labels = [
        team
        if len(teams) > 6
        else team + "\nn = " + " · ".join(str(counts.get((team, k), "–")) for k in kinds)
        for team in teams
    ]
    axes.set_yticks(range(len(teams)), labels=labels[::-1], fontsize=8)
    axes.set_xlim(None, 1.0)
    percent_axis(axes.xaxis)
    axes.set_xlabel("accuracy (95 % Wilson interval)")
    axes.grid(axis="x", alpha=0.25)
    axes.legend(
        handles=[
            Line2D([], [], marker="o", color=SERIES[j], label=KIND_LABELS[k])
            for j, k in enumerate(kinds)
        ],
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncols=4,
        fontsize=7,
        frameon=False,
        labelcolor=text,
    )
    style_axes(axes, text)
    return figure


def calibration_figure(
    section: CalibrationSection,
    *,
    dark: bool = False,
    max_teams: int = 6,
    figure: FigureBase | None = None,
) -> Figure:
    """Reliability curve per team (the `max_teams` with most answers; everyone dashed when
    there are more) with the diagonal of perfect calibration."""
    figure, text = new_figure(*SIZES["calibration"](0), dark, figure)
    teams = [t for t in section.teams if t.team]
    rows = sorted(sorted(teams, key=lambda t: -t.n)[:max_teams], key=lambda t: t.team)
    more = f" ({len(rows)} largest of {len(teams)} teams)" if len(rows) < len(teams) else ""
    add_title(figure, f"Stated confidence vs being right{more}", text)
    if len(rows) < len(teams):
        rows += [t for t in section.teams if not t.team]
    if not section.teams:
        return show_empty(figure, text, "No answers with a stated confidence")
    axes = figure.add_subplot()
    axes.plot(
        [0, 1], [0, 1], color=text, linestyle="--", linewidth=0.9, label="perfectly calibrated"
    )
    colours = team_colours([t.team for t in rows])
    for row in rows or section.teams:
        x = np.array([nan_for_none(v) for v in row.bin_confidence])
        y = np.array([nan_for_none(v) for v in row.bin_accuracy])
        keep = ~np.isnan(x)
        sizes = np.array(row.bin_count)[keep]
        colour = colours.get(row.team, text)
        axes.plot(
            x[keep],
            y[keep],
            color=colour,
            linewidth=1.5,
            linestyle="-" if row.team else "--",
            label=f"{row.team or 'all'} (Brier {row.brier:.3f}, n={row.n})",
        )
        axes.scatter(
            x[keep], y[keep], s=12 + 60 * sizes / max(sizes.max(), 1), color=colour, zorder=3
        )
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1.02)
    percent_axis(axes.xaxis)
    percent_axis(axes.yaxis)
    axes.set_xlabel("stated confidence (dot size: answers)")
    axes.set_ylabel("share actually right")
    axes.grid(alpha=0.25)
    axes.legend(loc="lower right", fontsize=7, frameon=False, labelcolor=text)
    style_axes(axes, text)
    return figure
