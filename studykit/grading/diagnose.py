"""What differs between a wrong result and the right one, said plainly, when no named mistake of a suite matches.

`checks.check_close` calls `explain` for a failure that has no hint: instead of numbers alone the learner reads
"your result is 2× the right one", "the sign is flipped", "only the border ring is wrong", "shifted by one row",
"one term (the one through the mean) is missing". Every test here compares the two arrays only (the grader's
process, never the learner's), and names a pattern only when it explains every entry at the check's tolerance.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np


def _close(a: np.ndarray, b: np.ndarray, rtol: float, atol: float) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=max(rtol, 1e-9), atol=atol))


def shape_note(got: tuple[int, ...], expected: tuple[int, ...]) -> str | None:
    """A hint for a shape that differs only by kept (length-1) axes or by a transpose, else None."""
    got, expected = tuple(got), tuple(expected)
    squeezed = tuple(d for d in got if d != 1)
    if got != expected and squeezed == tuple(d for d in expected if d != 1):
        if len(got) > len(expected):
            return (f"your shape {got} is the expected {expected} with extra length-1 axes: a sum or mean with "
                    "keepdims=True (or a reshape) kept axes the result must not have.")
        return f"your shape {got} lacks the length-1 axes of {expected}: keep them (keepdims=True or reshape)."
    if len(got) == len(expected) == 2 and got == expected[::-1] and got != expected:
        return f"your shape {got} is the expected {expected} transposed: check which axis is which."
    return None


def _factor(got: np.ndarray, exp: np.ndarray, rtol: float, atol: float) -> float | None:
    """k when got = k·expected for one constant k ≠ 1 (least squares, then verified entrywise)."""
    denom = float(np.sum(exp * exp))
    if denom == 0.0 or exp.size == 0:
        return None
    k = float(np.sum(got * exp)) / denom
    if not np.isfinite(k) or abs(k - 1) < 1e-6 or k == 0:
        return None
    return k if _close(got, k * exp, rtol, atol) else None


def _nice(k: float, factors: Mapping[str, float] | None) -> bool:
    """k is −1, ±2, ±½ or ± one of the named sizes (or its inverse), to 1e-9."""
    m = abs(k)
    sizes = [v for v in (factors or {}).values() if v]
    values = [1.0, 2.0, 0.5, *sizes, *[1 / v for v in sizes]]
    return any(abs(m - v) <= 1e-9 * v for v in values) and not (k > 0 and abs(k - 1) <= 1e-9)


def _name_factor(k: float, factors: Mapping[str, float] | None) -> str:
    if k < 0 and abs(k + 1) < 1e-6:
        return "the sign is flipped: your result is −1 × the right one"
    sign = "−" if k < 0 else ""
    m = abs(k)
    for label, value in (factors or {}).items():
        if value and value != 1:
            if abs(m - value) <= 1e-6 * value:
                return f"your result is {sign}{label} × the right one ({label} = {value:g}): an extra factor {label}"
            if abs(m * value - 1) <= 1e-6:
                return (f"your result is the right one {sign}÷ {label} ({label} = {value:g}): an extra division by "
                        f"{label}")
    for whole in (2, 3, 4, 0.5):
        if abs(m - whole) <= 1e-6 * whole:
            shown = "½" if whole == 0.5 else f"{whole:g}"
            return f"your result is {sign}{shown} × the right one: a constant factor is off"
    return f"your result is {k:.4g} × the right one everywhere: a constant factor is off (a missing division?)"


def _border_only(bad: np.ndarray) -> bool:
    """Every wrong entry lies in the outermost ring of the last two axes (and some inner entry exists)."""
    if bad.ndim < 2 or min(bad.shape[-2:]) < 3:
        return False
    inner = bad[..., 1:-1, 1:-1]
    return bool(bad.any() and not inner.any())


def _shift(got: np.ndarray, exp: np.ndarray, rtol: float, atol: float) -> str | None:
    """'shifted by one along axis a' when got equals expected moved one place along an axis (ignoring the edge)."""
    for axis in range(exp.ndim):
        if exp.shape[axis] < 3:
            continue
        n = exp.shape[axis]
        for step, where in ((1, "later"), (-1, "earlier")):
            a = np.take(got, range(1, n) if step == 1 else range(0, n - 1), axis=axis)
            b = np.take(exp, range(0, n - 1) if step == 1 else range(1, n), axis=axis)
            if _close(a, b, rtol, atol) and not _close(got, exp, rtol, atol):
                return (f"your result is the right one shifted by one position along axis {axis} (each value one "
                        f"place {where}): an index off by one.")
    return None


def explain(got: Any, expected: Any, *, rtol: float = 1e-6, atol: float = 1e-9,
            terms: Mapping[str, Any] | None = None, factors: Mapping[str, float] | None = None) -> str | None:
    """One sentence on how `got` differs from `expected`, or None when no simple pattern explains it.

    `terms` = {name: array} are the separate terms the reference adds up (expected = Σ terms): a result equal to
    the sum without one of them is told which one is missing. `factors` = {"N": 8} names the sizes a factor may be.
    """
    try:
        g = np.asarray(got, dtype=np.float64)
        e = np.asarray(expected, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    if g.shape != e.shape:
        return shape_note(g.shape, e.shape)
    if not (np.all(np.isfinite(g)) and np.all(np.isfinite(e))):
        return None
    scale = float(np.max(np.abs(e))) if e.size else 0.0
    if scale > 0 and np.max(np.abs(g - e)) <= 4e-7 * scale and rtol < 1e-6:
        return ("your result agrees to about 7 significant digits only: that is float32 precision — compute in the "
                "input's float64.")
    if terms:
        for label, term in terms.items():
            t = np.asarray(term, dtype=np.float64)
            if t.shape == e.shape and np.any(np.abs(t) > atol) and _close(g, e - t, rtol, atol):
                return f"your result is the right one without the term {label}: that term is missing."
            if t.shape == e.shape and np.any(np.abs(t) > atol) and _close(g, e + t, rtol, atol):
                return f"your result has the term {label} with the wrong sign (or counted twice)."
    k = _factor(g, e, rtol, atol)
    if k is not None and (np.count_nonzero(np.abs(e) > atol) >= 3 or _nice(k, factors)):
        # with one or two numbers any ratio "explains" them: only a ratio that names a usual mistake is said then
        return _name_factor(k, factors) + "."
    if e.ndim == 2 and e.shape[0] == e.shape[1] and e.shape[0] > 1 and _close(g, e.T, rtol, atol):
        return "your result is the right one transposed: rows and columns are swapped."
    if e.ndim >= 2 and e.shape[-1] == e.shape[-2] and e.shape[-1] > 1 and _close(g, np.swapaxes(e, -1, -2), rtol, atol):
        return "your result is the right one with its last two axes swapped (rows ↔ columns)."
    bad = np.abs(g - e) > atol + rtol * np.abs(e)
    if _border_only(bad):
        return ("only the border ring is wrong (the first/last rows and columns); the inside is right: look at how "
                "the edges are padded or cropped.")
    shifted = _shift(g, e, rtol, atol)
    if shifted:
        return shifted
    return None
