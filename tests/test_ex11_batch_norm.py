"""ex11 batch norm through the real CLI: forward/backward partial credit, the momentum convention named,
the classic mistakes (unbiased variance, batch statistics at evaluation, wrong axes, dX without the
mean's dependence on X, moving statistics updated in place) each with its targeted hint."""

from __future__ import annotations

import pytest
from ex_helpers import failing, graded, run_suite_in_process, table
from ex_suite_harness import module_from_source, run_cases

from studykit.reference import batchnorm as ref

TRAIN_CASES = {"fixed: X = [[1, 2], [3, 6]] — means [2, 4], biased variances [1, 4]",
               "train (N, D): output and moving averages", "train (N, C, H, W): per channel",
               "train: a batch of one image still has H·W values per channel",
               "train: a batch of one example (N = 1, D) has zero variance, so Y = beta",
               "train with eps = 0.1 and momentum = 0.7, positionally and by keyword"}
EVAL_CASES = {"eval (N, D): uses the moving statistics and returns them unchanged",
              "eval (N, C, H, W): moving statistics broadcast per channel"}


def test_the_reference_passes_its_own_suite():
    assert run_suite_in_process("ex11", ref) == []


def test_the_starter_fails_every_case():
    result = graded("ex11", "starter")
    assert result["status"] == "fail" and result["score"] == 0
    assert all(t["status"] != "pass" for t in result["tests"])


def test_a_learner_solution_passes_every_case_of_every_kind():
    result = graded("ex11", "ex11_correct")
    assert result["status"] == "pass" and result["score"] == 1.0
    assert {t["kind"] for t in result["tests"]} >= {"fixed", "random", "edge", "property"}
    assert result["parts"]["forward"]["passed"] == result["parts"]["forward"]["total"] >= 6
    assert result["parts"]["backward"]["passed"] == result["parts"]["backward"]["total"] >= 4


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_dx_without_the_batch_statistics_dependence_costs_only_the_backward_half():
    result = graded("ex11", "ex11_naive_backward")
    assert 0 < result["score"] < 1
    assert result["parts"]["forward"]["passed"] == result["parts"]["forward"]["total"]
    assert result["parts"]["backward"]["passed"] == 0
    wrong = failing(result)
    assert all("the batch mean and variance depend on X too" in t for t in wrong.values())
    assert "forward correct; backward still wrong." in table("ex11", "ex11_naive_backward")


def test_momentum_weighting_the_new_batch_is_named_as_the_other_convention():
    result = graded("ex11", "ex11_torch_momentum")
    wrong = failing(result)
    assert set(wrong) == TRAIN_CASES  # Y, evaluation and backward are right
    for text in wrong.values():
        assert text.startswith("new_moving_mean: ")
        assert "your answer matches the other convention: momentum weighting the NEW batch" in text
        assert "moving = momentum · moving + (1 − momentum) · batch" in text
    assert result["parts"]["backward"]["passed"] == result["parts"]["backward"]["total"]


def test_unbiased_variance_is_named_including_the_single_example_batch():
    wrong = failing(graded("ex11", "ex11_unbiased"))
    assert TRAIN_CASES <= set(wrong)
    for name in TRAIN_CASES:
        assert "use the biased batch variance (divide by m, np.var's default ddof=0)" in wrong[name], wrong[name]
    # the learner's backward is right for the biased forward, so finite differences of THEIR forward disagree
    fd = wrong["backward: matches finite differences of your forward"]
    assert "against central finite differences" in fd and "fix the forward first" in fd


def test_evaluation_with_batch_statistics_fails_only_the_evaluation_cases():
    wrong = failing(graded("ex11", "ex11_eval_batch_stats"))
    assert set(wrong) == EVAL_CASES
    assert all("evaluation mode must use the moving statistics, not the batch's" in t for t in wrong.values())


def test_updating_the_moving_statistics_in_place_is_caught():
    wrong = failing(graded("ex11", "ex11_in_place_moving"))
    assert set(wrong) == TRAIN_CASES
    # the message names the parameter and batch norm's own fix, not softmax's
    assert all("batch_norm modified its arguments `moving_mean`, `moving_var` in place" in t for t in wrong.values())
    assert all("new_moving_mean = momentum * moving_mean + (1 - momentum) * mean" in t for t in wrong.values())
    assert not any("Z - Z.max" in t or "argument 4" in t for t in wrong.values())


def test_statistics_over_axis_0_alone_for_images_are_named_with_the_shapes():
    result = graded("ex11", "ex11_axis0_only")
    wrong = failing(result)
    assert "train (N, D): output and moving averages" not in wrong  # for (N, D) axis 0 is right
    image = wrong["train (N, C, H, W): per channel"]
    assert "for X of shape (4, 3, 5, 6), train=True" in image and "axes (0, 2, 3)" in image
    assert "dbeta: shape (2, 4, 5), expected (2,)" in wrong["backward (N, C, H, W)"]
    assert "axes (0, 2, 3) for (N, C, H, W)" in wrong["backward (N, C, H, W)"]


def test_per_position_normalization_of_images_gets_the_axis_hint():
    # statistics over the batch axis only: one mean per (c, h, w) position instead of per channel
    source = """
import numpy as np

def batch_norm(X, gamma, beta, moving_mean, moving_var, train, eps=1e-5, momentum=0.9):
    g, b = gamma.reshape(1, -1, 1, 1), beta.reshape(1, -1, 1, 1)
    mu, var = X.mean(axis=0), X.var(axis=0)
    return g * (X - mu) / np.sqrt(var + eps) + b, moving_mean, moving_var
"""
    results = run_cases("ex11", module_from_source(source))
    status, message, hint = results["train (N, C, H, W): per channel"]
    assert status == "fail" and message.startswith("Y: ")
    assert hint == "normalize per channel over (N, H, W) — axes (0, 2, 3) — not over axis 0 alone."


def test_per_example_normalization_of_features_gets_the_axis_hint(grade_source):
    source = """
import numpy as np

def batch_norm(X, gamma, beta, moving_mean, moving_var, train, eps=1e-5, momentum=0.9):
    mu = X.mean(axis=1, keepdims=True)
    var = X.var(axis=1, keepdims=True)
    return gamma * (X - mu) / np.sqrt(var + eps) + beta, moving_mean, moving_var
"""
    proc, result = grade_source("ex11", source, "--seed", "3")
    assert result is not None, proc.stderr
    assert result["status"] == "fail"
    wrong = failing(result)
    assert "normalize each feature over the batch (axis 0), not each example over its features." in \
        wrong["train (N, D): output and moving averages"]
    assert "defines no function `batch_norm_backward`" in wrong["backward (N, D)"]
