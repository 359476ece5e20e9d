"""Issue #12, item 2: each hint fires because the answer equals the named mistake's result. Every message the
walkthrough found misleading is graded here from a learner-style solution through the CLI."""

from __future__ import annotations

from conftest import SOLUTIONS, grade_file
from ex_helpers import failing, graded


def by_name(result):
    return {t["name"]: t for t in result["tests"]}


def test_a_summed_loss_is_named_in_the_finite_difference_case_not_blamed_on_dz():
    result = graded("ex03", "ex03_sum_loss")
    text = failing(result)["property: dZ matches finite differences of your loss"]
    assert "your dZ is right — the gradient of the MEAN loss — but your loss is summed" in text
    assert "divide the loss by N" in text
    assert "is not the derivative of your own loss" not in text


def test_np_where_sigmoid_is_told_that_np_where_evaluates_both_branches():
    result = graded("ex04", "ex04_np_where_sigmoid")
    wrong = failing(result)
    text = wrong["sigmoid: |x| up to 1e4 without overflow warnings"]
    assert "np.where(cond, A, B) computes A AND B on every element" in text
    assert "Use the two equivalent forms" not in text  # not the two-branch advice it already follows
    assert "the warning comes from your sigmoid" in wrong["sigmoid_grad: large |x| stays finite"]
    # and the plain 1/(1+e^(−x)) still gets the two-branch advice, not the np.where one
    plain = failing(graded("ex04", "ex04_overflow"))["sigmoid: |x| up to 1e4 without overflow warnings"]
    assert "Use the two equivalent forms" in plain and "np.where" not in plain


def test_implicit_products_and_a_constant_relu_derivative_get_the_right_message(tmp_path):
    proc, result = grade_file("ex05", SOLUTIONS / "ex05_misread.py", "--seed", "3", cwd=tmp_path)
    tests = by_name(result)
    tanh = tests["D_TANH"]
    assert tanh["status"] == "fail" and "is not allowed" not in tanh["message"]
    assert "cannot read the answer at column 12" in tanh["message"] and tanh["message"].endswith("^")
    assert tanh["hint"] == "write products with `*`: (1+tanh(x))*(1-tanh(x))"
    assert tests["D_CHAIN_W1"]["hint"] == "write products with `*`: 2*x"
    relu = tests["D_RELU (optional)"]
    assert relu["status"] == "fail" and "yours = 1, expected = 0" in relu["message"]
    assert "factor of 1" not in (relu["hint"] or "") + relu["message"]
    assert result["score"] == 0.6


def test_hyperbolic_and_step_forms_are_accepted_as_strings(tmp_path):
    proc, result = grade_file("ex05", SOLUTIONS / "ex05_unusual_forms.py", cwd=tmp_path)
    assert result["status"] == "pass", failing(result)
    assert all(t["status"] == "pass" for t in result["tests"])  # the optional ones too


def test_evaluation_that_updates_the_moving_statistics_is_named(grade_source):
    source = (SOLUTIONS / "ex11_correct.py").read_text(encoding="utf-8")
    source += '''

_batch_norm = batch_norm


def batch_norm(X, gamma, beta, moving_mean, moving_var, train, eps=1e-5, momentum=0.9):
    Y, m, v = _batch_norm(X, gamma, beta, moving_mean, moving_var, True, eps, momentum)
    if train:
        return Y, m, v
    return _batch_norm(X, gamma, beta, moving_mean, moving_var, False, eps, momentum)[0], m, v
'''
    proc, result = grade_source("ex11", source, "--seed", "2")
    wrong = failing(result)
    text = wrong["eval (N, D): uses the moving statistics and returns them unchanged"]
    assert "evaluation does not update the moving statistics: you updated them with this batch" in text


def test_a_dropout_backward_dividing_by_p_is_named_as_the_keep_probability_convention(grade_source):
    source = (SOLUTIONS / "ex07_correct.py").read_text(encoding="utf-8").replace(
        "return np.where(mask, dout / (1 - p), 0.0)", "return np.where(mask, dout / p, 0.0)")
    proc, result = grade_source("ex07", source, "--seed", "4")
    text = failing(result)["backward: consistent with the forward's mask"]
    assert "you divided by p: your answer matches the other convention: p as the KEEP probability" in text
