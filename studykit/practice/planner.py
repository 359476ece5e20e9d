"""What comes next: the one order `next`, the end of every practice command and `watch` use.

A pure library over a store and a moment: the store needs only `standing(id)` and `review_states()` (a fake one
does for tests), `now` is an aware datetime (the context's clock), and the exercises default to the catalog's.
The order: the exercise just graded when it still fails, then a review in progress, then a due review (before
any new exercise), then the first exercise not solved yet; 'done' when every exercise is solved and nothing is due.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from studykit import catalog
from studykit.clock import days_from_today, local_date


class StandingStore(Protocol):
    """What the planner reads from the progress store."""

    def standing(self, exercise: str) -> Any: ...

    def review_states(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Step:
    """What to do next: 'reviewing' (a review in progress), 'review' (one is due), 'fix' (an attempted
    exercise), 'new' (not started) or 'done' (every exercise solved, nothing due)."""

    kind: str
    exercise: catalog.Exercise | None = None


def is_due(state: Any, now: datetime) -> bool:
    """Due on its day: from the start of its due date, in local time, until it is reviewed."""
    return not state.in_progress and local_date(state.due) <= local_date(now)


def regressions(store: StandingStore, reviews: dict[str, Any],
                exercises: Sequence[catalog.Exercise] | None = None) -> list[str]:
    """Solved exercises whose latest grade fails (the learner broke them again), reviews in progress aside."""
    exercises = exercises if exercises is not None else catalog.all_exercises()
    return [ex.id for ex in exercises
            if (s := store.standing(ex.id)).solved and s.last_status != "pass"
            and not (ex.id in reviews and reviews[ex.id].in_progress)]


def plan(store: StandingStore | None, now: datetime, after: str | None = None,
         exercises: Sequence[catalog.Exercise] | None = None) -> Step:
    """The next step; `after`: the exercise just graded (it comes first while it still fails)."""
    exercises = exercises if exercises is not None else catalog.all_exercises()
    if store is None:
        return Step("new", exercises[0])
    by_id = {ex.id: ex for ex in exercises}
    reviews = {k: v for k, v in store.review_states().items() if k in by_id}
    if after in reviews and reviews[after].in_progress:
        return Step("reviewing", by_id[after])
    if after in by_id and not store.standing(after).solved:
        return Step("fix", by_id[after])
    started = sorted((r for r in reviews.values() if r.in_progress), key=lambda r: r.started_at)
    if started:
        return Step("reviewing", by_id[started[0].exercise])
    due = sorted((r for r in reviews.values() if is_due(r, now)), key=lambda r: (r.due, r.exercise))
    if due:
        return Step("review", by_id[due[0].exercise])
    for ex in exercises:
        s = store.standing(ex.id)
        if not s.solved:
            return Step("fix" if s.attempts else "new", ex)
    return Step("done")


def next_line(store: StandingStore, now: datetime, after: str | None = None,
              exercises: Sequence[catalog.Exercise] | None = None) -> str:
    """The plan as the `next: …` line every practice command ends with."""
    exercises = exercises if exercises is not None else catalog.all_exercises()
    step = plan(store, now, after, exercises)
    ex = step.exercise
    if step.kind == "reviewing":
        assert ex is not None
        return (f"next: write {ex.id} again from the starter, then `studykit grade {ex.id}` (stuck? `studykit hint "
                f"{ex.id}`; `studykit review {ex.id} --give-up` ends the review)")
    if step.kind == "review":
        assert ex is not None
        return (f"next: {ex.id} is due for review — `studykit review {ex.id}` keeps your solution and lays a fresh "
                f"starter to write it again")
    if step.kind == "fix":
        assert ex is not None
        return f"next: fix {ex.id}, then `studykit grade {ex.id}` (stuck? `studykit hint {ex.id}`)"
    if step.kind == "new":
        assert ex is not None
        return f"next: `studykit show {ex.id}` — {ex.title}"
    reviews = store.review_states()
    broken = regressions(store, reviews, exercises)
    if broken:
        return (f"next: every exercise is solved; your latest grade of {', '.join(broken)} fails — "
                f"`studykit grade {broken[0]}` once it is fixed again.")
    upcoming = sorted(reviews.values(), key=lambda r: (r.due, r.exercise))
    if upcoming:
        first = upcoming[0]
        day = local_date(first.due)
        return (f"next: every exercise is solved and no review is due; the next is {first.exercise} on "
                f"{day.isoformat()} ({days_from_today(day, local_date(now))}) — `studykit review` lists them.")
    return ("next: every exercise is solved — review your deck with `studykit build`, or try "
            "`studykit progress`.")
