"""The lead report as a multi-page PDF: a first page a director can read alone, then every
dashboard chart with its caption and reading, then the lists whole (report_tables.py).

Pages are A4 portrait, drawn with matplotlib Figures into PdfPages (no pyplot, no Qt): the
summary, one page per chart, then as many list pages as the lists take. Where page 1 shows
the head of a list it says on which page the whole list is.
"""

from __future__ import annotations

import functools
import textwrap
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import matplotlib
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure, SubFigure

from calibrate import __version__
from calibrate.charts import dashboard_figures as charts
from calibrate.charts import palette
from calibrate.charts.report_tables import HOW_TO_GET, PAGE, Listed, header, list_pages, pct
from calibrate.core.lead.agreement import (
    INTERVAL_METHODS,
    ShownInterval,
    estimate_interval,
    why_not_shown,
)
from calibrate.core.lead.compute import Dashboard
from calibrate.core.lead.labels import Labels
from calibrate.core.metrics.agreement import MIN_PAIRED_CASES, Estimate

WRAP = 100  # characters per line of 9 pt text across the page
MARGIN = 0.45  # inches left and right of a chart (the text starts at ~0.5)
INTERVALS_NOTE = (
    f"Intervals: κ and AC1 {INTERVAL_METHODS['fleiss']}; α {INTERVAL_METHODS['alpha']}. "
    f"{ShownInterval.CUT} cut at the coefficient's range (−1 to 1)."
)
AGREEMENT_NOTE = (
    f"{INTERVALS_NOTE} No coefficient is given for fewer than {MIN_PAIRED_CASES} "
    "cases rated by two or more reviewers (too few cases)."
)


_pct = pct
_header = header


def _pct_ci(ci: tuple[float, float] | None) -> str:
    return "" if ci is None else f" (95 % CI {ci[0]:.1%}–{ci[1]:.1%})"


def _coef(e: Estimate) -> str:
    """ "0.74 (0.47 to 1.00†)": the interval cut to the coefficient's range, cut ends marked;
    "too few cases" or "undefined" where there is no value."""
    if e.value is None:
        return why_not_shown(e)
    shown = estimate_interval(e)
    return f"{e.value:.2f}" + (f" ({shown.text()})" if shown else "")


def _more(items: Sequence[str], limit: int, joiner: str = ", ") -> str:
    shown = joiner.join(items[:limit])
    return shown + (f"{joiner}and {len(items) - limit} more" if len(items) > limit else "")


class _TextPage:
    """Lines of text down a page, top to bottom."""

    def __init__(
        self,
        figure: Figure | SubFigure,
        top: float = 0.95,
        left: float = 0.07,
        step: float = 0.0175,
    ):
        self.figure, self.y, self.left, self.step = figure, top, left, step

    def line(
        self,
        text: str,
        *,
        size: float = 9,
        bold: bool = False,
        indent: float = 0,
        colour: str = palette.TEXT_LIGHT,
        wrap: int = WRAP,
    ) -> None:
        for part in textwrap.wrap(text, wrap - int(indent * 120)) or [""]:
            if self.y < 0.03:  # the page is full: never draw off its edge
                return
            self.figure.text(
                self.left + indent,
                self.y,
                part,
                fontsize=size,
                color=colour,
                fontweight="bold" if bold else "normal",
                va="top",
            )
            self.y -= self.step * size / 9
            indent = max(indent, 0.03) if part else indent

    def heading(self, text: str) -> None:
        self.y -= self.step * 0.6
        self.line(text, size=11.5, bold=True, colour=charts.ABOVE)

    def gap(self, lines: float = 0.5) -> None:
        self.y -= self.step * lines


def _whole(listed: Listed | None, what: str = "all") -> str:
    """Where the whole of a list is: "all 54 on page 13", or which CSV holds it."""
    if listed is None:
        return ""
    if listed.printed < listed.total:
        return (
            f"the first {listed.printed:,} on page {listed.page}; all {listed.total:,} "
            f"in its CSV file ({HOW_TO_GET})"
        )
    return f"{what} {listed.total:,} on page {listed.page}"


