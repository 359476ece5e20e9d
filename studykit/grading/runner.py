"""Grades a learner's file: the exercise's suite runs HERE, the learner's code in a child process it talks to.

`run_in_child` reads the file as text (refused imports, checked statically), starts the learner's process
(`remote.Session`: time and memory limits, its own process group, every descendant killed at the end), hands the
suite a `remote.LearnerModule` as `sol`, and runs each case in this process: the references, the comparisons and
the verdicts never share a process with the learner's code. Whatever happens on the learner's side — an
exception, a crash, an early exit, a hang, a forged reply — is a failed case, never a pass.
"""

from __future__ import annotations

import importlib
import os
import re
import time
import traceback
import warnings
from pathlib import Path
from typing import Any

from studykit.catalog import Exercise
from studykit.grading.report import build_result

MEMORY_LIMIT_MB = 2048
SHOWN_OUTPUT = 4000  # characters of the learner's prints shown in the report
MESSAGE_LIMIT = 3000  # characters of one case's message or hint

_BROADCAST = [
    re.compile(r"operands could not be broadcast together with (?:remapped )?shapes ?(?P<shapes>.*)"),
    re.compile(r"could not broadcast input array from shape (?P<a>\([^)]*\)) into shape (?P<b>\([^)]*\))"),
]


def _shape_text(text: str) -> str:
    """'(2,3)' → '(2, 3)'."""
    dims = [d for d in re.split(r"[,\s]+", text.strip("()[] ")) if d]
    return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"


def learner_error_message(remote: Any, solution: Path) -> str:
    """The message for a learner's exception: a broadcast error from their own line says which line and which two
    shapes; anything else is their traceback trimmed to their own frames."""
    if remote.type == "ValueError" and remote.frames:
        filename, line, _, code = remote.frames[-1]
        where = f"your line {line}" if Path(filename).resolve() == solution else f"line {line} of your {filename}"
        for pattern in _BROADCAST:
            match = pattern.search(remote.message)
            if not match:
                continue
            if "shapes" in match.groupdict():
                shapes = re.findall(r"\([^)]*\)", match.group("shapes").split("->")[-1] if "->" in
                                    match.group("shapes") else match.group("shapes"))
                if len(shapes) >= 2:
                    listed = " and ".join(_shape_text(s) for s in shapes[:2]) if len(shapes) == 2 else \
                        ", ".join(_shape_text(s) for s in shapes)
                    return (f"{where}: `{code}` — shapes {listed} cannot be broadcast together (NumPy matches "
                            "shapes from the last axis: each pair of sizes must be equal or 1).")
            else:
                return (f"{where}: `{code}` — an array of shape {_shape_text(match.group('a'))} cannot be stored "
                        f"into a slot of shape {_shape_text(match.group('b'))}.")
    return remote.traceback_text()


def _load_message(error: Any, solution: Path) -> str:
    if error.syntax:
        line, offset, text, msg = (list(error.syntax) + [0, 0, "", ""])[:4]
        where = f"line {line}" + (f", column {offset}" if offset else "")
        return f"syntax error in your file at {where}: {msg}\n{text}"
    if error.exit is not None:
        return (f"your file called sys.exit({error.exit}) while being imported; remove it — the grader imports "
                "your file and calls your functions.")
    if error.type == "RefusedImport":
        return f"your file was refused: {error.message}"
    return "your file raised an error while being imported:\n" + error.traceback_text()


def _bounded(text: Any) -> Any:
    if isinstance(text, str) and len(text) > MESSAGE_LIMIT:
        return text[:MESSAGE_LIMIT] + " … [truncated]"
    return text


def _file_problem(solution: Path) -> str | None:
    """What is wrong with the file itself (not a regular file, too large, not text), else None."""
    from studykit.grading.options import file_problem

    return file_problem(solution)


