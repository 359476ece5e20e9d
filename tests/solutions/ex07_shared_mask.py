"""Issue #20 item 1: one dropout mask for the whole batch (drawn for the last axis only, broadcast over the rows)."""

import numpy as np


def dropout_forward(X, p, train=True, rng=None):
    if not train:
        return X, None
    rng = np.random.default_rng() if rng is None else rng
    if p == 1:
        return np.zeros_like(X), np.zeros(X.shape, dtype=bool)
    keep = np.broadcast_to(rng.random(X.shape[-1]) >= p, X.shape)
    return np.where(keep, X / (1 - p), 0.0), keep


def dropout_backward(dout, mask, p):
    if p == 1:
        return np.zeros_like(dout)
    return np.where(mask, dout / (1 - p), 0.0)