def summary_page(
    d: Dashboard,
    filters: str,
    generated: datetime,
    demo: bool,
    words: Labels | None = None,
    lists: dict[str, Listed] | None = None,
    enforcement_page: int = 4,
) -> Figure:
    """Page 1: filters, N, accuracy and agreement with intervals, who is below target,
    critical errors, the top split cases (decisions and cases named by `words`). `lists`:
    where list_pages put each whole list (absolute pages), for "and N more" lines."""
    words = words or Labels()
    lists = lists or {}
    h = d.headline
    figure = Figure(figsize=PAGE)
    page = _TextPage(figure, top=0.96, step=0.0165)
    page.line("Calibration report" + ("  —  DEMO DATA" if demo else ""), size=20, bold=True)
    page.gap(0.8)
    period = (
        f"{h.first_day:%d %b %Y} – {h.last_day:%d %b %Y}"
        if h.first_day and h.last_day
        else "no answers"
    )
    page.line(f"Filters: {filters} · Period: {period} (UTC)", size=9)
    page.line(
        f"Generated {generated:%Y-%m-%d %H:%M} UTC by Calibrate {__version__}",
        size=8,
        colour=palette.OTHER,
    )
    page.heading("At a glance")
    verdict = (
        "" if h.accuracy is None else " — below target" if h.accuracy < h.target else " — on target"
    )
    accuracy = "n/a" if h.accuracy is None else f"{h.accuracy:.1%}"
    page.line(
        f"Accuracy {accuracy}{_pct_ci(h.accuracy_ci)} against a target of {h.target:.0%}{verdict}",
        size=11,
        bold=True,
    )
    page.line(
        f"{h.answers:,} answers from {h.reviewers:,} reviewers: {h.scored:,} scored, "
        f"{h.skipped:,} skipped (a skip is never scored as wrong)."
    )
    page.line("Agreement per pack, each reviewer's first answer per case (95 % intervals):")
    for row in h.agreement:
        page.line(
            f"{row.pack} ({row.n_cases} cases, {row.n_paired} rated by 2+ reviewers): "
            f"Fleiss κ {_coef(row.fleiss)} · Krippendorff α {_coef(row.alpha)} · Gwet "
            f"AC1 {_coef(row.ac1)}",
            indent=0.03,
            size=8.5,
        )
    page.line(AGREEMENT_NOTE, indent=0.03, size=7.5, colour=palette.OTHER)
    page.heading(
        f"Critical errors: {h.missed_escalations:,} missed escalation"
        f"{'s' if h.missed_escalations != 1 else ''}"
    )
    for e in d.critical.missed[:5]:
        page.line(
            f"{e.answered_at:%Y-%m-%d} {e.reviewer} ({e.team}, {e.site}) — "
            f"{e.pack}/{e.case}: chose {words.decision(e.pack, e.chosen)}",
            indent=0.03,
            colour=charts.BELOW,
        )
    if len(d.critical.missed) > 5:
        page.line(
            f"and {len(d.critical.missed) - 5:,} more: "
            f"{_whole(lists.get('critical_errors')) or 'see the critical errors table'}.",
            indent=0.03,
        )
    page.line(
        f"Unneeded escalations (escalated when the golden answer did not): "
        f"{h.unneeded_escalations:,}."
    )
    reviewers = d.reviewers.reviewers
    below = [r for r in reviewers if r.below_target]
    clearly = sum(r.clearly_below for r in below)
    page.heading(f"Below target: {len(below):,} of {len(reviewers):,} reviewers")
    page.line(
        f"{clearly:,} of them clearly (their whole 95 % interval is below "
        f"{h.target:.0%}). Lowest first:"
    )
    page.line(
        _more([f"{r.name} {_pct(r.accuracy)} (n={r.n:,})" for r in below], 10)
        + (f" ({_whole(lists.get('reviewers'))})" if len(below) > 10 and lists else ""),
        indent=0.03,
        size=8.5,
    )
    page.heading("Enforcement lean (net over − under, 95 % interval)")
    leaning = sorted(
        (
            r
            for r in d.enforcement.by_site + d.enforcement.by_team
            if r.net_ci and (r.net_ci[0] > 0 or r.net_ci[1] < 0)
        ),
        key=lambda r: -abs(r.net or 0),
    )  # the strongest lean first
    for r in leaning[:6]:
        way = "over-enforces" if r.net_ci[0] > 0 else "under-enforces"
        page.line(
            f"{r.group} ({r.level}) {way}: net {r.net:+.1%} ({r.net_ci[0]:+.1%} to "
            f"{r.net_ci[1]:+.1%}); over {r.over:,}, under {r.under:,} of {r.n:,}",
            indent=0.03,
        )
    if len(leaning) > 6:
        page.line(
            f"and {len(leaning) - 6} more teams or sites (page {enforcement_page}).", indent=0.03
        )
    if not leaning:
        page.line("No team or site leans clearly: every interval includes zero.", indent=0.03)
    split = [i for i in d.items.items if i.split]
    page.heading(
        f"Guidance to review: {len(split)} case{'s' if len(split) != 1 else ''} "
        f"split strong reviewers"
    )
    for i in split[:5]:
        title = words.case(i.pack, i.case)
        page.line(
            f"{i.pack}/{i.case}"
            + (f" ({title})" if title else "")
            + f": strong reviewers' majority only "
            f"{_pct(i.strong_majority_share)} ({i.strong} strong reviewers); golden "
            f"{words.decision(i.pack, i.golden)}; {i.disputes} dispute"
            f"{'s' if i.disputes != 1 else ''}",
            indent=0.03,
        )
    if len(split) > 5:
        page.line(
            f"and {len(split) - 5} more split cases: "
            f"{_whole(lists.get('items'), 'all cases to review,') or 'see the cases table'}.",
            indent=0.03,
        )
    if not split:
        page.line("None: strong reviewers agree on every case with enough answers.", indent=0.03)
    gaps = d.completion.gaps
    page.heading("Completion")
    where = f" ({_whole(lists.get('completion'))})." if gaps and lists else "."
    page.line(
        f"{sum(r.taken for r in d.completion.entries):,} of "
        f"{len(d.completion.entries):,} "
        f"reviewer × lesson pairs taken in full; {len(gaps):,} not taken or not passed" + where
    )
    return figure


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
    _header(page, filters, demo)
    rest = PAGE[1] - 0.35 - height
    _, row, notes = page.subfigures(3, 1, height_ratios=[0.35, height, rest])
    # Side margins as the text has (a chart across the whole sheet touched its edges, and a
    # printer's unprintable border would cut it).
    _, chart, _ = row.subfigures(1, 3, width_ratios=[MARGIN, PAGE[0] - 2 * MARGIN, MARGIN])
    draw(chart)
    text = _TextPage(notes, top=0.97, left=0.06, step=0.2 / rest)
    text.line(charts.figure_caption(name), size=9, colour="#444444")
    text.gap()
    for line in reading:
        text.line("• " + line, size=9)
    return page


