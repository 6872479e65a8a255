"""The Production section's numbers on a small known dataset: rates and Wilson intervals
checked with statsmodels, totals and reports per 1,000 decisions counted by hand, the
calibration answers of the same pack and week counted with plain SQL, the week a lesson was
first taken; the same table in the dashboard's CSV export and a page in the PDF report."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from statsmodels.stats.proportion import proportion_confint

from calibrate import paths
from calibrate.cli import main
from calibrate.core.metrics.answer_table import Filters
from calibrate.core.models import AnswerDraft
from calibrate.core.signals.production import Rate, overturns_around_lessons
from calibrate.store import answers as answer_store
from calibrate.store import catalog, sessions
from calibrate.store.db import open_database
from calibrate.workspace import Workspace

THIS_WEEK = datetime.now(UTC).date() - timedelta(days=datetime.now(UTC).weekday())
W0, W1, W2, W3 = (THIS_WEEK - timedelta(weeks=k) for k in (3, 2, 1, 0))


def signals_file(tmp_path: Path) -> Path:
    rows = [
        # W0: harassment's pack totals, and a breakdown the totals win over
        (W0, "harassment", "decisions", 1000, ""),
        (W0, "harassment", "appeals", 40, ""),
        (W0, "harassment", "appeals_overturned", 10, ""),
        (W0, "harassment", "appeals", 25, "HB-1"),
        (W0, "harassment", "appeals_overturned", 9, "HB-1"),
        (W0, "harassment", "user_reports", 6, ""),
        (W0, "harassment", "survey_responses", 50, ""),
        (W0, "harassment", "survey_negative", 7, ""),
        (W0, "harassment", "qa_sampled", 200, ""),
        (W0, "harassment", "qa_correct", 180, ""),
        # W1: nothing. W2: a breakdown only, summed
        (W2, "harassment", "appeals", 12, "HB-1"),
        (W2, "harassment", "appeals", 8, "HB-2"),
        (W2, "harassment", "appeals_overturned", 3, "HB-1"),
        (W2, "harassment", "appeals_overturned", 2, "HB-2"),
        (W2, "harassment", "decisions", 0, ""),
        (W2, "harassment", "user_reports", 4, ""),
        # W3 (this week): the week of the answers below
        (W3, "harassment", "appeals", 30, ""),
        (W3, "harassment", "appeals_overturned", 3, ""),
        (W3, "graphic-content", "appeals", 5, ""),
        (W3, "graphic-content", "appeals_overturned", 0, ""),
        (W3, "graphic-content", "escalations", 2, ""),  # kept, not charted
    ]
    path = tmp_path / "signals.csv"
    path.write_text(
        "week,pack_id,metric,value,clause\n"
        + "".join(f"{w.isoformat()},{p},{m},{v},{c}\n" for w, p, m, v, c in rows)
    )
    return path


def answer_lesson(db_path: Path, name: str, right: int) -> None:
    """`name` takes harassment's first lesson, right on its first `right` cases."""
    db = open_database(db_path)
    ws = Workspace(db.conn, db_path, [paths.bundled_lessons_dir()])
    pack = ws.lessons.load() and ws.pack("harassment")
    lesson = pack.lessons[0]
    catalog.record_pack_version(db, pack)
    profile = catalog.create_profile(db, name, "Trust EU", "Lisbon")
    session_id = sessions.start_session(db, profile, pack, lesson.id, "first_attempt")
    for i, case_id in enumerate(lesson.case_ids):
        case = pack.cases[case_id]
        golden = case.golden.decision
        wrong = next(d for d in pack.scale.ladder if d != golden)
        answer_store.record_answer(
            db,
            session_id=session_id,
            session_kind="first_attempt",
            profile=profile,
            pack=pack,
            lesson_id=lesson.id,
            case=case,
            draft=AnswerDraft(golden if i < right else wrong, None, 0.8),
            shown_at="2026-01-01T09:00:00.000Z",
            time_to_answer_ms=5000,
            watched_ms=4000,
        )
    db.conn.close()


