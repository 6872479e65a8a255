"""The Production tab's numbers: per pack and week the production signals as rates with
Wilson 95 % intervals, beside calibration accuracy and agreement of the same pack and week,
and the weeks a lesson of the pack was first taken (docs/signals.md).

Association, not proof: appeals are not a random sample of decisions, and a lesson is not the
only thing that changes in a week. The section says so wherever it is shown (`CAUTION`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np

from calibrate.core.lead.agreement import grouped_fleiss
from calibrate.core.lead.scored_answers import Scored, first_answers, group_codes
from calibrate.core.lead.sections.rows import Interval, Rows, ci_hi, ci_lo
from calibrate.core.metrics.accuracy import wilson_interval
from calibrate.core.metrics.agreement import MIN_PAIRED_CASES
from calibrate.core.metrics.answer_table import AnswerTable
from calibrate.core.signals.rows import Key, weekly_totals

CAUTION = (
    "Association, not proof: appeals are not a random sample of decisions (users choose what "
    "to appeal), and a lesson is not the only thing that changes in a week."
)
SHORT_CAUTION = "Association, not proof: appeals are not a random sample of decisions."
# A stored signal: week (ISO Monday), pack id, clause, site, team, metric, value.
SignalValue = tuple[str, str, str, str, str, str, int]
# The first session of a lesson: pack id, lesson id, started_at (ISO 8601, UTC).
LessonStart = tuple[str, str, str]


@dataclass(frozen=True)
class ProductionInputs:
    """What the store holds for the Production section: signal values and lesson starts."""

    values: Sequence[SignalValue]
    starts: Sequence[LessonStart]


_RATES = (  # (name, part metric, whole metric)
    ("overturn", "appeals_overturned", "appeals"),
    ("negative", "survey_negative", "survey_responses"),
    ("qa", "qa_correct", "qa_sampled"),
)


@dataclass(frozen=True)
class Rate:
    """part of whole, with its Wilson 95 % interval (value None where whole is 0 or absent)."""

    part: int | None
    whole: int | None
    value: float | None = None
    ci: Interval = None


@dataclass(frozen=True)
class ProductionWeek:
    """One pack's ISO week (Monday, UTC): production beside calibration."""

    pack: str
    week: date
    decisions: int | None
    overturn: Rate  # appeals_overturned / appeals
    negative: Rate  # survey_negative / survey_responses
    qa: Rate  # qa_correct / qa_sampled
    user_reports: int | None
    reports_per_1000: float | None  # user_reports per 1,000 decisions
    calibration: Rate  # correct / scored calibration answers on the pack that week
    kappa: float | None  # Fleiss' κ of the week's first answers; None below MIN_PAIRED_CASES
    kappa_cases: int
    first_taken: tuple[str, ...]  # lessons of the pack first taken that week


