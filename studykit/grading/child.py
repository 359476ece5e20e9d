"""The learner's process: loads the learner's file and answers the grader's requests; it computes no verdict.

Run only by `studykit.grading.remote.Session` as
    python -m studykit.grading.child REQUEST_FD REPLY_FD
It imports nothing of studykit's but `protocol` (the wire format) and `own` (ex13 loads the learner's earlier
exercises): never a reference, a suite or a check. Requests and replies are `protocol` frames:

    {"op": "load", "path": P, "refuse": [...], "allow": [...]}       → {"ok": True} or {"error": {...}}
    {"op": "describe"}                                               → {"names": {name: {...}}}
    {"op": "get", "name": N}                                         → {"value": V}
    {"op": "call", "name": N, "args": [...], "kwargs": {...}}        → {"result": R, "after": [...]} or {"error": {...}}
    {"op": "timed", ..., "repeat": k}                                → {"best": CPU seconds of one call}
    {"op": "lines", ...}                                             → {"lines": line events in the learner's files}

Every reply also carries `output` (what the learner printed since the last reply) and `refused` (imports refused
since then). Anything the learner does here — patching this module, writing to any fd, exiting — can at most make
their own functions' results wrong or make a call fail: the grader decides, from data, in its own process.
"""

from __future__ import annotations

import builtins
import contextlib
import copy
import importlib
import importlib.machinery
import importlib.util
import inspect
import io
import os
import sys
import sysconfig
import time
import traceback
import warnings
from pathlib import Path
from typing import Any

from studykit.grading import own, protocol

OUTPUT_LIMIT = 16 * 1024  # characters of the learner's prints kept over the whole grade
MESSAGE_LIMIT = 3000  # characters of one exception message
FRAME_LIMIT = 30


class _Sink(io.RawIOBase):
    """The bytes the learner printed, bounded by a budget shared between stdout and stderr."""

    def __init__(self, budget: list[int]):
        super().__init__()
        self.data = bytearray()
        self._budget = budget

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        size = len(b)
        if self._budget[0] > 0:
            piece = bytes(b[: self._budget[0]])
            self._budget[0] -= len(piece)
            self.data += piece
            if self._budget[0] <= 0:
                self.data += b"\n[studykit: output truncated]\n"
        return size


class LearnerStreams:
    """Fresh sys.stdout/sys.stderr for each request: real text streams (`.encoding`, `.buffer`, `.writelines`,
    `.closed`, `close()`), so a learner who closes or detaches one breaks nothing beyond their own call."""

    def __init__(self) -> None:
        self.budget = [OUTPUT_LIMIT]
        self.sink = _Sink(self.budget)
        self._install()

    def _install(self) -> None:
        self.sink = _Sink(self.budget)
        for name in ("stdout", "stderr"):
            stream = io.TextIOWrapper(io.BufferedWriter(self.sink), encoding="utf-8", errors="backslashreplace",
                                      line_buffering=True, write_through=True)
            setattr(sys, name, stream)

    def drain(self) -> str:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (ValueError, OSError, AttributeError):
                pass  # closed or replaced by the learner
        text = bytes(self.sink.data).decode("utf-8", errors="replace")
        self._install()
        return text


class TrainingStopped(BaseException):
    """Raised in the learner's training once it used its CPU budget (BaseException: `except Exception` in a training
    loop must not swallow it)."""


class RefusedImport(ImportError):
    """An import the exercise does not allow."""


def _library_roots() -> tuple[str, ...]:
    paths = {sys.prefix, sys.base_prefix, sys.exec_prefix, str(Path(own.__file__).resolve().parents[1])}
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        try:
            paths.add(sysconfig.get_path(key))
        except KeyError:
            pass
    return tuple(str(Path(p).resolve()) + os.sep for p in paths if p)


