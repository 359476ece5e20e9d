"""`studykit list`, `studykit show EXERCISE` and `studykit hint EXERCISE`: the exercises, their tasks and hints."""

from __future__ import annotations

from typing import Any

import click

from studykit import catalog
from studykit.practice.context import PracticeContext, echo_json, fail, pass_app
from studykit.practice.planner import next_line
from studykit.practice.terminal import render_task
from studykit.practice.words import NO_WORKSPACE, latest, mark, review_json, review_word


@click.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@pass_app
def list_(app: PracticeContext, as_json: bool) -> None:
    """Every exercise: ✓ solved, ✗ attempted, · not yet; best and latest score of your solution.py; its review."""
    root = app.workspace
    store = app.store_or_none(root)
    now: Any = app.now() if store is not None else None  # read only with a workspace
    reviews = store.review_states() if store is not None else {}
    rows = []
    for ex in catalog.all_exercises():
        s = store.standing(ex.id) if store is not None else None
        rows.append((ex, s, reviews.get(ex.id)))
    if as_json:
        echo_json({"workspace": str(root) if store is not None else None, "exercises": [
            {"id": ex.id, "title": ex.title, "topics": list(ex.topics),
             "solved": bool(s and s.solved), "attempts": s.attempts if s else 0,
             "best_score": s.best_score if s else 0.0, "latest_status": s.last_status if s else None,
             "latest_score": s.last_score if s and s.attempts else None,
             "review": review_json(state, now) if store is not None else None}
            for ex, s, state in rows],
            "next": next_line(store, now) if store is not None else
            "next: `studykit init my-practice`, then `cd my-practice && studykit next`"})
        if store is not None:
            store.close()
        return
    words = {ex.id: review_word(state, now) for ex, _, state in rows if state is not None}
    width = max((len(w) for w in words.values()), default=0)
    for ex, s, _ in rows:
        sign, best, last = "·", "", ""
        if s is not None:
            sign, last = mark(s), latest(s)
            best = f"{s.best_score:.0%}" if s.attempts else ""
        review = f"{words.get(ex.id, ''):<{width}}  " if width else ""
        click.echo(f"{sign} {ex.id}  {best:>4}  {last:<11}  {review}{ex.title}  ({', '.join(ex.topics)})")
    if store is None:
        click.echo("\nprogress is not shown: " + NO_WORKSPACE)
        click.echo("next: `studykit init my-practice`, then `cd my-practice && studykit next`")
    else:
        legend = "✓ solved (your solution.py passed once) · ✗ attempted · latest = your last grade of solution.py"
        if width:
            legend += "\nreview = when a solved exercise comes back to be written again from a fresh starter"
        click.echo("\n" + legend)
        click.echo(next_line(store, now))
        store.close()



@click.command()
@click.argument("exercise")
@click.option("--raw", is_flag=True, help="Print the README's Markdown as it is (for a Markdown viewer).")
@pass_app
def show(app: PracticeContext, exercise: str, raw: bool) -> None:
    """Show an exercise's task (its README, rendered for the terminal) and where its file is."""
    from studykit.workspace import find_workspace, solution_path

    ex = app.exercise(exercise)
    root = find_workspace()
    readme = (root / "exercises" / ex.folder / "README.md") if root else None
    if readme is None or not readme.is_file():
        readme = ex.starter_dir / "README.md"
    text = readme.read_text(encoding="utf-8")
    click.echo(text.rstrip() if raw else render_task(text, readme.parent, app.color))
    click.echo("")
    if root:
        click.echo(f"edit:  {solution_path(root, ex)}")
        click.echo(f"next: edit solution.py, then `studykit grade {ex.id}` (stuck? `studykit hint {ex.id}`)")
    else:
        click.echo(NO_WORKSPACE)
        click.echo(f"next: `studykit init my-practice`, then `cd my-practice && studykit show {ex.id}`")



@click.command()
@click.argument("exercise")
@click.option("--level", type=click.IntRange(min=1), help="Show hint number N instead of the next one.")
@pass_app
def hint(app: PracticeContext, exercise: str, level: int | None) -> None:
    """Show the next hint (each call goes one step further), or --level N."""
    ex = app.exercise(exercise)
    if not ex.hints:
        click.echo(f"{ex.id} has no hints.")
        return
    root = app.workspace
    store = app.store_or_none(root)
    total = len(ex.hints)
    reviewing = False
    try:
        if level is None:
            seen = store.hint_level(ex.id) if store else 0
            if seen >= total:
                click.echo(f"no more hints for {ex.id}: you have seen all {total}. "
                           f"`studykit hint {ex.id} --level N` shows hint N (1–{total}) again, and "
                           f"`studykit show {ex.id}` has the task with its maths.")
                click.echo(f"next: try it, then `studykit grade {ex.id}`")
                return
            level = seen + 1
        elif level > total:
            fail(f"{ex.id} has {total} hints; use --level 1 to {total}.")
        click.echo(f"hint {level}/{total} for {ex.id}:\n")
        click.echo(ex.hints[level - 1].strip())
        if store is not None:
            store.set_hint_level(ex.id, max(level, store.hint_level(ex.id)))
            state = store.review_state(ex.id)
            reviewing = state is not None and state.in_progress
    finally:
        if store is not None:
            store.close()
    click.echo("")
    if level < total:
        click.echo(f"(more: `studykit hint {ex.id}` again shows hint {level + 1})")
    else:
        click.echo("(that was the last hint)")
    if store is None:
        click.echo("(no workspace here, so the hints seen are not remembered: use --level N)")
    if reviewing:
        click.echo(f"(reviewing {ex.id}: with a hint seen, a pass rates Hard)")
    click.echo(f"next: try it, then `studykit grade {ex.id}`")

