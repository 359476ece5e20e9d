"""The reference two-layer MLP backprop (ex06) against central finite differences of its loss (for the
parameters and for the pre-activations Z1, Z2) and against the column-vector δ rule, example by example."""

from __future__ import annotations

import numpy as np
import pytest

from studykit.grading.gradcheck import numerical_gradient, rel_error
from studykit.reference.mlp import mlp_backprop
from studykit.reference.softmax import softmax_cross_entropy


def problem(seed, n=5, d=4, h=6, c=3):
    rng = np.random.default_rng(seed)
    X, y = rng.standard_normal((n, d)), rng.integers(0, c, size=n)
    return X, y, rng.standard_normal((d, h)) * 0.7, rng.standard_normal(h) * 0.2, \
        rng.standard_normal((h, c)) * 0.7, rng.standard_normal(c) * 0.2


@pytest.mark.parametrize("sizes", [dict(), dict(n=1, d=7, h=2, c=4), dict(n=8, d=3, h=3, c=3)])
def test_parameter_gradients_match_finite_differences(sizes):
    args = problem(1, **sizes)
    loss, grads = mlp_backprop(*args)
    for index, key in ((2, "W1"), (3, "b1"), (4, "W2"), (5, "b2")):
        def loss_of(value, index=index):
            trial = list(args)
            trial[index] = value
            return mlp_backprop(*trial)[0]
        numeric = numerical_gradient(loss_of, args[index].copy())
        assert grads[key].shape == args[index].shape
        assert rel_error(grads[key], numeric) < 1e-7, key


def test_deltas_are_the_gradients_with_respect_to_the_pre_activations():
    X, y, W1, b1, W2, b2 = problem(2)
    _, grads = mlp_backprop(X, y, W1, b1, W2, b2)
    Z1 = X @ W1 + b1
    numeric1 = numerical_gradient(lambda z1: softmax_cross_entropy(np.maximum(z1, 0) @ W2 + b2, y)[0], Z1.copy())
    Z2 = np.maximum(Z1, 0) @ W2 + b2
    numeric2 = numerical_gradient(lambda z2: softmax_cross_entropy(z2, y)[0], Z2.copy())
    assert rel_error(grads["delta1"], numeric1) < 1e-7
    assert rel_error(grads["delta2"], numeric2) < 1e-7


def test_row_form_equals_the_column_vector_rule_example_by_example():
    X, y, W1, b1, W2, b2 = problem(3)
    loss, grads = mlp_backprop(X, y, W1, b1, W2, b2)
    n = X.shape[0]
    Wc1, Wc2 = W1.T, W2.T  # column form z = W a + b uses the transposes of the row-form weights
    dW1, dW2 = np.zeros_like(Wc1), np.zeros_like(Wc2)
    total = 0.0
    for i in range(n):
        a0 = X[i][:, None]
        z1 = Wc1 @ a0 + b1[:, None]
        a1 = np.maximum(z1, 0)
        z2 = Wc2 @ a1 + b2[:, None]
        p = np.exp(z2 - z2.max()) / np.exp(z2 - z2.max()).sum()
        total += -np.log(p[y[i], 0])
        e = np.zeros_like(p)
        e[y[i]] = 1
        delta2 = (p - e) / n
        delta1 = (Wc2.T @ delta2) * (z1 > 0)  # δ¹ = (W²)ᵀ δ² ⊙ f′(z¹): the NEXT layer's weights
        assert np.allclose(grads["delta2"][i], delta2[:, 0], rtol=1e-12, atol=1e-15)
        assert np.allclose(grads["delta1"][i], delta1[:, 0], rtol=1e-12, atol=1e-15)
        dW1 += delta1 @ a0.T
        dW2 += delta2 @ a1.T
    assert loss == pytest.approx(total / n, rel=1e-12)
    assert np.allclose(grads["W1"], dW1.T, rtol=1e-12) and np.allclose(grads["W2"], dW2.T, rtol=1e-12)
    assert np.allclose(grads["b1"], grads["delta1"].sum(axis=0)) and np.allclose(grads["b2"],
                                                                                 grads["delta2"].sum(axis=0))


def test_inputs_are_not_mutated_and_dead_units_get_no_gradient():
    args = problem(4)
    copies = [np.copy(a) for a in args]
    _, grads = mlp_backprop(*args)
    assert all(np.array_equal(a, b) for a, b in zip(args, copies, strict=False))
    X, _, W1, b1, _, _ = args
    assert np.all(grads["delta1"][(X @ W1 + b1) <= 0] == 0.0)
