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
        shortcut = conv2d_forward(X, params["W3"], params["b3"], stride=stride, padding=0)
    return np.maximum(out + shortcut, 0)


def conv2d_backward(dout, X, W, b, stride=1, padding=0):
    N, C, H, Wd = X.shape
    F, _, kh, kw = W.shape
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    dXp = np.zeros_like(Xp)
    dW = np.zeros_like(W)
    db = dout.sum(axis=(0, 2, 3))
    _, _, Ho, Wo = dout.shape
    for n in range(N):
        for f in range(F):
            for i in range(Ho):
                for j in range(Wo):
                    hs, ws = i * stride, j * stride
                    dW[f] += dout[n, f, i, j] * Xp[n, :, hs:hs + kh, ws:ws + kw]
                    dXp[n, :, hs:hs + kh, ws:ws + kw] += dout[n, f, i, j] * W[f]
    return dXp[:, :, padding:padding + H, padding:padding + Wd], dW, db


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


def residual_block_backward(dout, X, params, stride=1):
    C = params["W1"].shape[0]
    z1 = conv2d_forward(X, params["W1"], params["b1"], stride=stride, padding=1)
    a1, _, _ = batch_norm(z1, params["gamma1"], params["beta1"], np.zeros(C), np.ones(C), True)
    h1 = np.maximum(a1, 0)
    z2 = conv2d_forward(h1, params["W2"], params["b2"], stride=1, padding=1)
    a2, _, _ = batch_norm(z2, params["gamma2"], params["beta2"], np.zeros(C), np.ones(C), True)
    shortcut = X
    if "W3" in params:
        shortcut = conv2d_forward(X, params["W3"], params["b3"], stride=stride, padding=0)
    s = a2 + shortcut

    ds = dout * (s > 0)
    grads = {}
    dz2, grads["gamma2"], grads["beta2"] = batch_norm_backward(ds, z2, params["gamma2"])
    dh1, grads["W2"], grads["b2"] = conv2d_backward(dz2, h1, params["W2"], params["b2"], stride=1, padding=1)
    da1 = dh1 * (a1 > 0)
    dz1, grads["gamma1"], grads["beta1"] = batch_norm_backward(da1, z1, params["gamma1"])
    dX, grads["W1"], grads["b1"] = conv2d_backward(dz1, X, params["W1"], params["b1"], stride=stride, padding=1)
    if "W3" in params:
        dX_short, grads["W3"], grads["b3"] = conv2d_backward(ds, X, params["W3"], params["b3"], stride=stride, padding=0)
    else:
        dX_short = ds
    return dX + dX_short, grads
