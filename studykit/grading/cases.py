"""Named grading cases: what an exercise's check suite declares, and what a failed check raises.

A suite (`studykit/grading/suites/exNN.py`) builds a `CaseList` and decorates one function per case:

    cases = CaseList()

    @cases("fixed: 2×3 logits", part="forward")
    def _(sol, rng):
        ...  # call the learner's functions on `sol`, raise CheckFailed on a wrong answer

`sol` is the learner's module; `rng` is a `numpy.random.Generator` derived from the run's seed and
the case's position, so `studykit grade exNN --seed S` replays every random input exactly.
A case passes when it returns (a string it returns is its message; a dict gives `message` and `data`, numbers the
report shows and `--json` carries); `CheckFailed` makes it fail with a message (and maybe a hint and data);
any other exception is the learner's code raising, reported with their traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

CASE_KINDS = ("fixed", "random", "edge", "property", "speed")


class CheckFailed(AssertionError):
    """A check found a wrong answer. `message` says what is wrong; `hint` says what to look at."""

    def __init__(self, message: str, hint: str | None = None, data: dict | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.data = data  # numbers for the report and --json (ex13's training curve), when a case has any


@dataclass(frozen=True)
class Case:
    name: str
    run: Callable[[Any, Any], Any]
    part: str = ""  # e.g. "forward" / "backward": partial credit is reported per part
    kind: str = "fixed"
    timeout: float | None = None  # seconds for this case alone; None = the exercise's budget
    scored: bool = True  # False for informational cases (speed feedback): never fail the grade


class CaseList:
    """An ordered list of cases, filled by using the instance as a decorator factory."""

    def __init__(self) -> None:
        self.cases: list[Case] = []

    def __call__(
        self,
        name: str,
        *,
        part: str = "",
        kind: str = "fixed",
        timeout: float | None = None,
        scored: bool = True,
    ) -> Callable[[Callable], Callable]:
        if kind not in CASE_KINDS:
            raise ValueError(f"unknown case kind {kind!r}; expected one of {CASE_KINDS}")
        if any(case.name == name for case in self.cases):
            raise ValueError(f"duplicate case name {name!r}")

        def register(func: Callable) -> Callable:
            self.cases.append(Case(name, func, part, kind, timeout, scored))
            return func

        return register

    def __iter__(self):
        return iter(self.cases)

    def __len__(self) -> int:
        return len(self.cases)