@pytest.fixture
def seeded(tmp_path, capsys) -> Path:
    db = tmp_path / "c.sqlite3"
    assert main(["signals", "import", str(signals_file(tmp_path)), "--db", str(db)]) == 0
    answer_lesson(db, "Ana", right=3)
    answer_lesson(db, "Ben", right=1)
    capsys.readouterr()
    return db


def production(db: Path, filters: Filters | None = None):
    ws = Workspace.open(db, [paths.bundled_lessons_dir()])
    ws.lessons.load()
    try:
        return ws.dashboard.compute(filters or Filters(), 0.9, panels=("production",)).dashboard
    finally:
        ws.close()


def wilson(part: int, whole: int) -> tuple[float, float]:
    lo, hi = proportion_confint(part, whole, alpha=0.05, method="wilson")
    return float(lo), float(hi)


def assert_rate(rate: Rate, part: int | None, whole: int | None) -> None:
    assert (rate.part, rate.whole) == (part, whole)
    if part is None or not whole:
        assert rate.value is None and rate.ci is None
    else:
        assert rate.value == pytest.approx(part / whole)
        assert rate.ci == pytest.approx(wilson(part, whole), abs=1e-9)


def test_rates_totals_and_gaps_of_a_known_file(seeded) -> None:
    weeks = {w.week: w for w in production(seeded).production.of_pack("harassment")}
    assert list(weeks) == [W0, W1, W2, W3]  # the week without signals shown as a gap
    first = weeks[W0]
    assert_rate(first.overturn, 10, 40)  # the pack's own total, not 10 + 9 of 40 + 25
    assert_rate(first.negative, 7, 50)
    assert_rate(first.qa, 180, 200)
    assert first.decisions == 1000 and first.user_reports == 6
    assert first.reports_per_1000 == pytest.approx(6.0)
    gap = weeks[W1]
    assert_rate(gap.overturn, None, None)
    assert gap.decisions is None and gap.reports_per_1000 is None
    summed = weeks[W2]
    assert_rate(summed.overturn, 5, 20)  # HB-1 + HB-2
    assert summed.reports_per_1000 is None  # no decisions that week: no rate
    assert_rate(weeks[W3].overturn, 3, 30)


def test_calibration_of_the_same_pack_and_week_sits_beside_it(seeded) -> None:
    section = production(seeded).production
    week = {w.week: w for w in section.of_pack("harassment")}[W3]
    with sqlite3.connect(seeded) as conn:
        n, right = conn.execute(
            "SELECT COUNT(*), SUM(a.decision = cv.golden_decision) FROM answers a "
            "JOIN case_versions cv USING (case_hash) WHERE a.pack_id = 'harassment'"
        ).fetchone()
        (lesson,) = conn.execute("SELECT DISTINCT lesson_id FROM sessions").fetchone()
    assert right == 4  # Ana 3, Ben 1
    assert_rate(week.calibration, right, n)
    assert week.first_taken == (lesson,)
    assert all(not w.first_taken for w in section.weeks if w.week != W3)
    # graphic-content: signals, no answers
    (graphic,) = section.of_pack("graphic-content")
    assert_rate(graphic.overturn, 0, 5)
    assert_rate(graphic.calibration, None, None)


def test_a_review_session_is_not_a_lesson_taken_but_a_live_room_session_is(seeded) -> None:
    """A spaced review (lesson id "(review)") marks no week; a live room's session of a lesson
    not taken before marks the week it started, as taking the lesson alone would."""
    from calibrate.workspace.review import REVIEW_KIND, REVIEW_LESSON_ID

    db = open_database(seeded)
    ws = Workspace(db.conn, seeded, [paths.bundled_lessons_dir()])
    pack = ws.lessons.load() and ws.pack("graphic-content")
    catalog.record_pack_version(db, pack)
    profile = catalog.create_profile(db, "Cy", "Trust EU", "Lisbon")
    sessions.start_session(db, profile, pack, REVIEW_LESSON_ID, REVIEW_KIND)
    sessions.start_session(db, profile, pack, pack.lessons[0].id, "live")
    db.conn.close()
    (week,) = production(seeded).production.of_pack("graphic-content")
    assert week.first_taken == (pack.lessons[0].id,)


