import numpy as np


def relu(x):
    return np.where(x > 0, x, 0.0 * x)


def relu_grad(x):
    return (x > 0).astype(x.dtype if np.issubdtype(x.dtype, np.floating) else float)


def sigmoid(x):
    out = np.empty_like(x, dtype=x.dtype if np.issubdtype(x.dtype, np.floating) else float)
    pos = x >= 0
    out[pos] = 1 / (1 + np.exp(-x[pos]))
    ex = np.exp(x[~pos])
    out[~pos] = ex / (1 + ex)
    return out


def sigmoid_grad(x):
    s = sigmoid(x)
    return s * (1 - s)


def tanh(x):
    return np.tanh(x)


def tanh_grad(x):
    return 1 - np.tanh(x) ** 2
