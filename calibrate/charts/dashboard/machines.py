"""The scoreboard chart: one model run on one pack beside the moderators on that pack —
accuracy with its interval against the humans' mean and range, what the model chose by
golden answer (the dashboard's confusion heatmap), and its scores against being right
beside the humans' stated confidence (the dashboard's reliability chart)."""

from __future__ import annotations

from matplotlib.figure import Figure, FigureBase

from calibrate.charts import palette
from calibrate.charts.dashboard.accuracy import calibration_figure
from calibrate.charts.dashboard.confusion import confusion_figure, level_names
from calibrate.charts.dashboard.drawing import (
    add_title,
    new_figure,
    percent_axis,
    show_empty,
    style_axes,
    whiskers,
)
from calibrate.core.errors import counted
from calibrate.core.lead.sections.enforcement import ConfusionMatrix, ConfusionSection
from calibrate.core.lead.sections.trend import CalibrationSection
from calibrate.core.machines.scoreboard import ScoreboardEntry

SIZE = (11.0, 4.2)
CAPTION = (
    "Left: the model's accuracy against golden answers with its 95 % Wilson interval; the "
    "moderators' mean accuracy on the same pack (their first answers) with the range from the "
    "lowest to the highest. Middle: what the model chose (columns) for each golden answer "
    "(rows). Right: the model's scores and the moderators' stated confidence against how "
    "often each was right; on the diagonal is well calibrated, below it overconfident."
)


def entry_title(entry: ScoreboardEntry, pack_title: str | None = None) -> str:
    version = f" {entry.version}" if entry.version else ""
    return f"{entry.rater}{version} on {pack_title or entry.pack.pack_id}"


def scoreboard_figure(
    entry: ScoreboardEntry | None,
    *,
    dark: bool = False,
    figure: FigureBase | None = None,
    pack_title: str | None = None,
    level: bool = True,
) -> Figure:
    """The three panels of one run × pack (a message alone when there is no run); `level`:
    decision names under the heatmap level on two lines (a window's width), else slanted
    (a page's)."""
    figure, text = new_figure(*SIZE, dark, figure)
    if entry is None:
        add_title(figure, "Models beside the moderators", text)
        return show_empty(
            figure, text, "No model run in this database: `calibrate machine import` adds one"
        )
    add_title(figure, entry_title(entry, pack_title), text)
    left, middle, right = figure.subfigures(1, 3, width_ratios=[1.05, 1.0, 1.0])
    _accuracy(left, entry, text)
    p = entry.pack
    matrix = ConfusionMatrix("model", p.labels, p.ladder_size, p.confusion)
    confusion_figure(ConfusionSection((matrix,)), dark=dark, figure=middle)
    middle.suptitle("What the model chose, by golden", color=text, fontsize=10)
    for axes in middle.axes:
        axes.set_title("")
        axes.set_xlabel("model chose", fontsize=8)
        # Level, two-line names: slanted ones took half the panel's height from the cells.
        if level:
            level_names(axes, [label.replace("_", " ") for label in p.labels])
    rows = tuple(r for r in (p.calibration, entry.humans.calibration) if r is not None)
    calibration_figure(CalibrationSection(rows), dark=dark, figure=right)
    right.suptitle("Scores and stated confidence vs right", color=text, fontsize=10)
    for axes in right.axes:
        axes.set_xlabel("score or stated confidence", fontsize=8)
        axes.set_ylabel("share right", fontsize=8)
    return figure


def _accuracy(figure: FigureBase, entry: ScoreboardEntry, text: str) -> None:
    """The model's accuracy and interval over the humans' mean and range."""
    figure.suptitle("Accuracy against golden", color=text, fontsize=10)
    axes = figure.add_subplot()
    value, ci = entry.pack.accuracy
    h = entry.humans
    names = [
        f"model\n({counted(entry.pack.summary.scored, 'case')})",
        f"moderators\n({h.moderators}; mean, range)",
    ]
    whiskers(
        axes,
        [
            value if value is not None else float("nan"),
            h.mean if h.mean is not None else float("nan"),
        ],
        [1, 0],
        [ci[0] if ci else float("nan"), h.lowest if h.lowest is not None else float("nan")],
        [ci[1] if ci else float("nan"), h.highest if h.highest is not None else float("nan")],
        [palette.BELOW, palette.ACCENT],
        size=7,
    )
    for y, share in ((1, value), (0, h.mean)):
        if share is not None:
            axes.annotate(
                f"{share:.0%}",
                (share, y),
                textcoords="offset points",
                xytext=(0, 7),
                ha="center",
                fontsize=8,
                color=text,
            )
    axes.set_yticks([1, 0], labels=names, fontsize=8)
    axes.set_ylim(-0.6, 1.6)
    axes.set_xlim(0, 1.02)
    percent_axis(axes.xaxis)
    axes.grid(axis="x", alpha=0.25)
    s = entry.pack.summary
    axes.set_xlabel(
        f"over {s.over} · under {s.under} · missed escalations {s.missed_escalations}",
        fontsize=8,
    )
    style_axes(axes, text)
