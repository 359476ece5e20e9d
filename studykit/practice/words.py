"""The words practice commands print about standings and reviews, and their --json records.

Shared by list, next, progress, grade, watch and review, so that every command says the same thing the same way.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from studykit.clock import days_from_today, iso, local_date
from studykit.practice.planner import is_due


def shown(path: Path) -> str:
    """A path as the learner can type it from here: relative when it is below the current folder."""
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def mark(standing: Any) -> str:
    """✓ solved (a grade of the workspace's own file passed), ✗ attempted, · not graded yet."""
    return "✓" if standing.solved else ("✗" if standing.attempts else "·")


def latest(standing: Any) -> str:
    """The latest grade of the workspace's own file, e.g. `latest ✗ 40%`; empty when there is none."""
    if not standing.attempts:
        return ""
    return f"latest {'✓' if standing.last_status == 'pass' else '✗'} {standing.last_score:>4.0%}"



def review_word(state: Any, now: datetime) -> str:
    """`reviewing`, `review due`, `review 2024-05-10` — the short form list shows."""
    if state.in_progress:
        return "reviewing"
    return "review due" if is_due(state, now) else f"review {local_date(state.due).isoformat()}"


def review_json(state: Any, now: datetime) -> dict | None:
    """One exercise's review state for --json (UTC times; `due_date` is the local date it is due on)."""
    from studykit.progress import RATING_NAMES

    if state is None:
        return None
    return {
        "state": "in-progress" if state.in_progress else ("due" if is_due(state, now) else "scheduled"),
        "due": iso(state.due),
        "due_date": local_date(state.due).isoformat(),
        "interval_days": state.interval_days,
        "reviews": state.reviews,
        "last_rating": RATING_NAMES.get(state.last_rating),
        "started_at": iso(state.started_at) if state.in_progress else None,
    }


NO_WORKSPACE = ("no workspace here (a folder with exercises/ and .studykit/). Make one:\n"
                "  studykit init my-practice     # copies every exercise into my-practice/exercises/\n"
                "  cd my-practice")



def duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 90:
        return f"{seconds} s"
    minutes = round(seconds / 60)
    return f"{minutes} min" if minutes < 90 else f"{minutes // 60} h {minutes % 60:02d} min"


def why(s: Any) -> str:
    """Why a rating is what it is, in the words of the README's mapping."""
    if s.kind == "give-up":
        return "you gave up"
    reasons = []
    if s.failed:
        reasons.append(f"{s.failed} failed grade{'s' if s.failed != 1 else ''}")
    if s.hints:
        reasons.append("a hint")
    if reasons:
        return " and ".join(reasons) + " before the pass"
    if s.rating == 4:
        return (f"passed on the first grade with no hint, in {duration(s.took)} — at most half of your last "
                f"review's {duration(s.last_took)}")
    if s.took is not None:
        return f"passed on the first grade with no hint, in {duration(s.took)}"
    return "passed on the first grade with no hint"


def days(n: int) -> str:
    return f"{n} day" + ("" if n == 1 else "s")


def schedule_lines(s: Any, now: datetime) -> list[str]:
    day = local_date(s.due)
    when = f"{day.isoformat()} ({days_from_today(day, local_date(now))})"
    if s.kind == "solve":
        return [f"{s.exercise} solved. It comes back for review on {when}: you will write it again from a fresh "
                f"starter (rated {s.rating_name}: {why(s)})."]
    was = f", was {days(s.previous_interval_days)}" if s.previous_interval_days is not None else ""
    interval = f"interval {days(s.interval_days)}{was}"
    if s.kind == "give-up":
        return [f"gave up the review of {s.exercise}: rated Again — it comes back on {when}; {interval}."]
    return [f"review of {s.exercise} done: {s.rating_name} ({why(s)}). Next review on {when}; {interval}."]


def schedule_json(s: Any) -> dict | None:
    if s is None:
        return None
    return {"event": s.kind, "exercise": s.exercise, "rating": s.rating_name, "at": iso(s.at),
            "due": iso(s.due), "due_date": local_date(s.due).isoformat(), "interval_days": s.interval_days,
            "previous_due": iso(s.previous_due) if s.previous_due is not None else None,
            "previous_interval_days": s.previous_interval_days, "failed_grades": s.failed, "hints": s.hints,
            "seconds": round(s.took, 1) if s.took is not None else None}

