"""ex02 softmax: the suite in-process (reference passes, each classic mistake is caught by the right case)
and through the real CLI (starter fails, a learner's correct solution passes, mistakes get their hint)."""

from __future__ import annotations

import pytest
from ex_helpers import graded
from ex_suite_harness import module_from_source, run_cases

from studykit.reference import softmax as reference

CORRECT = """
import numpy as np

def softmax(Z, axis=-1):
    shifted = Z - np.max(Z, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)
"""


def test_the_reference_passes_every_case():
    assert all(status == "pass" for status, _, _ in run_cases("ex02", reference).values())


def test_a_learner_style_solution_passes_in_process():
    results = run_cases("ex02", module_from_source(CORRECT))
    assert {name: r for name, r in results.items() if r[0] != "pass"} == {}


@pytest.mark.parametrize("body, case, words", [
    ("e = np.exp(Z)\n    return e / e.sum(axis=axis, keepdims=True)",
     "edge: huge logits ±1e4, no overflow warning", "subtract the row's maximum"),
    ("e = np.exp(Z - Z.max(axis=axis, keepdims=True))\n    return e / e.sum(axis=0, keepdims=True)",
     "fixed: 2×3 batch, rows sum to 1", "you summed over axis 0"),
    ("e = np.exp(Z - Z.max(axis=axis, keepdims=True))\n    return e / e.sum()",
     "fixed: 2×3 batch, rows sum to 1", "divided by the sum over the whole array"),
])
def test_classic_mistakes_get_their_hint_from_the_right_case(body, case, words):
    results = run_cases("ex02", module_from_source(f"import numpy as np\n\ndef softmax(Z, axis=-1):\n    {body}\n"))
    status, message, hint = results[case]
    assert status == "fail" and words in (hint or ""), (message, hint)


def test_in_place_softmax_is_caught_and_minus_inf_must_get_probability_zero():
    in_place = "import numpy as np\n\ndef softmax(Z, axis=-1):\n    Z -= Z.max(axis=axis, keepdims=True)\n" \
               "    np.exp(Z, out=Z)\n    Z /= Z.sum(axis=axis, keepdims=True)\n    return Z\n"
    status, message, _ = run_cases("ex02", module_from_source(in_place))["property: does not modify Z"]
    assert status == "fail" and "softmax modified its argument `Z` in place" in message
    # treating −inf as an ordinary 0 logit gives it a probability: wrong, it must be exactly 0
    as_zero = CORRECT.replace("shifted = Z -", "Z = np.where(np.isneginf(Z), 0.0, Z)\n    shifted = Z -")
    status, message, _ = run_cases("ex02", module_from_source(as_zero))["edge: rows containing -inf"]
    assert status == "fail" and "softmax(Z)" in message and "at index (0, 1)" in message


def test_wrong_shape_names_the_expected_shape():
    squeezed = CORRECT.replace("keepdims=True)\n    e", "keepdims=True)\n    e").replace(
        "return e / np.sum(e, axis=axis, keepdims=True)", "return (e / np.sum(e, axis=axis, keepdims=True)).ravel()")
    status, message, hint = run_cases("ex02", module_from_source(squeezed))["fixed: 2×3 batch, rows sum to 1"]
    assert status == "fail" and "shape (6,), expected (2, 3)" in message and "same shape as Z" in hint


# ---- through the real CLI -------------------------------------------------------------------------------

def test_the_starter_fails_every_case_with_not_implemented():
    result = graded("ex02", "starter")
    assert result["status"] == "fail" and result["score"] == 0
    assert all("NotImplementedError" in t["message"] for t in result["tests"] if t["scored"])


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_correct_learner_solution_passes_through_the_cli(grade_source):
    proc, result = grade_source("ex02", CORRECT, "--seed", "5")
    assert proc.returncode == 0 and result["status"] == "pass" and result["score"] == 1.0, result
    assert graded("ex02", "ex02_correct")["status"] == "pass"


@pytest.mark.parametrize("solution, case, words", [
    ("ex02_no_max", "edge: huge logits ±1e4, no overflow warning", "subtract the row's maximum first"),
    ("ex02_wrong_axis", "random: 3-D input, axis=1", "normalize along axis=1"),
])
def test_wrong_solutions_fail_with_their_targeted_hint(solution, case, words):
    result = graded("ex02", solution)
    (test,) = [t for t in result["tests"] if t["name"] == case]
    assert result["status"] == "fail" and test["status"] == "fail"
    assert words in test["hint"]


def test_no_max_keeps_credit_for_what_is_right():
    result = graded("ex02", "ex02_no_max")
    assert 0.5 < result["score"] < 1
    (test,) = [t for t in result["tests"] if t["name"] == "edge: huge logits ±1e4, no overflow warning"]
    assert "numpy warned" in test["message"] and "overflow" in test["message"]