class ImportGuard:
    """Refuses, at run time, the imports the exercise does not allow (also those made with __import__ or
    importlib, and those of modules numpy already loaded), when the learner's code asks for them."""

    def __init__(self, refuse: list[str], allow: list[str]):
        self.refuse = tuple(refuse)
        self.allow = tuple(allow)
        self.refused: list[str] = []
        self._roots = _library_roots()
        self._real_import = builtins.__import__
        self._real_import_module = importlib.import_module

    def is_refused(self, name: str) -> bool:
        if any(name == a or name.startswith(a + ".") for a in self.allow):
            return False
        return any(name == r or name.startswith(r + ".") for r in self.refuse)

    def _learner_line(self) -> tuple[bool, str]:
        """(the importing code is the learner's, "line N: `code`" of the learner's frame)"""
        frame: Any = sys._getframe(2)
        own_code = {f.__code__ for f in (ImportGuard.check, ImportGuard.find_spec, ImportGuard.guarded_import,
                                         ImportGuard.guarded_import_module, ImportGuard._learner_line)}
        while frame is not None:
            filename = frame.f_code.co_filename
            if filename.startswith("<frozen importlib") or frame.f_code in own_code or \
                    "importlib" + os.sep in filename:
                frame = frame.f_back
                continue
            resolved = str(Path(filename).resolve()) if not filename.startswith("<") else filename
            mine = not resolved.startswith(self._roots)
            where = ""
            for info in traceback.extract_stack(frame, limit=1):
                where = f"{Path(info.filename).name} line {info.lineno}: `{(info.line or '').strip()}`"
            return mine, where
        return True, ""

    def check(self, names: list[str]) -> None:
        bad = [n for n in names if self.is_refused(n)]
        if not bad:
            return
        mine, where = self._learner_line()
        if not mine:
            return
        message = f"refused import of `{bad[0]}`" + (f" ({where})" if where else "")
        self.refused.append(message)
        raise RefusedImport(message + ": it is not allowed in this exercise.")

    # sys.meta_path finder: modules not imported yet
    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> None:
        self.check([fullname])
        return None

    def guarded_import(self, name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0):
        if level == 0 and isinstance(name, str):
            names = [f"{name}.{f}" for f in (fromlist or ()) if isinstance(f, str) and f != "*"] or [name]
            self.check(names)
        return self._real_import(name, globals, locals, fromlist, level)

    def guarded_import_module(self, name: str, package: str | None = None):
        if isinstance(name, str) and not name.startswith("."):
            self.check([name])
        return self._real_import_module(name, package)

    def install(self) -> None:
        sys.meta_path.insert(0, self)
        builtins.__import__ = self.guarded_import
        importlib.import_module = self.guarded_import_module


def load_solution(path: Path):
    sys.path.insert(0, str(path.parent))
    # an explicit source loader, so a file not named *.py (solution.txt, a temp file) still loads
    loader = importlib.machinery.SourceFileLoader("solution", str(path))
    spec = importlib.util.spec_from_file_location("solution", path, loader=loader)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["solution"] = module
    loader.exec_module(module)
    return module


