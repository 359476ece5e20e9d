"""The reference cross-correlation and convolution layer (ex08, ex09) against naive loops and finite differences."""

from __future__ import annotations

import numpy as np
import pytest

from studykit.grading.gradcheck import numerical_gradient_array, rel_error
from studykit.reference.conv import conv2d_backward, conv2d_flipped, conv2d_forward, corr2d, output_size


def naive_corr2d(X, K):
    kh, kw = K.shape
    out = np.zeros((X.shape[0] - kh + 1, X.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(X[i:i + kh, j:j + kw] * K)
    return out


def naive_conv2d(X, W, b, stride, padding):
    n, c_in, h, w = X.shape
    c_out, _, kh, kw = W.shape
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    ho, wo = (h + 2 * padding - kh) // stride + 1, (w + 2 * padding - kw) // stride + 1
    out = np.zeros((n, c_out, ho, wo))
    for s in range(n):
        for o in range(c_out):
            for i in range(ho):
                for j in range(wo):
                    window = Xp[s, :, i * stride:i * stride + kh, j * stride:j * stride + kw]
                    out[s, o, i, j] = np.sum(window * W[o]) + b[o]
    return out


@pytest.fixture
def rng():
    return np.random.default_rng(509)


def test_corr2d_textbook_example():
    X = np.arange(9.0).reshape(3, 3)
    K = np.array([[0.0, 1.0], [2.0, 3.0]])
    assert np.array_equal(corr2d(X, K), [[19.0, 25.0], [37.0, 43.0]])  # d2l's worked example


@pytest.mark.parametrize("xs, ks", [((6, 8), (2, 3)), ((5, 5), (5, 1)), ((4, 4), (1, 1)), ((3, 7), (3, 7))])
def test_corr2d_and_flipped_match_loops(rng, xs, ks):
    X, K = rng.standard_normal(xs), rng.standard_normal(ks)
    assert np.allclose(corr2d(X, K), naive_corr2d(X, K))
    assert np.allclose(conv2d_flipped(X, K), naive_corr2d(X, K[::-1, ::-1]))


def test_true_convolution_is_commutative_cross_correlation_is_not(rng):
    # full convolution is commutative; in 'valid' mode with equal sizes the result is the same scalar
    X, K = rng.standard_normal((3, 3)), rng.standard_normal((3, 3))
    assert np.isclose(conv2d_flipped(X, K)[0, 0], conv2d_flipped(K, X)[0, 0])
    assert not np.allclose(corr2d(X, K[::-1, ::-1]), corr2d(X, K))


CONFIGS = [
    # n, c_in, c_out, h, w, kh, kw, stride, padding
    (2, 3, 4, 6, 5, 3, 3, 1, 0),
    (2, 3, 4, 6, 5, 3, 3, 1, 1),
    (2, 2, 3, 7, 9, 3, 2, 2, 1),
    (1, 2, 1, 8, 7, 3, 3, 3, 2),
    (1, 4, 4, 5, 5, 1, 1, 2, 0),
    (3, 1, 2, 4, 4, 4, 4, 1, 0),
]


@pytest.mark.parametrize("n, c_in, c_out, h, w, kh, kw, stride, padding", CONFIGS)
def test_forward_matches_loops(rng, n, c_in, c_out, h, w, kh, kw, stride, padding):
    X, W, b = rng.standard_normal((n, c_in, h, w)), rng.standard_normal((c_out, c_in, kh,
                                                                         kw)), rng.standard_normal(c_out)
    got = conv2d_forward(X, W, b, stride, padding)
    assert got.shape == (n, c_out, output_size(h, kh, stride, padding), output_size(w, kw, stride, padding))
    assert np.allclose(got, naive_conv2d(X, W, b, stride, padding))


@pytest.mark.parametrize("n, c_in, c_out, h, w, kh, kw, stride, padding", CONFIGS)
def test_backward_matches_finite_differences(rng, n, c_in, c_out, h, w, kh, kw, stride, padding):
    X, W, b = rng.standard_normal((n, c_in, h, w)), rng.standard_normal((c_out, c_in, kh,
                                                                         kw)), rng.standard_normal(c_out)
    dout = rng.standard_normal(conv2d_forward(X, W, b, stride, padding).shape)
    X0, W0, b0 = X.copy(), W.copy(), b.copy()
    dX, dW, db = conv2d_backward(dout, X, W, b, stride, padding)
    assert np.array_equal(X, X0) and np.array_equal(W, W0) and np.array_equal(b, b0)  # inputs not mutated
    assert dX.shape == X.shape and dW.shape == W.shape and db.shape == b.shape
    assert rel_error(dX, numerical_gradient_array(lambda v: conv2d_forward(v, W, b, stride, padding), X.copy(),
                                                  dout)) < 1e-7
    assert rel_error(dW, numerical_gradient_array(lambda v: conv2d_forward(X, v, b, stride, padding), W.copy(),
                                                  dout)) < 1e-7
    assert rel_error(db, numerical_gradient_array(lambda v: conv2d_forward(X, W, v, stride, padding), b.copy(),
                                                  dout)) < 1e-7


def test_stride_that_leaves_unused_border(rng):
    # (7 − 2) / 2 is not whole: the last row and column are never read, and their gradient is zero
    X, W, b = rng.standard_normal((1, 1, 7, 7)), rng.standard_normal((1, 1, 2, 2)), np.zeros(1)
    dout = np.ones((1, 1, 3, 3))
    dX, _, _ = conv2d_backward(dout, X, W, b, 2, 0)
    assert np.all(dX[0, 0, 6, :] == 0) and np.all(dX[0, 0, :, 6] == 0)
    assert np.allclose(dX, numerical_gradient_array(lambda v: conv2d_forward(v, W, b, 2, 0), X.copy(), dout))


def test_float32_stays_float32(rng):
    X, W, b = (rng.standard_normal(s).astype(np.float32) for s in ((1, 2, 5, 5), (3, 2, 3, 3), (3,)))
    out = conv2d_forward(X, W, b, 1, 1)
    assert out.dtype == np.float32
    assert all(g.dtype == np.float32 for g in conv2d_backward(np.ones_like(out), X, W, b, 1, 1))


def test_no_python_loop_over_pixels(rng):
    """Counted, not timed: the Python lines the reference runs do not grow with the image (its speed is bench/'s)."""
    import sys

    def lines_run(size: int) -> int:
        X, W, b = rng.standard_normal((2, 3, size, size)), rng.standard_normal((4, 3, 3, 3)), rng.standard_normal(4)
        count = [0]

        def tracer(frame, event, arg):
            if event == "line":
                count[0] += 1
            return tracer

        sys.settrace(tracer)
        try:
            out = conv2d_forward(X, W, b, 1, 1)
            conv2d_backward(np.ones_like(out), X, W, b, 1, 1)
        finally:
            sys.settrace(None)
        return count[0]

    assert lines_run(32) == lines_run(8)
