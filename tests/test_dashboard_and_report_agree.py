"""The lead dashboard and `calibrate report` are two faces of one workspace pipeline: for the
same filters they show the same roster, accuracy, agreement, strong reviewers and split
flags. And "strong reviewers" is DESIGN.md's definition: the top third by accuracy on the
*other* cases, checked on a table small enough to compute by hand."""

from __future__ import annotations

import argparse
import math
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from calibrate.commands import report
from calibrate.core.metrics.answer_table import Filters
from calibrate.core.metrics.items import item_analysis
from calibrate.core.metrics.ratings import RatingsTable
from calibrate.workspace import Workspace
from calibrate.workspace.dashboard import complete, compute
from calibrate.workspace.demo import write_demo
from calibrate.workspace.reports import ReportsManager


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    path, _ = write_demo(tmp_path_factory.mktemp("agree") / "demo.sqlite3")
    return path


def _dashboard_screen_numbers(db_path: Path, filters: Filters):
    """What the dashboard screen computes for these filters (its own call, off-screen)."""
    ws = Workspace.open(db_path, [])
    try:
        packs = ws.lessons.read(_bundled())
        return complete(compute(db_path, filters, packs.packs, 0.9, False).dashboard)
    finally:
        ws.close()


def _bundled() -> list[Path]:
    from calibrate import paths

    return [paths.bundled_lessons_dir()]


def _report_numbers(db_path: Path, tmp_path: Path, monkeypatch, **flags):
    """What `calibrate report` draws for the same filters (the PDF is written for real; the
    dashboard handed to it is kept to compare)."""
    drawn = []
    real_write = ReportsManager.write

    def keep(self, dashboard, out, *, filters):
        drawn.append(dashboard)
        return real_write(self, dashboard, out, filters=filters)

    monkeypatch.setattr(ReportsManager, "write", keep)
    args = argparse.Namespace(
        db=db_path,
        out=tmp_path / "report.pdf",
        team=flags.get("team"),
        site=flags.get("site"),
        pack=flags.get("pack"),
        since=flags.get("since"),
        until=flags.get("until"),
        target=0.9,
        lessons=flags.get("lessons", []),
        score_against=flags.get("score_against", "seen"),
    )
    assert report.run(args) == 0
    assert (tmp_path / "report.pdf").stat().st_size > 0
    return drawn[0]


def _same(a: float | None, b: float | None) -> bool:
    return (a is None and b is None) or (
        a is not None and b is not None and (a == b or (math.isnan(a) and math.isnan(b)))
    )


SINCE = date.today() - timedelta(days=20)


@pytest.mark.parametrize(
    "flags",
    [
        {},
        {"team": ["Graphic EU"]},
        {"site": ["Manila"], "pack": ["harassment"]},
        {"team": ["Harassment EU"], "since": SINCE, "until": date.today()},
        {"since": SINCE},  # one day given: both faces count "taken" within the same days
    ],
    ids=["everything", "one team", "site and pack", "team and days", "since only"],
)
def test_dashboard_and_report_show_the_same_numbers_for_the_same_filters(
    demo_db: Path, tmp_path: Path, monkeypatch, flags: dict
) -> None:
    filters = Filters(
        teams=tuple(flags["team"]) if "team" in flags else None,
        sites=tuple(flags["site"]) if "site" in flags else None,
        packs=tuple(flags["pack"]) if "pack" in flags else None,
        since=flags.get("since"),
        until=flags.get("until"),
    )
    screen = _dashboard_screen_numbers(demo_db, filters)
    pdf = _report_numbers(demo_db, tmp_path, monkeypatch, **flags)

    # The roster: who is listed as taken / not taken, lesson by lesson.
    assert screen.completion.entries, "the filters cover somebody"
    assert screen.completion.rows() == pdf.completion.rows()
    # Accuracy, overall and per reviewer.
    assert (screen.headline.correct, screen.headline.scored) == (
        pdf.headline.correct,
        pdf.headline.scored,
    )
    assert screen.headline.accuracy == pdf.headline.accuracy
    assert (screen.headline.first_day, screen.headline.last_day) == (
        pdf.headline.first_day,
        pdf.headline.last_day,
    )
    assert screen.reviewers.rows() == pdf.reviewers.rows()
    # Agreement per pack and clause.
    assert screen.agreement.rows() == pdf.agreement.rows()
    # Strong reviewers and the split flag, case by case.
    per_case = {
        (i.pack, i.case): (i.strong, i.strong_majority, i.split) for i in screen.items.items
    }
    assert per_case, "the filters cover answered cases"
    assert per_case == {
        (i.pack, i.case): (i.strong, i.strong_majority, i.split) for i in pdf.items.items
    }
    assert all(
        _same(a.strong_majority_share, b.strong_majority_share)
        for a, b in zip(screen.items.items, pdf.items.items, strict=True)
    )


