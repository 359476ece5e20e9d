"""Checks for ex07, inverted dropout, graded by properties (the random draws differ from the reference)."""

from __future__ import annotations

import math

import numpy as np

from studykit.grading import checks
from studykit.grading.cases import CaseList

cases = CaseList()

CONVENTION = ("your answer matches the other convention: p as the KEEP probability (CS231n's assignments use that); "
              "here p is the probability of DROPPING a unit, so keep each with probability 1 − p.")


def _forward(sol, X, p, **kwargs):
    func = checks.need(sol, "dropout_forward")
    with checks.unchanged("dropout_forward", X=X):
        out = func(X, p, **kwargs)
    if not (isinstance(out, tuple) and len(out) == 2):
        raise checks.CheckFailed("dropout_forward must return a pair (out, mask).")
    return out


def _dropped_fraction(sol, p, rng):
    X = np.ones((200, 500))
    out, _ = _forward(sol, X, p, train=True, rng=rng)
    out = checks.as_array("out", out)
    checks.check_shape("out", out, X.shape)
    return float(np.mean(out == 0)), out, X


@cases("eval mode: returns X unchanged and mask None", part="forward", kind="property")
def _(sol, rng):
    X = rng.standard_normal((4, 5))
    out, mask = _forward(sol, X, 0.5, train=False)
    checks.check_close("out (train=False)", out, X, rtol=0, atol=0,
                       hint="dropout is switched off at evaluation: return X as it is — no dropping, no scaling.")
    if mask is not None:
        raise checks.CheckFailed(f"mask (train=False): expected None, got {type(mask).__name__}.")


@cases("train: the dropped fraction is p (p = 0.3)", part="forward", kind="property")
def _(sol, rng):
    p = 0.3
    frac, _, X = _dropped_fraction(sol, p, rng)
    bound = 5 * math.sqrt(p * (1 - p) / X.size)
    if abs(frac - p) > bound:
        hint = CONVENTION if abs(frac - (1 - p)) <= bound else "drop each unit independently with probability p."
        raise checks.CheckFailed(f"out: {frac:.3f} of the entries are zero; with p = {p} expected {p} ± {bound:.3f}.", hint)


@cases("train: kept entries are scaled by exactly 1/(1 − p)", part="forward", kind="property")
def _(sol, rng):
    p = 0.25
    X = rng.uniform(1, 2, size=(50, 40))
    out, _ = _forward(sol, X, p, train=True, rng=rng)
    out = checks.as_array("out", out)
    kept = out != 0
    if not kept.any():
        raise checks.CheckFailed("out: every entry was dropped with p = 0.25.")
    ratio = out[kept] / X[kept]
    if not np.allclose(ratio, 1 / (1 - p), rtol=1e-12):
        seen = float(np.median(ratio))
        hint = {1.0: "inverted dropout scales the kept units by 1/(1 − p) during training, so that nothing has to "
                     "change at test time.",
                round(1 / p, 6): CONVENTION}.get(round(seen, 6), "scale every kept unit by the same 1/(1 − p).")
        raise checks.CheckFailed(f"out: kept entries are multiplied by {seen:.4g}, expected 1/(1 − p) = {1 / (1 - p):.4g}.", hint)


@cases("train: the mean is preserved in expectation", part="forward", kind="property")
def _(sol, rng):
    p = 0.5
    frac, out, X = _dropped_fraction(sol, p, rng)
    bound = 5 * math.sqrt(p * (1 - p) / X.size) / (1 - p)
    if abs(float(np.mean(out)) - 1.0) > bound:
        raise checks.CheckFailed(f"mean(out) = {np.mean(out):.4f} for an input of ones; expected 1 ± {bound:.3f}.",
                                 "E[out] = (1 − p) · x/(1 − p) = x: that is what the 1/(1 − p) scaling is for.")


@cases("edge: p = 0 keeps everything, p = 1 drops everything", part="forward", kind="edge")
def _(sol, rng):
    X = rng.standard_normal((3, 4))
    with checks.strict_numerics("dropout_forward", "with p = 0 nothing is dropped and 1/(1 − p) = 1. A division by p "
                                                   "means you used the other convention: p as the KEEP probability."):
        out, _ = _forward(sol, X, 0.0, train=True, rng=rng)
    checks.check_close("out (p = 0)", out, X, rtol=1e-15, atol=0,
                       hint="with p = 0 nothing is dropped: out equals X exactly.")
    with checks.strict_numerics("dropout_forward", "with p = 1 do not divide by 1 − p = 0: return zeros."):
        out, _ = _forward(sol, X, 1.0, train=True, rng=rng)
    checks.check_close("out (p = 1)", out, np.zeros_like(X), rtol=0, atol=0,
                       hint="with p = 1 every unit is dropped: the output is all zeros (and no division by zero).")


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


@cases("backward: consistent with the forward's mask", part="backward", kind="property")
def _(sol, rng):
    p = 0.4
    X = rng.uniform(1, 2, size=(5, 6))
    out, mask = _forward(sol, X, p, train=True, rng=rng)
    backward = checks.need(sol, "dropout_backward")
    dout = rng.standard_normal(X.shape)
    with checks.unchanged("dropout_backward", dout=dout):
        dX = backward(dout, mask, p)
    # out is linear in X for a fixed mask: the Jacobian is diag(out / X)
    expected = dout * (np.asarray(out) / X)
    checks.check_close("dX", dX, expected, rtol=1e-12, atol=1e-15, hint=checks.match_variant(dX, {
        "the backward pass must scale by 1/(1 − p) too: it is the same linear map as the forward.":
            lambda: dout * (np.asarray(out) != 0),
    }) or "dX = dout ⊙ mask / (1 − p): gradient flows only through the kept units, with the same scale.")
