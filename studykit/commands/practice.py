"""The practice loop: grade, list, show, hint, next, progress, watch, reset, init.

Thin click commands over catalog, workspace, progress and grading.runner. Nothing here imports numpy:
the learner's code and the checks run in the grading child.
"""

from __future__ import annotations

import secrets
import sys
import time
from pathlib import Path

import click

from studykit import catalog
from studykit.workspace import WorkspaceError

EXIT_USAGE = 2


def _fail(message: str, code: int = EXIT_USAGE) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _color() -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    import os

    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _exercise(name: str) -> catalog.Exercise:
    try:
        return catalog.find(name)
    except catalog.UnknownExercise as exc:
        _fail(str(exc))


def _workspace(required: bool = True) -> Path | None:
    from studykit.workspace import find_workspace, require_workspace

    if not required:
        return find_workspace()
    try:
        return require_workspace()
    except WorkspaceError as exc:
        _fail(str(exc))


def _store(root: Path | None):
    from studykit.progress import ProgressStore

    return ProgressStore.for_workspace(root) if root else None


def _next_exercise(store) -> catalog.Exercise | None:
    for ex in catalog.all_exercises():
        if store is None or store.standing(ex.id).last_status != "pass":
            return ex
    return None


def _say_next(store, after: str | None = None) -> None:
    ex = _next_exercise(store)
    if ex is None:
        click.echo("next: every exercise passes — review your deck with `studykit build`, or try `studykit progress`.")
    elif ex.id == after or (store is not None and store.standing(ex.id).attempts):
        click.echo(f"next: fix {ex.id}, then `studykit grade {ex.id}` (stuck? `studykit hint {ex.id}`)")
    else:
        click.echo(f"next: `studykit show {ex.id}` — {ex.title}")


def _replay_command(ex: catalog.Exercise, seed: int, file: str | None, timeout: float | None) -> str:
    """The one command that grades the same file with the same random inputs again."""
    import shlex

    command = f"studykit grade {ex.id} --seed {seed}"
    if file:
        command += f" --file {shlex.quote(file)}"
    if timeout is not None:
        command += f" --timeout {timeout:g}"
    return command


def _grade_once(ex: catalog.Exercise, path: Path, seed: int, timeout: float | None, root: Path | None,
                replay: str | None = None) -> dict:
    from studykit.grading.runner import run_in_child

    result = run_in_child(ex, path, seed=seed, timeout=timeout, replay=replay)
    if root is not None:
        with _store(root) as store:
            store.record_grade(ex.id, result["status"], result["score"], seed, result["duration"])
    return result


def _solution_for(ex: catalog.Exercise, file: str | None) -> tuple[Path, Path | None]:
    from studykit.workspace import find_workspace, solution_path

    if file:
        path = Path(file).expanduser()
        if not path.is_file():
            _fail(f"no such file: {file}")
        return path.resolve(), find_workspace()
    root = _workspace()
    path = solution_path(root, ex)
    if not path.is_file():
        _fail(f"{path} does not exist; restore the starter with `studykit reset {ex.id}`.")
    return path, root


@click.command()
@click.argument("exercise")
@click.option("--file", "file", metavar="PATH", help="Grade this file instead of the workspace's solution.py.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON result object (Exercism-style).")
@click.option("--seed", type=int, help="Seed for the random cases; every failing report prints the one to replay.")
@click.option("--timeout", type=click.FloatRange(min=0.1), help="Wall-clock limit in seconds (default: the exercise's).")
def grade(exercise: str, file: str | None, as_json: bool, seed: int | None, timeout: float | None) -> None:
    """Grade an exercise (ex03, 3, 03 or the folder name) in a sandboxed child process."""
    from studykit.grading.report import render_json, render_table

    ex = _exercise(exercise)
    path, root = _solution_for(ex, file)
    seed = seed if seed is not None else secrets.randbelow(100_000)
    result = _grade_once(ex, path, seed, timeout, root, _replay_command(ex, seed, file, timeout))
    if as_json:
        click.echo(render_json(result))
    else:
        click.echo(render_table(result, color=_color()))
        if root is not None and not file:
            with _store(root) as store:
                _say_next(store, after=ex.id)
    sys.exit(0 if result["status"] == "pass" else 1)


@click.command("list")
def list_() -> None:
    """Every exercise with its status (✓ pass, ✗ attempted, · not yet), best score and topic."""
    root = _workspace(required=False)
    store = _store(root)
    for ex in catalog.all_exercises():
        mark, best = "·", ""
        if store is not None:
            s = store.standing(ex.id)
            if s.attempts:
                mark = "✓" if s.last_status == "pass" else "✗"
                best = f"{s.best_score:.0%}"
        click.echo(f"{mark} {ex.id}  {best:>4}  {ex.title}  ({', '.join(ex.topics)})")
    if store is None:
        click.echo("\n(no workspace here: `studykit init DIR` creates one; progress is not shown)")
    else:
        _say_next(store)
        store.close()


@click.command()
@click.argument("exercise")
def show(exercise: str) -> None:
    """Show an exercise's task (its README) and where its file is."""
    from studykit.workspace import find_workspace, solution_path

    ex = _exercise(exercise)
    root = find_workspace()
    readme = (root / "exercises" / ex.folder / "README.md") if root else None
    if readme is None or not readme.is_file():
        readme = ex.starter_dir / "README.md"
    click.echo(readme.read_text(encoding="utf-8").rstrip())
    click.echo("")
    if root:
        click.echo(f"edit:  {solution_path(root, ex)}")
    else:
        click.echo(f"(no workspace here: `studykit init DIR` copies every starter into DIR/exercises/)")
    click.echo(f"next: edit solution.py, then `studykit grade {ex.id}` (stuck? `studykit hint {ex.id}`)")


