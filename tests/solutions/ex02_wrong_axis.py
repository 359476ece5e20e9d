import numpy as np


def softmax(Z, axis=-1):
    shifted = Z - Z.max(axis=axis, keepdims=True)
    e = np.exp(Z - Z.max())
    return e / e.sum(axis=0, keepdims=True)
