"""One function per chart: a core result in, a matplotlib Figure out (no pyplot, no Qt)."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

from matplotlib.figure import Figure

from calibrate.charts import palette


def decision_split_figure(
    counts: Mapping[str, int],
    decisions: Sequence[tuple[str, str]],
    golden: str,
    chosen: str | None,
    *,
    dark: bool = False,
    width: float = 5.6,
    height: float = 2.6,
    font_size: float = 9,
) -> Figure:
    """How the room decided one case: a bar per decision (ladder order), golden highlighted.

    decisions: (id, label) pairs in the order to show; counts: answers per decision id;
    font_size: its text (the presenter view's is read from the back of a room).
    """
    text = palette.TEXT_DARK if dark else palette.TEXT_LIGHT
    figure = Figure(figsize=(width, height), layout="constrained")
    figure.patch.set_alpha(0)
    axes = figure.add_subplot()
    axes.set_facecolor("none")
    # A pack's label is the trainer's text: a very long one would squeeze the bars to nothing.
    labels = [textwrap.shorten(label, 36, placeholder="…") for _, label in decisions]
    values = [int(counts.get(decision_id, 0)) for decision_id, _ in decisions]
    total = sum(values)
    colours = [_bar_colour(decision_id, golden, chosen) for decision_id, _ in decisions]
    positions = list(range(len(labels)))[::-1]  # first decision on top
    bars = axes.barh(positions, values, color=colours, height=0.65)
    axes.set_yticks(
        positions,
        labels=[
            f"{label}  ✓" if decision_id == golden else label
            for (decision_id, _), label in zip(decisions, labels, strict=True)
        ],
        color=text,
    )
    for bar, value in zip(bars, values, strict=True):
        share = f"{value}  ({value / total:.0%})" if total else "0"
        axes.annotate(
            share,
            (bar.get_width(), bar.get_y() + bar.get_height() / 2),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            color=text,
            fontsize=font_size,
        )
    axes.set_xlim(0, max(values + [1]) * 1.3)
    axes.set_xlabel(f"answers (N = {total})", color=text, fontsize=font_size + 1)
    axes.tick_params(colors=text, labelsize=font_size)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color(text)
    axes.xaxis.get_major_locator().set_params(integer=True)
    return figure


def _bar_colour(decision_id: str, golden: str, chosen: str | None) -> str:
    """Golden green, your wrong answer vermillion, the rest of the room grey."""
    if decision_id == golden:
        return palette.GOLDEN
    if decision_id == chosen:
        return palette.CHOSEN_WRONG
    return palette.OTHER
