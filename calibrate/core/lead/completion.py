"""Who calibrated: every roster profile × lesson, taken / best score / passed; disputes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

from calibrate.core.lead.scored_answers import Scored
from calibrate.core.lead.sections.completion import (
    CompletionRow,
    CompletionSection,
    DisputeRow,
    DisputeSection,
    LessonCompletion,
)
from calibrate.core.lead.sections.items import ItemSection
from calibrate.core.metrics.answer_table import AnswerTable


def _complete_sessions(
    table: AnswerTable, s: Scored, in_period: NDArray[Any]
) -> tuple[NDArray[Any], NDArray[Any]]:
    """Per (profile code, lesson code): sessions that answered every case of their lesson,
    and the best score among them (-1 where none scored).

    A skipped case counts as answered (skipping warned content is allowed); the score is the
    share right among answered cases, as the moderator's summary shows it."""
    case_index = {name: i for i, name in enumerate(table.cases)}
    n_cases, n_lessons = max(len(table.cases), 1), max(len(table.lessons), 1)
    lesson_size = np.zeros(n_lessons, dtype=np.int64)
    member_keys: list[int] = []
    for li, name in enumerate(table.lessons):
        pack, lesson = name.split("/", 1)
        info = table.pack_info.get(pack)
        case_ids = info.lessons.get(lesson, ()) if info else ()
        lesson_size[li] = len(case_ids)
        member_keys += [
            li * n_cases + case_index[f"{pack}/{c}"]
            for c in case_ids
            if f"{pack}/{c}" in case_index
        ]
    member = np.zeros(n_lessons * n_cases, dtype=bool)  # a lookup, not np.isin's sort
    member[np.asarray(member_keys, dtype=np.int64)] = True
    rows = in_period & member[table.lesson.astype(np.int64) * n_cases + table.case]
    size = max(len(table.session_keys), 1)
    session = table.session[rows]
    answered = np.bincount(session, minlength=size)  # one answer per session × case
    scored = np.bincount(session, weights=s.scored[rows], minlength=size)
    right = np.bincount(session, weights=s.correct[rows], minlength=size)
    lesson_of = np.zeros(size, dtype=np.int64)
    profile_of = np.zeros(size, dtype=np.int64)
    lesson_of[session] = table.lesson[rows]
    profile_of[session] = table.profile[rows]
    complete = np.flatnonzero(
        (answered > 0) & (lesson_size[lesson_of] > 0) & (answered >= lesson_size[lesson_of])
    )
    shape = (max(len(table.profile_ids), 1), n_lessons)
    key = profile_of[complete] * n_lessons + lesson_of[complete]
    count = np.bincount(key, minlength=shape[0] * shape[1]).reshape(shape)
    score = np.where(scored[complete] > 0, right[complete] / np.maximum(scored[complete], 1), -1.0)
    best = np.full(shape[0] * shape[1], -1.0)
    np.maximum.at(best, key, score)
    return count, best.reshape(shape)


def completion(
    table: AnswerTable,
    s: Scored,
    roster: Sequence[Mapping[str, str]],
    packs: Iterable[str] | None,
    period: tuple[date, date] | None,
) -> CompletionSection:
    """Every roster profile × every lesson of the packs in view, taken or not."""
    in_period = np.ones(len(table), dtype=bool)
    if period is not None and len(table):
        day = table.answered_at.astype("datetime64[D]")
        in_period = (day >= np.datetime64(period[0])) & (day <= np.datetime64(period[1]))
    count, best = _complete_sessions(table, s, in_period)
    profile_code = {pid: i for i, pid in enumerate(table.profile_ids)}
    lesson_code = {name: i for i, name in enumerate(table.lessons)}
    pack_ids = sorted(table.pack_info) if packs is None else list(packs)
    entries: list[CompletionRow] = []
    for pack_id in pack_ids:
        info = table.pack_info.get(pack_id)
        if info is None:
            continue
        for lesson_id in info.lessons:
            li = lesson_code.get(f"{pack_id}/{lesson_id}", -1)
            title = info.lesson_titles.get(lesson_id, lesson_id)
            for person in roster:
                p = profile_code.get(person["id"], -1)
                sessions = int(count[p, li]) if p >= 0 and li >= 0 else 0
                score = float(best[p, li]) if sessions else -1.0
                top = score if score >= 0 else None
                entries.append(
                    CompletionRow(
                        team=person.get("team") or "",
                        site=person.get("site") or "",
                        profile_id=person["id"],
                        name=person.get("name") or person["id"],
                        pack=pack_id,
                        lesson=lesson_id,
                        lesson_title=title,
                        taken=sessions > 0,
                        sessions=sessions,
                        best_score=top,
                        passed=None if top is None else top >= info.pass_mark_of(lesson_id),
                    )
                )
    entries.sort(key=lambda r: (r.team, r.pack, r.lesson, r.name.casefold()))
    summary: dict[tuple[str, str, str], list[int]] = {}
    titles: dict[tuple[str, str], str] = {}
    for r in entries:
        tally = summary.setdefault((r.team, r.pack, r.lesson), [0, 0, 0])
        tally[0] += 1
        tally[1] += r.taken
        tally[2] += bool(r.passed)
        titles[(r.pack, r.lesson)] = r.lesson_title
    return CompletionSection(
        tuple(entries),
        tuple(
            LessonCompletion(team, pack, lesson, titles[(pack, lesson)], *tally)
            for (team, pack, lesson), tally in summary.items()
        ),
    )


def disputes(rows: Iterable[Mapping[str, object]], item_section: ItemSection) -> DisputeSection:
    """Disputed golden answers beside the split flag of their case, newest first."""
    split = {(i.pack, i.case): i.split for i in item_section.items}
    out = [
        DisputeRow(
            pack=str(r["pack_id"]),
            case=str(r["case_id"]),
            note=str(r["note"] or ""),
            created_at=str(r["created_at"]),
            chosen=None if r.get("chosen") is None else str(r["chosen"]),
            split=split.get((str(r["pack_id"]), str(r["case_id"]))),
            id=str(r.get("id") or ""),
            resolution=_text_or_none(r.get("resolution")),
            reply=_text_or_none(r.get("reply")),
            resolved_at=_text_or_none(r.get("resolved_at")),
            new_case_hash=_text_or_none(r.get("new_case_hash")),
        )
        for r in rows
    ]
    out.sort(key=lambda d: d.created_at, reverse=True)
    return DisputeSection(tuple(out))


def _text_or_none(value: object) -> str | None:
    return None if value is None else str(value)
