"""Moderator × case cards replayed from answers through `fsrs`, and which are due on a day.

The scheduler's settings are fixed so that a schedule can be checked by hand or against
`fsrs` called directly: desired retention 0.9, no same-day (re)learning steps (a card's
intervals are whole days from its first rating), fuzzing off, `fsrs`'s default weights.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo

from fsrs import Card, Scheduler

from calibrate.core.review.rating import rating_for

DESIRED_RETENTION = 0.9


def review_scheduler() -> Scheduler:
    """The one scheduler every card is replayed with (settings: the module's docstring)."""
    return Scheduler(
        desired_retention=DESIRED_RETENTION,
        learning_steps=(),
        relearning_steps=(),
        enable_fuzzing=False,
    )


@dataclass(frozen=True)
class ScoredAnswer:
    """One non-skipped answer of a moderator, scored against the golden it was given
    against (its case version)."""

    pack_id: str
    case_id: str
    answered_at: datetime  # aware, UTC
    correct: bool
    confidence: float | None


@dataclass(frozen=True)
class ReviewCard:
    """A moderator × case card: the `fsrs` card after every rating, and how many."""

    pack_id: str
    case_id: str
    card: Card
    reviews: int  # ratings applied (the first one created the card)

    @property
    def due(self) -> datetime:
        due: datetime = self.card.due
        return due

    def due_day(self, zone: tzinfo | None = None) -> date:
        """The day the card falls due, in `zone` (default: this computer's zone)."""
        return self.due.astimezone(zone).date()

    def is_due(self, today: date, zone: tzinfo | None = None) -> bool:
        """Due on `today` or before: reviews are day-based, so a card due at 15:00 is
        offered from the morning of its day."""
        return self.due_day(zone) <= today


def replay(
    answers: Iterable[ScoredAnswer], scheduler: Scheduler | None = None
) -> dict[tuple[str, str], ReviewCard]:
    """Each (pack, case)'s card after the answers, taken oldest first (ties keep their
    order). Cases without a card (never missed, always sure and right) are absent."""
    scheduler = scheduler or review_scheduler()
    cards: dict[tuple[str, str], ReviewCard] = {}
    for answer in sorted(answers, key=lambda a: a.answered_at):
        key = (answer.pack_id, answer.case_id)
        held = cards.get(key)
        rating = rating_for(answer.correct, answer.confidence, held is not None)
        if rating is None:
            continue
        card = Card(card_id=0) if held is None else held.card
        updated, _ = scheduler.review_card(card, rating, answer.answered_at)
        cards[key] = ReviewCard(key[0], key[1], updated, 1 if held is None else held.reviews + 1)
    return cards


def due_cards(
    cards: Mapping[tuple[str, str], ReviewCard], today: date, zone: tzinfo | None = None
) -> list[ReviewCard]:
    """The cards due on `today`, the longest overdue first (then by pack and case)."""
    due = [card for card in cards.values() if card.is_due(today, zone)]
    return sorted(due, key=lambda c: (c.due, c.pack_id, c.case_id))


def as_utc(stamp: str) -> datetime:
    """A stored UTC stamp (2026-03-02T14:05:09.123Z) as an aware datetime."""
    return datetime.fromisoformat(stamp.removesuffix("Z")).replace(tzinfo=UTC)
