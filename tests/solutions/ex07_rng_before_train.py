"""Issue #20 item 1: the parameters in another order than the starter's: (X, p, rng, train)."""

import numpy as np


def dropout_forward(X, p, rng=None, train=True):
    if not train:
        return X, None
    rng = np.random.default_rng() if rng is None else rng
    if p == 1:
        return np.zeros_like(X), np.zeros(X.shape, dtype=bool)
    keep = rng.random(X.shape) >= p
    return np.where(keep, X / (1 - p), 0.0), keep


def dropout_backward(dout, mask, p):
    if p == 1:
        return np.zeros_like(dout)
    return np.where(mask, dout / (1 - p), 0.0)
