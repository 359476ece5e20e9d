"""In-process harness for the ex02/ex03/ex04/ex06 suite tests: run a suite's cases against a module built
from learner-style source, without the CLI (fast, and pins which case catches which mistake)."""

from __future__ import annotations

import importlib
import types

import numpy as np

from studykit.grading.cases import CheckFailed


def module_from_source(source: str, name: str = "learner_solution") -> types.ModuleType:
    module = types.ModuleType(name)
    exec(compile(source, f"<{name}>", "exec"), module.__dict__)
    return module


def run_cases(exercise: str, module, seed: int = 7) -> dict[str, tuple[str, str, str | None]]:
    """{case name: (status, message, hint)} for every case, the way the child would classify it."""
    suite = importlib.import_module(f"studykit.grading.suites.{exercise}")
    results = {}
    for index, case in enumerate(suite.cases):
        try:
            case.run(module, np.random.default_rng([seed, index]))
        except CheckFailed as failed:
            results[case.name] = ("fail", failed.message, failed.hint)
        except Exception as exc:  # noqa: BLE001 — the learner's code raising
            results[case.name] = ("error", f"{type(exc).__name__}: {exc}", None)
        else:
            results[case.name] = ("pass", "", None)
    return results


def failed_hints(results: dict) -> set[str]:
    return {hint for status, _, hint in results.values() if status != "pass" and hint}
