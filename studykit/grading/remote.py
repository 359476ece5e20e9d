"""The grader's side of the wire: the learner's process (`Session`) and the module that stands for their file.

`Session` starts `python -m studykit.grading.child` with the memory and CPU limits, in its own process group,
under a deadline; `LearnerModule` is what a suite receives as `sol`: `sol.softmax` / `checks.need(sol, "softmax")`
is a `RemoteFunction`, `sol.D_TANH` a value fetched as data. See `protocol` for the data and how suites use it.
Anything that goes wrong on the learner's side — an exception, a crash, a hang, an early exit, a malformed or
forged reply — arrives here as an exception the runner turns into a failed case; never a pass.
"""

from __future__ import annotations

import builtins
import contextlib
import os
import select
import signal
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from studykit.grading import protocol
from studykit.grading.cases import CheckFailed
from studykit.grading.supervise import become_subreaper, children_of_this_process, kill_tree, limit_resources

OUTPUT_KEEP = 64 * 1024


class ChildDied(BaseException):
    """The learner's process ended, hung past its deadline, or sent something that is not a reply.
    BaseException: a suite's `except Exception` must not swallow it."""

    def __init__(self, message: str, restartable: bool = False):
        super().__init__(message)
        self.template = message  # "{during}" marks where " while running “case”" goes
        self.message = message.replace("{during}", "")
        self.restartable = restartable

    def during(self, case: str | None) -> str:
        return self.template.replace("{during}", f" while running “{case}”" if case else "")


class LearnerExit(BaseException):
    """The learner's code called sys.exit() during a call."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


class LearnerException(Exception):
    """A learner's exception whose type is not a built-in one (its name is in `.remote.type`)."""


class RemoteError:
    """A learner's exception as data: type name, message and their own frames [(file, line, function, code)]."""

    def __init__(self, data: dict):
        self.type = str(data.get("type", "Exception"))[:100]
        self.module = str(data.get("module", ""))[:100]
        self.message = str(data.get("message", ""))
        frames = _list(data.get("frames"))
        self.frames = [(str(f[0]), int(f[1]), str(f[2]), str(f[3])) for f in frames
                       if isinstance(f, list) and len(f) == 4 and type(f[1]) is int]
        self.builtin = data.get("builtin") if isinstance(data.get("builtin"), list) else []
        self.syntax = data.get("syntax")
        self.exit = data.get("exit")
        self.own = data.get("own")

    def traceback_text(self) -> str:
        """The traceback trimmed to the learner's own frames, plus the exception line (as Python prints them)."""
        lines = []
        for filename, line, name, code in self.frames:
            lines.append(f'  File "{filename}", line {line}, in {name}')
            if code:
                lines.append(f"    {code}")
        last = f"{self.type}: {self.message}" if self.message else self.type
        text = "\n".join([*lines, last])
        return ("Traceback (your code):\n" + text) if self.frames else text


def as_exception(error: RemoteError) -> BaseException:
    """The learner's exception raised again here: the same built-in type when it is one (a suite may expect a
    ValueError), else LearnerException; `.remote` carries the data."""
    if error.exit is not None:
        return LearnerExit(str(error.exit))
    if error.own:
        from studykit.grading.own import OwnCodeError

        own_error = OwnCodeError(str(error.own[0]), error.own[1] if isinstance(error.own[1], str) else None)
        own_error.remote = error  # type: ignore[attr-defined]
        return own_error
    kind: type[BaseException] = LearnerException
    if error.builtin:
        found = getattr(builtins, str(error.builtin[0]), None)
        if isinstance(found, type) and issubclass(found, Exception) and found.__name__ == error.builtin[0]:
            kind = found
    try:
        exc = kind(error.message)
    except Exception:  # noqa: BLE001 — a built-in type with a different constructor (UnicodeDecodeError, …)
        exc = LearnerException(error.message)
    exc.remote = error  # type: ignore[attr-defined]
    return exc