def test_a_stored_week_with_more_overturns_than_appeals_shows_no_rate(seeded) -> None:
    """Values an earlier version let in (appeals as the pack's total, overturns by clause,
    16 of 10): the tab and its CSV show the counts but no rate above 1 and no NaN interval,
    and the week is left out of the pooled before/after figures."""
    import math

    from calibrate.store.signals import insert_signals

    week = (W1.isoformat(), "harassment")
    db = open_database(seeded)
    insert_signals(
        db,
        [
            (*week, "", "", "", "appeals", 10),
            (*week, "HB-1", "", "", "appeals_overturned", 8),
            (*week, "HB-2", "", "", "appeals_overturned", 8),
            (*week, "HB-1", "", "", "survey_responses", 5),  # two breakdowns of one total
            (*week, "", "Lisbon", "", "survey_responses", 5),
            (*week, "HB-1", "", "", "survey_negative", 4),
        ],
        "old.csv",
    )
    db.conn.close()
    dashboard = production(seeded)
    shown = {w.week: w for w in dashboard.production.of_pack("harassment")}[W1]
    assert shown.overturn == Rate(16, 10)  # the counts, no value, no interval
    assert shown.negative == Rate(4, None)  # no total of survey responses to divide by
    header, rows = dashboard.table("production")
    row = dict(zip(header, next(r for r in rows if r[:2] == week[::-1]), strict=True))
    assert (row["appeals"], row["appeals_overturned"], row["overturn_rate"]) == (10, 16, None)
    assert not any(isinstance(v, float) and math.isnan(v) for r in rows for v in r)
    pooled = overturns_around_lessons(dashboard.production, "harassment")
    assert pooled is not None
    assert_rate(pooled.before, 10 + 5, 40 + 20)


def test_the_pack_and_date_filters_cut_the_signals(seeded) -> None:
    only = production(seeded, Filters(packs=("graphic-content",))).production
    assert only.packs == ("graphic-content",)
    recent = production(seeded, Filters(since=W2 + timedelta(days=3), until=W3)).production
    assert [w.week for w in recent.of_pack("harassment")] == [W2, W3]


def test_overturns_before_and_after_the_first_lesson_week(seeded) -> None:
    found = overturns_around_lessons(production(seeded).production, "harassment")
    assert found is not None and found.first_week == W3
    assert found.weeks_before == 3 and found.weeks_after == 0
    assert_rate(found.before, 10 + 5, 40 + 20)
    assert_rate(found.after, 0, 0)


def test_the_production_table_exports_to_csv_with_the_rates(seeded) -> None:
    header, rows = production(seeded).table("production")
    week = next(r for r in rows if r[:2] == ("harassment", W0.isoformat()))
    row = dict(zip(header, week, strict=True))
    assert row["appeals"] == 40 and row["appeals_overturned"] == 10
    assert row["overturn_rate"] == pytest.approx(0.25)
    assert (row["overturn_lo"], row["overturn_hi"]) == pytest.approx(wilson(10, 40))
    assert row["reports_per_1000"] == pytest.approx(6.0)


def test_the_report_reading_gives_overturns_around_lessons_and_the_caution(seeded) -> None:
    from calibrate.charts.report.readings import chart_readings
    from calibrate.core.lead.labels import Labels
    from calibrate.core.signals.production import CAUTION

    reading = chart_readings(production(seeded), Labels())["production"]
    assert reading == [
        "Also imported, not charted: escalations.",  # no week after harassment's lesson yet
        CAUTION,
    ]


def test_without_signals_there_is_no_production_section_or_report_page(tmp_path) -> None:
    db = tmp_path / "c.sqlite3"
    answer_lesson(db, "Ana", right=2)
    d = production(db)
    assert d.production.weeks == () and d.table("production")[1] == []
