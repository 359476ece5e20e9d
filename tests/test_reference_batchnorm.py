"""The reference batch norm (ex11): forward properties, both layouts, moving averages, and the compact
backward formula against central finite differences of the forward."""

from __future__ import annotations

import numpy as np
import pytest

from studykit.grading.gradcheck import numerical_gradient_array, rel_error
from studykit.reference.batchnorm import batch_norm, batch_norm_backward

LAYOUTS = {"(N, D)": ((6, 4), (0,), (1, -1)), "(N, C, H, W)": ((3, 2, 4, 5), (0, 2, 3), (1, -1, 1, 1))}


def problem(rng, shape):
    c = shape[1]
    return (rng.standard_normal(shape) * 3 + 2, rng.uniform(0.5, 1.5, c), rng.standard_normal(c),
            rng.standard_normal(c), rng.uniform(0.5, 2.0, c))


@pytest.fixture
def rng():
    return np.random.default_rng(611)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_training_output_has_beta_mean_and_gamma_std_per_feature_or_channel(rng, layout):
    shape, axes, _ = LAYOUTS[layout]
    X, gamma, beta, mm, mv = problem(rng, shape)
    Y, _, _ = batch_norm(X, gamma, beta, mm, mv, train=True)
    assert Y.shape == X.shape
    np.testing.assert_allclose(Y.mean(axis=axes), beta, atol=1e-12)
    # biased std of Y is gamma·σ/sqrt(σ² + eps): gamma up to the eps correction
    sigma2 = X.var(axis=axes)
    np.testing.assert_allclose(Y.std(axis=axes), gamma * np.sqrt(sigma2 / (sigma2 + 1e-5)), rtol=1e-12)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_training_matches_an_explicit_per_channel_loop_and_updates_with_momentum_on_the_old_value(rng, layout):
    shape, _, _ = LAYOUTS[layout]
    X, gamma, beta, mm, mv = problem(rng, shape)
    Y, new_mean, new_var = batch_norm(X, gamma, beta, mm, mv, train=True, momentum=0.8)
    for c in range(shape[1]):
        values = X[:, c].ravel()
        mu = values.sum() / values.size
        var = ((values - mu) ** 2).sum() / values.size  # biased
        np.testing.assert_allclose(Y[:, c], gamma[c] * (X[:, c] - mu) / np.sqrt(var + 1e-5) + beta[c], rtol=1e-12)
        assert new_mean[c] == pytest.approx(0.8 * mm[c] + 0.2 * mu, rel=1e-12)
        assert new_var[c] == pytest.approx(0.8 * mv[c] + 0.2 * var, rel=1e-12)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_evaluation_uses_and_returns_the_moving_statistics(rng, layout):
    shape, _, bshape = LAYOUTS[layout]
    X, gamma, beta, mm, mv = problem(rng, shape)
    Y, new_mean, new_var = batch_norm(X, gamma, beta, mm, mv, train=False)
    expected = gamma.reshape(bshape) * (X - mm.reshape(bshape)) / np.sqrt(mv.reshape(bshape) + 1e-5) + beta.reshape(bshape)
    np.testing.assert_allclose(Y, expected, rtol=1e-12)
    np.testing.assert_array_equal(new_mean, mm)
    np.testing.assert_array_equal(new_var, mv)


def test_inputs_are_not_modified(rng):
    args = problem(rng, (3, 2, 4, 5))
    copies = [a.copy() for a in args]
    batch_norm(*args, train=True)
    batch_norm_backward(rng.standard_normal(args[0].shape), args[0], args[1])
    for before, after in zip(copies, args, strict=False):
        np.testing.assert_array_equal(before, after)


def test_repeated_training_steps_converge_to_the_population_statistics(rng):
    mm, mv = np.zeros(3), np.ones(3)
    for _ in range(200):
        X = rng.standard_normal((64, 3)) * np.array([1.0, 2.0, 0.5]) + np.array([3.0, -1.0, 0.0])
        _, mm, mv = batch_norm(X, np.ones(3), np.zeros(3), mm, mv, train=True)
    np.testing.assert_allclose(mm, [3.0, -1.0, 0.0], atol=0.15)
    np.testing.assert_allclose(mv, [1.0, 4.0, 0.25], rtol=0.15)


def test_a_batch_of_one_example_gives_beta_and_a_zero_gradient(rng):
    X, gamma, beta, mm, mv = problem(rng, (1, 5))
    Y, new_mean, new_var = batch_norm(X, gamma, beta, mm, mv, train=True)
    np.testing.assert_array_equal(Y[0], beta)  # x − μ = 0 exactly, and eps keeps 0/sqrt(0 + eps) finite
    np.testing.assert_allclose(new_var, 0.9 * mv)
    dX, dgamma, dbeta = batch_norm_backward(rng.standard_normal((1, 5)), X, gamma)
    np.testing.assert_array_equal(dX, 0)
    np.testing.assert_array_equal(dgamma, 0)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_backward_matches_central_finite_differences(rng, layout):
    shape, _, _ = LAYOUTS[layout]
    X, gamma, beta, mm, mv = problem(rng, shape)
    dY = rng.standard_normal(shape)
    dX, dgamma, dbeta = batch_norm_backward(dY, X, gamma)
    num_dX = numerical_gradient_array(lambda v: batch_norm(v, gamma, beta, mm, mv, True)[0], X.copy(), dY)
    num_dg = numerical_gradient_array(lambda v: batch_norm(X, v, beta, mm, mv, True)[0], gamma.copy(), dY)
    num_db = numerical_gradient_array(lambda v: batch_norm(X, gamma, v, mm, mv, True)[0], beta.copy(), dY)
    assert rel_error(dX, num_dX) < 1e-6
    assert rel_error(dgamma, num_dg) < 1e-7
    assert rel_error(dbeta, num_db) < 1e-7


def test_backward_dX_sums_to_zero_per_channel(rng):
    # Y does not change when a constant is added to one channel of X, so dX sums to 0 over (N, H, W)
    X, gamma, *_ = problem(rng, (2, 3, 3, 3))
    dX, _, _ = batch_norm_backward(rng.standard_normal(X.shape), X, gamma)
    np.testing.assert_allclose(dX.sum(axis=(0, 2, 3)), 0, atol=1e-12)


def test_other_layouts_are_refused():
    with pytest.raises(ValueError, match=r"\(N, D\) or \(N, C, H, W\)"):
        batch_norm(np.zeros((2, 3, 4)), np.ones(3), np.zeros(3), np.zeros(3), np.ones(3), True)
