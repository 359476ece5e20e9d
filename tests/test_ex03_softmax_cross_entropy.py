"""ex03 softmax + cross-entropy: the suite in-process (reference passes, classic mistakes caught with the
right hint, fast) and through the real CLI (starter fails, a learner's solution passes, hints reach the JSON)."""

from __future__ import annotations

import pytest
from ex_helpers import graded
from ex_suite_harness import module_from_source, run_cases

from studykit.reference import softmax as reference

CORRECT = """
import numpy as np

def softmax_cross_entropy(Z, y):
    N = Z.shape[0]
    m = Z.max(axis=1, keepdims=True)
    logp = Z - m - np.log(np.exp(Z - m).sum(axis=1, keepdims=True))
    loss = -logp[np.arange(N), y].mean()
    P = np.exp(logp)
    P[np.arange(N), y] -= 1
    return float(loss), P / N
"""


def variant(old: str, new: str) -> str:
    assert old in CORRECT
    return CORRECT.replace(old, new)


def test_the_reference_passes_every_case():
    results = run_cases("ex03", reference)
    assert all(status == "pass" for status, _, _ in results.values()), results


def test_a_learner_style_solution_passes_in_process():
    assert {n: r for n, r in run_cases("ex03", module_from_source(CORRECT)).items() if r[0] != "pass"} == {}


@pytest.mark.parametrize("source, case, words", [
    (variant("return float(loss), P / N", "return float(loss), P"),
     "fixed: 2 examples, 3 classes — dZ", "you forgot the / N"),
    (variant(".mean()", ".sum()"), "fixed: 2 examples, 3 classes — loss", "MEAN over the N examples"),
    (variant("P[np.arange(N), y] -= 1", "P[:, y] -= 1"), "fixed: 2 examples, 3 classes — dZ", "pair the indices"),
    (variant("P[np.arange(N), y] -= 1", "P[np.arange(N), y] += 1"), "fixed: 2 examples, 3 classes — dZ",
     "subtract 1 at each row's true class; you added it"),
    (variant("return float(loss), P / N", "return float(loss), -P / N"), "random: N=8, C=5 — dZ",
     "the sign is flipped"),
    (variant("loss = -logp", "loss = logp"), "fixed: 2 examples, 3 classes — loss", "check the sign"),
])
def test_classic_mistakes_get_their_hint(source, case, words):
    status, message, hint = run_cases("ex03", module_from_source(source))[case]
    assert status == "fail" and words in (hint or ""), (message, hint)


def test_log_of_softmax_fails_the_stability_case_with_the_log_softmax_hint():
    naive = """
import numpy as np

def softmax_cross_entropy(Z, y):
    N = Z.shape[0]
    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    loss = -np.log(P[np.arange(N), y]).mean()
    onehot = np.zeros_like(P)
    onehot[np.arange(N), y] = 1
    return float(loss), (P - onehot) / N
"""
    results = run_cases("ex03", module_from_source(naive))
    status, message, hint = results["edge: logits of ±1e4 — loss finite, no warnings"]
    assert status == "fail" and "numpy warned" in message and "log-softmax" in hint
    assert results["random: N=8, C=5 — dZ"][0] == "pass"  # the maths is right for ordinary logits


def test_log_of_a_probability_that_rounded_to_zero_is_named_as_that_not_as_overflow():
    # the max is subtracted (exp never overflows) but log(P) of a true-class probability exp(−2e4) = 0 is −inf:
    # the hint names that mistake, on both stability cases (the dZ case fails on the loss's warning)
    source = variant("loss = -logp[np.arange(N), y].mean()\n    P = np.exp(logp)",
                     "P = np.exp(logp)\n    loss = -np.log(P[np.arange(N), y]).mean()")
    results = run_cases("ex03", module_from_source(source))
    for case in ("edge: logits of ±1e4 — loss finite, no warnings", "edge: logits of ±1e4 — dZ finite, no warnings"):
        status, message, hint = results[case]
        assert status == "fail" and "you subtracted the max" in (hint or ""), (case, message, hint)
        assert "exp overflows" not in hint


def test_a_wrong_return_type_says_what_is_expected():
    results = run_cases("ex03", module_from_source(variant("return float(loss), P / N", "return P / N")))
    status, message, _ = results["fixed: 2 examples, 3 classes — loss"]
    assert status == "fail" and "must return a pair (loss, dZ)" in message
    results = run_cases("ex03", module_from_source(variant("return float(loss), P / N",
                                                           "return -logp[np.arange(N), y] / N, P / N")))
    status, message, _ = results["fixed: 2 examples, 3 classes — loss"]
    assert status == "fail" and "expected a single number" in message and "shape (2,)" in message


def test_mutating_z_is_caught():
    mutating = variant("m = Z.max(axis=1, keepdims=True)", "Z -= Z.max(axis=1, keepdims=True)\n    m = 0.0")
    status, message, _ = run_cases("ex03", module_from_source(mutating))["fixed: 2 examples, 3 classes — loss"]
    assert status == "fail" and "softmax_cross_entropy modified its argument `Z` in place" in message


# ---- through the real CLI -------------------------------------------------------------------------------

def test_the_starter_fails():
    result = graded("ex03", "starter")
    assert result["status"] == "fail" and result["score"] == 0
    assert all("NotImplementedError" in t["message"] for t in result["tests"])


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_correct_learner_solution_passes_through_the_cli(grade_source):
    proc, result = grade_source("ex03", CORRECT, "--seed", "11")
    assert proc.returncode == 0 and result["status"] == "pass" and result["score"] == 1.0, result
    assert graded("ex03", "ex03_correct")["status"] == "pass"


@pytest.mark.parametrize("solution, case, words", [
    ("ex03_no_divide", "fixed: 2 examples, 3 classes — dZ", "you forgot the / N"),
    ("ex03_sum_loss", "fixed: 2 examples, 3 classes — loss", "the loss is the MEAN over the N examples"),
    ("ex03_column_onehot", "random: non-square N=3, C=10 — loss and dZ",
     "subtracts 1 in every listed column of EVERY row"),
    ("ex03_naive_log", "edge: logits of ±1e4 — loss finite, no warnings", "Use log-softmax"),
])
def test_wrong_solutions_fail_with_their_targeted_hint(solution, case, words):
    result = graded("ex03", solution)
    (test,) = [t for t in result["tests"] if t["name"] == case]
    assert result["status"] == "fail" and test["status"] == "fail" and words in test["hint"]


def test_a_gradient_error_also_fails_the_finite_difference_check_and_shows_where():
    result = graded("ex03", "ex03_no_divide")
    (test,) = [t for t in result["tests"] if t["name"] == "property: dZ matches finite differences of your loss"]
    assert test["status"] == "fail" and "against central finite differences" in test["message"]
    assert "at index (" in test["message"] and "numerical = " in test["message"]
    assert result["parts"]["forward"]["passed"] == result["parts"]["forward"]["total"]  # the loss earns its credit
    (one,) = [t for t in result["tests"] if t["name"] == "edge: a batch of one — loss and dZ"]
    assert one["status"] == "pass"  # with N = 1 the missing / N does not show
    assert result["parts"]["backward"]["passed"] == 1 and 0 < result["score"] < 1
