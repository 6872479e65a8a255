"""The lead dashboard's numbers, on real SQLite files written through the store.

A small planned history (four reviewers answering over two ISO weeks, a fifth who never
answered) is written with the store's own functions on the bundled demo packs; every expected
number is counted from that plan in this file or taken from reference libraries (statsmodels,
irrCAC, krippendorff) — never from calibrate's metric code. The demo history then checks the
planted effects: Manila over-enforces, the ambiguous cases top the split list.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
import pytest
from irrCAC.raw import CAC
from statsmodels.stats.proportion import proportion_confint

from calibrate.core.demo_history.simulation import generate_history
from calibrate.core.lead.compute import case_clauses_of, compute_dashboard
from calibrate.core.lessons.loader import load_library
from calibrate.core.models import Answer, Profile
from calibrate.core.stamps import new_id
from calibrate.store import catalog, sessions
from calibrate.store.answers import insert_answer
from calibrate.store.db import open_database
from calibrate.store.demo_data import write_demo_history
from calibrate.store.queries import dispute_rows, load_answers, roster

PACK, LESSON, OTHER_LESSON = "graphic-content", "gr-beyond-people", "gr-context"
DOG, SFX, BRIDGE = "gr-street-dog-rescue", "gr-sfx-makeup-tutorial", "gr-bridge-railing-live"
MON1, MON2 = datetime(2026, 3, 2, 9), datetime(2026, 3, 9, 9)  # two ISO weeks (Mondays)
PEOPLE = {
    "Ana": ("Alpha", "Lisbon"),
    "Ben": ("Alpha", "Lisbon"),
    "Cai": ("Beta", "Manila"),
    "Dee": ("Beta", "Manila"),
    "Eve": ("Beta", "Manila"),
}  # Eve never answers
SKIP = None
# (who, session, kind, lesson, [(case, decision or SKIP, confidence, answered_at)])
PLAN = [
    (
        "Ana",
        "S1",
        "first_attempt",
        LESSON,
        [
            (DOG, "warning_screen", 0.95, MON1),
            (SFX, "allow", 0.8, MON1),
            (BRIDGE, "escalate", 0.8, MON1),
        ],
    ),
    (
        "Ben",
        "S2",
        "first_attempt",
        LESSON,
        [
            (DOG, "remove", 0.8, MON1 + timedelta(days=1)),
            (SFX, "allow", 0.6, MON1 + timedelta(days=1)),
            (BRIDGE, "remove", 0.95, MON1 + timedelta(days=1)),
        ],
    ),
    # Cai's last answer is Sunday 23:30 UTC: still the first ISO week.
    (
        "Cai",
        "S3",
        "first_attempt",
        LESSON,
        [
            (DOG, "remove", 0.6, MON1 + timedelta(days=6)),
            (SFX, "not_recommended", 0.4, MON1 + timedelta(days=6)),
            (BRIDGE, "escalate", 0.6, datetime(2026, 3, 8, 23, 30)),
        ],
    ),
    (
        "Dee",
        "S4",
        "first_attempt",
        LESSON,
        [
            (DOG, "age_restricted", 0.4, MON1),
            (SFX, "allow", 0.8, MON1),
            (BRIDGE, "escalate", 0.95, MON1),
        ],
    ),
    (
        "Ben",
        "S5",
        "retake",
        LESSON,
        [
            (DOG, "warning_screen", 0.8, MON2),
            (SFX, SKIP, None, MON2),
            (BRIDGE, "escalate", 0.95, MON2),
        ],
    ),
    (
        "Cai",
        "S6",
        "retake",
        LESSON,
        [
            (DOG, "remove", 0.8, MON2 + timedelta(days=2)),
            (SFX, "escalate", 0.6, MON2 + timedelta(days=2)),
            (BRIDGE, "escalate", 0.8, MON2 + timedelta(days=2)),
        ],
    ),
    # Sessions left after two of the lesson's five cases: not "taken". They make five cases
    # rated by two or more reviewers in the pack, and in the first week: the minimum for a
    # chance-corrected coefficient (core/agreement.MIN_PAIRED_CASES).
    (
        "Dee",
        "S7",
        "first_attempt",
        OTHER_LESSON,
        [
            ("gr-kitchen-cut", "allow", 0.8, MON1 + timedelta(days=2)),
            ("gr-surgery-lecture", "remove", 0.6, MON1 + timedelta(days=2)),
        ],
    ),
    (
        "Ana",
        "S8",
        "first_attempt",
        OTHER_LESSON,
        [
            ("gr-kitchen-cut", "allow", 0.95, MON1 + timedelta(days=3)),
            ("gr-surgery-lecture", "age_restricted", 0.8, MON1 + timedelta(days=3)),
        ],
    ),
]


@pytest.fixture(scope="module")
def packs(demo_lessons_dir: Path):
    return load_library([demo_lessons_dir]).packs


@pytest.fixture(scope="module")
def pack(packs):
    return next(p for p in packs if p.id == PACK)


def flat_plan(pack) -> list[dict]:
    """One dict per planned answer, with its golden decision and scoring done by hand."""
    ladder = list(pack.scale.ladder)
    out = []
    for who, session, kind, lesson, answers in PLAN:
        for case, decision, confidence, at in answers:
            golden = pack.cases[case].golden.decision
            if decision is None:
                outcome = "skipped"
            elif decision == golden:
                outcome = "correct"
            elif golden not in ladder:
                outcome = "missed"
            elif decision not in ladder:
                outcome = "unneeded"
            else:
                outcome = "over" if ladder.index(decision) > ladder.index(golden) else "under"
            out.append(
                dict(
                    who=who,
                    team=PEOPLE[who][0],
                    site=PEOPLE[who][1],
                    session=session,
                    kind=kind,
                    lesson=lesson,
                    case=case,
                    decision=decision,
                    confidence=confidence,
                    at=at,
                    golden=golden,
                    outcome=outcome,
                )
            )
    return out


@pytest.fixture(scope="module")
def planned_db(tmp_path_factory, packs, pack) -> Path:
    path = tmp_path_factory.mktemp("lead") / "planned.sqlite3"
    db = open_database(path)
    for p in packs:
        catalog.record_pack_version(db, p)
    profiles = {
        name: catalog.create_profile(db, name, team, site) for name, (team, site) in PEOPLE.items()
    }
    session_ids: dict[str, str] = {}
    for row in flat_plan(pack):
        profile: Profile = profiles[row["who"]]
        if row["session"] not in session_ids:
            session_ids[row["session"]] = sessions.start_session(
                db, profile, pack, row["lesson"], row["kind"]
            )
        stamp = row["at"].isoformat(timespec="milliseconds") + "Z"
        insert_answer(
            db,
            Answer(
                id=new_id(),
                session_id=session_ids[row["session"]],
                profile_id=profile.id,
                pack_id=PACK,
                lesson_id=row["lesson"],
                case_id=row["case"],
                case_hash=pack.cases[row["case"]].content_hash,
                pack_hash=pack.content_hash,
                team=profile.team,
                site=profile.site,
                session_kind=row["kind"],
                decision=row["decision"],
                clause=None,
                confidence=row["confidence"],
                note="",
                skipped=row["decision"] is None,
                shown_at=stamp,
                answered_at=stamp,
                time_to_answer_ms=1000,
                watched_ms=1000,
            ),
        )
    db.conn.close()
    return path


def dashboard_of(path: Path, packs, **options):
    db = open_database(path)
    try:
        table = load_answers(db, packs=packs)
        return compute_dashboard(
            table, roster(db), dispute_rows(db), case_clauses=case_clauses_of(packs), **options
        )
    finally:
        db.conn.close()


@pytest.fixture(scope="module")
def planned(planned_db: Path, packs):
    return dashboard_of(planned_db, packs)


def wilson(k: int, n: int) -> tuple[float, float]:
    lo, hi = proportion_confint(k, n, alpha=0.05, method="wilson")
    return float(lo), float(hi)


# -- accuracy, confusion, enforcement -----------------------------------------------------


def test_accuracy_per_reviewer_counts_scored_answers_with_wilson_intervals(planned, pack):
    plan = [r for r in flat_plan(pack) if r["outcome"] != "skipped"]
    rows = {r.name: r for r in planned.reviewers.reviewers}
    assert set(rows) == {"Ana", "Ben", "Cai", "Dee"}  # Eve never answered
    for name, row in rows.items():
        mine = [r for r in plan if r["who"] == name]
        right = sum(r["outcome"] == "correct" for r in mine)
        assert (row.n, row.correct) == (len(mine), right)
        assert row.accuracy == pytest.approx(right / len(mine))
        assert row.ci == pytest.approx(wilson(right, len(mine)), abs=1e-9)
        assert row.below_target == (right / len(mine) < 0.9)
    accuracies = [r.accuracy for r in planned.reviewers.reviewers]
    assert accuracies == sorted(accuracies)
    h = planned.headline
    assert (h.answers, h.scored, h.skipped, h.reviewers) == (22, 21, 1, 4)
    assert h.accuracy_ci == pytest.approx(wilson(h.correct, 21), abs=1e-9)


def test_confusion_matrix_is_golden_by_chosen_in_ladder_order(planned, pack):
    matrix = next(m for m in planned.confusion.matrices if m.pack == PACK)
    assert list(matrix.labels[:5]) == list(pack.scale.ladder)
    assert matrix.labels[5:] == ("escalate",)
    expected = Counter(
        (r["golden"], r["decision"]) for r in flat_plan(pack) if r["outcome"] != "skipped"
    )
    for (golden, chosen), count in np.ndenumerate(matrix.counts):
        assert count == expected.get((matrix.labels[golden], matrix.labels[chosen]), 0)


def test_over_and_under_per_team_with_a_delta_method_interval(planned, pack):
    plan = flat_plan(pack)
    for row in planned.enforcement.by_team:
        mine = [r for r in plan if r["team"] == row.group and r["outcome"] != "skipped"]
        tally = Counter(r["outcome"] for r in mine)
        assert (row.n, row.over, row.under, row.correct) == (
            len(mine),
            tally["over"],
            tally["under"],
            tally["correct"],
        )
        assert (row.missed_escalations, row.unneeded_escalations) == (
            tally["missed"],
            tally["unneeded"],
        )
        # The net lean is the mean of +1 (over) / −1 (under) / 0 per answer; its variance
        # is that score's variance over n.
        score = np.array([{"over": 1, "under": -1}.get(r["outcome"], 0) for r in mine])
        half = 1.959964 * score.std() / math.sqrt(score.size)
        assert row.net == pytest.approx(score.mean())
        assert row.net_ci == pytest.approx((score.mean() - half, score.mean() + half))
    assert [r.group for r in planned.enforcement.by_site] == ["Lisbon", "Manila"]


def test_over_and_under_per_team_and_pack(planned, pack):
    plan = [r for r in flat_plan(pack) if r["outcome"] != "skipped"]
    cells = {(r.team, r.pack): r for r in planned.enforcement.by_team_pack}
    assert set(cells) == {(r["team"], PACK) for r in plan}
    for (team, _), row in cells.items():
        mine = [r for r in plan if r["team"] == team]
        score = np.array([{"over": 1, "under": -1}.get(r["outcome"], 0) for r in mine])
        half = 1.959964 * score.std() / math.sqrt(score.size)
        assert (row.n, row.over, row.under) == (
            len(mine),
            int((score > 0).sum()),
            int((score < 0).sum()),
        )
        assert row.net_ci == pytest.approx((score.mean() - half, score.mean() + half))
    header, rows = planned.table("team_pack")
    assert header[:3] == ("team", "pack", "n") and len(rows) == len(cells)


def test_a_teams_opposite_leans_on_two_packs_show_per_pack(demo):
    # The demo's Graphic EU team leans over on graphic content and under on regulated goods:
    # its overall figure alone hides the second.
    cells = {(r.team, r.pack): r for r in demo.enforcement.by_team_pack}
    assert {pack for _, pack in cells} == {"graphic-content", "harassment", "regulated-goods"}
    for team in {r.group for r in demo.enforcement.by_team}:
        rows = [r for (t, _), r in cells.items() if t == team]
        overall = next(r for r in demo.enforcement.by_team if r.group == team)
        assert sum(r.n for r in rows) == overall.n
        assert sum(r.over for r in rows) == overall.over
        assert sum(r.under for r in rows) == overall.under
    graphic_eu = next(r for r in demo.enforcement.by_team if r.group == "Graphic EU")
    assert graphic_eu.net_ci[0] > 0  # over, overall
    assert cells[("Graphic EU", "regulated-goods")].net_ci[1] < 0  # under, on one policy
    assert cells[("Graphic EU", "graphic-content")].net_ci[0] > 0


def test_intervals_are_shown_cut_to_minus_one_to_one_and_say_where() -> None:
    from calibrate.core.lead.agreement import shown_interval

    # An analytic (symmetric) interval whose top core capped at 1: 0.66 ± 2.15.
    cut = shown_interval(0.66, -1.49, 1.0, symmetric=True)
    assert (cut.lo, cut.hi, cut.lo_cut, cut.hi_cut) == (-1.0, 1.0, True, True)
    assert cut.text() == "\N{MINUS SIGN}1.00† to 1.00†"
    inside = shown_interval(0.70, 0.51, 0.89, symmetric=True)
    assert (inside.lo_cut, inside.hi_cut) == (False, False) and inside.text() == "0.51 to 0.89"
    # 0.81 ± 0.18 reaches 0.99: a top that rounds to 1.00 is not a cut one.
    assert not shown_interval(0.81, 0.63, 0.99, symmetric=True).hi_cut
    # A bootstrap interval (α) is percentiles: its top at 1 is a value α took, not a cut.
    assert not shown_interval(0.9, 0.7, 1.0, symmetric=False).hi_cut
    assert shown_interval(None, None, None, symmetric=True) is None


def test_every_missed_escalation_is_listed_on_its_own(planned, pack):
    missed = [r for r in flat_plan(pack) if r["outcome"] == "missed"]
    assert len(planned.critical.missed) == len(missed) == 1
    error = planned.critical.missed[0]
    assert (error.reviewer, error.team, error.site, error.pack, error.case, error.chosen) == (
        "Ben",
        "Alpha",
        "Lisbon",
        PACK,
        BRIDGE,
        "remove",
    )
    assert error.answered_at == missed[0]["at"]
    assert planned.critical.unneeded_escalations == 1
    assert planned.critical.unneeded_by_team == (("Beta", 1),)
    assert planned.headline.missed_escalations == 1


# -- agreement, trend -----------------------------------------------------------------------


def first_answer_frame(plan: list[dict], cases: list[str]) -> pd.DataFrame:
    """Cases × reviewers of each reviewer's first non-skipped answer (NaN: none)."""
    frame = pd.DataFrame(index=cases, columns=sorted({r["who"] for r in plan}), dtype=object)
    for r in sorted(plan, key=lambda r: r["at"]):
        if r["decision"] is not None and pd.isna(frame.at[r["case"], r["who"]]):
            frame.at[r["case"], r["who"]] = r["decision"]
    return frame


