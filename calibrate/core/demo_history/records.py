"""What the demo simulation returns: the rows of each table, as frozen records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from calibrate.core.models import Answer, Profile

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def iso_ms(ms: int) -> str:
    """Epoch milliseconds as the store's ISO 8601 UTC text."""
    text = (EPOCH + timedelta(milliseconds=int(ms))).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")


@dataclass(frozen=True)
class DemoProfile:
    profile: Profile
    created_at: str


@dataclass(frozen=True)
class SessionRecord:
    """One lesson attempt as the sessions table holds it."""

    id: str
    profile_id: str
    pack_id: str
    lesson_id: str
    pack_hash: str
    kind: str
    team: str
    site: str
    started_at: str
    finished_at: str | None


@dataclass(frozen=True)
class DisputeRecord:
    id: str
    answer_id: str
    profile_id: str
    pack_id: str
    case_id: str
    case_hash: str
    note: str
    created_at: str


@dataclass(frozen=True)
class DemoHistory:
    seed: int
    profiles: tuple[DemoProfile, ...]
    sessions: tuple[SessionRecord, ...]
    answers: tuple[Answer, ...]
    disputes: tuple[DisputeRecord, ...]
    starts_at: str  # the first profile's creation: when the packs were first seen


def assemble_history(
    seed: int,
    joined: Sequence[tuple[Profile, str]],
    sessions: Sequence[SessionRecord],
    answers: Sequence[Answer],
    disputes: Sequence[DisputeRecord],
    not_after: datetime | None,
) -> DemoHistory:
    """Sort, drop what has not happened by not_after, and date each profile's creation: the
    day it joined (`joined`), or its first session if that came earlier."""
    cutoff = "~"  # sorts after any ISO timestamp
    if not_after is not None:
        cutoff = iso_ms(int((not_after - EPOCH).total_seconds() * 1000))
    last: dict[str, str] = {}
    for a in answers:
        last[a.session_id] = max(last.get(a.session_id, ""), a.answered_at)
    kept_sessions = sorted(
        (s for s in sessions if max(s.finished_at or "", last.get(s.id, s.started_at)) <= cutoff),
        key=lambda s: (s.started_at, s.id),
    )
    kept = {s.id for s in kept_sessions}
    kept_answers = sorted(
        (a for a in answers if a.session_id in kept), key=lambda a: (a.answered_at, a.id)
    )
    answer_ids = {a.id for a in kept_answers}
    kept_disputes = sorted(
        (d for d in disputes if d.answer_id in answer_ids and d.created_at <= cutoff),
        key=lambda d: (d.created_at, d.id),
    )
    first_start: dict[str, str] = {}
    for s in kept_sessions:
        first_start.setdefault(s.profile_id, s.started_at)
    profiles = tuple(
        DemoProfile(profile, min(first_start.get(profile.id, day), day)) for profile, day in joined
    )
    return DemoHistory(
        seed,
        profiles,
        tuple(kept_sessions),
        tuple(kept_answers),
        tuple(kept_disputes),
        min(p.created_at for p in profiles),
    )


def as_rows(history: DemoHistory) -> dict[str, list[dict[str, Any]]]:
    """The history as plain rows per table (skipped as 0/1), ready for a store to insert."""
    answers = [
        {
            **asdict(a),
            "skipped": int(a.skipped),
            "clip_unavailable": None if a.clip_unavailable is None else int(a.clip_unavailable),
        }
        for a in history.answers
    ]
    return {
        "profiles": [
            {**p.profile._asdict(), "role": "moderator", "created_at": p.created_at}
            for p in history.profiles
        ],
        "sessions": [asdict(s) for s in history.sessions],
        "answers": answers,
        "disputes": [asdict(d) for d in history.disputes],
    }
