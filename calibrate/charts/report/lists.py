"""The report's list pages: each list whole, flowing over the A4 pages it needs.

A list longer than WHOLE_ROWS prints its first HEAD_ROWS rows and ends on a line naming the
CSV file that holds all of it and how to get that file: at a million answers there are
~1,900 missed escalations and ~1,800 reviewers below target, a hundred pages of rows that a
spreadsheet reads better, and matplotlib draws a page of rows in ~0.4 s.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from calibrate.charts import palette
from calibrate.charts.report.page_text import PAGE, cut, header, pct
from calibrate.core.errors import counted
from calibrate.core.lead.compute import Dashboard
from calibrate.core.lead.labels import Labels

WHOLE_ROWS = 60  # a list this long or shorter is printed whole (about a page)
HEAD_ROWS = 20  # of a longer one, the report prints this many; its CSV holds the rest
ROW_H = 0.0155  # one table row, in page heights
HOW_TO_GET = (
    "the lead dashboard writes it with the same filters: Export tables (CSV)… or "
    "the table's own Export CSV…"
)


@dataclass(frozen=True)
class Listed:
    """Where one list went: its first page (counted from the first list page) and how many
    of its rows were printed."""

    page: int
    printed: int
    total: int


class ListPages:
    """Titled tables down pages, drawn as plain text over zebra stripes (far quicker than
    matplotlib's Table, whose cells measure their text again and again); a table that
    reaches the bottom of a page goes on under its title and header on the next."""

    def __init__(self, filters: str, demo: bool):
        self.filters, self.demo = filters, demo
        self.pages: list[Figure] = []
        self.y = 0.0
        self._new_page()

    def _new_page(self) -> None:
        figure = Figure(figsize=PAGE)
        header(figure, self.filters, self.demo)
        self.pages.append(figure)
        self.y = 0.95

    def table(
        self,
        title: str,
        columns: Sequence[str],
        rows: Sequence[Sequence[object]],
        widths: Sequence[float],
        csv_name: str,
    ) -> Listed:
        """Every row of `rows`, or past WHOLE_ROWS the first HEAD_ROWS and a line naming
        `csv_name`."""
        if self.y < 0.95 and self.y - 0.03 - 4 * ROW_H < 0.04:  # no room for a start
            self._new_page()
        start = len(self.pages)
        printed = len(rows) if len(rows) <= WHOLE_ROWS else HEAD_ROWS
        shown = [[str(c) for c in r] for r in rows[:printed]] or [
            ["none"] + [""] * (len(columns) - 1)
        ]
        edges = [0.06]
        for w in widths:
            edges.append(edges[-1] + 0.88 * w / sum(widths))
        at = 0
        while at < len(shown):
            continued = " (continued)" if at else ""
            self.pages[-1].text(
                0.06,
                self.y,
                title + continued,
                fontsize=11.5,
                fontweight="bold",
                color=palette.ABOVE,
                va="top",
            )
            self.y -= 0.03
            fits = max(1, int((self.y - 0.04) / ROW_H) - 1)  # the header takes a row
            self._rows(list(columns), shown[at : at + fits], edges)
            at += fits
            if at < len(shown):
                self._new_page()
        if printed < len(rows):
            self.note(
                f"… and {len(rows) - printed:,} more: all {len(rows):,} are in "
                f"{csv_name} — {HOW_TO_GET}.",
                italic=True,
            )
        self.y -= 0.03
        return Listed(start, printed, len(rows))

    def _rows(self, columns: list[str], rows: list[list[str]], edges: list[float]) -> None:
        figure = self.pages[-1]
        for i, cells in enumerate([columns, *rows]):
            if i == 0 or i % 2 == 0:
                figure.patches.append(
                    Rectangle(
                        (0.06, self.y - ROW_H * 0.32),
                        0.88,
                        ROW_H,
                        transform=figure.transFigure,
                        facecolor="#e3e8ef" if i == 0 else "#f3f5f8",
                        edgecolor="none",
                        zorder=0,
                    )
                )
            for x, cell in zip(edges, cells, strict=False):
                figure.text(
                    x + 0.004,
                    self.y,
                    cell,
                    fontsize=7,
                    va="baseline",
                    fontweight="bold" if i == 0 else "normal",
                    color=palette.TEXT_LIGHT,
                )
            self.y -= ROW_H

    def note(
        self,
        text: str,
        *,
        italic: bool = False,
        size: float = 7,
        colour: str = palette.TEXT_LIGHT,
        wrap: int = 140,
    ) -> None:
        """A line (wrapped) under the last table."""
        for part in textwrap.wrap(text, wrap):
            if self.y < 0.04:
                self._new_page()
            self.pages[-1].text(
                0.064,
                self.y,
                part,
                fontsize=size,
                va="baseline",
                style="italic" if italic else "normal",
                color=colour,
            )
            self.y -= ROW_H * size / 7


def list_pages(
    d: Dashboard, filters: str, demo: bool, words: Labels | None = None
) -> tuple[list[Figure], dict[str, Listed]]:
    """The lists after the charts, whole: cases to review, critical errors, disputes,
    reviewers below target, completion per team and lesson, who has not taken or passed a
    lesson. Returns the pages and where each list went (by its CSV's table name)."""
    words = words or Labels()
    flow = ListPages(filters, demo)
    where: dict[str, Listed] = {}
    where["items"] = _cases_to_review(flow, d, words)
    where["critical_errors"] = _critical_errors(flow, d, words)
    where["disputes"] = _disputes(flow, d, words)
    if d.golden_versions.rows:  # only where a golden changed while answered
        where["golden_versions"] = _golden_versions(flow, d, words)
    where["reviewers"] = _below_target(flow, d)
    where["completion_summary"] = _completion_summary(flow, d)
    where["completion"] = _completion_gaps(flow, d)
    return flow.pages, where


def _cases_to_review(flow: ListPages, d: Dashboard, words: Labels) -> Listed:
    """Every case with its strong reviewers' majority, split ones first, and what the
    columns mean."""
    listed = flow.table(
        "Cases to review (split cases first, then most missed)",
        ("case", "golden", "n", "right", "strong majority", "split", "disputes"),
        [
            (
                cut(f"{i.pack}/{i.case}", 48),
                cut(words.decision(i.pack, i.golden), 22),
                i.n,
                pct(i.facility),
                f"{cut(words.decision(i.pack, i.strong_majority) or '-', 22)} "
                f"{pct(i.strong_majority_share)}",
                "yes" if i.split else "",
                i.disputes,
            )
            for i in d.items.items
        ],
        (0.37, 0.165, 0.05, 0.06, 0.225, 0.05, 0.07),
        "items.csv",
    )
    flow.note(
        "n: reviewers who answered (their first answer counts). right: share choosing "
        "the golden answer. strong majority: the most common answer among strong "
        "reviewers — the top third by accuracy on the other cases — and its share. "
        "split: three or more strong reviewers and a majority under 60 %, the sign of "
        "unclear guidance.",
        size=8,
        colour="#444444",
        wrap=120,
    )
    flow.y -= 0.02
    return listed


def _critical_errors(flow: ListPages, d: Dashboard, words: Labels) -> Listed:
    """Every missed escalation: when, who, which case, what they chose."""
    return flow.table(
        f"Critical errors: {len(d.critical.missed):,} missed escalations",
        ("date (UTC)", "reviewer", "team", "site", "case", "chose"),
        [
            (
                f"{e.answered_at:%Y-%m-%d %H:%M}",
                e.reviewer,
                e.team,
                e.site,
                cut(f"{e.pack}/{e.case}", 40),
                words.decision(e.pack, e.chosen),
            )
            for e in d.critical.missed
        ],
        (0.14, 0.18, 0.14, 0.09, 0.33, 0.12),
        "critical_errors.csv",
    )


def _disputes(flow: ListPages, d: Dashboard, words: Labels) -> Listed:
    """Every disputed golden answer with its note."""
    return flow.table(
        f"Disputed golden answers: {len(d.disputes.disputes):,}",
        ("date", "case", "split", "chose", "note", "resolution"),
        [
            (
                dr.created_at[:10],
                cut(f"{dr.pack}/{dr.case}", 36),
                {True: "yes", False: "no", None: "-"}[dr.split],
                cut(words.decision(dr.pack, dr.chosen) or "-", 14),
                cut(dr.note, 42),
                f"{dr.resolution} {(dr.resolved_at or '')[:10]}" if dr.resolution else "open",
            )
            for dr in d.disputes.disputes
        ],
        (0.1, 0.32, 0.05, 0.1, 0.3, 0.13),
        "disputes.csv",
    )


def _golden_versions(flow: ListPages, d: Dashboard, words: Labels) -> Listed:
    """Per case whose golden changed: the answers given against each golden version and
    their accuracy against that golden and against the current one."""
    rows = d.golden_versions.rows
    listed = flow.table(
        f"Answers by golden version: {counted(len({(r.pack, r.case) for r in rows}), 'case')} "
        "whose golden changed",
        ("case", "version", "golden", "since", "answers", "right as seen", "right vs current"),
        [
            (
                cut(f"{r.pack}/{r.case}", 40),
                f"{r.version}{' (current)' if r.current else ''}",
                cut(words.decision(r.pack, r.decision), 20),
                r.first_seen or "-",
                r.answers,
                f"{r.right_seen} ({pct(r.accuracy_seen)})",
                f"{r.right_current} ({pct(r.accuracy_current)})",
            )
            for r in rows
        ],
        (0.3, 0.1, 0.16, 0.1, 0.07, 0.13, 0.14),
        "golden_versions.csv",
    )
    flow.note(
        "answers: scored answers given against that golden. right as seen: right against "
        "the golden they were given against; right vs current: right against the case's "
        "current golden. The report's other numbers use "
        + ("the current golden." if d.score_against == "current" else "the golden as seen."),
        size=8,
        colour="#444444",
        wrap=120,
    )
    flow.y -= 0.02
    return listed


def _below_target(flow: ListPages, d: Dashboard) -> Listed:
    """Every reviewer below target, lowest first, with the interval."""
    below = [r for r in d.reviewers.reviewers if r.below_target]
    return flow.table(
        f"Below the {d.reviewers.target:.0%} target: {len(below):,} reviewers, lowest first",
        ("reviewer", "team", "site", "accuracy", "95 % interval", "n", "clearly below"),
        [
            (
                cut(r.name, 34),
                r.team,
                r.site,
                pct(r.accuracy),
                "" if r.ci is None else f"{r.ci[0]:.0%}–{r.ci[1]:.0%}",
                f"{r.n:,}",
                "yes" if r.clearly_below else "",
            )
            for r in below
        ],
        (0.27, 0.18, 0.12, 0.09, 0.14, 0.08, 0.12),
        "reviewers.csv",
    )


def _completion_summary(flow: ListPages, d: Dashboard) -> Listed:
    """Per team and lesson: how many took it, passed it, of the roster."""
    return flow.table(
        "Completion per team and lesson",
        ("team", "lesson", "taken", "passed", "roster"),
        [
            (
                s.team or "(no team)",
                cut(f"{s.pack}/{s.lesson_title}", 60),
                s.taken,
                s.passed,
                s.roster,
            )
            for s in d.completion.summary
        ],
        (0.2, 0.56, 0.08, 0.08, 0.08),
        "completion.csv",
    )


def _completion_gaps(flow: ListPages, d: Dashboard) -> Listed:
    """Every reviewer × lesson not taken or not passed."""
    return flow.table(
        f"Not taken or not passed: {len(d.completion.gaps):,}",
        ("team", "reviewer", "lesson", "status"),
        [
            (
                g.team or "(no team)",
                g.name,
                cut(g.lesson_title or g.lesson, 44),
                "not taken" if not g.taken else f"best {pct(g.best_score)}, not passed",
            )
            for g in d.completion.gaps
        ],
        (0.18, 0.24, 0.38, 0.2),
        "completion.csv",
    )
