"""Who calibrated: every roster profile × lesson, taken / best score / passed; disputes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

import numpy as np

from calibrate.core.answer_table import AnswerTable
from calibrate.core.lead.coding import Scored
from calibrate.core.lead.sections import (
    CompletionRow,
    CompletionSection,
    DisputeRow,
    DisputeSection,
    ItemSection,
    LessonCompletion,
)


def _complete_sessions(table: AnswerTable, s: Scored, in_period: np.ndarray
                       ) -> dict[tuple[int, str], list[float | None]]:
    """Scores of sessions that answered every case of their lesson, by (profile, lesson).

    A skipped case counts as answered (skipping warned content is allowed); the score is the
    share right among answered cases, as the moderator's summary shows it."""
    case_index = {name: i for i, name in enumerate(table.cases)}
    n_cases = max(len(table.cases), 1)
    lesson_size = np.zeros(len(table.lessons), dtype=np.int64)
    member_keys: list[int] = []
    for li, name in enumerate(table.lessons):
        pack, lesson = name.split("/", 1)
        info = table.pack_info.get(pack)
        case_ids = info.lessons.get(lesson, ()) if info else ()
        lesson_size[li] = len(case_ids)
        member_keys += [li * n_cases + case_index[f"{pack}/{c}"] for c in case_ids
                        if f"{pack}/{c}" in case_index]
    rows = in_period & np.isin(table.lesson.astype(np.int64) * n_cases + table.case,
                               np.asarray(member_keys, dtype=np.int64))
    idx = np.flatnonzero(rows)
    size = max(len(table.session_ids), 1)
    answered = np.bincount(table.session[idx], minlength=size)  # one answer per session × case
    scored = np.bincount(table.session[idx], weights=s.scored[idx], minlength=size)
    right = np.bincount(table.session[idx], weights=s.correct[idx], minlength=size)
    session_lesson = np.full(size, -1, dtype=np.int64)
    session_profile = np.full(size, -1, dtype=np.int64)
    session_lesson[table.session[idx]] = table.lesson[idx]
    session_profile[table.session[idx]] = table.profile[idx]
    out: dict[tuple[int, str], list[float | None]] = {}
    for sess in np.flatnonzero(answered):
        li = session_lesson[sess]
        if lesson_size[li] == 0 or answered[sess] < lesson_size[li]:
            continue
        score = float(right[sess] / scored[sess]) if scored[sess] else None
        out.setdefault((int(session_profile[sess]), table.lessons[li]), []).append(score)
    return out


def completion(table: AnswerTable, s: Scored, roster: Sequence[Mapping[str, str]],
               packs: Iterable[str] | None, period: tuple[date, date] | None
               ) -> CompletionSection:
    """Every roster profile × every lesson of the packs in view, taken or not."""
    in_period = np.ones(len(table), dtype=bool)
    if period is not None and len(table):
        day = table.answered_at.astype("datetime64[D]")
        in_period = (day >= np.datetime64(period[0])) & (day <= np.datetime64(period[1]))
    sessions = _complete_sessions(table, s, in_period)
    profile_code = {pid: i for i, pid in enumerate(table.profile_ids)}
    pack_ids = sorted(table.pack_info) if packs is None else list(packs)
    entries: list[CompletionRow] = []
    for pack_id in pack_ids:
        info = table.pack_info.get(pack_id)
        if info is None:
            continue
        for lesson_id in info.lessons:
            for person in roster:
                code = profile_code.get(person["id"], -1)
                scores = sessions.get((code, f"{pack_id}/{lesson_id}"), [])
                known = [x for x in scores if x is not None]
                best = max(known) if known else None
                entries.append(CompletionRow(
                    team=person.get("team") or "", site=person.get("site") or "",
                    profile_id=person["id"], name=person.get("name") or person["id"],
                    pack=pack_id, lesson=lesson_id,
                    lesson_title=info.lesson_titles.get(lesson_id, lesson_id),
                    taken=bool(scores), sessions=len(scores), best_score=best,
                    passed=None if best is None else best >= info.pass_mark))
    entries.sort(key=lambda r: (r.team, r.pack, r.lesson, r.name.casefold()))
    summary: dict[tuple[str, str, str], list[int]] = {}
    titles: dict[tuple[str, str], str] = {}
    for r in entries:
        tally = summary.setdefault((r.team, r.pack, r.lesson), [0, 0, 0])
        tally[0] += 1
        tally[1] += r.taken
        tally[2] += bool(r.passed)
        titles[(r.pack, r.lesson)] = r.lesson_title
    return CompletionSection(tuple(entries), tuple(
        LessonCompletion(team, pack, lesson, titles[(pack, lesson)], *tally)
        for (team, pack, lesson), tally in summary.items()))


def disputes(rows: Iterable[Mapping[str, object]], item_section: ItemSection) -> DisputeSection:
    """Disputed golden answers beside the split flag of their case, newest first."""
    split = {(i.pack, i.case): i.split for i in item_section.items}
    out = [DisputeRow(pack=str(r["pack_id"]), case=str(r["case_id"]), note=str(r["note"] or ""),
                      created_at=str(r["created_at"]),
                      chosen=None if r.get("chosen") is None else str(r["chosen"]),
                      split=split.get((str(r["pack_id"]), str(r["case_id"]))))
           for r in rows]
    out.sort(key=lambda d: d.created_at, reverse=True)
    return DisputeSection(tuple(out))
