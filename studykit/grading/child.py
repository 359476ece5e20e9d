"""The grading child: imports the learner's file and runs an exercise's cases, reporting each as it ends.

Run only by `studykit.grading.runner` as
    python -m studykit.grading.child EXERCISE_ID SOLUTION_PATH SEED RESULT_FD
Records are JSON lines written to RESULT_FD: `begin` before a case, `case` after it, `fatal` when the
learner's file cannot even be loaded, and `done` last. A child that never writes `done` has failed,
whatever happened to it (os._exit, a crash, the memory limit, the time limit).
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import json
import os
import signal
import sys
import traceback
from pathlib import Path

from studykit.grading.cases import CheckFailed

# The learner's prints reach the parent through fd 1 but are bounded here: a loop printing megabytes
# must neither slow the grade down nor fill the disk.
OUTPUT_LIMIT = 16 * 1024
MESSAGE_LIMIT = 3000  # characters of one case's message or hint


class BoundedWriter:
    """A text stream that passes the first OUTPUT_LIMIT characters through and then drops the rest."""

    def __init__(self, stream, budget: list[int]):
        self._stream = stream
        self._budget = budget  # shared between stdout and stderr

    def write(self, text: str) -> int:
        if self._budget[0] > 0:
            piece = text[: self._budget[0]]
            self._budget[0] -= len(piece)
            self._stream.write(piece)
            if self._budget[0] <= 0:
                self._stream.write("\n[studykit: output truncated]\n")
            self._stream.flush()
        return len(text)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self._stream.fileno()


class CaseTimeout(BaseException):
    """Raised by SIGALRM when a case overruns its own budget (BaseException: `except Exception` in the
    learner's code must not swallow it)."""


def _on_alarm(signum, frame):
    raise CaseTimeout()


def learner_traceback(exc: BaseException, solution: Path) -> str:
    """The traceback trimmed to frames in the learner's own file, plus the exception line."""
    own = sys.modules.get("studykit.grading.own")  # ex13: the earlier exercises' files it loaded are the learner's too
    mine = {solution} | (own.loaded_files() if own is not None else set())
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename).resolve() in mine]
    lines = traceback.format_list(frames) if frames else []
    lines += traceback.format_exception_only(type(exc), exc)
    text = "".join(lines).rstrip()
    return ("Traceback (your code):\n" + text) if frames else text


def load_solution(path: Path):
    sys.path.insert(0, str(path.parent))
    # an explicit source loader, so a file not named *.py (solution.txt, a temp file) still loads
    loader = importlib.machinery.SourceFileLoader("solution", str(path))
    spec = importlib.util.spec_from_file_location("solution", path, loader=loader)
    assert spec is not None  # an explicit loader always gives a spec
    module = importlib.util.module_from_spec(spec)
    sys.modules["solution"] = module
    loader.exec_module(module)
    return module


def main(argv: list[str]) -> int:
    exercise_id, solution_arg, seed_arg, fd_arg = argv
    solution = Path(solution_arg).resolve()
    seed = int(seed_arg)
    results = os.fdopen(int(fd_arg), "w", encoding="utf-8", buffering=1)

    def send(record: dict) -> None:
        for key in ("message", "hint"):  # an exception that prints a huge array must not flood the report
            if isinstance(record.get(key), str) and len(record[key]) > MESSAGE_LIMIT:
                record[key] = record[key][:MESSAGE_LIMIT] + " … [truncated]"
        results.write(json.dumps(record, ensure_ascii=False) + "\n")
        results.flush()

    budget = [OUTPUT_LIMIT]
    sys.stdout = BoundedWriter(sys.__stdout__, budget)
    sys.stderr = BoundedWriter(sys.__stderr__, budget)

    try:
        import numpy as np

        suite = importlib.import_module(f"studykit.grading.suites.{exercise_id}")
        cases = list(suite.cases)
    except BaseException:  # the grader's own fault, not the learner's: say so plainly
        send({"type": "fatal", "message": f"internal error: the check suite for {exercise_id} could not be loaded "
              "(this is a bug in studykit, not in your code):\n" + traceback.format_exc(limit=-3)})
        send({"type": "done"})
        return 0
    send({"type": "plan", "cases": [{"name": c.name, "part": c.part, "kind": c.kind,
                                     "scored": c.scored} for c in cases]})

    try:
        sol = load_solution(solution)
    except SyntaxError as exc:
        where = f"line {exc.lineno}" + (f", column {exc.offset}" if exc.offset else "")
        send({"type": "fatal",
              "message": f"syntax error in your file at {where}: {exc.msg}\n{(exc.text or '').rstrip()}"})
        send({"type": "done"})
        return 0
    except SystemExit as exc:
        send({"type": "fatal", "message": f"your file called sys.exit({exc.code!r}) while being imported; "
              "remove it — the grader imports your file and calls your functions."})
        send({"type": "done"})
        return 0
    except BaseException as exc:  # anything the learner's module raises at import
        message = "your file raised an error while being imported:\n" + learner_traceback(exc, solution)
        send({"type": "fatal", "message": message})
        send({"type": "done"})
        return 0

    signal.signal(signal.SIGALRM, _on_alarm)
    for index, case in enumerate(cases):
        send({"type": "begin", "name": case.name})
        rng = np.random.default_rng([seed, index])
        record = {"type": "case", "name": case.name, "status": "pass", "message": "", "hint": None}
        if case.timeout:
            signal.setitimer(signal.ITIMER_REAL, case.timeout)
        try:
            note = case.run(sol, rng)
            if isinstance(note, str):
                record["message"] = note
            elif isinstance(note, dict):
                record["message"] = note.get("message", "")
                if note.get("data") is not None:
                    record["data"] = note["data"]
        except CaseTimeout:
            record.update(status="fail",
                          message=f"took longer than {case.timeout:g} s — an infinite loop, or far too slow.")
        except SystemExit as exc:
            record.update(status="error", message=f"your code called sys.exit({exc.code!r}); return a value instead.")
        except CheckFailed as exc:
            record.update(status="fail", message=exc.message, hint=exc.hint)
            if getattr(exc, "data", None) is not None:
                record["data"] = exc.data
        except NotImplementedError:
            record.update(status="fail", message="not implemented yet (the starter raises NotImplementedError).")
        except MemoryError:
            record.update(status="error", message="ran out of memory (MemoryError): the grader's memory limit was hit.")
        except BaseException as exc:
            record.update(status="error", message=learner_traceback(exc, solution))
        finally:
            if case.timeout:
                signal.setitimer(signal.ITIMER_REAL, 0)
        send(record)
    send({"type": "done"})
    return 0


if __name__ == "__main__":
    # Exit through os._exit so nothing the learner registered (atexit, threads) can run after `done`.
    code = main(sys.argv[1:])
    sys.stdout.flush()
    os._exit(code)
