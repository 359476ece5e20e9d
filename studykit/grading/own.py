"""Your own functions from your earlier exercises, for ex13 (train a CNN built from your layers):

    from studykit.grading import own
    conv2d_forward, conv2d_backward = own.load("conv2d_forward", "conv2d_backward")   # your ex09
    softmax_cross_entropy = own.load("softmax_cross_entropy")                         # your ex03

`load` finds the exercise that defines each name (the `functions` of its meta.toml) and returns a stand-in that
calls the function in your workspace's `exercises/exNN-*/solution.py` — read when it is first called, so a grade
can say which exercise to finish first instead of failing at import. One name gives one function, several a tuple.

The workspace is the one the grader names (`STUDYKIT_WORKSPACE`, set by the grading runner: the workspace of the
graded file, else of the folder `studykit grade` ran in); outside the grader, the nearest workspace above the file
that called `load`, else above the current folder. Nothing here imports numpy.
"""

from __future__ import annotations

import functools
import importlib.machinery
import importlib.util
import inspect
import os
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

WORKSPACE_VARIABLE = "STUDYKIT_WORKSPACE"
CAPSTONE = "ex13"  # the exercise that loads the others (its own functions are not loadable)
CAPSTONES = (CAPSTONE, "ex16")  # ex16 loads them too

# what the learner's file asked for, in the order it asked: function name → exercise id
REQUESTED: dict[str, str] = {}
# calls recorded while `recording()` is active: (function name, args, kwargs)
_calls: list[tuple[str, tuple, dict]] | None = None
# CPU seconds (of the calling thread) spent in each function while `timing()` is active
_seconds: dict[str, float] | None = None
# while timing: (process CPU time, exception) — a stand-in called after that time raises the exception (ex13's budget)
_deadline: tuple[float, type[BaseException] | None] | None = None
_modules: dict[str, ModuleType] = {}
_caller_dirs: list[Path] = []


class OwnCodeError(Exception):
    """Your earlier exercise's file cannot be used: no workspace, no file, a syntax error, no such function."""

    def __init__(self, message: str, exercise: str | None = None):
        super().__init__(message)
        self.message = message
        self.exercise = exercise


@functools.lru_cache(maxsize=1)
def _catalogue() -> dict[str, Any]:
    """Every function name an exercise's meta.toml lists → that exercise (the first one, by number)."""
    from studykit.catalog import all_exercises

    owners: dict[str, Any] = {}
    for ex in all_exercises():
        if ex.id in CAPSTONES:
            continue
        for name in ex.functions:
            owners.setdefault(name, ex)
    return owners


def exercise_of(name: str) -> Any:
    """The exercise whose starter defines `name` (conv2d_backward → ex09)."""
    owners = _catalogue()
    if name not in owners:
        known = ", ".join(f"{n} ({ex.id})" for n, ex in owners.items())
        raise OwnCodeError(f"no exercise defines a function `{name}`; own.load knows: {known}.")
    return owners[name]


def workspace() -> Path | None:
    """The workspace whose exercises are loaded (see the module's docstring)."""
    from studykit.workspace import find_workspace

    named = os.environ.get(WORKSPACE_VARIABLE)
    if named and (Path(named) / "exercises").is_dir():
        return Path(named)
    for folder in (*_caller_dirs, Path.cwd()):
        found = find_workspace(folder)
        if found is not None:
            return found
    return None


def no_workspace_message() -> str:
    return ("no workspace found, so your earlier exercises cannot be loaded: ex13 trains YOUR layers, from your "
            "workspace's exercises/exNN-*/solution.py files. Grade it inside your workspace (made by "
            "`studykit init DIR`), or grade a file that lies in one.")


def solution_file(ex) -> Path:
    root = workspace()
    if root is None:
        raise OwnCodeError(no_workspace_message(), ex.id)
    return root / "exercises" / ex.folder / "solution.py"


def module(ex) -> ModuleType:
    """Your solution module of exercise `ex`, loaded once (an error says what is wrong and which file)."""
    if ex.id in _modules:
        return _modules[ex.id]
    path = solution_file(ex)
    if not path.is_file():
        raise OwnCodeError(f"{path} does not exist: restore {ex.id}'s starter with `studykit reset {ex.id}` "
                           f"and finish {ex.id} first.", ex.id)
    name = f"studykit_own_{ex.id}"
    loader = importlib.machinery.SourceFileLoader(name, str(path))
    spec = importlib.util.spec_from_file_location(name, path, loader=loader)
    assert spec is not None  # an explicit loader always gives a spec
    mod = importlib.util.module_from_spec(spec)
    try:
        loader.exec_module(mod)
    except SyntaxError as exc:
        raise OwnCodeError(f"your {ex.id} ({path}) has a syntax error at line {exc.lineno}: {exc.msg}; "
                           f"fix {ex.id} first (`studykit grade {ex.id}`).", ex.id) from None
    except Exception as exc:  # noqa: BLE001 — anything its import raises
        raise OwnCodeError(f"your {ex.id} ({path}) raised {type(exc).__name__}: {exc} while being imported; "
                           f"fix {ex.id} first (`studykit grade {ex.id}`).", ex.id) from None
    _modules[ex.id] = mod
    return mod


