"""A small history whose golden changed between answers, with every figure counted by hand.

Pack "alpha" (tests/pack_factory.py): cases c1 and c2, golden "remove" under GR-1. Four
moderators answer both; then the trainer changes c1's golden to "age_restricted" under GR-2
and three more moderators answer c1 against the new golden.

c1, golden version 1 (remove):         remove, remove, age_restricted, allow
   right as seen 2 of 4; against the current golden (age_restricted) 1 of 4
c1, golden version 2 (age_restricted): age_restricted, age_restricted, remove
   right as seen 2 of 3; against the current golden 2 of 3
c2 (remove, never changed):            remove, remove, remove, allow -> 3 of 4 either way

All answers: as seen 2 + 2 + 3 = 7 of 11; against the current golden 1 + 2 + 3 = 6 of 11.
"""

from __future__ import annotations

from pathlib import Path

from calibrate.core.models import AnswerDraft, Pack
from calibrate.store import answers as answer_store
from calibrate.store import catalog, disputes, sessions
from calibrate.workspace import Workspace
from tests.pack_factory import write_pack

FIRST = {
    "Ana": {"c1": "remove", "c2": "remove"},
    "Ben": {"c1": "remove", "c2": "remove"},
    "Cruz": {"c1": "age_restricted", "c2": "remove"},
    "Dee": {"c1": "allow", "c2": "allow"},
}
AFTER_CHANGE = {"Eve": "age_restricted", "Fay": "age_restricted", "Gus": "remove"}
SEEN = (7, 11)
CURRENT = (6, 11)
# (version, decision, answers, right as seen, right against the current golden)
C1_VERSIONS = [(1, "remove", 4, 2, 1), (2, "age_restricted", 3, 2, 2)]


def change_golden(lessons: Path, case_id: str, decision: str, clause: str) -> None:
    """What the case editor does to the file: a new golden decision and clause."""
    path = lessons / "alpha" / "cases" / f"{case_id}.toml"
    text = path.read_text()
    text = text.replace('decision = "remove"', f'decision = "{decision}"')
    text = text.replace('clauses = ["GR-1"]', f'clauses = ["{clause}"]')
    path.write_text(text)


def _answer(ws: Workspace, pack: Pack, name: str, choices: dict[str, str]) -> str:
    db = ws.db
    catalog.record_pack_version(db, pack)
    profile = catalog.create_profile(db, name, "Graphic EU", "Lisbon")
    lesson = pack.lessons[0]
    session_id = sessions.start_session(db, profile, pack, lesson.id, "first_attempt")
    answer_id = ""
    for case_id, decision in choices.items():
        answer = answer_store.record_answer(
            db,
            session_id=session_id,
            session_kind="first_attempt",
            profile=profile,
            pack=pack,
            lesson_id=lesson.id,
            case=pack.cases[case_id],
            draft=AnswerDraft(decision, "GR-1", 0.8),
            shown_at="2026-11-20T09:00:00.000Z",
            time_to_answer_ms=5000,
            watched_ms=4000,
        )
        if name == "Dee" and case_id == "c1":
            disputes.record_dispute(db, answer, "The clip shows no real injury.")
        answer_id = answer.id
    sessions.finish_session(db, session_id)
    return answer_id


def write_golden_history(root: Path) -> tuple[Path, Path]:
    """The history above in root/golden.sqlite3, the pack in root/lessons (c1 changed);
    returns (database, lessons folder). Dee disputes c1's first golden."""
    lessons = root / "lessons"
    lessons.mkdir(parents=True)
    write_pack(lessons, "alpha", ("c1", "c2"))
    db_path = root / "golden.sqlite3"
    ws = Workspace.open(db_path, [lessons])
    try:
        first = ws.lessons.load().packs
        pack = next(p for p in first if p.id == "alpha")
        for name, choices in FIRST.items():
            _answer(ws, pack, name, choices)
        change_golden(lessons, "c1", "age_restricted", "GR-2")
        pack = next(p for p in ws.lessons.load().packs if p.id == "alpha")
        assert pack.cases["c1"].golden.decision == "age_restricted"
        for name, decision in AFTER_CHANGE.items():
            _answer(ws, pack, name, {"c1": decision})
    finally:
        ws.close()
    return db_path, lessons