def _readings(d: Dashboard, words: Labels) -> dict[str, list[str]]:
    """One to a few sentences per chart, from the numbers themselves."""
    h = d.headline
    below = [r for r in d.reviewers.reviewers if r.below_target]
    out: dict[str, list[str]] = {
        "reviewer_accuracy": [
            f"{len(below)} of {len(d.reviewers.reviewers)} reviewers are below the "
            f"{h.target:.0%} target, {sum(r.clearly_below for r in below)} clearly."
        ],
        "agreement": [
            f"{r.pack}: Fleiss κ {_coef(r.fleiss)}, {r.n_cases} cases." for r in d.agreement.by_pack
        ]
        + _too_few_clauses(d),
        "enforcement": [
            f"{r.group} ({r.level}): over {r.over:,}, under {r.under:,} of {r.n:,}; "
            f"net {r.net:+.1%}"
            + (f" ({r.net_ci[0]:+.1%} to {r.net_ci[1]:+.1%})" if r.net_ci else "")
            for r in d.enforcement.by_team + d.enforcement.by_site
        ][:10],
        "team_pack": _team_pack_readings(d, words),
        "confusion": [],
        "trend": [],
        "attempts": [],
        "calibration": [],
    }
    for m in d.confusion.matrices:
        off = m.counts.copy()
        off[range(len(m.labels)), range(len(m.labels))] = 0
        if off.sum():
            g, c = divmod(int(off.argmax()), len(m.labels))
            out["confusion"].append(
                f"{m.pack}: most common confusion is golden "
                f"{words.decision(m.pack, m.labels[g])} answered "
                f"{words.decision(m.pack, m.labels[c])} "
                f"({off[g, c]} answers)."
            )
    everyone = [p for p in d.trend.points if not p.team]
    if everyone:
        first, last = everyone[0], everyone[-1]
        out["trend"].append(
            f"All teams: {_pct(first.accuracy)} in the week of "
            f"{first.week:%d %b}, {_pct(last.accuracy)} in the week of "
            f"{last.week:%d %b} (the last week may be partial)."
        )
    weeks = [p for p in d.trend.points if p.team]
    few = sum(p.kappa is None for p in weeks)
    if few:
        out["trend"].append(
            f"κ has no point for {few} of {len(weeks)} team-weeks: fewer than "
            f"{MIN_PAIRED_CASES} cases rated by two or more reviewers (their N "
            "is grey under the chart)."
        )
    for team in d.trend.teams:
        kinds = {a.kind: a for a in d.trend.attempts if a.team == team}
        if "first_attempt" in kinds and "retake" in kinds:
            out["attempts"].append(
                f"{team}: first attempts {_pct(kinds['first_attempt'].accuracy)}"
                f" (n={kinds['first_attempt'].n}), retakes "
                f"{_pct(kinds['retake'].accuracy)} (n={kinds['retake'].n})."
            )
    for row in d.calibration.teams:
        n = sum(row.bin_count) or 1
        stated = (
            sum(c * (v or 0) for c, v in zip(row.bin_count, row.bin_confidence, strict=True)) / n
        )
        right = sum(c * (v or 0) for c, v in zip(row.bin_count, row.bin_accuracy, strict=True)) / n
        way = (
            "under-confident"
            if right > stated + 0.03
            else ("overconfident" if right < stated - 0.03 else "well calibrated")
        )
        out["calibration"].append(
            f"{row.team or 'All teams'}: states {stated:.0%} on average, "
            f"right {right:.0%} — {way}; Brier {row.brier:.3f}."
        )
    return out