@click.command()
@click.argument("exercise")
@click.option("--level", type=click.IntRange(min=1), help="Show hint number N instead of the next one.")
def hint(exercise: str, level: int | None) -> None:
    """Show the next hint (each call goes one step further), or --level N."""
    ex = _exercise(exercise)
    if not ex.hints:
        click.echo(f"{ex.id} has no hints.")
        return
    root = _workspace(required=False)
    store = _store(root)
    if level is None:
        level = min((store.hint_level(ex.id) if store else 0) + 1, len(ex.hints))
    elif level > len(ex.hints):
        _fail(f"{ex.id} has {len(ex.hints)} hints; use --level 1 to {len(ex.hints)}.")
    click.echo(f"hint {level}/{len(ex.hints)} for {ex.id}:\n")
    click.echo(ex.hints[level - 1].strip())
    if store is not None:
        store.set_hint_level(ex.id, max(level, store.hint_level(ex.id)))
        store.close()
    click.echo("")
    if level < len(ex.hints):
        click.echo(f"(more: `studykit hint {ex.id} --level {level + 1}`)")
    click.echo(f"next: try it, then `studykit grade {ex.id}`")


@click.command("next")
def next_() -> None:
    """The first exercise that is not solved yet (or fails now)."""
    root = _workspace(required=False)
    store = _store(root)
    ex = _next_exercise(store)
    if ex is None:
        click.echo("Every exercise passes. 🎉")
    else:
        s = store.standing(ex.id) if store else None
        state = "not started" if not s or not s.attempts else f"attempted {s.attempts}×, best {s.best_score:.0%}"
        click.echo(f"{ex.id} · {ex.title} ({state})")
        click.echo(f"next: studykit show {ex.id}, edit exercises/{ex.folder}/solution.py, then studykit grade {ex.id}")
    if store:
        store.close()


@click.command()
def progress() -> None:
    """A summary of your progress over time."""
    root = _workspace()
    with _store(root) as store:
        exercises = catalog.all_exercises()
        solved = [ex for ex in exercises if store.standing(ex.id).passed]
        history = store.history()
        click.echo(f"solved {len(solved)}/{len(exercises)} exercises · {len(history)} grades in all")
        click.echo("")
        for ex in exercises:
            s = store.standing(ex.id)
            if not s.attempts:
                continue
            bar = "█" * round(s.best_score * 10) + "░" * (10 - round(s.best_score * 10))
            when = time.strftime("%Y-%m-%d", time.localtime(s.first_pass_at)) if s.first_pass_at else "not yet"
            attempts = f"{s.attempts:>3} attempt" + ("s" if s.attempts != 1 else " ")
            click.echo(f"{ex.id} {bar} best {s.best_score:>4.0%}  {attempts}  solved: {when}")
        days: dict[str, int] = {}
        for _, _, _, at in history:
            day = time.strftime("%Y-%m-%d", time.localtime(at))
            days[day] = days.get(day, 0) + 1
        if days:
            click.echo("\ngrades per day: " + ", ".join(f"{d} {n}" for d, n in list(days.items())[-7:]))
        _say_next(store)


@click.command()
@click.argument("exercise", required=False)
@click.option("--interval", type=float, default=0.5, show_default=True, help="Seconds between checks of the file.")
def watch(exercise: str | None, interval: float) -> None:
    """Re-grade whenever the solution file is saved, until Ctrl-C."""
    from studykit.grading.report import render_table
    from studykit.workspace import solution_path

    root = _workspace()
    if exercise is None:
        with _store(root) as store:
            ex = _next_exercise(store)
        if ex is None:
            click.echo("Every exercise passes; name one to watch: studykit watch ex03")
            return
    else:
        ex = _exercise(exercise)
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
                click.echo(f"\n── {time.strftime('%H:%M:%S')} grading {ex.id} ──")
                result = _grade_once(ex, path, secrets.randbelow(100_000), None, root)
                click.echo(render_table(result, color=_color()))
                with _store(root) as store:
                    _say_next(store, after=ex.id)
                click.echo("(watching: save again to re-grade, Ctrl-C to stop)")
                sys.stdout.flush()
            time.sleep(interval)
    except KeyboardInterrupt:
        click.echo("\nstopped watching.")


@click.command()
@click.argument("exercise")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def reset(exercise: str, yes: bool) -> None:
    """Restore the starter solution.py (your file is backed up first)."""
    from studykit.workspace import reset_solution

    ex = _exercise(exercise)
    root = _workspace()
    if not yes and sys.stdin.isatty():
        click.confirm(f"Restore the starter for {ex.id}? Your current file is backed up first.", abort=True)
    backup = reset_solution(root, ex)
    if backup:
        click.echo(f"your previous file is saved as {backup}")
    click.echo(f"restored the starter: exercises/{ex.folder}/solution.py")


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def init(directory: Path) -> None:
    """Create a practice workspace in DIRECTORY with every exercise's starter."""
    from studykit.workspace import init_workspace

    try:
        written = init_workspace(directory)
    except OSError as exc:
        _fail(f"cannot create the workspace in {directory}: {exc.strerror or exc}")
    click.echo(f"workspace ready in {directory} ({len(written)} files written; existing files kept)")
    click.echo(f"next: cd {directory} && studykit next")
