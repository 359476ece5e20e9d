"""`studykit next` and `studykit progress`: what to do next, and a summary with the 30-day review calendar."""

from __future__ import annotations

from pathlib import Path

import click

from studykit import catalog
from studykit.practice.context import PracticeContext, echo_json, pass_app
from studykit.practice.planner import Step, is_due, next_line, plan
from studykit.practice.terminal import calendar
from studykit.practice.words import NO_WORKSPACE, latest, mark, review_json


def _next_json(root: Path | None, store, now, step: Step | None) -> dict:
    from studykit.clock import iso
    from studykit.workspace import solution_path

    if root is None:
        first = catalog.all_exercises()[0]
        return {"workspace": None, "action": "init", "exercise": first.id, "title": first.title, "file": None,
                "command": "studykit init my-practice", "review": None,
                "message": "next: `studykit init my-practice`, then `cd my-practice && studykit next`"}
    assert step is not None and store is not None and now is not None
    ex = step.exercise
    commands = {"reviewing": "studykit grade {id}", "review": "studykit review {id}", "fix": "studykit grade {id}",
                "new": "studykit show {id}"}
    return {"workspace": str(root), "now": iso(now), "action": step.kind,
            "exercise": ex.id if ex else None, "title": ex.title if ex else None,
            "file": str(solution_path(root, ex)) if ex else None,
            "command": commands[step.kind].format(id=ex.id) if ex else None,
            "review": review_json(store.review_state(ex.id), now) if ex else None,
            "reviews_due": sum(is_due(r, now) for r in store.review_states().values()),
            "message": next_line(store, now)}


@click.command("next")
@click.option("--json", "as_json", is_flag=True, help="Print what to do next as JSON.")
@pass_app
def next_(app: PracticeContext, as_json: bool) -> None:
    """What to do next: a review in progress, a due review, then the first exercise not solved yet."""
    root = app.workspace
    if root is None:
        if as_json:
            echo_json(_next_json(None, None, None, None))
            return
        first = catalog.all_exercises()[0]
        click.echo(NO_WORKSPACE)
        click.echo(f"then start with {first.id} · {first.title}")
        click.echo("next: `studykit init my-practice`, then `cd my-practice && studykit next`")
        return
    from studykit.clock import days_from_today, local, local_date
    from studykit.workspace import solution_path

    now = app.now()
    with app.open_store(root) as store:
        step = plan(store, now)
        if as_json:
            echo_json(_next_json(root, store, now, step))
            return
        ex = step.exercise
        if step.kind == "done":
            click.echo("Every exercise is solved. 🎉")
            click.echo(next_line(store, now))
            return
        assert ex is not None
        if step.kind in ("reviewing", "review"):
            state = store.review_state(ex.id)
            assert state is not None  # the plan chose it from the review states
            if step.kind == "reviewing":
                failed, hints = store.review_counts(ex.id)
                so_far = f"{failed} failed grade{'s' if failed != 1 else ''}" + (", a hint" if hints else "")
                assert state.started_at is not None  # in progress
                click.echo(f"{ex.id} · {ex.title} — review in progress since "
                           f"{local(state.started_at):%Y-%m-%d %H:%M} ({so_far} so far)")
                click.echo(f"edit:  {solution_path(root, ex)}")
            else:
                day = local_date(state.due)
                click.echo(f"{ex.id} · {ex.title} — due for review ({day.isoformat()}, "
                           f"{days_from_today(day, local_date(now))})")
                click.echo("a review is a re-implementation: your solution is kept in "
                           f".studykit/attempts/{ex.id}/ and you write it again from a fresh starter")
            click.echo(next_line(store, now))
            return
        s = store.standing(ex.id)
        so_far = "not started" if not s.attempts else f"attempted {s.attempts}×, best {s.best_score:.0%}, {latest(s)}"
        click.echo(f"{ex.id} · {ex.title} ({so_far})")
        click.echo(f"edit:  {solution_path(root, ex)}")
        click.echo(f"next: `studykit show {ex.id}`, edit that file, then `studykit grade {ex.id}`")



@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the progress summary as JSON.")
@pass_app
def progress(app: PracticeContext, as_json: bool) -> None:
    """A summary of your progress: standing, next review of each exercise, and a 30-day review calendar."""
    from studykit.clock import days_from_today, iso, local_date

    root = app.require_workspace()
    now = app.now()
    today = local_date(now)
    with app.open_store(root) as store:
        exercises = catalog.all_exercises()
        standings = {ex.id: store.standing(ex.id) for ex in exercises}
        reviews = {k: v for k, v in store.review_states().items() if k in standings}
        solved = [ex for ex in exercises if standings[ex.id].solved]
        history = store.history()
        days: dict[str, int] = {}
        for _, _, _, at in history:
            day = local_date(at).isoformat()
            days[day] = days.get(day, 0) + 1
        days_due, chart = calendar(reviews, now)
        due_now = sum(is_due(r, now) for r in reviews.values())
        if as_json:
            echo_json({
                "now": iso(now), "today": today.isoformat(), "solved": len(solved), "exercises_total": len(exercises),
                "grades": len(history), "reviews_due": due_now,
                "exercises": [{
                    "id": ex.id, "title": ex.title, "solved": s.solved, "attempts": s.attempts, "trials": s.trials,
                    "best_score": s.best_score, "latest_status": s.last_status,
                    "latest_score": s.last_score if s.attempts else None,
                    "solved_at": iso(s.first_pass_at) if s.first_pass_at else None,
                    "solved_on": local_date(s.first_pass_at).isoformat() if s.first_pass_at else None,
                    "review": review_json(reviews.get(ex.id), now)}
                    for ex in exercises for s in [standings[ex.id]]],
                "calendar": days_due, "grades_per_day": days, "next": next_line(store, now)})
            return
        grades = f"{len(history)} grade" + ("" if len(history) == 1 else "s")
        due_text = f" · {due_now} review{'s' if due_now != 1 else ''} due" if reviews else ""
        click.echo(f"solved {len(solved)}/{len(exercises)} exercises · {grades} in all{due_text}")
        click.echo("")
        for ex in exercises:
            s = standings[ex.id]
            if not s.attempts and not s.trials:
                continue
            bar = "█" * round(s.best_score * 10) + "░" * (10 - round(s.best_score * 10))
            when = local_date(s.first_pass_at).isoformat() if s.first_pass_at else "not yet"
            attempts = f"{s.attempts:>3} attempt" + ("s" if s.attempts != 1 else " ")
            latest_text = latest(s) or "latest —"
            line = f"{mark(s)} {ex.id} {bar} best {s.best_score:>4.0%}  {latest_text:<11}  {attempts}  solved: {when}"
            state = reviews.get(ex.id)
            if state is not None:
                if state.in_progress:
                    line += "  review: in progress"
                else:
                    due_day = local_date(state.due)
                    line += (f"  review: {due_day.isoformat()} "
                             f"({'due' if due_day <= today else days_from_today(due_day, today)})")
            if s.trials:
                line += f"  (+{s.trials} of other files)"
            click.echo(line)
        if days:
            click.echo("\ngrades per day: " + ", ".join(f"{d} {n}" for d, n in list(days.items())[-7:]))
        click.echo("")
        if reviews:
            for line in chart:
                click.echo(line)
        else:
            click.echo("no reviews scheduled yet: an exercise comes back for review once it is solved.")
        click.echo(next_line(store, now))

