"""`studykit grade EXERCISE` and `studykit watch [EXERCISE]`: grade in a sandboxed child, record, say what next.

Nothing here imports numpy: the learner's code and the checks run in the grading child (grading.runner).
"""

from __future__ import annotations

import secrets
import sys
import time
from pathlib import Path
from typing import Any

import click

from studykit import catalog
from studykit.grading import options as grading_options
from studykit.practice.context import PracticeContext, fail, pass_app
from studykit.practice.planner import Step, next_line, plan
from studykit.practice.words import schedule_json, schedule_lines


def _replay_command(ex: catalog.Exercise, seed: int, file: str | None, timeout: float | None) -> str:
    """The one command that grades the same file with the same random inputs again."""
    import shlex

    command = f"studykit grade {ex.id} --seed {seed}"
    if file:
        command += f" --file {shlex.quote(file)}"
    if timeout is not None:
        command += f" --timeout {timeout:g}"
    return command


def _grade_once(app: PracticeContext, ex: catalog.Exercise, path: Path, seed: int, timeout: float | None,
                root: Path | None, replay: str | None = None, trial: bool = False) -> tuple[dict, Any]:
    """Grade `path` and record it in the workspace's store; `trial` = it is not the workspace's own solution.py.
    Returns (the result object, with `schedule`: what the grade did to the review schedule; that Scheduled or None).
    The store is opened first, so a damaged one is reported before any grading."""
    from studykit.grading.runner import run_in_child

    now = app.now()  # the grade's time (read before grading, so a bad STUDYKIT_NOW wastes no grading)
    store = app.store_or_none(root)
    try:
        try:
            starter = not trial and path.read_bytes() == (ex.starter_dir / "solution.py").read_bytes()
        except OSError:
            starter = False
        result = run_in_child(ex, path, seed=seed, timeout=timeout, replay=replay)
        scheduled = None
        if store is not None:
            scheduled = store.record_grade(ex.id, result["status"], result["score"], seed, result["duration"],
                                           file=str(path) if trial else None, now=now, starter=starter)
    finally:
        if store is not None:
            store.close()
    result["schedule"] = schedule_json(scheduled)
    return result, scheduled


def _review_status_lines(store, ex: catalog.Exercise, now, scheduled) -> list[str]:
    """After a grade of the workspace's file: what it did to the schedule, or where the review in progress is."""
    if scheduled is not None:
        return schedule_lines(scheduled, now)
    state = store.review_state(ex.id)
    if state is not None and state.in_progress:
        failed, hints = store.review_counts(ex.id)
        if failed or hints:
            why = " and ".join(x for x in (f"{failed} failed grade{'s' if failed != 1 else ''}" if failed else "",
                                            "a hint" if hints else "") if x)
            return [f"(reviewing {ex.id}: {why} so far, so a pass now rates Hard)"]
        return [f"(reviewing {ex.id}: a pass on the first grade with no hint rates Good)"]
    return []


def _solution_for(app: PracticeContext, ex: catalog.Exercise, file: str | None) -> tuple[Path, Path | None, bool]:
    """(the file to grade, the workspace it belongs to or None, whether it is a trial of another file)."""
    from studykit.workspace import find_workspace, solution_path

    if file:
        path = Path(file).expanduser()
        if not path.is_file():
            fail(f"no such file: {file}")
        path = path.resolve()
        root = find_workspace()
        own = root is not None and path == solution_path(root, ex).resolve()
        return path, root, not own
    root = app.require_workspace()
    path = solution_path(root, ex)
    if not path.is_file():
        fail(f"{path} does not exist; restore the starter with `studykit reset {ex.id}`.")
    return path, root, False


@click.command()
@click.argument("exercise")
@click.option("--file", "file", metavar="PATH", type=grading_options.SOLUTION_FILE,
              help="Grade this file instead of the workspace's solution.py.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON result object (Exercism-style).")
@click.option("--seed", type=grading_options.SEED,
              help="Seed for the random cases; every failing report prints the one to replay.")
@click.option("--timeout", type=grading_options.TIMEOUT,
              help="Seconds to wait for your code (its run time, not the grader's checks; default: the exercise's).")