def test_agreement_per_pack_uses_each_reviewers_first_answer(planned, pack):
    plan = flat_plan(pack)
    frame = first_answer_frame(plan, sorted({r["case"] for r in plan}))
    row = next(r for r in planned.agreement.by_pack if r.pack == PACK)
    reference = CAC(frame, digits=20)
    assert row.fleiss.value == pytest.approx(reference.fleiss()["est"]["coefficient_value"])
    assert row.ac1.value == pytest.approx(reference.gwet()["est"]["coefficient_value"])
    codes = {d: i for i, d in enumerate(pack.scale.ids)}
    data = frame.T.map(lambda d: np.nan if pd.isna(d) else codes[d]).to_numpy(dtype=float)
    assert row.alpha.value == pytest.approx(
        krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    )
    assert (row.n_cases, row.n_paired, row.n_raters, row.n_ratings) == (5, 5, 4, 16)
    assert row.fleiss.ci95 is not None and row.alpha.ci95 is not None


def test_agreement_per_pack_gives_ac2_on_the_ladder_with_escalate_apart(planned, pack):
    """AC2 (quadratic) over the pack's decisions: rungs weigh 1 − (Δrung/(L−1))², a decision
    off the ladder (escalate) agrees only with itself; irrCAC with that weight matrix and the
    pack's decisions as categories is the reference."""
    plan = flat_plan(pack)
    frame = first_answer_frame(plan, sorted({r["case"] for r in plan}))
    ladder = list(pack.scale.ladder)
    decisions = ladder + [d for d in pack.scale.ids if d not in ladder]
    top = len(ladder) - 1
    weights = np.array(
        [
            [
                1 - ((ladder.index(a) - ladder.index(b)) / top) ** 2
                if a in ladder and b in ladder
                else float(a == b)
                for b in decisions
            ]
            for a in decisions
        ]
    )
    assert "escalate" in decisions and "escalate" not in ladder
    row = next(r for r in planned.agreement.by_pack if r.pack == PACK)
    reference = CAC(frame, weights=weights, categories=decisions, digits=20).gwet()["est"]
    assert row.ac2.value == pytest.approx(reference["coefficient_value"], abs=1e-9)
    assert row.ac2.se == pytest.approx(reference["se"], abs=1e-9)
    assert row.ac2.value != pytest.approx(row.ac1.value)  # the ladder changes the number
    header, rows = planned.agreement.rows()
    cells = dict(zip(header, next(r for r in rows if r[0] == PACK and not r[1]), strict=True))
    assert cells["gwet_ac2_quadratic"] == row.ac2.value and cells["ac2_lo"] is not None


