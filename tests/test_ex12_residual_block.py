"""ex12 residual block through the real CLI: ReLU before the addition, an ignored projection, the stride on
conv2 and batch norm in evaluation mode are each named; a learner's loop-based solution passes. The backward: the
skip gradient forgotten, the final ReLU's gradient at the wrong tensor and the projection's gradient missing are
named; b1, b2 (before training-mode BN) are not graded."""

from __future__ import annotations

import pytest
from conftest import SOLUTIONS
from ex_helpers import failing, graded, run_suite_in_process

from studykit.reference import resnet as ref

PROJECTION_SHAPE_CHANGES = {"projection shortcut: C_in ≠ C_out, stride 2",
                            "projection with stride 1 (channels change only)",
                            "projection, stride 2, C_in = C_out", "odd sizes with stride 2"}
STRIDE_2 = {"projection shortcut: C_in ≠ C_out, stride 2", "projection, stride 2, C_in = C_out",
            "odd sizes with stride 2"}


def forward_failing(result: dict) -> dict[str, str]:
    """The failing forward cases (these solutions stop at the forward: their backward cases fail as missing)."""
    return {name: text for name, text in failing(result).items() if not name.startswith("backward:")}


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_the_reference_passes_its_own_suite():
    assert run_suite_in_process("ex12", ref) == []


def test_the_starter_fails_every_case():
    result = graded("ex12", "starter")
    assert result["status"] == "fail" and result["score"] == 0
    assert all("NotImplementedError" in (t["message"] or "") for t in result["tests"])


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_learner_solution_reusing_its_own_conv_and_batch_norm_passes():
    result = graded("ex12", "ex12_correct")
    assert result["status"] == "pass" and result["score"] == 1.0
    assert {t["kind"] for t in result["tests"]} >= {"fixed", "random", "edge"}


def test_relu_before_the_addition_is_named_in_every_case():
    result = graded("ex12", "ex12_relu_first")
    wrong = forward_failing(result)
    assert result["score"] == 0 and len(wrong) == len([t for t in result["tests"] if t["part"] != "backward"])
    assert all("apply the final ReLU AFTER adding the shortcut" in t for t in wrong.values())


def test_ignoring_w3_fails_where_params_has_a_projection():
    result = graded("ex12", "ex12_no_projection")
    wrong = forward_failing(result)
    assert set(wrong) == PROJECTION_SHAPE_CHANGES | {"projection even when the shapes already match (C_in = C_out, stride 1)"}
    # when the shapes differ numpy refuses the addition: the learner sees the shapes and why they differ
    clash = wrong["projection shortcut: C_in ≠ C_out, stride 2"]
    assert "shapes (2,4,4,4) (2,2,8,8)" in clash and "for X of shape (2, 2, 8, 8), stride 2, with W3/b3" in clash
    assert "params has W3 and b3: the shortcut is the 1×1 convolution conv(X, W3, b3, stride), not X itself." in clash
    # when they happen to match, the value is recognised
    assert "params has W3 and b3: the shortcut is the 1×1 convolution" in \
        wrong["projection even when the shapes already match (C_in = C_out, stride 1)"]


def test_the_stride_on_conv2_fails_only_the_strided_cases():
    wrong = forward_failing(graded("ex12", "ex12_stride_conv2"))
    assert set(wrong) == STRIDE_2
    assert all("conv2 always has stride 1" in t for t in wrong.values())


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_the_stride_on_conv2_instead_of_conv1_is_recognised(grade_source):
    source = (SOLUTIONS / "ex12_correct.py").read_text()
    source = source.replace('params["b1"], stride=stride, padding=1)', 'params["b1"], stride=1, padding=1)')
    source = source.replace('params["b2"], stride=1, padding=1)', 'params["b2"], stride=stride, padding=1)')
    proc, result = grade_source("ex12", source, "--seed", "5")
    assert result is not None, proc.stderr
    wrong = forward_failing(result)
    assert set(wrong) == STRIDE_2
    assert all("the stride belongs to conv1 (and the shortcut's 1×1 convolution); conv2 always has stride 1." in t
               for t in wrong.values())


def test_batch_norm_in_evaluation_mode_is_named():
    wrong = forward_failing(graded("ex12", "ex12_bn_eval"))
    assert len(wrong) == 7
    assert all("batch norm here runs in training mode" in t for t in wrong.values())


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_block_that_modifies_params_in_place_is_caught(grade_source):
    source = (SOLUTIONS / "ex12_correct.py").read_text().replace(
        "def residual_block(X, params, stride=1):\n",
        "def residual_block(X, params, stride=1):\n    params[\"b1\"] -= params[\"b1\"].mean()\n")
    proc, result = grade_source("ex12", source, "--seed", "5")
    assert result is not None, proc.stderr
    wrong = failing(result)
    assert wrong and all('residual_block modified its argument `params["b1"]` in place' in t for t in wrong.values())


BACKWARD = {"backward: identity shortcut", "backward: projection, C_in ≠ C_out, stride 2",
            "backward: projection with stride 1", "backward: projection even when the shapes already match",
            "backward: odd sizes, stride 2, C_in = C_out"}


def backward_mistake(grade_source, old: str, new: str) -> dict[str, str]:
    source = (SOLUTIONS / "ex12_correct.py").read_text()
    assert old in source
    proc, result = grade_source("ex12", source.replace(old, new), "--seed", "5")
    assert result is not None, proc.stderr
    return failing(result)


def test_the_backward_of_the_loop_solution_passes_every_backward_case():
    result = graded("ex12", "ex12_correct")
    assert {t["name"] for t in result["tests"] if t["part"] == "backward" and t["status"] == "pass"} == BACKWARD


def test_a_forgotten_skip_gradient_is_named_as_the_sum_of_both_branches(grade_source):
    wrong = backward_mistake(grade_source, "return dX + dX_short, grads", "return dX, grads")
    assert set(wrong) == BACKWARD
    assert "dX = dX_main + dS" in wrong["backward: identity shortcut"]
    assert all("X is used twice" in text and "dX: " in text for text in wrong.values())


def test_the_final_relu_gradient_at_the_branch_output_is_named(grade_source):
    wrong = backward_mistake(grade_source, "ds = dout * (s > 0)", "ds = dout * (a2 > 0)")
    assert set(wrong) == BACKWARD
    assert all("its gradient is dout * (S > 0), taken at S" in text for text in wrong.values())


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_missing_projection_gradient_is_named(grade_source):
    wrong = backward_mistake(grade_source, '''    if "W3" in params:
        dX_short, grads["W3"], grads["b3"] = conv2d_backward(ds, X, params["W3"], params["b3"], stride=stride, padding=0)
    else:
        dX_short = ds''', "    dX_short = ds")
    assert set(wrong) == BACKWARD - {"backward: identity shortcut"}
    assert "grads has no W3, b3" in wrong["backward: projection even when the shapes already match"]
    assert "the projection's gradient is missing" in wrong["backward: projection even when the shapes already match"]
    assert "reaches X through the 1×1 convolution" in wrong["backward: projection, C_in ≠ C_out, stride 2"]


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_conv_biases_before_training_mode_bn_are_not_graded(grade_source):
    # their true gradient is 0: a learner who returns zeros (or anything) for db1, db2 is not marked down
    wrong = backward_mistake(grade_source, "    return dX + dX_short, grads",
                             "    grads['b1'] = grads['b1'] * 0 + 3.0\n    del grads['b2']\n    return dX + dX_short, grads")
    assert not {name for name in wrong if name.startswith("backward:")}
