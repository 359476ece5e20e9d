"""ex07 inverted dropout through the real CLI: property grading, the keep-probability convention, partial credit."""

from __future__ import annotations

import pytest
from conftest import SOLUTIONS
from ex_helpers import failing, graded, run_suite_in_process

from studykit.reference import dropout as ref


def test_the_reference_passes_its_own_suite():
    assert run_suite_in_process("ex07", ref) == []


def test_the_starter_fails_every_case():
    result = graded("ex07", "starter")
    assert result["status"] == "fail" and result["score"] == 0
    assert all("not implemented yet" in t["message"] for t in result["tests"] if t["scored"])


@pytest.mark.parametrize("seed", ["7", "8", "9"])
def test_a_correct_solution_passes_whatever_the_random_draws(seed):
    result = graded("ex07", "ex07_correct", seed)
    assert result["status"] == "pass" and result["score"] == 1.0
    assert {t["kind"] for t in result["tests"]} >= {"property", "edge"}


def test_keep_probability_is_named_as_the_other_convention():
    wrong = failing(graded("ex07", "ex07_keep_prob"))
    convention = [name for name,
                  text in wrong.items() if "your answer matches the other convention: p as the KEEP" in text]
    assert "train: the dropped fraction is p (p = 0.3)" in convention
    assert "0.3 ± " in wrong["train: the dropped fraction is p (p = 0.3)"]  # the expected fraction and its bound
    assert not any(name.startswith("eval mode") for name in wrong)  # evaluation mode was right
    assert "p as the KEEP probability" in wrong["edge: p = 0 keeps everything, p = 1 drops everything"]  # 0/0 at p = 0


def test_forgotten_scaling_gets_the_inverted_dropout_hint():
    wrong = failing(graded("ex07", "ex07_no_scaling"))
    assert "inverted dropout scales the kept units by 1/(1 − p)" in wrong["train: kept entries are scaled by exactly 1/(1 − p)"]
    assert "E[out] = (1 − p) · x/(1 − p) = x" in wrong["train: the mean is preserved in expectation"]
    assert "train: the dropped fraction is p (p = 0.3)" not in wrong  # it does drop the right fraction


def test_correct_forward_wrong_backward_is_partial_credit_on_the_backward_half():
    result = graded("ex07", "ex07_backward_unscaled")
    assert 0 < result["score"] < 1
    assert result["parts"]["forward"]["passed"] == result["parts"]["forward"]["total"]
    assert result["parts"]["backward"]["passed"] == 0
    assert all("the backward pass must scale by 1/(1 − p) too" in text for text in failing(result).values())


@pytest.mark.cli
@pytest.mark.parametrize("scaled, named, never", [
    # at p = 0.5, X·p and X·(1 − p) are the same array: the eval case must use a p where the mistakes differ
    ("X * p", "you multiplied by p", "you multiplied by 1 − p"),
    ("X * (1 - p)", "you multiplied by 1 − p", "you multiplied by p "),
    ("X / (1 - p)", "no scaling by 1/(1 − p)", "you multiplied"),
])
@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_an_evaluation_scaled_by_p_or_1_minus_p_is_named_only_as_what_it_is(grade_source, scaled, named, never):
    source = (SOLUTIONS / "ex07_correct.py").read_text(encoding="utf-8").replace(
        "        return X, None", f"        return {scaled}, None")
    proc, result = grade_source("ex07", source, "--seed", "3")
    assert result is not None, proc.stderr
    text = failing(result)["eval mode: returns X unchanged and mask None"]
    assert named in text and never not in text
