"""The grade result object (in the spirit of Exercism's results.json) and its two renderings.

`build_result` turns the child's records into one dict; `render_json` and `render_table` only format
that dict, so the terminal report and `--json` can never disagree.
"""

from __future__ import annotations

import json

from studykit.catalog import Exercise

NOT_RUN = "not run: your program stopped before this case."


def build_result(
    exercise: Exercise,
    records: list[dict],
    *,
    seed: int,
    duration: float,
    death: str | None,
    output: str,
    output_truncated: bool,
    replay: str | None = None,
) -> dict:
    """One result object from the child's records; `death` says how the child ended if it sent no `done`."""
    plan: list[dict] = next((r["cases"] for r in records if r.get("type") == "plan"), [])
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
            status, hint = "error", None
        else:
            status, message, hint = rec["status"], rec.get("message", ""), rec.get("hint")
        entry = {**case, "status": status, "message": message, "hint": hint}
        if rec is not None and rec.get("data") is not None:
            entry["data"] = rec["data"]  # numbers a case measured (ex13: the training curve)
        tests.append(entry)

    scored = [t for t in tests if t["scored"]]
    passed = sum(t["status"] == "pass" for t in scored)
    score = passed / len(scored) if scored else 0.0
    message: str | None = fatal or death  # type: ignore[no-redef]  # the result's, not a case's
    if message or not plan:
        status = "error"
        message = message or "the grader could not start your exercise."
    elif passed == len(scored):
        status = "pass"
    else:
        status = "fail"
    result = {
        "exercise": exercise.id,
        "title": exercise.title,
        "status": status,
        "score": round(score, 4),
        "seed": seed,
        "duration": round(duration, 3),
        "message": message,
        "tests": tests,
        "parts": _parts(scored),
        "output": output,
        "output_truncated": output_truncated,
        "replay": replay or f"studykit grade {exercise.id} --seed {seed}",
    }
    curve = next((t["data"]["curve"] for t in tests if isinstance(t.get("data"), dict) and "curve" in t["data"]), None)
    if curve is not None:
        result["curve"] = curve  # ex13's training curve, also drawn by the table and by `grade --plot`
    return result


def _parts(scored: list[dict]) -> dict[str, dict[str, int]]:
    parts: dict[str, dict[str, int]] = {}
    for t in scored:
        if t["part"]:
            entry = parts.setdefault(t["part"], {"passed": 0, "total": 0})
            entry["total"] += 1
            entry["passed"] += t["status"] == "pass"
    return parts


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
