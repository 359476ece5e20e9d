"""Reference linear regression (ex01): forward pass, halved mean squared loss and its gradient."""

from __future__ import annotations

import numpy as np


def linear_forward(X: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    """ŷ = X w + b for X (N, D), w (D,), b a scalar → (N,)."""
    return X @ w + b


def squared_loss(y_hat: np.ndarray, y: np.ndarray) -> float:
    """mean((ŷ − y)²) / 2."""
    return float(np.mean((y_hat - y) ** 2) / 2)


def linear_grad(X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float) -> tuple[np.ndarray, float]:
    """(∂L/∂w (D,), ∂L/∂b) of L = squared_loss(linear_forward(X, w, b), y): Xᵀr / N and mean(r), r = ŷ − y."""
    r = linear_forward(X, w, b) - y
    n = X.shape[0]
    return X.T @ r / n, float(np.sum(r) / n)
