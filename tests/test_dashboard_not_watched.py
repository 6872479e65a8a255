"""The lead sees who answers without watching, and can leave those answers out."""

from __future__ import annotations

from PySide6.QtCore import Qt

from calibrate.core.models import AnswerDraft
from calibrate.store import answers as answer_store
from calibrate.store import catalog, sessions
from tests.test_lead_dashboard import open_dashboard, table_rows

# Per reviewer, per answer of the graphic pack's first lesson: (share of the clip shown,
# clip unavailable). None, None: unknown (as for imported history). Every answer is right.
WATCHING = {
    "Ana": [(1.0, False)] * 5,
    "Ben": [(0.1, False), (1.0, False), (1.0, False), (None, None), (0.95, False)],
    "Cruz": [(0.0, True), (0.0, True), (0.2, False), (0.3, False), (0.49, False)],
}


def seed(window) -> None:
    db = window.context.db
    pack = window.context.pack("graphic-content")
    lesson = pack.lessons[0]
    catalog.record_pack_version(db, pack)
    for name, watching in WATCHING.items():
        profile = catalog.create_profile(db, name, "Graphic EU", "Lisbon")
        session_id = sessions.start_session(db, profile, pack, lesson.id, "first_attempt")
        for case_id, (share, unavailable) in zip(lesson.case_ids, watching, strict=True):
            case = pack.cases[case_id]
            answer_store.record_answer(
                db,
                session_id=session_id,
                session_kind="first_attempt",
                profile=profile,
                pack=pack,
                lesson_id=lesson.id,
                case=case,
                draft=AnswerDraft(case.golden.decision, case.golden.clauses[0], 0.8),
                shown_at="2026-11-20T09:00:00.000Z",
                time_to_answer_ms=5000,
                watched_ms=4000,
                watched_share=share,
                clip_unavailable=unavailable,
            )


def test_not_watched_share_per_reviewer_and_leaving_such_answers_out(qtbot, app_window) -> None:
    seed(app_window)
    dashboard = open_dashboard(qtbot, app_window)
    panel = dashboard.tables["reviewers"]
    rows = {row["Reviewer"]: row for row in table_rows(panel)}
    # Ben: 1 of the 4 answers known; Cruz: 3 of 5 (an unplayable clip is not "not watched").
    assert {name: row["Not watched"] for name, row in rows.items()} == {
        "Ana": "0%",
        "Ben": "25%",
        "Cruz": "60%",
    }
    model = panel.table.model()
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    tooltip = model.headerData(
        titles.index("Not watched"), Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole
    )
    assert "not counted in the denominator" in tooltip
    assert "on 15 scored answers" in dashboard.headline.text()

    box = dashboard.filters.unwatched
    assert not box.isChecked()  # off by default: every answer counts
    first = dashboard.result
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: dashboard.result is not first, timeout=20000)
    assert dashboard.result.filters.leave_out_unwatched
    assert "on 11 scored answers" in dashboard.headline.text()
    rows = {row["Reviewer"]: row for row in table_rows(panel)}
    assert (rows["Ben"]["N"], rows["Cruz"]["N"], rows["Ana"]["N"]) == ("4", "2", "5")
    assert rows["Cruz"]["Not watched"] == "0%"  # what is left was watched (or unplayable)
    assert "without watching left out" in dashboard.filters.describe()
