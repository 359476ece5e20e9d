"""A learner whose forward handles p = 1 but whose backward divides by 1 − p = 0 there (0/0 = nan everywhere)."""
import numpy as np


def dropout_forward(X, p, train=True, rng=None):
    if not train:
        return X, None
    rng = np.random.default_rng() if rng is None else rng
    if p == 1:
        return np.zeros_like(X), np.zeros(X.shape, dtype=bool)
    mask = rng.random(X.shape) >= p
    return X * mask / (1 - p), mask


def dropout_backward(dout, mask, p):
    with np.errstate(divide="ignore", invalid="ignore"):  # silences numpy, not the grader
        return dout * mask / (1 - p)
