"""A trainer's workspace for the authoring tests: a real SQLite file, a lessons folder of the
trainer's own (read after the bundled demo packs), packs written by pack_factory, answers
recorded through ws.sessions as the lesson screens record them."""

from __future__ import annotations

from pathlib import Path

from calibrate.core.models import AnswerDraft
from calibrate.workspace import Workspace
from tests.pack_factory import write_pack

REPO_ROOT = Path(__file__).resolve().parents[1]
DEMO_CLIP = REPO_ROOT / "assets" / "harassment" / "hb-cafe-threat.mp4"
OTHER_DEMO_CLIP = REPO_ROOT / "assets" / "graphic-content" / "gr-sfx-makeup-tutorial.webm"


def trainer_workspace(tmp_path: Path, *pack_ids: str) -> tuple[Workspace, Path]:
    """A workspace over tmp_path/calibrate.sqlite3 reading the bundled packs and the
    trainer's tmp_path/lessons, which holds a pack_factory pack per id."""
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    for pack_id in pack_ids:
        write_pack(lessons, pack_id)
    ws = Workspace.open(tmp_path / "calibrate.sqlite3", [lessons])
    ws.lessons.use_folders([lessons], [])
    ws.lessons.load()
    return ws, lessons


def record(ws: Workspace, pack_id: str, case_id: str, decision: str, who: str = "Ana") -> None:
    """One answer to the case as it is loaded now (its golden version recorded with it)."""
    ws.lessons.load()
    pack = ws.pack(pack_id)
    profile = ws.profiles.create(who, "team", "site")
    lesson = pack.every_lesson[0]
    opened = ws.sessions.open(profile, pack, lesson.id, lesson.case_ids)
    ws.sessions.record_answer(
        session_id=opened.id,
        session_kind=opened.kind,
        profile=profile,
        pack=pack,
        lesson_id=lesson.id,
        case=pack.cases[case_id],
        draft=AnswerDraft(decision, pack.clauses[0].id, 0.8),
        shown_at="2026-12-01T10:00:00.000Z",
        time_to_answer_ms=3000,
        watched_ms=3000,
    )


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    """The (old, new) line pairs that differ, for files of the same number of lines."""
    old, new = before.splitlines(), after.splitlines()
    assert len(old) == len(new), "lines were added or removed"
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]
