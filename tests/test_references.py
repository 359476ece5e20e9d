"""Every reference solution against central finite differences and closed forms."""

from __future__ import annotations

import numpy as np
import pytest

from studykit.grading.gradcheck import numerical_gradient, numerical_gradient_array, rel_error
from studykit.reference import activations, linear, mlp, softmax


@pytest.fixture
def rng():
    return np.random.default_rng(2026)


def test_linear_grad_matches_finite_differences(rng):
    X, y, w, b = rng.standard_normal((7, 3)), rng.standard_normal(7), rng.standard_normal(3), 0.3
    dw, db = linear.linear_grad(X, y, w, b)
    def loss(w_, b_):
        return linear.squared_loss(linear.linear_forward(X, w_, b_), y)
    assert rel_error(dw, numerical_gradient(lambda v: loss(v, b), w.copy())) < 1e-8
    assert rel_error(db, numerical_gradient(lambda v: loss(w, v[0]), np.array([b]))) < 1e-8
    # closed form: the normal equations' gradient vanishes at the least-squares solution
    A = np.c_[X, np.ones(7)]
    theta = np.linalg.lstsq(A, y, rcond=None)[0]
    dw0, db0 = linear.linear_grad(X, y, theta[:3], theta[3])
    assert np.allclose(dw0, 0, atol=1e-12) and abs(db0) < 1e-12


def test_softmax_is_a_stable_distribution(rng):
    Z = rng.standard_normal((4, 5)) * 3
    P = softmax.softmax(Z)
    assert np.allclose(P.sum(axis=1), 1) and (P > 0).all()
    assert np.allclose(softmax.softmax(Z + 1e4), P)  # shift invariance, no overflow
    with np.errstate(over="raise", invalid="raise"):
        assert np.allclose(softmax.softmax(np.array([[1e4, -1e4, -np.inf]])), [[1, 0, 0]])
    assert np.allclose(softmax.softmax(Z, axis=0).sum(axis=0), 1)


def test_softmax_cross_entropy_gradient_matches_finite_differences(rng):
    Z, y = rng.standard_normal((6, 4)), rng.integers(0, 4, 6)
    loss, dZ = softmax.softmax_cross_entropy(Z, y)
    numeric = numerical_gradient(lambda v: softmax.softmax_cross_entropy(v, y)[0], Z.copy())
    assert rel_error(dZ, numeric) < 1e-7
    # closed form: mean of −log p_true
    P = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    assert np.isclose(loss, -np.mean(np.log(P[np.arange(6), y])))
    big_loss, big_dZ = softmax.softmax_cross_entropy(np.array([[1e4, -1e4]]), np.array([1]))
    assert np.isclose(big_loss, 2e4) and np.allclose(big_dZ, [[1, -1]])


@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh"])
def test_activation_derivatives_match_finite_differences(rng, name):
    x = rng.standard_normal(20) * 3
    x = x[np.abs(x) > 1e-3]
    forward, grad = getattr(activations, name), getattr(activations, f"{name}_grad")
    numeric = numerical_gradient_array(forward, x.copy(), np.ones_like(x))
    # 1e-6, not tighter: where the derivative is ~1e-5 (tanh at |x| ≈ 6) central differences lose digits
    assert rel_error(grad(x), numeric) < 1e-6


def test_sigmoid_is_stable_and_exact_at_the_extremes():
    with np.errstate(over="raise"):
        s = activations.sigmoid(np.array([-1e4, 0.0, 1e4]))
    assert np.array_equal(s, [0.0, 0.5, 1.0])
    assert activations.relu_grad(np.array([0.0]))[0] == 0


def test_mlp_backprop_matches_finite_differences(rng):
    X, y = rng.standard_normal((5, 4)), rng.integers(0, 3, 5)
    params = [rng.standard_normal((4, 6)), rng.standard_normal(6), rng.standard_normal((6, 3)), rng.standard_normal(3)]
    loss, grads = mlp.mlp_backprop(X, y, *params)
    for index, key in enumerate(("W1", "b1", "W2", "b2")):
        def f(v, index=index):
            trial = list(params)
            trial[index] = v
            return mlp.mlp_backprop(X, y, *trial)[0]
        assert rel_error(grads[key], numerical_gradient(f, params[index].copy())) < 1e-6, key
    # δ¹ is the gradient with respect to the hidden pre-activation Z1
    Z1 = X @ params[0] + params[1]
    def via_z1(z1):
        from studykit.reference.softmax import softmax_cross_entropy
        return softmax_cross_entropy(np.maximum(z1, 0) @ params[2] + params[3], y)[0]
    assert rel_error(grads["delta1"], numerical_gradient(via_z1, Z1.copy())) < 1e-6


