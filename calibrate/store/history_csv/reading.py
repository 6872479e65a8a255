"""A history CSV read and checked whole: every row against the loaded packs, every problem named.

Every bad row is named as `FILE: row N: message` (all of the row's problems) and no record is
returned unless all rows are good, so the database is not touched by a file with one bad row.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from calibrate.core.errors import CalibrateError

if TYPE_CHECKING:
    from calibrate.core.models import Pack

REQUIRED = ("case_id", "reviewer", "decision", "date", "team", "site")
OPTIONAL = ("clause", "confidence", "pack_id")


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
    header, where = _columns(name, reader)
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
        problem = _shape_problem(fields, len(header))
        if problem is None:
            values = {c: fields[i].strip() for c, i in where.items()}
            record, wrong = _record(start, values, by_case, packs)
            problem = "; ".join(wrong) if record is None else _repeat(record, seen)
        if problem is not None:
            problems.append(f"{name}: row {start}: {problem}")
            continue
        seen[_answer_key(record)] = start
        records.append(record)
    if problems:
        raise HistoryError(problems)
    if not records:
        raise HistoryFileError(f"{name}: no rows to import")
    return records


def _columns(name: str, reader: Any) -> tuple[list[str], dict[str, int]]:
    """The header (lower case) and where each column Calibrate reads is in it."""
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
    return header, {c: header.index(c) for c in (*REQUIRED, *OPTIONAL) if c in header}


def _shape_problem(fields: list[str], columns: int) -> str | None:
    """What makes a row unreadable as a whole (a NUL byte, a wrong field count), if any."""
    if any("\0" in field for field in fields):  # as `calibrate agreement` refuses it
        return "NUL byte in field"
    if len(fields) != columns:
        return f"{len(fields)} field{'' if len(fields) == 1 else 's'}, but the header has {columns}"
    return None


def _answer_key(record: HistoryRecord) -> tuple:
    """What one answer is: a reviewer (name, team, site) on one case of a pack on one day."""
    return (
        record.reviewer.casefold(),
        record.team.casefold(),
        record.site.casefold(),
        record.pack.id,
        record.case_id,
        record.day,
    )


def _repeat(record: HistoryRecord, seen: dict[tuple, int]) -> str | None:
    """The problem when an earlier row (in `seen`: answer key → row) holds the same answer."""
    earlier = seen.get(_answer_key(record))
    if earlier is None:
        return None
    return f"{record.reviewer} already answered {record.case_id} on {record.day} (row {earlier})"


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
