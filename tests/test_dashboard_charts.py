"""The reviewer accuracy chart as a lead sees it: every name readable inside the figure, left
of the plot and clear of the title and legend, at the dashboard's size, on a narrower canvas
and when saved; the margins follow a resize."""

from __future__ import annotations

import math
from datetime import date, timedelta

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgba
from matplotlib.text import Text

from calibrate.charts import palette
from calibrate.charts.dashboard.accuracy import reviewer_accuracy_figure
from calibrate.charts.dashboard.agreement import agreement_figure
from calibrate.charts.dashboard.confusion import confusion_figure
from calibrate.charts.dashboard.enforcement import enforcement_figure, team_pack_figure
from calibrate.charts.dashboard.trend import _centred_number, trend_figure
from calibrate.core.lead.enforcement import net_enforcement
from calibrate.core.lead.sections.agreement import AgreementRow, AgreementSection
from calibrate.core.lead.sections.enforcement import (
    ConfusionMatrix,
    ConfusionSection,
    EnforcementRow,
    EnforcementSection,
    ReviewerAccuracy,
    ReviewerRow,
    TeamPackRow,
)
from calibrate.core.lead.sections.trend import TrendPoint, TrendSection
from calibrate.core.metrics.agreement import GWET_METHOD, Estimate, too_few_cases

LONG = "Maria-Fernanda Albuquerque de Souza"


