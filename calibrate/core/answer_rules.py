"""The rules every stored row obeys, however it arrives: recorded in the app, merged from an
export, or imported from a history spreadsheet.

Answers are immutable and never deleted, so a bad value that gets in stays for good and
breaks every later report. The store therefore runs each row through these checks before
writing it (store/answers.py for recorded answers, store/exchange/merge.py for both imports).
Pure Python: each function takes a row as a dict (the database's columns) and what it needs
to know about the world, and returns the problems as short phrases (empty: the row is good).
The demo id mark lives here too: demo rows carry it in their own ids (docs/exchange.md).
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any, NamedTuple

from calibrate.core.models import SESSION_KINDS

# The form the store writes (core/stamps.py): ISO 8601 in UTC with a Z, which sorts as text
# and which SQLite's date functions read (the answer cache converts it there).
_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z")
STAMP_EXAMPLE = "2026-03-02T14:05:09.123Z"
MAX_MS = 2**53  # a time in milliseconds beyond this is not a time (and not exact as a float)
ROLES = ("moderator", "trainer", "lead")
# Demo rows carry this mark in their UUIDs: version 8 (RFC 9562's custom kind, which the app
# never makes: its own ids are version 4, a spreadsheet's version 5) behind a fixed prefix.
DEMO_ID_PREFIX = "de300de3-"


class PackFacts(NamedTuple):
    """What a row's pack version allows. `clauses` is None when the pack version is not
    loaded (the database keeps its decisions, not its clauses): a clause is then only
    checked for its shape."""

    pack_id: str
    decisions: Collection[str]
    clauses: Collection[str] | None = None


class CaseFacts(NamedTuple):
    pack_id: str
    case_id: str


def is_demo_id(value: object) -> bool:
    """True for an id the demo history made (see DEMO_ID_PREFIX)."""
    return (
        isinstance(value, str)
        and value.startswith(DEMO_ID_PREFIX)
        and len(value) == 36
        and value[14] == "8"
    )


def demo_id(random_bytes: bytes) -> str:
    """A demo UUID from 16 random bytes: the demo mark, then the bytes' own randomness."""
    import uuid

    raw = bytearray(random_bytes[:16])
    raw[6] = (raw[6] & 0x0F) | 0x80  # version 8 (Python 3.11's uuid cannot set it)
    raw[8] = (raw[8] & 0x3F) | 0x80  # the RFC variant
    text = str(uuid.UUID(bytes=bytes(raw)))
    return DEMO_ID_PREFIX + text[len(DEMO_ID_PREFIX) :]


def parse_stamp(value: object) -> datetime | None:
    """The moment of a stored timestamp (naive, in UTC), None unless in the store's form."""
    if not isinstance(value, str) or not _STAMP.fullmatch(value):
        return None
    try:
        return datetime.fromisoformat(value[:-1])
    except ValueError:  # 2026-02-30 and the like
        return None


def _stamp(
    row: Mapping[str, Any], column: str, problems: list[str], *, required: bool = True
) -> datetime | None:
    value = row.get(column)
    if value is None and not required:
        return None
    moment = parse_stamp(value)
    if moment is None:
        problems.append(f"{column} {_show(value)} is not an ISO 8601 UTC time like {STAMP_EXAMPLE}")
    return moment


def _text(
    row: Mapping[str, Any], columns: tuple[str, ...], problems: list[str], *, required: bool
) -> None:
    for column in columns:
        value = row.get(column)
        if value is None and not required:
            continue
        if not isinstance(value, str) or (required and not value.strip()):
            problems.append(
                f"{column} {_show(value)} must be {'non-empty ' if required else ''}text"
            )


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _milliseconds(row: Mapping[str, Any], column: str, problems: list[str]) -> None:
    value = row.get(column)
    if value is None:
        return
    if not (isinstance(value, int) and not isinstance(value, bool)) or not 0 <= value <= MAX_MS:
        problems.append(
            f"{column} {_show(value)} must be a whole number of milliseconds, 0 or more"
        )


