"""The `studykit` command line: a click group that loads each command's module only when it is used.

Command modules (`studykit/commands/*.py`) import nothing heavier than click at top level;
numpy, sympy and genanki are imported inside the command functions that need them.
"""

from __future__ import annotations

import importlib
import sys

import click

from studykit import __version__
from studykit.errors import EXIT_USAGE, StudykitError

# command name -> "module:attribute"; the order here is the order `studykit --help` lists them.
COMMANDS = {
    "build": "studykit.commands.notes:build",
    "check": "studykit.commands.notes:check",
    "sync": "studykit.commands.sync:sync",
    "list": "studykit.commands.exercises:list_",
    "show": "studykit.commands.exercises:show",
    "hint": "studykit.commands.exercises:hint",
    "next": "studykit.commands.progress:next_",
    "grade": "studykit.commands.grade:grade",
    "watch": "studykit.commands.grade:watch",
    "progress": "studykit.commands.progress:progress",
    "review": "studykit.commands.review:review",
    "restore": "studykit.commands.review:restore",
    "reset": "studykit.commands.workspace:reset",
    "init": "studykit.commands.workspace:init",
}
NOTES_COMMANDS = {"build", "check", "sync"}  # the notes side: no practice context (workspace, store, clock)


class LazyGroup(click.Group):
    """A group whose sub-commands are imported on first use (click's documented lazy-loading pattern)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        return getattr(importlib.import_module(module_name), attribute)

    def invoke(self, ctx: click.Context):
        """The one place errors meet the learner: a StudykitError (an unknown exercise, no workspace, a damaged
        progress store, a bad STUDYKIT_NOW, ...) is `error: message` on stderr and its exit code; so is a missing
        fsrs. Anything else is a bug and shows its traceback."""
        try:
            return super().invoke(ctx)
        except StudykitError as exc:
            click.echo(f"error: {exc.message}", err=True)
            sys.exit(exc.exit_code)
        except ModuleNotFoundError as exc:
            if exc.name != "fsrs":
                raise
            click.echo("error: studykit's review scheduler needs the fsrs package: pip install 'fsrs>=6.2' "
                       "(or reinstall studykit)", err=True)
            sys.exit(EXIT_USAGE)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="studykit")
@click.pass_context
def main(ctx: click.Context) -> None:
    """studykit: Markdown study notes -> Anki deck, and auto-graded NumPy exercises.

    \b
    Notes:     studykit build [PATH...]      studykit check [PATH...]
    Practice:  studykit list | next | show ex03 | hint ex03 | grade ex03 | watch
    Review:    studykit review | review ex03 [--give-up] | restore ex03 [--list]
    """
    if ctx.invoked_subcommand in NOTES_COMMANDS:
        return  # they use none of it (and a rebuild should not pay for importing it)
    from studykit.practice.context import PracticeContext

    ctx.obj = PracticeContext()  # the workspace, store, clock and colour every practice command shares
