"""ex06 MLP backprop δ: the suite in-process (reference passes, each classic backprop mistake gets its
hint) and through the real CLI (starter fails, a learner's solution passes, partial credit per part)."""

from __future__ import annotations

import pytest
from ex_helpers import graded
from ex_suite_harness import module_from_source, run_cases

from studykit.reference import mlp as reference

CORRECT = """
import numpy as np

def mlp_backprop(X, y, W1, b1, W2, b2):
    N = X.shape[0]
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0)
    Z2 = A1 @ W2 + b2
    m = Z2.max(axis=1, keepdims=True)
    logp = Z2 - m - np.log(np.exp(Z2 - m).sum(axis=1, keepdims=True))
    loss = -logp[np.arange(N), y].mean()
    delta2 = np.exp(logp)
    delta2[np.arange(N), y] -= 1
    delta2 = delta2 / N
    delta1 = (delta2 @ W2.T) * (Z1 > 0)
    grads = {"delta2": delta2, "delta1": delta1,
             "W2": A1.T @ delta2, "b2": delta2.sum(axis=0),
             "W1": X.T @ delta1, "b1": delta1.sum(axis=0)}
    return float(loss), grads
"""

SQUARE = "fixed: square layers D = H = C = 3"


def variant(old: str, new: str) -> str:
    assert old in CORRECT
    return CORRECT.replace(old, new)


def test_the_reference_passes_every_case():
    assert all(status == "pass" for status, _, _ in run_cases("ex06", reference).values())


def test_a_learner_style_solution_passes_in_process():
    assert {n: r for n, r in run_cases("ex06", module_from_source(CORRECT)).items() if r[0] != "pass"} == {}


@pytest.mark.parametrize("source, case, words", [
    (variant("* (Z1 > 0)", ""), "δ¹ = ∂L/∂Z1", "you forgot the ⊙ f′(z¹)"),
    (variant("* (Z1 > 0)", "* A1"), "δ¹ = ∂L/∂Z1", "relu′(Z1) (0 or 1), not relu(Z1)"),
    (variant("delta2 @ W2.T", "delta2 @ W1.T"), SQUARE, "the NEXT layer's weights W2"),
    (variant("delta2 @ W2.T", "delta2 @ W2"), SQUARE, "transpose W2"),
    (variant("delta2 = delta2 / N", "delta2 = delta2"), "δ² = ∂L/∂Z2", "did you forget the / N"),
    (variant('"W1": X.T @ delta1', '"W1": delta1.T @ X'), "parameter gradients W1, b1, W2, b2",
     'grads["W1"] is transposed'),
    (variant('"W2": A1.T @ delta2', '"W2": delta2.T @ A1'), SQUARE, "you have its transpose (δ²ᵀ A1)"),
    (variant('"W2": A1.T @ delta2', '"W2": Z1.T @ delta2'), "parameter gradients W1, b1, W2, b2",
     "A1 = relu(Z1), the layer's INPUT"),
    (variant('"b1": delta1.sum(axis=0)', '"b1": delta1.mean(axis=0)'), "parameter gradients W1, b1, W2, b2",
     "sums δ¹ over the batch"),
    (variant('"b2": delta2.sum(axis=0)', '"b2": delta2'), "parameter gradients W1, b1, W2, b2",
     "sums the δ rows over the batch (axis 0)"),
])
def test_classic_mistakes_get_their_hint(source, case, words):
    status, message, hint = run_cases("ex06", module_from_source(source))[case]
    assert status == "fail" and words in (hint or ""), (message, hint)


def test_gradients_are_also_checked_against_finite_differences_of_the_learners_own_loss():
    # consistent with itself would pass; here the loss is right but W2's gradient is scaled
    source = variant('"W2": A1.T @ delta2', '"W2": 2 * A1.T @ delta2')
    status, message, _ = run_cases("ex06", module_from_source(source))[
        "property: gradients match finite differences of your loss"]
    assert status == "fail" and 'grads["W2"]' in message and "central finite differences" in message


def test_a_missing_key_and_a_wrong_return_are_named():
    results = run_cases("ex06", module_from_source(variant('"delta2": delta2, ', "")))
    assert "grads is missing 'delta2'" in results["δ² = ∂L/∂Z2"][1]
    results = run_cases("ex06", module_from_source(variant("return float(loss), grads", "return grads")))
    assert "must return (loss, grads)" in results["forward: the loss"][1]


def test_mutating_a_weight_is_caught():
    results = run_cases("ex06", module_from_source(variant("N = X.shape[0]",
                                                           "N = X.shape[0]\n    W1 *= 1.0\n    b1 += 0.1")))
    assert "mlp_backprop modified its argument `b1` in place" in results["forward: the loss"][1]


# ---- through the real CLI -------------------------------------------------------------------------------

def test_the_starter_fails():
    result = graded("ex06", "starter")
    assert result["status"] == "fail" and result["score"] == 0


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_correct_learner_solution_passes_through_the_cli(grade_source):
    proc, result = grade_source("ex06", CORRECT, "--seed", "2")
    assert proc.returncode == 0 and result["status"] == "pass" and result["score"] == 1.0, result
    assert graded("ex06", "ex06_correct")["status"] == "pass"


@pytest.mark.parametrize("solution, case, words", [
    ("ex06_no_fprime", "δ¹ = ∂L/∂Z1", "you forgot the ⊙ f′(z¹)"),
    ("ex06_bias_mean", "parameter gradients W1, b1, W2, b2", "∂L/∂b1 sums δ¹ over the batch"),
    ("ex06_w1_not_w2", SQUARE, "δ¹ is propagated back through the NEXT layer's weights W2"),
    ("ex06_dw_transposed", "edge: batch of one, non-square layers", 'grads["W1"] is transposed'),
])
def test_wrong_solutions_fail_with_their_targeted_hint(solution, case, words):
    result = graded("ex06", solution)
    (test,) = [t for t in result["tests"] if t["name"] == case]
    assert result["status"] == "fail" and test["status"] == "fail" and words in test["hint"]


def test_a_shape_error_in_the_learners_code_shows_their_line():
    result = graded("ex06", "ex06_w1_not_w2")
    (test,) = [t for t in result["tests"] if t["name"] == "δ¹ = ∂L/∂Z1"]
    assert test["status"] == "error" and "ex06_w1_not_w2.py" in test["message"] and "delta2 @ W1.T" in test["message"]


def test_partial_credit_shows_the_forward_is_right():
    parts = graded("ex06", "ex06_no_fprime")["parts"]
    assert parts["forward"]["passed"] == parts["forward"]["total"] == 1
    assert parts["deltas"]["passed"] == 1 and parts["gradients"]["passed"] < parts["gradients"]["total"]
