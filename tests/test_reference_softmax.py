"""The reference softmax and softmax cross-entropy (ex02, ex03) against closed forms and central finite
differences, on random inputs and at the edges the exercises promise (|Z| up to 1e4, −inf, any axis)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from studykit.grading.gradcheck import numerical_gradient, numerical_gradient_array, rel_error
from studykit.reference.softmax import log_softmax, softmax, softmax_cross_entropy


@pytest.fixture
def rng():
    return np.random.default_rng(20261124)


def closed_form_softmax(Z, axis):
    """exp(Z) / Σ exp(Z), the textbook formula: exact for moderate logits."""
    e = np.exp(Z)
    return e / e.sum(axis=axis, keepdims=True)


@pytest.mark.parametrize("shape, axis", [((5,), -1), ((4, 6), -1), ((4, 6), 0), ((2, 3, 4), 1), ((2, 3, 4), 0),
                                         ((1, 7), -1), ((3, 1), -1)])
def test_softmax_agrees_with_the_closed_form_on_any_shape_and_axis(rng, shape, axis):
    Z = rng.standard_normal(shape) * 3
    P = softmax(Z, axis=axis)
    assert P.shape == Z.shape
    assert np.allclose(P, closed_form_softmax(Z, axis), rtol=1e-12, atol=0)
    assert np.allclose(P.sum(axis=axis), 1.0, rtol=0, atol=1e-12)


def test_softmax_jacobian_matches_finite_differences(rng):
    Z, dout = rng.standard_normal((3, 5)), rng.standard_normal((3, 5))
    P = softmax(Z)
    # closed form of the vector–Jacobian product: J = diag(p) − p pᵀ per row, so Jᵀ g = p ⊙ (g − ⟨g, p⟩)
    vjp = P * (dout - np.sum(dout * P, axis=1, keepdims=True))
    numeric = numerical_gradient_array(lambda v: softmax(v), Z.copy(), dout)
    assert rel_error(vjp, numeric) < 1e-8


def test_softmax_is_exact_for_huge_logits_without_warnings():
    Z = np.array([[1e4, 0.0, -1e4], [1000.0, 1000.0, 999.0], [-1e4, -1e4, -1e4]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
            P = softmax(Z)
    assert np.array_equal(P[0], [1.0, 0.0, 0.0])
    e = np.exp([0.0, 0.0, -1.0])
    assert np.allclose(P[1], e / e.sum(), rtol=1e-15)
    assert np.allclose(P[2], 1 / 3, rtol=1e-15)
    assert np.allclose(softmax(Z[1] + 1e4), P[1], rtol=1e-12)  # shift invariance


def test_minus_infinity_gets_probability_exactly_zero():
    Z = np.array([[0.0, -np.inf, np.log(3.0)], [-np.inf, 5.0, -np.inf]])
    with np.errstate(all="raise", under="ignore"):
        P = softmax(Z)
    assert np.allclose(P, [[0.25, 0.0, 0.75], [0.0, 1.0, 0.0]], rtol=1e-15, atol=0)
    assert P[0, 1] == 0.0 and P[1, 0] == 0.0


def test_softmax_keeps_float32_accepts_integers_and_never_mutates(rng):
    Z32 = rng.standard_normal((3, 4)).astype(np.float32)
    before = Z32.copy()
    P32 = softmax(Z32)
    assert P32.dtype == np.float32 and np.array_equal(Z32, before)
    assert np.allclose(P32, softmax(Z32.astype(np.float64)), rtol=1e-6)
    assert np.allclose(softmax(np.array([[1, 2, 3]])), closed_form_softmax(np.array([[1.0, 2.0, 3.0]]), -1))


def test_log_softmax_is_the_log_of_softmax(rng):
    Z = rng.standard_normal((4, 5)) * 4
    assert np.allclose(log_softmax(Z, axis=1), np.log(softmax(Z, axis=1)), rtol=1e-12)


def test_cross_entropy_loss_agrees_with_the_closed_form(rng):
    Z, y = rng.standard_normal((6, 4)) * 2, rng.integers(0, 4, size=6)
    loss, _ = softmax_cross_entropy(Z, y)
    by_hand = np.mean([-np.log(np.exp(Z[i, y[i]]) / np.exp(Z[i]).sum()) for i in range(6)])
    assert isinstance(loss, float) and loss == pytest.approx(by_hand, rel=1e-12)


@pytest.mark.parametrize("n, c", [(1, 4), (5, 3), (3, 10)])
def test_cross_entropy_gradient_matches_finite_differences_and_the_closed_form(rng, n, c):
    Z, y = rng.standard_normal((n, c)) * 2, rng.integers(0, c, size=n)
    loss, dZ = softmax_cross_entropy(Z, y)
    numeric = numerical_gradient(lambda v: softmax_cross_entropy(v, y)[0], Z.copy())
    assert rel_error(dZ, numeric) < 1e-7
    assert np.allclose(dZ, (closed_form_softmax(Z, 1) - np.eye(c)[y]) / n, rtol=1e-12, atol=1e-15)
    assert np.allclose(dZ.sum(axis=1), 0.0, atol=1e-15)  # probabilities minus a one-hot: each row sums to 0


def test_cross_entropy_is_finite_and_exact_for_logits_of_1e4():
    Z, y = np.array([[1e4, -1e4], [1e4, 1e4], [-1e4, 1e4]]), np.array([1, 0, 1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
            loss, dZ = softmax_cross_entropy(Z, y)
    # −log p: 2e4 for the first row, log 2 for the tie, 0 for the confident right answer
    assert loss == pytest.approx((2e4 + np.log(2.0) + 0.0) / 3, rel=1e-15)
    assert np.allclose(dZ, np.array([[1.0, -1.0], [-0.5, 0.5], [0.0, 0.0]]) / 3, atol=1e-15)


def test_cross_entropy_never_mutates_and_handles_float32(rng):
    Z, y = rng.standard_normal((4, 3)), rng.integers(0, 3, size=4)
    Zc, yc = Z.copy(), y.copy()
    loss, dZ = softmax_cross_entropy(Z, y)
    assert np.array_equal(Z, Zc) and np.array_equal(y, yc)
    loss32, dZ32 = softmax_cross_entropy(Z.astype(np.float32), y)
    assert loss32 == pytest.approx(loss, rel=1e-5) and np.allclose(dZ32, dZ, atol=1e-6)
