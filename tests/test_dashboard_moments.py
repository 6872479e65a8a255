""" "Where does it show?" for the lead: moment hit rates per case and per reviewer, with Wilson
intervals, beside accuracy on the dashboard and in the report; figures counted by hand (the
dashboard) or from the rows with plain SQL and statsmodels (the report)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from statsmodels.stats.proportion import proportion_confint

from calibrate.core.models import AnswerDraft
from calibrate.store import answers as answer_store
from calibrate.store import catalog, sessions
from tests.test_lead_dashboard import open_dashboard, table_rows
from tests.test_report import calibrate, pdf_text
from tests.test_report import demo_db as demo_db  # the report tests' demo database (a fixture)

# The graphic pack's first lesson: gr-kitchen-cut asks for a mark (0:04–0:06, 0.5 s each
# side), so does gr-news-crash-aftermath (0:04–0:06, 1 s); its other cases do not.
# Per reviewer: (kitchen mark, crash mark); "skip" skips the (warned) case; every decision is
# the golden one, and every answer to the other cases carries a mark that must not count.
MARKS = {
    "Ana": (4.5, 3.0),  # hit; hit exactly at 4 − 1
    "Ben": (3.5, 7.001),  # hit exactly at 4 − 0.5; missed by 1 ms
    "Cruz": (None, "skip"),  # no mark (asked, counted apart); a skip is not asked
    "Dee": (6.51, 2.99),  # missed; missed
}


def seed(window) -> None:
    db = window.context.db
    pack = window.context.pack("graphic-content")
    lesson = pack.lessons[0]
    catalog.record_pack_version(db, pack)
    for name, (kitchen, crash) in MARKS.items():
        profile = catalog.create_profile(db, name, "Graphic EU", "Lisbon")
        session_id = sessions.start_session(db, profile, pack, lesson.id, "first_attempt")
        for case_id in lesson.case_ids:
            case = pack.cases[case_id]
            mark = {"gr-kitchen-cut": kitchen, "gr-news-crash-aftermath": crash}.get(case_id, 5.0)
            draft = (
                AnswerDraft(None, skipped=True)
                if mark == "skip"
                else AnswerDraft(
                    case.golden.decision, case.golden.clauses[0], 0.8, marked_moment=mark
                )
            )
            answer_store.record_answer(
                db,
                session_id=session_id,
                session_kind="first_attempt",
                profile=profile,
                pack=pack,
                lesson_id=lesson.id,
                case=case,
                draft=draft,
                shown_at="2026-11-20T09:00:00.000Z",
                time_to_answer_ms=5000,
                watched_ms=4000,
            )


def seed_live_answer(window) -> None:
    """Eve answers the kitchen case in a live room, which cannot carry a mark yet: she is
    left out of the moment figures rather than counted as not marking."""
    db = window.context.db
    pack = window.context.pack("graphic-content")
    lesson, case = pack.lessons[0], pack.cases["gr-kitchen-cut"]
    profile = catalog.create_profile(db, "Eve", "Graphic EU", "Lisbon")
    session_id = sessions.start_session(db, profile, pack, lesson.id, "live")
    answer_store.record_answer(
        db,
        session_id=session_id,
        session_kind="live",
        profile=profile,
        pack=pack,
        lesson_id=lesson.id,
        case=case,
        draft=AnswerDraft(case.golden.decision, case.golden.clauses[0], 0.8),
        shown_at="2026-11-20T09:00:00.000Z",
        time_to_answer_ms=5000,
        watched_ms=4000,
    )


def wilson_text(hits: int, n: int) -> str:
    lo, hi = proportion_confint(hits, n, alpha=0.05, method="wilson")
    return f"{lo:.0%}–{hi:.0%}"


def test_moment_hit_rates_per_case_and_reviewer_as_counted_by_hand(qtbot, app_window) -> None:
    seed(app_window)
    seed_live_answer(app_window)
    dashboard = open_dashboard(qtbot, app_window)
    titles = [dashboard.tabs.tabText(i) for i in range(dashboard.tabs.count())]
    dashboard.tabs.setCurrentIndex(titles.index("Moments"))
    qtbot.waitUntil(lambda: dashboard.tables["moments"].table.model().rowCount() == 2)
    cases = {row["Case"]: row for row in table_rows(dashboard.tables["moments"])}
    assert set(cases) == {"gr-kitchen-cut", "gr-news-crash-aftermath"}
    kitchen, crash = cases["gr-kitchen-cut"], cases["gr-news-crash-aftermath"]
    # kitchen: Ana and Ben on it, Dee not, Cruz no mark; crash: Ana on it, Ben and Dee not.
    assert (kitchen["Answers"], kitchen["Marked"], kitchen["Hits"]) == ("4", "3", "2")
    assert (kitchen["Not marked"], kitchen["On the moment"]) == ("1", "67%")
    assert kitchen["95 % interval"] == wilson_text(2, 3) == "21%–94%"
    assert (crash["Answers"], crash["Marked"], crash["Hits"], crash["On the moment"]) == (
        "3",
        "3",
        "1",
        "33%",
    )
    assert crash["95 % interval"] == wilson_text(1, 3)
    people = {row["Reviewer"]: row for row in table_rows(dashboard.tables["moments_by_reviewer"])}
    assert {name: row["On the moment"] for name, row in people.items()} == {
        "Ana": "100%",
        "Ben": "50%",
        "Cruz": "—",  # asked once, marked nothing: no rate
        "Dee": "0%",
    }  # no Eve: her live answer could not carry a mark
    assert people["Dee"]["95 % interval"] == wilson_text(0, 2)
    assert people["Cruz"]["Not marked"] == "1"
    # Beside accuracy, never in it: every decision was golden.
    board = dashboard.result.dashboard
    assert board.headline.accuracy == 1.0
    total = board.moments.overall
    assert (total.asked, total.marked, total.hits) == (7, 6, 3)
    header, rows = board.table("moments")
    assert header[:4] == ("pack", "case", "asked", "marked")


def _marks_from_rows(db: Path) -> tuple[int, int, int]:
    """(answers asked for a mark, marks, marks on a moment) read with plain SQL: the case
    version's moments and tolerance, the rule written out here."""
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT a.marked_moment, cv.golden_moments, cv.moment_tolerance FROM answers a "
        "JOIN case_versions cv ON cv.case_hash = a.case_hash "
        "WHERE a.skipped = 0 AND cv.moment_tolerance IS NOT NULL AND a.session_kind != 'live'"
    ).fetchall()
    conn.close()
    marked = [(m, json.loads(spans), tol) for m, spans, tol in rows if m is not None]
    hits = sum(
        any(round((s - tol) * 1000) <= round(m * 1000) <= round((e + tol) * 1000) for s, e in spans)
        for m, spans, tol in marked
    )
    return len(rows), len(marked), hits


def test_the_report_gives_the_marks_of_the_demo_as_the_rows_hold_them(
    demo_db: Path,  # noqa: F811 - the fixture imported above
    tmp_path: Path,
) -> None:
    asked, marked, hits = _marks_from_rows(demo_db)
    assert asked > marked > hits > 0  # the demo history marks, misses and leaves some out
    out = tmp_path / "report.pdf"
    result = calibrate("report", "--db", str(demo_db), "--out", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = " ".join(pdf_text(out).split())
    lo, hi = proportion_confint(hits, marked, alpha=0.05, method="wilson")
    share = f"({hits / marked:.0%}, {lo:.0%}–{hi:.0%})"
    assert (
        f"{hits:,} of {marked:,} marks on a golden moment {share}; "
        f"{asked - marked:,} of {asked:,} answers left no mark." in text
    )
    assert "Marked moments on a golden moment" in text
