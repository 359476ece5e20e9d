"""ex08 cross-correlation vs true convolution through the real CLI: a swap is named as the other convention."""

from __future__ import annotations

from ex_helpers import failing, graded, run_suite_in_process

from studykit.reference import conv as ref


def test_the_reference_passes_its_own_suite():
    assert run_suite_in_process("ex08", ref) == []


def test_the_starter_fails_every_case():
    result = graded("ex08", "starter")
    assert result["status"] == "fail" and result["score"] == 0


def test_a_loop_solution_passes():
    result = graded("ex08", "ex08_correct")
    assert result["status"] == "pass" and result["score"] == 1.0
    assert set(result["parts"]) == {"corr2d", "conv2d_flipped"}


def test_swapped_conventions_are_named_both_ways():
    wrong = failing(graded("ex08", "ex08_swapped"))
    assert "your answer matches the other convention: a true convolution" in wrong["corr2d: the textbook 3×3 example"]
    assert "your answer matches the other convention: a cross-correlation" in wrong["conv2d_flipped: the textbook 3×3 example"]
    assert "yours = 5, expected 19" in wrong["corr2d: the textbook 3×3 example"]  # values the learner can check by hand


def test_flipping_one_axis_only_fails_only_the_convolution():
    result = graded("ex08", "ex08_flip_one_axis")
    wrong = failing(result)
    assert result["parts"]["corr2d"]["passed"] == result["parts"]["corr2d"]["total"]
    assert result["parts"]["conv2d_flipped"]["passed"] == 0
    assert all("flip the kernel on both axes, not just one" in text for name,
               text in wrong.items() if "conv2d_flipped" in name)
