"""The lead dashboard's charts: one function per chart, a core section in, a Figure out.

No pyplot and no Qt: the dashboard wraps these Figures in a canvas, `calibrate report` puts
them in a PDF. Colours are Okabe-Ito (colour-blind safe); every chart has a plain-words
caption, `figure_caption(name)`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from matplotlib import dates as mdates
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.collections import PathCollection
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure, FigureBase
from matplotlib.font_manager import FontProperties
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.lines import Line2D
from matplotlib.path import Path
from matplotlib.text import Text
from matplotlib.textpath import TextPath
from matplotlib.ticker import Formatter, MaxNLocator
from matplotlib.transforms import Affine2D

from calibrate.charts import palette
from calibrate.charts.fixed_layout import fix_margins, row_labels, text_width
from calibrate.core.lead.agreement import (
    INTERVAL_METHODS,
    TOO_FEW,
    estimate_interval,
    why_not_shown,
)
from calibrate.core.lead.compute import (
    AgreementRow,
    AgreementSection,
    CalibrationSection,
    ConfusionSection,
    Dashboard,
    EnforcementSection,
    ReviewerAccuracy,
    TrendSection,
)
from calibrate.core.lead.labels import SESSION_KIND_WORDS
from calibrate.core.metrics.agreement import MIN_PAIRED_CASES

# Okabe-Ito, in the order series take them (black is kept for "everyone" and targets).
SERIES = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
BELOW = "#D55E00"  # vermillion: below target, over-enforcement
ABOVE = "#0072B2"  # blue: at or above target
UNDER = "#56B4E9"  # sky blue: under-enforcement
KIND_LABELS = SESSION_KIND_WORDS  # the order the attempts chart shows session kinds in
MAX_PACKS = 6  # confusion heatmaps on one chart
# Net lean: sky blue (under) through white to vermillion (over), as the enforcement bars.
LEAN_COLOURS = LinearSegmentedColormap.from_list("lean", [UNDER, "#ffffff", BELOW])
MAX_ROWS = 40  # beyond this a dot chart stops being readable; the rest is in the table
DENSE_WEEKS = 20  # past this many weeks the trend's per-week Ns stand upright

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
}


def _grid(n: int) -> tuple[int, int]:
    """Columns and rows of the confusion grid: three packs a row."""
    columns = min(max(n, 1), 3)
    return columns, -(-max(n, 1) // columns)


# Each chart's natural size (inches) from the number of rows it shows: the figure functions
# and `natural_size` share these, so the report can lay a page out before drawing.
_SIZE: dict[str, Callable[[int], tuple[float, float]]] = {
    "reviewer_accuracy": lambda n: (7.0, 1.3 + 0.19 * max(n, 4)),
    "agreement": lambda n: (7.0, 1.3 + 0.22 * max(n, 3)),
    "confusion": lambda n: (2.6 * _grid(n)[0] + 0.9, 0.4 + 2.9 * _grid(n)[1]),
    "enforcement": lambda n: (7.4, 1.5 + 0.32 * max(n, 3)),
    "team_pack": lambda n: (7.4, 1.3 + 0.42 * max(n, 3)),
    "trend": lambda n: (7.4, 5.0),
    "attempts": lambda n: (7.0, 1.4 + 0.55 * max(n, 2)),
    "calibration": lambda n: (5.6, 4.6),
}


def natural_size(name: str, dashboard: Dashboard) -> tuple[float, float]:
    """The size (inches) chart `name` takes when drawn from `dashboard` with its defaults."""
    shown = {
        "reviewer_accuracy": min(
            MAX_ROWS, sum(r.accuracy is not None for r in dashboard.reviewers.reviewers)
        ),
        "agreement": min(
            MAX_ROWS,
            len(dashboard.agreement.by_pack)
            + sum(
                r.pack in {p.pack for p in dashboard.agreement.by_pack}
                for r in dashboard.agreement.by_clause
            ),
        ),
        "confusion": min(MAX_PACKS, len(dashboard.confusion.matrices)),
        "enforcement": len(dashboard.enforcement.by_team) + len(dashboard.enforcement.by_site),
        "team_pack": len({r.team for r in dashboard.enforcement.by_team_pack}),
        "attempts": len({a.team for a in dashboard.trend.attempts}),
    }
    return _SIZE[name](shown.get(name, 0))


def figure_caption(name: str) -> str:
    """The one-sentence caption shown under the chart `name`."""
    return CAPTIONS[name]


def _new(
    width: float,
    height: float,
    dark: bool,
    target: FigureBase | None = None,
    layout: str | None = "constrained",
) -> tuple[Any, str]:
    """A new Figure of this size, or `target` (a report page's SubFigure) to draw into."""
    figure = target if target is not None else Figure(figsize=(width, height), layout=layout)
    figure.patch.set_alpha(0)
    return figure, palette.TEXT_DARK if dark else palette.TEXT_LIGHT


def _style(axes: Axes, text: str) -> None:
    axes.set_facecolor("none")
    axes.tick_params(colors=text, labelsize=8)
    axes.xaxis.label.set_color(text)
    axes.yaxis.label.set_color(text)
    axes.title.set_color(text)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color(text)


def _title(figure: Figure, text: str, colour: str) -> Text:
    return figure.suptitle(text, color=colour, fontsize=11, fontweight="bold")


def _percent_axis(axis: Axis) -> None:
    axis.set_major_formatter(lambda v, _: f"{v:.0%}")


class _RoundPercent(Formatter):
    """Shares as percentages with the decimals their tick step needs ("+" signed or "abs"
    magnitudes for the two sides of zero); zero is always plain "0%"."""

    def __init__(self, style: str = ""):
        self.style, self.decimals = style, 0

    def set_locs(self, locs) -> None:
        super().set_locs(locs)
        step = float(np.min(np.diff(locs))) if len(locs) > 1 else 1.0
        self.decimals = max(0, -math.floor(math.log10(step * 100) + 1e-9)) if step > 0 else 0

    def __call__(self, x: float, pos: int | None = None) -> str:
        if abs(x) < 1e-12:
            return "0%"
        value = abs(x) if self.style == "abs" else x
        sign = "+" if self.style == "+" else ""
        return f"{value:{sign}.{self.decimals}%}".replace("-", "\N{MINUS SIGN}")


def _round_percent_axis(axis: Axis, style: str = "") -> None:
    """Ticks at steps of 1, 2 or 5 × a power of ten percent (the default locator also takes
    2.5, which 0-decimal labels round unevenly: +2% +5% +8% +10%)."""
    axis.set_major_locator(MaxNLocator(nbins="auto", steps=[1, 2, 5, 10]))
    axis.set_major_formatter(_RoundPercent(style))


def _empty(figure: Figure, text: str, message: str = "No answers in view") -> Figure:
    axes = figure.add_subplot()
    axes.set_axis_off()
    axes.text(0.5, 0.5, message, ha="center", va="center", color=text, fontsize=10)
    return figure


def _whiskers(
    axes: Axes,
    x: list[float],
    y: list[float],
    lo: list[float],
    hi: list[float],
    colours: list[str],
    size: float = 5,
    hollow: list[bool] | None = None,
) -> None:
    """Dots with horizontal interval bars (NaN bounds draw no bar; hollow dots optional).

    One artist for all bars and one per dot style: fast with many rows."""
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    los, his = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
    colour = np.asarray(colours, dtype=object)
    empty = np.asarray(hollow if hollow is not None else [False] * xs.size, dtype=bool)
    bar = ~np.isnan(los)
    if bar.any():
        axes.hlines(ys[bar], los[bar], his[bar], colors=list(colour[bar]), linewidth=1.4, alpha=0.8)
    for open_dot in (False, True):
        dot = ~np.isnan(xs) & (empty == open_dot)
        if dot.any():
            axes.scatter(
                xs[dot],
                ys[dot],
                s=size**2,
                edgecolors=list(colour[dot]),
                facecolors="white" if open_dot else list(colour[dot]),
                linewidths=1.3,
                zorder=3,
            )


def _nan(v: float | None) -> float:
    return np.nan if v is None else float(v)


def team_colours(teams: tuple[str, ...] | list[str]) -> dict[str, str]:
    """A stable colour per team name (sorted order), the same in every chart."""
    return {t: SERIES[i % len(SERIES)] for i, t in enumerate(sorted(teams))}


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
    figure, text = _new(
        *_SIZE["reviewer_accuracy"](len(shown)),
        dark,
        figure,
        layout=None if shown else "constrained",
    )
    more = f" (lowest {len(shown)} of {len(rows)})" if len(rows) > len(shown) else ""
    below = sum(r.below_target for r in rows)
    title = _title(
        figure, f"Accuracy per reviewer{more}: {below} of {len(rows)} below target", text
    )
    if not shown:
        return _empty(figure, text)
    axes = figure.add_subplot()
    _style(axes, text)
    y = list(range(len(shown)))
    colours = [BELOW if r.below_target else ABOVE for r in shown]
    _whiskers(
        axes,
        [r.accuracy for r in shown],
        y,
        [r.ci[0] if r.ci else np.nan for r in shown],
        [r.ci[1] if r.ci else np.nan for r in shown],
        colours,
        size=4.5,
        hollow=[r.below_target and not r.clearly_below for r in shown],
    )
    axes.axvline(section.target, color=text, linestyle="--", linewidth=1)
    axes.text(
        section.target,
        len(shown) - 0.3,
        f" target {section.target:.0%}",
        color=text,
        fontsize=7,
        va="bottom",
    )
    labels = [f"{r.name} · {r.team} (n={r.n})" for r in shown]
    # Names in the text colour (8 pt vermillion on white is too faint to read); the dots
    # carry the below-target colour.
    row_labels(axes, y, labels, text)
    lows = [r.ci[0] for r in shown if r.ci]
    axes.set_xlim(max(0.0, min(lows + [section.target]) - 0.05), 1.02)
    axes.set_ylim(-0.7, len(shown) - 0.3 + 0.9)
    _percent_axis(axes.xaxis)
    axes.set_xlabel("answers matching golden (95 % Wilson interval)")
    axes.grid(axis="x", alpha=0.25)
    entries = ("clearly below target", "below, interval reaches it", "on target")
    legend = axes.legend(
        handles=[
            Line2D([], [], marker="o", color=BELOW, linestyle="", label=entries[0]),
            Line2D(
                [],
                [],
                marker="o",
                color=BELOW,
                markerfacecolor="white",
                linestyle="",
                label=entries[1],
            ),
            Line2D([], [], marker="o", color=ABOVE, linestyle="", label=entries[2]),
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
    if isinstance(figure, Figure):
        fix_margins(figure, title, labels, legend_gap=0.2, legend=legend, entries=entries)
    return figure


def _agreement_value(row: AgreementRow, metric: str) -> tuple[float, float, float, bool, bool]:
    """Value, interval cut to −1…1 (NaN: none) and whether each end was cut."""
    est = {"fleiss": row.fleiss, "alpha": row.alpha, "ac1": row.ac1}[metric]
    shown = estimate_interval(est)
    if shown is None:
        return _nan(est.value), np.nan, np.nan, False, False
    return _nan(est.value), shown.lo, shown.hi, shown.lo_cut, shown.hi_cut


METRIC_LABELS = {"fleiss": "Fleiss' κ", "alpha": "Krippendorff's α (nominal)", "ac1": "Gwet's AC1"}


def agreement_figure(
    section: AgreementSection,
    *,
    dark: bool = False,
    metric: str = "fleiss",
    max_rows: int = MAX_ROWS,
    figure: FigureBase | None = None,
) -> Figure:
    """Agreement per pack (bold) and per golden clause under it, with 95 % intervals."""
    ordered: list[AgreementRow] = []
    for pack_row in section.by_pack:
        ordered.append(pack_row)
        ordered += [r for r in section.by_clause if r.pack == pack_row.pack]
    shown = ordered[:max_rows][::-1]
    figure, text = _new(
        *_SIZE["agreement"](len(shown)), dark, figure, layout=None if shown else "constrained"
    )  # see reviewer_accuracy
    title = _title(figure, f"Agreement between reviewers — {METRIC_LABELS[metric]}", text)
    if not shown:
        return _empty(figure, text)
    axes = figure.add_subplot()
    _style(axes, text)
    values = [_agreement_value(r, metric) for r in shown]
    colours = [ABOVE if not r.clause else UNDER for r in shown]
    y = list(range(len(shown)))
    _whiskers(
        axes, [v[0] for v in values], y, [v[1] for v in values], [v[2] for v in values], colours
    )
    # A cut end is an arrowhead at the edge of the range: the interval goes on past it.
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
    labels = [
        f"{r.pack} ({r.n_cases} cases)"
        if not r.clause
        else f"   clause {r.clause} ({r.n_cases} case{'s' if r.n_cases != 1 else ''})"
        for r in shown
    ]
    row_labels(axes, y, labels, text, weights=["normal" if r.clause else "bold" for r in shown])
    for yi, v, row in zip(y, values, shown, strict=True):
        if np.isnan(v[0]):
            est = {"fleiss": row.fleiss, "alpha": row.alpha, "ac1": row.ac1}[metric]
            why = why_not_shown(est)
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
    handles = [
        Line2D([], [], marker="o", color=ABOVE, label="whole pack"),
        Line2D([], [], marker="o", color=UNDER, label="cases under one golden clause"),
    ]
    if any(v[3] or v[4] for v in values):
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


def confusion_figure(
    section: ConfusionSection,
    *,
    dark: bool = False,
    pack: str | None = None,
    max_packs: int = MAX_PACKS,
    figure: FigureBase | None = None,
) -> Figure:
    """Golden × chosen heatmap per pack (shade = share of the golden row), counts written in;
    three packs a row, the `max_packs` with most answers when there are more."""
    matrices = [m for m in section.matrices if pack is None or m.pack == pack]
    if len(matrices) > max_packs:
        matrices = sorted(matrices, key=lambda m: -int(m.counts.sum()))[:max_packs]
    columns, grid_rows = _grid(len(matrices))
    figure, text = _new(*_SIZE["confusion"](len(matrices)), dark, figure)
    more = (
        f" ({len(matrices)} of {len(section.matrices)} packs)"
        if len(section.matrices) > len(matrices) and pack is None
        else ""
    )
    _title(figure, f"What reviewers chose, by golden answer{more}", text)
    if not matrices:
        return _empty(figure, text)
    heatmaps: list[tuple[Axes, list[str]]] = []
    for i, m in enumerate(matrices):
        axes = figure.add_subplot(grid_rows, columns, i + 1)
        counts = m.counts.astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.nan_to_num(counts / counts.sum(axis=1, keepdims=True))
        # Empty cells stay blank so the few real confusions stand out.
        axes.imshow(np.ma.masked_equal(share, 0), cmap="Blues", vmin=0, vmax=1, aspect="auto")
        names = [label.replace("_", " ") for label in m.labels]
        first_column = i % columns == 0
        _slant_names(axes, names)
        heatmaps.append((axes, names))
        axes.set_yticks(
            range(len(names)), labels=names if first_column else [""] * len(names), fontsize=7
        )
        for (r, c), n in np.ndenumerate(m.counts):
            if n:
                axes.text(
                    c,
                    r,
                    str(n),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if share[r, c] > 0.55 else "black",
                    fontweight="bold" if r == c else "normal",
                )
        axes.set_title(m.pack, fontsize=9)
        axes.set_xlabel("chosen", fontsize=8)
        if first_column:
            axes.set_ylabel("golden (intended)", fontsize=8)
        _style(axes, text)
    if isinstance(figure, Figure):  # on its own (a report page lays its charts out itself)
        figure.set_layout_engine(_NamesFitLayout(heatmaps))
    return figure


def _two_lines(name: str) -> str:
    """`name` broken at its middlemost space (one line if it has none)."""
    spaces = [i for i, c in enumerate(name) if c == " "]
    if not spaces:
        return name
    cut = min(spaces, key=lambda i: abs(i - len(name) / 2))
    return name[:cut] + "\n" + name[cut + 1 :]


def _slant_names(axes: Axes, names: list[str]) -> None:
    """Decision names under a heatmap slanted, each ending under its column."""
    axes.set_xticks(
        range(len(names)),
        labels=names,
        fontsize=7,
        rotation=45,
        ha="right",
        va="top",
        rotation_mode="anchor",
    )


def _level_names(axes: Axes, names: list[str]) -> None:
    """Decision names under a heatmap level, on two lines each."""
    axes.set_xticks(
        range(len(names)),
        labels=[_two_lines(n) for n in names],
        fontsize=7,
        rotation=0,
        ha="center",
        va="top",
        rotation_mode="default",
        multialignment="center",
        linespacing=1.0,
    )


class _NamesFitLayout(ConstrainedLayoutEngine):
    """Constrained layout that first lays the decision names under the heatmaps level, on
    two lines, when the columns are wide enough at the figure's current size (a dashboard
    tab across the window), and slants them otherwise: slanted names take more height than
    a squeezed heatmap itself."""

    def __init__(self, heatmaps: list[tuple[Axes, list[str]]]):
        super().__init__()
        self.heatmaps = heatmaps  # each heatmap's axes and decision names
        self.level = [False] * len(heatmaps)  # as confusion_figure draws them: slanted

    def execute(self, fig: Figure):
        result = super().execute(fig)  # where the names as they are put the columns
        if self._fit_names(fig):  # changed: lay out again around the new names
            result = super().execute(fig)
        return result

    def _fit_names(self, fig: Figure) -> bool:
        width = fig.get_size_inches()[0] * 72  # points
        changed = False
        for i, (axes, names) in enumerate(self.heatmaps):
            # Level names are centred on their columns: two neighbours fit when half of each
            # and a gap fit in one column's width.
            widths = [text_width(_two_lines(n).split("\n"), 7) for n in names]
            column = axes.get_position().width * width / max(len(names), 1)
            level = all((a + b) / 2 + 3 <= column for a, b in zip(widths, widths[1:], strict=False))
            if level != self.level[i]:
                (_level_names if level else _slant_names)(axes, names)
                self.level[i] = level
                changed = True
        return changed


def enforcement_figure(
    section: EnforcementSection, *, dark: bool = False, figure: FigureBase | None = None
) -> Figure:
    """Per team and site: under (left) and over (right) shares, and the net lean with its CI."""
    rows = list(section.by_team) + list(section.by_site)
    rows = rows[::-1]
    figure, text = _new(*_SIZE["enforcement"](len(rows)), dark, figure)
    _title(figure, "Over- and under-enforcement by team and site", text)
    if not rows:
        return _empty(figure, text)
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
    _round_percent_axis(bars.xaxis, "abs")
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
    _whiskers(
        net,
        [_nan(r.net) for r in rows],
        list(y),
        [r.net_ci[0] if r.net_ci else np.nan for r in rows],
        [r.net_ci[1] if r.net_ci else np.nan for r in rows],
        colours,
    )
    net.axvline(0, color=text, linewidth=0.8)
    _round_percent_axis(net.xaxis, "+")
    net.set_xlabel("net lean, over − under (95 % CI)")
    net.grid(axis="x", alpha=0.25)
    if section.by_team and section.by_site:  # a rule between the sites and the teams
        for axes in (bars, net):
            axes.axhline(len(section.by_site) - 0.5, color=text, linewidth=0.5, alpha=0.5)
    for axes in (bars, net):
        _style(axes, text)
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
    figure, text = _new(*_SIZE["team_pack"](len(teams)), dark, figure)
    _title(figure, "Net lean by team and pack (policy)", text)
    if not rows:
        return _empty(figure, text)
    net = np.full((len(teams), len(packs)), np.nan)
    for r in rows:
        net[teams.index(r.team), packs.index(r.pack)] = _nan(r.net)
    reach = max(float(np.nanmax(np.abs(net))), 0.05)
    axes = figure.add_subplot()
    image = axes.imshow(
        np.ma.masked_invalid(net), cmap=LEAN_COLOURS, vmin=-reach, vmax=reach, aspect="auto"
    )
    for r in rows:
        i, j = teams.index(r.team), packs.index(r.pack)
        clear = r.net_ci is not None and (r.net_ci[0] > 0 or r.net_ci[1] < 0)
        ink = "white" if abs(net[i, j]) > 0.6 * reach else palette.TEXT_LIGHT
        axes.annotate(
            _signed_pct(r.net),
            (j, i),
            xytext=(0, 4.5),
            textcoords="offset points",
            ha="center",
            va="center",
            fontsize=8,
            color=ink,
            fontweight="bold" if clear else "normal",
        )
        ci = (
            ""
            if r.net_ci is None
            else (f"{_signed_pct(r.net_ci[0])} to {_signed_pct(r.net_ci[1])} · ")
        )
        axes.annotate(
            f"{ci}n={r.n:,}",
            (j, i),
            xytext=(0, -5.5),
            textcoords="offset points",
            ha="center",
            va="center",
            fontsize=6.5,
            color=ink,
        )
    axes.set_xticks(
        range(len(packs)),
        fontsize=8,
        labels=[_two_lines(t) if len(t) > 16 else t for t in (titles.get(p, p) for p in packs)],
    )
    axes.xaxis.tick_top()
    axes.set_yticks(range(len(teams)), labels=teams, fontsize=8)
    axes.tick_params(length=0)
    for side in axes.spines.values():
        side.set_visible(False)
    bar = figure.colorbar(image, ax=axes, shrink=0.8, pad=0.02)
    bar.set_label("net lean, over − under", fontsize=7, color=text)
    _round_percent_axis(bar.ax.yaxis, "+")
    bar.ax.tick_params(colors=text, labelsize=7)
    bar.outline.set_visible(False)
    axes.set_facecolor("none")
    axes.tick_params(colors=text)
    return figure


def _signed_pct(x: float | None) -> str:
    if x is None:
        return "–"
    return "0%" if abs(x) < 0.0005 else f"{x:+.0%}".replace("-", "\N{MINUS SIGN}")


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
    figure, text = _new(*_SIZE["trend"](0), dark, figure)
    answers = {t: sum(p.n for p in section.points if p.team == t) for t in section.teams}
    teams = sorted(sorted(section.teams, key=lambda t: -answers[t])[:max_teams])
    more = (
        f" ({len(teams)} largest of {len(section.teams)} teams)"
        if len(teams) < len(section.teams)
        else ""
    )
    _title(figure, f"Week by week{more}", text)
    if not section.points:
        return _empty(figure, text)
    # Accuracy is the line a lead reads first: it gets the taller panel. Under κ, its N per
    # week and team, one row each (as a "number at risk" table under a survival curve).
    row = 0.3 if len(section.weeks) > DENSE_WEEKS else 0.2  # upright Ns need taller rows
    acc, kap, sizes = figure.subplots(
        3, 1, sharex=True, height_ratios=(3, 2, 0.25 + row * (len(teams) + 1))
    )
    colours = team_colours(teams)
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
        acc.plot(weeks, [_nan(p.accuracy) for p in points], **style)
        if team:
            acc.fill_between(
                weeks,
                [p.ci[0] if p.ci else np.nan for p in points],
                [p.ci[1] if p.ci else np.nan for p in points],
                color=colour,
                alpha=0.08,
                linewidth=0,
            )
        kap.plot(weeks, [_nan(p.kappa) for p in points], **style)
    _kappa_sizes(sizes, section, [*teams, ""], colours, text)
    if target is not None:  # named in the legend: a label on the line sits on the data
        acc.axhline(target, color=text, linestyle=":", linewidth=1, label=f"target {target:.0%}")
    _percent_axis(acc.yaxis)
    acc.set_ylabel("accuracy")
    kap.set_ylabel("Fleiss' κ")
    sizes.set_xlabel("week starting (Monday, UTC)")
    sizes.xaxis.set_major_formatter(
        lambda v, _: str(np.datetime64(int(v), "D").item().strftime("%d %b"))
    )
    every = -(-len(section.weeks) // 10)  # at most ten labelled weeks
    sizes.set_xticks([np.datetime64(w) for w in section.weeks[::every]])
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
        _style(axes, text)
    _style(sizes, text)
    sizes.spines["left"].set_visible(False)
    sizes.tick_params(axis="y", length=0)
    return figure


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


def attempts_figure(
    section: TrendSection, *, dark: bool = False, figure: FigureBase | None = None
) -> Figure:
    """Accuracy per team by session kind: first attempt vs retake (and review, live)."""
    rows = list(section.attempts)
    teams = sorted({a.team for a in rows})
    kinds = [k for k in KIND_LABELS if any(a.kind == k for a in rows)]
    figure, text = _new(*_SIZE["attempts"](len(teams)), dark, figure)
    _title(figure, "First attempt vs retake", text)
    if not rows:
        return _empty(figure, text)
    axes = figure.add_subplot()
    step = 0.7 / max(len(kinds), 1)
    for j, kind in enumerate(kinds):
        mine = [a for a in rows if a.kind == kind]
        y = [len(teams) - 1 - teams.index(a.team) + 0.35 - step * (j + 0.5) for a in mine]
        _whiskers(
            axes,
            [_nan(a.accuracy) for a in mine],
            y,
            [a.ci[0] if a.ci else np.nan for a in mine],
            [a.ci[1] if a.ci else np.nan for a in mine],
            [SERIES[j]] * len(mine),
        )
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
    _percent_axis(axes.xaxis)
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
    _style(axes, text)
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
    figure, text = _new(*_SIZE["calibration"](0), dark, figure)
    teams = [t for t in section.teams if t.team]
    rows = sorted(sorted(teams, key=lambda t: -t.n)[:max_teams], key=lambda t: t.team)
    more = f" ({len(rows)} largest of {len(teams)} teams)" if len(rows) < len(teams) else ""
    _title(figure, f"Stated confidence vs being right{more}", text)
    if len(rows) < len(teams):
        rows += [t for t in section.teams if not t.team]
    if not section.teams:
        return _empty(figure, text, "No answers with a stated confidence")
    axes = figure.add_subplot()
    axes.plot(
        [0, 1], [0, 1], color=text, linestyle="--", linewidth=0.9, label="perfectly calibrated"
    )
    colours = team_colours([t.team for t in rows])
    for row in rows or section.teams:
        x = np.array([_nan(v) for v in row.bin_confidence])
        y = np.array([_nan(v) for v in row.bin_accuracy])
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
    _percent_axis(axes.xaxis)
    _percent_axis(axes.yaxis)
    axes.set_xlabel("stated confidence (dot size: answers)")
    axes.set_ylabel("share actually right")
    axes.grid(alpha=0.25)
    axes.legend(loc="lower right", fontsize=7, frameon=False, labelcolor=text)
    _style(axes, text)
    return figure


FigureFunction = Callable[..., Figure]


# The one chart name → figure table: the dashboard screen, the PDF report and the benchmarks
# draw each chart through it. `f`: a (sub)figure to draw into (the report's chart pages).
# Each chart from (dashboard, dark, figure to draw into, pack id → title for the charts that
# name packs).
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
