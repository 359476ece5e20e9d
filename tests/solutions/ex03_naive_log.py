import numpy as np


def softmax_cross_entropy(Z, y):
    N = Z.shape[0]
    e = np.exp(Z)
    p = e / e.sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(N), y]).mean()
    onehot = np.zeros_like(p)
    onehot[np.arange(N), y] = 1
    return float(loss), (p - onehot) / N
