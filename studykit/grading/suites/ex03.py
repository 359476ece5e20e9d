"""Checks for ex03, softmax + cross-entropy: the loss, its gradient dZ, stability and finite differences."""

from __future__ import annotations

import numpy as np

from studykit.grading import checks
from studykit.grading.cases import CaseList
from studykit.grading.gradcheck import numerical_gradient
from studykit.reference.softmax import log_softmax, softmax, softmax_cross_entropy as ref

cases = CaseList()

STABLE_HINT = ("for logits like ±1e4, exp overflows. Use log-softmax: log softmax(z)ᵢ = zᵢ − m − log Σⱼ exp(zⱼ − m) "
               "with m = max(z); never take log(softmax(z)) of a probability that rounded to 0.")
LOG_HINT = ("you subtracted the max, so exp no longer overflows, but the true class's probability here is "
            "exp(−2e4), which rounds to 0, and log(0) = −inf: take the log before the exp — log-softmax "
            "zᵢ − m − log Σⱼ exp(zⱼ − m) — instead of log(softmax(z)).")


def _log_of_softmax(Z, y):
    """The loss as −log(softmax(Z)) with the max subtracted: −inf where a true class's probability rounded to 0."""
    with np.errstate(all="ignore"):
        Z = np.asarray(Z, dtype=np.float64)
        return -np.mean(np.log(softmax(Z, axis=1)[np.arange(Z.shape[0]), y]))


def _stability_hint(loss, dZ, Z, y):
    """STABLE_HINT or LOG_HINT when the learner's results are that mistake's, on an input where it differs from the
    right answer (the ±1e4 logits: for ordinary logits both mistakes give the right numbers), else None."""
    right_loss, right_dZ = ref(np.asarray(Z, dtype=np.float64), y)
    naive_loss, naive_dZ = _naive(Z, y)
    if ((loss is not None and checks.match_variant(loss, {"n": naive_loss}, expected=right_loss))
            or (dZ is not None and checks.match_variant(dZ, {"n": naive_dZ}, expected=right_dZ))):
        return STABLE_HINT
    if loss is not None and checks.match_variant(loss, {"n": lambda: _log_of_softmax(Z, y)}, expected=right_loss):
        return LOG_HINT
    return None


def _naive(Z, y):
    """(loss, dZ) as log(softmax(Z)) without the max subtracted gives them: inf/nan where exp overflowed."""
    with np.errstate(all="ignore"):
        Z = np.asarray(Z, dtype=np.float64)
        n = Z.shape[0]
        p = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
        dZ = p.copy()
        dZ[np.arange(n), y] -= 1
        return -np.mean(np.log(p[np.arange(n), y])), dZ / n


def _call(sol, Z, y, strict=False, keywords=False):
    func = checks.need_as_starter(sol, "softmax_cross_entropy", "ex03")
    with checks.unchanged("softmax_cross_entropy", Z=Z, y=y), checks.numerics_watch() as warned:
        out = func(Z=Z, y=y) if keywords else func(Z, y)
    if not (isinstance(out, tuple) and len(out) == 2):
        raise checks.CheckFailed(f"softmax_cross_entropy must return a pair (loss, dZ); got {type(out).__name__}.")
    loss, dZ = out
    loss, dZ = checks.as_float("loss", loss), checks.as_array("dZ", dZ)
    if dZ.shape == np.shape(Z) and np.asarray(Z).dtype == np.float64:
        checks.check_dtype("dZ", dZ, np.float64)  # float64 logits: a float32 dZ has lost half the digits
    if strict and warned:
        # only when the results are what a named mistake gives (exp without the max; log of a rounded-to-0 softmax)
        checks.no_warnings("softmax_cross_entropy", warned, _stability_hint(loss, dZ, Z, y))
    return loss, dZ


def _check_loss(loss, Z, y, rtol=1e-7, name="loss"):
    Z = np.asarray(Z, dtype=np.float64)  # float32 answers are compared with the float64 truth
    expected, _ = ref(Z, y)
    n = Z.shape[0]
    rows = np.arange(n)
    checks.check_finite(name, loss, _stability_hint(loss, None, Z, y))
    checks.check_close(name, loss, expected, rtol=rtol, atol=1e-10, variants={
        "the loss is the MEAN over the N examples: you summed (divide by N).": lambda: expected * n,
        "cross-entropy is −log of the probability of the TRUE class: check the sign.": lambda: -expected,
        "use the natural log of softmax, not of the raw logits.": lambda: -np.mean(Z[rows, y]),
        "average −log p of the true class only, not over all C classes.": lambda: -np.mean(log_softmax(Z, 1)),
    })


def _check_grad(dZ, Z, y, rtol=1e-6, atol=1e-10, name="dZ"):
    Z = np.asarray(Z, dtype=np.float64)
    _, expected = ref(Z, y)
    n, c = Z.shape
    p = softmax(Z, axis=1)
    onehot = np.eye(c)[y]
    checks.check_shape(name, dZ, Z.shape, "dZ has one entry per logit: shape (N, C), like Z.")
    checks.check_finite(name, dZ, _stability_hint(None, dZ, Z, y))
    checks.check_close(name, dZ, expected, rtol=rtol, atol=atol, variants={
        "you forgot the / N: the loss is a mean over N examples, so each row's gradient is divided by N.":
            lambda: expected * n,
        "the sign is flipped: dZ = (softmax(Z) − onehot(y)) / N, probabilities minus targets.": lambda: -expected,
        "you returned softmax(Z) / N: subtract 1 at each row's true class (the one-hot target).": lambda: p / n,
        "dZ = (softmax(Z) − onehot(y)) / N: subtract 1 at each row's true class; you added it.":
            lambda: (p + onehot) / n,
        "the one-hot targets are in the wrong place: row i needs its 1 in column y[i].":
            lambda: (p - np.eye(c)[y[::-1]]) / n if n > 1 else None,
        "P[:, y] -= 1 subtracts 1 in every listed column of EVERY row; pair the indices (row i, column y[i]) "
        "so that only each row's true class gets −1.":
            lambda: (p - np.isin(np.arange(c), y)[None, :]) / n,
        "normalize softmax along each row (axis=1), not down the columns.":
            lambda: (softmax(Z, axis=0) - onehot) / n,
    })


