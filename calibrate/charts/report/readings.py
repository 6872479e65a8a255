"""What each chart says in this data: one to a few sentences per chart, from the numbers
themselves, printed under the chart on its report page."""

from __future__ import annotations

from calibrate.charts.report.page_text import coef, pct, pct_ci
from calibrate.core.lead.agreement import INTERVAL_METHODS, ShownInterval
from calibrate.core.lead.compute import Dashboard
from calibrate.core.lead.labels import Labels
from calibrate.core.metrics.agreement import MIN_PAIRED_CASES
from calibrate.core.signals.production import CAUTION, Rate, overturns_around_lessons

INTERVALS_NOTE = (
    f"Intervals: κ, AC1 and AC2 {INTERVAL_METHODS['fleiss']}; α {INTERVAL_METHODS['alpha']}. "
    "AC2: quadratic weights over the pack's ladder, escalate its own category. "
    f"{ShownInterval.CUT} cut at the coefficient's range (−1 to 1)."
)
AGREEMENT_NOTE = (
    f"{INTERVALS_NOTE} No coefficient is given for fewer than {MIN_PAIRED_CASES} "
    "cases rated by two or more reviewers (too few cases)."
)


def chart_readings(d: Dashboard, words: Labels) -> dict[str, list[str]]:
    """One to a few sentences per chart (by its name in the chart table), from the numbers."""
    h = d.headline
    below = [r for r in d.reviewers.reviewers if r.below_target]
    return {
        "reviewer_accuracy": [
            f"{len(below)} of {len(d.reviewers.reviewers)} reviewers are below the "
            f"{h.target:.0%} target, {sum(r.clearly_below for r in below)} clearly."
        ],
        "agreement": [
            f"{r.pack}: Fleiss κ {coef(r.fleiss)}, AC2 on the ladder {coef(r.ac2)}, "
            f"{r.n_cases} cases." + (f" Note: {r.paradox_note}." if r.paradox_note else "")
            for r in d.agreement.by_pack
        ]
        + _too_few_clauses(d),
        "enforcement": [
            f"{r.group} ({r.level}): over {r.over:,}, under {r.under:,} of {r.n:,}; "
            f"net {r.net:+.1%}"
            + (f" ({r.net_ci[0]:+.1%} to {r.net_ci[1]:+.1%})" if r.net_ci else "")
            for r in d.enforcement.by_team + d.enforcement.by_site
        ][:10],
        "team_pack": _team_pack_readings(d, words),
        "confusion": _confusion_readings(d, words),
        "trend": _trend_readings(d),
        "attempts": _attempts_readings(d),
        "calibration": _calibration_readings(d),
        "moments": _moment_readings(d),
        "production": _production_readings(d, words) if d.production.weeks else [],
    }


def _production_readings(d: Dashboard, words: Labels) -> list[str]:
    """Per pack, appeal overturns before and after its first lesson week; the caution."""
    out = []
    for pack in d.production.packs:
        found = overturns_around_lessons(d.production, pack)
        if found is None or found.before.value is None or found.after.value is None:
            continue
        out.append(
            f"{words.packs.get(pack, pack)}: appeals overturned {_rate(found.before)} in the "
            f"{found.weeks_before} weeks before a lesson was first taken (week of "
            f"{found.first_week:%d %b %Y}), {_rate(found.after)} in the {found.weeks_after} "
            "weeks after."
        )
    other = d.production.other_metrics
    if other:
        out.append(f"Also imported, not charted: {', '.join(other)}.")
    return [*out, CAUTION]


def _rate(rate: Rate) -> str:
    return "n/a" if rate.value is None else f"{rate.value:.1%}{pct_ci(rate.ci)}"


def _moment_readings(d: Dashboard, limit: int = 5) -> list[str]:
    """The marks overall, then per reviewer the lowest moment hit rates (the whole list is
    the dashboard's moments_by_reviewer table)."""
    total = d.moments.overall
    if total.rate is None or total.ci is None:
        return ["No marked moment in view."]
    lines = [
        f"{total.hits:,} of {total.marked:,} marks on a golden moment ({total.rate:.0%}, "
        f"{total.ci[0]:.0%}–{total.ci[1]:.0%}); {total.unmarked:,} of {total.asked:,} answers "
        "left no mark."
    ]
    reviewers = [r for r in d.moments.by_reviewer if r.rate is not None and r.ci is not None]
    lines += [
        f"{r.name}: {r.hits} of {r.marked} marks ({r.rate:.0%}, {r.ci[0]:.0%}–{r.ci[1]:.0%})"
        + (f", {r.unmarked} unmarked" if r.unmarked else "")
        for r in reviewers[:limit]
        if r.ci is not None and r.rate is not None
    ]
    if len(reviewers) > limit:
        lines.append(
            f"… the lowest {limit} of {len(reviewers)} reviewers; all are in "
            "moments_by_reviewer.csv (Export tables (CSV)… on the dashboard)."
        )
    return lines


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


def _confusion_readings(d: Dashboard, words: Labels) -> list[str]:
    """Per pack, its most common confusion (off the diagonal)."""
    out = []
    for m in d.confusion.matrices:
        off = m.counts.copy()
        off[range(len(m.labels)), range(len(m.labels))] = 0
        if off.sum():
            g, c = divmod(int(off.argmax()), len(m.labels))
            out.append(
                f"{m.pack}: most common confusion is golden "
                f"{words.decision(m.pack, m.labels[g])} answered "
                f"{words.decision(m.pack, m.labels[c])} "
                f"({off[g, c]} answers)."
            )
    return out


def _trend_readings(d: Dashboard) -> list[str]:
    """Everyone's accuracy in the first and the last week, and how often κ has no point."""
    out = []
    everyone = [p for p in d.trend.points if not p.team]
    if everyone:
        first, last = everyone[0], everyone[-1]
        out.append(
            f"All teams: {pct(first.accuracy)} in the week of "
            f"{first.week:%d %b}, {pct(last.accuracy)} in the week of "
            f"{last.week:%d %b} (the last week may be partial)."
        )
    weeks = [p for p in d.trend.points if p.team]
    few = sum(p.kappa is None for p in weeks)
    if few:
        out.append(
            f"κ has no point for {few} of {len(weeks)} team-weeks: fewer than "
            f"{MIN_PAIRED_CASES} cases rated by two or more reviewers (their N "
            "is grey under the chart)."
        )
    return out


def _attempts_readings(d: Dashboard) -> list[str]:
    """Per team with both, first attempts against retakes."""
    out = []
    for team in d.trend.teams:
        kinds = {a.kind: a for a in d.trend.attempts if a.team == team}
        if "first_attempt" in kinds and "retake" in kinds:
            out.append(
                f"{team}: first attempts {pct(kinds['first_attempt'].accuracy)}"
                f" (n={kinds['first_attempt'].n}), retakes "
                f"{pct(kinds['retake'].accuracy)} (n={kinds['retake'].n})."
            )
    return out


def _calibration_readings(d: Dashboard) -> list[str]:
    """Per team, the confidence stated on average against the share right."""
    out = []
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
        out.append(
            f"{row.team or 'All teams'}: states {stated:.0%} on average, "
            f"right {right:.0%} — {way}; Brier {row.brier:.3f}."
        )
    return out
