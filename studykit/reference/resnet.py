"""Reference residual block (ex12), composed from the other references:
relu(bn2(conv2(relu(bn1(conv1(X))))) + shortcut(X)), batch norm in training mode."""

from __future__ import annotations

import numpy as np

from studykit.reference.activations import relu
from studykit.reference.batchnorm import batch_norm
from studykit.reference.conv import conv2d_forward


def _bn_train(Z, gamma, beta):
    channels = Z.shape[1]
    return batch_norm(Z, gamma, beta, np.zeros(channels), np.ones(channels), train=True)[0]


def residual_block(X, params, stride=1):
    out = conv2d_forward(X, params["W1"], params["b1"], stride=stride, padding=1)
    out = relu(_bn_train(out, params["gamma1"], params["beta1"]))
    out = conv2d_forward(out, params["W2"], params["b2"], stride=1, padding=1)
    out = _bn_train(out, params["gamma2"], params["beta2"])
    if "W3" in params and "b3" in params:
        shortcut = conv2d_forward(X, params["W3"], params["b3"], stride=stride, padding=0)
    else:
        shortcut = X
    return relu(out + shortcut)
