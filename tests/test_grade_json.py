"""`grade --json` follows its schema for every outcome, and the terminal table renders the same object."""

from __future__ import annotations

import pytest
from conftest import SOLUTIONS, grade_file, run_studykit

OUTCOMES = {
    "pass": SOLUTIONS / "ex01_correct.py",
    "fail": SOLUTIONS / "ex01_sign_flipped.py",
}


def check_schema(result: dict) -> None:
    types = {"exercise": str, "title": str, "status": str, "score": (int, float), "seed": int,
             "duration": float, "tests": list, "output": str, "output_truncated": bool, "replay": str}
    for key, kind in types.items():
        assert isinstance(result[key], kind), (key, result[key])
    assert result["message"] is None or isinstance(result["message"], str)
    assert result["status"] in ("pass", "fail", "error") and 0 <= result["score"] <= 1
    for test in result["tests"]:
        assert isinstance(test["name"], str) and test["status"] in ("pass", "fail", "error")
        assert isinstance(test["message"], str) and (test["hint"] is None or isinstance(test["hint"], str))
        assert isinstance(test["part"], str) and isinstance(test["scored"], bool)
        assert test["kind"] in ("fixed", "random", "edge", "property", "speed")
    scored = [t for t in result["tests"] if t["scored"]]
    assert result["score"] == pytest.approx(sum(t["status"] == "pass" for t in scored) / len(scored), abs=1e-4)


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
@pytest.mark.parametrize("outcome", ["pass", "fail", "error"])
def test_json_schema_and_table_agree(outcome, tmp_path):
    if outcome == "error":
        path = tmp_path / "broken.py"
        path.write_text("def linear_forward(X, w, b)\n", encoding="utf-8")
    else:
        path = OUTCOMES[outcome]
    proc, result = grade_file("ex01", path, "--seed", "123")
    assert proc.returncode == (0 if outcome == "pass" else 1)
    assert result["status"] == outcome and result["seed"] == 123
    check_schema(result)
    assert (result["message"] is None) == (outcome != "error")
    table = run_studykit("grade", "ex01", "--file", str(path), "--seed", "123")
    assert table.returncode == proc.returncode
    for test in result["tests"]:
        mark = "✓" if test["status"] == "pass" else "✗"
        if test["scored"]:
            assert f"{mark} {test['name']}" in table.stdout
        if test["hint"]:
            assert "hint: " + test["hint"] in table.stdout
    passed = sum(t["status"] == "pass" for t in result["tests"] if t["scored"])
    assert f"score {passed}/" in table.stdout
    if outcome != "pass":
        assert f"replay exactly this run: {result['replay']}" in table.stdout


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_json_is_the_only_thing_on_stdout_even_when_the_learner_prints(tmp_path):
    import json

    path = tmp_path / "chatty.py"
    path.write_text("print('hello from import')\n" + (SOLUTIONS / "ex01_correct.py").read_text(), encoding="utf-8")
    proc = run_studykit("grade", "ex01", "--file", str(path), "--json")
    result = json.loads(proc.stdout)  # would fail if the learner's print leaked onto stdout
    assert result["status"] == "pass" and "hello from import" in result["output"]
