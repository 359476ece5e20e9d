"""Spaced re-practice: `studykit review [EXERCISE] [--give-up]` and `studykit restore EXERCISE [ATTEMPT] [--list]`.

A review is a re-implementation: the current solution is kept as an attempt (`.studykit/attempts/exNN/`), a fresh
starter is laid, and the next passing grade of the workspace's solution.py is rated from what happened (see
studykit/review.py). fsrs is imported only when a rating is computed (in the store), never to list or start.
"""

from __future__ import annotations

from pathlib import Path

import click

from studykit import catalog
from studykit.practice.context import PracticeContext, echo_json, fail, pass_app
from studykit.practice.planner import is_due, next_line
from studykit.practice.words import review_json, schedule_json, schedule_lines, shown

RATING_RULES = ("rating: a pass on the first grade with no hint → Good (Easy when it took at most half the time of "
                "your last review of it); a pass after a hint or a failed grade → Hard; --give-up → Again")


def _state_rows(store, now) -> dict[str, list]:
    """Scheduled exercises by what they are now: in progress, due, later (each in order of due time)."""
    by_id = {ex.id: ex for ex in catalog.all_exercises()}
    rows: dict[str, list] = {"in_progress": [], "due": [], "later": []}
    for state in sorted(store.review_states().values(), key=lambda r: (r.due, r.exercise)):
        if state.exercise not in by_id:
            continue
        key = "in_progress" if state.in_progress else ("due" if is_due(state, now) else "later")
        rows[key].append((by_id[state.exercise], state))
    return rows


def _list_reviews(app: PracticeContext, root: Path, as_json: bool) -> None:
    from studykit.clock import days_from_today, iso, local, local_date

    now = app.now()
    today = local_date(now)
    with app.open_store(root) as store:
        rows = _state_rows(store, now)
        if as_json:
            echo_json({"now": iso(now), "today": today.isoformat(), **{
                key: [{"exercise": ex.id, "title": ex.title, **(review_json(state, now) or {})} for ex, state in items]
                for key, items in rows.items()}, "next": next_line(store, now)})
            return
        if not any(rows.values()):
            click.echo("nothing to review yet: an exercise comes back for review once a grade of your solution.py "
                       "passes, on the day FSRS schedules.")
            click.echo(next_line(store, now))
            return
        width = max(len(ex.title) for items in rows.values() for ex, _ in items)
        if rows["in_progress"]:
            click.echo("in progress:")
            for ex, state in rows["in_progress"]:
                click.echo(f"  {ex.id}  {ex.title:<{width}}  since {local(state.started_at):%Y-%m-%d %H:%M} — "
                           f"`studykit grade {ex.id}` when it is written again")
        if rows["due"]:
            click.echo(f"due today ({today.isoformat()}): {len(rows['due'])}")
            for ex, state in rows["due"]:
                day = local_date(state.due)
                late = "" if day == today else f" (due {day.isoformat()}, {days_from_today(day, today)})"
                click.echo(f"  {ex.id}  {ex.title:<{width}}  `studykit review {ex.id}`{late}")
        else:
            click.echo(f"nothing due today ({today.isoformat()}).")
        if rows["later"]:
            click.echo("later:")
            for ex, state in rows["later"]:
                day = local_date(state.due)
                click.echo(f"  {ex.id}  {ex.title:<{width}}  {day.isoformat()} ({days_from_today(day, today)}; "
                           f"interval {state.interval_days} d)")
        click.echo("\nA review is a re-implementation: `studykit review exNN` keeps your solution in "
                   ".studykit/attempts/exNN/ and lays a fresh starter; then grade as usual.")
        click.echo(next_line(store, now))


def _in_progress_message(ex: catalog.Exercise, state, path: Path) -> None:
    from studykit.clock import local

    click.echo(f"a review of {ex.id} is in progress since {local(state.started_at):%Y-%m-%d %H:%M}: "
               f"nothing was changed.")
    click.echo(f"edit:  {path}")
    click.echo(f"(to start over from the starter: `studykit reset {ex.id}`; to end it: "
               f"`studykit review {ex.id} --give-up`)")
    click.echo(f"next: write it again, then `studykit grade {ex.id}` (stuck? `studykit hint {ex.id}`)")


