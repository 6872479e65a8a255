"""The enforcement charts: over- and under-enforcement per team and site, and the net lean
of each team on each pack."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure, FigureBase
from matplotlib.image import AxesImage

from calibrate.charts import palette
from calibrate.charts.dashboard.drawing import (
    add_title,
    nan_for_none,
    new_figure,
    round_percent_axis,
    show_empty,
    signed_pct,
    style_axes,
    two_lines,
    whiskers,
)
from calibrate.charts.dashboard.sizes import SIZES
from calibrate.charts.palette import BELOW, UNDER
from calibrate.core.lead.compute import EnforcementSection, TeamPackRow

# Net lean: sky blue (under) through white to vermillion (over), as the enforcement bars.
LEAN_COLOURS = LinearSegmentedColormap.from_list("lean", [UNDER, "#ffffff", BELOW])


def enforcement_figure(
    section: EnforcementSection, *, dark: bool = False, figure: FigureBase | None = None
) -> Figure:
    """Per team and site: under (left) and over (right) shares, and the net lean with its CI."""
    rows = list(section.by_team) + list(section.by_site)
    rows = rows[::-1]
    figure, text = new_figure(*SIZES["enforcement"](len(rows)), dark, figure)
    add_title(figure, "Over- and under-enforcement by team and site", text)
    if not rows:
        return show_empty(figure, text)
    bars, net = figure.subplots(1, 2, sharey=True, width_ratios=[3, 2])
    y = np.arange(len(rows))
    over = np.array([r.over / r.n for r in rows])
    under = np.array([r.under / r.n for r in rows])
    bars.barh(y, over, color=BELOW, height=0.6, label="over (more restrictive)")
    bars.barh(y, -under, color=UNDER, height=0.6, label="under (less restrictive)")
    for yi, o, u in zip(y, over, under, strict=True) if len(rows) <= 12 else ():
        bars.text(o, yi, f" {o:.0%}", va="center", fontsize=7, color=text)
        bars.text(-u, yi, f"{u:.0%} ", va="center", ha="right", fontsize=7, color=text)
    reach = max(float(over.max()), float(under.max()), 0.05) * 1.35
    bars.set_xlim(-reach, reach)
    bars.axvline(0, color=text, linewidth=0.8)
    round_percent_axis(bars.xaxis, "abs")
    bars.set_xlabel("share of scored answers: ← under | over →")
    bars.set_yticks(y, labels=[f"{r.group} ({r.level}, n={r.n})" for r in rows], fontsize=8)
    bars.legend(
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncols=2,
        fontsize=7,
        frameon=False,
        labelcolor=text,
    )
    colours = [
        BELOW
        if (r.net_ci and r.net_ci[0] > 0)
        else UNDER
        if (r.net_ci and r.net_ci[1] < 0)
        else palette.OTHER
        for r in rows
    ]
    whiskers(
        net,
        [nan_for_none(r.net) for r in rows],
        list(y),
        [r.net_ci[0] if r.net_ci else np.nan for r in rows],
        [r.net_ci[1] if r.net_ci else np.nan for r in rows],
        colours,
    )
    net.axvline(0, color=text, linewidth=0.8)
    round_percent_axis(net.xaxis, "+")
    net.set_xlabel("net lean, over − under (95 % CI)")
    net.grid(axis="x", alpha=0.25)
    if section.by_team and section.by_site:  # a rule between the sites and the teams
        for axes in (bars, net):
            axes.axhline(len(section.by_site) - 0.5, color=text, linewidth=0.5, alpha=0.5)
    for axes in (bars, net):
        style_axes(axes, text)
    return figure


def team_pack_figure(
    section: EnforcementSection,
    *,
    dark: bool = False,
    figure: FigureBase | None = None,
    pack_titles: Mapping[str, str] | None = None,
) -> Figure:
    """Net lean of each team (rows) on each pack (columns, by title where pack_titles has
    it, as the dashboard's Pack filter): shade from under (blue) to over (vermillion), the
    lean and its 95 % interval written in, bold where the interval is clear of zero; blank
    where the team answered none of the pack."""
    rows = section.by_team_pack
    titles = pack_titles or {}
    teams = sorted({r.team for r in rows})
    packs = sorted({r.pack for r in rows}, key=lambda p: (titles.get(p, p).lower(), p))
    figure, text = new_figure(*SIZES["team_pack"](len(teams)), dark, figure)
    add_title(figure, "Net lean by team and pack (policy)", text)
    if not rows:
        return show_empty(figure, text)
    net = np.full((len(teams), len(packs)), np.nan)
    for r in rows:
        net[teams.index(r.team), packs.index(r.pack)] = nan_for_none(r.net)
    reach = max(float(np.nanmax(np.abs(net))), 0.05)
    axes = figure.add_subplot()
    image = axes.imshow(
        np.ma.masked_invalid(net), cmap=LEAN_COLOURS, vmin=-reach, vmax=reach, aspect="auto"
    )
    for r in rows:
        i, j = teams.index(r.team), packs.index(r.pack)
        _write_lean(
            axes, r, (j, i), "white" if abs(net[i, j]) > 0.6 * reach else palette.TEXT_LIGHT
        )
    axes.set_xticks(
        range(len(packs)),
        fontsize=8,
        labels=[two_lines(t) if len(t) > 16 else t for t in (titles.get(p, p) for p in packs)],
    )
    axes.xaxis.tick_top()
    axes.set_yticks(range(len(teams)), labels=teams, fontsize=8)
    axes.tick_params(length=0)
    for side in axes.spines.values():
        side.set_visible(False)
    _lean_colour_bar(figure, axes, image, text)
    axes.set_facecolor("none")
    axes.tick_params(colors=text)
    return figure


def _write_lean(axes: Axes, r: TeamPackRow, cell: tuple[int, int], ink: str) -> None:
    """In the cell: the net lean (bold when its interval is clear of zero) over its interval
    and answer count."""
    clear = r.net_ci is not None and (r.net_ci[0] > 0 or r.net_ci[1] < 0)
    axes.annotate(
        signed_pct(r.net),
        cell,
        xytext=(0, 4.5),
        textcoords="offset points",
        ha="center",
        va="center",
        fontsize=8,
        color=ink,
        fontweight="bold" if clear else "normal",
    )
    ci = "" if r.net_ci is None else (f"{signed_pct(r.net_ci[0])} to {signed_pct(r.net_ci[1])} · ")
    axes.annotate(
        f"{ci}n={r.n:,}",
        cell,
        xytext=(0, -5.5),
        textcoords="offset points",
        ha="center",
        va="center",
        fontsize=6.5,
        color=ink,
    )


def _lean_colour_bar(figure: FigureBase, axes: Axes, image: AxesImage, text: str) -> None:
    """The shade's key right of the heatmap, in signed percentages."""
    bar = figure.colorbar(image, ax=axes, shrink=0.8, pad=0.02)
    bar.set_label("net lean, over − under", fontsize=7, color=text)
    round_percent_axis(bar.ax.yaxis, "+")
    bar.ax.tick_params(colors=text, labelsize=7)
    bar.outline.set_visible(False)
