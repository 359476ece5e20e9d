"""ex15 initialization: a learner's solution passes through the CLI, the classic init mistakes are named, and the
measurement tolerances hold for the reference on many seeds (the bound the grader uses is never flaky)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SOLUTIONS
from ex_helpers import graded, run_suite_in_process
from ex_suite_harness import module_from_source, run_cases

from studykit.grading.suites.ex15 import tolerance
from studykit.reference import init

XAVIER = "xavier_uniform: U(−a, a), a = √(6 / (fan_in + fan_out))"


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_the_reference_passes_its_own_suite():
    assert run_suite_in_process("ex15", init) == []


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
@pytest.mark.cli
def test_the_starter_fails_cleanly_and_a_learner_solution_passes():
    starter = graded("ex15", "starter")
    assert starter["status"] == "fail" and all("NotImplementedError" in t["message"] for t in starter["tests"])
    result = graded("ex15", "ex15_correct")
    assert result["status"] == "pass" and result["score"] == 1.0
    he = next(t for t in result["tests"] if t["name"] == "measure: He, ReLU — preserved")
    assert "act_std [" in he["message"]


@pytest.mark.parametrize("old, new, case, words", [
    ("a = np.sqrt(6 / (fan_in + fan_out))", "a = np.sqrt(6 / fan_in)", XAVIER, "yours uses fan_in alone"),
    ("np.sqrt(2 / fan_in)", "np.sqrt(2 / fan_out)", "he_normal: N(0, 2 / fan_in)", "not by fan_out"),
    ("np.sqrt(2 / fan_in)", "(2 / fan_in)", "he_normal: N(0, 2 / fan_in)", "not by 2 / fan_in"),
    ("act_std.append(np.std(h))", "act_std.append(np.std(z))", "measure: He, ReLU — preserved", "after the activation"),
    ("return rng.uniform(-a, a, size=(fan_in, fan_out))", "return np.random.uniform(-a, a, size=(fan_in, fan_out))",
     XAVIER, "draw from the `rng` argument"),
])
@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_init_and_measurement_mistakes_are_named(old, new, case, words):
    source = (SOLUTIONS / "ex15_correct.py").read_text()
    assert old in source
    status, message, hint = run_cases("ex15", module_from_source(source.replace(old, new)))[case]
    assert status == "fail" and words in f"{message} {hint}"


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_gradient_recorded_before_the_weights_fails_the_measurement():
    source = (SOLUTIONS / "ex15_correct.py").read_text().replace("grad_std[layer] = np.std(dh)",
                                                                  "grad_std[layer] = np.std(dz)")
    results = run_cases("ex15", module_from_source(source))
    assert results["measure: He, tanh"][0] == "fail" and "grad_std[" in results["measure: He, tanh"][1]


@pytest.mark.slow
@pytest.mark.parametrize("setting", [(i, a) for i in init.INITS for a in init.ACTIVATIONS])
def test_the_tolerance_holds_on_every_seed(setting):
    """15 seeds per setting (the bound was derived from 300): the worst deviation stays well inside the bound."""
    kind, activation = setting
    depth, width, batch = 12, 256, 256
    pa, pg = init.predicted_std(kind, activation, depth, width)
    ta, tg = tolerance(activation, depth, width)
    worst = 0.0
    for seed in range(15):
        a, g = init.measure_std(kind, activation, depth, width, batch, np.random.default_rng(10_000 + seed))
        worst = max(worst, float(np.max(np.abs(np.log(a / pa)) / ta)), float(np.max(np.abs(np.log(g / pg)) / tg)))
    assert worst < 0.6  # at most 60 % of the allowed deviation on 15 seeds: far from the edge


def test_the_prediction_matches_the_closed_forms():
    # He + ReLU: Var z = 2 every layer, std(relu(z)) = √2·√(1/2 − 1/(2π)); the gradient's variance is preserved
    act, grad = init.predicted_std("he", "relu", 5, 100)
    np.testing.assert_allclose(act, np.sqrt(2 * (0.5 - 1 / (2 * np.pi))), rtol=1e-6)
    np.testing.assert_allclose(grad, 1.0, rtol=1e-6)
    # Xavier + ReLU (fan_in = fan_out): the variance halves at every layer, forward and backward
    act, grad = init.predicted_std("xavier", "relu", 4, 64)
    np.testing.assert_allclose(act[1:] / act[:-1], np.sqrt(0.5), rtol=1e-6)
    np.testing.assert_allclose(grad[:-1] / grad[1:], np.sqrt(0.5), rtol=1e-6)