def _problem(rng, n, c, scale=1.0):
    return rng.standard_normal((n, c)) * scale, rng.integers(0, c, size=n)


@cases("fixed: 2 examples, 3 classes — loss", part="forward")
def _(sol, rng):
    Z, y = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]]), np.array([0, 2])
    loss, _ = _call(sol, Z, y)
    _check_loss(loss, Z, y)


@cases("fixed: 2 examples, 3 classes — dZ", part="backward")
def _(sol, rng):
    Z, y = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]]), np.array([0, 2])
    _, dZ = _call(sol, Z, y)
    _check_grad(dZ, Z, y)


@cases("random: N=8, C=5 — loss", part="forward", kind="random")
def _(sol, rng):
    Z, y = _problem(rng, 8, 5, 2.0)
    _check_loss(_call(sol, Z, y)[0], Z, y)


@cases("random: N=8, C=5 — dZ", part="backward", kind="random")
def _(sol, rng):
    Z, y = _problem(rng, 8, 5, 2.0)
    _check_grad(_call(sol, Z, y, keywords=True)[1], Z, y)


@cases("random: the last classes never occur in y (C comes from Z, not from y)", part="backward", kind="random")
def _(sol, rng):
    # every label is below C − 2, and the largest label is present: y.max() + 1 or len(np.unique(y)) cannot give C,
    # whatever the seed
    n, c = 6, 7
    y = rng.integers(0, c - 2, size=n)
    y[rng.integers(n)] = c - 3
    Z = rng.standard_normal((n, c))
    loss, dZ = _call(sol, Z, y)
    _check_loss(loss, Z, y)
    _check_grad(dZ, Z, y)


@cases("random: non-square N=3, C=10 — loss and dZ", part="backward", kind="random")
def _(sol, rng):
    Z, y = _problem(rng, 3, 10)
    loss, dZ = _call(sol, Z, y)
    _check_loss(loss, Z, y)
    _check_grad(dZ, Z, y)


@cases("edge: a batch of one — loss and dZ", part="backward", kind="edge")
def _(sol, rng):
    Z, y = _problem(rng, 1, 4)
    loss, dZ = _call(sol, Z, y)
    _check_loss(loss, Z, y)
    _check_grad(dZ, Z, y)


HUGE = (np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4], [0.0, 0.0, 1e4]]), np.array([1, 2, 0]))


@cases("edge: logits of ±1e4 — loss finite, no warnings", part="forward", kind="edge")
def _(sol, rng):
    Z, y = HUGE[0].copy(), HUGE[1].copy()
    _check_loss(_call(sol, Z, y, strict=True)[0], Z, y)


@cases("edge: logits of ±1e4 — dZ finite, no warnings", part="backward", kind="edge")
def _(sol, rng):
    Z, y = HUGE[0].copy(), HUGE[1].copy()
    _check_grad(_call(sol, Z, y, strict=True)[1], Z, y)


@cases("edge: float32 logits", part="backward", kind="edge")
def _(sol, rng):
    Z, y = _problem(rng, 4, 3)
    Z32 = Z.astype(np.float32)
    loss, dZ = _call(sol, Z32, y)
    checks.check_dtype_float("dZ (float32)", dZ)
    _check_loss(loss, Z32, y, rtol=1e-5, name="loss (float32)")
    _check_grad(dZ, Z32, y, rtol=1e-4, atol=1e-6, name="dZ (float32)")


@cases("property: dZ matches finite differences of your loss", part="backward", kind="property")
def _(sol, rng):
    Z, y = _problem(rng, 4, 3)
    func = checks.need_as_starter(sol, "softmax_cross_entropy", "ex03")
    loss, dZ = _call(sol, Z, y)
    numeric = numerical_gradient(lambda v: checks.as_float("loss", func(v, y)[0]), Z.copy())
    expected_loss, expected_dZ = ref(Z, y)
    n = Z.shape[0]
    right = {"ok": lambda: expected_dZ}
    # name the mistake by comparing both halves with the reference, never by elimination
    if checks.match_variant(loss, {"summed": lambda: n * expected_loss}) and checks.match_variant(dZ, right):
        hint = ("your dZ is right — the gradient of the MEAN loss — but your loss is summed over the N examples, "
                "so its derivative is N times your dZ: divide the loss by N (the missing / N; take the mean).")
    elif (checks.match_variant(loss, {"ok": lambda: expected_loss})
          and checks.match_variant(dZ, {"n": lambda: n * expected_dZ})):
        hint = ("your loss is the mean over N examples, so its gradient has a / N too: "
                "dZ = (softmax(Z) − onehot(y)) / N.")
    else:
        hint = None
    checks.check_gradient("dZ", dZ, numeric, threshold=1e-6, hint=hint)
