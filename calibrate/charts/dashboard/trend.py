"""The trend chart: weekly accuracy and agreement per team, with κ's N under it."""

from __future__ import annotations

import functools

import numpy as np
from matplotlib import dates as mdates
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure, FigureBase
from matplotlib.font_manager import FontProperties
from matplotlib.path import Path
from matplotlib.textpath import TextPath
from matplotlib.transforms import Affine2D

from calibrate.charts import palette
from calibrate.charts.dashboard.drawing import (
    add_title,
    ci_ends,
    nan_for_none,
    new_figure,
    percent_axis,
    show_empty,
    style_axes,
    team_colours,
)
from calibrate.charts.dashboard.sizes import SIZES
from calibrate.core.lead.compute import TrendSection
from calibrate.core.metrics.agreement import MIN_PAIRED_CASES

DENSE_WEEKS = 20  # past this many weeks the trend's per-week Ns stand upright


def trend_figure(
    section: TrendSection,
    *,
    dark: bool = False,
    target: float | None = None,
    max_teams: int = 6,
    figure: FigureBase | None = None,
) -> Figure:
    """Weekly accuracy (95 % band) and Fleiss' κ per team (the `max_teams` with most answers);
    everyone together in black."""
    figure, text = new_figure(*SIZES["trend"](0), dark, figure)
    answers = {t: sum(p.n for p in section.points if p.team == t) for t in section.teams}
    teams = sorted(sorted(section.teams, key=lambda t: -answers[t])[:max_teams])
    more = (
        f" ({len(teams)} largest of {len(section.teams)} teams)"
        if len(teams) < len(section.teams)
        else ""
    )
    add_title(figure, f"Week by week{more}", text)
    if not section.points:
        return show_empty(figure, text)
    # Accuracy is the line a lead reads first: it gets the taller panel. Under κ, its N per
    # week and team, one row each (as a "number at risk" table under a survival curve).
    row = 0.3 if len(section.weeks) > DENSE_WEEKS else 0.2  # upright Ns need taller rows
    acc, kap, sizes = figure.subplots(
        3, 1, sharex=True, height_ratios=(3, 2, 0.25 + row * (len(teams) + 1))
    )
    colours = team_colours(teams)
    _weekly_lines(acc, kap, section, teams, colours, text)
    _kappa_sizes(sizes, section, [*teams, ""], colours, text)
    if target is not None:  # named in the legend: a label on the line sits on the data
        acc.axhline(target, color=text, linestyle=":", linewidth=1, label=f"target {target:.0%}")
    percent_axis(acc.yaxis)
    acc.set_ylabel("accuracy")
    kap.set_ylabel("Fleiss' κ")
    _week_axis(sizes, section)
    acc.legend(
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncols=5,
        fontsize=7,
        frameon=False,
        labelcolor=text,
    )
    for axes in (acc, kap):
        axes.grid(alpha=0.25)
        style_axes(axes, text)
    style_axes(sizes, text)
    sizes.spines["left"].set_visible(False)
    sizes.tick_params(axis="y", length=0)
    return figure


def _weekly_lines(
    acc: Axes,
    kap: Axes,
    section: TrendSection,
    teams: list[str],
    colours: dict[str, str],
    text: str,
) -> None:
    """Per team, then everyone ("", dashed and thicker): accuracy with its band, and κ."""
    for team in [*teams, ""]:
        points = [p for p in section.points if p.team == team]
        weeks = [np.datetime64(p.week) for p in points]
        colour = colours.get(team, text)
        style = {
            "color": colour,
            "linewidth": 2.2 if not team else 1.6,
            "linestyle": "--" if not team else "-",
            "marker": "o",
            "markersize": 3.5,
            "label": team or "all teams",
        }
        acc.plot(weeks, [nan_for_none(p.accuracy) for p in points], **style)
        if team:
            acc.fill_between(weeks, *ci_ends(points), color=colour, alpha=0.08, linewidth=0)
        kap.plot(weeks, [nan_for_none(p.kappa) for p in points], **style)


def _week_axis(axes: Axes, section: TrendSection) -> None:
    """The shared week axis under the N rows: at most ten weeks labelled, by their Monday."""
    axes.set_xlabel("week starting (Monday, UTC)")
    axes.xaxis.set_major_formatter(
        lambda v, _: str(np.datetime64(int(v), "D").item().strftime("%d %b"))
    )
    every = -(-len(section.weeks) // 10)  # at most ten labelled weeks
    axes.set_xticks([np.datetime64(w) for w in section.weeks[::every]])


def _kappa_sizes(
    axes: Axes, section: TrendSection, teams: list[str], colours: dict[str, str], text: str
) -> None:
    """κ's N — cases rated by two or more reviewers — per week, a row per team ("" last:
    everyone); grey where it is under the minimum, and κ has no point that week. Past
    DENSE_WEEKS weeks the numbers stand upright, so that each fits its week's width.

    The numbers are glyph outlines in one PathCollection: a year of weeks for seven rows is
    ~370 numbers, and as Text each cost ~4 ms to lay out and draw (~1.5 s of a report)."""
    dense = len(section.weeks) > DENSE_WEEKS
    size = 6 if dense else 6.5
    paths, offsets, fills = [], [], []
    for row, team in enumerate(teams):
        for p in section.points:
            if p.team == team:
                paths.append(
                    _centred_number(str(p.kappa_cases), size, dense, bold=p.kappa is not None)
                )
                offsets.append((mdates.date2num(p.week), len(teams) - 1 - row))
                fills.append(colours.get(team, text) if p.kappa is not None else palette.OTHER)
    if paths:
        # Outlines in points, placed at (week, row) in data: points scale with the dpi.
        points = Affine2D().scale(1 / 72) + axes.get_figure().dpi_scale_trans
        axes.add_collection(
            PathCollection(
                paths,
                offsets=offsets,
                offset_transform=axes.transData,
                transform=points,
                facecolors=fills,
                edgecolors="none",
            ),
            autolim=False,
        )
    axes.set_ylim(-0.6, len(teams) - 0.4)
    axes.set_yticks(range(len(teams)), labels=[t or "all teams" for t in teams][::-1], fontsize=6.5)
    for label, team in zip(axes.get_yticklabels(), teams[::-1], strict=True):
        label.set_color(colours.get(team, text))
    axes.set_title(
        f"κ's N: cases rated by 2+ reviewers (grey: under {MIN_PAIRED_CASES}, no κ)",
        fontsize=7,
        color=text,
        loc="left",
        pad=2,
    )


@functools.lru_cache(maxsize=512)
def _centred_number(digits: str, size: float, upright: bool, bold: bool) -> Path:
    """`digits` as a glyph outline in points, centred on (0, 0), turned upright if asked."""
    outline = TextPath(
        (0, 0), digits, size=size, prop=FontProperties(weight="bold" if bold else "normal")
    )
    box = outline.get_extents()
    move = Affine2D().translate(-(box.x0 + box.x1) / 2, -(box.y0 + box.y1) / 2)
    if upright:
        move = move.rotate_deg(90)
    return move.transform_path(outline)
