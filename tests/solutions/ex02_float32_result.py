"""Issue #20 item 1: computes in float32 whatever the input: ~7 digits, which rtol=1e-6 alone would not see."""

import numpy as np


def softmax(Z, axis=-1):
    Z = np.asarray(Z, dtype=float) if not np.issubdtype(np.asarray(Z).dtype, np.floating) else Z
    Z = np.asarray(Z, dtype=np.float32)
    shifted = Z - Z.max(axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=axis, keepdims=True)
