"""Helpers shared by the ex07–ex10 tests: grade a file once per test session, run a suite in-process."""

from __future__ import annotations

import functools
import importlib

import numpy as np
from conftest import SOLUTIONS, grade_file, run_studykit

from studykit.catalog import find


@functools.cache
def graded(exercise: str, solution: str, seed: str = "7") -> dict:
    """The parsed `grade --json` result of tests/solutions/<solution>.py, or of the starter when solution == "starter"."""
    path = find(exercise).starter_dir / "solution.py" if solution == "starter" else SOLUTIONS / f"{solution}.py"
    proc, result = grade_file(exercise, path, "--seed", seed)
    assert result is not None, proc.stdout + proc.stderr
    assert proc.returncode == (0 if result["status"] == "pass" else 1), proc.stderr
    return result


def failing(result: dict) -> dict[str, str]:
    """{case name: message + hint} for every scored case that did not pass."""
    return {t["name"]: f"{t['message']}\n{t['hint'] or ''}" for t in result["tests"] if t["status"] != "pass" and t["scored"]}


def table(exercise: str, solution: str) -> str:
    """The human report a learner reads."""
    proc = run_studykit("grade", exercise, "--file", str(SOLUTIONS / f"{solution}.py"), "--seed", "7")
    return proc.stdout


def run_suite_in_process(exercise: str, module, skip_kinds=("speed",)) -> list[str]:
    """Names of the suite's cases that `module` fails when run directly (no child): the reference must pass all."""
    suite = importlib.import_module(f"studykit.grading.suites.{exercise}")
    failed = []
    for index, case in enumerate(suite.cases):
        if case.kind in skip_kinds:
            continue
        try:
            case.run(module, np.random.default_rng(index))
        except Exception as exc:  # noqa: BLE001 — any failure is reported by name
            failed.append(f"{case.name}: {exc}")
    return failed
