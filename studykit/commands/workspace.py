"""`studykit init DIRECTORY` and `studykit reset EXERCISE`: make a workspace, restore a starter."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from studykit.practice.context import PracticeContext, fail, pass_app


@click.command()
@click.argument("exercise")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_app
def reset(app: PracticeContext, exercise: str, yes: bool) -> None:
    """Restore the starter solution.py (your file is backed up first)."""
    from studykit.clock import local
    from studykit.workspace import reset_solution

    ex = app.exercise(exercise)
    root = app.require_workspace()
    if not yes and sys.stdin.isatty():
        click.confirm(f"Restore the starter for {ex.id}? Your current file is backed up first.", abort=True)
    backup = reset_solution(root, ex, stamp=f"{local(app.now()):%Y%m%d-%H%M%S}")
    if backup:
        click.echo(f"your previous file is saved as {backup}")
    click.echo(f"restored the starter: exercises/{ex.folder}/solution.py")


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@pass_app
def init(app: PracticeContext, directory: Path) -> None:
    """Create a practice workspace in DIRECTORY with every exercise's starter."""
    from studykit.workspace import init_workspace

    try:
        written = init_workspace(directory)
    except OSError as exc:
        fail(f"cannot create the workspace in {directory}: {exc.strerror or exc}")
    click.echo(f"workspace ready in {directory} ({len(written)} files written; existing files kept)")
    click.echo(f"next: cd {directory} && studykit next")

