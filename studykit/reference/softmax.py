"""Reference softmax (ex02) and softmax + cross-entropy with its gradient (ex03), numerically stable."""

from __future__ import annotations

import numpy as np


def softmax(Z: np.ndarray, axis: int = -1) -> np.ndarray:
    """exp(Z − max) / Σ exp(Z − max) along `axis`; exact for |Z| up to 1e4 and rows containing −inf."""
    Z = np.asarray(Z)
    if not np.issubdtype(Z.dtype, np.floating):
        Z = Z.astype(np.float64)  # integer logits: exp needs floats
    shifted = Z - np.max(Z, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(Z: np.ndarray, axis: int = -1) -> np.ndarray:
    """Z − logsumexp(Z) along `axis`, without forming exp(Z)."""
    m = np.max(Z, axis=axis, keepdims=True)
    shifted = Z - m
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softmax_cross_entropy(Z: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean over i of −log softmax(Zᵢ)[yᵢ] for logits Z (N, C), labels y (N,); and dZ = (softmax(Z) − onehot(y)) / N."""
    n = Z.shape[0]
    rows = np.arange(n)
    logp = log_softmax(Z, axis=1)
    loss = float(-np.mean(logp[rows, y]))
    dZ = np.exp(logp)
    dZ[rows, y] -= 1.0
    return loss, dZ / n
