"""A seeded Calibrate database of N answers (default 1,000,000) on the bundled demo packs.

The real schema (opened with calibrate.store.db.open_database), the real pack and case
versions, then profiles, sessions, answers and a few disputes written with sqlite-utils
insert_all in batches. A year of weekly calibration for 2,000 moderators in 20 teams at 6
sites; one site over-enforces, a few cases are ambiguous, some escalations are missed.

Run: .venv/bin/python benchmarks/generate_answers_db.py OUT.sqlite3 [--answers N] [--seed S]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from calibrate import paths  # noqa: E402
from calibrate.core.lessons.loader import load_library  # noqa: E402
from calibrate.store import catalog  # noqa: E402
from calibrate.store.db import open_database  # noqa: E402

BATCH = 20_000
KINDS = ("first_attempt", "retake", "review", "live")
SITES = ("Lisbon", "Manila", "Dublin", "Austin", "Nairobi", "Kraków")


def _id(kind: int, i: int) -> str:
    """A UUID-shaped id that sorts in insertion order (like UUIDv7): the primary-key and
    (session, case) indexes then grow at their end instead of splitting random pages."""
    return f"{i:08x}-{kind:04x}-4000-8000-000000000000"


def _stamps(ms: np.ndarray) -> np.ndarray:
    return np.char.add(np.datetime_as_string(ms.astype("datetime64[ms]"), unit="ms"), "Z")


def generate(
    out: Path,
    n_answers: int = 1_000_000,
    seed: int = 7,
    moderators: int = 2000,
    teams: int = 20,
    weeks: int = 52,
) -> dict[str, int]:
    """Write the database; returns row counts."""
    rng = np.random.default_rng(seed)
    lessons_dir = paths.bundled_lessons_dir()
    packs = load_library([lessons_dir]).packs
    db = open_database(out)
    db.execute("PRAGMA synchronous=OFF")  # generated data: no need to survive a power cut
    for pack in packs:
        catalog.record_pack_version(db, pack)
    lessons = [(pack, lesson) for pack in packs for lesson in pack.lessons]
    lesson_size = np.array([len(lesson.case_ids) for _, lesson in lessons])

    # Moderators: a team (hence a site), a skill; site 1 (Manila) leans over.
    team_of = rng.integers(0, teams, size=moderators)
    site_of_team = np.arange(teams) % len(SITES)
    profile_ids = [_id(1, m) for m in range(moderators)]
    skill = np.clip(rng.normal(0.82, 0.07, size=moderators), 0.5, 0.98)
    start = np.datetime64("2025-06-02T00:00:00", "ms").astype(np.int64)  # a Monday
    db["profiles"].insert_all(
        (
            {
                "id": profile_ids[m],
                "name": f"Moderator {m:04d}",
                "team": f"Team {team_of[m]:02d}",
                "site": SITES[site_of_team[team_of[m]]],
                "role": "moderator",
                "created_at": "2025-06-01T00:00:00.000Z",
            }
            for m in range(moderators)
        ),
        batch_size=BATCH,
    )

    # Sessions: enough to reach n_answers; kinds from the order each person took a lesson.
    n_sessions = int(n_answers / lesson_size.mean() * 1.08) + 1
    who = rng.integers(0, moderators, size=n_sessions)
    which = rng.integers(0, len(lessons), size=n_sessions)
    when = start + rng.integers(0, weeks * 7 * 86_400_000, size=n_sessions)
    order = np.lexsort((when, which, who))
    who, which, when = who[order], which[order], when[order]
    first = np.ones(n_sessions, dtype=bool)
    first[1:] = (who[1:] != who[:-1]) | (which[1:] != which[:-1])
    kind = np.where(first, 0, 1)
    kind[rng.random(n_sessions) < 0.08] = 3
    kind[~first & (rng.random(n_sessions) < 0.2)] = 2
    session_ids = [_id(2, s) for s in range(n_sessions)]
    started = _stamps(when)
    team_names = [f"Team {t:02d}" for t in range(teams)]
    site_names = [SITES[site_of_team[t]] for t in range(teams)]
    db.execute("PRAGMA foreign_keys=OFF")  # right by construction (see the answers below)
    db["sessions"].insert_all(
        iter(
            [
                (
                    "id",
                    "profile_id",
                    "pack_id",
                    "lesson_id",
                    "pack_hash",
                    "kind",
                    "team",
                    "site",
                    "started_at",
                    "finished_at",
                ),
                *(
                    (
                        session_ids[s],
                        profile_ids[who[s]],
                        lessons[which[s]][0].id,
                        lessons[which[s]][1].id,
                        lessons[which[s]][0].content_hash,
                        KINDS[kind[s]],
                        team_names[team_of[who[s]]],
                        site_names[team_of[who[s]]],
                        started[s],
                        None,
                    )
                    for s in range(n_sessions)
                ),
            ]
        ),
        batch_size=BATCH,
    )

    # Answers: every case of the session's lesson (5 % stop early), in order, ~40 s apart.
    per = lesson_size[which].copy()
    quit_early = rng.random(n_sessions) < 0.05
    per[quit_early] = rng.integers(1, per[quit_early])
    sess = np.repeat(np.arange(n_sessions), per)[:n_answers]
    pos = np.arange(sess.size) - np.repeat(np.cumsum(per) - per, per)[:n_answers]
    n = sess.size
    case_list = [
        [lessons[li][0].cases[c] for c in lessons[li][1].case_ids] for li in range(len(lessons))
    ]
    flat_cases = [c for cases in case_list for c in cases]
    case_offset = np.concatenate(([0], np.cumsum(lesson_size)[:-1]))
    case_ix = case_offset[which[sess]] + pos
    pack_of_case = np.array(
        [next(i for i, p in enumerate(packs) if p.id == c.pack_id) for c in flat_cases]
    )
    ladders = [list(p.scale.ladder) for p in packs]
    golden_rung = np.array(
        [
            ladders[pack_of_case[i]].index(c.golden.decision)
            if c.golden.decision in ladders[pack_of_case[i]]
            else -1
            for i, c in enumerate(flat_cases)
        ]
    )
    ambiguous = np.array(
        [
            c.id
            in (
                "gr-protest-injury-documentation",
                "hb-course-seller-callout",
                "rg-festival-pill-testing",
            )
            for c in flat_cases
        ]
    )
    mod = who[sess]
    # Escalations are drilled hard: about 1 in 40 is missed, the rest follow skill.
    p_right = np.where(
        ambiguous[case_ix], 0.5, np.where(golden_rung[case_ix] < 0, 0.975, skill[mod])
    )
    right = rng.random(n) < p_right
    lean_over = np.where(site_of_team[team_of[mod]] == 1, 0.75, 0.55)
    step = np.where(rng.random(n) < lean_over, 1, -1) * rng.choice([1, 1, 1, 2], size=n)
    g = golden_rung[case_ix]
    chosen_rung = np.where(
        g >= 0, np.clip(g + np.where(right, 0, step), 0, 4), np.where(right, -1, 4)
    )  # a missed escalation becomes "remove"
    chosen_rung = np.where(
        (g >= 0) & ~right & (chosen_rung == g), g + 1 - 2 * (g == 4), chosen_rung
    )
    unneeded = (g >= 0) & ~right & (rng.random(n) < 0.02)
    skipped = rng.random(n) < 0.02
    confidence = np.clip(np.round(skill[mod] + rng.normal(0, 0.15, n), 1), 0.2, 0.95)
    at = when[sess] + (pos + 1) * 40_000 + rng.integers(0, 20_000, size=n)
    # Text columns stay codes into small lookups until a chunk is written: a million
    # per-row strings of hashes and stamps would cost over a gigabyte.
    case_id = [c.id for c in flat_cases]
    case_hash = [c.content_hash for c in flat_cases]
    pack_id = [packs[pack_of_case[i]].id for i in range(len(flat_cases))]
    pack_hash = [packs[pack_of_case[i]].content_hash for i in range(len(flat_cases))]
    lesson_id = [lesson.id for _, lesson in lessons]
    ladders = [[*ladder, "escalate"] for ladder in ladders]  # code 5: off the ladder
    decision_code = np.where(unneeded | (chosen_rung < 0), 5, chosen_rung)

    columns = (
        "id",
        "session_id",
        "profile_id",
        "pack_id",
        "lesson_id",
        "case_id",
        "case_hash",
        "pack_hash",
        "team",
        "site",
        "session_kind",
        "decision",
        "clause",
        "confidence",
        "note",
        "skipped",
        "shown_at",
        "answered_at",
        "time_to_answer_ms",
        "watched_ms",
    )

    def answer_rows():
        yield columns  # sqlite-utils' list mode: names first, then tuples (cheaper than dicts)
        for lo in range(0, n, BATCH):
            hi = min(n, lo + BATCH)
            shown, answered = _stamps(at[lo:hi] - 30_000), _stamps(at[lo:hi])
            for i in range(lo, hi):
                c, m, skip = case_ix[i], mod[i], bool(skipped[i])
                yield (
                    _id(3, i),
                    session_ids[sess[i]],
                    profile_ids[m],
                    pack_id[c],
                    lesson_id[which[sess[i]]],
                    case_id[c],
                    case_hash[c],
                    pack_hash[c],
                    team_names[team_of[m]],
                    site_names[team_of[m]],
                    KINDS[kind[sess[i]]],
                    None if skip else ladders[pack_of_case[c]][decision_code[i]],
                    None,
                    None if skip else float(confidence[i]),
                    "",
                    int(skip),
                    shown[i - lo],
                    answered[i - lo],
                    30_000,
                    20_000,
                )

    # Foreign keys are right by construction; checking a million of them adds nothing. The
    # answers' secondary indexes are dropped and rebuilt exactly as they were: one sort
    # each instead of a million scattered B-tree updates.
    indexes = [
        sql
        for (sql,) in db.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'answers' "
            "AND sql IS NOT NULL"
        )
    ]
    with db.atomic():
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND "
            "tbl_name = 'answers' AND sql IS NOT NULL"
        ).fetchall():
            db.execute(f"DROP INDEX [{name}]")
        db["answers"].insert_all(answer_rows(), batch_size=BATCH)
        for sql in indexes:
            db.execute(sql)
    db.execute("PRAGMA foreign_keys=ON")
    disputed = rng.choice(np.flatnonzero(ambiguous[case_ix] & ~skipped), size=300, replace=False)
    db["disputes"].insert_all(
        (
            {
                "id": _id(4, i),
                "answer_id": _id(3, a),
                "profile_id": profile_ids[mod[a]],
                "pack_id": pack_id[case_ix[a]],
                "case_id": case_id[case_ix[a]],
                "case_hash": case_hash[case_ix[a]],
                "note": "The guidance does not say which way this goes.",
                "created_at": str(_stamps(at[a : a + 1])[0]),
            }
            for i, a in enumerate(disputed)
        ),
        batch_size=BATCH,
    )
    counts = {t: db[t].count for t in ("profiles", "sessions", "answers", "disputes")}
    db.conn.close()
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.out.exists():
        sys.exit(f"{args.out} exists; choose a new file")
    started = time.perf_counter()
    counts = generate(args.out, args.answers, args.seed)
    print(f"{args.out}: {counts} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
