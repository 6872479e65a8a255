"""Dashboard reads: answers with their golden answers as a core AnswerTable, filter choices."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import timedelta

import sqlite_utils

from calibrate.core.answer_table import AnswerTable, Filters, PackInfo, build_answer_table
from calibrate.core.models import Pack

ANSWER_COLUMNS = ("id", "profile_id", "team", "site", "pack_id", "lesson_id", "case_id",
                  "session_id", "session_kind", "decision", "confidence", "skipped",
                  "answered_at", "time_to_answer_ms")


def _where(filters: Filters) -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []

    def any_of(column: str, values: Iterable[object] | None) -> None:
        if values is not None:
            values = list(values)
            clauses.append(f"{column} IN ({', '.join('?' * len(values))})" if values else "0")
            params.extend(values)

    any_of("a.team", filters.teams)
    any_of("a.site", filters.sites)
    any_of("a.pack_id", filters.packs)
    any_of("a.profile_id", filters.reviewers)
    if filters.lessons is not None:
        any_of("a.pack_id || '/' || a.lesson_id", [f"{p}/{x}" for p, x in filters.lessons])
    if filters.since is not None:
        clauses.append("a.answered_at >= ?")
        params.append(filters.since.isoformat())
    if filters.until is not None:
        clauses.append("a.answered_at < ?")
        params.append((filters.until + timedelta(days=1)).isoformat())
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def pack_infos(db: sqlite_utils.Database, packs: Iterable[Pack] = ()) -> dict[str, PackInfo]:
    """Ladder and pass mark per pack: the newest version seen, lessons from loaded packs."""
    infos: dict[str, PackInfo] = {}
    for row in db.query("SELECT * FROM pack_versions ORDER BY first_seen_at"):
        infos[row["pack_id"]] = PackInfo(
            row["pack_id"], row["title"] or row["pack_id"], row["policy"] or "",
            tuple(json.loads(row["ladder"])), tuple(json.loads(row["decisions"])),
            row["pass_mark"] if row["pass_mark"] is not None else 0.8)
    for pack in packs:
        infos[pack.id] = PackInfo(
            pack.id, pack.title, pack.policy, pack.scale.ladder, pack.scale.ids, pack.pass_mark,
            lessons={lesson.id: lesson.case_ids for lesson in pack.lessons},
            lesson_titles={lesson.id: lesson.title for lesson in pack.lessons})
    return infos


def load_answers(db: sqlite_utils.Database, filters: Filters = Filters(),
                 packs: Iterable[Pack] = ()) -> AnswerTable:
    """Every answer matching the filters, scored against the golden of its case version."""
    where, params = _where(filters)
    sql = (f"SELECT {', '.join('a.' + c for c in ANSWER_COLUMNS)}, cv.golden_decision, "
           "CASE WHEN a.clause IS NULL THEN NULL "
           "ELSE instr(cv.golden_clauses, json_quote(a.clause)) > 0 END AS clause_correct "
           "FROM answers a JOIN case_versions cv ON cv.case_hash = a.case_hash" + where)
    rows = db.execute(sql, params).fetchall()
    names = [*ANSWER_COLUMNS, "golden_decision", "clause_correct"]
    columns = dict(zip(names, zip(*rows, strict=True), strict=True)) if rows else {
        name: () for name in names}
    profile_names = {row[0]: row[1] for row in db.execute("SELECT id, name FROM profiles")}
    return build_answer_table(columns, pack_infos(db, packs), profile_names)


def filter_choices(db: sqlite_utils.Database) -> dict[str, list]:
    """What the filter boxes offer: teams, sites, packs, lessons, reviewers, date range."""
    def column(sql: str) -> list:
        return [row[0] for row in db.execute(sql)]

    first, last = db.execute("SELECT MIN(answered_at), MAX(answered_at) FROM answers").fetchone()
    return {
        "teams": column("SELECT DISTINCT team FROM answers ORDER BY team"),
        "sites": column("SELECT DISTINCT site FROM answers ORDER BY site"),
        "packs": column("SELECT DISTINCT pack_id FROM answers ORDER BY pack_id"),
        "lessons": [tuple(r) for r in db.execute(
            "SELECT DISTINCT pack_id, lesson_id FROM answers ORDER BY pack_id, lesson_id")],
        "reviewers": [tuple(r) for r in db.execute(
            "SELECT id, name FROM profiles ORDER BY name COLLATE NOCASE")],
        "first": first, "last": last,
    }


def roster(db: sqlite_utils.Database) -> list[dict]:
    """Every profile with its current team and site (completion lists who has not calibrated)."""
    return list(db.query("SELECT id, name, team, site FROM profiles ORDER BY name COLLATE NOCASE"))


def dispute_rows(db: sqlite_utils.Database, filters: Filters = Filters()) -> list[dict]:
    """Disputed golden answers with their notes, newest first (no moderator names)."""
    where, params = _where(filters)
    return list(db.query(
        "SELECT d.pack_id, d.case_id, d.note, d.created_at, a.decision AS chosen "
        "FROM disputes d JOIN answers a ON a.id = d.answer_id" + where +
        " ORDER BY d.created_at DESC", params))
