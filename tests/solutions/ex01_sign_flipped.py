import numpy as np


def linear_forward(X, w, b):
    return X @ w + b


def squared_loss(y_hat, y):
    return float(np.mean((y_hat - y) ** 2) / 2)


def linear_grad(X, y, w, b):
    # residual the other way round: target minus prediction
    r = y - linear_forward(X, w, b)
    return X.T @ r / len(y), float(np.mean(r))
