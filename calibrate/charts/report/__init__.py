"""The lead report as a multi-page PDF: a first page a director can read alone, then every
dashboard chart with its caption and reading, then the lists whole.

Pages are A4 portrait, drawn with matplotlib Figures into PdfPages (no pyplot, no Qt): the
summary (summary.py), one page per chart drawn through the dashboard's chart table (here,
with its reading from readings.py; the Production page only where signals were imported),
then as many list pages as the lists take (lists.py).
Where page 1 shows the head of a list it says on which page the whole list is.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path

import matplotlib
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure, SubFigure

from calibrate import __version__
from calibrate.charts.dashboard import FIGURE_NAMES, dashboard_figure, figure_caption
from calibrate.charts.dashboard.sizes import natural_size
from calibrate.charts.report.lists import Listed, list_pages
from calibrate.charts.report.machines import machine_pages
from calibrate.charts.report.page_text import PAGE, TextPage, header
from calibrate.charts.report.readings import chart_readings
from calibrate.charts.report.summary import summary_page
from calibrate.core.lead.compute import Dashboard
from calibrate.core.lead.labels import Labels
from calibrate.core.machines.scoreboard import Scoreboard

MARGIN = 0.45  # inches left and right of a chart (the text starts at ~0.5)


def chart_page(
    name: str,
    draw: Callable[..., Figure],
    size: tuple[float, float],
    reading: list[str],
    filters: str,
    demo: bool,
) -> Figure:
    """One chart at its natural height, its caption, and what it says in this data."""
    height = min(size[1], PAGE[1] - 2.2)
    page = Figure(figsize=PAGE, layout="constrained")
    header(page, filters, demo)
    rest = PAGE[1] - 0.35 - height
    _, row, notes = page.subfigures(3, 1, height_ratios=[0.35, height, rest])
    # Side margins as the text has (a chart across the whole sheet touched its edges, and a
    # printer's unprintable border would cut it).
    _, chart, _ = row.subfigures(1, 3, width_ratios=[MARGIN, PAGE[0] - 2 * MARGIN, MARGIN])
    draw(chart)
    text = TextPage(notes, top=0.97, left=0.06, step=0.2 / rest)
    text.line(figure_caption(name), size=9, colour="#444444")
    text.gap()
    for line in reading:
        text.line("• " + line, size=9)
    return page


def _draw_into(
    name: str, d: Dashboard, pack_titles: Mapping[str, str], figure: SubFigure
) -> Figure:
    return dashboard_figure(name, d, figure=figure, pack_titles=pack_titles)


def write_report(
    d: Dashboard,
    out: Path,
    *,
    filters: str = "all answers",
    generated: datetime | None = None,
    demo: bool = False,
    labels: Labels | None = None,
    scoreboard: Scoreboard | None = None,
) -> int:
    """Write the PDF report to `out`; returns its page count. `labels` (the loaded packs'):
    decisions and cases in their words; without it ids read with spaces for underscores.
    `scoreboard`: model runs, one page per run and pack after the lists."""
    generated = generated or datetime.now(UTC)
    words = labels or Labels()
    readings = chart_readings(d, words)
    draws: list[tuple[str, Callable[..., Figure]]] = [
        (name, functools.partial(_draw_into, name, d, words.packs))
        for name in FIGURE_NAMES
        if name != "production" or d.production.weeks  # only with signals imported
    ]
    # The lists first: page 1 says on which page each whole list is.
    first_list = 2 + len(draws)
    tables, lists = list_pages(d, filters, demo, words)
    at = {
        name: Listed(first_list + listed.page - 1, listed.printed, listed.total)
        for name, listed in lists.items()
    }
    enforcement_page = 2 + [name for name, _ in draws].index("enforcement")
    pages = 0
    # Type 3 subsets embed in milliseconds (TrueType subsetting took ~0.5 s) and pdftotext
    # still extracts the text.
    with (
        matplotlib.rc_context({"pdf.fonttype": 3}),
        PdfPages(
            out, metadata={"Title": "Calibration report", "Creator": f"Calibrate {__version__}"}
        ) as pdf,
    ):
        pdf.savefig(summary_page(d, filters, generated, demo, words, at, enforcement_page))
        pages += 1
        for name, draw in draws:
            pdf.savefig(
                chart_page(name, draw, natural_size(name, d), readings[name], filters, demo)
            )
            pages += 1
        for figure in tables:
            pdf.savefig(figure)
            pages += 1
        for figure in machine_pages(scoreboard or Scoreboard(()), filters, demo, words):
            pdf.savefig(figure)
            pages += 1
    return pages
