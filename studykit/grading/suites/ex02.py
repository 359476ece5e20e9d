"""Checks for ex02, softmax: values, any shape and axis, stability, −inf, no mutation."""

from __future__ import annotations

import numpy as np

from studykit.grading import checks
from studykit.grading.cases import CaseList
from studykit.reference.softmax import softmax as ref_softmax

cases = CaseList()

OVERFLOW_HINT = ("exp(1000) overflows to inf and inf/inf is nan. Softmax does not change when you subtract a "
                 "constant from every logit of a row: subtract the row's maximum first (keepdims=True).")

ADVICE = ("`Z = Z - Z.max(axis=axis, keepdims=True)` makes a new array; `Z -= …` and `Z[...] = …` write into the "
          "caller's logits.")


def _naive(Z, axis):
    e = np.exp(Z)
    return e / e.sum(axis=axis, keepdims=True)


def _normalized(Z, shift_axis, sum_axis):
    """exp(Z − max over shift_axis) summed over sum_axis: what a softmax with a mixed-up axis returns."""
    with np.errstate(all="ignore"):  # a mistaken variant may overflow; only the learner's warnings count
        shifted = Z - (Z.max() if shift_axis is None else Z.max(axis=shift_axis, keepdims=True))
        e = np.exp(shifted)
        return e / e.sum(axis=sum_axis, keepdims=True)


def _mistake_hint(got, Z, axis):
    """The hint for the classic mistake `got` equals (wrong axis, whole-array sum), if any — only a mistake whose
    value differs from the right answer on this Z (a (1, 7) row normalized along axis 0 is all ones: it does)."""
    Z = np.asarray(Z, dtype=np.float64)
    expected = ref_softmax(Z, axis=axis)
    other_axes = {a for a in range(Z.ndim) if a != axis % Z.ndim}
    mistakes = []  # (hint, the value that mistake produces); the max subtracted first changes it, so try each
    for a in sorted(other_axes):
        hint = (f"normalize along axis={axis}: each slice along that axis must sum to 1; you summed over axis {a}.")
        mistakes += [(hint, lambda a=a, shift=shift: _normalized(Z, shift, a)) for shift in (None, axis, a)]
    hint = "sum along axis (with keepdims=True): you divided by the sum over the whole array."
    mistakes += [(hint, lambda shift=shift: _normalized(Z, shift, None)) for shift in (None, axis)]
    return next((h for h, value in mistakes if checks.match_variant(got, {h: value}, expected=expected)), None)


def _overflow_hint(got, Z, axis):
    """OVERFLOW_HINT only when the answer is what exp without the max subtracted gives (nan where it overflowed)."""
    def naive():
        with np.errstate(all="ignore"):
            return _naive(np.asarray(Z, dtype=np.float64), axis)
    return checks.match_variant(got, {OVERFLOW_HINT: naive})


def _check(sol, Z, axis=-1, strict=False, name="softmax(Z)", positional=False):
    softmax = checks.need_as_starter(sol, "softmax", "ex02")
    expected = ref_softmax(Z, axis=axis)
    with checks.unchanged("softmax", ADVICE, Z=Z), checks.numerics_watch() as warned:
        got = softmax(Z, axis) if positional else softmax(Z, axis=axis) if axis != -1 else softmax(Z)
    got = checks.as_array(name, got)
    checks.check_shape(name, got, Z.shape, "softmax returns one probability per logit: the same shape as Z.")
    if np.asarray(Z).dtype == np.float64:  # float64 in → float64 out (a float32 result has ~7 digits only)
        checks.check_dtype(name, got, np.float64)
    if strict:  # the warning is the first sign of the overflow: report it before the nan it made
        checks.no_warnings("softmax", warned, _overflow_hint(got, Z, axis))
    hint = _mistake_hint(got, Z, axis) or _overflow_hint(got, Z, axis)
    checks.check_close(name, got, expected, rtol=1e-6, atol=1e-12, hint=hint)
    return got


@cases("fixed: one row [1, 2, 3]")
def _(sol, rng):
    _check(sol, np.array([1.0, 2.0, 3.0]))


@cases("fixed: 2×3 batch, rows sum to 1")
def _(sol, rng):
    got = _check(sol, np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]]))
    checks.check_close("row sums", got.sum(axis=-1), np.ones(2))


@cases("random: shapes (4, 5) and (1, 7)", kind="random")
def _(sol, rng):
    _check(sol, rng.standard_normal((4, 5)) * 3)
    _check(sol, rng.standard_normal((1, 7)))


@cases("random: 3-D input, axis=1", kind="random")
def _(sol, rng):
    _check(sol, rng.standard_normal((2, 4, 3)), axis=1, positional=True)


@cases("random: axis=0 on a (5, 2) array", kind="random")
def _(sol, rng):
    _check(sol, rng.standard_normal((5, 2)), axis=0)


@cases("edge: huge logits ±1e4, no overflow warning", kind="edge")
def _(sol, rng):
    Z = np.array([[1e4, 0.0, -1e4], [1000.0, 1000.0, 999.0], [-1e4, -1e4 + 1, -1e4 + 2]])
    _check(sol, Z, strict=True)


@cases("edge: rows containing -inf", kind="edge")
def _(sol, rng):
    Z = np.array([[0.0, -np.inf, 1.0], [-np.inf, 5.0, -np.inf]])
    got = _check(sol, Z, strict=True)
    if got[0, 1] != 0.0:
        raise checks.CheckFailed("softmax(Z): exp(−inf) is exactly 0, so a −inf logit must get probability 0.")


@cases("edge: float32 and integer inputs", kind="edge")
def _(sol, rng):
    softmax = checks.need_as_starter(sol, "softmax", "ex02")
    Z32 = rng.standard_normal((3, 4)).astype(np.float32)
    with checks.unchanged("softmax", ADVICE, Z=Z32):
        got = checks.as_array("softmax(float32 Z)", softmax(Z32))
    checks.check_dtype("softmax(float32 Z)", got, np.float32)
    checks.check_close("softmax(float32 Z)", got, ref_softmax(Z32.astype(np.float64)), rtol=1e-5, atol=1e-7,
                       hint=_mistake_hint(got, Z32, -1))
    _check(sol, np.array([[1, 2, 3], [0, 0, 0]]), name="softmax(integer Z)")


@cases("property: does not modify Z", kind="property")
def _(sol, rng):
    softmax = checks.need_as_starter(sol, "softmax", "ex02")
    Z = rng.standard_normal((3, 4)) * 10
    with checks.unchanged("softmax", ADVICE, Z=Z):
        softmax(Z)
