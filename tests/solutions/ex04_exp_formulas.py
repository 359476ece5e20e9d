import numpy as np


def relu(x):
    return np.maximum(x, 0)


def relu_grad(x):
    return np.where(x > 0, 1.0, 0.0)


def sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_grad(x):
    return np.exp(-x) / (1 + np.exp(-x)) ** 2


def tanh(x):
    return (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))


def tanh_grad(x):
    return 1 - tanh(x)
