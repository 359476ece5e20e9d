"""Reference two-layer MLP backprop (ex06): rows are examples.

Z1 = X W1 + b1, A1 = relu(Z1), Z2 = A1 W2 + b2, L = mean softmax cross-entropy of Z2.
δ² = ∂L/∂Z2 = (softmax(Z2) − onehot(y)) / N and δ¹ = ∂L/∂Z1 = δ² W2ᵀ ⊙ relu′(Z1): the row form of
the column-vector rule δ¹ = (W²)ᵀ δ² ⊙ f′(z¹).
"""

from __future__ import annotations

import numpy as np

from studykit.reference.activations import relu, relu_grad
from studykit.reference.softmax import softmax_cross_entropy


def mlp_backprop(X, y, W1, b1, W2, b2) -> tuple[float, dict[str, np.ndarray]]:
    Z1 = X @ W1 + b1
    A1 = relu(Z1)
    Z2 = A1 @ W2 + b2
    loss, delta2 = softmax_cross_entropy(Z2, y)
    delta1 = (delta2 @ W2.T) * relu_grad(Z1)
    grads = {
        "delta2": delta2,
        "delta1": delta1,
        "W2": A1.T @ delta2,
        "b2": delta2.sum(axis=0),
        "W1": X.T @ delta1,
        "b1": delta1.sum(axis=0),
    }
    return loss, grads
