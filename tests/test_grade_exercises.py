"""Grading each exercise through the real CLI: starters fail, correct solutions pass, common mistakes get
their targeted hint."""

from __future__ import annotations

import json

import pytest
from conftest import SOLUTIONS, grade_file, run_studykit

from studykit.catalog import all_exercises

EXERCISES = [ex.id for ex in all_exercises()]

# (solution file, exercise, the words the learner must see in a failing case's hint or message)
MISTAKES = [
    ("ex01_no_mean", "ex01", "forgot the / 2"),
    ("ex02_no_max", "ex02", "subtract the row's maximum"),
    ("ex02_wrong_axis", "ex02", "you summed over axis 0"),
    ("ex02_in_place", "ex02", "softmax modified its argument `Z` in place"),
    ("ex03_no_divide", "ex03", "you forgot the / N"),
    ("ex03_naive_log", "ex03", "log-softmax"),
    ("ex04_wrong_grads", "ex04", "you wrote σ(x)(1 − x)"),
    ("ex04_wrong_grads", "ex04", "relu′(0) = 0"),
    ("ex04_overflow", "ex04", "overflow"),
    ("ex06_no_fprime", "ex06", "you forgot the ⊙ f′(z¹)"),
    ("ex06_bias_mean", "ex06", "sums δ¹ over the batch"),
    ("ex07_keep_prob", "ex07", "your answer matches the other convention: p as the KEEP probability"),
    ("ex07_no_scaling", "ex07", "scales the kept units by 1/(1 − p)"),
    ("ex08_swapped", "ex08", "your answer matches the other convention: a true convolution"),
    ("ex08_swapped", "ex08", "your answer matches the other convention: a cross-correlation"),
    ("ex09_flipped", "ex09", "you flipped the kernel"),
    ("ex09_padded_dx", "ex09", "cut the padded border off"),
    ("ex10_spread", "ex10", "you spread each gradient over the whole window"),
    ("ex11_unbiased", "ex11", "not the unbiased one (ddof=1)"),
    ("ex11_torch_momentum", "ex11", "your answer matches the other convention: momentum weighting the NEW batch"),
    ("ex11_naive_backward", "ex11", "the batch mean and variance depend on X too"),
    ("ex12_relu_first", "ex12", "apply the final ReLU AFTER adding the shortcut"),
]


def failing_texts(result: dict) -> str:
    return "\n".join(f"{t['message']}\n{t['hint'] or ''}" for t in result["tests"] if t["status"] != "pass")


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
@pytest.mark.parametrize("exercise", EXERCISES)
def test_every_starter_fails(exercise):
    ex = next(e for e in all_exercises() if e.id == exercise)
    proc, result = grade_file(exercise, ex.starter_dir / "solution.py", "--seed", "1")
    assert proc.returncode == 1, proc.stderr
    assert result["status"] in ("fail", "error") and result["score"] < 1


CORRECT = {e: SOLUTIONS / f"{e}_correct.py" for e in EXERCISES} | {"ex09": SOLUTIONS / "ex09_loops.py"}


def test_every_exercise_has_a_correct_learner_solution():
    assert all(path.exists() for path in CORRECT.values())


# ex13 and ex16 train the learner's own earlier layers, so they are graded in a workspace (test_ex13_train_cnn.py,
# test_ex16_degradation.py)
@pytest.mark.slow  # over a second (a full grade or build through the CLI)
@pytest.mark.parametrize("exercise", [e for e in EXERCISES if e not in ("ex13", "ex16")])
def test_a_correct_solution_passes(exercise):
    proc, result = grade_file(exercise, CORRECT[exercise])
    assert proc.returncode == 0, json.dumps(result, ensure_ascii=False, indent=1)
    assert result["status"] == "pass" and result["score"] == 1.0
    assert all(t["status"] == "pass" for t in result["tests"])


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
@pytest.mark.parametrize("solution, exercise, words", MISTAKES)
def test_common_mistakes_fail_with_a_targeted_hint(solution, exercise, words):
    proc, result = grade_file(exercise, SOLUTIONS / f"{solution}.py", "--seed", "7")
    assert proc.returncode == 1
    assert result["status"] == "fail" and 0 <= result["score"] < 1
    assert words in failing_texts(result)
    assert result["replay"] == f"studykit grade {exercise} --seed 7 --file {SOLUTIONS / f'{solution}.py'}"


def test_partial_credit_names_the_wrong_part():
    proc = run_studykit("grade", "ex06", "--file", str(SOLUTIONS / "ex06_no_fprime.py"))
    assert proc.returncode == 1
    assert "forward 1/1" in proc.stdout and "forward correct; deltas, gradients still wrong." in proc.stdout
    assert "replay exactly this run: studykit grade ex06 --seed" in proc.stdout


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_correct_forward_wrong_backward_scores_between_0_and_1_and_says_which_half():
    proc = run_studykit("grade", "ex09", "--file", str(SOLUTIONS / "ex09_padded_dx.py"))
    assert proc.returncode == 1
    assert "forward correct; backward still wrong." in proc.stdout
    result = grade_file("ex09", SOLUTIONS / "ex09_padded_dx.py")[1]
    assert 0 < result["score"] < 1 and result["parts"]["forward"]["passed"] == result["parts"]["forward"]["total"]


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_loop_solution_gets_speed_feedback_that_does_not_fail_it():
    proc, result = grade_file("ex09", SOLUTIONS / "ex09_loops.py")
    assert result["status"] == "pass"
    (speed,) = [t for t in result["tests"] if t["kind"] == "speed"]
    assert not speed["scored"] and speed["message"].startswith("correct; ") and "slower than the reference" in speed["message"]


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_the_same_seed_replays_the_same_random_inputs():
    a = grade_file("ex03", SOLUTIONS / "ex03_no_divide.py", "--seed", "81723")[1]
    b = grade_file("ex03", SOLUTIONS / "ex03_no_divide.py", "--seed", "81723")[1]
    assert [t["message"] for t in a["tests"]] == [t["message"] for t in b["tests"]]


def test_json_result_follows_the_schema():
    proc, result = grade_file("ex03", SOLUTIONS / "ex03_no_divide.py", "--seed", "3")
    assert set(result) >= {"exercise", "title", "status", "score", "seed", "duration", "message", "tests",
                           "output", "output_truncated", "replay"}
    assert result["exercise"] == "ex03" and result["seed"] == 3
    assert isinstance(result["duration"], float) and result["message"] is None
    for test in result["tests"]:
        assert set(test) >= {"name", "status", "message", "hint", "part", "kind", "scored"}
        assert test["status"] in ("pass", "fail", "error")


@pytest.mark.parametrize("name", ["ex03", "3", "03", "EX03", "ex03-softmax-cross-entropy"])
def test_exercise_names_are_forgiving(name):
    proc, result = grade_file(name, SOLUTIONS / "ex03_correct.py")
    assert proc.returncode == 0 and result["exercise"] == "ex03"


def test_unknown_exercise_and_missing_file_are_usage_errors(tmp_path):
    proc = run_studykit("grade", "ex99", "--file", str(SOLUTIONS / "ex03_correct.py"))
    assert proc.returncode == 2 and "no exercise named 'ex99'" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_studykit("grade", "ex03", "--file", str(tmp_path / "nope.py"))
    assert proc.returncode == 2 and "no such file" in proc.stderr
    proc = run_studykit("grade", "ex03", cwd=tmp_path)
    assert proc.returncode == 2 and "studykit init" in proc.stderr
