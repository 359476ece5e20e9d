"""Reference residual block (ex12), composed from the other references:
relu(bn2(conv2(relu(bn1(conv1(X))))) + shortcut(X)), batch norm in training mode, and its backward.

The projection shortcut is a bare 1×1 convolution (with bias, no batch norm): ResNet's projection (option B) is
followed by BN; ours is not, which keeps the exercise one function shorter and makes b3 a parameter that matters.
b1 and b2 feed training-mode BN, which subtracts each channel's batch mean: they cannot change the output, and
their gradients are 0 up to rounding.
"""

from __future__ import annotations

import numpy as np

from studykit.reference.activations import relu, relu_grad
from studykit.reference.batchnorm import batch_norm, batch_norm_backward
from studykit.reference.conv import conv2d_backward, conv2d_forward


def _bn_train(Z, gamma, beta):
    channels = Z.shape[1]
    return batch_norm(Z, gamma, beta, np.zeros(channels), np.ones(channels), train=True)[0]


def _forward(X, params, stride):
    """The block's output and every intermediate tensor the backward needs."""
    Z1 = conv2d_forward(X, params["W1"], params["b1"], stride=stride, padding=1)
    B1 = _bn_train(Z1, params["gamma1"], params["beta1"])
    A1 = relu(B1)
    Z2 = conv2d_forward(A1, params["W2"], params["b2"], stride=1, padding=1)
    B2 = _bn_train(Z2, params["gamma2"], params["beta2"])
    shortcut = (conv2d_forward(X, params["W3"], params["b3"], stride=stride, padding=0)
                if "W3" in params and "b3" in params else X)
    S = B2 + shortcut
    return relu(S), {"Z1": Z1, "B1": B1, "A1": A1, "Z2": Z2, "B2": B2, "S": S}


def residual_block(X, params, stride=1):
    return _forward(X, params, stride)[0]


def residual_block_backward(dout, X, params, stride=1):
    """(dX, grads) for the upstream gradient dout of residual_block(X, params, stride); grads has one entry per key
    of params. X feeds both branches, so dX is the sum of the main branch's and the shortcut's gradients."""
    _, c = _forward(X, params, stride)
    dS = dout * relu_grad(c["S"])  # the final ReLU's gradient at its own input, the sum
    dZ2, dgamma2, dbeta2 = batch_norm_backward(dS, c["Z2"], params["gamma2"])
    dA1, dW2, db2 = conv2d_backward(dZ2, c["A1"], params["W2"], params["b2"], stride=1, padding=1)
    dB1 = dA1 * relu_grad(c["B1"])
    dZ1, dgamma1, dbeta1 = batch_norm_backward(dB1, c["Z1"], params["gamma1"])
    dX, dW1, db1 = conv2d_backward(dZ1, X, params["W1"], params["b1"], stride=stride, padding=1)
    grads = {"W1": dW1, "b1": db1, "gamma1": dgamma1, "beta1": dbeta1,
             "W2": dW2, "b2": db2, "gamma2": dgamma2, "beta2": dbeta2}
    if "W3" in params and "b3" in params:
        dX_short, grads["W3"], grads["b3"] = conv2d_backward(dS, X, params["W3"], params["b3"], stride=stride,
                                                             padding=0)
    else:
        dX_short = dS
    return dX + dX_short, grads
