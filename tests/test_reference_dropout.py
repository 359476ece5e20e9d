"""The reference inverted dropout (ex07): statistics of the mask, exact scaling, eval identity, backward by finite differences."""

from __future__ import annotations

import math

import numpy as np
import pytest

from studykit.grading.gradcheck import numerical_gradient_array, rel_error
from studykit.reference.dropout import dropout_backward, dropout_forward


@pytest.mark.parametrize("p", [0.1, 0.3, 0.5, 0.9])
def test_dropped_fraction_and_scaling(p):
    X = np.random.default_rng(1).uniform(1, 2, size=(300, 400))
    out, mask = dropout_forward(X, p, rng=np.random.default_rng(7))
    frac = float(np.mean(out == 0))
    assert abs(frac - p) < 5 * math.sqrt(p * (1 - p) / X.size)  # binomial z-test, |z| < 5
    assert mask.dtype == bool and np.array_equal(mask, out != 0)
    assert np.allclose(out[mask] / X[mask], 1 / (1 - p), rtol=1e-14)
    assert abs(out.mean() / X.mean() - 1) < 6 * math.sqrt(p / ((1 - p) * X.size)) * 2  # mean preserved


def test_eval_mode_is_identity_and_p_edges():
    X = np.random.default_rng(2).standard_normal((3, 4))
    out, mask = dropout_forward(X, 0.5, train=False)
    assert np.array_equal(out, X) and mask is None
    out, _ = dropout_forward(X, 0.0, rng=np.random.default_rng(0))
    assert np.array_equal(out, X)
    with np.errstate(all="raise"):
        out, mask = dropout_forward(X, 1.0, rng=np.random.default_rng(0))
        assert np.array_equal(out, np.zeros_like(X)) and not mask.any()
        assert np.array_equal(dropout_backward(np.ones_like(X), mask, 1.0), np.zeros_like(X))


def test_same_seed_same_mask_and_rng_none_works():
    X = np.ones((5, 6))
    a, _ = dropout_forward(X, 0.4, rng=np.random.default_rng(3))
    b, _ = dropout_forward(X, 0.4, rng=np.random.default_rng(3))
    assert np.array_equal(a, b)
    assert dropout_forward(X, 0.4)[0].shape == X.shape


def test_backward_matches_finite_differences_for_a_fixed_mask():
    rng = np.random.default_rng(4)
    X, dout, p = rng.standard_normal((5, 7)), rng.standard_normal((5, 7)), 0.35
    _, mask = dropout_forward(X, p, rng=np.random.default_rng(9))
    def forward(v):
        return dropout_forward(v, p, rng=np.random.default_rng(9))[0]  # same seed → same mask
    numeric = numerical_gradient_array(forward, X.copy(), dout)
    assert rel_error(dropout_backward(dout, mask, p), numeric) < 1e-8
