"""The context every practice command shares: the workspace root, the progress store, the clock and the colour.

Built once by the `studykit` group (cli.py) and handed to each command the click way (`pass_app`, a
`click.make_pass_decorator`); a command run on its own (click's CliRunner on the command) gets a default one.
Everything the learner can act on is raised as a StudykitError, which cli.py prints in one place.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from studykit import catalog
from studykit.errors import StudykitError

if TYPE_CHECKING:
    from studykit.progress import ProgressStore


def _system_clock() -> datetime:
    from studykit import clock

    return clock.now()


def fail(message: str, exit_code: int = 2) -> NoReturn:
    """End the command with `error: message` on stderr and `exit_code` (printed by cli.py)."""
    raise StudykitError(message, exit_code)


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def terminal_colour() -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


_UNSET: Any = object()


@dataclass
class PracticeContext:
    """What a practice command needs from around it. `clock` is read whenever a command needs the time
    (STUDYKIT_NOW when set); `workspace` is found on first use (None: not inside a workspace)."""

    clock: Callable[[], datetime] = _system_clock
    color: bool = field(default_factory=terminal_colour)
    _root: Any = _UNSET

    def now(self) -> datetime:
        return self.clock()

    @property
    def workspace(self) -> Path | None:
        """The workspace this command runs in, or None."""
        if self._root is _UNSET:
            from studykit.workspace import find_workspace

            self._root = find_workspace()
        return self._root

    def require_workspace(self) -> Path:
        """The workspace, or a StudykitError saying how to make one."""
        from studykit.workspace import require_workspace

        if self._root is _UNSET or self._root is None:
            self._root = require_workspace()  # raises WorkspaceError (a StudykitError) with the message
        return self._root

    def open_store(self, root: Path) -> ProgressStore:
        """The workspace's progress store, open (close it, or use it in a `with`)."""
        from studykit.progress import ProgressStore

        return ProgressStore.for_workspace(root)

    def store_or_none(self, root: Path | None) -> ProgressStore | None:
        """The store of `root` when there is a workspace, else None (the command works without one)."""
        return self.open_store(root) if root is not None else None

    def exercise(self, name: str) -> catalog.Exercise:
        try:
            return catalog.find(name)
        except catalog.UnknownExercise as exc:
            fail(str(exc))


pass_app = click.make_pass_decorator(PracticeContext, ensure=True)
