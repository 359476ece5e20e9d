import numpy as np


def batch_norm(X, gamma, beta, moving_mean, moving_var, train, eps=1e-5, momentum=0.9):
    shape = (1, -1) if X.ndim == 2 else (1, -1, 1, 1)
    if train:
        mu = X.mean(axis=0, keepdims=True)
        var = X.var(axis=0, keepdims=True)
        new_mean = momentum * moving_mean + (1 - momentum) * mu[0]
        new_var = momentum * moving_var + (1 - momentum) * var[0]
    else:
        mu, var = moving_mean.reshape(shape), moving_var.reshape(shape)
        new_mean, new_var = moving_mean, moving_var
    xhat = (X - mu) / np.sqrt(var + eps)
    return gamma.reshape(shape) * xhat + beta.reshape(shape), new_mean, new_var


def batch_norm_backward(dY, X, gamma, eps=1e-5):
    shape = (1, -1) if X.ndim == 2 else (1, -1, 1, 1)
    m = X.shape[0]
    mu = X.mean(axis=0, keepdims=True)
    var = X.var(axis=0, keepdims=True)
    xhat = (X - mu) / np.sqrt(var + eps)
    dbeta = dY.sum(axis=0)
    dgamma = (dY * xhat).sum(axis=0)
    dxhat = dY * gamma.reshape(shape)
    dX = (m * dxhat - dxhat.sum(axis=0) - xhat * (dxhat * xhat).sum(axis=0)) / (m * np.sqrt(var + eps))
    return dX, dgamma, dbeta
