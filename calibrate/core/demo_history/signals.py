"""The demo's year of weekly production signals, with one planted effect: harassment appeal
overturns fall once the harassment lessons have been taken (docs/signals.md).

Each pack has a steady volume of decisions; appeals, surveys, QA samples and user reports are
binomial draws from it. The harassment pack's overturn rate starts high and drops by
`HARASSMENT_DROP`, in steps, as each of its lessons is first taken; every other rate stays
level (noise only), so the one effect a lead should find is the planted one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

import numpy as np

from calibrate.core.demo_history.records import SessionRecord
from calibrate.core.signals.production import SignalValue, monday_of

WEEKS = 52
PLANTED_PACK = "harassment"
HARASSMENT_BEFORE, HARASSMENT_DROP = 0.26, 0.13  # overturn rate before, and its fall
# pack → (decisions per week, overturn rate, negative-survey rate, QA accuracy)
PROFILES = {
    "harassment": (24_000, HARASSMENT_BEFORE, 0.31, 0.88),
    "graphic-content": (18_000, 0.16, 0.27, 0.91),
    "regulated-goods": (9_000, 0.12, 0.22, 0.93),
}
APPEAL_SHARE, SURVEY_SHARE, REPORTS_PER_DECISION, QA_SAMPLE = 0.012, 0.015, 0.006, 250


def first_taken(sessions: Iterable[SessionRecord]) -> dict[tuple[str, str], date]:
    """(pack, lesson) → the day its first session started."""
    found: dict[tuple[str, str], date] = {}
    for s in sessions:
        day = datetime.fromisoformat(s.started_at.replace("Z", "+00:00")).date()
        key = (s.pack_id, s.lesson_id)
        found[key] = min(found.get(key, day), day)
    return found


def taken_share(week: date, starts: Sequence[date]) -> float:
    """The share of a pack's lessons first taken before `week` (each counts from the week
    after its first session)."""
    if not starts:
        return 0.0
    return sum(monday_of(day) < week for day in starts) / len(starts)


def demo_signals(sessions: Sequence[SessionRecord], today: date, seed: int) -> list[SignalValue]:
    """A year of weekly pack totals ending with today's week, one row per pack, week and
    metric (no clause, site or team)."""
    rng = np.random.default_rng([seed, 20])
    starts = first_taken(sessions)
    last = monday_of(today)
    weeks = [last - timedelta(weeks=WEEKS - 1 - i) for i in range(WEEKS)]
    values: list[SignalValue] = []
    for pack, (volume, overturn, negative, qa) in PROFILES.items():
        lessons = [day for (p, _), day in starts.items() if p == pack]
        for week in weeks:
            rate = overturn
            if pack == PLANTED_PACK:
                rate -= HARASSMENT_DROP * taken_share(week, lessons)
            decisions = int(rng.poisson(volume))
            appeals = int(rng.binomial(decisions, APPEAL_SHARE))
            responses = int(rng.binomial(decisions, SURVEY_SHARE))
            counts = {
                "decisions": decisions,
                "appeals": appeals,
                "appeals_overturned": int(rng.binomial(appeals, rate)),
                "user_reports": int(rng.binomial(decisions, REPORTS_PER_DECISION)),
                "survey_responses": responses,
                "survey_negative": int(rng.binomial(responses, negative)),
                "qa_sampled": QA_SAMPLE,
                "qa_correct": int(rng.binomial(QA_SAMPLE, qa)),
            }
            iso = week.isoformat()
            values += [(iso, pack, "", "", "", metric, n) for metric, n in counts.items()]
    return values