def _start(app: PracticeContext, root: Path, ex: catalog.Exercise, as_json: bool) -> None:
    from studykit import attempts
    from studykit.clock import days_from_today, iso, local_date
    from studykit.workspace import atomic_write_bytes, solution_path

    now = app.now()
    path = solution_path(root, ex)
    with app.open_store(root) as store:
        state = store.review_state(ex.id)
        if state is None:
            fail(f"{ex.id} is not solved yet, so there is nothing to review: its first review is scheduled when a "
                  f"grade of your solution.py passes.\nnext: `studykit grade {ex.id}`")
        if state.in_progress:
            if as_json:
                echo_json({"event": "in-progress", "exercise": ex.id, "file": str(path), "kept": state.attempt,
                       "review": review_json(state, now)})
                return
            _in_progress_message(ex, state, path)
            return
        starter = (ex.starter_dir / "solution.py").read_bytes()
        kept = found = None
        try:
            if path.is_file():
                current = path.read_bytes()
                if current != starter:
                    found = attempts.already_kept(root, ex.id, current)
                    kept = found.path if found else attempts.keep(root, ex.id, current, now)
            atomic_write_bytes(path, starter)
        except OSError as exc:
            fail(f"cannot lay a fresh starter at {path}: {exc.strerror or exc} (your file is unchanged"
                  + (f"; it is also kept as {kept})" if kept else ")"))
        outcome = store.start_review(ex.id, now, str(kept) if kept else None)
        if outcome != "started":  # another terminal started it between our look and now
            state = store.review_state(ex.id)
            if as_json:
                echo_json({"event": "in-progress", "exercise": ex.id, "file": str(path),
                       "kept": str(kept) if kept else None,
                       "review": review_json(state, now)})
                return
            _in_progress_message(ex, state, path)
            return
        day = local_date(state.due)
        if as_json:
            echo_json({"event": "started", "exercise": ex.id, "title": ex.title, "file": str(path),
                   "kept": str(kept) if kept else None, "started_at": iso(now), "due": iso(state.due),
                   "due_date": day.isoformat(), "early": day > local_date(now),
                   "next": f"studykit grade {ex.id}"})
            return
        when = days_from_today(day, local_date(now))
        click.echo(f"review of {ex.id} · {ex.title} started — "
                   + (f"due {day.isoformat()} ({when})." if day <= local_date(now)
                      else f"early: it is due {day.isoformat()} ({when}); FSRS counts an early review as one."))
        if kept:
            click.echo(f"your solution is {'already ' if found else ''}kept as {shown(kept)} "
                       f"(`studykit restore {ex.id}` brings it back)")
        click.echo(f"fresh starter: {path} — write it again from memory, then grade it as usual.")
        click.echo(RATING_RULES)
        click.echo(f"next: `studykit show {ex.id}` for the task, edit that file, then `studykit grade {ex.id}`")


def _give_up(app: PracticeContext, root: Path, exercise: str | None, as_json: bool) -> None:
    now = app.now()
    with app.open_store(root) as store:
        if exercise is None:
            started = [r.exercise for r in store.review_states().values() if r.in_progress]
            if len(started) != 1:
                fail("name the review to give up: `studykit review exNN --give-up`"
                      + (f" (in progress: {', '.join(sorted(started))})" if started else " (none is in progress)"))
            ex = app.exercise(started[0])
        else:
            ex = app.exercise(exercise)
        scheduled = store.give_up(ex.id, now)
        if scheduled is None:
            state = store.review_state(ex.id)
            hint = (f"start one with `studykit review {ex.id}`" if state is not None
                    else f"{ex.id} is not solved yet")
            fail(f"no review of {ex.id} is in progress: {hint}.")
        if as_json:
            echo_json({**(schedule_json(scheduled) or {}), "next": next_line(store, now)})
            return
        for line in schedule_lines(scheduled, now):
            click.echo(line)
        click.echo(f"your file is left as it is. To compare with your earlier solution: `studykit restore {ex.id}` "
                   f"(your current file is kept as an attempt first).")
        click.echo(next_line(store, now))


