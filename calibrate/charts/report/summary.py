"""The report's first page, one a director can read alone: the filters and period, accuracy
and agreement with their intervals, critical errors, who is below target, the clear leans,
the cases that split strong reviewers and completion; where it shows the head of a list it
says on which page (or in which CSV file) the whole list is."""

from __future__ import annotations

from datetime import datetime

from matplotlib.figure import Figure

from calibrate import __version__
from calibrate.charts import palette
from calibrate.charts.report.lists import HOW_TO_GET, Listed
from calibrate.charts.report.page_text import PAGE, TextPage, coef, more, pct, pct_ci
from calibrate.charts.report.readings import AGREEMENT_NOTE
from calibrate.core.lead.compute import Dashboard
from calibrate.core.lead.labels import Labels


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
    figure = Figure(figsize=PAGE)
    page = TextPage(figure, top=0.96, step=0.0165)
    _title(page, d, filters, generated, demo)
    _at_a_glance(page, d)
    _critical_errors(page, d, words, lists)
    _below_target(page, d, lists)
    _enforcement_lean(page, d, enforcement_page)
    _split_cases(page, d, words, lists)
    _completion(page, d, lists)
    return figure


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


def _title(page: TextPage, d: Dashboard, filters: str, generated: datetime, demo: bool) -> None:
    """The report's name (DEMO DATA on a demo), the filters and period, who made it when."""
    h = d.headline
    page.line("Calibration report" + ("  —  DEMO DATA" if demo else ""), size=20, bold=True)
    page.gap(0.8)
    period = (
        f"{h.first_day:%d %b %Y} – {h.last_day:%d %b %Y}"
        if h.first_day and h.last_day
        else "no answers"
    )
    page.line(f"Filters: {filters} · Period: {period} (UTC)", size=9)
    page.line(SCORED_AGAINST[d.score_against] + _golden_changes(d), size=8)
    page.line(
        f"Generated {generated:%Y-%m-%d %H:%M} UTC by Calibrate {__version__}",
        size=8,
        colour=palette.OTHER,
    )


SCORED_AGAINST = {
    "seen": "Each answer is scored against the golden answer it was given against.",
    "current": "Each answer is scored against its case's current golden answer "
    "(--score-against current).",
}


def _golden_changes(d: Dashboard) -> str:
    """How many cases in view had their golden changed, and where they are listed."""
    changed = {(r.pack, r.case) for r in d.golden_versions.rows}
    if not changed:
        return ""
    return (
        f" The golden of {len(changed):,} case{'s' if len(changed) != 1 else ''} changed "
        'while answered: see "Answers by golden version".'
    )


def _at_a_glance(page: TextPage, d: Dashboard) -> None:
    """Accuracy against the target, the answer counts, and each pack's agreement."""
    h = d.headline
    page.heading("At a glance")
    verdict = (
        "" if h.accuracy is None else " — below target" if h.accuracy < h.target else " — on target"
    )
    accuracy = "n/a" if h.accuracy is None else f"{h.accuracy:.1%}"
    page.line(
        f"Accuracy {accuracy}{pct_ci(h.accuracy_ci)} against a target of {h.target:.0%}{verdict}",
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
            f"Fleiss κ {coef(row.fleiss)} · Krippendorff α {coef(row.alpha)} · Gwet "
            f"AC1 {coef(row.ac1)} · Gwet AC2 on the ladder {coef(row.ac2)}",
            indent=0.03,
            size=8.5,
        )
        if row.paradox_note:
            page.line(f"Note: {row.paradox_note}.", indent=0.06, size=8, colour=palette.OTHER)
    page.line(AGREEMENT_NOTE, indent=0.03, size=7.5, colour=palette.OTHER)


def _critical_errors(page: TextPage, d: Dashboard, words: Labels, lists: dict[str, Listed]) -> None:
    """The missed escalations (the first five), and the unneeded ones counted."""
    h = d.headline
    page.heading(
        f"Critical errors: {h.missed_escalations:,} missed escalation"
        f"{'s' if h.missed_escalations != 1 else ''}"
    )
    for e in d.critical.missed[:5]:
        page.line(
            f"{e.answered_at:%Y-%m-%d} {e.reviewer} ({e.team}, {e.site}) — "
            f"{e.pack}/{e.case}: chose {words.decision(e.pack, e.chosen)}",
            indent=0.03,
            colour=palette.BELOW,
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


def _below_target(page: TextPage, d: Dashboard, lists: dict[str, Listed]) -> None:
    """How many reviewers are below target (clearly or not), the lowest ten named."""
    reviewers = d.reviewers.reviewers
    below = [r for r in reviewers if r.below_target]
    clearly = sum(r.clearly_below for r in below)
    page.heading(f"Below target: {len(below):,} of {len(reviewers):,} reviewers")
    page.line(
        f"{clearly:,} of them clearly (their whole 95 % interval is below "
        f"{d.headline.target:.0%}). Lowest first:"
    )
    page.line(
        more([f"{r.name} {pct(r.accuracy)} (n={r.n:,})" for r in below], 10)
        + (f" ({_whole(lists.get('reviewers'))})" if len(below) > 10 and lists else ""),
        indent=0.03,
        size=8.5,
    )


def _enforcement_lean(page: TextPage, d: Dashboard, enforcement_page: int) -> None:
    """The teams and sites whose lean is clear of zero, strongest first (six of them)."""
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


def _split_cases(page: TextPage, d: Dashboard, words: Labels, lists: dict[str, Listed]) -> None:
    """The cases that split strong reviewers (the first five): guidance to review."""
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
            f"{pct(i.strong_majority_share)} ({i.strong} strong reviewers); golden "
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


def _completion(page: TextPage, d: Dashboard, lists: dict[str, Listed]) -> None:
    """Reviewer × lesson pairs taken in full (and not passed), not taken, to follow up."""
    gaps = d.completion.gaps
    page.heading("Completion")
    where = f" ({_whole(lists.get('completion'))})." if gaps and lists else "."
    entries = d.completion.entries
    taken = sum(r.taken for r in entries)
    not_passed = sum(r.taken and r.passed is False for r in entries)
    page.line(
        f"{taken:,} of {len(entries):,} reviewer × lesson pairs taken in full"
        f" ({not_passed:,} of them not passed), {len(entries) - taken:,} not taken:"
        f" {len(gaps):,} to follow up" + where
    )
