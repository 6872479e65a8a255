"""The rating an answer gives a moderator × case card (issue 18, "Spaced re-calibration").

A miss is Again. A correct answer is rated by the confidence the moderator stated: Guessing,
Unsure or Leaning → Hard; Fairly sure → Good; Certain → Easy; no confidence counts as Leaning.
A correct answer at Fairly sure or Certain creates no card where none exists (a case the
moderator knew, and knew they knew, needs no review); on an existing card it is Good or Easy.
"""

from __future__ import annotations

from fsrs import Rating

from calibrate.core.models import CONFIDENCE_LEVELS

# The stored probabilities of the labelled steps (core.models.CONFIDENCE_LEVELS).
LEANING = CONFIDENCE_LEVELS[2][0]
FAIRLY_SURE = CONFIDENCE_LEVELS[3][0]
CERTAIN = CONFIDENCE_LEVELS[4][0]


def confident_rating(confidence: float | None) -> Rating:
    """The rating of a correct answer at this confidence (a probability; None: Leaning).

    Imported history may carry probabilities between the steps: each goes to the nearest
    step (a tie to the lower one)."""
    p = LEANING if confidence is None else confidence
    nearest = min(CONFIDENCE_LEVELS, key=lambda level: (abs(level[0] - p), level[0]))[0]
    if nearest >= CERTAIN:
        return Rating.Easy
    if nearest >= FAIRLY_SURE:
        return Rating.Good
    return Rating.Hard


def rating_for(correct: bool, confidence: float | None, has_card: bool) -> Rating | None:
    """The card's rating for one scored answer; None: the answer makes no card."""
    if not correct:
        return Rating.Again
    rating = confident_rating(confidence)
    if not has_card and rating in (Rating.Good, Rating.Easy):
        return None
    return rating
