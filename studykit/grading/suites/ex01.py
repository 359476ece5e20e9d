"""Checks for ex01, linear regression: forward, halved mean squared loss, and its gradient.

The pilot of the exercise contract: fixed, random, edge, property and (informational) speed cases,
each wrong answer compared against the values the common mistakes produce to give a targeted hint.
"""

from __future__ import annotations

import numpy as np

from studykit.grading import checks, speed
from studykit.grading.cases import CaseList
from studykit.grading.gradcheck import numerical_gradient
from studykit.reference import linear as ref

cases = CaseList()


def _problem(rng, n=6, d=3):
    return rng.standard_normal((n, d)), rng.standard_normal(n), rng.standard_normal(d), float(rng.standard_normal())


def _check_forward(sol, X, w, b, keywords=False):
    forward = checks.need_as_starter(sol, "linear_forward", "ex01")
    with checks.unchanged("linear_forward", X=X, w=w):
        got = forward(X=X, w=w, b=b) if keywords else forward(X, w, b)
    checks.check_close(
        "ŷ", got, ref.linear_forward(X, w, b), factors={"D": X.shape[1]},
        variants={
            "ŷ = Xw + b: did you forget the bias b?": lambda: X @ w,
            "ŷ = Xw + b adds b once per example, not b times the features.": lambda: X @ w + b * X.shape[1],
        },
    )


@cases("forward: 3 examples, 2 features", part="forward")
def _(sol, rng):
    X = np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]])
    _check_forward(sol, X, np.array([0.5, -1.0]), 2.0)


@cases("forward: random shapes", part="forward", kind="random")
def _(sol, rng):
    for n, d in [(1, 1), (7, 3), (20, 5)]:
        X, _, w, b = _problem(rng, n, d)
        _check_forward(sol, X, w, b, keywords=True)


def _check_loss(sol, y_hat, y, keywords=False):
    loss = checks.need_as_starter(sol, "squared_loss", "ex01")
    with checks.unchanged("squared_loss", y_hat=y_hat, y=y):
        got = loss(y_hat=y_hat, y=y) if keywords else loss(y_hat, y)
    expected = ref.squared_loss(y_hat, y)
    n = y.shape[0]
    if isinstance(got, (np.floating, np.ndarray)) and np.asarray(got).dtype == np.float32:
        checks.check_dtype("loss", np.asarray(got), np.float64)  # float64 data: a float32 loss loses digits
    checks.check_close(
        "loss", checks.as_float("loss", got), expected, factors={"N": n},
        variants={
            "the loss is mean((ŷ − y)²) / 2 — you forgot the / 2.": lambda: 2 * expected,
            "average over the N examples: you summed instead of taking the mean.": lambda: n * expected,
            "the loss is mean((ŷ − y)²) / 2: you summed (forgot the / N) and forgot the / 2.": lambda: 2 * n * expected,
            "square the residuals before averaging (the loss is never negative).": lambda: np.mean(y_hat - y) / 2,
        },
    )


@cases("loss: small example", part="loss")
def _(sol, rng):
    _check_loss(sol, np.array([1.0, 2.0, 4.0]), np.array([1.0, 0.0, 1.0]))


@cases("loss: random, returns a float", part="loss", kind="random")
def _(sol, rng):
    y_hat, y = rng.standard_normal(9), rng.standard_normal(9)
    _check_loss(sol, y_hat, y, keywords=True)


