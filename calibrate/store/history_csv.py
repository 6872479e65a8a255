"""Historic results from a spreadsheet (CSV): read and check every row, then merge them.

A file is read and checked whole before the database is touched: every bad row is named as
`FILE: row N: message` (all of the row's problems) and nothing is written unless all rows are
good. Ids of imported rows are derived from their content, so importing the same file twice
adds nothing. Used by `calibrate import --csv` and the dashboard's import; the format is in
docs/exchange.md.
"""

from __future__ import annotations

import csv
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from calibrate.core.errors import CalibrateError

if TYPE_CHECKING:
    from calibrate.core.models import Pack, Profile
    from calibrate.store.exchange import ImportResult

REQUIRED = ("case_id", "reviewer", "decision", "date", "team", "site")
OPTIONAL = ("clause", "confidence", "pack_id")
# Fixed namespace: the same spreadsheet row gets the same UUID in every database.
HISTORY_NAMESPACE = uuid.UUID("6f1c2a52-3f5e-4d0b-9a37-2b8d3c1e7a10")


class HistoryError(CalibrateError):
    """Bad rows in a history CSV, each already phrased as `FILE: row N: message`."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(problems[0])


class HistoryFileError(HistoryError):
    """The file as a whole cannot be read as a history CSV (missing, not text, wrong
    columns, no rows): one problem, no bad rows to count."""

    def __init__(self, problem: str):
        super().__init__([problem])


def merge_history(db: Any, csv_path: Path, records: list[HistoryRecord]) -> ImportResult:
    """Merge checked history rows (read_history_csv) into db; the dashboard's import too."""
    from calibrate.store import catalog
    from calibrate.store.exchange import merge_rows

    rows = history_rows(csv_path, records, catalog.list_profiles(db))
    used = {r.pack.id: r.pack for r in records}
    return merge_rows(
        db,
        rows,
        event=("history_imported", {"file": csv_path.name}),
        packs=list(used.values()),
        session_event={"origin": "csv", "file": csv_path.name},
    )


# -- reading a history CSV -----------------------------------------------------------------


@dataclass(frozen=True)
class HistoryRecord:
    """One checked spreadsheet row: who decided what on which case, and when."""

    line: int
    pack: Pack
    case_id: str
    lesson_id: str
    reviewer: str
    team: str
    site: str
    decision: str
    clause: str | None
    confidence: float | None
    at: str  # ISO 8601 UTC
    day: str


def read_history_csv(path: Path, packs: Sequence[Pack]) -> list[HistoryRecord]:
    """Every row checked against the loaded packs; HistoryError names each bad line."""
    try:
        with Path(path).open(encoding="utf-8-sig", newline="") as handle:
            return _read_rows(str(path), csv.reader(handle), packs)
    except FileNotFoundError:
        raise HistoryFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise HistoryFileError(f"{path}: is a folder, not a CSV file") from None
    except UnicodeDecodeError:
        raise HistoryFileError(f"{path}: not UTF-8 text; save the file as UTF-8") from None
    except csv.Error as error:
        raise HistoryFileError(f"{path}: {error} (is a quote left open?)") from None
    except OSError as error:
        raise HistoryFileError(f"{path}: cannot read: {error.strerror or error}") from None


