"""ex04 activations: the suite in-process (reference passes, each classic derivative mistake gets its hint)
and through the real CLI (starter fails, a learner's solution passes, hints reach the JSON)."""

from __future__ import annotations

import pytest
from ex_helpers import graded
from ex_suite_harness import module_from_source, run_cases

from studykit.reference import activations as reference

CORRECT = """
import numpy as np

def relu(x):
    return np.maximum(x, 0)

def relu_grad(x):
    return (x > 0).astype(float)

def sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))

def sigmoid_grad(x):
    s = sigmoid(x)
    return s * (1 - s)

def tanh(x):
    return np.tanh(x)

def tanh_grad(x):
    return 1 - np.tanh(x) ** 2
"""


def variant(old: str, new: str) -> str:
    assert old in CORRECT
    return CORRECT.replace(old, new)


def test_the_reference_passes_every_case():
    assert all(status == "pass" for status, _, _ in run_cases("ex04", reference).values())


def test_a_learner_style_solution_passes_in_process():
    assert {n: r for n, r in run_cases("ex04", module_from_source(CORRECT)).items() if r[0] != "pass"} == {}


@pytest.mark.parametrize("source, case, words", [
    (variant("(x > 0)", "(x >= 0)"), "relu_grad: fixed values, relu_grad(0) = 0", "test x > 0, not x >= 0"),
    (variant("return s * (1 - s)", "return s * (1 - x)"), "sigmoid_grad: fixed values", "you wrote σ(x)(1 − x)"),
    (variant("return s * (1 - s)", "return 1 - s ** 2"), "sigmoid_grad: fixed values", "not 1 − σ(x)²"),
    (variant("return 1 - np.tanh(x) ** 2", "return 1 - np.tanh(x)"), "tanh and tanh_grad: fixed values",
     "square the tanh"),
    (variant("return 1 - np.tanh(x) ** 2", "return 1 - x ** 2"), "random: 2-D arrays, every function",
     "not 1 − x²"),
    (variant("return np.maximum(x, 0)", "return np.minimum(x, 0)"), "relu: fixed values", "keep the positive part"),
    (variant("return np.where(x >= 0, 1 / (1 + e), e / (1 + e))", "return 1 / (1 + np.exp(-x))"),
     "sigmoid: |x| up to 1e4 without overflow warnings", "e^x/(1+e^x) for x < 0"),
    (variant("s = sigmoid(x)\n    return s * (1 - s)", "return np.exp(-x) / (1 + np.exp(-x)) ** 2"),
     "sigmoid_grad: large |x| stays finite", "σ′(x) = σ(x)(1 − σ(x)) on top of your stable sigmoid"),
    (variant("return np.tanh(x)\n\ndef", "return (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))\n\ndef"),
     "tanh and tanh_grad: |x| up to 1e4 stays finite", "Use np.tanh"),
])
def test_classic_mistakes_get_their_hint(source, case, words):
    status, message, hint = run_cases("ex04", module_from_source(source))[case]
    assert status == "fail" and words in (hint or ""), (message, hint)


def test_a_derivative_inconsistent_with_the_forward_fails_the_finite_difference_check():
    # a "sigmoid" with a wrong slope and the textbook derivative: each looks plausible, together they disagree
    source = variant("return np.where(x >= 0, 1 / (1 + e), e / (1 + e))",
                     "return np.where(x >= 0, 1 / (1 + e), e / (1 + e)) + 0.01 * x")
    status, message, hint = run_cases("ex04", module_from_source(source))[
        "property: each *_grad matches finite differences of your forward"]
    assert status == "fail" and "central finite differences" in message and "sigmoid_grad" in message
    assert "derivative of your own sigmoid" in hint


def test_a_missing_function_and_a_forgotten_return_are_named():
    results = run_cases("ex04", module_from_source(CORRECT.replace("def tanh_grad(x)", "def tanh_gradient(x)")))
    assert "defines no function `tanh_grad`" in results["tanh and tanh_grad: fixed values"][1]
    results = run_cases("ex04", module_from_source(variant("return np.maximum(x, 0)", "np.maximum(x, 0)")))
    assert "did you forget `return`" in results["relu: fixed values"][1]


# ---- through the real CLI -------------------------------------------------------------------------------

def test_the_starter_fails():
    result = graded("ex04", "starter")
    assert result["status"] == "fail" and result["score"] == 0


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_correct_learner_solution_passes_through_the_cli(grade_source):
    proc, result = grade_source("ex04", CORRECT, "--seed", "3")
    assert proc.returncode == 0 and result["status"] == "pass" and result["score"] == 1.0, result
    assert graded("ex04", "ex04_correct")["status"] == "pass"


@pytest.mark.parametrize("solution, case, words", [
    ("ex04_wrong_grads", "relu_grad: fixed values, relu_grad(0) = 0", "relu′(0) = 0"),
    ("ex04_wrong_grads", "sigmoid_grad: fixed values", "you wrote σ(x)(1 − x)"),
    ("ex04_overflow", "sigmoid: |x| up to 1e4 without overflow warnings", "only ever exponentiate a non-positive"),
    ("ex04_exp_formulas", "sigmoid_grad: large |x| stays finite", "on top of your stable sigmoid"),
    ("ex04_exp_formulas", "tanh and tanh_grad: fixed values", "square the tanh"),
])
def test_wrong_solutions_fail_with_their_targeted_hint(solution, case, words):
    result = graded("ex04", solution)
    (test,) = [t for t in result["tests"] if t["name"] == case]
    assert result["status"] == "fail" and test["status"] == "fail" and words in test["hint"]


def test_partial_credit_is_per_activation():
    parts = graded("ex04", "ex04_exp_formulas")["parts"]
    assert parts["relu"]["passed"] == parts["relu"]["total"]
    assert parts["tanh"]["passed"] == 0
