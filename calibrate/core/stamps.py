"""UTC timestamps and ids as the store writes them."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> str:
    """ISO 8601 in UTC with milliseconds, e.g. 2026-11-25T10:15:02.123Z (sorts as text)."""
    return utc_stamp(datetime.now(UTC))


def utc_stamp(moment: datetime) -> str:
    """`moment` (timezone-aware) as utc_now writes it."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_id() -> str:
    import uuid  # ~2.5 ms (it imports platform); the first screen never makes an id

    return str(uuid.uuid4())