def _runtime_env(solution: Path) -> dict[str, str]:
    package_root = str(Path(__file__).resolve().parents[2])
    python_path = os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH", "")) if p)
    env = {**os.environ, "PYTHONPATH": python_path, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONIOENCODING": "utf-8"}
    return env


class Session:
    """One learner process, started on first use; `request` sends one frame and waits for its reply.

    `timeout` bounds the time the grade waits for the learner's process, in all — the grader's own work (references,
    sympy, finite differences) does not count, so a busy machine slowing the grader is never blamed on the learner;
    `case_time_limit` may bound one case's waiting more tightly: past it the process is killed and the case fails
    as timed out."""

    def __init__(self, solution: Path, *, timeout: float, memory_mb: int, cpu_seconds: int,
                 refuse: list[str], allow: list[str], env: dict[str, str] | None = None):
        self.solution = solution
        self.timeout = timeout
        self.waited = 0.0  # seconds spent waiting for the learner's process so far
        self.memory_mb = memory_mb
        self.cpu_seconds = cpu_seconds
        self.refuse = refuse
        self.allow = allow
        self.extra_env = env or {}
        self.proc: subprocess.Popen | None = None
        self.output: list[str] = []
        self.output_size = 0
        self.refused: list[str] = []
        self.load_error: RemoteError | None = None
        self.dead: ChildDied | None = None
        self._describe: dict | None = None
        self._stdout: Any = None

    # ---- process
    def start(self) -> None:
        import tempfile

        req_r, req_w = os.pipe()
        rep_r, rep_w = os.pipe()
        self._stdout = tempfile.TemporaryFile()
        become_subreaper()
        self._known = children_of_this_process()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "studykit.grading.child", str(req_r), str(rep_w)],
            stdin=subprocess.DEVNULL, stdout=self._stdout, stderr=subprocess.STDOUT, pass_fds=(req_r, rep_w),
            cwd=str(self.solution.parent), env={**_runtime_env(self.solution), **self.extra_env},
            preexec_fn=limit_resources(self.memory_mb, self.cpu_seconds),
        )
        os.close(req_r)
        os.close(rep_w)
        self._req, self._rep = req_w, rep_r
        self._buffer = b""
        reply = self.request({"op": "load", "path": str(self.solution), "refuse": self.refuse, "allow": self.allow})
        if "error" in reply:
            self.load_error = RemoteError(reply["error"] if isinstance(reply["error"], dict) else {})

    def close(self) -> None:
        if self.proc is not None:
            for fd in (self._req, self._rep):
                with contextlib.suppress(OSError):
                    os.close(fd)
            kill_tree(self.proc, self._known)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=5)
            self.proc = None
        if self._stdout is not None:  # what the learner wrote to fd 1/2 directly, around sys.stdout
            self._stdout.seek(0)
            raw = self._stdout.read(OUTPUT_KEEP).decode("utf-8", errors="replace")
            self._stdout.close()
            self._stdout = None
            if raw:
                self._keep_output(raw)

    def _keep_output(self, text: str) -> None:
        if self.output_size < OUTPUT_KEEP and text:
            piece = text[: OUTPUT_KEEP - self.output_size]
            self.output.append(piece)
            self.output_size += len(piece)

    def _death(self, timed_out: bool, limit: float | None) -> ChildDied:
        if timed_out:
            self.close()
            return ChildDied(f"your code did not finish within {self.timeout:g} s{{during}} — an infinite loop, or "
                             "far too slow. "
                             "(Raise the limit with --timeout if your code is just slow.)", restartable=True)
        returncode = None
        if self.proc is not None:
            try:
                returncode = self.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                returncode = None
        self.close()
        if returncode is not None and returncode < 0:
            sig = -returncode
            name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else f"signal {sig}"
            if sig == signal.SIGKILL:
                return ChildDied("your program was killed{during} (SIGKILL) — most likely it used too much memory.")
            if sig == signal.SIGXCPU:
                return ChildDied("your program used too much CPU time{during} and was stopped.")
            if sig == signal.SIGXFSZ:
                return ChildDied("your program printed far too much output{during} and was stopped.")
            return ChildDied(f"your program crashed{{during}} ({name}).")
        return ChildDied(f"your program exited{{during}} before reporting all results (exit code {returncode}) — "
                         "do not call os._exit() or exit the interpreter in solution.py.")

    def _read(self, size: int, until: float, limit: float) -> bytes:
        while len(self._buffer) < size:
            remaining = until - time.monotonic()
            if remaining <= 0:
                raise self._death(True, limit)
            ready, _, _ = select.select([self._rep], [], [], remaining)
            if not ready:
                raise self._death(True, limit)
            chunk = os.read(self._rep, 1 << 20)
            if not chunk:
                raise self._death(False, limit)
            self._buffer += chunk
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    def request(self, body: dict, timeout: float | None = None) -> dict:
        """Send one request, return the validated reply (a dict); ChildDied on anything else."""
        if self.dead is not None:
            raise self.dead
        if self.proc is None:
            self.start()
            if self.load_error is not None and body.get("op") != "load":
                raise ChildDied("your file could not be loaded")
        now = time.monotonic()
        limit = max(self.remaining() if timeout is None else min(self.remaining(), timeout), 0.0)
        until = now + limit
        try:
            return self._exchange(body, until, limit)
        finally:
            elapsed = time.monotonic() - now
            self.waited += elapsed
            for budget in _case_budgets:
                budget[0] -= elapsed

    def remaining(self) -> float:
        """Seconds the grade may still wait for the learner's process."""
        return self.timeout - self.waited

    def _exchange(self, body: dict, until: float, limit: float) -> dict:
        try:
            protocol.write_frame(self._req, body)
        except BrokenPipeError:
            raise self._fail(self._death(False, limit)) from None
        try:
            (header_size,) = struct.unpack("<I", self._read(4, until, limit))
            if header_size > protocol.MAX_HEADER:
                raise protocol.ProtocolError(f"a reply header of {header_size} bytes")
            header = self._read(header_size, until, limit)
            (blob_size,) = struct.unpack("<Q", self._read(8, until, limit))
            if blob_size > protocol.MAX_BLOBS:
                raise protocol.ProtocolError(f"{blob_size} bytes of array data")
            reply = protocol.decode(header, self._read(blob_size, until, limit))
        except ChildDied as died:
            raise self._fail(died) from None
        except protocol.ProtocolError as exc:
            self.close()
            raise self._fail(ChildDied(f"your program sent the grader something that is not a reply ({exc}); "
                                       "do not write to the grader's channel.")) from None
        if not isinstance(reply, dict):
            self.close()
            raise self._fail(ChildDied("your program sent the grader something that is not a reply."))
        output = reply.get("output")
        if isinstance(output, str):
            self._keep_output(output)
        refused = reply.get("refused")
        if isinstance(refused, list):
            self.refused += [str(r)[:500] for r in refused]
        return reply

    def _fail(self, died: ChildDied) -> ChildDied:
        if not died.restartable:
            self.dead = died
        return died

    def describe(self, module: str | None = None) -> dict:
        """name → {"type", "callable", "params"} of the learner's file (or of their earlier exercise `module`)."""
        if module is not None:
            reply = self.request({"op": "describe", "module": module})
            if "error" in reply:
                raise as_exception(RemoteError(reply["error"] if isinstance(reply["error"], dict) else {}))
            names = reply.get("names")
            return names if isinstance(names, dict) else {}
        if self._describe is None:
            reply = self.request({"op": "describe"})
            names = reply.get("names")
            self._describe = names if isinstance(names, dict) else {}
        return self._describe


