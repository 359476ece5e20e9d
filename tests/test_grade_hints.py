"""Issue #12, item 2: each hint fires because the answer equals the named mistake's result. Every message the
walkthrough found misleading is graded here from a learner-style solution through the CLI."""

from __future__ import annotations

import pytest
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


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
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


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
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


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
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


# ---- issue #20, item 3: a named mistake only on an input that tells it apart; otherwise say what differs -----------

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from studykit.grading import checks, diagnose  # noqa: E402
from studykit.grading.cases import CheckFailed  # noqa: E402


def hint_of(call):
    with pytest.raises(CheckFailed) as failed:
        call()
    return failed.value.hint or ""


def test_a_mistake_that_equals_the_right_answer_on_this_input_is_never_named():
    X = np.arange(9.0).reshape(3, 3)
    expected = X * 2
    wrong = expected + 1
    # "you ignored the stride" on a stride-1 case: the mistake's value IS the right answer here
    assert checks.match_variant(wrong, {"STRIDE": lambda: wrong}, expected=wrong) is None
    assert checks.match_variant(wrong, {"STRIDE": lambda: wrong}, expected=expected) == "STRIDE"
    hint = hint_of(lambda: checks.check_close("out", wrong, wrong + 1e-3, variants={"STRIDE": lambda: wrong + 1e-3}))
    assert "STRIDE" not in hint


def test_two_mistakes_this_input_cannot_tell_apart_are_neither_named():
    # on a linear ramp, flipping the rows and flipping the columns can give the same numbers
    same = np.ones((2, 2))
    assert checks.match_variant(same, {"ROWS": lambda: same, "COLUMNS": lambda: same}) is None
    assert checks.match_variant(same, {"A": lambda: same, "A (more)": lambda: same}) == "A"


@pytest.mark.parametrize("got, expected, kwargs, words", [
    (np.arange(1.0, 7.0) * 2, np.arange(1.0, 7.0), {}, "2 × the right one"),
    (np.arange(1.0, 7.0) * 8, np.arange(1.0, 7.0), {"factors": {"N": 8}}, "N × the right one (N = 8)"),
    (np.arange(1.0, 7.0) / 8, np.arange(1.0, 7.0), {"factors": {"N": 8}}, "÷ N"),
    (-np.arange(1.0, 7.0), np.arange(1.0, 7.0), {}, "the sign is flipped"),
    (np.arange(9.0).reshape(3, 3).T, np.arange(9.0).reshape(3, 3), {}, "transposed"),
    (np.pad(np.ones((3, 3)), 1, constant_values=5.0), np.pad(np.ones((3, 3)), 1), {}, "only the border ring"),
    (np.roll(np.arange(1.0, 9.0) ** 2, 1), np.arange(1.0, 9.0) ** 2, {}, "shifted by one position"),
    (np.ones((3, 1)), np.ones(3), {}, "extra length-1 axes"),
    (np.arange(1.0, 5.0) * (1 + 2e-7), np.arange(1.0, 5.0), {"rtol": 1e-10}, "float32 precision"),
    (np.arange(6.0) + 1.0, np.arange(6.0), {"terms": {"T": -np.ones(6)}}, "without the term T"),
    (np.arange(6.0) - 1.0, np.arange(6.0), {"terms": {"T": -np.ones(6)}}, "the term T with the wrong sign"),
])
def test_diagnose_says_plainly_what_differs(got, expected, kwargs, words):
    assert words in (diagnose.explain(got, expected, **kwargs) or "")
    # and check_close says it when no named mistake matches
    assert words in hint_of(lambda: checks.check_close("v", got, expected, **kwargs))


def test_diagnose_stays_silent_when_no_simple_pattern_explains_the_difference():
    rng = np.random.default_rng(0)
    assert diagnose.explain(rng.standard_normal(10), rng.standard_normal(10)) is None
    assert diagnose.explain(np.array([0.703]), np.array([1.0])) is None  # one number: any ratio "fits"


def test_a_batch_norm_dx_without_the_variance_path_is_told_which_term_is_missing():
    from ex_suite_harness import module_from_source, run_cases

    source = (SOLUTIONS / "ex11_correct.py").read_text(encoding="utf-8").replace(
        " - xhat * (dxhat * xhat).sum(axis=ax, keepdims=True)", "")
    results = run_cases("ex11", module_from_source(source))
    status, message, hint = results["backward (N, D)"]
    assert status == "fail" and message.startswith("dX:")
    assert "without the term −γ/σ · x̂ · mean(dY · x̂) (the path through the batch variance)" in hint


