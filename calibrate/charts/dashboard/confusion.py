"""The confusion chart: what reviewers chose for each golden answer, a heatmap per pack,
its decision names laid level when the columns are wide enough and slanted otherwise."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure, FigureBase
from matplotlib.layout_engine import ConstrainedLayoutEngine

from calibrate.charts.dashboard.drawing import (
    add_title,
    new_figure,
    show_empty,
    style_axes,
    two_lines,
)
from calibrate.charts.dashboard.sizes import MAX_PACKS, SIZES, confusion_grid
from calibrate.charts.fixed_layout import text_width
from calibrate.core.lead.compute import ConfusionSection


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
    columns, grid_rows = confusion_grid(len(matrices))
    figure, text = new_figure(*SIZES["confusion"](len(matrices)), dark, figure)
    more = (
        f" ({len(matrices)} of {len(section.matrices)} packs)"
        if len(section.matrices) > len(matrices) and pack is None
        else ""
    )
    add_title(figure, f"What reviewers chose, by golden answer{more}", text)
    if not matrices:
        return show_empty(figure, text)
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
        _write_counts(axes, m.counts, share)
        axes.set_title(m.pack, fontsize=9)
        axes.set_xlabel("chosen", fontsize=8)
        if first_column:
            axes.set_ylabel("golden (intended)", fontsize=8)
        style_axes(axes, text)
    if isinstance(figure, Figure):  # on its own (a report page lays its charts out itself)
        figure.set_layout_engine(_NamesFitLayout(heatmaps))
    return figure


def _write_counts(axes: Axes, counts: np.ndarray, share: np.ndarray) -> None:
    """Each non-empty cell's count, white on dark shades, the diagonal (right) in bold."""
    for (r, c), n in np.ndenumerate(counts):
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


def level_names(axes: Axes, names: list[str]) -> None:
    """Decision names under a heatmap level, on two lines each."""
    axes.set_xticks(
        range(len(names)),
        labels=[two_lines(n) for n in names],
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
            widths = [text_width(two_lines(n).split("\n"), 7) for n in names]
            column = axes.get_position().width * width / max(len(names), 1)
            level = all((a + b) / 2 + 3 <= column for a, b in zip(widths, widths[1:], strict=False))
            if level != self.level[i]:
                (level_names if level else _slant_names)(axes, names)
                self.level[i] = level
                changed = True
        return changed