def _write_back(original: Any, after: Any) -> None:
    """Make the grader's argument look as the learner's function left it (in-place changes become visible)."""
    import numpy as np

    if isinstance(original, np.ndarray):
        if isinstance(after, np.ndarray) and after.shape != original.shape:
            # `a.shape = …` / `a.resize(…)` in the learner's process: the grader's array keeps its shape (its own
            # code and views rely on it), the new shape is reported to the active `shape_changes()` blocks
            for sink in _shape_sinks:
                sink[id(original)] = tuple(after.shape)
        elif isinstance(after, np.ndarray) and original.flags.writeable:
            with contextlib.suppress(TypeError, ValueError):
                np.copyto(original, after, casting="unsafe")
    elif isinstance(original, dict) and isinstance(after, dict):
        for key in list(original):
            if key not in after:
                del original[key]
        for key, value in after.items():
            if key in original and isinstance(original[key], (np.ndarray, dict, list)) and \
                    type(original[key]) is type(value) and getattr(original[key], "shape", None) == \
                    getattr(value, "shape", None):
                _write_back(original[key], value)
            else:
                original[key] = value
    elif isinstance(original, list) and isinstance(after, list):
        if len(original) == len(after):
            for i, value in enumerate(after):
                if isinstance(original[i], (np.ndarray, dict, list)) and type(original[i]) is type(value):
                    _write_back(original[i], value)
                else:
                    original[i] = value
        else:
            original[:] = after
    elif isinstance(original, np.random.Generator) and isinstance(after, np.random.Generator):
        original.bit_generator.state = after.bit_generator.state
    elif isinstance(original, tuple) and isinstance(after, tuple) and len(original) == len(after):
        for o, a in zip(original, after, strict=False):
            _write_back(o, a)


_shape_sinks: list[dict[int, tuple[int, ...]]] = []