def test_agreement_per_clause_groups_cases_by_each_golden_clause(planned, pack):
    rows = {r.clause: r for r in planned.agreement.by_clause if r.pack == PACK}
    expected = Counter(
        c for case in {r["case"] for r in flat_plan(pack)} for c in pack.cases[case].golden.clauses
    )
    assert {clause: r.n_cases for clause, r in rows.items()} == dict(expected)


def test_no_chance_corrected_coefficient_from_fewer_than_five_rated_cases(planned, pack):
    # Every clause holds one or two cases: no κ, α or AC1 (they swung from −1.49 to 1.00),
    # "too few cases" instead; percent agreement, not chance-corrected, stays.
    assert planned.agreement.by_clause
    for row in planned.agreement.by_clause:
        assert row.n_paired < 5
        for estimate in (row.fleiss, row.alpha, row.ac1):
            assert estimate.value is None and estimate.ci95 is None
            assert estimate.note.startswith("too few cases")
        assert row.percent.value is not None
    header, rows = planned.agreement.rows()
    clause_rows = [dict(zip(header, r, strict=True)) for r in rows if r[1]]
    assert all(
        r["fleiss_kappa"] is None and r["note"].startswith("too few cases") for r in clause_rows
    )


def test_the_minimum_is_five_cases_rated_by_two_or_more_reviewers() -> None:
    from calibrate.core.lead.agreement import agreement_row

    def row(cases_rated_twice: int):
        # Three reviewers over ten cases; the first `cases_rated_twice` cases get a second
        # and third answer, the rest one answer each (they count for prevalence only).
        case, rater, code = [], [], []
        for c in range(10):
            for r in range(3 if c < cases_rated_twice else 1):
                case.append(c)
                rater.append(r)
                code.append((c + (r == 2 and c % 2)) % 3)
        return agreement_row("p", "", np.array(case), np.array(rater), np.array(code), 3)

    assert row(4).fleiss.value is None and row(4).alpha.value is None
    assert "4 cases rated by two or more" in row(4).ac1.note
    assert row(5).fleiss.value is not None and row(5).ac1.value is not None
    assert row(5).n_paired == 5 and row(5).alpha.ci95 is not None


