"""Issue #20 item 3: gamma reshaped in place (gamma.shape = …); the hint must be about the reshape, not the moving statistics."""

import numpy as np


def _axes(X):
    return (0,) if X.ndim == 2 else (0, 2, 3)


def _b(v, X):
    return v.reshape(1, -1) if X.ndim == 2 else v.reshape(1, -1, 1, 1)


def batch_norm(X, gamma, beta, moving_mean, moving_var, train, eps=1e-5, momentum=0.9):
    if X.ndim == 4:
        gamma.shape = (1, -1, 1, 1)  # reshapes the caller's gamma in place
    if train:
        mu = X.mean(axis=_axes(X))
        var = ((X - _b(mu, X)) ** 2).mean(axis=_axes(X))
        new_mean = momentum * moving_mean + (1 - momentum) * mu
        new_var = momentum * moving_var + (1 - momentum) * var
    else:
        mu, var = moving_mean, moving_var
        new_mean, new_var = moving_mean, moving_var
    xhat = (X - _b(mu, X)) / np.sqrt(_b(var, X) + eps)
    return _b(gamma, X) * xhat + _b(beta, X), new_mean, new_var


def batch_norm_backward(dY, X, gamma, eps=1e-5):
    ax = _axes(X)
    m = X.size / X.shape[1]
    mu = X.mean(axis=ax, keepdims=True)
    var = X.var(axis=ax, keepdims=True)
    xhat = (X - mu) / np.sqrt(var + eps)
    dbeta = dY.sum(axis=ax)
    dgamma = (dY * xhat).sum(axis=ax)
    dxhat = dY * _b(gamma, X)
    dX = (m * dxhat - dxhat.sum(axis=ax, keepdims=True) - xhat * (dxhat * xhat).sum(axis=ax, keepdims=True)) / (m * np.sqrt(var + eps))
    return dX, dgamma, dbeta
