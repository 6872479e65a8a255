"""Spaced re-calibration: each moderator × case card and its due day, checked against the
`fsrs` library called directly with the same ratings and times (issue 18)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Card, Rating, Scheduler, State

from calibrate.core.models import AnswerDraft
from calibrate.core.review.rating import rating_for
from calibrate.core.stamps import utc_now
from calibrate.workspace.review import REVIEW_KIND, REVIEW_LESSON_ID
from tests.golden_history import change_golden
from tests.review_history import T0, answer_at, open_workspace

GUESSING, UNSURE, LEANING, FAIRLY_SURE, CERTAIN = 0.2, 0.4, 0.6, 0.8, 0.95


def direct(*ratings: tuple[Rating, object]) -> Card:
    """The card `fsrs` itself gives for these ratings at these times, with the settings the
    issue fixes: retention 0.9, no same-day steps, no fuzz."""
    scheduler = Scheduler(
        desired_retention=0.9, learning_steps=(), relearning_steps=(), enable_fuzzing=False
    )
    card = Card(card_id=0)
    for rating, when in ratings:
        card, _ = scheduler.review_card(card, rating, when)
    return card


def same(ours, theirs: Card) -> None:
    assert (ours.state, ours.stability, ours.difficulty, ours.due, ours.last_review) == (
        theirs.state,
        theirs.stability,
        theirs.difficulty,
        theirs.due,
        theirs.last_review,
    )


@pytest.fixture
def ws(tmp_path):
    workspace = open_workspace(tmp_path, {"alpha": ("c1", "c2", "c3")})
    yield workspace
    workspace.close()


@pytest.fixture
def ana(ws):
    return ws.profiles.create("Ana", "Graphic EU", "Lisbon")


@pytest.mark.parametrize(
    ("correct", "confidence", "has_card", "expected"),
    [
        (False, CERTAIN, False, Rating.Again),
        (False, None, True, Rating.Again),
        (True, GUESSING, False, Rating.Hard),
        (True, UNSURE, False, Rating.Hard),
        (True, LEANING, False, Rating.Hard),
        (True, None, False, Rating.Hard),  # no confidence counts as Leaning
        (True, FAIRLY_SURE, False, None),  # a sure, right first answer makes no card
        (True, CERTAIN, False, None),
        (True, FAIRLY_SURE, True, Rating.Good),
        (True, CERTAIN, True, Rating.Easy),
    ],
)
def test_each_answer_rates_the_card_as_the_issue_maps_it(correct, confidence, has_card, expected):
    assert rating_for(correct, confidence, has_card) == expected


def test_a_miss_makes_a_card_due_the_next_day_as_fsrs_schedules_it(monkeypatch, ws, ana):
    pack = ws.pack("alpha")
    answer_at(monkeypatch, ws, ana, pack, "c1", "allow", CERTAIN, T0)
    card = ws.review.cards(ana.id)[("alpha", "c1")]
    expected = direct((Rating.Again, T0))
    same(card.card, expected)
    assert card.card.state is State.Review  # no same-day relearning step
    assert card.due == T0 + timedelta(days=1)
    assert ws.review.due_count(ana.id, now=T0) == 0
    assert ws.review.due_count(ana.id, now=T0 + timedelta(days=1)) == 1


def test_a_correct_review_moves_the_card_as_fsrs_does(monkeypatch, ws, ana):
    pack = ws.pack("alpha")
    answer_at(monkeypatch, ws, ana, pack, "c1", "allow", LEANING, T0)
    t1 = T0 + timedelta(days=1, hours=3)
    answer_at(monkeypatch, ws, ana, pack, "c1", "remove", FAIRLY_SURE, t1, kind=REVIEW_KIND)
    t2 = t1 + timedelta(days=4)
    answer_at(monkeypatch, ws, ana, pack, "c1", "remove", CERTAIN, t2, kind=REVIEW_KIND)
    card = ws.review.cards(ana.id)[("alpha", "c1")]
    expected = direct((Rating.Again, T0), (Rating.Good, t1), (Rating.Easy, t2))
    same(card.card, expected)
    assert card.reviews == 3
    assert expected.due - t2 > timedelta(days=4)  # the interval grew
    assert ws.review.due_count(ana.id, now=expected.due - timedelta(days=1)) == 0
    assert ws.review.due_count(ana.id, now=expected.due) == 1


def test_a_right_answer_at_low_confidence_makes_a_hard_card(monkeypatch, ws, ana):
    pack = ws.pack("alpha")
    answer_at(monkeypatch, ws, ana, pack, "c1", "remove", UNSURE, T0)
    answer_at(monkeypatch, ws, ana, pack, "c2", "remove", None, T0 + timedelta(minutes=1))
    answer_at(monkeypatch, ws, ana, pack, "c3", "remove", FAIRLY_SURE, T0 + timedelta(minutes=2))
    cards = ws.review.cards(ana.id)
    same(cards[("alpha", "c1")].card, direct((Rating.Hard, T0)))
    same(cards[("alpha", "c2")].card, direct((Rating.Hard, T0 + timedelta(minutes=1))))
    assert ("alpha", "c3") not in cards  # right and fairly sure the first time: no card


def test_skips_do_not_feed_the_schedule(monkeypatch, ws, ana):
    pack = ws.pack("alpha")
    answer_at(monkeypatch, ws, ana, pack, "c1", "allow", LEANING, T0)
    answer_at(monkeypatch, ws, ana, pack, "c1", None, None, T0 + timedelta(days=1))
    answer_at(monkeypatch, ws, ana, pack, "c2", None, None, T0)
    cards = ws.review.cards(ana.id)
    assert set(cards) == {("alpha", "c1")}
    same(cards[("alpha", "c1")].card, direct((Rating.Again, T0)))


def test_live_answers_feed_the_schedule_too(monkeypatch, ws, ana):
    pack = ws.pack("alpha")
    answer_at(monkeypatch, ws, ana, pack, "c2", "allow", LEANING, T0, kind="live")
    same(ws.review.cards(ana.id)[("alpha", "c2")].card, direct((Rating.Again, T0)))


def test_review_due_counts_follow_a_fake_clock_and_the_loaded_packs(monkeypatch, tmp_path):
    ws = open_workspace(tmp_path, {"alpha": ("c1", "c2"), "beta": ("b1",)})
    ana = ws.profiles.create("Ana", "Graphic EU", "Lisbon")
    bo = ws.profiles.create("Bo", "Graphic EU", "Lisbon")
    alpha, beta = ws.pack("alpha"), ws.pack("beta")
    answer_at(monkeypatch, ws, ana, alpha, "c1", "allow", LEANING, T0)
    answer_at(monkeypatch, ws, ana, alpha, "c2", "remove", GUESSING, T0 + timedelta(days=2))
    answer_at(monkeypatch, ws, ana, beta, "b1", "age_restricted", LEANING, T0)
    answer_at(monkeypatch, ws, bo, alpha, "c1", "remove", CERTAIN, T0)
    ws.review.clock = lambda: T0
    assert ws.review.due_count(ana.id) == 0
    ws.review.clock = lambda: T0 + timedelta(days=1)
    assert ws.review.due_count(ana.id) == 2  # alpha/c1 and beta/b1, across packs
    assert {d.key for d in ws.review.due(ana.id)} == {"alpha/c1", "beta/b1"}
    ws.review.clock = lambda: T0 + timedelta(days=3)
    assert ws.review.due_count(ana.id) == 3
    assert ws.review.due_count(bo.id) == 0  # right and certain: nothing to review
    ws.lessons_dirs.clear()  # beta's folder is no longer read
    ws.lessons.load()
    assert ws.review.due_count(ana.id) == 0  # nothing loaded: nothing to offer
    ws.close()


def test_a_review_answer_is_stored_as_a_review_and_leaves_lesson_progress_alone(
    monkeypatch, tmp_path
):
    ws = open_workspace(tmp_path, {"alpha": ("c1", "c2"), "beta": ("b1",)})
    ana = ws.profiles.create("Ana", "Graphic EU", "Lisbon")
    answer_at(monkeypatch, ws, ana, ws.pack("alpha"), "c1", "allow", LEANING, T0)
    answer_at(monkeypatch, ws, ana, ws.pack("beta"), "b1", "allow", LEANING, T0)
    progress_before = ws.sessions.lesson_progress(ana.id)
    monkeypatch.undo()
    ws.review.clock = lambda: T0 + timedelta(days=1)
    run = ws.review.start(ana)
    assert [item.key for item in run.items] == ["alpha/c1", "beta/b1"]  # one session, two packs
    for item in run.items:
        answer = run.record_answer(
            item,
            draft=AnswerDraft("remove", "GR-1", FAIRLY_SURE),
            shown_at=utc_now(),
            time_to_answer_ms=1000,
            watched_ms=1000,
        )
        assert (answer.session_kind, answer.lesson_id) == (REVIEW_KIND, REVIEW_LESSON_ID)
    run.finish()
    rows = list(ws.db.query("SELECT pack_id, kind, lesson_id, finished_at FROM sessions"))
    reviews = [r for r in rows if r["kind"] == REVIEW_KIND]
    assert sorted(r["pack_id"] for r in reviews) == ["alpha", "beta"]  # one per pack
    assert all(r["lesson_id"] == REVIEW_LESSON_ID and r["finished_at"] for r in reviews)
    progress = ws.sessions.lesson_progress(ana.id)
    assert {k: v for k, v in progress.items() if k[1] != REVIEW_LESSON_ID} == progress_before
    assert ws.review.due_count(ana.id, now=datetime.now(UTC)) == 0  # reviewed: not due now
    ws.close()


def test_a_case_whose_golden_changed_comes_back_against_the_new_golden(monkeypatch, tmp_path):
    ws = open_workspace(tmp_path, {"alpha": ("c1", "c2")})
    ana = ws.profiles.create("Ana", "Graphic EU", "Lisbon")
    answer_at(monkeypatch, ws, ana, ws.pack("alpha"), "c1", "age_restricted", FAIRLY_SURE, T0)
    change_golden(tmp_path / "lessons", "c1", "age_restricted", "GR-2")
    ws.lessons.load()
    # The miss was a miss against the golden it was given against: the card stays.
    same(ws.review.cards(ana.id)[("alpha", "c1")].card, direct((Rating.Again, T0)))
    (item,) = ws.review.due(ana.id, now=T0 + timedelta(days=1))
    assert item.case.golden.decision == "age_restricted"  # offered against the new golden
    t1 = T0 + timedelta(days=1)
    answer_at(monkeypatch, ws, ana, item.pack, "c1", "age_restricted", CERTAIN, t1, REVIEW_KIND)
    # Right against the new golden: Easy on the existing card.
    same(
        ws.review.cards(ana.id)[("alpha", "c1")].card,
        direct((Rating.Again, T0), (Rating.Easy, t1)),
    )
    ws.close()
