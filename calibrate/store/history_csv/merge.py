"""Checked history rows merged into a database: the profiles, sessions and answers they add.

Ids are derived from the rows' content (UUID version 5 in a fixed namespace), so importing the
same file twice adds nothing. Reviewers match existing profiles by name, team and site; each
reviewer's rows of one lesson on one day are one session: first_attempt on its first day,
retake after that.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from calibrate.core.stamps import utc_now
from calibrate.store import catalog
from calibrate.store.exchange.merge import ImportResult, Row, merge_rows

if TYPE_CHECKING:
    from calibrate.core.models import Profile
    from calibrate.store.history_csv.reading import HistoryRecord

# Fixed namespace: the same spreadsheet row gets the same UUID in every database.
HISTORY_NAMESPACE = uuid.UUID("6f1c2a52-3f5e-4d0b-9a37-2b8d3c1e7a10")

Person = tuple[str, str, str]  # name, team and site, case-folded


def merge_history(db: Any, csv_path: Path, records: list[HistoryRecord]) -> ImportResult:
    """Merge checked history rows (read_history_csv) into db; the dashboard's import too."""
    rows = history_rows(csv_path, records, catalog.list_profiles(db))
    used = {r.pack.id: r.pack for r in records}
    return merge_rows(
        db,
        rows,
        event=("history_imported", {"file": csv_path.name}),
        packs=list(used.values()),
        session_event={"origin": "csv", "file": csv_path.name},
    )


def history_rows(
    path: Path, records: list[HistoryRecord], profiles: Sequence[Profile]
) -> Iterator[Row]:
    """Profiles, sessions and answers for the records, with ids derived from their content."""
    known = {_person(p.name, p.team, p.site): p.id for p in profiles}
    yield from _new_profiles(path, records, known)
    sessions, first_row = _sessions(path, records, known)
    for session_id, row in sessions.items():
        yield first_row[session_id], "sessions", row
    for r in records:
        profile_id = known[_person(r.reviewer, r.team, r.site)]
        session_id = _derived_id("session", profile_id, r.pack.id, r.lesson_id, r.day)
        kind = sessions[session_id]["kind"]
        yield f"{path}: row {r.line}", "answers", _answer(r, profile_id, session_id, kind)


def _person(name: str, team: str, site: str) -> Person:
    return name.casefold(), team.casefold(), site.casefold()


def _derived_id(*parts: str) -> str:
    return str(uuid.uuid5(HISTORY_NAMESPACE, "\x1f".join(parts)))


def _new_profiles(
    path: Path, records: list[HistoryRecord], known: dict[Person, str]
) -> Iterator[Row]:
    """A profile row for each reviewer no profile matches (added to `known` as it goes)."""
    now = utc_now()
    for r in records:
        person = _person(r.reviewer, r.team, r.site)
        if person not in known:
            known[person] = _derived_id("profile", *person)
            yield (
                f"{path}: row {r.line}",
                "profiles",
                {
                    "id": known[person],
                    "name": r.reviewer,
                    "team": r.team,
                    "site": r.site,
                    "role": "moderator",
                    "created_at": now,
                },
            )


def _sessions(
    path: Path, records: list[HistoryRecord], known: dict[Person, str]
) -> tuple[dict[str, dict], dict[str, str]]:
    """Session rows by id, spanning their answers' times, and the first row naming each."""
    sessions: dict[str, dict] = {}
    first_day: dict[tuple[str, str, str], str] = {}
    first_row: dict[str, str] = {}
    for r in sorted(records, key=lambda r: (r.day, r.line)):
        profile_id = known[_person(r.reviewer, r.team, r.site)]
        lesson_key = (profile_id, r.pack.id, r.lesson_id)
        first_day.setdefault(lesson_key, r.day)
        session_id = _derived_id("session", *lesson_key, r.day)
        s = sessions.setdefault(
            session_id,
            {
                "id": session_id,
                "profile_id": profile_id,
                "pack_id": r.pack.id,
                "lesson_id": r.lesson_id,
                "pack_hash": r.pack.content_hash,
                "kind": "first_attempt" if first_day[lesson_key] == r.day else "retake",
                "team": r.team,
                "site": r.site,
                "started_at": r.at,
                "finished_at": r.at,
            },
        )
        s["started_at"], s["finished_at"] = min(s["started_at"], r.at), max(s["finished_at"], r.at)
        first_row.setdefault(session_id, f"{path}: row {r.line}")
    return sessions, first_row


def _answer(r: HistoryRecord, profile_id: str, session_id: str, kind: str) -> dict:
    """The answer row of one record (what a spreadsheet does not know: 0 or None)."""
    return {
        "id": _derived_id("answer", session_id, r.case_id),
        "session_id": session_id,
        "profile_id": profile_id,
        "pack_id": r.pack.id,
        "lesson_id": r.lesson_id,
        "case_id": r.case_id,
        "case_hash": r.pack.cases[r.case_id].content_hash,
        "pack_hash": r.pack.content_hash,
        "team": r.team,
        "site": r.site,
        "session_kind": kind,
        "decision": r.decision,
        "clause": r.clause,
        "confidence": r.confidence,
        "note": "",
        "skipped": 0,
        "shown_at": r.at,
        "answered_at": r.at,
        "time_to_answer_ms": 0,
        "watched_ms": 0,
        "watched_share": None,
        "clip_unavailable": None,
    }
