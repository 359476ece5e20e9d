"""Reference initialization (ex15): Xavier/Glorot uniform, He normal, and the measurement of how activations and
gradients scale through a deep stack of fully connected layers, with the mean-field prediction to compare it to.

A weight matrix W has shape (fan_in, fan_out) and a layer computes z = h @ W (no bias):
    xavier_uniform: U(−a, a), a = √(6 / (fan_in + fan_out))   → Var W = 2 / (fan_in + fan_out)
    he_normal:      N(0, 2 / fan_in)
    naive:          N(0, 0.01²)  (CS231n's `0.01 * randn`)
"""

from __future__ import annotations

import numpy as np

NAIVE_STD = 0.01
INITS = ("naive", "xavier", "he")
ACTIVATIONS = ("relu", "tanh")


def xavier_uniform(fan_in, fan_out, rng):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out))


def he_normal(fan_in, fan_out, rng):
    return rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)


def init_weights(kind, fan_in, fan_out, rng):
    if kind == "xavier":
        return xavier_uniform(fan_in, fan_out, rng)
    if kind == "he":
        return he_normal(fan_in, fan_out, rng)
    return rng.standard_normal((fan_in, fan_out)) * NAIVE_STD


def _phi(activation, z):
    return np.maximum(z, 0) if activation == "relu" else np.tanh(z)


def _phi_grad(activation, z):
    return (z > 0).astype(float) if activation == "relu" else 1 - np.tanh(z) ** 2


def measure_std(init, activation, depth, width, batch, rng):
    """(act_std, grad_std), each of length depth. X (batch, width) ~ N(0, 1); h_0 = X, z_l = h_{l−1} @ W_l,
    h_l = φ(z_l). act_std[l−1] = std(h_l). The upstream gradient dL/dh_depth ~ N(0, 1);
    grad_std[l−1] = std(dL/dh_{l−1}), the gradient arriving at layer l's input."""
    h = rng.standard_normal((batch, width))
    weights, zs, act = [], [], []
    for _ in range(depth):
        W = init_weights(init, width, width, rng)
        z = h @ W
        h = _phi(activation, z)
        weights.append(W)
        zs.append(z)
        act.append(h.std())
    dh = rng.standard_normal((batch, width))
    grad = [0.0] * depth
    for layer in reversed(range(depth)):
        dh = (dh * _phi_grad(activation, zs[layer])) @ weights[layer].T
        grad[layer] = dh.std()
    return np.array(act), np.array(grad)


def weight_variance(init, width):
    return {"naive": NAIVE_STD ** 2, "xavier": 1.0 / width, "he": 2.0 / width}[init]


def _gauss(f, q):
    """E[f(z)] for z ~ N(0, q), by Gauss–Hermite quadrature."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(80)
    return float(np.sum(weights * f(np.sqrt(q) * nodes)) / np.sqrt(2 * np.pi))


def _moments(activation, q):
    """(E[φ(z)], E[φ(z)²], E[φ'(z)²]) for z ~ N(0, q): closed forms for ReLU (quadrature is inexact at its kink),
    quadrature for tanh."""
    if activation == "relu":
        return np.sqrt(q / (2 * np.pi)), q / 2, 0.5
    return (0.0, _gauss(lambda z: np.tanh(z) ** 2, q), _gauss(lambda z: (1 - np.tanh(z) ** 2) ** 2, q))


def predicted_std(init, activation, depth, width):
    """The infinite-width (mean-field) prediction of measure_std: q_l = n·σ_w²·E[h_{l−1}²] is the variance of z_l,
    std(h_l)² = E[φ(z)²] − E[φ(z)]², and Var(dL/dh_{l−1}) = n·σ_w²·E[φ'(z_l)²]·Var(dL/dh_l)."""
    gain = width * weight_variance(init, width)
    second, qs, act = 1.0, [], []
    for _ in range(depth):
        q = gain * second
        qs.append(q)
        mean, second, _ = _moments(activation, q)
        act.append(np.sqrt(max(second - mean ** 2, 0.0)))
    var, grad = 1.0, [0.0] * depth
    for layer in reversed(range(depth)):
        var = gain * _moments(activation, qs[layer])[2] * var
        grad[layer] = np.sqrt(var)
    return np.array(act), np.array(grad)
