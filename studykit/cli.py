"""The `studykit` command line: a click group that loads each command's module only when it is used.

Command modules (`studykit/commands/*.py`) import nothing heavier than click at top level;
numpy, sympy and genanki are imported inside the command functions that need them.
"""

from __future__ import annotations

import importlib
import sys

import click

from studykit import __version__

# command name -> "module:attribute"; the order here is the order `studykit --help` lists them.
COMMANDS = {
    "build": "studykit.commands.notes:build",
    "check": "studykit.commands.notes:check",
    "list": "studykit.commands.practice:list_",
    "show": "studykit.commands.practice:show",
    "hint": "studykit.commands.practice:hint",
    "next": "studykit.commands.practice:next_",
    "grade": "studykit.commands.practice:grade",
    "watch": "studykit.commands.practice:watch",
    "progress": "studykit.commands.practice:progress",
    "review": "studykit.commands.review:review",
    "restore": "studykit.commands.review:restore",
    "reset": "studykit.commands.practice:reset",
    "init": "studykit.commands.practice:init",
}


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
        """A damaged progress store, a bad STUDYKIT_NOW or a missing fsrs is a message and exit code 2."""
        try:
            return super().invoke(ctx)
        except Exception as exc:
            message = _user_error(exc)
            if message is None:
                raise
            click.echo(f"error: {message}", err=True)
            sys.exit(2)


def _user_error(exc: Exception) -> str | None:
    """The message for an error the learner can act on, or None (a bug: let it show)."""
    progress, clock = sys.modules.get("studykit.progress"), sys.modules.get("studykit.clock")
    if progress is not None and isinstance(exc, progress.StoreError):
        return str(exc)
    if clock is not None and isinstance(exc, clock.ClockError):
        return str(exc)
    if isinstance(exc, ModuleNotFoundError) and exc.name == "fsrs":
        return "studykit's review scheduler needs the fsrs package: pip install 'fsrs>=6.2' (or reinstall studykit)"
    return None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="studykit")
def main() -> None:
    """studykit: Markdown study notes -> Anki deck, and auto-graded NumPy exercises.

    \b
    Notes:     studykit build [PATH...]      studykit check [PATH...]
    Practice:  studykit list | next | show ex03 | hint ex03 | grade ex03 | watch
    Review:    studykit review | review ex03 [--give-up] | restore ex03 [--list]
    """
