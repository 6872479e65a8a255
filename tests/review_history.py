"""Answers at chosen moments for spaced-review tests: the store's clock set per answer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from calibrate.core.models import AnswerDraft, Pack, Profile
from calibrate.store import answers as answer_store
from calibrate.workspace import Workspace
from tests.pack_factory import write_pack

T0 = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)  # a Monday morning


def stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def open_workspace(tmp_path: Path, packs: dict[str, tuple[str, ...]]) -> Workspace:
    """A new database and packs (id → case ids, golden "remove"), loaded."""
    lessons = tmp_path / "lessons"
    lessons.mkdir(exist_ok=True)
    for pack_id, case_ids in packs.items():
        write_pack(lessons, pack_id, case_ids)
    ws = Workspace.open(tmp_path / "review.sqlite3", [lessons])
    ws.lessons.load()
    return ws


def answer_at(
    monkeypatch: pytest.MonkeyPatch,
    ws: Workspace,
    profile: Profile,
    pack: Pack,
    case_id: str,
    decision: str | None,
    confidence: float | None,
    at: datetime,
    kind: str = "first_attempt",
) -> None:
    """One answer recorded through ws.sessions as if submitted at `at` (None: a skip)."""
    monkeypatch.setattr(answer_store, "utc_now", lambda: stamp(at))
    lesson = pack.lessons[0]
    opened = ws.sessions.open(profile, pack, lesson.id, lesson.case_ids, force_new=True)
    draft = (
        AnswerDraft(None, skipped=True)
        if decision is None
        else AnswerDraft(decision, "GR-1", confidence)
    )
    ws.sessions.record_answer(
        session_id=opened.id,
        session_kind=kind,
        profile=profile,
        pack=pack,
        lesson_id=lesson.id,
        case=pack.cases[case_id],
        draft=draft,
        shown_at=stamp(at - timedelta(seconds=20)),
        time_to_answer_ms=20000,
        watched_ms=10000,
    )