def test_strong_reviewers_are_the_top_third_by_accuracy_on_the_other_cases() -> None:
    # Six reviewers answer four cases whose golden answer is code 0 ("allow"). Right (1) or
    # wrong (0), by reviewer × case; r5's wrong answer on c2 is "warn", every other "remove":
    right = [
        [1, 1, 1, 1],  # r0
        [1, 1, 1, 0],  # r1
        [1, 1, 0, 0],  # r2
        [1, 0, 0, 0],  # r3
        [0, 0, 0, 0],  # r4
        [0, 1, 0, 1],
    ]  # r5
    case, rater, code = [], [], []
    for r, row in enumerate(right):
        for c, ok in enumerate(row):
            case.append(c), rater.append(r)
            code.append(0 if ok else (2 if (r, c) == (5, 2) else 1))
    table = RatingsTable(
        case_ids=("c0", "c1", "c2", "c3"),
        rater_ids=tuple(f"r{i}" for i in range(6)),
        categories=("allow", "remove", "warn"),
        case=np.array(case, np.int32),
        rater=np.array(rater, np.int32),
        code=np.array(code, np.int32),
    )
    analysis = item_analysis(table, np.zeros(4, np.int32))
    # By hand, accuracy on the other three cases (top third of six = the best two, ties in):
    # c0: r0 3/3, r1 2/3, r5 2/3, r2 1/3, r3 0, r4 0  -> strong r0 r1 r5 (3); answers
    #     allow, allow, remove: majority 2/3 -> not split
    # c1: r0 3/3, r1 2/3, r2 1/3, r3 1/3, r5 1/3, r4 0 -> strong r0 r1 (2)
    # c2: r0 3/3, r1 2/3, r2 2/3, r5 2/3, r3 1/3, r4 0 -> strong r0 r1 r2 r5 (4); answers
    #     allow, allow, remove, warn: majority 2/4 < 0.6 -> split (guidance unclear)
    # c3: r0 3/3, r1 3/3, r2 2/3, r3 1/3, r5 1/3, r4 0 -> strong r0 r1 (2)
    assert analysis.strong.tolist() == [3, 2, 4, 2]
    assert analysis.split.tolist() == [False, False, True, False]
    assert analysis.strong_modal_share[0] == pytest.approx(2 / 3)
    assert analysis.strong_modal_share[2] == pytest.approx(0.5)
    assert analysis.unclear_cases() == ["c2"]


@pytest.mark.parametrize("score_against", ["seen", "current"])
def test_dashboard_and_report_agree_on_a_golden_that_changed(
    tmp_path: Path, monkeypatch, score_against: str
) -> None:
    """Both faces, both views, on a history counted by hand (tests/golden_history.py)."""
    from tests.golden_history import C1_VERSIONS, CURRENT, SEEN, write_golden_history

    db_path, lessons = write_golden_history(tmp_path / "history")
    ws = Workspace.open(db_path, [lessons])
    try:
        packs = ws.lessons.load().packs
        screen = complete(
            compute(db_path, Filters(score_against=score_against), packs, 0.9, False).dashboard
        )
    finally:
        ws.close()
    pdf = _report_numbers(
        db_path, tmp_path, monkeypatch, lessons=[lessons], score_against=score_against
    )
    expected = SEEN if score_against == "seen" else CURRENT
    for face in (screen, pdf):
        assert (face.headline.correct, face.headline.scored) == expected
        assert [
            (r.version, r.decision, r.answers, r.right_seen, r.right_current)
            for r in face.golden_versions.of_case("alpha", "c1")
        ] == C1_VERSIONS
    assert screen.reviewers.rows() == pdf.reviewers.rows()
    assert screen.items.rows() == pdf.items.rows()
    assert screen.table("golden_versions") == pdf.table("golden_versions")
