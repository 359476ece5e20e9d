import numpy as np


def softmax(Z, axis=-1):
    e = np.exp(Z)
    return e / e.sum(axis=axis, keepdims=True)
