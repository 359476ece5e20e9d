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


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_batch_norm_backward_equals_sympy():
    from studykit.reference.batchnorm import batch_norm, batch_norm_backward

    m, d, eps = 4, 2, sp.Rational(1, 100000)
    X = sp.Matrix(m, d, lambda i, j: sp.Symbol(f"x{i}{j}", real=True))
    gamma = [sp.Symbol(f"g{j}", real=True) for j in range(d)]
    beta = [sp.Symbol(f"b{j}", real=True) for j in range(d)]
    dY = RNG.standard_normal((m, d))
    # L = Σ dY ⊙ Y, so ∂L/∂X is exactly what a backward pass given dY returns
    L = 0
    for j in range(d):
        mean = sum(X[i, j] for i in range(m)) / m
        var = sum((X[i, j] - mean) ** 2 for i in range(m)) / m
        for i in range(m):
            L += dY[i, j] * (gamma[j] * (X[i, j] - mean) / sp.sqrt(var + eps) + beta[j])
    xv, gv, bv = RNG.standard_normal((m, d)), RNG.uniform(0.5, 1.5, d), RNG.standard_normal(d)
    subs = {X[i, j]: xv[i, j] for i in range(m) for j in range(d)}
    subs |= {gamma[j]: gv[j] for j in range(d)} | {beta[j]: bv[j] for j in range(d)}
    def grad(symbol):
        return float(sp.diff(L, symbol).evalf(subs=subs))
    dX, dgamma, dbeta = batch_norm_backward(dY, xv, gv, eps=1e-5)
    assert np.allclose(dX, [[grad(X[i, j]) for j in range(d)] for i in range(m)], rtol=1e-8, atol=1e-12)
    assert np.allclose(dgamma, [grad(g) for g in gamma], rtol=1e-10)
    assert np.allclose(dbeta, [grad(b) for b in beta], rtol=1e-10)
    Y = batch_norm(xv, gv, bv, np.zeros(d), np.ones(d), True)[0]
    assert np.isclose(float(L.evalf(subs=subs)), np.sum(dY * Y), rtol=1e-10)


@pytest.mark.parametrize("name, f", [
    ("sigmoid", lambda x: 1 / (1 + sp.exp(-x))),
    ("tanh", sp.tanh),
])
def test_activation_gradients_equal_sympy_at_large_magnitudes(name, f):
    # lambdify would overflow here (exp(700)); sympy's evalf at 40 digits gives the true value
    x = sp.Symbol("x", real=True)
    derivative = sp.diff(f(x), x)
    points = np.array([-700.0, -300.0, -30.0, -12.5, 12.5, 30.0, 300.0, 700.0])
    expected = np.array([float(derivative.evalf(40, subs={x: sp.Float(p, 40)})) for p in points])
    got = getattr(activations, f"{name}_grad")(points)
    assert np.all(np.isfinite(got))
    # absolute accuracy at float64's resolution of the peak value (σ′ ≤ 1/4, tanh′ ≤ 1): s·(1−s) cancels for
    # large positive x, so relative accuracy in the far tail is not asked of the reference
    assert np.allclose(got, expected, rtol=1e-10, atol=1e-16)
    assert np.all(got >= 0)


def test_relu_gradient_equals_sympy_heaviside_away_from_zero():
    x = sp.Symbol("x", real=True)
    derivative = sp.diff(sp.Max(0, x), x)
    points = RNG.uniform(-5, 5, 40)
    points = points[np.abs(points) > 1e-3]
    expected = np.array([float(derivative.subs(x, p)) for p in points])
    assert np.array_equal(activations.relu_grad(points), expected)
