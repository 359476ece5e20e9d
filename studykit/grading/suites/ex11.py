"""Checks for ex11, batch normalization: training and evaluation forward, moving averages, backward."""

from __future__ import annotations

import contextlib
import warnings

import numpy as np

from studykit.grading import checks
from studykit.grading.cases import CaseList
from studykit.grading.gradcheck import numerical_gradient_array
from studykit.reference.batchnorm import batch_norm as ref, batch_norm_backward as ref_backward

cases = CaseList()

MOMENTUM_CLASH = ("your answer matches the other convention: momentum weighting the NEW batch, "
                  "moving = (1 − momentum) · moving + momentum · batch (PyTorch's nn.BatchNorm, momentum = 0.1). "
                  "Here, as in d2l's batch_norm (momentum = 0.9), momentum weights the OLD value: "
                  "moving = momentum · moving + (1 − momentum) · batch.")


def _problem(rng, shape):
    c = shape[1]
    return (rng.standard_normal(shape) * 2 + 1, rng.uniform(0.5, 1.5, c), rng.standard_normal(c),
            rng.standard_normal(c) * 0.1, rng.uniform(0.5, 1.5, c))


def _unbiased_var(X, axes, keepdims=False):
    # the ddof=1 mistake, formed quietly: for one value per feature numpy warns and gives nan, as the learner's does
    with warnings.catch_warnings(), np.errstate(divide="ignore", invalid="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        return X.var(axis=axes, ddof=1, keepdims=keepdims)


def _axes(X):
    return (0,) if X.ndim == 2 else (0, 2, 3)


@contextlib.contextmanager
def _named_broadcast_error(name, X, train=None):
    """numpy refusing to broadcast a (C,) vector against (N, C, H, W) is the classic layout bug: say why."""
    try:
        yield
    except ValueError as exc:
        if "broadcast" not in str(exc):
            raise
        mode = "" if train is None else f", train={train}"
        layout = ("(1, D)" if X.ndim == 2 else "(1, C, 1, 1)")
        raise checks.CheckFailed(
            f"{name} raised “ValueError: {str(exc).strip()}” for X of shape {X.shape}{mode}.",
            f"statistics, gamma and beta have one value per {'feature' if X.ndim == 2 else 'channel'}: reshape them "
            f"to {layout} (or keep the reduced axes with keepdims=True) so they broadcast against X; for images "
            f"the statistics are taken over axes (0, 2, 3).") from None


def _in_place_advice(X, gamma, beta, mm, mv):
    return ("batch norm returns the new moving statistics instead of updating them in place: compute "
            "`new_moving_mean = momentum * moving_mean + (1 - momentum) * mean` as a new array (likewise the variance) "
            "and return it; `moving_mean *= momentum`, `moving_mean += …` or `moving_mean[:] = …` change the "
            "caller's array.")


def _call(sol, X, gamma, beta, mm, mv, train, eps=None, momentum=None, keywords=False):
    """The learner's batch_norm: positionally (eps and momentum too when given), or with keywords."""
    func = checks.need_as_starter(sol, "batch_norm", "ex11")
    moving = _in_place_advice(X, gamma, beta, mm, mv)
    advice = {"moving_mean": moving, "moving_var": moving}  # only when a moving statistic is what changed
    with (checks.unchanged("batch_norm", advice, X=X, gamma=gamma, beta=beta, moving_mean=mm, moving_var=mv),
          _named_broadcast_error("batch_norm", X, train)):
        extra = {k: v for k, v in (("eps", eps), ("momentum", momentum)) if v is not None}
        if keywords:
            out = func(X=X, gamma=gamma, beta=beta, moving_mean=mm, moving_var=mv, train=train, **extra)
        elif momentum is not None:
            out = func(X, gamma, beta, mm, mv, train, 1e-5 if eps is None else eps, momentum)
        else:
            out = func(X, gamma, beta, mm, mv, train, *extra.values())
    if not (isinstance(out, tuple) and len(out) == 3):
        raise checks.CheckFailed("batch_norm must return a triple (Y, new_moving_mean, new_moving_var).")
    return tuple(checks.as_array(n, v) for n, v in zip(("Y", "new_moving_mean", "new_moving_var"), out, strict=False))


def _shape(X):
    return (1, -1) if X.ndim == 2 else (1, -1, 1, 1)


def _check_train(sol, X, gamma, beta, mm, mv, eps=None, momentum=None, keywords=False):
    Y, nm, nv = _call(sol, X, gamma, beta, mm, mv, True, eps, momentum, keywords)
    e, mo = (1e-5 if eps is None else eps), (0.9 if momentum is None else momentum)
    eY, enm, env = ref(X, gamma, beta, mm, mv, True, e, mo)
    axes, shape = _axes(X), _shape(X)

    def normalized(var):
        return gamma.reshape(shape) * (X - X.mean(axis=axes, keepdims=True)) / np.sqrt(var + e) + beta.reshape(shape)

    fixed_eps = f"use the eps you are given (eps = {e:g} here), not a fixed 1e-5."
    checks.check_close("Y", Y, eY, rtol=1e-6, atol=1e-9, variants={
        fixed_eps: lambda: ref(X, gamma, beta, mm, mv, True)[0],
        "use the biased batch variance (divide by m, np.var's default ddof=0), not the unbiased one (ddof=1).":
            lambda: normalized(_unbiased_var(X, axes, keepdims=True)),
        "training mode normalizes with the BATCH mean and variance, not the moving statistics.":
            lambda: ref(X, gamma, beta, mm, mv, False, e, mo)[0],
        "normalize per channel over (N, H, W) — axes (0, 2, 3) — not over axis 0 alone.":
            lambda: (gamma.reshape(shape) * (X - X.mean(axis=0)) / np.sqrt(X.var(axis=0) + e) + beta.reshape(shape))
            if X.ndim == 4 else None,
        "normalize each feature over the batch (axis 0), not each example over its features.":
            lambda: gamma * (X - X.mean(axis=1, keepdims=True)) / np.sqrt(X.var(axis=1, keepdims=True) + e) + beta
            if X.ndim == 2 else None,
    })
    mean, var = X.mean(axis=axes), X.var(axis=axes)
    fixed_momentum = f"use the momentum you are given (momentum = {mo:g} here), not a fixed 0.9."
    checks.check_close("new_moving_mean", nm, enm, rtol=1e-9, variants={
        MOMENTUM_CLASH: lambda: (1 - mo) * mm + mo * mean,
        fixed_momentum: lambda: 0.9 * mm + 0.1 * mean,
    })
    checks.check_close("new_moving_var", nv, env, rtol=1e-9, variants={
        MOMENTUM_CLASH: lambda: (1 - mo) * mv + mo * var,
        fixed_momentum: lambda: 0.9 * mv + 0.1 * var,
        "update the moving variance with the same biased batch variance you normalized with.":
            lambda: mo * mv + (1 - mo) * _unbiased_var(X, axes),
    })


@cases("fixed: X = [[1, 2], [3, 6]] — means [2, 4], biased variances [1, 4]", part="forward")
def _(sol, rng):
    # small enough to check by hand: x̂ = ±1/sqrt(var + eps) ≈ ±1, Y = γ·x̂ + β
    _check_train(sol, np.array([[1.0, 2.0], [3.0, 6.0]]), np.array([1.0, 2.0]), np.array([0.0, 1.0]),
                 np.array([0.0, 0.0]), np.array([1.0, 1.0]))


@cases("train (N, D): output and moving averages", part="forward", kind="random")
def _(sol, rng):
    _check_train(sol, *_problem(rng, (8, 5)))


@cases("train (N, C, H, W): per channel", part="forward", kind="random")
def _(sol, rng):
    _check_train(sol, *_problem(rng, (4, 3, 5, 6)))


@cases("train: a batch of one image still has H·W values per channel", part="forward", kind="edge")
def _(sol, rng):
    _check_train(sol, *_problem(rng, (1, 2, 4, 3)))


@cases("train: a batch of one example (N = 1, D) has zero variance, so Y = beta", part="forward", kind="edge")
def _(sol, rng):
    # one value per feature: x − μ = 0 and the biased variance is 0, so x̂ = 0 and Y = β exactly
    # (eps keeps the division finite); the unbiased variance would divide by m − 1 = 0.
    _check_train(sol, *_problem(rng, (1, 4)))


def _check_eval(sol, X, gamma, beta, mm, mv, eps=None, keywords=False):
    Y, nm, nv = _call(sol, X, gamma, beta, mm, mv, False, eps, None, keywords)
    e = 1e-5 if eps is None else eps
    eY = ref(X, gamma, beta, mm, mv, False, e)[0]
    checks.check_close("Y (eval)", Y, eY, rtol=1e-7, variants={
        "evaluation mode must use the moving statistics, not the batch's — at inference a batch may be one "
        "example.": lambda: ref(X, gamma, beta, mm, mv, True, e)[0],
        f"use the eps you are given (eps = {e:g} here) at evaluation too, not a fixed 1e-5.":
            lambda: ref(X, gamma, beta, mm, mv, False)[0],
    })
    axes = _axes(X)
    updated = ("evaluation does not update the moving statistics: you updated them with this batch; return them as "
               "they are.")
    checks.check_close("new_moving_mean (eval)", nm, mm, rtol=0, atol=0, variants={
        updated: lambda: 0.9 * mm + 0.1 * X.mean(axis=axes), updated + " ": lambda: 0.1 * mm + 0.9 * X.mean(axis=axes),
    })
    checks.check_close("new_moving_var (eval)", nv, mv, rtol=0, atol=0, variants={
        updated: lambda: 0.9 * mv + 0.1 * X.var(axis=axes), updated + " ": lambda: 0.1 * mv + 0.9 * X.var(axis=axes),
    })


@cases("train with eps = 0.1 and momentum = 0.7, positionally and by keyword", part="forward", kind="random")
def _(sol, rng):
    X, gamma, beta, mm, mv = _problem(rng, (6, 3))
    X = X * 0.3
    _check_train(sol, X, gamma, beta, mm, mv, eps=0.1, momentum=0.7)
    X, gamma, beta, mm, mv = _problem(rng, (2, 3, 2, 3))
    _check_train(sol, X, gamma, beta, mm, mv, eps=0.05, momentum=0.6, keywords=True)


@cases("eval (N, D): uses the moving statistics and returns them unchanged", part="forward")
def _(sol, rng):
    _check_eval(sol, *_problem(rng, (6, 4)))


@cases("eval (N, C, H, W): moving statistics broadcast per channel", part="forward", kind="random")
def _(sol, rng):
    _check_eval(sol, *_problem(rng, (2, 3, 4, 5)))
    X, gamma, beta, mm, mv = _problem(rng, (3, 2, 2, 2))
    _check_eval(sol, X, gamma, beta, mm, mv * 0.05, eps=0.2, keywords=True)


def _check_backward(sol, X, gamma, rng, eps=None, keywords=False):
    dY = rng.standard_normal(X.shape)
    func = checks.need_as_starter(sol, "batch_norm_backward", "ex11")
    with checks.unchanged("batch_norm_backward", dY=dY, X=X, gamma=gamma), \
            _named_broadcast_error("batch_norm_backward", X):
        extra = () if eps is None else (eps,)
        out = (func(dY=dY, X=X, gamma=gamma, **({} if eps is None else {"eps": eps})) if keywords
               else func(dY, X, gamma, *extra))
    if not (isinstance(out, tuple) and len(out) == 3):
        raise checks.CheckFailed("batch_norm_backward must return a triple (dX, dgamma, dbeta).")
    dX, dgamma, dbeta = (checks.as_array(n, v) for n, v in zip(("dX", "dgamma", "dbeta"), out, strict=True))
    e = 1e-5 if eps is None else eps
    eX, eg, eb = ref_backward(dY, X, gamma, e)
    axes, shape = _axes(X), _shape(X)
    over = "axis 0 for (N, D), axes (0, 2, 3) for (N, C, H, W) — one value per feature / channel"
    inv_std = 1 / np.sqrt(X.var(axis=axes, keepdims=True) + e)
    x_hat = (X - X.mean(axis=axes, keepdims=True)) * inv_std
    axis0 = f"sum over the normalized axes — {over} — not over axis 0 alone."
    checks.check_shape("dbeta", dbeta, eb.shape, checks.match_variant(dbeta, {axis0: lambda: dY.sum(axis=0)})
                       or f"dβ has one value per feature / channel: shape {eb.shape}.")
    checks.check_close("dbeta", dbeta, eb, rtol=1e-7, variants={
        "dβ is the SUM of dY over the normalized axes (β is added to every one of them), not the mean.":
            lambda: dY.mean(axis=axes),
    })
    checks.check_shape("dgamma", dgamma, eg.shape,
                       checks.match_variant(dgamma, {axis0: lambda: (dY * x_hat).sum(axis=0)})
                       or f"dγ has one value per feature / channel: shape {eg.shape}.")
    checks.check_close("dgamma", dgamma, eg, rtol=1e-7, variants={
        "dγ = Σ dY · x̂ with x̂ the NORMALIZED input, not Σ dY · X.": lambda: (dY * X).sum(axis=axes),
        "dγ is the SUM of dY · x̂ over the normalized axes, not the mean.": lambda: (dY * x_hat).mean(axis=axes),
    })
    g = gamma.reshape(shape) * inv_std
    terms = {  # dX = γ/σ · (dY − mean(dY) − x̂ · mean(dY · x̂)): the three terms, for diagnose to name a missing one
        "−γ/σ · mean(dY) (the path through the batch mean)": -g * dY.mean(axis=axes, keepdims=True),
        "−γ/σ · x̂ · mean(dY · x̂) (the path through the batch variance)":
            -g * x_hat * (dY * x_hat).mean(axis=axes, keepdims=True),
    }
    checks.check_close("dX", dX, eX, rtol=1e-6, atol=1e-10, terms=terms, variants={
        "the batch mean and variance depend on X too: dX = γ/(m·σ) · (m·dY − Σ dY − x̂ · Σ(dY · x̂)), not just "
        "dY · γ/σ.": lambda: dY * g,
        f"use the eps you are given (eps = {e:g} here), not a fixed 1e-5.": lambda: ref_backward(dY, X, gamma)[0],
    })
    return dY, dX, dgamma, dbeta


@cases("backward (N, D)", part="backward")
def _(sol, rng):
    X, gamma, *_ = _problem(rng, (7, 4))
    _check_backward(sol, X, gamma, rng)


@cases("backward (N, C, H, W)", part="backward", kind="random")
def _(sol, rng):
    X, gamma, *_ = _problem(rng, (3, 2, 4, 5))
    _check_backward(sol, X, gamma, rng)


@cases("backward (N, D) with eps = 0.1, positionally and by keyword", part="backward", kind="random")
def _(sol, rng):
    X, gamma, *_ = _problem(rng, (6, 3))
    X = X * 0.3  # a small variance, so that eps = 0.1 changes the result a lot
    _check_backward(sol, X, gamma, rng, eps=0.1)
    _check_backward(sol, X, gamma, rng, eps=0.1, keywords=True)


@cases("backward (N, C, H, W) with a batch of one image", part="backward", kind="edge")
def _(sol, rng):
    X, gamma, *_ = _problem(rng, (1, 3, 3, 2))
    _check_backward(sol, X, gamma, rng)


@cases("backward (N, D) with a batch of one: x̂ = 0, so dX = 0 and dγ = 0", part="backward", kind="edge")
def _(sol, rng):
    X, gamma, *_ = _problem(rng, (1, 4))
    _check_backward(sol, X, gamma, rng)


@cases("backward: matches finite differences of your forward", part="backward", kind="property")
def _(sol, rng):
    forward = checks.need_as_starter(sol, "batch_norm", "ex11")
    own = ("these finite differences are of YOUR batch_norm(..., train=True); if its forward cases fail, "
           "fix the forward first — backward and forward must describe the same function.")
    for shape in ((5, 3), (2, 3, 2, 3)):  # small: every entry costs two forward calls
        X, gamma, beta, mm, mv = _problem(rng, shape)
        dY, dX, dgamma, dbeta = _check_backward(sol, X, gamma, rng)
        def f_x(v):
            return forward(v, gamma, beta, mm, mv, True)[0]  # noqa: B023 (called in this iteration)
        def f_g(v):
            return forward(X, v, beta, mm, mv, True)[0]  # noqa: B023 (called in this iteration)
        def f_b(v):
            return forward(X, gamma, v, mm, mv, True)[0]  # noqa: B023 (called in this iteration)
        where = f" (X of shape {shape})"
        checks.check_gradient("dX" + where, dX, numerical_gradient_array(f_x, X.copy(), dY), threshold=1e-5, hint=own)
        checks.check_gradient("dgamma" + where, dgamma, numerical_gradient_array(f_g, gamma.copy(), dY),
                              threshold=1e-6, hint=own)
        checks.check_gradient("dbeta" + where, dbeta, numerical_gradient_array(f_b, beta.copy(), dY),
                              threshold=1e-6, hint=own)