@dataclass(frozen=True)
class ProductionSection:
    weeks: tuple[ProductionWeek, ...] = ()  # by pack, then week
    other_metrics: tuple[str, ...] = ()  # stored metric names the tab does not chart

    @property
    def packs(self) -> tuple[str, ...]:
        """The packs with production signals, in id order."""
        return tuple(dict.fromkeys(w.pack for w in self.weeks))

    def of_pack(self, pack: str) -> tuple[ProductionWeek, ...]:
        return tuple(w for w in self.weeks if w.pack == pack)

    def rows(self) -> Rows:
        header = (
            "pack",
            "week",
            "decisions",
            "appeals",
            "appeals_overturned",
            "overturn_rate",
            "overturn_lo",
            "overturn_hi",
            "survey_responses",
            "survey_negative",
            "negative_rate",
            "negative_lo",
            "negative_hi",
            "qa_sampled",
            "qa_correct",
            "qa_accuracy",
            "qa_lo",
            "qa_hi",
            "user_reports",
            "reports_per_1000",
            "calibration_answers",
            "calibration_accuracy",
            "calibration_lo",
            "calibration_hi",
            "fleiss_kappa",
            "kappa_cases",
            "lessons_first_taken",
        )

        def rate(r: Rate) -> tuple[object, ...]:
            return r.whole, r.part, r.value, ci_lo(r.ci), ci_hi(r.ci)

        return header, [
            (
                w.pack,
                w.week.isoformat(),
                w.decisions,
                *rate(w.overturn),
                *rate(w.negative),
                *rate(w.qa),
                w.user_reports,
                w.reports_per_1000,
                *rate(w.calibration)[:1],
                *rate(w.calibration)[2:],
                w.kappa,
                w.kappa_cases,
                " ".join(w.first_taken),
            )
            for w in self.weeks
        ]


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def signal_totals(values: Iterable[SignalValue]) -> dict[tuple[str, date], dict[str, int]]:
    """Per (pack, week) each metric's total: the pack's own row (no clause, site or team)
    where the file gave one, else the sum of its breakdown rows (docs/signals.md) — the one
    rule the import checks part ≤ whole on (`weekly_totals`)."""
    found = weekly_totals({Key(*v[:6]): v[6] for v in values})
    totals: dict[tuple[str, date], dict[str, int]] = defaultdict(dict)
    for (week, pack_id, metric_name), total in {**found.summed, **found.own}.items():
        if found.summable((week, pack_id, metric_name)):  # two breakdowns: no true total
            totals[pack_id, date.fromisoformat(week)][metric_name] = total
    return totals


def calibration_weeks(
    table: AnswerTable, s: Scored
) -> dict[tuple[str, date], tuple[int, int, float | None, int]]:
    """Per (pack, ISO week): scored answers, correct ones, Fleiss' κ (each reviewer's first
    answer per case within the week; None on fewer than MIN_PAIRED_CASES cases rated twice)
    and that number of cases."""
    if len(table) == 0:
        return {}
    week_slot, weeks = group_codes(s.week.astype(np.int64))
    first = first_answers(table, s, group=week_slot, n_groups=weeks.shape[0])
    slot, combos = group_codes(week_slot, table.pack)
    n_slots = combos.shape[0]
    n = np.bincount(slot[s.scored], minlength=n_slots)
    right = np.bincount(slot[s.correct], minlength=n_slots)
    kappa, cases = grouped_fleiss(
        slot[first], table.case[first], table.decision[first], max(len(table.decisions), 1), n_slots
    )
    found = {}
    for g in range(n_slots):
        monday = date(1970, 1, 1) + timedelta(days=int(weeks[combos[g, 0], 0]))
        defined = cases[g] >= MIN_PAIRED_CASES and not np.isnan(kappa[g])
        found[table.packs[combos[g, 1]], monday] = (
            int(n[g]),
            int(right[g]),
            float(kappa[g]) if defined else None,
            int(cases[g]),
        )
    return found


def first_taken_weeks(starts: Iterable[LessonStart]) -> dict[tuple[str, date], tuple[str, ...]]:
    """Per (pack, ISO week) the lessons whose first session started in it."""
    found: dict[tuple[str, date], list[str]] = defaultdict(list)
    for pack, lesson, started_at in starts:
        day = datetime.fromisoformat(started_at.replace("Z", "+00:00")).date()
        found[pack, monday_of(day)].append(lesson)
    return {key: tuple(sorted(lessons)) for key, lessons in found.items()}


