"""ex13 case 1, your layers: every function of an earlier exercise that the model uses passes that exercise's own
checks (run in the grader, calling the learner's earlier functions in their process)."""

from __future__ import annotations

import importlib
import traceback

import numpy as np

from studykit.grading import own
from studykit.grading.cases import CheckFailed
from studykit.grading.suites.ex13.common import REQUIRED, _own_frame, _recorded, _requested, cases

# ----------------------------------------------------------------------------------------------- 1. your layers


class _Tracking:
    """A stand-in module for running an earlier suite: like `mod`, but remembers which of `names` were called."""

    def __init__(self, mod, names):
        self._mod = mod
        self._names = set(names)
        self.called: set[str] = set()
        self.order: list[str] = []  # the tracked functions in the order of their calls

    def __getattr__(self, name):
        func = getattr(self._mod, name)
        if name not in self._names or not callable(func):
            return func
        called, order = self.called, self.order

        def tracked(*args, **kwargs):
            called.add(name)
            order.append(name)
            return func(*args, **kwargs)

        tracked.__name__ = name
        return tracked


def _tracking(mod, names):
    proxy = _Tracking(mod, names)
    return proxy, proxy.called


def _their_traceback(exc: BaseException) -> str:
    remote = getattr(exc, "remote", None)
    if remote is not None:
        return remote.traceback_text()
    return "".join(traceback.format_exception_only(type(exc), exc)).rstrip()


def _blame(part: str, names: list[str]) -> list[str]:
    """Which of the functions a failing case called it was checking, going by the case's part."""
    if len(names) > 1 and part in ("forward", "backward"):
        backward = [n for n in names if n.endswith(("_backward", "_grad"))]
        chosen = backward if part == "backward" else [n for n in names if n not in backward]
        return chosen or names
    return names


def _unfinished(sol, ex_id: str, names: list[str], seed: int) -> tuple[str, str | None] | None:
    """Why your exercise `ex_id` is not finished for `names` (message, hint), or None when its checks pass."""
    try:
        mod = sol.own_module(ex_id)
    except own.OwnCodeError as exc:
        return exc.message, None
    for name in names:
        if not callable(getattr(mod, name, None)):
            return (f"finish {ex_id} first: your {ex_id} solution.py defines no function `{name}` (keep the starter's "
                    f"name and signature).", None)
    suite = importlib.import_module(f"studykit.grading.suites.{ex_id}")
    proxy, called = _tracking(mod, names)
    for index, case in enumerate(suite.cases):
        if case.kind == "speed" or not case.scored:
            continue
        called.clear()
        proxy.order.clear()
        culprit = None  # the function that failed, when it is known
        try:
            case.run(proxy, np.random.default_rng([seed, index]))
            continue
        except CheckFailed as exc:
            message, hint = exc.message, exc.hint
            if case.part not in ("forward", "backward"):  # else the part says which one the check was about
                culprit = proxy.order[-1] if proxy.order else None  # the result of the last call was checked
        except NotImplementedError as exc:
            where = _own_frame(exc, sol)
            name = where[1] if where else case.name
            return (f"finish {ex_id} first: your {name} is not implemented yet (the starter raises "
                    f"NotImplementedError) — `studykit show {ex_id}`.", None)
        except Exception as exc:  # noqa: BLE001 — the learner's earlier code raising
            message, hint = _their_traceback(exc), None
            where = _own_frame(exc, sol)  # the function whose line raised
            culprit = where[1] if where else (proxy.order[-1] if proxy.order else None)
        used = [n for n in names if n in called]
        if not used:
            continue  # a check of a function the model does not use (ex04's sigmoid when it uses relu)
        blamed = culprit if culprit in used else " and ".join(_blame(case.part, used))
        return (f"finish {ex_id} first: your {blamed} does not pass {ex_id}'s check “{case.name}”:\n{message}\n"
                f"(`studykit grade {ex_id}` runs all of {ex_id}'s checks; ex13 trains the layers you wrote there.)",
                hint)
    return None


@cases("your layers: what your model uses from ex02–ex12 passes those exercises' checks", part="layers", timeout=60)
def _(sol, rng):
    try:
        _, _, _, calls, _, predict_calls = _recorded(sol, rng)
        used = list(dict.fromkeys(name for name, _, _ in calls + predict_calls))
        ran = True
    except Exception:  # noqa: BLE001 — the ex13 code itself is not ready: check everything it loads
        used, ran = [], False
    requested = _requested(sol)  # after the run: own.load may be called inside the learner's functions too
    if not requested:
        raise CheckFailed("your file loads none of your earlier layers: ex13 trains a CNN built from YOUR "
                          "conv2d_forward/conv2d_backward (ex09), softmax_cross_entropy (ex03) and the others — load "
                          "them with own.load(...) as the starter's first lines do, instead of writing new ones.")
    if not ran:
        used = list(requested)
    if own.workspace() is None:
        raise CheckFailed(own.no_workspace_message())
    by_exercise: dict[str, list[str]] = {}
    for name in used:
        by_exercise.setdefault(own.exercise_of(name).id, []).append(name)
    seed = int(rng.integers(2**31))
    problems = []
    for ex_id in sorted(by_exercise):
        problem = _unfinished(sol, ex_id, by_exercise[ex_id], seed)
        if problem is not None:
            problems.append((ex_id, problem))
    if problems:
        (_, (message, hint)), others = problems[0], [p[0] for p in problems[1:]]
        if others:
            message += f"\nnot finished either: {', '.join(others)}."
        raise CheckFailed(message, hint)
    if ran:
        missing = [name for name in REQUIRED if name not in used]
        if missing:
            raise CheckFailed(
                f"your model does not use your {', '.join(missing)}: the capstone's CNN computes its logits with your "
                "conv2d_forward, its loss and dZ with your softmax_cross_entropy, and its gradients with your "
                "conv2d_backward — call them (loaded with own.load) in loss_and_grads.")
    where = ", ".join(f"{ex_id} ({', '.join(names)})" for ex_id, names in sorted(by_exercise.items()))
    return f"yours from {where}: each passes its exercise's checks."
