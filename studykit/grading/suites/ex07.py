"""Checks for ex07, inverted dropout, graded by properties (the random draws differ from the reference)."""

from __future__ import annotations

import math

import numpy as np

from studykit.grading import checks
from studykit.grading.cases import CaseList

cases = CaseList()

CONVENTION = ("your answer matches the other convention: p as the KEEP probability (CS231n's assignments use that); "
              "here p is the probability of DROPPING a unit, so keep each with probability 1 − p.")


def _forward(sol, X, p, positional=False, **kwargs):
    """The learner's forward: `dropout_forward(X, p, train=…, rng=…)`, or all four positionally (X, p, train, rng)."""
    func = checks.need_as_starter(sol, "dropout_forward", "ex07")
    with checks.unchanged("dropout_forward", X=X):
        out = func(X, p, kwargs.get("train", True), kwargs.get("rng")) if positional else func(X, p, **kwargs)
    if not (isinstance(out, tuple) and len(out) == 2):
        raise checks.CheckFailed("dropout_forward must return a pair (out, mask).")
    return out


def _independent(out, p):
    """Each unit gets its own draw: a mask shared by the rows (or by the columns) fails whatever the seed — for a
    right mask two equal rows of 500 (columns of 200) independent draws have a chance below 1e-50."""
    dropped = np.asarray(out) == 0
    rows, cols = dropped.shape
    distinct_rows = len({row.tobytes() for row in np.packbits(dropped, axis=1)})
    distinct_cols = len({col.tobytes() for col in np.packbits(dropped.T, axis=1)})
    if distinct_rows < rows or distinct_cols < cols:
        shared = "rows (examples)" if distinct_rows < rows else "columns (features)"
        raise checks.CheckFailed(
            f"out (p = {p:g}): the dropped pattern repeats across {shared}: only "
            f"{distinct_rows if distinct_rows < rows else distinct_cols} distinct patterns among "
            f"{rows if distinct_rows < rows else cols}.",
            "draw one independent value per entry, rng.random(X.shape) — a mask of shape (D,) or (N, 1) is shared "
            "by the whole batch (or the whole row) through broadcasting.")


def _dropped_fraction(sol, p, rng, positional=False):
    X = np.ones((200, 500))
    out, _ = _forward(sol, X, p, positional=positional, train=True, rng=rng)
    out = checks.as_array("out", out)
    checks.check_shape("out", out, X.shape)
    checks.check_finite(f"out (p = {p:g})", out)
    _independent(out, p)
    return float(np.mean(out == 0)), out, X


@cases("eval mode: returns X unchanged and mask None", part="forward", kind="property")
def _(sol, rng):
    # p = 0.3: X·p, X·(1 − p), X/p and X/(1 − p) all differ (at p = 0.5 the first two are one array)
    p = 0.3
    X = rng.uniform(0.5, 2, size=(4, 5)) * np.where(rng.random((4, 5)) < 0.5, -1, 1)
    out, mask = _forward(sol, X, p, train=False)
    got = checks.as_array("out (train=False)", out)
    kept = got != 0
    # the dropped-units mistake: some entries zero, the others X (or X scaled as in training) exactly there
    dropped = (got.shape == X.shape and 0 < np.mean(~kept) < 1
               and any(np.allclose(got[kept], v[kept], rtol=1e-12, atol=0) for v in (X, X / (1 - p))))
    checks.check_close("out (train=False)", got, X, rtol=0, atol=0,
                       hint="dropout is switched off at evaluation: you dropped units; return X as it is."
                       if dropped else None, variants={
        "evaluation returns X as it is: with inverted dropout the scaling by 1/(1 − p) happens in training, so "
        "nothing is scaled at evaluation (you multiplied by 1 − p).": lambda: X * (1 - p),
        "evaluation returns X as it is: no scaling by 1/(1 − p) (that is for the kept units in training).":
            lambda: X / (1 - p),
        "evaluation returns X as it is: you multiplied by p — nothing is scaled at evaluation; " + CONVENTION:
            lambda: X * p,
        "evaluation returns X as it is: you divided by p — nothing is scaled at evaluation; " + CONVENTION:
            lambda: X / p,
    })
    if mask is not None:
        raise checks.CheckFailed(f"mask (train=False): expected None, got {type(mask).__name__}.")