@click.option("--plot", metavar="PNG", type=click.Path(dir_okay=False, path_type=Path),
              help="ex13, ex16: also draw the training curve(s) as a PNG "
                   "(needs matplotlib: pip install 'studykit[plot]').")
@pass_app
def grade(app: PracticeContext, exercise: str, file: str | None, as_json: bool, seed: int | None, timeout: float | None,
          plot: Path | None) -> None:
    """Grade an exercise (ex03, 3, 03 or the folder name) in a sandboxed child process."""
    from studykit.grading.report import render_json, render_table

    ex = app.exercise(exercise)
    path, root, trial = _solution_for(app, ex, file)
    if plot is not None:  # before a grade that may train for a minute
        from studykit.grading.curve import plotting_missing

        if missing := plotting_missing():
            fail(missing)
    seed = seed if seed is not None else secrets.randbelow(100_000)
    result, scheduled = _grade_once(app, ex, path, seed, timeout, root, _replay_command(ex, seed, file, timeout),
                                    trial=trial)
    plotted = None
    if plot is not None:
        from studykit.grading.curve import save_plot

        plotted = save_plot(result, plot)
    if as_json:
        click.echo(render_json(result))
        if plotted:
            click.echo(plotted, err=True)  # --json keeps stdout one JSON object
    else:
        click.echo(render_table(result, color=app.color))
        if plotted:
            click.echo(plotted)
        now = app.now()
        if root is not None and trial:
            from studykit.workspace import solution_path

            own = solution_path(root, ex)
            click.echo(f"(a trial of {path}: recorded apart from {ex.id}'s standing, which only a grade of "
                       f"{own} changes)")
            with app.open_store(root) as store:
                solved = store.standing(ex.id).solved
            if result["status"] == "pass" and not solved:
                click.echo(f"next: to mark {ex.id} solved, put this code in {own}, then `studykit grade {ex.id}`")
                sys.exit(0)
        if root is not None:
            with app.open_store(root) as store:
                if not trial:
                    for line in _review_status_lines(store, ex, now, scheduled):
                        click.echo(line)
                click.echo(next_line(store, now, after=None if trial else ex.id))
    sys.exit(0 if result["status"] == "pass" else 1)



@click.command()
@click.argument("exercise", required=False)
@click.option("--interval", type=float, default=0.5, show_default=True, help="Seconds between checks of the file.")
@pass_app
def watch(app: PracticeContext, exercise: str | None, interval: float) -> None:
    """Re-grade whenever the solution file is saved, until Ctrl-C (default: the review in progress, or the next
    exercise not solved)."""
    from studykit.clock import local
    from studykit.grading.report import render_table
    from studykit.workspace import solution_path

    root = app.require_workspace()
    if exercise is None:
        with app.open_store(root) as store:
            step = plan(store, app.now())
            if step.kind == "review":  # watching does not start a review: the first unsolved exercise
                step = next((Step("new", ex) for ex in catalog.all_exercises()
                             if not store.standing(ex.id).solved), Step("done"))
        ex = step.exercise
        if ex is None:
            click.echo("Every exercise passes; name one to watch: studykit watch ex03")
            return
    else:
        ex = app.exercise(exercise)
    path = solution_path(root, ex)
    click.echo(f"watching {path} — save to re-grade, Ctrl-C to stop")
    last = None
    try:
        while True:
            try:
                mtime = path.stat().st_mtime_ns
            except FileNotFoundError:
                mtime = None
            if mtime != last and mtime is not None:
                last = mtime
                click.echo(f"\n── {local(app.now()):%H:%M:%S} grading {ex.id} ──")
                result, scheduled = _grade_once(app, ex, path, secrets.randbelow(100_000), None, root)
                click.echo(render_table(result, color=app.color))
                now = app.now()
                with app.open_store(root) as store:
                    for line in _review_status_lines(store, ex, now, scheduled):
                        click.echo(line)
                    click.echo(next_line(store, now, after=ex.id))
                click.echo("(watching: save again to re-grade, Ctrl-C to stop)")
                sys.stdout.flush()
            time.sleep(interval)
    except KeyboardInterrupt:
        click.echo("\nstopped watching.")

