"""Dashboard reads: answers with their golden answers as a core AnswerTable, filter choices."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import timedelta
from typing import TYPE_CHECKING

import numpy as np

from calibrate.core.lead.golden_versions import CaseVersion, Golden, Goldens
from calibrate.core.metrics.answer_table import AnswerTable, Filters, PackInfo
from calibrate.core.models import Pack
from calibrate.store.answer_cache.cache import AnswerCache
from calibrate.store.answer_cache.identity import id_lookup
from calibrate.store.disputes import NEWEST_RESOLUTION
from calibrate.store.integrity import check_whole

if TYPE_CHECKING:
    import sqlite_utils

EVERYTHING = Filters()


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
            row["pack_id"],
            row["title"] or row["pack_id"],
            row["policy"] or "",
            tuple(json.loads(row["ladder"])),
            tuple(json.loads(row["decisions"])),
            row["pass_mark"] if row["pass_mark"] is not None else 0.8,
        )
    for pack in packs:
        infos[pack.id] = PackInfo(
            pack.id,
            pack.title,
            pack.policy,
            pack.scale.ladder,
            pack.scale.ids,
            pack.pass_mark,
            lessons={lesson.id: lesson.case_ids for lesson in pack.every_lesson},
            lesson_titles={lesson.id: lesson.title for lesson in pack.every_lesson},
            lesson_pass_marks={
                x.id: x.pass_mark for x in pack.every_lesson if x.pass_mark is not None
            },
        )
    return infos


def profile_names(db: sqlite_utils.Database) -> dict[str, str]:
    """Current name per profile id (names can change; answers keep only the id)."""
    return {row[0]: row[1] for row in db.execute("SELECT id, name FROM profiles")}


def load_answers(
    db: sqlite_utils.Database,
    filters: Filters = EVERYTHING,
    packs: Iterable[Pack] = (),
    *,
    cache: AnswerCache | None = None,
) -> AnswerTable:
    """Every answer matching the filters, scored against the golden of its case version.

    The answers come from the columnar cache (store/answer_cache/: read once, then only new
    rows); the filters select rows in memory. Pass a long-lived `cache` to keep the answers
    in memory between calls (the dashboard does)."""
    coded = (cache or AnswerCache()).read(db)
    # The small tables a report also reads whole (the cache checks answers, sessions and
    # case versions): a damaged one is refused, not read in part.
    check_whole(db, ("profiles", "pack_versions", "disputes"))
    table = coded.table(pack_infos(db, packs), profile_names(db), id_lookup(db))
    return table.filtered(filters)


def filter_choices(
    db: sqlite_utils.Database, *, cache: AnswerCache | None = None
) -> dict[str, list]:
    """What the filter boxes offer: teams, sites, packs, lessons, reviewers, date range."""
    coded = (cache or AnswerCache()).read(db)
    present = {}
    for name, lookup in (
        ("team", "teams"),
        ("site", "sites"),
        ("pack", "packs"),
        ("lesson", "lessons"),
    ):
        values = coded.lookups[lookup]
        used = np.bincount(coded.columns[name], minlength=len(values)) > 0 if len(coded) else []
        present[lookup] = sorted(v for v, u in zip(values, used, strict=True) if u)
    first = last = None
    if len(coded):
        stamps = coded.columns["answered_at"].view("datetime64[ms]")
        first, last = (
            str(np.datetime_as_string(t, unit="ms")) + "Z" for t in (stamps.min(), stamps.max())
        )
    return {
        "teams": present["teams"],
        "sites": present["sites"],
        "packs": present["packs"],
        "lessons": sorted(tuple(name.split("/", 1)) for name in present["lessons"]),
        "reviewers": [
            tuple(r)
            for r in db.execute("SELECT id, name FROM profiles ORDER BY name COLLATE NOCASE")
        ],
        "first": first,
        "last": last,
    }


def roster(db: sqlite_utils.Database) -> list[dict]:
    """Every profile with its current team and site (completion lists who has not calibrated)."""
    return list(db.query("SELECT id, name, team, site FROM profiles ORDER BY name COLLATE NOCASE"))


def dispute_rows(db: sqlite_utils.Database, filters: Filters = EVERYTHING) -> list[dict]:
    """Disputed golden answers with their notes and their newest resolution, newest first
    (no moderator names)."""
    where, params = _where(filters)
    return list(
        db.query(
            "SELECT d.id, d.pack_id, d.case_id, d.note, d.created_at, a.decision AS chosen, "
            "r.outcome AS resolution, r.reply, r.resolved_at, r.new_case_hash "
            "FROM disputes d JOIN answers a ON a.id = d.answer_id "
            "LEFT JOIN ("
            + NEWEST_RESOLUTION
            + ") r ON r.dispute_id = d.id"
            + where
            + " ORDER BY d.created_at DESC",
            params,
        )
    )


def goldens(db: sqlite_utils.Database, packs: Iterable[Pack] = ()) -> Goldens:
    """Every case version's golden, and each case's current golden: the loaded pack's case
    where the pack is loaded and holds the case, else the newest version the database knows
    (by first_seen_at). docs/dashboard-metrics.md, "Golden versions"."""
    versions: dict[str, CaseVersion] = {}
    current: dict[str, Golden] = {}
    for case_hash, pack_id, case_id, decision, clauses, first_seen in db.execute(
        "SELECT case_hash, pack_id, case_id, golden_decision, golden_clauses, first_seen_at "
        "FROM case_versions ORDER BY first_seen_at, case_hash"
    ):
        try:
            listed = json.loads(clauses) if clauses else []
        except ValueError:
            listed = []
        golden = (str(decision), tuple(str(c) for c in listed if isinstance(c, str)))
        key = f"{pack_id}/{case_id}"
        versions[case_hash] = CaseVersion(key, golden, str(first_seen))
        current[key] = golden  # newest last
    for pack in packs:
        for case in pack.cases.values():
            current[f"{pack.id}/{case.id}"] = (case.golden.decision, tuple(case.golden.clauses))
    return Goldens(versions, current)