def test_trend_cuts_iso_weeks_on_monday_utc_and_scores_each_week(planned, pack):
    plan = flat_plan(pack)
    assert planned.trend.weeks == (date(2026, 3, 2), date(2026, 3, 9))
    for point in planned.trend.points:
        start = datetime.combine(point.week, datetime.min.time())
        mine = [
            r
            for r in plan
            if start <= r["at"] < start + timedelta(days=7)
            and r["outcome"] != "skipped"
            and (not point.team or r["team"] == point.team)
        ]
        right = sum(r["outcome"] == "correct" for r in mine)
        assert (point.n, point.correct) == (len(mine), right), point
        assert point.ci == pytest.approx(wilson(right, len(mine)), abs=1e-9)
    # Week 1, everyone: five cases rated twice or more (two of them by two reviewers only);
    # irrCAC's Fleiss κ (Gwet's form for missing ratings) is the reference.
    week1 = next(p for p in planned.trend.points if p.week == date(2026, 3, 2) and not p.team)
    frame = first_answer_frame(
        [r for r in plan if r["at"] < MON2],
        [DOG, SFX, BRIDGE, "gr-kitchen-cut", "gr-surgery-lecture"],
    )
    reference = CAC(frame, digits=20).fleiss()["est"]["coefficient_value"]
    assert week1.kappa == pytest.approx(reference)
    assert week1.kappa_cases == 5