def production_section(
    values: Sequence[SignalValue],
    starts: Iterable[LessonStart],
    table: AnswerTable,
    s: Scored,
) -> ProductionSection:
    """Every week of every pack with production signals, from its first such week to its
    last, with the calibration answers of the same pack and week beside it."""
    totals = signal_totals(values)
    if not totals:
        return ProductionSection()
    calibration = calibration_weeks(table, s)
    taken = first_taken_weeks(starts)
    span: dict[str, tuple[date, date]] = {}
    for pack, week in totals:
        low, high = span.get(pack, (week, week))
        span[pack] = (min(low, week), max(high, week))
    keys = [
        (pack, low + timedelta(weeks=i))
        for pack, (low, high) in sorted(span.items())
        for i in range((high - low).days // 7 + 1)
    ]
    rates = {name: _rates(keys, totals, part, whole) for name, part, whole in _RATES}
    answered = _rates(keys, {k: _answered(calibration.get(k)) for k in keys}, "right", "n")
    weeks = []
    for i, key in enumerate(keys):
        metrics = totals.get(key, {})
        decisions, reports = metrics.get("decisions"), metrics.get("user_reports")
        _, _, kappa, kappa_cases = calibration.get(key, (0, 0, None, 0))
        weeks.append(
            ProductionWeek(
                *key,
                decisions=decisions,
                overturn=rates["overturn"][i],
                negative=rates["negative"][i],
                qa=rates["qa"][i],
                user_reports=reports,
                reports_per_1000=(
                    1000 * reports / decisions if decisions and reports is not None else None
                ),
                calibration=answered[i],
                kappa=kappa,
                kappa_cases=kappa_cases,
                first_taken=taken.get(key, ()),
            )
        )
    charted = {"decisions", "user_reports", *(m for _, *pair in _RATES for m in pair)}
    other = sorted({m for metrics in totals.values() for m in metrics} - charted)
    return ProductionSection(tuple(weeks), tuple(other))


def _answered(found: tuple[int, int, float | None, int] | None) -> dict[str, int]:
    return {} if found is None else {"n": found[0], "right": found[1]}


def _rates(
    keys: Sequence[tuple[str, date]],
    totals: dict[tuple[str, date], dict[str, int]],
    part: str,
    whole: str,
) -> list[Rate]:
    """part / whole per key with Wilson intervals, in one vectorised pass. A part above its
    whole (a database written before the import checked the weekly totals) is no rate: its
    counts are shown, never a rate above 1 or an interval of NaN."""
    parts = [totals.get(k, {}).get(part) for k in keys]
    wholes = [totals.get(k, {}).get(whole) for k in keys]
    k = np.array([p or 0 for p in parts], dtype=float)
    n = np.array([w or 0 for w in wholes], dtype=float)
    lo, hi = wilson_interval(k, n)
    out = []
    for p, w, a, b in zip(parts, wholes, lo.tolist(), hi.tolist(), strict=True):
        if p is not None and w is not None and 0 <= p <= w and w > 0:
            out.append(Rate(p, w, p / w, (a, b)))
        else:
            out.append(Rate(p, w))
    return out


@dataclass(frozen=True)
class BeforeAfter:
    """A pack's pooled appeal overturn rate before and after the first week one of its
    lessons was first taken (that week itself in neither)."""

    pack: str
    first_week: date
    before: Rate
    after: Rate
    weeks_before: int
    weeks_after: int


def overturns_around_lessons(section: ProductionSection, pack: str) -> BeforeAfter | None:
    """The pack's overturns pooled over the weeks before and after its first lesson week
    (None: no lesson of it first taken within the weeks shown), over the weeks that have an
    overturn rate: appeals without their overturns are not none overturned."""
    weeks = section.of_pack(pack)
    first = next((w.week for w in weeks if w.first_taken), None)
    if first is None:
        return None
    sides = [[w for w in weeks if w.week < first], [w for w in weeks if w.week > first]]
    pooled = []
    for side in sides:
        rated = [w.overturn for w in side if w.overturn.value is not None]
        part = sum(r.part or 0 for r in rated)
        whole = sum(r.whole or 0 for r in rated)
        lo, hi = wilson_interval(part, whole)
        pooled.append(
            Rate(part, whole, part / whole, (float(lo), float(hi))) if whole else Rate(part, whole)
        )
    return BeforeAfter(pack, first, pooled[0], pooled[1], len(sides[0]), len(sides[1]))
