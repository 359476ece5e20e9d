"""Every reference solution against central finite differences and closed forms."""

from __future__ import annotations

import numpy as np
import pytest

from studykit.grading.gradcheck import numerical_gradient, numerical_gradient_array, rel_error
from studykit.reference import activations, linear, mlp, softmax


@pytest.fixture
def rng():
    return np.random.default_rng(2026)


def test_linear_grad_matches_finite_differences(rng):
    X, y, w, b = rng.standard_normal((7, 3)), rng.standard_normal(7), rng.standard_normal(3), 0.3
    dw, db = linear.linear_grad(X, y, w, b)
    loss = lambda w_, b_: linear.squared_loss(linear.linear_forward(X, w_, b_), y)
    assert rel_error(dw, numerical_gradient(lambda v: loss(v, b), w.copy())) < 1e-8
    assert rel_error(db, numerical_gradient(lambda v: loss(w, v[0]), np.array([b]))) < 1e-8
    # closed form: the normal equations' gradient vanishes at the least-squares solution
    A = np.c_[X, np.ones(7)]
    theta = np.linalg.lstsq(A, y, rcond=None)[0]
    dw0, db0 = linear.linear_grad(X, y, theta[:3], theta[3])
    assert np.allclose(dw0, 0, atol=1e-12) and abs(db0) < 1e-12


def test_softmax_is_a_stable_distribution(rng):
    Z = rng.standard_normal((4, 5)) * 3
    P = softmax.softmax(Z)
    assert np.allclose(P.sum(axis=1), 1) and (P > 0).all()
    assert np.allclose(softmax.softmax(Z + 1e4), P)  # shift invariance, no overflow
    with np.errstate(over="raise", invalid="raise"):
        assert np.allclose(softmax.softmax(np.array([[1e4, -1e4, -np.inf]])), [[1, 0, 0]])
    assert np.allclose(softmax.softmax(Z, axis=0).sum(axis=0), 1)


def test_softmax_cross_entropy_gradient_matches_finite_differences(rng):
    Z, y = rng.standard_normal((6, 4)), rng.integers(0, 4, 6)
    loss, dZ = softmax.softmax_cross_entropy(Z, y)
    numeric = numerical_gradient(lambda v: softmax.softmax_cross_entropy(v, y)[0], Z.copy())
    assert rel_error(dZ, numeric) < 1e-7
    # closed form: mean of −log p_true
    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    assert np.isclose(loss, -np.mean(np.log(P[np.arange(6), y])))
    big_loss, big_dZ = softmax.softmax_cross_entropy(np.array([[1e4, -1e4]]), np.array([1]))
    assert np.isclose(big_loss, 2e4) and np.allclose(big_dZ, [[1, -1]])


@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh"])
def test_activation_derivatives_match_finite_differences(rng, name):
    x = rng.standard_normal(20) * 3
    x = x[np.abs(x) > 1e-3]
    forward, grad = getattr(activations, name), getattr(activations, f"{name}_grad")
    numeric = numerical_gradient_array(forward, x.copy(), np.ones_like(x))
    # 1e-6, not tighter: where the derivative is ~1e-5 (tanh at |x| ≈ 6) central differences lose digits
    assert rel_error(grad(x), numeric) < 1e-6


def test_sigmoid_is_stable_and_exact_at_the_extremes():
    with np.errstate(over="raise"):
        s = activations.sigmoid(np.array([-1e4, 0.0, 1e4]))
    assert np.array_equal(s, [0.0, 0.5, 1.0])
    assert activations.relu_grad(np.array([0.0]))[0] == 0


def test_mlp_backprop_matches_finite_differences(rng):
    X, y = rng.standard_normal((5, 4)), rng.integers(0, 3, 5)
    params = [rng.standard_normal((4, 6)), rng.standard_normal(6), rng.standard_normal((6, 3)), rng.standard_normal(3)]
    loss, grads = mlp.mlp_backprop(X, y, *params)
    for index, key in enumerate(("W1", "b1", "W2", "b2")):
        def f(v, index=index):
            trial = list(params)
            trial[index] = v
            return mlp.mlp_backprop(X, y, *trial)[0]
        assert rel_error(grads[key], numerical_gradient(f, params[index].copy())) < 1e-6, key
    # δ¹ is the gradient with respect to the hidden pre-activation Z1
    Z1 = X @ params[0] + params[1]
    def via_z1(z1):
        from studykit.reference.softmax import softmax_cross_entropy
        return softmax_cross_entropy(np.maximum(z1, 0) @ params[2] + params[3], y)[0]
    assert rel_error(grads["delta1"], numerical_gradient(via_z1, Z1.copy())) < 1e-6