def answer_problems(
    row: Mapping[str, Any], pack: PackFacts | None, case: CaseFacts | None
) -> list[str]:
    """What is wrong with one answer row; `pack` and `case` are its pack and case versions
    as known (None: neither in the file nor in the database)."""
    problems: list[str] = []
    _text(
        row,
        (
            "id",
            "session_id",
            "profile_id",
            "pack_id",
            "lesson_id",
            "case_id",
            "case_hash",
            "pack_hash",
        ),
        problems,
        required=True,
    )
    _text(row, ("team", "site", "note"), problems, required=False)
    kind = row.get("session_kind")
    if kind not in SESSION_KINDS:
        problems.append(f"session_kind {_show(kind)} is not one of {', '.join(SESSION_KINDS)}")
    if pack is None:
        problems.append(
            f"pack version {_show(row.get('pack_hash'))} is neither in the file nor in the database"
        )
    elif row.get("pack_id") != pack.pack_id:
        problems.append(
            f"pack version {row.get('pack_hash')} is of pack {pack.pack_id}, not "
            f"{_show(row.get('pack_id'))}"
        )
    if case is None:
        problems.append(
            f"case version {_show(row.get('case_hash'))} is neither in the file nor in the database"
        )
    elif (row.get("pack_id"), row.get("case_id")) != tuple(case):
        problems.append(
            f"case version {row.get('case_hash')} is {case.pack_id}/"
            f"{case.case_id}, not {row.get('pack_id')}/{row.get('case_id')}"
        )
    skipped = row.get("skipped")
    if type(skipped) is not int or skipped not in (0, 1):
        problems.append(f"skipped {_show(skipped)} must be 0 or 1")
    _choice(row, pack, problems, skipped=skipped == 1)
    _extra_shares(row, problems)
    shown, answered = _stamp(row, "shown_at", problems), _stamp(row, "answered_at", problems)
    if shown and answered and answered < shown:
        problems.append(f"answered_at {row['answered_at']} is before shown_at {row['shown_at']}")
    _milliseconds(row, "time_to_answer_ms", problems)
    _milliseconds(row, "watched_ms", problems)
    return problems


def _choice(
    row: Mapping[str, Any], pack: PackFacts | None, problems: list[str], *, skipped: bool
) -> None:
    """Decision, clause and confidence: all null on a skip; else a decision of the pack."""
    decision, clause, confidence = row.get("decision"), row.get("clause"), row.get("confidence")
    if skipped:
        chosen = [c for c in ("decision", "clause", "confidence") if row.get(c) is not None]
        if chosen:
            problems.append(f"a skipped answer has no {', '.join(chosen)}")
        return
    if pack is not None and decision not in pack.decisions:
        problems.append(f"decision {_show(decision)} is not one of {', '.join(pack.decisions)}")
    elif not isinstance(decision, str):
        problems.append(f"decision {_show(decision)} must be text")
    if clause is not None:
        if not isinstance(clause, str) or not clause.strip() or len(clause) > 64:
            problems.append(f"clause {_show(clause)} is not a clause id")
        elif pack is not None and pack.clauses is not None and clause not in pack.clauses:
            problems.append(f"clause {_show(clause)} is not one of {', '.join(pack.clauses)}")
    if confidence is not None and not (
        _is_number(confidence) and math.isfinite(confidence) and 0.0 <= confidence <= 1.0
    ):
        problems.append(f"confidence {_show(confidence)} is not a probability between 0 and 1")


def _extra_shares(row: Mapping[str, Any], problems: list[str]) -> None:
    """Columns a later schema may add to answers (a share watched, a clip flag)."""
    share = row.get("watched_share")
    if share is not None and not (
        _is_number(share) and math.isfinite(share) and 0.0 <= share <= 1.0
    ):
        problems.append(f"watched_share {_show(share)} is not a share between 0 and 1")
    flag = row.get("clip_unavailable")
    if flag is not None and (type(flag) is not int or flag not in (0, 1)):
        problems.append(f"clip_unavailable {_show(flag)} must be 0, 1 or null")
    _seconds(row, "marked_moment", problems)


def _seconds(row: Mapping[str, Any], column: str, problems: list[str]) -> None:
    """A time or tolerance in seconds (schema 7, core/moments.py): null or a finite number ≥ 0."""
    value = row.get(column)
    if value is not None and not (_is_number(value) and math.isfinite(value) and value >= 0):
        problems.append(f"{column} {_show(value)} must be seconds (a number, 0 or more) or null")


def session_problems(row: Mapping[str, Any], pack: PackFacts | None) -> list[str]:
    problems: list[str] = []
    _text(row, ("id", "profile_id", "pack_id", "lesson_id", "pack_hash"), problems, required=True)
    _text(row, ("team", "site"), problems, required=False)
    if row.get("kind") not in SESSION_KINDS:
        problems.append(f"kind {_show(row.get('kind'))} is not one of {', '.join(SESSION_KINDS)}")
    if pack is None:
        problems.append(
            f"pack version {_show(row.get('pack_hash'))} is neither in the file nor in the database"
        )
    started = _stamp(row, "started_at", problems)
    finished = _stamp(row, "finished_at", problems, required=False)
    if started and finished and finished < started:
        problems.append(
            f"finished_at {row['finished_at']} is before started_at {row['started_at']}"
        )
    return problems


