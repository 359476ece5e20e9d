import numpy as np


def linear_forward(X, w, b):
    return X @ w + b


def squared_loss(y_hat, y):
    return float(np.mean((y_hat - y) ** 2) / 2)


def linear_grad(X, y, w, b):
    n = X.shape[0]
    r = linear_forward(X, w, b) - y
    dw = X.T @ r / n
    db = r / n  # one entry per example
    return dw, db
