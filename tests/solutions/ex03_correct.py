import numpy as np


def softmax_cross_entropy(Z, y):
    N = Z.shape[0]
    m = np.max(Z, axis=1, keepdims=True)
    logp = Z - m - np.log(np.exp(Z - m).sum(axis=1, keepdims=True))
    loss = -logp[np.arange(N), y].mean()
    dZ = np.exp(logp)
    dZ[np.arange(N), y] -= 1
    return float(loss), dZ / N