def run_in_child(
    exercise: Exercise,
    solution: Path,
    seed: int,
    timeout: float | None = None,
    memory_mb: int = MEMORY_LIMIT_MB,
    replay: str | None = None,
) -> dict:
    """Grade `solution` against `exercise`; returns the result object (see report)."""
    timeout = float(timeout if timeout is not None else exercise.timeout)
    started = time.perf_counter()
    solution = Path(solution).resolve()

    def finish(records: list[dict], death: str | None = None, output: str = "") -> dict:
        printed = output[:SHOWN_OUTPUT]
        truncated = len(output) > SHOWN_OUTPUT or "[studykit: output truncated]" in output
        return build_result(exercise, records, seed=seed, duration=time.perf_counter() - started, death=death,
                            output=printed, output_truncated=truncated, replay=replay)

    problem = _file_problem(solution)
    if problem:
        return finish([{"type": "plan", "cases": []}, {"type": "fatal", "message": problem}, {"type": "done"}])
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # the references are timed on one thread, as the learner is
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("MKL_NUM_THREADS", "1")
    try:
        import numpy as np

        suite = importlib.import_module(exercise.suite_module)
        cases = list(suite.cases)
    except BaseException:  # noqa: BLE001 — the grader's own fault, not the learner's: say so plainly
        return finish([{"type": "fatal", "message": f"internal error: the check suite for {exercise.id} could not "
                        "be loaded (this is a bug in studykit, not in your code):\n" + traceback.format_exc(limit=-3)},
                       {"type": "done"}])
    records: list[dict] = [{"type": "plan", "cases": [{"name": c.name, "part": c.part, "kind": c.kind,
                                                       "scored": c.scored} for c in cases]}]

    from studykit.grading import refuse as refusing

    source = solution.read_text(encoding="utf-8", errors="replace")
    refused = refusing.static_refusals(source, exercise.refuse, exercise.id)
    if refused:
        records += [{"type": "fatal", "message": "your file makes an import this exercise refuses:\n" +
                     "\n".join(refused)}, {"type": "done"}]
        return finish(records)
    computed = refusing.computed_answers(source, exercise.id) if exercise.answers_only else []
    if computed:
        records += [{"type": "fatal", "message": f"in {exercise.id} your file is a list of answers you derive; these "
                     "lines compute instead (only formula strings, and sympy expressions built from symbols, "
                     "numbers and the answer functions, are accepted — e.g. D_TANH = \"1 - tanh(x)**2\"):\n" +
                     "\n".join(computed)}, {"type": "done"}]
        return finish(records)

    from studykit.grading import remote
    from studykit.grading.cases import CheckFailed

    refuse_list, allow_list = refusing.rules(exercise.refuse)
    env = {}
    workspace = _workspace_of(solution)
    if workspace is not None:  # where ex13's own.load finds the learner's earlier exercises
        env["STUDYKIT_WORKSPACE"] = str(workspace)
    session = remote.Session(solution, timeout=timeout, memory_mb=memory_mb,
                             cpu_seconds=int(2 * timeout) + 5, refuse=refuse_list, allow=allow_list, env=env)
    death: str | None = None
    previous_workspace = os.environ.get("STUDYKIT_WORKSPACE")
    if workspace is not None:  # ex13's suite asks own.workspace() here too
        os.environ["STUDYKIT_WORKSPACE"] = str(workspace)
    try:
        try:
            session.start()
        except remote.ChildDied as died:
            death = died.message
        if death is None and session.load_error is not None:
            records += [{"type": "fatal", "message": _bounded(_load_message(session.load_error, solution))},
                        {"type": "done"}]
            return finish(records, output="".join(session.output))
        sol = remote.LearnerModule(session)
        for index, case in enumerate(cases):
            if death is not None:
                break
            records.append({"type": "begin", "name": case.name})
            rng = np.random.default_rng([seed, index])
            record: dict = {"type": "case", "name": case.name, "status": "pass", "message": "", "hint": None}
            refused_before = len(session.refused)
            try:
                with remote.case_time_limit(case.timeout), warnings.catch_warnings():
                    warnings.simplefilter("ignore")  # the learner's warnings count only where a check watches them
                    note = case.run(sol, rng)
                if isinstance(note, str):
                    record["message"] = note
                elif isinstance(note, dict):
                    record["message"] = note.get("message", "")
                    if note.get("data") is not None:
                        record["data"] = note["data"]
            except remote.ChildDied as died:
                if died.restartable and case.timeout and session.remaining() > 0:
                    record.update(status="fail", message=f"took longer than {case.timeout:g} s — an infinite "
                                  "loop, or far too slow.")
                else:
                    death = died.during(case.name)
                    break
            except remote.LearnerExit as exc:
                record.update(status="error", message=f"your code called sys.exit({exc.code}); return a value "
                              "instead.")
            except CheckFailed as exc:
                record.update(status="fail", message=exc.message, hint=exc.hint)
                if getattr(exc, "data", None) is not None:
                    record["data"] = exc.data
            except NotImplementedError:
                record.update(status="fail", message="not implemented yet (the starter raises NotImplementedError).")
            except MemoryError:
                record.update(status="error", message="ran out of memory (MemoryError): the grader's memory limit "
                              "was hit.")
            except Exception as exc:  # noqa: BLE001
                remote_error = getattr(exc, "remote", None)
                if remote_error is not None:
                    message = learner_error_message(remote_error, solution)
                else:  # raised here while checking what the learner's function returned
                    message = "".join(traceback.format_exception_only(type(exc), exc)).rstrip()
                record.update(status="error", message=message)
            if len(session.refused) > refused_before:
                record.update(status="fail", message="; ".join(session.refused[refused_before:]), hint=None)
            for key in ("message", "hint"):  # an exception that prints a huge array must not flood the report
                record[key] = _bounded(record[key])
            records.append(record)
    finally:
        session.close()
        if previous_workspace is None:
            os.environ.pop("STUDYKIT_WORKSPACE", None)
        else:
            os.environ["STUDYKIT_WORKSPACE"] = previous_workspace
    if session.refused:
        records.append({"type": "fatal", "message": "your code made an import this exercise refuses:\n" +
                        "\n".join(dict.fromkeys(session.refused))})
    if death is None:
        records.append({"type": "done"})
    return finish(records, death=death, output="".join(session.output))


def _workspace_of(solution: Path) -> Path | None:
    """The workspace holding the graded file, else the one the CLI runs in (as `grade --file` records it)."""
    from studykit.workspace import find_workspace

    return find_workspace(solution.parent) or find_workspace()