@contextlib.contextmanager
def shape_changes() -> Iterator[dict[int, tuple[int, ...]]]:
    """`with shape_changes() as shapes:` — id(argument) → its new shape, for each array argument whose shape the
    learner's function changed in place during the block (the child sends every argument back as it left it)."""
    shapes: dict[int, tuple[int, ...]] = {}
    _shape_sinks.append(shapes)
    try:
        yield shapes
    finally:
        _shape_sinks.remove(shapes)


# child-measured CPU seconds of the calls made inside `child_cpu()` blocks (speed advice: a call's time is the
# learner's process's, not the wire's)
_cpu_sinks: list[list[float]] = []


@contextlib.contextmanager
def child_cpu() -> Iterator[list[float]]:
    """`with child_cpu() as seconds:` — the thread CPU time of each remote call made inside, as the child measured
    it (a timing, never a verdict)."""
    seconds: list[float] = []
    _cpu_sinks.append(seconds)
    try:
        yield seconds
    finally:
        _cpu_sinks.remove(seconds)


_line_sinks: list[list[int]] = []


@contextlib.contextmanager
def child_lines() -> Iterator[list[int]]:
    """`with child_lines() as lines:` — how many lines of the learner's files each remote call made inside ran
    (sys.settrace in their process): a loop over outputs shows as thousands, vectorized code as a handful — what the
    code does, the same on every run, for speed advice (never a verdict). Tracing slows the calls: time them apart."""
    lines: list[int] = []
    _line_sinks.append(lines)
    try:
        yield lines
    finally:
        _line_sinks.remove(lines)


class RemoteFunction:
    """The learner's function `name`: calling it runs it in the learner's process (see `protocol`)."""

    def __init__(self, session: Session, name: str, info: dict):
        self._session = session
        self._remote_name = name  # "own:relu" for the learner's earlier exercises' functions (ex13)
        self.__name__ = self.__qualname__ = name.removeprefix("own:")
        self.info = info

    def __repr__(self) -> str:
        return f"<your function {self.__name__}>"

    @property
    def parameters(self) -> list[tuple[str, str, bool, Any]] | None:
        """[(name, kind, has_default, default)] from the learner's signature (kind: POSITIONAL_OR_KEYWORD, …)."""
        params = self.info.get("params")
        if not isinstance(params, list):
            return None
        return [(str(p[0]), str(p[1]), bool(p[2]), p[3]) for p in params if isinstance(p, list) and len(p) == 4]

    def _request(self, op: str, args: tuple, kwargs: dict, **extra: Any) -> dict:
        try:
            body = {"op": op, "name": self._remote_name, "args": list(args), "kwargs": dict(kwargs), **extra}
            protocol.encode(body)
        except protocol.EncodeError as exc:  # the suite's own bug: say so, not the learner's
            raise TypeError(f"internal error: cannot send {exc} to the learner's process") from None
        timeout = max(min(b[0] for b in _case_budgets), 0.0) if _case_budgets else None
        reply = self._session.request(body, timeout=timeout)
        if "error" in reply:
            raise as_exception(RemoteError(reply["error"] if isinstance(reply["error"], dict) else {}))
        return reply

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.call(args, kwargs)[0]

    def call(self, args: tuple, kwargs: dict, **options: Any) -> tuple[Any, dict]:
        """(result, the whole reply): `record_own=True` adds `own_calls` ([name, args, kwargs] of every call of the
        learner's earlier functions, ex13), `time_own=True` adds `own_seconds` and `process_seconds`; an
        `protocol.EpochRecorder` argument adds `epochs` ([epoch, CPU seconds, model copy]) and maybe `stopped`."""
        if _line_sinks:
            options.setdefault("count_lines", True)
        reply = self._request("call", args, kwargs, **options)
        lines = reply.get("lines")
        if type(lines) is int:
            for line_sink in _line_sinks:
                line_sink.append(lines)
        _warn_again(reply.get("warnings"))
        cpu = reply.get("cpu")
        if isinstance(cpu, float):
            for sink in _cpu_sinks:
                sink.append(cpu)
        for original, after in zip(args, _list(reply.get("after")), strict=False):
            if isinstance(after, list) and after[:1] == ["ok"] and len(after) == 2:
                _write_back(original, after[1])
        after_kw = _dict(reply.get("after_kw"))
        for key, original in kwargs.items():
            after = after_kw.get(key)
            if isinstance(after, list) and after[:1] == ["ok"] and len(after) == 2:
                _write_back(original, after[1])
        result = reply.get("result")
        if not (isinstance(result, list) and len(result) == 2 and result[0] in ("ok", "unsendable")):
            raise ChildDied("your program sent the grader a reply without a result.")
        if result[0] == "unsendable":
            raise CheckFailed(f"{self.__name__.removeprefix('own:')} returned {result[1]}, which the grader cannot "
                              "read: return numpy arrays, numbers, or tuples/lists/dicts of them.")
        return result[1], reply

    def best_cpu(self, *args: Any, repeat: int = 3, **kwargs: Any) -> float:
        """The best thread CPU time of one call over `repeat` runs, measured in the learner's process (advice)."""
        best = self._request("timed", args, kwargs, repeat=repeat).get("best")
        if not isinstance(best, float) or not best >= 0:
            raise ChildDied("your program sent the grader a malformed timing.")
        return best

    def line_events(self, *args: Any, **kwargs: Any) -> int:
        """How many lines of the learner's files one call runs (loops show as many; advice only)."""
        lines = self._request("lines", args, kwargs).get("lines")
        if type(lines) is not int or lines < 0:
            raise ChildDied("your program sent the grader a malformed line count.")
        return lines