def _check_grad(sol, X, y, w, b, keywords=False):
    grad = checks.need_as_starter(sol, "linear_grad", "ex01")
    with checks.unchanged("linear_grad", X=X, y=y, w=w):
        got = grad(X=X, y=y, w=w, b=b) if keywords else grad(X, y, w, b)
    if not (isinstance(got, tuple) and len(got) == 2):
        raise checks.CheckFailed(f"linear_grad must return a pair (dw, db); got {type(got).__name__}.")
    dw, db = got
    exp_dw, exp_db = ref.linear_grad(X, y, w, b)
    n = X.shape[0]
    dw_arr = checks.as_array("dw", dw)
    checks.check_close(
        "dw", dw_arr, exp_dw, factors={"N": n},
        variants={
            "dL/dw = Xᵀ(ŷ − y) / N: did you forget to divide by N?": lambda: exp_dw * n,
            "the sign is flipped: use r = ŷ − y (prediction minus target), since L grows with ŷ − y.": lambda: -exp_dw,
            "the loss has a 1/2 that cancels the 2 from the square: no extra factor 2.": lambda: 2 * exp_dw,
        },
    )
    if isinstance(db, np.ndarray) and db.size > 1:
        raise checks.CheckFailed(
            f"db: expected a single number, got an array of shape {db.shape}.",
            "b is one scalar added to every prediction, so its gradient sums (averages) r over all examples.",
        )
    checks.check_close("db", checks.as_float("db", db), exp_db, factors={"N": n}, variants={
        "dL/db = mean(ŷ − y): you forgot to divide by N.": lambda: exp_db * n,
        "the sign is flipped: r = ŷ − y.": lambda: -exp_db,
    })
    return dw_arr, db


@cases("gradient: small example", part="gradient")
def _(sol, rng):
    X = np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 0.5]])
    _check_grad(sol, X, np.array([1.0, 0.0, -2.0]), np.array([0.5, -1.0]), 0.25)


@cases("gradient: random shapes incl. one example", part="gradient", kind="random")
def _(sol, rng):
    for n, d in [(1, 2), (8, 3), (15, 6)]:
        _check_grad(sol, *_problem(rng, n, d), keywords=n > 1)


@cases("gradient: against finite differences of your own loss", part="gradient", kind="property")
def _(sol, rng):
    X, y, w, b = _problem(rng, 5, 3)
    forward = checks.need_as_starter(sol, "linear_forward", "ex01")
    loss = checks.need_as_starter(sol, "squared_loss", "ex01")
    # finite differences need a float64 loss: a float32 one is its own failure, not a wrong gradient
    _check_loss(sol, checks.as_array("ŷ", forward(X, w, b)), y)
    dw, db = _check_grad(sol, X, y, w, b)
    own = ("your linear_grad matches the reference but not the derivative of your own "
           "squared_loss(linear_forward(...)): fix the forward or loss cases above first.")
    num_dw = numerical_gradient(lambda v: checks.as_float("loss", loss(forward(X, v, b), y)), w.copy())
    checks.check_gradient("dw", dw, num_dw, threshold=1e-6, hint=own)
    num_db = numerical_gradient(lambda v: checks.as_float("loss", loss(forward(X, w, float(v[0])), y)), np.array([b]))
    checks.check_gradient("db", np.array([checks.as_float("db", db)]), num_db, threshold=1e-6, hint=own)


@cases("edge: more features than examples (N=3, D=5)", part="gradient", kind="edge")
def _(sol, rng):
    X, y, w, b = _problem(rng, 3, 5)
    _check_forward(sol, X, w, b)
    _check_grad(sol, X, y, w, b)


@cases("edge: float32 inputs and an integer bias", part="forward", kind="edge")
def _(sol, rng):
    X, _, w, _ = _problem(rng, 4, 3)
    _check_forward(sol, X.astype(np.float32), w.astype(np.float32), 2)


@cases("edge: a perfect fit has zero loss and zero gradient", part="gradient", kind="edge")
def _(sol, rng):
    X, _, w, b = _problem(rng, 5, 2)
    y = ref.linear_forward(X, w, b)
    _check_loss(sol, y.copy(), y)
    _check_grad(sol, X, y, w, b)


@cases("speed: vectorized on N=20000, D=50", kind="speed", scored=False)
def _(sol, rng):
    X, y, w, b = _problem(rng, 20_000, 50)
    grad = checks.need_as_starter(sol, "linear_grad", "ex01")
    reference, yours, rounds = speed.best_pair(lambda: ref.linear_grad(X, y, w, b), lambda: grad(X, y, w, b))
    advice = speed.linear_advice(speed.analyze(speed.source_of(sol), "linear_grad"))
    return (f"linear_grad took {yours * 1000:.1f} ms (reference {reference * 1000:.1f} ms; CPU time, best of {rounds} "
            f"alternating rounds) — {advice}")
