"""The reference activations and their derivatives (ex04) against central finite differences and
closed forms on random inputs, and their stability for |x| up to 1e4."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from studykit.grading.gradcheck import numerical_gradient_array, rel_error
from studykit.reference import activations as act


@pytest.fixture
def rng():
    return np.random.default_rng(424242)


@pytest.mark.parametrize("name", ["relu", "sigmoid", "tanh"])
@pytest.mark.parametrize("shape", [(9,), (3, 4), (2, 2, 3)])
def test_each_derivative_matches_central_finite_differences(rng, name, shape):
    x = rng.standard_normal(shape) * 2
    x[np.abs(x) < 1e-3] = 0.5  # relu has a kink at 0: keep the differences away from it
    forward, grad = getattr(act, name), getattr(act, f"{name}_grad")
    numeric = numerical_gradient_array(forward, x.copy(), np.ones_like(x))
    assert grad(x).shape == x.shape
    assert rel_error(grad(x), numeric) < 1e-7  # CS231n: < 1e-7 is a correct gradient


def test_closed_forms_on_moderate_inputs(rng):
    x = rng.uniform(-8, 8, size=50)
    assert np.array_equal(act.relu(x), np.where(x > 0, x, 0.0))
    assert np.allclose(act.sigmoid(x), 1 / (1 + np.exp(-x)), rtol=1e-14)
    assert np.allclose(act.sigmoid_grad(x), np.exp(-x) / (1 + np.exp(-x)) ** 2, rtol=1e-12)
    assert np.allclose(act.tanh(x), (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x)), rtol=1e-12, atol=1e-15)
    assert np.allclose(act.tanh_grad(x), (2 / (np.exp(x) + np.exp(-x))) ** 2, rtol=1e-10, atol=1e-15)  # sech²
    assert np.allclose(act.tanh(x), 2 * act.sigmoid(2 * x) - 1, atol=1e-15)
    assert np.allclose(act.sigmoid(-x), 1 - act.sigmoid(x), atol=1e-15)


def test_relu_grad_is_an_indicator_with_zero_at_zero():
    x = np.array([-2.0, -0.0, 0.0, 1e-300, 3.0])
    assert np.array_equal(act.relu_grad(x), [0.0, 0.0, 0.0, 1.0, 1.0])
    assert act.sigmoid_grad(np.array([0.0]))[0] == 0.25 and act.tanh_grad(np.array([0.0]))[0] == 1.0


def test_no_overflow_warning_and_exact_limits_for_huge_inputs():
    x = np.array([-1e4, -800.0, -40.0, 0.0, 40.0, 800.0, 1e4])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"):
            s, ds = act.sigmoid(x), act.sigmoid_grad(x)
            t, dt = act.tanh(x), act.tanh_grad(x)
    assert s[0] == 0.0 and s[-1] == 1.0 and s[3] == 0.5
    assert np.all(np.isfinite(ds)) and ds[0] == 0.0 and ds[-1] == 0.0
    assert np.array_equal(t[[0, -1]], [-1.0, 1.0]) and np.array_equal(dt[[0, -1]], [0.0, 0.0])
    assert s[2] == pytest.approx(np.exp(-40.0), rel=1e-12)  # the small side keeps its relative precision


def test_shapes_dtypes_and_inputs_are_preserved(rng):
    x = rng.standard_normal((3, 5)).astype(np.float32)
    before = x.copy()
    for name in ("relu", "relu_grad", "sigmoid", "sigmoid_grad", "tanh", "tanh_grad"):
        out = getattr(act, name)(x)
        assert out.shape == x.shape and out.dtype == np.float32, name
    assert np.array_equal(x, before)
