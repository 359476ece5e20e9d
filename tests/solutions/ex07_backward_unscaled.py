# a correct forward; the backward forgets that the kept units were scaled
import numpy as np


def dropout_forward(X, p, train=True, rng=None):
    if not train:
        return X, None
    if rng is None:
        rng = np.random.default_rng()
    if p >= 1:
        return np.zeros_like(X), np.zeros(X.shape, dtype=bool)
    mask = rng.random(X.shape) >= p
    return X * mask / (1 - p), mask


def dropout_backward(dout, mask, p):
    return dout * mask
