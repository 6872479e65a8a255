"""What every dashboard chart draws with: a new figure (or a report page's SubFigure),
axes styled for light and dark, percent axes, dots with interval whiskers, the message of
an empty chart, and the number words the charts share."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.figure import Figure, FigureBase
from matplotlib.text import Text
from matplotlib.ticker import Formatter, MaxNLocator

from calibrate.charts import palette


def new_figure(
    width: float,
    height: float,
    dark: bool,
    target: FigureBase | None = None,
    layout: str | None = "constrained",
) -> tuple[Any, str]:
    """A new Figure of this size, or `target` (a report page's SubFigure) to draw into, and
    the text colour for `dark` or light."""
    figure = target if target is not None else Figure(figsize=(width, height), layout=layout)
    figure.patch.set_alpha(0)
    return figure, palette.TEXT_DARK if dark else palette.TEXT_LIGHT


def style_axes(axes: Axes, text: str) -> None:
    """Transparent axes, ticks and labels in the text colour, no top or right spine."""
    axes.set_facecolor("none")
    axes.tick_params(colors=text, labelsize=8)
    axes.xaxis.label.set_color(text)
    axes.yaxis.label.set_color(text)
    axes.title.set_color(text)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color(text)


def add_title(figure: Figure, text: str, colour: str) -> Text:
    """The chart's bold title atop the figure."""
    return figure.suptitle(text, color=colour, fontsize=11, fontweight="bold")


def percent_axis(axis: Axis) -> None:
    """Shares on `axis` as whole percentages."""
    axis.set_major_formatter(lambda v, _: f"{v:.0%}")


class RoundPercent(Formatter):
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


def round_percent_axis(axis: Axis, style: str = "") -> None:
    """Ticks at steps of 1, 2 or 5 × a power of ten percent (the default locator also takes
    2.5, which 0-decimal labels round unevenly: +2% +5% +8% +10%)."""
    axis.set_major_locator(MaxNLocator(nbins="auto", steps=[1, 2, 5, 10]))
    axis.set_major_formatter(RoundPercent(style))


def show_empty(figure: Figure, text: str, message: str = "No answers in view") -> Figure:
    """`message` alone in the middle of the figure, no axes."""
    axes = figure.add_subplot()
    axes.set_axis_off()
    axes.text(0.5, 0.5, message, ha="center", va="center", color=text, fontsize=10)
    return figure


def whiskers(
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


def nan_for_none(v: float | None) -> float:
    """`v` as a float, NaN (not drawn) for None."""
    return np.nan if v is None else float(v)


def ci_ends(rows: Any) -> tuple[list[float], list[float]]:
    """The low and high ends of each row's `ci` (NaN where a row has none)."""
    return (
        [r.ci[0] if r.ci else np.nan for r in rows],
        [r.ci[1] if r.ci else np.nan for r in rows],
    )


def team_colours(teams: tuple[str, ...] | list[str]) -> dict[str, str]:
    """A stable colour per team name (sorted order), the same in every chart."""
    return {t: palette.SERIES[i % len(palette.SERIES)] for i, t in enumerate(sorted(teams))}


def signed_pct(x: float | None) -> str:
    """A lean as "+4%" / "−3%" / "0%", "–" for none."""
    if x is None:
        return "–"
    return "0%" if abs(x) < 0.0005 else f"{x:+.0%}".replace("-", "\N{MINUS SIGN}")


def two_lines(name: str) -> str:
    """`name` broken at its middlemost space (one line if it has none)."""
    spaces = [i for i, c in enumerate(name) if c == " "]
    if not spaces:
        return name
    cut = min(spaces, key=lambda i: abs(i - len(name) / 2))
    return name[:cut] + "\n" + name[cut + 1 :]
