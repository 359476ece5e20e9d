"""The reference residual block (ex12) against an explicit composition of the conv, batch-norm and relu
references written out here, and the shapes that the identity and projection shortcuts produce."""

from __future__ import annotations

import numpy as np
import pytest

from studykit.reference.batchnorm import batch_norm
from studykit.reference.conv import conv2d_forward
from studykit.reference.resnet import residual_block


def make_params(rng, c_in, c_out, projection):
    p = {"W1": rng.standard_normal((c_out, c_in, 3, 3)) * 0.3, "b1": rng.standard_normal(c_out),
         "gamma1": rng.uniform(0.5, 1.5, c_out), "beta1": rng.standard_normal(c_out),
         "W2": rng.standard_normal((c_out, c_out, 3, 3)) * 0.3, "b2": rng.standard_normal(c_out),
         "gamma2": rng.uniform(0.5, 1.5, c_out), "beta2": rng.standard_normal(c_out)}
    if projection:
        p["W3"], p["b3"] = rng.standard_normal((c_out, c_in, 1, 1)), rng.standard_normal(c_out)
    return p


def by_hand(X, p, stride):
    """The block written step by step: BN with the batch's own mean and biased variance per channel."""
    def bn(Z, gamma, beta):
        mu = Z.mean(axis=(0, 2, 3), keepdims=True)
        var = ((Z - mu) ** 2).mean(axis=(0, 2, 3), keepdims=True)
        return gamma[None, :, None, None] * (Z - mu) / np.sqrt(var + 1e-5) + beta[None, :, None, None]

    h = np.maximum(bn(conv2d_forward(X, p["W1"], p["b1"], stride=stride, padding=1), p["gamma1"], p["beta1"]), 0)
    h = bn(conv2d_forward(h, p["W2"], p["b2"], stride=1, padding=1), p["gamma2"], p["beta2"])
    shortcut = conv2d_forward(X, p["W3"], p["b3"], stride=stride, padding=0) if "W3" in p else X
    return np.maximum(h + shortcut, 0)


@pytest.fixture
def rng():
    return np.random.default_rng(712)


@pytest.mark.parametrize("x_shape, c_out, projection, stride, out_shape", [
    ((2, 3, 6, 6), 3, False, 1, (2, 3, 6, 6)),       # identity shortcut
    ((2, 2, 8, 8), 4, True, 2, (2, 4, 4, 4)),        # projection: channels and size change
    ((3, 3, 5, 5), 5, True, 1, (3, 5, 5, 5)),        # projection: channels only
    ((2, 2, 7, 5), 3, True, 2, (2, 3, 4, 3)),        # odd sizes round up: (7 + 2 − 3)//2 + 1 = 4
    ((1, 2, 4, 4), 2, False, 1, (1, 2, 4, 4)),       # a batch of one image
])
def test_block_equals_the_explicit_composition(rng, x_shape, c_out, projection, stride, out_shape):
    X = rng.standard_normal(x_shape)
    p = make_params(rng, x_shape[1], c_out, projection)
    out = residual_block(X, p, stride=stride)
    assert out.shape == out_shape
    np.testing.assert_allclose(out, by_hand(X, p, stride), rtol=1e-12, atol=1e-12)
    assert (out >= 0).all() and (out == 0).any() and (out > 0).any()  # the final ReLU, after the addition


def test_identity_shortcut_adds_x_itself(rng):
    X = rng.standard_normal((2, 3, 5, 5))
    p = make_params(rng, 3, 3, False)
    # with gamma2 = 0 and beta2 = 0 the residual branch is exactly 0: the block is relu(X)
    p["gamma2"], p["beta2"] = np.zeros(3), np.zeros(3)
    np.testing.assert_array_equal(residual_block(X, p), np.maximum(X, 0))


def test_projection_shortcut_is_a_strided_1x1_convolution(rng):
    X = rng.standard_normal((2, 2, 6, 6))
    p = make_params(rng, 2, 4, True)
    p["gamma2"], p["beta2"] = np.zeros(4), np.zeros(4)
    # a 1×1 convolution with stride 2 keeps every other pixel and mixes channels by W3
    expected = np.einsum("oc,nchw->nohw", p["W3"][:, :, 0, 0], X[:, :, ::2, ::2]) + p["b3"][None, :, None, None]
    np.testing.assert_allclose(residual_block(X, p, stride=2), np.maximum(expected, 0), rtol=1e-12, atol=1e-12)


def test_batch_norm_runs_in_training_mode_so_conv_biases_cancel(rng):
    X = rng.standard_normal((2, 3, 4, 4))
    p = make_params(rng, 3, 3, False)
    out = residual_block(X, p)
    # training-mode BN subtracts each channel's batch mean, so a per-channel bias before it has no effect;
    # with the moving statistics (eval mode) it would shift the output
    shifted = {**p, "b1": p["b1"] + 10.0, "b2": p["b2"] - 7.0}
    np.testing.assert_allclose(residual_block(X, shifted), out, rtol=1e-9, atol=1e-9)
    Z = conv2d_forward(X, p["W1"], p["b1"], padding=1)
    eval_out = batch_norm(Z, p["gamma1"], p["beta1"], np.zeros(3), np.ones(3), train=False)[0]
    eval_shifted = batch_norm(Z + 10.0, p["gamma1"], p["beta1"], np.zeros(3), np.ones(3), train=False)[0]
    assert not np.allclose(eval_out, eval_shifted)


def test_inputs_are_not_modified(rng):
    X = rng.standard_normal((2, 2, 6, 6))
    p = make_params(rng, 2, 3, True)
    copies = {k: v.copy() for k, v in p.items()}
    X0 = X.copy()
    residual_block(X, p, stride=2)
    np.testing.assert_array_equal(X, X0)
    for k in p:
        np.testing.assert_array_equal(p[k], copies[k])


@pytest.mark.parametrize("x_shape, c_out, projection, stride", [
    ((2, 2, 4, 4), 2, False, 1), ((2, 2, 6, 6), 3, True, 2), ((2, 3, 5, 3), 3, True, 1)])
def test_the_backward_matches_central_differences(rng, x_shape, c_out, projection, stride):
    from studykit.grading.gradcheck import numerical_gradient_array, rel_error
    from studykit.reference.resnet import residual_block_backward

    X = rng.standard_normal(x_shape)
    p = make_params(rng, x_shape[1], c_out, projection)
    dout = rng.standard_normal(residual_block(X, p, stride).shape)
    dX, grads = residual_block_backward(dout, X, p, stride)
    assert set(grads) == set(p)
    assert rel_error(dX, numerical_gradient_array(lambda v: residual_block(v, p, stride), X.copy(), dout)) < 1e-6
    for key in p:
        numeric = numerical_gradient_array(lambda v, key=key: residual_block(X, {**p, key: v}, stride), p[key].copy(),
                                           dout)
        if key in ("b1", "b2"):  # before training-mode BN: no effect on the output, gradient 0 up to rounding
            assert np.abs(grads[key]).max() < 1e-10 and np.abs(numeric).max() < 1e-6
        else:
            assert rel_error(grads[key], numeric) < 1e-6, key
