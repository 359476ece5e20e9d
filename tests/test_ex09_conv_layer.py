"""ex09 convolution layer through the real CLI: classic mistakes, forward/backward partial credit, speed feedback."""

from __future__ import annotations

import re

import pytest
from ex_helpers import failing, graded, run_suite_in_process, table

from studykit.reference import conv as ref


def test_the_reference_passes_its_own_suite():
    assert run_suite_in_process("ex09", ref) == []


def test_the_starter_fails_and_gets_no_speed_figure():
    result = graded("ex09", "starter")
    assert result["status"] == "fail" and result["score"] == 0
    (speed,) = [t for t in result["tests"] if t["kind"] == "speed"]
    assert speed["message"] == "speed not measured: the forward pass is not correct yet."


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_nested_loop_solution_passes_and_is_told_from_its_code_that_it_loops():
    result = graded("ex09", "ex09_loops")
    assert result["status"] == "pass" and result["score"] == 1.0
    assert {t["kind"] for t in result["tests"]} >= {"fixed", "random", "edge", "property", "speed"}
    (speed,) = [t for t in result["tests"] if t["kind"] == "speed"]
    assert not speed["scored"] and speed["status"] == "pass"
    # the numbers come from the clock; the advice from the code, so it is asserted whatever the machine's load
    assert re.match(r"correct; .* \([\d.]+ ms vs [\d.]+ ms, CPU time, best of \d alternating rounds", speed["message"])
    assert "your forward loops over output positions in Python" in speed["message"]
    assert "sliding_window_view" in speed["message"]


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_vectorized_solution_is_not_called_slow():
    result = graded("ex09", "ex09_correct_im2col")
    assert result["status"] == "pass"
    (speed,) = [t for t in result["tests"] if t["kind"] == "speed"]
    assert speed["message"].startswith("correct; ") and "vectorize" not in speed["message"]


def test_a_flipped_kernel_fails_the_forward_with_the_targeted_hint():
    result = graded("ex09", "ex09_flipped")
    wrong = failing(result)
    assert result["parts"]["forward"]["passed"] == 0
    assert all("you flipped the kernel: a CNN layer computes a cross-correlation" in wrong[n] for n in wrong if n.startswith("forward"))
    (speed,) = [t for t in result["tests"] if t["kind"] == "speed"]
    assert speed["message"].startswith("speed not measured")


def test_an_ignored_stride_is_named_with_the_shapes():
    wrong = failing(graded("ex09", "ex09_ignored_stride"))
    text = wrong["forward: stride 2, odd sizes, non-square kernel"]
    assert "out: shape (2, 4, 7, 10), expected (2, 4, 4, 5)." in text and "you ignored the stride" in text
    assert "you ignored the stride" in wrong["forward: batch of one, stride 3, padding 2"]
    assert "forward: C_in ≠ C_out, padding 1" not in wrong  # stride 1 cases still pass


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_padded_dx_is_partial_credit_and_the_report_says_which_half():
    result = graded("ex09", "ex09_padded_dx")
    assert 0 < result["score"] < 1
    assert result["parts"]["forward"]["passed"] == result["parts"]["forward"]["total"]
    assert "cut the padded border off" in failing(result)["backward: stride 2, padding 1, C_in ≠ C_out"]
    assert "forward correct; backward still wrong." in table("ex09", "ex09_padded_dx")


def test_db_per_image_gets_the_sum_hint():
    wrong = failing(graded("ex09", "ex09_db_per_image"))
    assert "db (stride 1, padding 0, X (2, 3, 6, 5), W (4, 3, 3, 3)): shape (2, 4), expected (4,)." in wrong["backward: stride 1, no padding"]
    assert "sum dout over N, H_out and W_out" in wrong["backward: stride 1, no padding"]
    assert not any(name.startswith("forward") for name in wrong)
