"""The report's model pages (docs/machine-raters.md): one page per model run and pack, the
Models tab's chart with its reading and the cases where the model and the room disagree
most. After the lists, so the pages page 1 names stay where they are."""

from __future__ import annotations

from matplotlib.figure import Figure

from calibrate.charts.dashboard.machines import (
    CAPTION,
    entry_title,
    scoreboard_figure,
)
from calibrate.charts.report.page_text import PAGE, TextPage, coef, header, pct, pct_ci
from calibrate.core.errors import counted
from calibrate.core.lead.labels import Labels
from calibrate.core.machines.scoreboard import Scoreboard, ScoreboardEntry

CHART_HEIGHT = 3.6  # inches: the three panels across the page


def machine_pages(scoreboard: Scoreboard, filters: str, demo: bool, labels: Labels) -> list[Figure]:
    """One page per run × pack (none without a model run)."""
    return [_page(e, filters, demo, labels) for e in scoreboard.entries]


def _page(entry: ScoreboardEntry, filters: str, demo: bool, labels: Labels) -> Figure:
    page = Figure(figsize=PAGE, layout="constrained")
    header(page, filters, demo)
    rest = PAGE[1] - 0.35 - CHART_HEIGHT
    _, chart, notes = page.subfigures(3, 1, height_ratios=[0.35, CHART_HEIGHT, rest])
    scoreboard_figure(
        entry, figure=chart, pack_title=labels.packs.get(entry.pack.pack_id), level=False
    )
    text = TextPage(notes, top=0.97, left=0.06, step=0.2 / rest)
    text.line(CAPTION, size=9, colour="#444444")
    text.gap()
    for line in reading(entry, labels):
        text.line(line, size=9, indent=0.02 if line.startswith("  ") else 0)
    return page


def reading(entry: ScoreboardEntry, labels: Labels) -> list[str]:
    """What the page says in words: the figures, then the cases to look at."""
    p, h, s = entry.pack, entry.humans, entry.pack.summary
    accuracy, ci = p.accuracy
    room, room_n = p.room_agreement
    brier, brier_n = p.brier
    humans_brier = h.calibration.brier if h.calibration else None
    title = entry_title(entry, labels.packs.get(p.pack_id))
    lines = [
        f"• {title}: accuracy {pct(accuracy)}{pct_ci(ci)} on {counted(s.scored, 'case')}; "
        f"the moderators on this pack {pct(h.mean)} on average, from {pct(h.lowest)} to "
        f"{pct(h.highest)} ({counted(h.moderators, 'moderator')}, first answers).",
        f"• Cohen's κ against golden {coef(p.kappa_golden)}; against the room's majority "
        f"{coef(p.kappa_room)}; the model chose as the room's majority did on {pct(room)} of "
        f"{counted(room_n, 'case')} with 3+ answers and a unique majority.",
        f"• Over-enforced {s.over} and under-enforced {s.under} of {s.scored}; missed "
        f"escalations (critical) {s.missed_escalations}, unneeded escalations "
        f"{s.unneeded_escalations}.",
        "• Brier score of its scores "
        + ("n/a (no scores)" if brier is None else f"{brier:.3f} over {brier_n}")
        + "; the moderators' stated confidence "
        + ("n/a" if humans_brier is None else f"{humans_brier:.3f}")
        + ".",
    ]
    if p.disagreements:
        lines.append("• Where the model and the room disagree most (cases for new examples):")
    for d in p.disagreements:

        def word(decision: str | None, pack: str = d.pack_id) -> str:
            return labels.decision(pack, decision) or "no majority"

        lines.append(
            f"  {labels.case(d.pack_id, d.case_id) or d.case_id}: golden {word(d.golden)}, "
            f"model {word(d.model)}, room {word(d.room_majority)} ({pct(d.room_share_with_model)}"
            f" of {sum(n for _, n in d.room)} chose as the model)"
        )
    return lines
