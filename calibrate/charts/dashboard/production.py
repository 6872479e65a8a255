"""The Production tab's chart: per pack and week, production signals beside calibration.

One row per pack (at most MAX_PRODUCTION_PACKS; the table holds every pack), three panels a row:
appeal overturns and negative surveys (shares with Wilson 95 % bands), user reports per
1,000 decisions, and calibration (accuracy with its band, Fleiss' κ) beside QA accuracy.
A dashed line marks each week a lesson of the pack was first taken.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib import dates as mdates
from matplotlib.axes import Axes
from matplotlib.figure import Figure, FigureBase

from calibrate.charts import palette
from calibrate.charts.dashboard.drawing import (
    add_title,
    new_figure,
    percent_axis,
    show_empty,
    style_axes,
)
from calibrate.charts.dashboard.sizes import MAX_PRODUCTION_PACKS, SIZES
from calibrate.core.signals.production import (
    SHORT_CAUTION,
    ProductionSection,
    ProductionWeek,
    Rate,
)

OVERTURN, NEGATIVE, REPORTS = palette.SERIES[5], palette.SERIES[3], palette.SERIES[0]
CALIBRATION, QA, KAPPA = palette.SERIES[2], palette.SERIES[4], palette.SERIES[1]
UNITS = ("share", "per 1,000", "share · κ")


def production_figure(
    section: ProductionSection,
    *,
    dark: bool = False,
    figure: FigureBase | None = None,
    pack_titles: Mapping[str, str] | None = None,
) -> Figure:
    """Production signals beside calibration, one row per pack."""
    packs = section.packs[:MAX_PRODUCTION_PACKS]
    figure, text = new_figure(*SIZES["production"](len(packs)), dark, figure)
    more = (
        f" (first {len(packs)} of {len(section.packs)} packs; the Pack filter shows any one)"
        if len(packs) < len(section.packs)
        else ""
    )
    add_title(figure, f"Production beside calibration, week by week{more}", text)
    if not packs:
        return show_empty(figure, text, "No production signals: calibrate signals import FILE.csv")
    grid = figure.subplots(len(packs), 3, sharex=True, squeeze=False)
    for row, pack in enumerate(packs):
        _pack_row(grid[row], section.of_pack(pack), (pack_titles or {}).get(pack, pack), text)
    _date_axis(grid[-1], section)
    _legend(figure, grid, text)
    return figure


def _pack_row(row: Sequence[Axes], weeks: Sequence[ProductionWeek], title: str, text: str) -> None:
    """One pack's three panels: production shares, reports, calibration beside QA."""
    days = [np.datetime64(w.week, "D") for w in weeks]
    shares, reports, calibration = row
    _rate_line(shares, days, [w.overturn for w in weeks], OVERTURN, "appeals overturned")
    _rate_line(shares, days, [w.negative for w in weeks], NEGATIVE, "negative surveys")
    _reports(reports, days, weeks)
    _rate_line(
        calibration,
        days,
        [w.calibration for w in weeks],
        CALIBRATION,
        "calibration accuracy",
        dots=True,
    )
    _rate_line(calibration, days, [w.qa for w in weeks], QA, "QA accuracy")
    kappa = [np.nan if w.kappa is None else w.kappa for w in weeks]
    calibration.plot(days, kappa, "D", color=KAPPA, markersize=3, label="agreement (κ)")
    calibration.set_ylim(0, 1.02)
    for axes, unit in zip(row, UNITS, strict=True):
        style_axes(axes, text)
        _mark_lessons(axes, weeks, text)
        axes.set_ylabel(unit, fontsize=7)
    shares.set_title(title, loc="left", fontsize=9, fontweight="bold", color=text)
    for axes in (shares, calibration):
        percent_axis(axes.yaxis)
    shares.set_ylim(bottom=0)
    reports.set_ylim(bottom=0)


def _date_axis(bottom: Sequence[Axes], section: ProductionSection) -> None:
    """Years, or months in a year or two, under the bottom row. Fixed locators:
    AutoDateLocator took half the chart's drawing time."""
    years = (section.weeks[-1].week - section.weeks[0].week).days / 365
    for axes in bottom:
        if years > 2:
            axes.xaxis.set_major_locator(mdates.YearLocator(base=max(1, round(years / 3))))
            axes.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
        else:
            months = (1, 5, 9) if years > 0.7 else None
            axes.xaxis.set_major_locator(mdates.MonthLocator(bymonth=months))
            axes.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))


def _rate_line(
    axes: Axes,
    days: Sequence[np.datetime64],
    rates: Sequence[Rate],
    colour: str,
    label: str,
    *,
    dots: bool = False,
) -> None:
    """A share week by week with its Wilson band (gaps where a week has no value)."""
    value = np.array([np.nan if r.value is None else r.value for r in rates])
    lo = np.array([np.nan if r.ci is None else r.ci[0] for r in rates])
    hi = np.array([np.nan if r.ci is None else r.ci[1] for r in rates])
    if dots:  # calibration weeks are few and apart: dots, not a line through gaps
        axes.errorbar(
            days,
            value,
            yerr=[value - lo, hi - value],
            fmt="o",
            color=colour,
            markersize=3,
            elinewidth=0.8,
            label=label,
        )
        return
    axes.fill_between(days, lo, hi, color=colour, alpha=0.18, linewidth=0)
    axes.plot(days, value, color=colour, linewidth=1.2, label=label)


def _reports(axes: Axes, days: Sequence[np.datetime64], weeks: Sequence[ProductionWeek]) -> None:
    per_1000 = [np.nan if w.reports_per_1000 is None else w.reports_per_1000 for w in weeks]
    axes.plot(days, per_1000, color=REPORTS, linewidth=1.2, label="reports per 1,000 decisions")


def _mark_lessons(axes: Axes, weeks: Sequence[ProductionWeek], text: str) -> None:
    """A dashed line at each week a lesson of the pack was first taken."""
    for w in weeks:
        if w.first_taken:
            axes.axvline(
                np.datetime64(w.week, "D"),
                color=text,
                linestyle="--",
                linewidth=0.8,
                alpha=0.6,
                label="a lesson first taken",
            )


def _legend(figure: FigureBase, grid: np.ndarray, text: str) -> None:
    """One legend for every panel (each label once), the caution as its title: in every
    copy of the chart, a saved file too."""
    seen: dict[str, object] = {}
    for axes in grid[0]:
        for handle, label in zip(*axes.get_legend_handles_labels(), strict=True):
            seen.setdefault(label, handle)
    figure.legend(
        list(seen.values()),
        list(seen),
        loc="outside lower center",
        ncols=4,
        fontsize=7,
        frameon=False,
        labelcolor=text,
        title=SHORT_CAUTION,
        title_fontsize=7,
    ).get_title().set_color(text)