@cases("train: the dropped fraction is p (p = 0.3)", part="forward", kind="property")
def _(sol, rng):
    p = 0.3
    frac, _, X = _dropped_fraction(sol, p, rng, positional=True)
    bound = 5 * math.sqrt(p * (1 - p) / X.size)
    if abs(frac - p) > bound:
        hint = CONVENTION if abs(frac - (1 - p)) <= bound else "drop each unit independently with probability p."
        raise checks.CheckFailed(f"out: {frac:.3f} of the entries are zero; with p = {p} expected {p} ± {bound:.3f}.",
                                 hint)


@cases("train: kept entries are scaled by exactly 1/(1 − p)", part="forward", kind="property")
def _(sol, rng):
    p = 0.25
    X = rng.uniform(1, 2, size=(50, 40))
    out, _ = _forward(sol, X, p, train=True, rng=rng)
    out = checks.as_array("out", out)
    checks.check_finite(f"out (p = {p:g})", out)
    kept = out != 0
    if not kept.any():
        raise checks.CheckFailed("out: every entry was dropped with p = 0.25.")
    ratio = out[kept] / X[kept]
    if not np.allclose(ratio, 1 / (1 - p), rtol=1e-12):
        seen = float(np.median(ratio))
        hint = {1.0: "inverted dropout scales the kept units by 1/(1 − p) during training, so that nothing has to "
                     "change at test time.",
                round(1 / p, 6): CONVENTION}.get(round(seen, 6), "scale every kept unit by the same 1/(1 − p).")
        raise checks.CheckFailed(f"out: kept entries are multiplied by {seen:.4g}, "
                                 f"expected 1/(1 − p) = {1 / (1 - p):.4g}.", hint)


@cases("train: the mean is preserved in expectation", part="forward", kind="property")
def _(sol, rng):
    p = 0.5
    frac, out, X = _dropped_fraction(sol, p, rng)
    bound = 5 * math.sqrt(p * (1 - p) / X.size) / (1 - p)
    mean = float(np.mean(out))
    if abs(mean - 1.0) > bound:
        # the unscaled mistake keeps a fraction 1 − p of the ones as they are: mean ≈ 1 − p
        unscaled = abs(mean - (1 - p)) <= bound * (1 - p)
        raise checks.CheckFailed(f"mean(out) = {mean:.4f} for an input of ones; expected 1 ± {bound:.3f}.",
                                 "your mean is 1 − p: the kept units are not scaled. E[out] = (1 − p) · x/(1 − p) = x: "
                                 "that is what the 1/(1 − p) scaling is for." if unscaled else None)


def _all(value, like):
    return np.full(np.shape(like), value)


@cases("edge: p = 0 keeps everything, p = 1 drops everything", part="forward", kind="edge")
def _(sol, rng):
    X = rng.uniform(1, 2, size=(3, 4)) * np.where(rng.random((3, 4)) < 0.5, -1, 1)
    with checks.numerics_watch() as warned:
        out, _ = _forward(sol, X, 0.0, train=True, rng=rng)
    # the keep-probability convention at p = 0 keeps nothing and divides by p: 0/0 everywhere
    p0 = {"with p = 0 nothing is dropped and 1/(1 − p) = 1; you kept nothing and divided by p = 0 (0/0 = nan): "
          + CONVENTION: lambda: _all(np.nan, X),
          "with p = 0 nothing is dropped and 1/(1 − p) = 1; you divided by p = 0.": lambda: np.sign(X) * np.inf}
    checks.check_close("out (p = 0)", out, X, rtol=1e-15, atol=0, hint=checks.match_variant(out, p0, expected=X)
                       or "with p = 0 nothing is dropped: out equals X exactly.")
    checks.no_warnings("dropout_forward (p = 0)", warned, checks.match_variant(out, p0, expected=X))
    with checks.numerics_watch() as warned:
        out, _ = _forward(sol, X, 1.0, train=True, rng=rng)
    p1 = {"with p = 1 every unit is dropped and X · 0 / (1 − p) = 0/0 = nan: return zeros without dividing by "
          "1 − p = 0.": lambda: _all(np.nan, X)}
    zeros = np.zeros_like(X)
    checks.check_close("out (p = 1)", out, zeros, rtol=0, atol=0, hint=checks.match_variant(out, p1, expected=zeros)
                       or "with p = 1 every unit is dropped: the output is all zeros.")
    checks.no_warnings("dropout_forward (p = 1)", warned, checks.match_variant(out, p1, expected=zeros))