def _team_pack_readings(d: Dashboard, words: Labels, limit: int = 8) -> list[str]:
    """The clear leans of teams on packs (by title), strongest first."""
    cells = d.enforcement.by_team_pack
    clear = sorted(
        (r for r in cells if r.net_ci and (r.net_ci[0] > 0 or r.net_ci[1] < 0)),
        key=lambda r: -abs(r.net or 0),
    )
    out = [
        f"{len(clear)} of {len(cells)} team × pack pairs lean clearly (95 % interval clear "
        "of zero)" + (", strongest first:" if clear else ".")
    ]
    for r in clear[:limit]:
        way = "over-enforces" if r.net_ci[0] > 0 else "under-enforces"
        out.append(
            f"{r.team} on {words.pack(r.pack)} {way}: net {r.net:+.1%} "
            f"({r.net_ci[0]:+.1%} to {r.net_ci[1]:+.1%}), n={r.n:,}."
        )
    if len(clear) > limit:
        out.append(f"and {len(clear) - limit} more: every pair is in the chart above.")
    return out


def _too_few_clauses(d: Dashboard) -> list[str]:
    few = [r for r in d.agreement.by_clause if r.n_paired < MIN_PAIRED_CASES]
    if not few:
        return []
    return [
        f"{len(few)} of {len(d.agreement.by_clause)} clauses have too few cases (fewer "
        f"than {MIN_PAIRED_CASES} rated by two or more reviewers) and show no coefficient.",
        INTERVALS_NOTE,
    ]


def _draw_into(
    name: str, d: Dashboard, pack_titles: Mapping[str, str], figure: SubFigure
) -> Figure:
    return charts.dashboard_figure(name, d, figure=figure, pack_titles=pack_titles)


def write_report(
    d: Dashboard,
    out: Path,
    *,
    filters: str = "all answers",
    generated: datetime | None = None,
    demo: bool = False,
    labels: Labels | None = None,
) -> int:
    """Write the PDF report to `out`; returns its page count. `labels` (the loaded packs'):
    decisions and cases in their words; without it ids read with spaces for underscores."""
    generated = generated or datetime.now(UTC)
    words = labels or Labels()
    readings = _readings(d, words)
    draws: list[tuple[str, Callable[..., Figure]]] = [
        (name, functools.partial(_draw_into, name, d, words.packs)) for name in charts.FIGURE_NAMES
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
                chart_page(name, draw, charts.natural_size(name, d), readings[name], filters, demo)
            )
            pages += 1
        for figure in tables:
            pdf.savefig(figure)
            pages += 1
    return pages
