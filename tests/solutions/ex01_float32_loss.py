"""Issue #20 item 3: the loss computed in float32; it must be told about the dtype, not blamed on finite differences."""

import numpy as np


def linear_forward(X, w, b):
    return X.dot(w) + b
def squared_loss(y_hat, y):
    d = (y_hat - y).astype(np.float32)
    return (d * d).sum() / np.float32(2 * len(y))
def linear_grad(X, y, w, b):
    r = linear_forward(X, w, b) - y
    return X.T.dot(r) / len(y), float(r.mean())
