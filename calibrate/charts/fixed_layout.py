"""Chart margins fixed in points from the labels a chart will show, worked out once when it
is built (constrained layout measures every label again at each draw), and row labels that
look like y tick labels at a fraction of their cost. No Qt, no pyplot."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont, get_font
from matplotlib.layout_engine import LayoutEngine
from matplotlib.legend import Legend
from matplotlib.markers import TICKLEFT
from matplotlib.text import Text
from matplotlib.textpath import text_to_path
from matplotlib.transforms import offset_copy

PAD = 3.0  # points between the figure's edge and what is drawn (constrained layout's pad)


@functools.cache
def _advances(size: float, weight: str) -> dict[str, float]:
    """Advance width (points) per character seen so far in the default font at this size."""
    return {}


def text_width(labels: Sequence[str], size: float, weight: str = "normal") -> float:
    """Width in points of the widest of `labels` drawn at `size`: the widest by the font's
    advance widths (no text layout), measured once exactly (kerning, fallback fonts)."""
    if not labels:
        return 0.0
    prop = FontProperties(size=size, weight=weight)
    advance = _advances(size, weight)
    new = set().union(*labels) - advance.keys()
    if new:
        font = get_font(findfont(prop))  # this thread's: renderers size it too
        font.set_size(size, 72)
        for char in new:
            advance[char] = font.load_char(ord(char)).linearHoriAdvance / 65536
    widest = max(labels, key=lambda s: sum(advance[c] for c in s))
    exact = text_to_path.get_text_width_height_descent(widest, prop, ismath=False)[0]
    return max(exact, sum(advance[c] for c in widest))


def line_height(size: float, weight: str = "normal") -> float:
    """Height in points of one line of text at `size` (what matplotlib gives a text box)."""
    return text_to_path.get_text_width_height_descent(
        "lp", FontProperties(size=size, weight=weight), ismath=False
    )[1]


class FixedMargins(LayoutEngine):
    """Margins around a figure's one grid of axes fixed in points, worked out once when the
    chart is built: each draw only turns them into fractions of the figure's current size
    (so they follow a resized canvas) instead of measuring every label again, as constrained
    layout does (~25 ms of a 40-row chart's ~170 ms draw at 934×567 px; ~35 ms when the
    labels were not measured before).

    The title (suptitle) stays PAD below the top; a legend above the axes that would run off
    the right edge of a narrow figure is moved left (over the label column)."""

    _adjust_compatible = True
    _colorbar_gridspec = False

    def __init__(
        self,
        left: float,
        right: float,
        top: float,
        bottom: float,
        *,
        title: Text | None = None,
        legend: Legend | None = None,
        legend_width: float = 0.0,
    ):
        super().__init__()
        self.margins = (left, right, top, bottom)
        self.title, self.legend, self.legend_width = title, legend, legend_width

    def execute(self, fig: Figure) -> None:
        width, height = fig.get_size_inches() * 72
        left, right, top, bottom = self.margins
        x0 = min(left / width, 0.7)  # a figure too small for its labels still shows a plot
        x1 = max(1 - right / width, x0 + 0.1)
        y0 = min(bottom / height, 0.5)
        y1 = max(1 - top / height, y0 + 0.1)
        fig.subplots_adjust(left=x0, right=x1, bottom=y0, top=y1)
        if self.title is not None:
            self.title.set_y(1 - PAD / height)
        if self.legend is not None:
            start = min(x0 * width, max(PAD, width - PAD - self.legend_width))
            self.legend.set_bbox_to_anchor(((start / width - x0) / (x1 - x0), 1.0))


def fix_margins(
    figure: Figure,
    title: Text,
    labels: Sequence[str],
    bold: Sequence[str] = (),
    *,
    legend_gap: float,
    legend: Legend | None = None,
    entries: Sequence[str] = (),
    xlabel_lines: int = 1,
    xlabel_size: float | None = None,
) -> None:
    """FixedMargins for a chart with row labels (8 pt, `bold` ones bold), an x axis label
    (10 pt) under tick labels (8 pt), and above the axes the title and a one-row legend
    (7 pt, `legend_gap` ems above the axes) — the sizes dashboard/drawing.style_axes and
    the charts use. `legend`: the reviewer chart's, anchored at the axes' top left, with
    `entries`; moved left when the figure is too narrow for it. `xlabel_lines`,
    `xlabel_size`: an x axis label of several lines, or another size."""
    rc = mpl.rcParams
    ticks = rc["ytick.major.size"] + rc["ytick.major.pad"]
    widest = max(text_width(labels, 8), text_width(bold, 8, "bold"))
    # Agg's hinted text is up to ~1.5 % wider than the font's outline metrics at screen dpi.
    left = PAD + widest * 1.02 + 1 + ticks
    size = xlabel_size or FontProperties(size=rc["axes.labelsize"]).get_size_in_points()
    # Lines after the first are 1.2 font sizes apart (matplotlib's default linespacing).
    xlabel = line_height(size) + (xlabel_lines - 1) * 1.2 * size
    bottom = (
        PAD
        + xlabel
        + rc["axes.labelpad"]
        + line_height(8)
        + rc["xtick.major.size"]
        + rc["xtick.major.pad"]
        + 1
    )
    em = 7  # the legend's font size: its paddings are in ems
    legend_height = line_height(em) + 2 * 0.4 * em
    top = PAD + line_height(11, "bold") + 2 * PAD + legend_gap * em + legend_height
    # Entries (hinted text as above), each after a handle (2 ems) and its 0.2 em pad, 1 em
    # between columns, 0.4 em border each side.
    legend_width = (
        sum(text_width([e], em) for e in entries) * 1.02
        + 1
        + len(entries) * (2.0 + 0.2) * em
        + (len(entries) - 1) * 1.0 * em
        + 2 * 0.4 * em
    )
    figure.set_layout_engine(
        FixedMargins(
            left, PAD + 3, top, bottom, title=title, legend=legend, legend_width=legend_width
        )
    )


def row_labels(
    axes: Axes,
    y: Sequence[float],
    labels: Sequence[str],
    colour: str,
    size: float = 8,
    weights: Sequence[str] | None = None,
) -> None:
    """Labels left of the axes, one per row at `y`, looking like y tick labels (8 pt, tick
    marks out of the left spine) without a Tick per row: a Text each and one Line2D for
    every mark (a Tick is five artists, made and styled one by one)."""
    rc = mpl.rcParams
    axes.set_yticks([])
    row = axes.get_yaxis_transform()  # x: axes fraction, y: data
    axes.plot(
        np.zeros(len(y)),
        y,
        transform=row,
        linestyle="",
        marker=TICKLEFT,
        markersize=rc["ytick.major.size"],
        markeredgewidth=rc["ytick.major.width"],
        color=colour,
        clip_on=False,
    )
    at = offset_copy(
        row,
        fig=axes.get_figure(),
        x=-(rc["ytick.major.size"] + rc["ytick.major.pad"]),
        units="points",
    )
    for yi, label, weight in zip(y, labels, weights or ["normal"] * len(y), strict=True):
        axes.text(
            0,
            yi,
            label,
            transform=at,
            ha="right",
            va="center_baseline",
            fontsize=size,
            color=colour,
            fontweight=weight,
        )