@click.command()
@click.argument("exercise", required=False)
@click.option("--give-up", "give_up", is_flag=True,
              help="End the review in progress, rated Again (it comes back soon).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def review(app: PracticeContext, exercise: str | None, give_up: bool, as_json: bool) -> None:
    """Re-implement a solved exercise from a fresh starter (your solution is kept); without EXERCISE, list what
    is due and when the rest is.

    \b
    The next passing grade of your solution.py rates the review for FSRS:
      first grade, no hint            → Good (Easy in at most half the time of your last review)
      after a hint or a failed grade  → Hard
      --give-up                       → Again
    """
    root = app.require_workspace()
    if give_up:
        _give_up(app, root, exercise, as_json)
    elif exercise is None:
        _list_reviews(app, root, as_json)
    else:
        _start(app, root, app.exercise(exercise), as_json)


@click.command()
@click.argument("exercise")
@click.argument("attempt", required=False)
@click.option("--list", "as_list", is_flag=True, help="List the kept attempts of EXERCISE.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def restore(app: PracticeContext, exercise: str, attempt: str | None, as_list: bool, as_json: bool) -> None:
    """Bring a kept attempt back as your solution.py: ATTEMPT is its number in --list or its file name
    (default: the newest). Your current file is kept as an attempt first."""
    from studykit import attempts
    from studykit.clock import iso, local
    from studykit.workspace import atomic_write_bytes, solution_path

    ex = app.exercise(exercise)
    root = app.require_workspace()
    try:
        kept = attempts.listing(root, ex.id)
    except OSError as exc:
        fail(f"cannot read the kept attempts of {ex.id}: {exc.strerror or exc}")
    path = solution_path(root, ex)

    def lines(attempt) -> int | None:
        try:
            return len(attempt.path.read_bytes().splitlines())
        except OSError:
            return None

    if as_list:
        if as_json:
            echo_json({"exercise": ex.id, "file": str(path), "attempts": [
                {"number": a.number, "path": str(a.path), "kept_at": iso(a.kept_at), "lines": lines(a)}
                for a in kept]})
            return
        if not kept:
            click.echo(f"no kept attempts of {ex.id} yet: `studykit review {ex.id}` keeps your solution when it lays "
                       f"a fresh starter, and `restore` keeps the file it replaces.")
            click.echo("next: `studykit review` lists what is due")
            return
        click.echo(f"kept attempts of {ex.id} ({shown(kept[0].path.parent)}), oldest first:")
        for a in kept:
            count = lines(a)
            size = f"{count} lines" if count is not None else "cannot be read"
            click.echo(f"  {a.number:>2}  {local(a.kept_at):%Y-%m-%d %H:%M}  {a.name}  {size}")
        click.echo(f"next: `studykit restore {ex.id} N` brings attempt N back (without N: the newest, "
                   f"{kept[-1].number})")
        return
    if not kept:
        fail(f"no kept attempts of {ex.id} to restore (`studykit restore {ex.id} --list`).")
    chosen: attempts.Attempt | None
    if attempt is None:
        chosen = kept[-1]
    else:
        key = attempt.strip()
        chosen = next((a for a in kept if key == str(a.number) or key in (a.name, a.name[:-3])), None)
        if chosen is None:
            fail(f"{ex.id} has no attempt {attempt!r}; `studykit restore {ex.id} --list` shows them (1–{len(kept)}).")
    with app.open_store(root) as store:
        state = store.review_state(ex.id)
        if state is not None and state.in_progress:
            fail(f"a review of {ex.id} is in progress: bringing back an earlier solution would grade that instead "
                  f"of your re-implementation.\nTo stop and look at it: `studykit review {ex.id} --give-up`, then "
                  f"`studykit restore {ex.id}`.")
    now = app.now()
    saved = None
    try:
        data = chosen.path.read_bytes()
        if path.is_file():
            current = path.read_bytes()
            if current == data:
                message = f"{shown(path)} is already attempt {chosen.number}: nothing changed."
                if as_json:
                    echo_json({"event": "unchanged", "exercise": ex.id, "restored": str(chosen.path), "file": str(path),
                           "kept": None})
                else:
                    click.echo(message)
                    click.echo(f"next: `studykit grade {ex.id}`")
                return
            starter = (ex.starter_dir / "solution.py").read_bytes()
            if current != starter:
                found = attempts.already_kept(root, ex.id, current)
                saved = found.path if found else attempts.keep(root, ex.id, current, now)
        atomic_write_bytes(path, data)
    except OSError as exc:
        fail(f"cannot restore {path}: {exc.strerror or exc} (your file is unchanged)")
    if as_json:
        echo_json({"event": "restored", "exercise": ex.id, "restored": str(chosen.path), "number": chosen.number,
               "file": str(path), "kept": str(saved) if saved else None})
        return
    click.echo(f"restored attempt {chosen.number} (kept {local(chosen.kept_at):%Y-%m-%d %H:%M}) to {path}")
    if saved:
        click.echo(f"the file it replaced is kept as {shown(saved)}")
    click.echo(f"next: `studykit grade {ex.id}`")

