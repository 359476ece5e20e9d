"""Issue #20 item 3: the bias gradients summed over axis 0 with keepdims=True (shape (1, H)): the hint must not say 'sum over axis 0'."""

import numpy as np


def mlp_backprop(X, y, W1, b1, W2, b2):
    N = X.shape[0]
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0)
    Z2 = A1 @ W2 + b2
    Z2s = Z2 - Z2.max(axis=1, keepdims=True)
    P = np.exp(Z2s) / np.exp(Z2s).sum(axis=1, keepdims=True)
    loss = -np.log(P[np.arange(N), y]).mean()
    delta2 = P.copy()
    delta2[np.arange(N), y] -= 1
    delta2 /= N
    delta1 = delta2 @ W2.T * (Z1 > 0)
    return float(loss), {
        "delta2": delta2, "delta1": delta1,
        "W2": A1.T @ delta2, "b2": delta2.sum(axis=0, keepdims=True),
        "W1": X.T @ delta1, "b1": delta1.sum(axis=0, keepdims=True),
    }
