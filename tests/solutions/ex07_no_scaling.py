import numpy as np


def dropout_forward(X, p, train=True, rng=None):
    if not train:
        return X, None
    rng = np.random.default_rng() if rng is None else rng
    mask = rng.random(X.shape) >= p
    return X * mask, mask


def dropout_backward(dout, mask, p):
    return dout * mask