def test_a_week_under_five_rated_cases_has_no_kappa_only_its_n(planned, pack):
    # Per team, week 1 has three cases rated by both of its reviewers; week 2 at most two.
    points = {(p.week, p.team): p for p in planned.trend.points}
    alpha_week1 = points[(date(2026, 3, 2), "Alpha")]
    assert (alpha_week1.kappa, alpha_week1.kappa_cases) == (None, 3)
    assert all(p.kappa is None for p in planned.trend.points if p.kappa_cases < 5)
    assert points[(date(2026, 3, 2), "")].kappa is not None
    _, rows = planned.trend.rows()
    assert ("2026-03-02", "Alpha", alpha_week1.n, alpha_week1.correct) == rows[0][:4]
    assert (rows[0][7], rows[0][8]) == (None, 3)  # fleiss_kappa empty, its N kept


def test_first_attempt_and_retake_accuracy_per_team(planned, pack):
    plan = [r for r in flat_plan(pack) if r["outcome"] != "skipped"]
    for row in planned.trend.attempts:
        mine = [r for r in plan if r["team"] == row.team and r["kind"] == row.kind]
        assert (row.n, row.correct) == (len(mine), sum(r["outcome"] == "correct" for r in mine))
    assert {(a.team, a.kind) for a in planned.trend.attempts} == {
        ("Alpha", "first_attempt"),
        ("Alpha", "retake"),
        ("Beta", "first_attempt"),
        ("Beta", "retake"),
    }


