"""The demo's calendar: the working days it spans and wall-clock times at each site."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from calibrate.core.demo_history.records import EPOCH

SITE_UTC_OFFSET = {"Lisbon": 0, "Manila": 8}  # hours; Lisbon's winter time, Manila has no DST


def working_days(today: date, count: int) -> list[date]:
    """The `count` weekdays ending on today, or on the last weekday before it at a weekend."""
    day = today - timedelta(days=max(0, today.weekday() - 4))
    days: list[date] = []
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    return days[::-1]


def local_ms(days: list[date], day: int, hour: int, minute: int, site: str) -> int:
    """Epoch ms of a local wall-clock time at a site on working day `day` of `days`."""
    d = days[day]
    local = datetime(d.year, d.month, d.day, hour, minute, tzinfo=UTC)
    return int((local - EPOCH).total_seconds()) * 1000 - SITE_UTC_OFFSET[site] * 3_600_000
