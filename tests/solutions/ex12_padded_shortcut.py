"""Issue #20 item 3: the 1×1 shortcut convolution padded by 1; the hint must name the padding, not the stride."""

import numpy as np


def conv2d_forward(X, W, b, stride=1, padding=0):
    N, C, H, Wd = X.shape
    F, _, kh, kw = W.shape
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    Ho = (H + 2 * padding - kh) // stride + 1
    Wo = (Wd + 2 * padding - kw) // stride + 1
    out = np.zeros((N, F, Ho, Wo))
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    window = Xp[n, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
                    out[n, f, i, j] = np.sum(window * W[f]) + b[f]
    return out




def _axes(X):
    return (0,) if X.ndim == 2 else (0, 2, 3)


def _b(v, X):
    return v.reshape(1, -1) if X.ndim == 2 else v.reshape(1, -1, 1, 1)


def batch_norm(X, gamma, beta, moving_mean, moving_var, train, eps=1e-5, momentum=0.9):
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




def residual_block(X, params, stride=1):
    C = params["W1"].shape[0]
    out = conv2d_forward(X, params["W1"], params["b1"], stride=stride, padding=1)
    out, _, _ = batch_norm(out, params["gamma1"], params["beta1"], np.zeros(C), np.ones(C), True)
    out = np.maximum(out, 0)
    out = conv2d_forward(out, params["W2"], params["b2"], stride=1, padding=1)
    out, _, _ = batch_norm(out, params["gamma2"], params["beta2"], np.zeros(C), np.ones(C), True)
    shortcut = X
    if "W3" in params:
        shortcut = conv2d_forward(X, params["W3"], params["b3"], stride=stride, padding=1)
    return np.maximum(out + shortcut, 0)