def test_confidence_calibration_per_team_is_the_brier_score(planned, pack):
    plan = [r for r in flat_plan(pack) if r["outcome"] != "skipped"]
    for row in planned.calibration.teams:
        mine = [r for r in plan if not row.team or r["team"] == row.team]
        brier = np.mean([(r["confidence"] - (r["outcome"] == "correct")) ** 2 for r in mine])
        assert (row.n, row.brier) == (len(mine), pytest.approx(brier))
        assert sum(row.bin_count) == len(mine)


# -- completion -----------------------------------------------------------------------------


def completion_of(dashboard) -> dict[tuple[str, str], tuple]:
    return {
        (r.name, r.lesson): (r.taken, r.sessions, r.best_score, r.passed)
        for r in dashboard.completion.entries
    }


def test_completion_lists_every_roster_profile_and_lesson_even_without_answers(planned):
    rows = completion_of(planned)
    lessons = {r.lesson for r in planned.completion.entries if r.pack == PACK}
    assert lessons == {LESSON, OTHER_LESSON}
    assert rows[("Eve", LESSON)] == (False, 0, None, None)  # no answer at all: not taken
    assert rows[("Ana", LESSON)] == (True, 1, 1.0, True)
    # A skipped case still completes the session; skips are not scored (2 of 2 right).
    assert rows[("Ben", LESSON)] == (True, 2, 1.0, True)
    assert rows[("Cai", LESSON)] == (True, 2, pytest.approx(1 / 3), False)
    assert rows[("Dee", LESSON)] == (True, 1, pytest.approx(2 / 3), False)
    assert rows[("Dee", OTHER_LESSON)][0] is False  # two of five cases answered
    summary = {
        (s.team, s.lesson): (s.roster, s.taken, s.passed)
        for s in planned.completion.summary
        if s.pack == PACK
    }
    assert summary[("Beta", LESSON)] == (3, 2, 0)
    assert summary[("Alpha", LESSON)] == (2, 2, 2)
    assert ("Eve", LESSON) in {(g.name, g.lesson) for g in planned.completion.gaps}