def profile_problems(row: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    _text(row, ("id", "name"), problems, required=True)
    _text(row, ("team", "site"), problems, required=False)
    if row.get("role") is not None and row.get("role") not in ROLES:
        problems.append(f"role {_show(row.get('role'))} is not one of {', '.join(ROLES)}")
    _stamp(row, "created_at", problems)
    return problems


def dispute_problems(row: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    _text(
        row,
        ("id", "answer_id", "profile_id", "pack_id", "case_id", "case_hash"),
        problems,
        required=True,
    )
    _text(row, ("note",), problems, required=False)
    _stamp(row, "created_at", problems)
    return problems


OUTCOMES = ("upheld", "changed")  # a dispute's resolution: the golden kept, or changed
MAX_REPLY = 4000  # characters of a trainer's reply (a paragraph or two, not a document)
_CASE_HASH = re.compile(r"[0-9a-f]{16,64}")


def resolution_problems(row: Mapping[str, Any]) -> list[str]:
    """A trainer's resolution of a dispute: upheld or changed, a reply, and the new case
    version's hash (hex) when one is named."""
    problems: list[str] = []
    _text(row, ("id", "dispute_id", "reply"), problems, required=True)
    if row.get("outcome") not in OUTCOMES:
        problems.append(f"outcome {_show(row.get('outcome'))} is not one of {', '.join(OUTCOMES)}")
    reply = row.get("reply")
    if isinstance(reply, str) and len(reply) > MAX_REPLY:
        problems.append(f"reply of {len(reply):,} characters is longer than {MAX_REPLY:,}")
    if isinstance(reply, str) and "\x00" in reply:
        problems.append("reply holds a NUL character")
    new_hash = row.get("new_case_hash")
    if new_hash is not None and not (isinstance(new_hash, str) and _CASE_HASH.fullmatch(new_hash)):
        problems.append(f"new_case_hash {_show(new_hash)} is not a case hash (hex digits)")
    if new_hash is not None and row.get("outcome") == "upheld":
        problems.append("an upheld golden has no new case version")
    _stamp(row, "resolved_at", problems)
    return problems


def pack_version_problems(row: Mapping[str, Any], decisions: object, ladder: object) -> list[str]:
    """`decisions` and `ladder` are the row's JSON columns already parsed (None: not JSON)."""
    problems: list[str] = []
    _text(row, ("pack_hash", "pack_id"), problems, required=True)
    if not _ids(decisions):
        problems.append("decisions must be a JSON list of decision ids")
    elif not _ids(ladder, allow_empty=True) or not set(ladder) <= set(decisions):  # type: ignore
        problems.append("ladder must be a JSON list of some of its decisions")
    mark = row.get("pass_mark")
    if mark is not None and not (_is_number(mark) and math.isfinite(mark) and 0 <= mark <= 1):
        problems.append(f"pass_mark {_show(mark)} is not a share between 0 and 1")
    _stamp(row, "first_seen_at", problems)
    return problems


def case_version_problems(
    row: Mapping[str, Any],
    pack_decisions: Collection[str] | None,
    clauses: object,
    moments: object = None,
) -> list[str]:
    """`pack_decisions`: the decisions of the case's pack (None: no version of it known);
    `clauses` and `moments` the row's JSON columns parsed (moments None: not given)."""
    problems: list[str] = []
    _text(row, ("case_hash", "pack_id", "case_id", "golden_decision"), problems, required=True)
    if pack_decisions is None:
        problems.append(
            f"pack {_show(row.get('pack_id'))} has no version in the file or the database"
        )
    elif row.get("golden_decision") not in pack_decisions:
        problems.append(
            f"golden_decision {_show(row.get('golden_decision'))} is not one of "
            f"{', '.join(pack_decisions)}"
        )
    if not _ids(clauses, allow_empty=True):
        problems.append("golden_clauses must be a JSON list of clause ids")
    _seconds(row, "moment_tolerance", problems)
    if moments is not None and not _spans(moments):
        problems.append("golden_moments must be a JSON list of [start, end] seconds")
    _stamp(row, "first_seen_at", problems)
    return problems


def _spans(value: object) -> bool:
    """[[start, end], ...] in seconds, each end after its start."""
    return isinstance(value, list) and all(
        isinstance(v, list)
        and len(v) == 2
        and all(_is_number(t) and math.isfinite(t) and t >= 0 for t in v)
        and v[0] < v[1]
        for v in value
    )


def _ids(value: object, *, allow_empty: bool = False) -> bool:
    return (
        isinstance(value, list)
        and (allow_empty or bool(value))
        and all(isinstance(v, str) and v for v in value)
    )
