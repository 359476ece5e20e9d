import numpy as np


def softmax(Z, axis=-1):
    Z = np.asarray(Z, dtype=float) if not np.issubdtype(np.asarray(Z).dtype, np.floating) else Z
    shifted = Z - Z.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)
