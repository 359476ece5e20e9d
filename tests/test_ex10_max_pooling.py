"""ex10 max pooling through the real CLI: average-pooling backward and overwrite-instead-of-accumulate are named."""

from __future__ import annotations

import pytest
from ex_helpers import failing, graded, run_suite_in_process

from studykit.reference import pooling as ref


def test_the_reference_passes_its_own_suite():
    assert run_suite_in_process("ex10", ref) == []


def test_the_starter_fails_every_case():
    result = graded("ex10", "starter")
    assert result["status"] == "fail" and result["score"] == 0


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_learner_solution_passes_with_speed_feedback():
    result = graded("ex10", "ex10_correct")
    assert result["status"] == "pass" and result["score"] == 1.0
    (speed,) = [t for t in result["tests"] if t["kind"] == "speed"]
    assert not speed["scored"] and speed["message"].startswith("correct; ")


def test_spread_gradient_is_average_pooling_and_costs_only_the_backward_half():
    result = graded("ex10", "ex10_spread")
    wrong = failing(result)
    assert 0 < result["score"] < 1 and result["parts"]["backward"]["passed"] == 0
    assert result["parts"]["forward"]["passed"] == result["parts"]["forward"]["total"]
    assert all("you spread each gradient over the whole window (that is average pooling's backward)" in t for t in wrong.values())


def test_assigning_instead_of_accumulating_fails_only_where_windows_overlap():
    wrong = failing(graded("ex10", "ex10_no_overlap_accumulate"))
    assert "backward: 2×2 windows, stride 2" not in wrong  # no overlap: = and += agree
    assert "accumulate with dX[...] += dout[...]" in wrong["backward: overlapping windows (3×3, stride 2)"]
