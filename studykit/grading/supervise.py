"""Limits for the learner's process and the end of everything it started, even what left its process group.

`limit_resources` runs in the forked child before exec: its own session and process group, death with the
grader (PDEATHSIG), and hard RLIMITs (address space, CPU seconds, file size, no core). `kill_tree` ends the
child and every process whose ancestry leads to it: the grader makes itself a child subreaper
(`prctl(PR_SET_CHILD_SUBREAPER)`, Linux), so a grandchild that double-forks and calls `setsid()` is re-parented
to the grader, not to init, and is found and killed too. Nothing else is touched: only processes descending from
the child, or orphans re-parented to the grader after the child was started.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36


def _prctl(option: int, value: int) -> bool:
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


_subreaper = [False]


def become_subreaper() -> bool:
    """Make this process the reaper of its descendants' orphans (once; False where Linux's prctl is missing)."""
    if not _subreaper[0]:
        _subreaper[0] = _prctl(PR_SET_CHILD_SUBREAPER, 1)
    return _subreaper[0]


def limit_resources(memory_mb: int, cpu_seconds: int) -> Callable[[], None]:
    def apply() -> None:
        import resource

        os.setsid()  # own process group, so a timeout kills everything the learner started
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # the grader dies (Ctrl-C, kill -9): so does the child
        # address space, not RSS: numpy with one BLAS thread reserves ~100 MB, so 2 GB leaves room for
        # real work while a runaway allocation gets MemoryError (or is killed) instead of swapping the machine
        limits = {
            resource.RLIMIT_AS: memory_mb * 1024 * 1024,
            resource.RLIMIT_FSIZE: 64 * 1024 * 1024,  # a backstop for prints that bypass sys.stdout
            resource.RLIMIT_CORE: 0,
            resource.RLIMIT_CPU: cpu_seconds,  # inherited by anything the learner forks
        }
        for which, wanted in limits.items():
            _, hard = resource.getrlimit(which)
            value = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
            try:
                resource.setrlimit(which, (value, value))  # hard too: the learner cannot lift it
            except (ValueError, OSError):
                pass  # a stricter limit already set by the system stays in force

    return apply


def _parents() -> dict[int, int]:
    """pid → parent pid of every process visible in /proc."""
    found: dict[int, int] = {}
    for entry in Path("/proc").iterdir() if Path("/proc").is_dir() else ():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'
        fields = stat[stat.rfind(")") + 2:].split()
        if len(fields) > 1 and fields[1].isdigit():
            found[int(entry.name)] = int(fields[1])
    return found


def descendants(roots: set[int]) -> set[int]:
    parents = _parents()
    found: set[int] = set()
    frontier = set(roots)
    while frontier:
        children = {pid for pid, ppid in parents.items() if ppid in frontier and pid not in found}
        found |= children
        frontier = children
    return found


def children_of_this_process() -> set[int]:
    me = os.getpid()
    return {pid for pid, ppid in _parents().items() if ppid == me}


def kill_tree(proc: subprocess.Popen, known_before: set[int] | None = None) -> None:
    """SIGKILL `proc`, its process group, its descendants, and orphans re-parented here since it started
    (children of this process not in `known_before`); reap those orphans."""
    for _ in range(5):  # a process may fork between the scan and the kill: scan again until nothing is left
        targets = descendants({proc.pid})
        if known_before is not None:
            orphans = children_of_this_process() - known_before - {proc.pid}
            targets |= orphans | descendants(orphans)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
        for pid in targets:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        for pid in targets:  # orphans re-parented to us are ours to reap (for any other pid this raises at once)
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(pid, 0)
        if not targets:
            break
