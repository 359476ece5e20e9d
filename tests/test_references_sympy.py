"""The two sides agree: sympy differentiates what the NumPy references implement, at random points."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

from studykit.reference import activations, softmax

RNG = np.random.default_rng(7)


@pytest.mark.parametrize("name, f", [
    ("sigmoid", lambda x: 1 / (1 + sp.exp(-x))),
    ("tanh", sp.tanh),
])
def test_activation_gradients_equal_sympy(name, f):
    x = sp.Symbol("x", real=True)
    derivative = sp.lambdify(x, sp.diff(f(x), x), "numpy")
    points = RNG.uniform(-8, 8, 50)
    assert np.allclose(getattr(activations, f"{name}_grad")(points), derivative(points), rtol=1e-12, atol=1e-15)
    assert np.allclose(getattr(activations, name)(points), sp.lambdify(x, f(x), "numpy")(points), rtol=1e-12)


def test_softmax_cross_entropy_gradient_equals_sympy():
    n, c = 3, 4
    Z = sp.Matrix(n, c, lambda i, j: sp.Symbol(f"z{i}{j}", real=True))
    y = [2, 0, 3]
    loss = sum(-sp.log(sp.exp(Z[i, y[i]]) / sum(sp.exp(Z[i, k]) for k in range(c))) for i in range(n)) / n
    grad = sp.Matrix(n, c, lambda i, j: sp.diff(loss, Z[i, j]))
    values = RNG.standard_normal((n, c))
    subs = {Z[i, j]: values[i, j] for i in range(n) for j in range(c)}
    expected_loss = float(loss.evalf(subs=subs))
    expected = np.array(grad.evalf(subs=subs).tolist(), dtype=float)
    got_loss, got = softmax.softmax_cross_entropy(values, np.array(y))
    assert np.isclose(got_loss, expected_loss, rtol=1e-12)
    assert np.allclose(got, expected, rtol=1e-10, atol=1e-14)