def function(name: str) -> Callable:
    """Your function `name` itself (not the stand-in `load` returns)."""
    ex = exercise_of(name)
    found = getattr(module(ex), name, None)
    if not callable(found):
        raise OwnCodeError(f"your {ex.id} solution.py defines no function `{name}`; keep the starter's name and "
                           f"signature and finish {ex.id} first.", ex.id)
    return found


def loaded_files() -> set[Path]:
    """The files of the earlier exercises loaded so far (a traceback through them is the learner's own code)."""
    return {Path(str(m.__file__)).resolve() for m in _modules.values()}


def exercise_of_file(path) -> str | None:
    """The id of the earlier exercise whose loaded file is `path`, if any."""
    resolved = Path(path).resolve()
    return next((ex_id for ex_id, m in _modules.items() if Path(str(m.__file__)).resolve() == resolved), None)


def _stand_in(name: str, ex) -> Callable:
    resolved: list[Callable] = []  # the learner's function, once found

    def call(*args, **kwargs):
        if _calls is not None:
            _calls.append((name, args, kwargs))
        if not resolved:
            resolved.append(function(name))
        if _seconds is None:
            return resolved[0](*args, **kwargs)
        if _deadline is not None and time.process_time() > _deadline[0]:
            raise _deadline[1]()
        started = time.thread_time()
        try:
            return resolved[0](*args, **kwargs)
        finally:
            _seconds[name] = _seconds.get(name, 0.0) + time.thread_time() - started

    call.__name__ = call.__qualname__ = name
    call.__doc__ = f"Your {name} from {ex.id} (exercises/{ex.folder}/solution.py in your workspace)."
    call.studykit_own = (name, ex.id)  # type: ignore[attr-defined]
    return call


def load(*names: str):
    """Your own functions by name: one name → the function, several → a tuple in the same order."""
    if not names:
        raise TypeError("own.load needs at least one function name, e.g. own.load(\"conv2d_forward\")")
    here = inspect.currentframe()
    caller = here.f_back if here is not None else None
    where = caller.f_globals.get("__file__") if caller is not None else None
    if where and Path(where).parent not in _caller_dirs:
        _caller_dirs.append(Path(where).resolve().parent)
    found = []
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"own.load takes function names as strings, got {name!r}")
        ex = exercise_of(name)
        REQUESTED.setdefault(name, ex.id)
        found.append(_stand_in(name, ex))
    return found[0] if len(found) == 1 else tuple(found)


class recording:
    """`with own.recording() as calls:` — every call of a stand-in inside the block, in order."""

    def __enter__(self) -> list[tuple[str, tuple, dict]]:
        global _calls
        self._outer = _calls
        _calls = []
        return _calls

    def __exit__(self, *exc) -> None:
        global _calls
        _calls = self._outer


class timing:
    """`with own.timing() as seconds:` — CPU seconds spent in each of your functions inside the block;
    `own.untimed()` inside it leaves a stretch out (the grader's own evaluation); `stop_at` sets a deadline."""

    def __enter__(self) -> dict[str, float]:
        global _seconds
        self._outer = _seconds
        _seconds = {}
        return _seconds

    def __exit__(self, *exc) -> None:
        global _seconds, _deadline
        _seconds = self._outer
        _deadline = None


def stop_at(cpu_time: float | None, exception: type[BaseException] | None = None) -> None:
    """While timing, a stand-in called once the process has used `cpu_time` (time.process_time) raises `exception`;
    None: no deadline."""
    global _deadline
    _deadline = None if cpu_time is None else (cpu_time, exception)


class untimed:
    def __enter__(self) -> None:
        global _seconds
        self._outer = _seconds
        _seconds = None

    def __exit__(self, *exc) -> None:
        global _seconds
        _seconds = self._outer


def reset() -> None:
    """Forget what was requested and loaded (tests that load several learner files in one process)."""
    REQUESTED.clear()
    _modules.clear()
    _caller_dirs.clear()
    _catalogue.cache_clear()
    stop_at(None)
