"""The one error type a command raises for the learner: a message and an exit code, caught in one place (cli.py).

Everything the learner can act on — an unknown exercise, no workspace, a damaged progress store, a bad
STUDYKIT_NOW — is a StudykitError (or a subclass); anything else is a bug and shows its traceback.
"""

from __future__ import annotations

EXIT_USAGE = 2


class StudykitError(Exception):
    """A message for the learner (printed as `error: …` on stderr) and the exit code the command ends with."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE):
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message
