"""The time toward a break runs across midnight (a night shift is one stretch of work) and
across lessons and rooms; it starts again only when the moderator chooses to go on or after
a real rest (hours with no warned clip). The day's total stays per local day. A real SQLite
file through ws.wellness; a fake clock stands in for the night."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from calibrate.core.wellness import REST_HOURS, WellnessPolicy

MINUTE = 60_000


class NightClock:
    def __init__(self, start: datetime) -> None:
        self.at = start

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def night(tmp_path: Path):
    from calibrate.workspace import Workspace

    ws = Workspace.open(tmp_path / "calibrate.sqlite3", [])
    clock = NightClock(datetime(2026, 12, 5, 23, 40, 30, tzinfo=UTC))  # a night shift
    ws.wellness.now = clock
    ws.wellness.today = lambda: clock.at.date()  # the machine's local day: UTC here
    profile = ws.profiles.create("Ana", "Graphic EU", "Lisbon")
    yield ws, profile, clock
    ws.close()


def watch(log, clock: NightClock, minutes: int) -> None:
    """`minutes` of a warned clip, written a minute at a time as a playing clip writes it."""
    for _ in range(minutes):
        clock.at += timedelta(minutes=1)
        log.record("gr-kitchen-cut", MINUTE)


def test_19_minutes_before_midnight_and_19_after_make_38_and_a_break(night) -> None:
    ws, profile, clock = night
    log = ws.wellness.log(profile, "night-shift")
    watch(log, clock, 19)  # the 19 minutes before midnight
    assert (clock.at.day, clock.at.hour) == (5, 23)
    watch(log, clock, 19)  # and 19 after
    exposure = log.exposure()
    assert exposure.since_break_ms == 38 * MINUTE  # the stretch did not end at midnight
    assert exposure.break_due(WellnessPolicy(break_after_minutes=20))
    assert exposure.today_ms == 19 * MINUTE  # the day's total: the new day's only
    assert exposure.session_ms == 38 * MINUTE
    log.go_on()
    assert log.exposure().since_break_ms == 0
    watch(log, clock, 3)
    assert log.exposure().since_break_ms == 3 * MINUTE


def test_another_lesson_or_a_short_gap_does_not_restart_the_count_a_rest_does(night) -> None:
    ws, profile, clock = night
    watch(ws.wellness.log(profile, "lesson-1"), clock, 12)
    clock.at += timedelta(hours=REST_HOURS) - timedelta(minutes=1)  # lunch, a meeting…
    other = ws.wellness.log(profile, "lesson-2")
    watch(other, clock, 5)
    assert other.exposure().since_break_ms == 17 * MINUTE  # leaving does not get round it
    clock.at += timedelta(hours=REST_HOURS)  # a night's sleep with no warned clip
    assert other.exposure().since_break_ms == 0
    watch(ws.wellness.log(profile, "next-day"), clock, 2)
    assert other.exposure().since_break_ms == 2 * MINUTE
