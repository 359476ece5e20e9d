"""A learner who knows the two stable forms of σ but picks between them with np.where, which computes both."""
import numpy as np


def relu(x):
    return np.maximum(x, 0)


def relu_grad(x):
    return (x > 0).astype(float)


def sigmoid(x):
    return np.where(x >= 0, 1 / (1 + np.exp(-x)), np.exp(x) / (1 + np.exp(x)))


def sigmoid_grad(x):
    s = sigmoid(x)
    return s * (1 - s)


def tanh(x):
    return np.tanh(x)


def tanh_grad(x):
    return 1 - np.tanh(x) ** 2