def _warn_again(seen: Any) -> None:
    """The warnings the learner's call raised, raised again here (so `checks.numerics_watch` sees them)."""
    import warnings

    for item in _list(seen)[:20]:
        if isinstance(item, list) and len(item) == 2 and all(isinstance(x, str) for x in item):
            found = getattr(builtins, item[0], None)
            category = found if isinstance(found, type) and issubclass(found, Warning) else RuntimeWarning
            warnings.warn(item[1], category, stacklevel=2)


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


_case_budgets: list[list[float]] = []  # [seconds left] of each active case_time_limit


@contextlib.contextmanager
def case_time_limit(seconds: float | None) -> Iterator[None]:
    """Bound the waiting for the learner's process inside the block to `seconds` in all (as well as by the grade's
    own limit); the grader's own work in between does not count."""
    if seconds is None:
        yield
        return
    budget = [float(seconds)]
    _case_budgets.append(budget)
    try:
        yield
    finally:
        _case_budgets.remove(budget)


class LearnerModule:
    """Stands for the learner's file: attributes are their functions (remote) or values (fetched as data)."""

    def __init__(self, session: Session):
        self._session = session
        self._cache: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"<your file {self._session.solution.name}>"

    # ex13: the learner's earlier exercises, in their process
    def own_function(self, name: str) -> RemoteFunction:
        """The learner's own function `name` from their earlier exercise (what own.function gives in their process)."""
        return RemoteFunction(self._session, "own:" + name, {})

    def own_module(self, exercise_id: str) -> OwnModule:
        """The learner's solution module of an earlier exercise (own.module); OwnCodeError when it cannot be loaded."""
        names = self._session.describe(exercise_id)
        return OwnModule(self._session, exercise_id, names)

    def own_state(self) -> tuple[dict[str, str], dict[str, str]]:
        """(function name → exercise id of what the learner's file loaded with own.load, exercise id → file path)."""
        reply = self._session.request({"op": "own"})
        requested, files = _dict(reply.get("requested")), _dict(reply.get("files"))
        return ({str(k): str(v) for k, v in requested.items()}, {str(k): str(v) for k, v in files.items()})

    def __dir__(self) -> list[str]:
        return sorted(self._session.describe())

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        if name in self._cache:
            return self._cache[name]
        names = self._session.describe()
        info = names.get(name)
        if not isinstance(info, dict):
            raise AttributeError(name)
        if info.get("callable") is True:
            value: Any = RemoteFunction(self._session, name, info)
        else:
            reply = self._session.request({"op": "get", "name": name})
            if "unsendable" in reply:
                text = reply.get("text")
                value = Unreadable(str(info.get("type", "object")), text if isinstance(text, str) else "")
            elif "error" in reply:
                raise AttributeError(name)
            else:
                value = reply.get("value")
        self._cache[name] = value
        return value


class OwnModule:
    """The learner's solution module of an earlier exercise (ex13): functions by name, run in their process."""

    def __init__(self, session: Session, exercise_id: str, names: dict):
        self._session = session
        self.exercise_id = exercise_id
        self._names = names

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        info = self._names.get(name)
        if not isinstance(info, dict) or info.get("callable") is not True:
            raise AttributeError(name)
        return RemoteFunction(self._session, "own:" + name, info)


class Unreadable:
    """A value of the learner's module that is not plain data (a class instance, a module, …)."""

    def __init__(self, type_name: str, text: str = ""):
        self.type_name = type_name
        self.text = text  # str(value), computed in the learner's process

    def __repr__(self) -> str:
        return f"<a {self.type_name}>"
