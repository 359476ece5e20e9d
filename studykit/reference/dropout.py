"""Reference inverted dropout (ex07): p is the DROP probability; kept units are scaled by 1/(1 − p)."""

from __future__ import annotations

import numpy as np


def dropout_forward(X, p, train=True, rng=None):
    """(out, mask): mask is the boolean keep-mask (None in evaluation mode, where out is X unchanged)."""
    if not train:
        return X, None
    if rng is None:
        rng = np.random.default_rng()
    if p >= 1:
        mask = np.zeros(X.shape, dtype=bool)
        return np.zeros_like(X), mask
    mask = rng.random(X.shape) >= p
    return X * mask / (1 - p), mask


def dropout_backward(dout, mask, p):
    """dX = dout ⊙ mask / (1 − p): the same linear map as the forward pass."""
    if p >= 1:
        return np.zeros_like(dout)
    return dout * mask / (1 - p)
