import numpy as np


def softmax_cross_entropy(Z, y):
    N = Z.shape[0]
    shifted = Z - Z.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -logp[np.arange(N), y].sum()
    dZ = np.exp(logp)
    dZ[np.arange(N), y] -= 1
    return float(loss), dZ / N