def test_max_pool_backward_matches_finite_differences(rng):
    from studykit.reference.pooling import max_pool2d, max_pool2d_backward

    X = rng.permutation(2 * 3 * 7 * 6).reshape(2, 3, 7, 6) / 10.0  # no ties
    for size, stride in ((2, 2), (3, 2), (2, 1)):
        out = max_pool2d(X, size, stride)
        assert out.shape == (2, 3, (7 - size) // stride + 1, (6 - size) // stride + 1)
        dout = rng.standard_normal(out.shape)
        # piecewise linear and inputs 0.1 apart: a larger step is exact and avoids roundoff
        numeric = numerical_gradient_array(lambda v: max_pool2d(v, size, stride), X.copy(), dout, h=1e-4)  # noqa: B023 (called in this iteration)
        assert rel_error(max_pool2d_backward(dout, X, size, stride), numeric) < 1e-7


@pytest.mark.parametrize("shape", [(6, 4), (3, 2, 4, 5)])
def test_batch_norm_forward_and_backward(rng, shape):
    from studykit.reference.batchnorm import batch_norm, batch_norm_backward

    X = rng.standard_normal(shape) * 3 + 2
    c = shape[1]
    gamma, beta = rng.uniform(0.5, 1.5, c), rng.standard_normal(c)
    mm, mv = rng.standard_normal(c), rng.uniform(0.5, 2, c)
    Y, nm, nv = batch_norm(X, np.ones(c), np.zeros(c), mm, mv, True)
    axes = (0,) if len(shape) == 2 else (0, 2, 3)
    assert np.allclose(Y.mean(axis=axes), 0, atol=1e-12) and np.allclose(Y.var(axis=axes), 1, atol=1e-4)
    assert np.allclose(nm, 0.9 * mm + 0.1 * X.mean(axis=axes)) and np.allclose(nv, 0.9 * mv + 0.1 * X.var(axis=axes))
    Ye, em, ev = batch_norm(X, gamma, beta, mm, mv, False)
    assert em is mm and ev is mv
    dY = rng.standard_normal(shape)
    dX, dgamma, dbeta = batch_norm_backward(dY, X, gamma)
    def f(v):
        return batch_norm(v, gamma, beta, mm, mv, True)[0]
    assert rel_error(dX, numerical_gradient_array(f, X.copy(), dY)) < 1e-5  # CS231n: < 1e-5 is fine for BN
    assert rel_error(dgamma, numerical_gradient_array(lambda g: batch_norm(X, g, beta, mm, mv, True)[0], gamma.copy(),
                                                      dY)) < 1e-7
    assert rel_error(dbeta, numerical_gradient_array(lambda b: batch_norm(X, gamma, b, mm, mv, True)[0], beta.copy(),
                                                     dY)) < 1e-7


def test_dropout_is_inverted_and_backward_is_its_linear_map(rng):
    from studykit.reference.dropout import dropout_backward, dropout_forward

    X = np.ones((300, 300))
    out, mask = dropout_forward(X, 0.3, rng=rng)
    assert abs(np.mean(out == 0) - 0.3) < 0.01 and np.allclose(out[mask], 1 / 0.7) and abs(out.mean() - 1) < 0.02
    assert dropout_forward(X, 0.3, train=False) == (X, None)
    assert not dropout_forward(X, 1.0, rng=rng)[0].any()
    dout = rng.standard_normal(X.shape)
    assert np.allclose(dropout_backward(dout, mask, 0.3), dout * out, rtol=1e-15)  # X is ones: Jacobian diag is out


def test_residual_block_is_the_composition_of_the_other_references(rng):
    from studykit.reference.activations import relu
    from studykit.reference.batchnorm import batch_norm
    from studykit.reference.conv import conv2d_forward
    from studykit.reference.resnet import residual_block

    X = rng.standard_normal((2, 3, 6, 6))
    p = {"W1": rng.standard_normal((4, 3, 3, 3)), "b1": rng.standard_normal(4), "gamma1": np.ones(4) * 1.5,
         "beta1": rng.standard_normal(4), "W2": rng.standard_normal((4, 4, 3, 3)), "b2": rng.standard_normal(4),
         "gamma2": np.ones(4) * 0.5, "beta2": rng.standard_normal(4), "W3": rng.standard_normal((4, 3, 1, 1)),
         "b3": rng.standard_normal(4)}
    def bn(Z, g, b):
        return batch_norm(Z, g, b, np.zeros(4), np.ones(4), True)[0]
    h = relu(bn(conv2d_forward(X, p["W1"], p["b1"], 2, 1), p["gamma1"], p["beta1"]))
    h = bn(conv2d_forward(h, p["W2"], p["b2"], 1, 1), p["gamma2"], p["beta2"])
    expected = relu(h + conv2d_forward(X, p["W3"], p["b3"], 2, 0))
    out = residual_block(X, p, stride=2)
    assert out.shape == (2, 4, 3, 3) and np.allclose(out, expected)
    identity = {k: v for k, v in p.items() if k not in ("W3", "b3")}
    identity["W1"], identity["W2"] = rng.standard_normal((3, 3, 3, 3)), rng.standard_normal((3, 3, 3, 3))
    identity["gamma1"] = identity["gamma2"] = identity["beta1"] = identity["beta2"] = np.zeros(3)
    identity["b1"] = identity["b2"] = np.zeros(3)
    assert np.allclose(residual_block(X, identity), relu(X))  # F(x) = 0 → relu(x)