class Child:
    def __init__(self, request_fd: int, reply_fd: int):
        self.request_fd = request_fd
        self.reply_fd = reply_fd
        self.module: Any = None
        self.solution: Path | None = None
        self.streams = LearnerStreams()
        self.guard: ImportGuard | None = None
        self.epochs: list | None = None  # ex13's on_epoch records, when the request carried a recorder

    # ---- exceptions as data
    def _mine(self) -> set[str]:
        files = {str(self.solution)} if self.solution else set()
        return files | {str(p) for p in own.loaded_files()}

    def error_data(self, exc: BaseException) -> dict:
        mine = self._mine()
        frames = []
        for f in traceback.extract_tb(exc.__traceback__):
            try:
                resolved = str(Path(f.filename).resolve())
            except (OSError, ValueError):
                continue
            if resolved in mine:
                frames.append([f.filename, f.lineno or 0, f.name, (f.line or "").strip()[:300]])
        try:
            message = str(exc)
        except Exception:  # noqa: BLE001 — a learner's exception whose __str__ raises
            message = "<unprintable message>"
        kind = type(exc)
        data: dict = {"type": kind.__name__, "module": getattr(kind, "__module__", "") or "",
                      "message": message[:MESSAGE_LIMIT], "frames": frames[-FRAME_LIMIT:],
                      "builtin": [c.__name__ for c in kind.__mro__ if c.__module__ == "builtins"][:1]}
        if isinstance(exc, SyntaxError):
            data["syntax"] = [exc.lineno or 0, exc.offset or 0, (exc.text or "").rstrip()[:300], exc.msg or ""]
        if isinstance(exc, SystemExit):
            data["exit"] = repr(exc.code)[:200]
        if isinstance(exc, own.OwnCodeError):
            data["own"] = [exc.message[:MESSAGE_LIMIT], exc.exercise]
        return data

    # ---- requests
    def reply(self, body: dict) -> None:
        body["output"] = self.streams.drain()
        body["refused"] = list(self.guard.refused) if self.guard else []
        if self.guard:
            self.guard.refused.clear()
        try:
            protocol.write_frame(self.reply_fd, body)
        except protocol.EncodeError as exc:
            protocol.write_frame(self.reply_fd, {"unsendable": str(exc)[:200], "output": body["output"],
                                                 "refused": body["refused"]})

    def function(self, name: Any):
        if not isinstance(name, str) or self.module is None:
            raise LookupError("no such function")
        if name.startswith("own:"):  # ex13: the learner's function from their earlier exercise
            return own.function(name[4:])
        return getattr(self.module, name)

    def make_recorder(self, budget: float, keep: int):
        """ex13's on_epoch: a copy of each model with the CPU seconds used so far; past `budget`, stop the call."""
        started = time.process_time()
        own.stop_at(started + budget, TrainingStopped)
        epochs: list = []
        self.epochs = epochs

        def on_epoch(model, *_ignored, **_also_ignored):
            seconds = time.process_time() - started
            if seconds > budget:
                raise TrainingStopped()
            try:
                snapshot = copy.deepcopy(model)
                protocol.encode(snapshot)
            except Exception:  # noqa: BLE001 — not plain data: the grader says so
                snapshot = None
            epochs.append([len(epochs) + 1, seconds, snapshot])
            if len(epochs) > keep:  # keep the first, the last and every other one between
                del epochs[1:-1:2]

        return on_epoch

    def op_load(self, req: dict) -> dict:
        self.solution = Path(req["path"]).resolve()
        self.guard = ImportGuard(list(req.get("refuse", [])), list(req.get("allow", [])))
        self.guard.install()
        try:
            self.module = load_solution(self.solution)
        except BaseException as exc:  # noqa: BLE001 — whatever the learner's module does at import is data
            return {"error": self.error_data(exc)}
        return {"ok": True}

    def op_own(self, req: dict) -> dict:
        """ex13: which earlier functions the learner's file loaded, and where the earlier exercises' files are."""
        return {"requested": {str(k): str(v) for k, v in own.REQUESTED.items()},
                "files": {str(ex): str(Path(m.__file__ or "").resolve()) for ex, m in own._modules.items()}}

    def op_describe(self, req: dict) -> dict:
        names: dict[str, dict] = {}
        module = self.module
        if isinstance(req.get("module"), str):  # ex13: "ex09" → the learner's ex09 solution module
            from studykit.catalog import find

            module = own.module(find(req["module"]))
        for name, value in list(vars(module).items()):
            if name.startswith("__"):
                continue
            entry: dict = {"type": type(value).__name__[:100], "callable": callable(value)}
            tag = getattr(value, "studykit_own", None) if callable(value) else None
            if isinstance(tag, tuple) and len(tag) == 2 and all(isinstance(t, str) for t in tag):
                entry["own"] = list(tag)
            if callable(value):
                try:
                    sig = inspect.signature(value)
                    params = []
                    for p in sig.parameters.values():
                        default = None
                        has_default = p.default is not inspect.Parameter.empty
                        if has_default:
                            try:
                                protocol.encode(p.default)
                                default = p.default
                            except protocol.EncodeError:
                                default = repr(p.default)[:100]
                        params.append([p.name, p.kind.name, has_default, default])
                    entry["params"] = params
                except (TypeError, ValueError):
                    entry["params"] = None
            names[str(name)[:200]] = entry
        return {"names": names}

    def op_get(self, req: dict) -> dict:
        value = self.function(req["name"])
        try:
            protocol.encode(value)
        except protocol.EncodeError as exc:
            try:  # its text, as data (ex05: a sympy expression's str is its formula)
                text = str(value)[:20000]
            except Exception:  # noqa: BLE001 — a learner's __str__ that raises
                text = ""
            return {"unsendable": str(exc)[:200], "text": text}
        return {"value": value}

    def _args(self, req: dict) -> tuple[list, dict]:
        args, kwargs = req.get("args", []), req.get("kwargs", {})
        if not isinstance(args, list) or not isinstance(kwargs, dict):
            raise TypeError("malformed call")
        return args, kwargs

    def op_call(self, req: dict) -> dict:
        func = self.function(req["name"])
        args, kwargs = self._args(req)
        started = time.thread_time()
        with warnings.catch_warnings(record=True) as seen, \
                (own.recording() if req.get("record_own") else contextlib.nullcontext([])) as calls, \
                (own.timing() if req.get("time_own") else contextlib.nullcontext({})) as seconds:
            warnings.simplefilter("always")  # numpy's overflow warnings are part of the result
            process_started = time.process_time()
            lines = self._count_lines() if req.get("count_lines") else None
            try:
                result = func(*args, **kwargs)
            except TrainingStopped:
                body: dict = {"result": ["ok", None], "stopped": True}
            except BaseException as exc:  # noqa: BLE001 — the learner's exception, as data
                body = {"error": self.error_data(exc)}
            else:
                body = {"result": ["ok", result]}
            finally:
                own.stop_at(None)
                if lines is not None:
                    sys.settrace(None)
            process_seconds = time.process_time() - process_started
        elapsed = time.thread_time() - started
        if "error" not in body and not body.get("stopped"):
            try:
                protocol.encode(body["result"][1])
            except protocol.EncodeError as exc:
                body = {"result": ["unsendable", str(exc)[:200]]}
        if req.get("record_own"):
            body["own_calls"] = self._plain([[n, list(a), k] for n, a, k in calls])
        if req.get("time_own"):
            body["own_seconds"] = {str(k): float(v) for k, v in seconds.items()}
            body["process_seconds"] = process_seconds
        if self.epochs is not None:
            body["epochs"] = self.epochs
        if lines is not None:
            body["lines"] = lines[0]
        body["cpu"] = elapsed
        body["warnings"] = [[w.category.__name__[:100], str(w.message)[:500]] for w in seen[:20]]
        body["after"] = [self._after(a) for a in args]
        body["after_kw"] = {k: self._after(v) for k, v in kwargs.items()}
        return body

    @staticmethod
    def _plain(value: Any) -> Any:
        try:
            protocol.encode(value)
        except protocol.EncodeError:
            return None
        return value

    @staticmethod
    def _after(value: Any) -> list:
        if value is None or isinstance(value, (bool, int, float, complex, str)):
            return ["same"]
        try:
            protocol.encode(value)
        except protocol.EncodeError as exc:
            return ["unsendable", str(exc)[:200]]
        return ["ok", value]

    def op_timed(self, req: dict) -> dict:
        func = self.function(req["name"])
        args, kwargs = self._args(req)
        repeat = req.get("repeat", 3)
        if type(repeat) is not int or not 1 <= repeat <= 100:
            raise ValueError("malformed repeat")
        best = float("inf")
        for _ in range(repeat):
            a, k = copy.deepcopy(args), copy.deepcopy(kwargs)  # each run on the inputs as sent
            started = time.thread_time()
            try:
                func(*a, **k)
            except BaseException as exc:  # noqa: BLE001
                return {"error": self.error_data(exc)}
            best = min(best, time.thread_time() - started)
        return {"best": best}

    def _count_lines(self) -> list[int]:
        """Start counting the line events of the learner's files (sys.settrace); the count is in the list."""
        mine = self._mine()
        count = [0]

        def local(frame, event, arg):
            if event == "line":
                count[0] += 1
            return local

        def tracer(frame, event, arg):
            return local if frame.f_code.co_filename in mine or str(Path(frame.f_code.co_filename)) in mine else None

        sys.settrace(tracer)
        return count

    def op_lines(self, req: dict) -> dict:
        func = self.function(req["name"])
        args, kwargs = self._args(req)
        count = self._count_lines()
        try:
            func(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001
            return {"error": self.error_data(exc)}
        finally:
            sys.settrace(None)
        return {"lines": count[0]}

    def serve(self) -> None:
        ops = {"load": self.op_load, "describe": self.op_describe, "get": self.op_get, "call": self.op_call,
               "timed": self.op_timed, "lines": self.op_lines, "own": self.op_own}
        while True:
            self.epochs = None
            try:
                req = protocol.read_frame(self.request_fd, self.make_recorder)
            except EOFError:
                return
            op = ops.get(str(req.get("op"))) if isinstance(req, dict) else None
            if op is None:
                return
            try:
                body = op(req)
            except BaseException as exc:  # noqa: BLE001 — e.g. getattr of a missing name, a learner's __getattr__
                body = {"error": self.error_data(exc)}
            self.reply(body)


def main(argv: list[str]) -> int:
    request_fd, reply_fd = (int(a) for a in argv)
    Child(request_fd, reply_fd).serve()
    return 0


if __name__ == "__main__":
    # Exit through os._exit so nothing the learner registered (atexit, threads) runs after the last reply.
    code = main(sys.argv[1:])
    os._exit(code)
