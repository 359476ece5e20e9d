"""Reference batch normalization (ex11): per feature for (N, D), per channel for (N, C, H, W).

Training uses the batch mean and the biased batch variance and updates the moving statistics as
moving = momentum · moving + (1 − momentum) · batch (momentum weights the OLD value); evaluation
uses the moving statistics and returns them unchanged.
"""

from __future__ import annotations

import numpy as np


def _axes_and_shape(X):
    if X.ndim == 2:
        return (0,), (1, -1)
    if X.ndim == 4:
        return (0, 2, 3), (1, -1, 1, 1)
    raise ValueError(f"batch norm expects X of shape (N, D) or (N, C, H, W), got {X.shape}")


def batch_norm(X, gamma, beta, moving_mean, moving_var, train, eps=1e-5, momentum=0.9):
    axes, shape = _axes_and_shape(X)
    if train:
        mean = X.mean(axis=axes)
        var = X.var(axis=axes)  # biased: divides by the number of values per feature / channel
        new_mean = momentum * moving_mean + (1 - momentum) * mean
        new_var = momentum * moving_var + (1 - momentum) * var
    else:
        mean, var = moving_mean, moving_var
        new_mean, new_var = moving_mean, moving_var
    x_hat = (X - mean.reshape(shape)) / np.sqrt(var.reshape(shape) + eps)
    return gamma.reshape(shape) * x_hat + beta.reshape(shape), new_mean, new_var


def batch_norm_backward(dY, X, gamma, eps=1e-5):
    """(dX, dgamma, dbeta) for training mode: dX = γ/(m·σ) · (m·g − Σg − x̂·Σ(g·x̂))."""
    axes, shape = _axes_and_shape(X)
    m = X.size // X.shape[1]
    mean = X.mean(axis=axes, keepdims=True)
    inv_std = 1 / np.sqrt(X.var(axis=axes, keepdims=True) + eps)
    x_hat = (X - mean) * inv_std
    dbeta = dY.sum(axis=axes)
    dgamma = (dY * x_hat).sum(axis=axes)
    dX = gamma.reshape(shape) * inv_std / m * (m * dY - dbeta.reshape(shape) - x_hat * dgamma.reshape(shape))
    return dX, dgamma, dbeta
