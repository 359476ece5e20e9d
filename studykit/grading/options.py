"""`studykit grade`'s option types: a bad `--seed`, `--timeout` or `--file` is a usage error (exit 2) that says what
is wrong — never a traceback, never blamed on the learner's code. Only the standard library and click.
"""

from __future__ import annotations

import math
import os
import stat
from pathlib import Path
from typing import Any

import click

MAX_SEED = 2**63 - 1
MIN_TIMEOUT = 0.1
MAX_TIMEOUT = 3600.0
MAX_SOLUTION_BYTES = 1024 * 1024  # a solution file is a few kB; a megabyte is certainly not one


class Seed(click.ParamType):
    name = "seed"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            try:
                number = int(str(value).strip(), 10)
            except ValueError:
                self.fail(f"{value!r} is not a whole number; use a seed between 0 and {MAX_SEED}.", param, ctx)
        if not 0 <= number <= MAX_SEED:
            self.fail(f"{value} is out of range; use a seed between 0 and {MAX_SEED} (a report's replay line "
                      "gives the one it used).", param, ctx)
        return number


class Timeout(click.ParamType):
    name = "seconds"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> float:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds.", param, ctx)
        if not math.isfinite(seconds) or not MIN_TIMEOUT <= seconds <= MAX_TIMEOUT:
            self.fail(f"{value} is not a usable time limit; give a number of seconds from {MIN_TIMEOUT:g} to "
                      f"{MAX_TIMEOUT:g}.", param, ctx)
        return seconds


def file_problem(path: Path) -> str | None:
    """What makes `path` ungradable as a solution file (missing, a directory, a device or FIFO, huge, binary),
    or None when it is a readable text file of a sensible size. Never opens a FIFO or a device."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return f"no such file: {path}"
    except OSError as exc:
        return f"cannot read {path}: {exc.strerror or exc}"
    if stat.S_ISDIR(info.st_mode):
        return f"{path} is a directory, not a Python file; give the path of the solution file itself."
    if not stat.S_ISREG(info.st_mode):
        kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(info.st_mode) else "a device" if
                stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else "a socket" if
                stat.S_ISSOCK(info.st_mode) else "not a regular file")
        return f"{path} is {kind}, not a Python file; give the path of the solution file itself."
    if info.st_size > MAX_SOLUTION_BYTES:
        return (f"{path} is {info.st_size / 1e6:.1f} MB: far too large for a solution file (at most "
                f"{MAX_SOLUTION_BYTES // 1024} kB).")
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return f"cannot read {path}: {exc.strerror or exc}"
    if b"\0" in data:
        return f"{path} is not a text file (it contains NUL bytes); give a Python source file."
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"{path} is not UTF-8 text (byte {exc.start} cannot be decoded); save it as UTF-8."
    return None


class SolutionFile(click.ParamType):
    name = "path"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        problem = file_problem(Path(str(value)).expanduser())
        if problem:
            self.fail(problem, param, ctx)
        return str(value)


SEED = Seed()
TIMEOUT = Timeout()
SOLUTION_FILE = SolutionFile()
