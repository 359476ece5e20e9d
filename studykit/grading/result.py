"""The grade result as typed records: `GradeResult` of `CaseResult`s, with a `Status`, and its versioned JSON form.

`grade --json` prints `GradeResult.as_json()`; the terminal table (`report.render_table`) renders that same dict, so
the two never disagree. The JSON is a public contract (in the spirit of Exercism's results.json): fields are added,
never renamed or removed, and `"version"` says which set a reader gets.

Version 2 (this one): every field of the unversioned format (call it version 1) plus `"version"`.
    version, exercise, title, status ("pass" | "fail" | "error"), score (0–1, over scored cases), seed, duration,
    message (why nothing could be graded, or null), tests [{name, part, kind, scored, status, message, hint, data?}],
    parts {part: {passed, total}}, output, output_truncated, replay, curve? (ex13's training curve)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

RESULT_VERSION = 2


class Status(str, Enum):
    """A case's or a grade's outcome: `error` means it could not run (the file, a crash, a timeout)."""

    PASS = "pass"
    FAIL = "fail"
    ERROR = "error"


@dataclass
class CaseResult:
    name: str
    part: str
    kind: str
    scored: bool
    status: Status
    message: str = ""
    hint: str | None = None
    data: dict | None = None  # numbers a case measured (ex13: the training curve)

    def as_json(self) -> dict[str, Any]:
        record: dict[str, Any] = {"name": self.name, "part": self.part, "kind": self.kind, "scored": self.scored,
                                  "status": self.status.value, "message": self.message, "hint": self.hint}
        if self.data is not None:
            record["data"] = self.data
        return record


@dataclass
class GradeResult:
    exercise: str
    title: str
    seed: int
    duration: float
    tests: list[CaseResult]
    message: str | None = None
    output: str = ""
    output_truncated: bool = False
    replay: str = ""
    curve: dict | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def scored(self) -> list[CaseResult]:
        return [t for t in self.tests if t.scored]

    @property
    def score(self) -> float:
        scored = self.scored
        return sum(t.status is Status.PASS for t in scored) / len(scored) if scored else 0.0

    @property
    def status(self) -> Status:
        if self.message or not self.tests:
            return Status.ERROR
        return Status.PASS if all(t.status is Status.PASS for t in self.scored) else Status.FAIL

    def parts(self) -> dict[str, dict[str, int]]:
        parts: dict[str, dict[str, int]] = {}
        for t in self.scored:
            if t.part:
                entry = parts.setdefault(t.part, {"passed": 0, "total": 0})
                entry["total"] += 1
                entry["passed"] += t.status is Status.PASS
        return parts

    def as_json(self) -> dict[str, Any]:
        message = self.message
        if self.status is Status.ERROR and not message:
            message = "the grader could not start your exercise."
        result: dict[str, Any] = {
            "version": RESULT_VERSION,
            "exercise": self.exercise,
            "title": self.title,
            "status": self.status.value,
            "score": round(self.score, 4),
            "seed": self.seed,
            "duration": round(self.duration, 3),
            "message": message,
            "tests": [t.as_json() for t in self.tests],
            "parts": self.parts(),
            "output": self.output,
            "output_truncated": self.output_truncated,
            "replay": self.replay or f"studykit grade {self.exercise} --seed {self.seed}",
            **self.extra,
        }
        if self.curve is not None:
            result["curve"] = self.curve  # ex13's training curve, also drawn by the table and by `grade --plot`
        return result
