"""Reference activations and their derivatives (ex04): ReLU, sigmoid, tanh, elementwise."""

from __future__ import annotations

import numpy as np


def relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0)


def relu_grad(x: np.ndarray) -> np.ndarray:
    """1 where x > 0, else 0 (the convention relu′(0) = 0)."""
    x = np.asarray(x)
    return (x > 0).astype(np.result_type(x.dtype, np.float32))  # float32 stays float32, integers become float64


def sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + e^(−x)), computed so that no exp overflows for any finite x."""
    x = np.asarray(x)
    e = np.exp(-np.abs(x))  # ≤ 1: never overflows
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_grad(x: np.ndarray) -> np.ndarray:
    """σ(x)(1 − σ(x)), written as σ(x)·σ(−x): 1 − σ(x) cancels catastrophically for large x (0 at x = 300,
    where the true value is ~5e-131); σ(−x) is the same number computed without the subtraction."""
    x = np.asarray(x)
    return sigmoid(x) * sigmoid(-x)


def tanh(x: np.ndarray) -> np.ndarray:
    return np.tanh(x)


def tanh_grad(x: np.ndarray) -> np.ndarray:
    t = np.tanh(x)
    return 1 - t * t