@pytest.mark.cli
@pytest.mark.parametrize("exercise, solution, case, words, never", [
    ("ex06", "ex06_bias_keepdims", "parameter gradients W1, b1, W2, b2", "you summed over the batch with keepdims=True",
     "sums the δ rows over the batch (axis 0)"),
    ("ex01", "ex01_float32_loss", "gradient: against finite differences of your own loss",
     "loss: dtype float32, expected float64", "finite differences"),
    ("ex08", "ex08_kernel_height_twice", "corr2d: edge detector [1, −1] finds a vertical edge",
     "you used the kernel's height kh = 1 for the width too", "never hangs over the edge"),
    ("ex12", "ex12_padded_shortcut", "projection shortcut: C_in ≠ C_out, stride 2",
     "the shortcut's 1×1 convolution has padding 0", "stride"),
])
@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_each_misleading_hint_is_replaced_by_one_that_names_the_mistake(exercise, solution, case, words, never):
    wrong = failing(graded(exercise, solution))
    text = wrong[case]
    hint = text.split("\n", 1)[1]
    assert words in text and never not in hint, text


def test_the_product_hint_never_suggests_another_invalid_expression():
    from studykit.grading.symbolic import AnswerError, parse_answer

    for text in ("foo(x)(1-x)", "2 tanh x", "3x**99999"):
        with pytest.raises(AnswerError) as failed:
            parse_answer(text, ("x",))
        hint = failed.value.args[1] if len(failed.value.args) > 1 else ""
        assert "write products with `*`" in hint and ":" not in hint.split("`*`")[1][:2]
    with pytest.raises(AnswerError) as failed:
        parse_answer("x(1-x)", ("x",))
    assert failed.value.args[1] == "write products with `*`: x*(1-x)"


def test_a_gamma_reshaped_in_place_is_told_about_the_reshape_not_the_moving_statistics():
    # in-process, where the caller's array is the learner's (the CLI case is test_..._named_through_the_cli)
    from ex_suite_harness import module_from_source, run_cases

    source = (SOLUTIONS / "ex11_reshaped_gamma.py").read_text(encoding="utf-8")
    status, message, hint = run_cases("ex11", module_from_source(source))["train (N, C, H, W): per channel"]
    assert status == "fail" and "modified its argument `gamma` in place" in message
    assert "you changed the shape of the caller's `gamma` (from (3,) to (1, 3, 1, 1))" in hint and "moving" not in hint


def test_conv_shape_hints_name_only_a_mistake_that_gives_that_shape_here():
    from studykit.grading.suites import ex09

    X, W = np.zeros((1, 2, 7, 9)), np.zeros((3, 2, 3, 2))
    assert "you used the kernel's kh = 3 for both sizes" in ex09._shape_hint((1, 3, 5, 7), X, W, 1, 0)
    # at stride 1 ignoring the stride changes nothing: a wrong shape there is never blamed on the stride
    assert ex09._shape_hint((1, 3, 9, 9), X, W, 1, 0) == ex09.SHAPE_HINT
    assert ex09._shape_hint((1, 3, 5, 8), X, W, 2, 0) == ex09.STRIDE_HINT


@pytest.mark.cli
def test_a_gamma_reshaped_in_place_is_named_through_the_cli():
    # over the grading wire: the learner's process reports the new shape and `checks.unchanged` names it
    result = graded("ex11", "ex11_reshaped_gamma")
    text = failing(result)["train (N, C, H, W): per channel"]
    assert "modified its argument `gamma` in place" in text
    assert "you changed the shape of the caller's `gamma` (from (3,) to (1, 3, 1, 1))" in text and "moving" not in text


@pytest.mark.cli
def test_a_gamma_resized_in_place_is_named_through_the_cli(grade_source):
    source = (SOLUTIONS / "ex11_correct.py").read_text(encoding="utf-8")
    source += '''

_batch_norm = batch_norm


def batch_norm(X, gamma, beta, moving_mean, moving_var, train, eps=1e-5, momentum=0.9):
    gamma.resize((gamma.size + 1,), refcheck=False)  # grows the caller's gamma in place
    return _batch_norm(X, gamma[:-1], beta, moving_mean, moving_var, train, eps, momentum)
'''
    proc, result = grade_source("ex11", source, "--seed", "7")
    assert result is not None, proc.stderr
    text = failing(result)["train (N, D): output and moving averages"]
    assert "modified its argument `gamma` in place" in text
    assert "you changed the shape of the caller's `gamma` (from (5,) to (6,))" in text and "moving" not in text