def _read_rows(name: str, reader: Any, packs: Sequence[Pack]) -> list[HistoryRecord]:
    header = [h.strip().lower() for h in next(reader, [])]
    if not any(header):
        raise HistoryFileError(
            f"{name}: no header (the file is empty or starts with a blank "
            f"line); expected a header with {','.join(REQUIRED)}"
        )
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise HistoryFileError(
            f"{name}: row 1: missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)} (the header has: {', '.join(header)})"
        )
    where = {c: header.index(c) for c in (*REQUIRED, *OPTIONAL) if c in header}
    by_case: dict[str, list[Pack]] = {}
    for pack in packs:
        for case_id in pack.cases:
            by_case.setdefault(case_id, []).append(pack)
    records: list[HistoryRecord] = []
    problems: list[str] = []
    seen: dict[tuple, int] = {}
    line = reader.line_num  # a quoted field may span lines: a record starts after the last
    for fields in reader:
        start, line = line + 1, reader.line_num
        if not any(f.strip() for f in fields):
            continue
        if any("\0" in field for field in fields):  # as `calibrate agreement` refuses it
            problems.append(f"{name}: row {start}: NUL byte in field")
            continue
        if len(fields) != len(header):
            problems.append(
                f"{name}: row {start}: {len(fields)} field"
                f"{'' if len(fields) == 1 else 's'}, but the header has "
                f"{len(header)}"
            )
            continue
        values = {c: fields[i].strip() for c, i in where.items()}
        record, wrong = _record(start, values, by_case, packs)
        if record is None:
            problems.append(f"{name}: row {start}: {'; '.join(wrong)}")
            continue
        key = (
            record.reviewer.casefold(),
            record.team.casefold(),
            record.site.casefold(),
            record.pack.id,
            record.case_id,
            record.day,
        )
        if key in seen:
            problems.append(
                f"{name}: row {start}: {record.reviewer} already answered "
                f"{record.case_id} on {record.day} (row {seen[key]})"
            )
            continue
        seen[key] = start
        records.append(record)
    if problems:
        raise HistoryError(problems)
    if not records:
        raise HistoryFileError(f"{name}: no rows to import")
    return records


def _record(
    line: int, v: dict[str, str], by_case: dict[str, list[Pack]], packs: Sequence[Pack]
) -> tuple[HistoryRecord | None, list[str]]:
    """The row as a record, or None and every problem it has (not only the first)."""
    from calibrate.core.models import CONFIDENCE_LEVELS

    problems: list[str] = []

    def check(step: Callable[[], Any]) -> Any:
        try:
            return step()
        except ValueError as error:
            problems.append(str(error))
            return None

    if not v["reviewer"]:
        problems.append("reviewer is empty")
    found = check(lambda: _pack_and_lesson(v, by_case, packs))
    decision = clause = None
    if found is not None:
        decision = check(lambda: _decision(v, found[0]))
        clause = check(lambda: _clause(v, found[0]))
    confidence = check(lambda: _confidence(v.get("confidence", ""), CONFIDENCE_LEVELS))
    when = check(lambda: _when(v["date"]))
    if problems:
        return None, problems
    (pack, lesson_id), (at, day) = found, when
    return HistoryRecord(
        line,
        pack,
        v["case_id"],
        lesson_id,
        v["reviewer"],
        v["team"],
        v["site"],
        decision,
        clause,
        confidence,
        at,
        day,
    ), []


def _pack_and_lesson(
    v: dict[str, str], by_case: dict[str, list[Pack]], packs: Sequence[Pack]
) -> tuple[Pack, str]:
    case_id = v["case_id"]
    candidates = by_case.get(case_id, [])
    if v.get("pack_id"):
        candidates = [p for p in candidates if p.id == v["pack_id"]]
        if not any(p.id == v["pack_id"] for p in packs):
            raise ValueError(
                f"pack {v['pack_id']!r} is not loaded (loaded: "
                f"{', '.join(p.id for p in packs)}); add its folder with --lessons"
            )
    if not candidates:
        raise ValueError(
            f"case {case_id!r} is not in any loaded pack"
            + (f" ({v['pack_id']})" if v.get("pack_id") else "")
            + "; add its pack with --lessons DIR"
        )
    if len(candidates) > 1:
        raise ValueError(
            f"case {case_id!r} is in several packs "
            f"({', '.join(p.id for p in candidates)}); add a pack_id column"
        )
    pack = candidates[0]
    lesson = next((x for x in pack.lessons if case_id in x.case_ids), None)
    if lesson is None:
        raise ValueError(f"case {case_id!r} is in no lesson of pack {pack.id!r}")
    return pack, lesson.id


def _decision(v: dict[str, str], pack: Pack) -> str:
    names = {d.id.casefold(): d.id for d in pack.scale.decisions}
    names.update({d.label.casefold(): d.id for d in pack.scale.decisions})
    decision = names.get(v["decision"].casefold())
    if decision is None:
        raise ValueError(f"decision {v['decision']!r} is not one of {', '.join(pack.scale.ids)}")
    return decision


