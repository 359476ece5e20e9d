import numpy as np


def linear_forward(X, w, b):
    out = np.zeros(X.shape[0])
    for i in range(X.shape[0]):
        for j in range(X.shape[1]):
            out[i] += X[i, j] * w[j]
    return out


def squared_loss(y_hat, y):
    total = 0.0
    for a, t in zip(y_hat, y):
        total += (a - t) ** 2
    return total / len(y) / 2


def linear_grad(X, y, w, b):
    n = X.shape[0]
    r = linear_forward(X, w, b) + b - y
    dw = np.zeros_like(w)
    for i in range(n):
        dw += r[i] * X[i] / n
    return dw, float(r.sum() / n)
