import numpy as np


def relu(x):
    return np.maximum(x, 0)


def relu_grad(x):
    return (x > 0) * 1.0


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def sigmoid_grad(x):
    s = sigmoid(x)
    return s * (1 - s)


def tanh(x):
    return np.tanh(x)


def tanh_grad(x):
    return 1 - np.tanh(x) ** 2