def _clause(v: dict[str, str], pack: Pack) -> str | None:
    if not v.get("clause"):
        return None
    clause = {c.id.casefold(): c.id for c in pack.clauses}.get(v["clause"].casefold())
    if clause is None:
        raise ValueError(
            f"clause {v['clause']!r} is not one of {', '.join(c.id for c in pack.clauses)}"
        )
    return clause


def _confidence(text: str, levels: Sequence[tuple[float, str]]) -> float | None:
    if not text:
        return None
    by_label = {label.casefold(): p for p, label in levels}
    if text.casefold() in by_label:
        return by_label[text.casefold()]
    try:
        value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise ValueError(
            f"confidence {text!r} is not a probability between 0 and 1, a "
            f"percentage or one of {', '.join(label for _, label in levels)}"
        )
    return value


def _when(text: str) -> tuple[str, str]:
    """(ISO UTC timestamp, day); a bare date is taken as midday UTC, its time unknown."""
    try:
        if len(text) == 10:
            moment = datetime.combine(
                date.fromisoformat(text), datetime.min.time(), tzinfo=UTC
            ).replace(hour=12)
        else:
            moment = datetime.fromisoformat(text)
            moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except ValueError:
        raise ValueError(
            f"date {text!r} is not a date like 2026-03-02 (or an ISO 8601 time)"
        ) from None
    if moment > datetime.now(UTC):
        raise ValueError(f"date {text!r} is in the future")
    iso = moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return iso, iso[:10]


def history_rows(
    path: Path, records: list[HistoryRecord], profiles: Sequence[Profile]
) -> Iterator[tuple[str, str, dict]]:
    """Profiles, sessions and answers for the records, with ids derived from their content.

    Reviewers match existing profiles by name, team and site; each reviewer's rows of one
    lesson on one day are one session: first_attempt on its first day, retake after that."""
    from calibrate.core.stamps import utc_now

    def key(name: str, team: str, site: str) -> tuple[str, str, str]:
        return name.casefold(), team.casefold(), site.casefold()

    def derived(*parts: str) -> str:
        return str(uuid.uuid5(HISTORY_NAMESPACE, "\x1f".join(parts)))

    known = {key(p.name, p.team, p.site): p.id for p in profiles}
    now, where = utc_now(), {}
    for r in records:
        k = key(r.reviewer, r.team, r.site)
        if k not in known:
            known[k] = derived("profile", *k)
            yield (
                f"{path}: row {r.line}",
                "profiles",
                {
                    "id": known[k],
                    "name": r.reviewer,
                    "team": r.team,
                    "site": r.site,
                    "role": "moderator",
                    "created_at": now,
                },
            )
    sessions: dict[str, dict] = {}
    first_day: dict[tuple[str, str, str], str] = {}
    for r in sorted(records, key=lambda r: (r.day, r.line)):
        profile_id = known[key(r.reviewer, r.team, r.site)]
        lesson_key = (profile_id, r.pack.id, r.lesson_id)
        first_day.setdefault(lesson_key, r.day)
        session_id = derived("session", *lesson_key, r.day)
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
        where[session_id] = where.get(session_id, f"{path}: row {r.line}")
    for session_id, row in sessions.items():
        yield where[session_id], "sessions", row
    for r in records:
        profile_id = known[key(r.reviewer, r.team, r.site)]
        session_id = derived("session", profile_id, r.pack.id, r.lesson_id, r.day)
        case = r.pack.cases[r.case_id]
        yield (
            f"{path}: row {r.line}",
            "answers",
            {
                "id": derived("answer", session_id, r.case_id),
                "session_id": session_id,
                "profile_id": profile_id,
                "pack_id": r.pack.id,
                "lesson_id": r.lesson_id,
                "case_id": r.case_id,
                "case_hash": case.content_hash,
                "pack_hash": r.pack.content_hash,
                "team": r.team,
                "site": r.site,
                "session_kind": sessions[session_id]["kind"],
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
            },
        )  # not known