def test_completion_counts_only_sessions_inside_the_period(planned_db: Path, packs):
    second_week = dashboard_of(planned_db, packs, period=(date(2026, 3, 9), date(2026, 3, 15)))
    rows = completion_of(second_week)
    assert rows[("Ana", LESSON)][0] is False
    assert rows[("Ben", LESSON)] == (True, 1, 1.0, True)
    assert second_week.headline.first_day == date(2026, 3, 9)


def test_every_table_section_exports_header_and_rows(planned):
    for name, (header, rows) in planned.tables().items():
        assert header and all(len(row) == len(header) for row in rows), name


def test_an_empty_table_gives_an_empty_dashboard_not_an_error(tmp_path: Path, packs):
    path = tmp_path / "empty.sqlite3"
    db = open_database(path)
    catalog.create_profile(db, "Solo", "Gamma", "Oslo")
    db.conn.close()
    empty = dashboard_of(path, packs)
    assert empty.headline.answers == 0 and empty.headline.accuracy is None
    assert all(not r.taken for r in empty.completion.entries)
    assert {r.name for r in empty.completion.entries} == {"Solo"}


# -- the demo history -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory, packs):
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    db = open_database(path)
    write_demo_history(db, generate_history(packs, today=date(2026, 5, 29), seed=2026), packs)
    db.conn.close()
    return dashboard_of(path, packs)


def test_the_over_enforcing_demo_site_leans_over_beyond_doubt(demo):
    sites = {r.group: r for r in demo.enforcement.by_site}
    assert sites["Manila"].net_ci[0] > 0
    assert sites["Manila"].net > sites["Lisbon"].net


def test_the_demos_ambiguous_cases_top_the_split_list(demo):
    ambiguous = {
        "graphic-content/gr-protest-injury-documentation",
        "harassment/hb-course-seller-callout",
        "regulated-goods/rg-festival-pill-testing",
    }
    top = [f"{i.pack}/{i.case}" for i in demo.items.items[:3]]
    assert set(top) == ambiguous
    assert all(i.split for i in demo.items.items[:3])
    shares = [i.strong_majority_share for i in demo.items.items[:3]]
    assert shares == sorted(shares)
    assert set(demo.headline.split_cases) == ambiguous


def test_demo_disputes_sit_beside_their_cases_split_flag(demo):
    assert demo.disputes.disputes
    split = {(i.pack, i.case): i.split for i in demo.items.items}
    for d in demo.disputes.disputes:
        assert d.split == split.get((d.pack, d.case))
    stamps = [d.created_at for d in demo.disputes.disputes]
    assert stamps == sorted(stamps, reverse=True)


def test_demo_missed_escalations_are_each_listed(demo):
    assert len(demo.critical.missed) == demo.headline.missed_escalations == 3


# -- details computed later ------------------------------------------------------------------


def test_deferred_details_equal_the_eager_ones_and_a_cancel_keeps_the_work_done(
    planned_db: Path, packs, planned
) -> None:
    from calibrate.core.lead.compute import DetailsCancelled

    later = dashboard_of(planned_db, packs, defer_details=True)
    assert not later.details_ready
    assert later.table("reviewers") == planned.table("reviewers")  # no details needed
    asked: list[int] = []

    def cancel_after_two() -> bool:
        asked.append(1)
        return len(asked) > 2

    with pytest.raises(DetailsCancelled):
        later.details(cancelled=cancel_after_two)
    assert not later.details_ready
    assert later.tables() == planned.tables()  # reading a detail section finishes the rest
    assert later.details_ready
    assert later.details_source._inputs is None  # the answers were let go
