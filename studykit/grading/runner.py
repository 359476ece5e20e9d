"""Runs the learner's code in a child process with a time limit and a memory limit, and collects results.

The CLI process never imports the learner's file (nor numpy): `run_in_child` starts
`python -m studykit.grading.child`, reads one JSON record per case from a dedicated pipe, and turns
whatever happened — all cases reported, a crash, an early exit, a hang — into one result object.
A child that ends without its `done` record has failed; nothing it did not report counts as passed.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from studykit.catalog import Exercise
from studykit.grading.report import build_result

MEMORY_LIMIT_MB = 2048
SHOWN_OUTPUT = 4000  # characters of the learner's prints shown in the report


def _die_with_parent() -> None:
    """Linux: SIGKILL this process when the CLI that started it dies (Ctrl-C, kill -9), so no orphan spins on."""
    try:
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass  # not Linux: the CPU-time limit below is the backstop


def _limit_resources(memory_mb: int, cpu_seconds: int):
    def apply() -> None:
        import resource

        os.setsid()  # own process group, so a timeout kills everything the learner started
        _die_with_parent()
        # address space, not RSS: numpy with one BLAS thread reserves ~100 MB, so 2 GB leaves room for
        # real work while a runaway allocation gets MemoryError (or is killed) instead of swapping the machine
        limits = {
            resource.RLIMIT_AS: memory_mb * 1024 * 1024,
            resource.RLIMIT_FSIZE: 64 * 1024 * 1024,  # a backstop for prints that bypass sys.stdout
            resource.RLIMIT_CORE: 0,
            # CPU seconds, inherited by anything the learner forks: even an orphan stops spinning eventually
            resource.RLIMIT_CPU: cpu_seconds,
        }
        for which, wanted in limits.items():
            _, hard = resource.getrlimit(which)
            value = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
            try:
                resource.setrlimit(which, (value, value))  # hard too: the learner cannot lift it
            except (ValueError, OSError):
                pass  # a stricter limit already set by the system stays in force

    return apply


def _describe_death(returncode: int | None, timed_out: bool, timeout: float, running: str | None) -> str:
    during = f" while running “{running}”" if running else ""
    if timed_out:
        return (f"your code did not finish within {timeout:g} s{during} — an infinite loop, or far too slow. "
                f"(Raise the limit with --timeout if your code is just slow.)")
    if returncode is not None and returncode < 0:
        sig = -returncode
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else f"signal {sig}"
        if sig == signal.SIGKILL:
            return f"your program was killed{during} (SIGKILL) — most likely it used too much memory."
        if sig == signal.SIGXCPU:
            return f"your program used too much CPU time{during} and was stopped."
        if sig == signal.SIGXFSZ:
            return f"your program printed far too much output{during} and was stopped."
        return f"your program crashed{during} ({name})."
    return (f"your program exited{during} before reporting all results (exit code {returncode}) — "
            f"do not call os._exit() or exit the interpreter in solution.py.")


def run_in_child(
    exercise: Exercise,
    solution: Path,
    seed: int,
    timeout: float | None = None,
    memory_mb: int = MEMORY_LIMIT_MB,
    replay: str | None = None,
) -> dict:
    """Grade `solution` against `exercise` in a child process; returns the result object (see report)."""
    timeout = float(timeout if timeout is not None else exercise.timeout)
    read_fd, write_fd = os.pipe()
    # the child runs in the learner's folder; keep this very studykit importable there even when it is
    # used from a source checkout rather than installed
    package_root = str(Path(__file__).resolve().parents[2])
    python_path = os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH", "")) if p)
    env = {
        **os.environ,
        "PYTHONPATH": python_path,
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONIOENCODING": "utf-8",
    }
    workspace = _workspace_of(solution)
    if workspace is not None:  # where ex13's own.load finds the learner's earlier exercises
        env["STUDYKIT_WORKSPACE"] = str(workspace)
    started = time.perf_counter()
    with tempfile.TemporaryFile() as output:
        proc = subprocess.Popen(
            [sys.executable, "-m", "studykit.grading.child", exercise.id, str(solution), str(seed), str(write_fd)],
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            pass_fds=(write_fd,),
            cwd=str(solution.parent),
            env=env,
            preexec_fn=_limit_resources(memory_mb, cpu_seconds=int(2 * timeout) + 5),
        )
        os.close(write_fd)
        try:
            records, timed_out = _read_records(read_fd, started + timeout)
            if timed_out:
                _kill_group(proc)
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                _kill_group(proc)
                proc.wait()
        finally:
            _kill_group(proc)  # on every way out (Ctrl-C too), whatever the learner started dies with the grade
        duration = time.perf_counter() - started
        output.seek(0)
        raw = output.read(SHOWN_OUTPUT * 4 + 1).decode("utf-8", errors="replace")

    printed = raw[:SHOWN_OUTPUT]
    truncated = len(raw) > SHOWN_OUTPUT or "[studykit: output truncated]" in raw
    done = any(r.get("type") == "done" for r in records)
    death = None
    if not done:
        running = None
        for r in records:
            if r.get("type") == "begin":
                running = r["name"]
            elif r.get("type") == "case":
                running = None
        death = _describe_death(proc.returncode, timed_out, timeout, running)
    return build_result(exercise, records, seed=seed, duration=duration, death=death,
                        output=printed, output_truncated=truncated, replay=replay)


def _workspace_of(solution: Path) -> Path | None:
    """The workspace holding the graded file, else the one the CLI runs in (as `grade --file` records it)."""
    from studykit.workspace import find_workspace

    return find_workspace(solution.parent) or find_workspace()


def _read_records(fd: int, deadline: float) -> tuple[list[dict], bool]:
    """JSON-line records from `fd` until `done`, EOF (the child is gone) or the deadline (timed out).

    Reading stops at `done` rather than EOF: a process the learner forked may still hold the pipe open.
    """
    records: list[dict] = []
    buffer = b""
    try:
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                return records, True
            ready, _, _ = select.select([fd], [], [], remaining)
            if not ready:
                return records, True
            chunk = os.read(fd, 65536)
            if not chunk:
                return records, False
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a stray write to the results fd is not a result
                if isinstance(record, dict):
                    records.append(record)
                    if record.get("type") == "done":
                        return records, False
    finally:
        os.close(fd)


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
