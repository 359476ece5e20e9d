"""The review schedule (the rating policy): each solved exercise has one FSRS memory state; a review earns a rating.

The scheduler is py-fsrs (`fsrs` on PyPI, the algorithm Anki uses). Everything here is a pure function of its
arguments — `now` included; the store (progress.py, SQL only) keeps the states and calls these, and the
commands read the clock. In this code base "review" is the command and the re-implementation it starts; this
module is the schedule.

A review is a re-implementation from a blank starter, so FSRS's minute-long learning steps make no sense:
the scheduler has none (every rating gives a whole number of days) and no fuzz (a learner, and the tests,
can predict each due date from the rating alone).

The rating comes from what happened (README, "Spaced re-practice"):
  passed on the first grade, no hint          → Good
  … and in at most half the time of the last review of this exercise → Easy
  passed after a hint or a failed grade       → Hard
  `studykit review exNN --give-up`            → Again
A first solve is rated the same way (Good or Hard; there is no earlier time to be faster than).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from fsrs import Card, Rating, Scheduler

AGAIN, HARD, GOOD, EASY = int(Rating.Again), int(Rating.Hard), int(Rating.Good), int(Rating.Easy)
NAMES = {AGAIN: "Again", HARD: "Hard", GOOD: "Good", EASY: "Easy"}
# "much faster than their last time": the wall time from `studykit review exNN` to the passing grade is at most
# this fraction of the same measure for the previous review of that exercise that ended in a pass
EASY_FRACTION = 0.5


def rating_for(failed: int, hints: int, took: float | None = None, last_took: float | None = None) -> int:
    """The rating of a pass: `failed` grades and `hints` seen before it; `took` seconds from the review's start,
    `last_took` the same for the previous review (None: there is none to compare with)."""
    if failed or hints:
        return HARD
    if took is not None and last_took is not None and last_took > 0 and took <= EASY_FRACTION * last_took:
        return EASY
    return GOOD


def _scheduler() -> Scheduler:
    return Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


def _utc(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    return now.astimezone(timezone.utc).replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class Memory:
    """One exercise's FSRS state after a rating: the card as JSON (py-fsrs `Card.to_dict`) and its due time."""

    card: str
    due: datetime
    last_review: datetime
    stability: float
    difficulty: float

    @property
    def interval_days(self) -> int:
        return round((self.due - self.last_review).total_seconds() / 86400)


def _memory(card: Card) -> Memory:
    # a card just rated always has its last review, stability and difficulty
    assert card.last_review is not None and card.stability is not None and card.difficulty is not None
    return Memory(card=json.dumps(card.to_dict()), due=card.due, last_review=card.last_review,
                  stability=float(card.stability), difficulty=float(card.difficulty))


def load(card_json: str) -> Memory:
    """A stored state; ValueError when it cannot be read."""
    try:
        card = Card.from_dict(json.loads(card_json))
        if card.last_review is None or card.stability is None or card.difficulty is None:
            raise ValueError("the state has never been reviewed")
        return _memory(card)
    except (TypeError, KeyError, AttributeError, json.JSONDecodeError) as exc:
        raise ValueError(str(exc)) from exc


def first(card_id: int, rating: int, now: datetime) -> Memory:
    """The state after the first pass of an exercise, rated `rating` at `now`."""
    now = _utc(now)
    card, _ = _scheduler().review_card(Card(card_id=card_id, due=now), Rating(rating), now)
    return _memory(card)


def reschedule(card_json: str, rating: int, now: datetime) -> Memory:
    """The state after a review rated `rating` at `now`."""
    now = _utc(now)
    try:
        card = Card.from_dict(json.loads(card_json))
    except (TypeError, KeyError, AttributeError, json.JSONDecodeError) as exc:
        raise ValueError(str(exc)) from exc
    card.due = card.due.astimezone(timezone.utc)
    if card.last_review is not None:
        card.last_review = card.last_review.astimezone(timezone.utc)
    updated, _ = _scheduler().review_card(card, Rating(rating), now)
    return _memory(updated)
