"""The grade result object (in the spirit of Exercism's results.json) and its two renderings.

`grade_result` turns the grader's records into one `result.GradeResult`; `build_result` gives its JSON form, and
`render_json` and `render_table` only format that dict, so the terminal report and `--json` can never disagree.
"""

from __future__ import annotations

import json
from typing import Any

from studykit.catalog import Exercise
from studykit.grading.result import CaseResult, GradeResult, Status

NOT_RUN = "not run: your program stopped before this case."


def build_result(exercise: Exercise, records: list[dict], **options: Any) -> dict:
    """The result's JSON form: `grade_result(exercise, records, **options).as_json()`."""
    return grade_result(exercise, records, **options).as_json()


def grade_result(
    exercise: Exercise,
    records: list[dict],
    *,
    seed: int,
    duration: float,
    death: str | None,
    output: str,
    output_truncated: bool,
    replay: str | None = None,
) -> GradeResult:
    """One result from the grader's records (plan, begin, case, fatal, done); `death` says how the learner's process
    ended when the grade could not finish."""
    plan: list = next((r["cases"] for r in records if r.get("type") == "plan"), [])
    fatal = next((r["message"] for r in records if r.get("type") == "fatal"), None)
    reported = {r["name"]: r for r in records if r.get("type") == "case"}
    begun = [r["name"] for r in records if r.get("type") == "begin"]
    running = begun[-1] if begun and begun[-1] not in reported else None
    tests = []
    for case in plan:
        rec = reported.get(case["name"])
        if rec is None:
            if fatal:
                message = "not run: your file could not be loaded."
            elif case["name"] == running:
                message = death or NOT_RUN  # the case that was running when the child died
            else:
                message = NOT_RUN
            status, hint = Status.ERROR, None
        else:
            status, message, hint = Status(rec["status"]), rec.get("message", ""), rec.get("hint")
        data = rec.get("data") if rec is not None else None
        tests.append(CaseResult(case["name"], case["part"], case["kind"], case["scored"], status, message, hint, data))
    curve = next((t.data["curve"] for t in tests if isinstance(t.data, dict) and "curve" in t.data), None)
    return GradeResult(exercise=exercise.id, title=exercise.title, seed=seed, duration=duration, tests=tests,
                       message=fatal or death, output=output, output_truncated=output_truncated,
                       replay=replay or "", curve=curve)


def render_json(result: dict) -> str:
    return json.dumps(result, ensure_ascii=False, indent=2)


def _indent(text: str, prefix: str = "      ") -> str:
    return "\n".join(prefix + line for line in text.splitlines())


def render_table(result: dict, *, color: bool = False) -> str:
    """The terminal report: one line per case, details for the failures, score, and what to do next."""

    def paint(text: str, fg: str) -> str:
        if not color:
            return text
        import click

        return click.style(text, fg=fg)

    marks = {"pass": paint("✓", "green"), "fail": paint("✗", "red"), "error": paint("✗", "red")}
    lines = [f"{result['exercise']} · {result['title']}", ""]
    width = max((len(t["name"]) for t in result["tests"]), default=10)
    for t in result["tests"]:
        mark = marks.get(t["status"], "?") if t["scored"] else paint("i", "cyan")
        line = f"  {mark} {t['name']:<{width}}"
        if t["part"]:
            line += f"  [{t['part']}]"
        lines.append(line.rstrip())
        if t["status"] != "pass" or not t["scored"]:
            if t["message"]:
                lines.append(_indent(t["message"]))
            if t["hint"]:
                lines.append(_indent("hint: " + t["hint"]))
    if result.get("curve"):
        from studykit.grading.curve import text_chart

        lines += ["", *text_chart(result["curve"])]
    elif passed_experiment := next((t for t in result["tests"] if t["status"] == "pass" and t["message"]
                                    and isinstance(t.get("data"), dict) and "degradation" in t["data"]), None):
        lines += ["", passed_experiment["message"]]  # ex16: the gap and both curves are the point of a pass too
    if result["message"]:
        lines += ["", paint(result["message"], "red")]
    if result["output"]:
        note = " (truncated)" if result["output_truncated"] else ""
        lines += ["", f"your program printed{note}:", _indent(result["output"].rstrip(), "  | ")]

    scored = [t for t in result["tests"] if t["scored"]]
    passed = sum(t["status"] == "pass" for t in scored)
    if scored:
        lines += ["", f"score {passed}/{len(scored)} ({result['score']:.0%}) in {result['duration']:.2f} s"]
    else:  # nothing could be graded (the file or the suite did not load): a score of 0/0 says nothing
        lines += ["", f"not graded ({result['duration']:.2f} s)"]
    if result["parts"]:
        lines.append(" · ".join(f"{name} {p['passed']}/{p['total']}" for name, p in result["parts"].items()))
        wrong = [name for name, p in result["parts"].items() if p["passed"] < p["total"]]
        right = [name for name, p in result["parts"].items() if p["passed"] == p["total"]]
        if wrong and right:
            lines.append(f"{', '.join(right)} correct; {', '.join(wrong)} still wrong.")
    if result["status"] == "pass":
        lines.append(paint("all checks pass.", "green"))
    else:
        lines.append(f"replay exactly this run: {result['replay']}")
    return "\n".join(lines)
