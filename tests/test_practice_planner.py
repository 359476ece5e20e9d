"""The planner as a library: what comes next, from a fake store and a fixed clock (no workspace, no subprocess)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from studykit import catalog
from studykit.practice.planner import Step, is_due, next_line, plan, regressions

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=timezone.utc)  # noon UTC: the same local date in every zone ±11 h
DAY = 86400.0


@dataclass(frozen=True)
class FakeStanding:
    attempts: int = 0
    solved: bool = False
    last_status: str | None = None


@dataclass(frozen=True)
class FakeReview:
    exercise: str
    due: float
    started_at: float | None = None

    @property
    def in_progress(self) -> bool:
        return self.started_at is not None


class FakeStore:
    def __init__(self, standings: dict[str, FakeStanding] | None = None, reviews: dict[str, FakeReview] | None = None):
        self.standings, self.reviews = standings or {}, reviews or {}

    def standing(self, exercise: str) -> FakeStanding:
        return self.standings.get(exercise, FakeStanding())

    def review_states(self) -> dict[str, FakeReview]:
        return dict(self.reviews)


EXERCISES = catalog.all_exercises()[:4]
IDS = [ex.id for ex in EXERCISES]
SOLVED = FakeStanding(attempts=1, solved=True, last_status="pass")


def kind_and_id(step: Step) -> tuple[str, str | None]:
    return step.kind, step.exercise.id if step.exercise else None


def test_without_a_store_the_first_exercise_is_new():
    assert kind_and_id(plan(None, NOW, exercises=EXERCISES)) == ("new", IDS[0])


def test_the_first_unsolved_exercise_comes_next_fix_before_new():
    store = FakeStore({IDS[0]: SOLVED, IDS[1]: FakeStanding(attempts=2, last_status="fail")})
    assert kind_and_id(plan(store, NOW, exercises=EXERCISES)) == ("fix", IDS[1])
    store = FakeStore({IDS[0]: SOLVED})
    assert kind_and_id(plan(store, NOW, exercises=EXERCISES)) == ("new", IDS[1])


def test_the_exercise_just_graded_comes_first_while_it_fails():
    store = FakeStore({IDS[2]: FakeStanding(attempts=1, last_status="fail")})
    assert kind_and_id(plan(store, NOW, after=IDS[2], exercises=EXERCISES)) == ("fix", IDS[2])
    assert kind_and_id(plan(store, NOW, exercises=EXERCISES)) == ("new", IDS[0])  # otherwise: the first unsolved


def test_a_due_review_comes_before_any_new_exercise_and_a_started_one_before_that():
    due = FakeReview(IDS[0], due=NOW.timestamp() - DAY)
    later = FakeReview(IDS[1], due=NOW.timestamp() + 5 * DAY)
    store = FakeStore({IDS[0]: SOLVED, IDS[1]: SOLVED}, {IDS[0]: due, IDS[1]: later})
    assert kind_and_id(plan(store, NOW, exercises=EXERCISES)) == ("review", IDS[0])
    started = FakeReview(IDS[1], due=later.due, started_at=NOW.timestamp() - 60)
    store.reviews[IDS[1]] = started
    assert kind_and_id(plan(store, NOW, exercises=EXERCISES)) == ("reviewing", IDS[1])


def test_due_means_on_its_local_day_and_never_while_in_progress():
    assert is_due(FakeReview("x", due=NOW.timestamp()), NOW)
    assert is_due(FakeReview("x", due=NOW.timestamp() - 30 * DAY), NOW)  # overdue is due
    assert not is_due(FakeReview("x", due=(NOW + timedelta(days=2)).timestamp()), NOW)
    assert not is_due(FakeReview("x", due=NOW.timestamp() - DAY, started_at=NOW.timestamp()), NOW)


def test_done_when_all_solved_and_nothing_due_and_the_line_names_the_next_review():
    reviews = {i: FakeReview(i, due=NOW.timestamp() + (k + 3) * DAY) for k, i in enumerate(IDS)}
    store = FakeStore(dict.fromkeys(IDS, SOLVED), reviews)
    assert plan(store, NOW, exercises=EXERCISES).kind == "done"
    line = next_line(store, NOW, exercises=EXERCISES)
    assert line.startswith(f"next: every exercise is solved and no review is due; the next is {IDS[0]} on 2026-03-13")
    assert "(in 3 days)" in line


def test_a_solved_exercise_whose_latest_grade_fails_is_a_regression():
    broken = FakeStanding(attempts=3, solved=True, last_status="fail")
    store = FakeStore({**dict.fromkeys(IDS, SOLVED), IDS[1]: broken})
    assert regressions(store, {}, EXERCISES) == [IDS[1]]
    assert next_line(store, NOW, exercises=EXERCISES).startswith(
        f"next: every exercise is solved; your latest grade of {IDS[1]} fails")
    in_review = {IDS[1]: FakeReview(IDS[1], due=0.0, started_at=NOW.timestamp())}
    assert regressions(store, in_review, EXERCISES) == []  # a review in progress is not a regression
