"""ex14 optimizers through the real CLI: a learner's SGD/Adam passes; no bias correction, t from 0, the momentum's
sign and AdamW's decay in the gradient are each named; the reference passes its suite in-process."""

from __future__ import annotations

import numpy as np
import pytest
from ex_helpers import failing, graded, run_suite_in_process

from studykit.reference import optim

pytestmark = pytest.mark.cli
SGD_CASES = {"SGD without momentum: θ ← θ − lr·g", "SGD with momentum 0.9",
             "SGD with momentum and (coupled) weight decay", "Nesterov momentum"}
ADAM_CASES = {"Adam with bias correction", "Adam, other betas and a large eps",
              "Adam with L2 weight decay (coupled: in the gradient)", "AdamW (decoupled weight decay: in the update)"}
BEHAVIOUR = "behaviour: on an ill-conditioned quadratic, momentum beats plain SGD and Adam converges"


def test_the_reference_passes_its_own_suite():
    assert run_suite_in_process("ex14", optim) == []


def test_the_starter_fails_cleanly():
    result = graded("ex14", "starter")
    assert result["status"] == "fail" and result["score"] == 0
    assert all("NotImplementedError" in t["message"] for t in result["tests"])


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_learner_solution_passes_and_reports_the_quadratic():
    result = graded("ex14", "ex14_correct")
    assert result["status"] == "pass" and result["score"] == 1.0
    behaviour = next(t for t in result["tests"] if t["name"] == BEHAVIOUR)
    assert "after 100 steps at lr 0.01" in behaviour["message"]


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_no_bias_correction_is_named_in_every_adam_case():
    wrong = failing(graded("ex14", "ex14_no_bias_correction"))
    assert set(wrong) == ADAM_CASES
    assert all("bias correction is missing" in text and "after step 1 of 6" in text for text in wrong.values())


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_t_from_zero_is_named():
    wrong = failing(graded("ex14", "ex14_t_from_zero"))
    assert set(wrong) == ADAM_CASES | {BEHAVIOUR}
    assert all("the first step has t = 1" in wrong[name] for name in ADAM_CASES)


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_flipped_momentum_sign_is_named_and_the_quadratic_diverges():
    wrong = failing(graded("ex14", "ex14_momentum_sign"))
    assert set(wrong) == SGD_CASES | {BEHAVIOUR}
    assert all("the momentum convention here is v ← μ·v + g, θ ← θ − lr·v" in text for text in wrong.values())
    assert "plain SGD did not decrease the loss" in wrong[BEHAVIOUR]


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_adamw_decay_also_in_the_gradient_is_named_only_for_adamw():
    wrong = failing(graded("ex14", "ex14_decay_in_gradient"))
    assert set(wrong) == {"AdamW (decoupled weight decay: in the update)"}
    assert "weight decay is counted twice" in wrong["AdamW (decoupled weight decay: in the update)"]


def test_the_reference_conventions_by_hand():
    p, g = {"w": np.array([1.0])}, {"w": np.array([2.0])}
    p1, s = optim.sgd_step(p, g, {}, lr=0.1, momentum=0.9)
    p2, _ = optim.sgd_step(p1, g, s, lr=0.1, momentum=0.9)
    assert p1["w"][0] == pytest.approx(0.8) and p2["w"][0] == pytest.approx(0.8 - 0.1 * (0.9 * 2 + 2))
    # Adam's first step is lr·sign(g) (bias correction makes m̂ = g, v̂ = g²) up to ε
    a1, s = optim.adam_step(p, g, {}, lr=0.1)
    assert s["t"] == 1 and a1["w"][0] == pytest.approx(0.9, abs=1e-7)
    w1, _ = optim.adam_step(p, g, {}, lr=0.1, weight_decay=0.5, decoupled=True)
    assert w1["w"][0] == pytest.approx(1 - 0.1 * (1 + 0.5), abs=1e-7)
    assert p["w"][0] == 1.0  # not modified in place