def wilson(correct: int, n: int) -> tuple[float, float]:
    p, z = correct / n, 1.96
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def section(count: int, target: float = 0.9) -> ReviewerAccuracy:
    rows = []
    for i in range(count):
        n = 20 + i % 15
        correct = round(n * (0.55 + 0.45 * i / max(count - 1, 1)))
        ci = wilson(correct, n)
        rows.append(
            ReviewerRow(
                f"p{i}",
                LONG if i in (0, count // 2) else f"Reviewer {i}",
                "Harassment EU" if i % 2 else "Graphic APAC",
                "Lisbon",
                n,
                correct,
                correct / n,
                ci,
                correct / n < target,
                ci[1] < target,
            )
        )
    return ReviewerAccuracy(target, tuple(rows))


def row_labels(figure) -> list[Text]:
    return [t for t in figure.axes[0].texts if "(n=" in t.get_text()]


@pytest.mark.parametrize("count", [3, 40])
@pytest.mark.parametrize("size", [(9.34, 5.67), (6.4, 5.67)])  # dashboard tab; narrower
def test_reviewer_names_fit_left_of_the_plot_under_the_legend(count: int, size) -> None:
    figure = reviewer_accuracy_figure(section(count))
    figure.set_size_inches(*size)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    axes = figure.axes[0]
    labels = row_labels(figure)
    assert len(labels) == count and any(LONG in t.get_text() for t in labels)
    for label in labels:
        box = label.get_window_extent(renderer)
        assert box.x0 >= 0 and box.x1 < axes.bbox.x0  # whole, and clear of the plot
    legend = axes.get_legend().get_window_extent(renderer)
    title = figure.get_suptitle()
    title_box = figure._suptitle.get_window_extent(renderer)
    assert title and 0 <= legend.x0 and legend.x1 <= figure.bbox.x1
    assert axes.bbox.y1 <= legend.y0 and legend.y1 <= title_box.y0 <= title_box.y1 <= figure.bbox.y1
    tick_labels = [
        t.get_window_extent(renderer)
        for t in axes.get_xticklabels()
        if t.get_text() and axes.get_xlim()[0] <= t.get_position()[0] <= 1.02
    ]
    xlabel = axes.xaxis.label.get_window_extent(renderer)
    assert all(xlabel.y1 <= b.y0 for b in tick_labels) and xlabel.y0 >= 0


def test_the_margins_follow_a_resize_and_the_saved_file_keeps_every_name(tmp_path) -> None:
    figure = reviewer_accuracy_figure(section(40), dark=True)
    canvas = FigureCanvasAgg(figure)
    left_in = []
    for size in ((9.34, 5.67), (6.4, 4.0), (12.0, 8.0)):
        figure.set_size_inches(*size)
        canvas.draw()
        left_in.append(figure.axes[0].get_position().x0 * size[0])
    assert max(left_in) - min(left_in) < 0.01  # the label column keeps its width in inches
    path = tmp_path / "accuracy.svg"
    figure.savefig(path, bbox_inches="tight")
    svg = path.read_text(encoding="utf-8")
    assert svg.count("<!-- Reviewer ") + svg.count(f"<!-- {LONG}") == 40


def enforcement_section() -> EnforcementSection:
    """The demo's spread: nets from about −1 % to +11 %, intervals to about +15 %."""

    def row(level: str, group: str, n: int, over: int, under: int) -> EnforcementRow:
        net, ci = net_enforcement(over, under, n)
        return EnforcementRow(level, group, n, n - over - under, over, under, 0, 0, net, ci)

    return EnforcementSection(
        (
            row("team", "Graphic APAC", 343, 46, 7),
            row("team", "Graphic EU", 348, 34, 17),
            row("team", "Harassment EU", 341, 28, 20),
        ),
        (row("site", "Lisbon", 689, 62, 37), row("site", "Manila", 343, 46, 7)),
    )


@pytest.mark.parametrize("width", [12.0, 9.0, 7.0, 5.5])
def test_enforcement_axes_step_in_round_percentages(width: float) -> None:
    figure = enforcement_figure(enforcement_section())
    figure.set_size_inches(width, 3.2)
    FigureCanvasAgg(figure).draw()
    for axes in figure.axes:
        low, high = axes.get_xlim()
        ticks = [t for t in axes.get_xticks() if low <= t <= high]
        steps = {round(b - a, 6) for a, b in zip(ticks, ticks[1:], strict=False)}
        assert len(steps) == 1, steps
        step = steps.pop() * 100  # in percentage points
        assert any(math.isclose(step, nice * 10**e) for nice in (1, 2, 5) for e in (0, 1)), (
            step,
            [t.get_text() for t in axes.get_xticklabels()],
        )
    labels = [t.get_text() for t in figure.axes[1].get_xticklabels() if t.get_text()]
    assert len(set(labels)) == len(labels)  # no two ticks of the net lean read the same
    assert "0%" in labels  # zero is unsigned


def trend_section() -> TrendSection:
    """Three teams near the 90 % target for seven weeks, the case where a label on the
    target line sat on the lines."""
    weeks = tuple(date(2026, 10, 19) + timedelta(weeks=w) for w in range(7))
    points = []
    for team, base in (
        ("Graphic APAC", 0.86),
        ("Graphic EU", 0.9),
        ("Harassment EU", 0.88),
        ("", 0.88),
    ):
        for w, week in enumerate(weeks):
            n, accuracy = 50, base + 0.02 * math.sin(w)
            lo, hi = wilson(round(n * accuracy), n)
            points.append(
                TrendPoint(
                    week, team, n, round(n * accuracy), accuracy, (lo, hi), 0.6 + 0.05 * w % 0.3, 8
                )
            )
    return TrendSection(weeks, ("Graphic APAC", "Graphic EU", "Harassment EU"), tuple(points), ())


@pytest.mark.parametrize("size", [(7.4, 5.0), (8.7, 2.2)])  # report page; a short canvas
def test_the_trend_target_is_named_clear_of_the_lines(size) -> None:
    figure = trend_figure(trend_section(), target=0.9)
    figure.set_size_inches(*size)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    accuracy = figure.axes[0]
    named = [t for t in figure.findobj(Text) if "target 90%" in t.get_text()]
    assert named
    for text in named:
        box = text.get_window_extent(renderer)
        assert not box.overlaps(accuracy.bbox), "the target's label is drawn over the data"


DECISIONS = ("allow", "not_recommended", "age_restricted", "warning_screen", "remove", "escalate")


def confusion_section() -> ConfusionSection:
    counts = np.arange(36).reshape(6, 6) % 7 * 5
    return ConfusionSection(
        tuple(
            ConfusionMatrix(pack, DECISIONS, 5, counts)
            for pack in ("graphic-content", "harassment", "regulated-goods")
        )
    )


# The report's page width; the dashboard's tab across a 1366 px window, and beside a table.
@pytest.mark.parametrize("size", [(8.27, 3.3), (13.3, 2.9), (7.5, 2.4)])
def test_decision_names_stay_whole_and_clear_of_the_next_pack(size) -> None:
    figure = confusion_figure(confusion_section())
    figure.set_size_inches(*size)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    heatmaps = figure.axes
    gap = 3 * figure.dpi / 72  # 3 pt
    for i, axes in enumerate(heatmaps):
        names = [t for t in axes.get_xticklabels() + axes.get_yticklabels() if t.get_text()]
        assert names
        for name in names:
            box = name.get_window_extent(renderer)
            assert box.x0 >= 0 and box.x1 <= figure.bbox.x1 and box.y0 >= 0, name.get_text()
            for other in heatmaps[:i] + heatmaps[i + 1 :]:
                assert not box.overlaps(other.bbox), name.get_text()
                for theirs in other.get_xticklabels():
                    if theirs.get_text():
                        their = theirs.get_window_extent(renderer)
                        assert box.x1 + gap <= their.x0 or their.x1 + gap <= box.x0, (
                            name.get_text(),
                            theirs.get_text(),
                        )
    labels = [t.get_text() for t in heatmaps[0].get_xticklabels()]
    assert [t.replace("\n", " ") for t in labels] == [d.replace("_", " ") for d in DECISIONS]


def test_across_a_wide_tab_the_names_lie_level_and_the_heatmaps_get_the_height() -> None:
    figure = confusion_figure(confusion_section())
    figure.set_size_inches(13.3, 2.9)
    FigureCanvasAgg(figure).draw()
    for axes in figure.axes:
        assert all(t.get_rotation() == 0 for t in axes.get_xticklabels())
        assert axes.bbox.height >= 0.45 * figure.bbox.height


def agreement_section() -> AgreementSection:
    """A pack whose κ interval ran to −1.49 and past 1, and a clause of two cases."""

    def row(clause: str, fleiss: Estimate, paired: int) -> AgreementRow:
        alpha = Estimate(
            None if fleiss.value is None else 0.6,
            None if fleiss.value is None else (0.3, 0.9),
            "bootstrap",
            fleiss.note,
            n=paired,
        )
        return AgreementRow(
            "harassment", clause, paired, paired, 30, 200, fleiss, alpha, fleiss, Estimate(0.8)
        )

    few = Estimate(None, None, "", too_few_cases(2), n=2)
    wide = Estimate(0.66, (-1.49, 1.0), GWET_METHOD, None, se=0.8, n=6)
    return AgreementSection((row("", wide, 6),), (row("HB-1", few, 2),))


def test_agreement_cuts_intervals_to_the_range_marks_the_cut_and_names_the_method() -> None:
    figure = agreement_figure(agreement_section())
    FigureCanvasAgg(figure).draw()
    axes = figure.axes[0]
    bars = [seg for c in axes.collections if hasattr(c, "get_segments") for seg in c.get_segments()]
    assert bars and min(seg[:, 0].min() for seg in bars) == -1.0  # not −1.49
    markers = {
        tuple(map(float, c.get_offsets()[0]))
        for c in axes.collections
        if not hasattr(c, "get_segments") and len(c.get_offsets()) == 1
    }
    assert (-1.0, 1.0) in markers and (1.0, 1.0) in markers  # arrowheads at both cut ends
    texts = " ".join(t.get_text() for t in figure.findobj(Text))
    assert "too few cases (2 rated by 2+ reviewers)" in texts
    assert "interval cut at the range's end" in texts
    assert "Gwet's analytic variance, t(n−1) quantile" in axes.get_xlabel()
    alpha = agreement_figure(agreement_section(), metric="alpha")
    assert "percentile bootstrap over cases" in alpha.axes[0].get_xlabel()


def test_every_weekly_kappa_has_its_n_and_a_week_under_five_cases_only_a_grey_n() -> None:
    section = trend_section()
    points = tuple(
        p
        if p.week != section.weeks[2]
        else TrendPoint(p.week, p.team, p.n, p.correct, p.accuracy, p.ci, None, 3)
        for p in section.points
    )
    figure = trend_figure(TrendSection(section.weeks, section.teams, points, ()))
    FigureCanvasAgg(figure).draw()
    kappa, sizes = figure.axes[1], figure.axes[2]
    for line in kappa.get_lines():
        x, y = line.get_data()
        assert np.isnan(y[2]) and not np.isnan(y[1])  # no point that week, for any team
    # The Ns are glyph outlines in one collection (as Text, ~370 of them took 1.5 s).
    numbers = next(c for c in sizes.collections if isinstance(c, PathCollection))
    shapes, fills = numbers.get_paths(), numbers.get_facecolors()
    assert len(shapes) == len(points)  # an N for every team's every week
    grey = to_rgba(palette.OTHER)
    for point, shape, fill in zip(
        sorted(points, key=lambda p: (p.team == "", p.team)), shapes, fills, strict=True
    ):
        under = point.kappa is None
        assert (tuple(fill) == grey) == under
        digits = _centred_number(str(point.kappa_cases), 6.5, False, not under)
        assert np.allclose(shape.vertices, digits.vertices)


def test_the_team_by_pack_heatmap_writes_each_lean_with_its_interval() -> None:
    def cell(team: str, pack: str, n: int, over: int, under: int) -> TeamPackRow:
        net, ci = net_enforcement(over, under, n)
        return TeamPackRow(team, pack, n, n - over - under, over, under, 0, 0, net, ci)

    section = EnforcementSection(
        (),
        (),
        (
            cell("Graphic EU", "graphic-content", 122, 17, 3),
            cell("Graphic EU", "regulated-goods", 110, 3, 11),
            cell("Harassment EU", "graphic-content", 124, 13, 8),
        ),
    )
    figure = team_pack_figure(section)
    FigureCanvasAgg(figure).draw()
    axes = figure.axes[0]
    texts = {t.get_text(): t for t in axes.texts}
    assert texts["+11%"].get_fontweight() == "bold"  # +4.7 % to +18.2 %: clear of zero
    assert texts["\N{MINUS SIGN}7%"].get_fontweight() == "bold"
    assert texts["+4%"].get_fontweight() == "normal"  # its interval spans zero
    assert "\N{MINUS SIGN}3% to +11% · n=124" in texts
    assert [t.get_text() for t in axes.get_yticklabels()] == ["Graphic EU", "Harassment EU"]
    assert [t.get_text() for t in axes.get_xticklabels()] == ["graphic-content", "regulated-goods"]
    image = axes.images[0].get_array()
    assert image.mask[1, 1]  # Harassment EU answered no regulated-goods case: blank


def test_dollar_signs_in_pack_labels_are_drawn_as_written_not_as_math() -> None:
    from calibrate.charts.figures import decision_split_figure

    # A trainer's labels: "$5 to $10" would be typeset as math, "$\frac{$" stop the drawing.
    decisions = [("cheap", "Price $5 to $10"), ("odd", r"Label $\frac{$ kept")]
    figure = decision_split_figure({"cheap": 3, "odd": 1}, decisions, golden="cheap", chosen="odd")
    FigureCanvasAgg(figure).draw()
    shown = [label.get_text() for label in figure.axes[0].get_yticklabels()]
    assert shown == ["Price $5 to $10  ✓", r"Label $\frac{$ kept"]