@cases("uses the rng it is given (reproducible), and rng=None works", part="forward", kind="property")
def _(sol, rng):
    X = rng.standard_normal((6, 7))
    a, _ = _forward(sol, X, 0.4, train=True, rng=np.random.default_rng(5))
    b, _ = _forward(sol, X, 0.4, train=True, rng=np.random.default_rng(5))
    checks.check_close("out (same seed twice)", a, b, rtol=0, atol=0,
                       hint="draw the mask from the rng argument (rng.random(X.shape)), not from np.random.")
    out, _ = _forward(sol, X, 0.4, train=True)
    checks.check_shape("out (rng=None)", checks.as_array("out", out), X.shape,
                       "with rng=None make a fresh generator: np.random.default_rng().")


def _check_backward(sol, X, p, rng, where="", keywords=False):
    out, mask = _forward(sol, X, p, train=True, rng=rng)
    out = checks.as_array("out" + where, out)
    checks.check_finite("out" + where, out, "dX is checked against your forward's own mask, so the forward must "
                                           "work for this p first (see the forward cases).")
    backward = checks.need_as_starter(sol, "dropout_backward", "ex07")
    dout = rng.standard_normal(X.shape)
    with checks.numerics_watch() as warned, checks.unchanged("dropout_backward", dout=dout):
        dX = backward(dout=dout, mask=mask, p=p) if keywords else backward(dout, mask, p)
    # out is linear in X for a fixed mask: the Jacobian is diag(out / X), whatever form the mask takes
    expected = dout * (out / X)
    with np.errstate(all="ignore"):
        variants = {
            "the backward pass must scale by 1/(1 − p) too: it is the same linear map as the forward.":
                lambda: dout * (out != 0),
            "you divided by p: " + CONVENTION: lambda: dout * (out != 0) / p if 0 < p < 1 else None,
            f"with p = {p:g} every unit was dropped, so dX is all zeros; dividing by 1 − p = 0 gives 0/0 = nan — "
            "handle p = 1 without the division, as in the forward.": lambda: _all(np.nan, X) if p == 1 else None,
        }
        # a mistake that gives the right dX for this p (no scaling at p = 0, ÷p at p = 0.5) is never named
        hint = checks.match_variant(dX, variants, expected=expected, check_rtol=1e-12, check_atol=1e-15)
    checks.check_close("dX" + where, dX, expected, rtol=1e-12, atol=1e-15,
                       hint=hint or "dX is the same linear map as the forward: with a 0/1 mask, "
                                    "dX = dout ⊙ mask / (1 − p); with a mask already scaled by 1/(1 − p), "
                                    "dX = dout ⊙ mask.")
    checks.no_warnings("dropout_backward" + where, warned, hint)


@cases("backward: consistent with the forward's mask", part="backward", kind="property")
def _(sol, rng):
    _check_backward(sol, rng.uniform(1, 2, size=(5, 6)), 0.4, rng, keywords=True)


@cases("backward: p = 0, p = 1 and a batch of one", part="backward", kind="edge")
def _(sol, rng):
    for p, shape in ((0.0, (4, 3)), (1.0, (4, 3)), (0.5, (1, 7))):
        _check_backward(sol, rng.uniform(1, 2, size=shape), p, rng, where=f" (p = {p:g}, X {shape})")
