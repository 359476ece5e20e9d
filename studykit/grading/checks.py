"""Checks that exercise suites use: each raises `CheckFailed` with a message that teaches.

Messages name the value (`dZ`), say where it is wrong (the index of the worst entry), show the
learner's value next to the expected one and the max error. `match_variant` turns a wrong answer
into a targeted hint by recognising the common mistakes (forgot /N, wrong axis, …).
"""

from __future__ import annotations

import ast
import contextlib
import functools
import inspect
import warnings
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from studykit.grading import diagnose
from studykit.grading.cases import CheckFailed
from studykit.grading.gradcheck import rel_error


def need(sol: Any, name: str) -> Callable:
    """The learner's function `name`, or a failure saying it is missing."""
    func = getattr(sol, name, None)
    if func is None:
        raise CheckFailed(f"solution.py defines no function `{name}`; keep the starter's name and signature.")
    if not callable(func):
        raise CheckFailed(f"`{name}` in solution.py is a {type(func).__name__}, not a function.")
    return func


@functools.cache
def starter_signatures(exercise: str) -> dict[str, tuple[tuple[str, bool], ...]]:
    """{function: ((parameter, has a default), ...)} of the starter `exercises/exNN-*/solution.py`, read with `ast`
    (the starter is text to the grader, never imported)."""
    from studykit.catalog import find

    tree = ast.parse((find(exercise).starter_dir / "solution.py").read_text(encoding="utf-8"))
    found: dict[str, tuple[tuple[str, bool], ...]] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            args = node.args.posonlyargs + node.args.args
            first_default = len(args) - len(node.args.defaults)
            found[node.name] = tuple((a.arg, i >= first_default) for i, a in enumerate(args))
    return found


def learner_parameters(sol: Any, name: str, func: Callable) -> tuple[str, ...] | None:
    """The names of the learner's parameters of `name`, in order, when they can be known: from the signature the
    grading protocol sends as data (`RemoteFunction.parameters`), else from a local function object (tests). None for
    `*args` and the like. (Never from a value of the learner's module: a file could define one to match.)"""
    sent = getattr(type(func), "parameters", None)
    if isinstance(sent, property):
        params = getattr(func, "parameters", None)
        if params is None or any(kind in ("VAR_POSITIONAL", "VAR_KEYWORD", "KEYWORD_ONLY") for _, kind, _, _ in params):
            return None
        return tuple(p for p, _, _, _ in params)
    try:
        params = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return None
    if any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD, p.KEYWORD_ONLY) for p in params):
        return None
    return tuple(p.name for p in params)


def need_as_starter(sol: Any, name: str, exercise: str) -> Callable:
    """`need`, and the learner's parameters in the starter's order: the suites call positionally in some cases, so a
    different order would compute something else; this says which order is expected instead of a wrong value."""
    func = need(sol, name)
    starter = tuple(p for p, _ in starter_signatures(exercise).get(name, ()))
    yours = learner_parameters(sol, name, func)
    if starter and yours is not None and yours != starter:
        same_names = sorted(yours) == sorted(starter)
        missing = [p for p in starter if p not in yours]
        why = ("the same names in another order, so a positional call gives your parameters the wrong values"
               if same_names else f"missing {', '.join(missing)}" if missing else "extra parameters")
        raise CheckFailed(
            f"{name}: your parameters are ({', '.join(yours)}); the starter's are ({', '.join(starter)}) — {why}.",
            "keep the starter's signature exactly (names, order and defaults): the grader calls your function both "
            "positionally and with keywords.")
    return func


def check_dtype(name: str, got: np.ndarray, expected: Any) -> None:
    """The result's dtype is `expected` (the input's): float32 in → float32 out, float64 in → float64 out."""
    want = np.dtype(expected)
    if got.dtype != want:
        lost = (" — float64 input computed in float32 keeps only about 7 significant digits"
                if want == np.float64 and got.dtype == np.float32 else "")
        if got.dtype == np.bool_ or np.issubdtype(got.dtype, np.integer):
            advice = (f"a comparison such as (x > 0) gives {got.dtype} values: convert them to the input's floats, "
                      "(x > 0).astype(x.dtype) or (x > 0) * 1.0.")
        else:
            advice = (f"keep the input's dtype: avoid `.astype({got.dtype})`, `np.{got.dtype}(…)` constants or arrays "
                      "made with a fixed dtype (np.zeros(shape) is float64: use np.zeros_like(X) or dtype=X.dtype).")
        raise CheckFailed(f"{name}: dtype {got.dtype}, expected {want} (the dtype of the input){lost}.", advice)


def fmt(value: Any) -> str:
    """A short, readable rendering of a number or array for messages."""
    if isinstance(value, np.ndarray):
        if value.size <= 12:
            return np.array2string(value, precision=6, separator=", ", suppress_small=False)
        return f"array of shape {value.shape}"
    if isinstance(value, (float, np.floating)):
        return f"{float(value):.6g}"
    return repr(value)


def as_array(name: str, got: Any, *, allow_scalar: bool = False) -> np.ndarray:
    """`got` as an ndarray, or a failure saying what type came back."""
    if isinstance(got, np.ndarray):
        return got
    if allow_scalar and isinstance(got, (int, float, np.integer, np.floating)) and not isinstance(got, bool):
        return np.asarray(got)
    if got is None:
        raise CheckFailed(f"{name}: your function returned None — did you forget `return`?")
    raise CheckFailed(f"{name}: expected a numpy array, got {type(got).__name__}.")


def as_float(name: str, got: Any) -> float:
    """`got` as a Python float (a 0-d or size-1 array is accepted), or a failure saying what it is."""
    if got is None:
        raise CheckFailed(f"{name}: your function returned None — did you forget `return`?")
    if isinstance(got, (int, float, np.integer, np.floating)) and not isinstance(got, bool):
        return float(got)
    if isinstance(got, np.ndarray) and got.size == 1:
        return float(got.reshape(()))
    shape = f" of shape {got.shape}" if isinstance(got, np.ndarray) else ""
    raise CheckFailed(f"{name}: expected a single number (a float), got {type(got).__name__}{shape}.")


def check_shape(name: str, got: np.ndarray, expected: tuple[int, ...], hint: str | None = None) -> None:
    if got.shape != tuple(expected):
        raise CheckFailed(f"{name}: shape {got.shape}, expected {tuple(expected)}.", hint)


def check_dtype_float(name: str, got: np.ndarray) -> None:
    if not np.issubdtype(got.dtype, np.floating):
        raise CheckFailed(f"{name}: dtype {got.dtype}, expected a floating-point array.")


def _nonfinite_message(name: str, arr: np.ndarray, bad: np.ndarray) -> str:
    """The message for NaN/inf in a result: how many, the first one, and where NaN and inf usually come from."""
    first = tuple(int(i) for i in np.argwhere(bad)[0]) if arr.ndim else ()
    value = arr[first]
    kind = "nan" if np.isnan(value) else ("inf" if value > 0 else "-inf")
    at = f" at index {first}" if arr.ndim else ""
    count = f"{int(bad.sum())} of {arr.size} entries are" if arr.ndim else "it is"
    cause = ("nan comes from 0/0, inf − inf, 0·inf or a log/sqrt of a negative number" if kind == "nan"
             else "inf comes from an overflow (exp of a large number) or a division by zero")
    return f"{name}: {count} not finite, first {kind}{at}; every result must be a finite number ({cause})."


def check_finite(name: str, got: Any, hint: str | None = None) -> None:
    """No NaN or inf anywhere in `got` (a failure with its own message, never a mere "wrong value")."""
    arr = np.asarray(got, dtype=np.float64)
    bad = ~np.isfinite(arr)
    if bad.any():
        raise CheckFailed(_nonfinite_message(name, arr, bad), hint)


def check_close(
    name: str,
    got: Any,
    expected: Any,
    *,
    rtol: float = 1e-6,
    atol: float = 1e-9,
    hint: str | None = None,
    variants: Mapping[str, Any] | None = None,
    terms: Mapping[str, Any] | None = None,
    factors: Mapping[str, float] | None = None,
) -> None:
    """got ≈ expected elementwise (|got − expected| ≤ atol + rtol·|expected|), with shape checked first.

    On a failure the hint is `hint`, else the named mistake of `variants` that `got` equals — only a mistake whose
    value differs from `expected` on this input can be named (`match_variant(..., expected=...)`) — else what
    `diagnose.explain` sees (a factor, a sign, a transpose, the border, a shift, one of `terms` missing)."""
    exp = np.asarray(expected, dtype=np.float64)

    def why(value: Any) -> str | None:
        if hint is not None:
            return hint
        if variants:
            named = match_variant(value, variants, expected=exp, check_rtol=rtol, check_atol=atol)
            if named:
                return named
        return diagnose.explain(value, exp, rtol=rtol, atol=atol, terms=terms, factors=factors)

    if exp.ndim == 0:
        value = as_float(name, got)
        if not np.isfinite(value) and np.isfinite(exp):
            raise CheckFailed(_nonfinite_message(name, np.asarray(value), np.asarray(True)), why(value))
        if not abs(value - float(exp)) <= atol + rtol * abs(float(exp)):
            raise CheckFailed(
                f"{name}: yours = {value:.8g}, expected {float(exp):.8g} (error {abs(value - float(exp)):.3g}).",
                why(value),
            )
        return
    arr = as_array(name, got)
    if arr.shape != exp.shape:
        check_shape(name, arr, exp.shape, hint or diagnose.shape_note(arr.shape, exp.shape))
    arr64 = arr.astype(np.float64)
    nonfinite = ~np.isfinite(arr64) & np.isfinite(exp)  # the reference is finite there: a NaN/inf is its own failure
    if nonfinite.any():
        raise CheckFailed(_nonfinite_message(name, arr64, nonfinite), why(arr64))
    both_nonfinite_equal = (~np.isfinite(exp)) & (arr64 == exp)
    err = np.where(both_nonfinite_equal, 0.0, np.abs(arr64 - exp))
    err = np.where(np.isnan(err), np.inf, err)
    tol = atol + rtol * np.abs(np.where(np.isfinite(exp), exp, 0.0))
    bad = err > tol
    if bad.any():
        worst = np.unravel_index(int(np.argmax(np.where(bad, err, -1.0))), exp.shape)
        idx = tuple(int(i) for i in worst)
        raise CheckFailed(
            f"{name}: {int(bad.sum())} of {exp.size} entries wrong; at index {idx} yours = {arr64[idx]:.8g}, "
            f"expected {exp[idx]:.8g}; max error {float(np.max(err)):.3g}.",
            why(arr64),
        )


def check_gradient(name: str, got: Any, numeric: np.ndarray, *, threshold: float = 1e-6,
                   hint: str | None = None) -> None:
    """A backward result against central finite differences, by CS231n's relative error."""
    arr = as_array(name, got)
    check_shape(name, arr, numeric.shape, hint)
    check_finite(name, arr, hint)
    bad = ~np.isfinite(numeric)
    if bad.any():  # the finite differences of the learner's own forward: NaN there must not pass silently
        raise CheckFailed(f"{name}: the finite differences of your forward are not finite (your forward returned nan "
                          f"or inf near these inputs: {int(bad.sum())} of {numeric.size} entries); "
                          "fix the forward first.")
    err = rel_error(arr, numeric)
    if not err <= threshold:  # written so that a NaN error fails too
        diff = np.abs(arr.astype(np.float64) - numeric)
        idx = tuple(int(i) for i in np.unravel_index(int(np.argmax(diff)), diff.shape))
        raise CheckFailed(
            f"{name}: relative error {err:.2e} against central finite differences (threshold {threshold:.0e}); "
            f"at index {idx} yours = {float(arr[idx]):.8g}, numerical = {numeric[idx]:.8g}.",
            hint,
        )


def distinguishes(variant: Any, expected: Any, *, rtol: float = 1e-6, atol: float = 1e-9) -> bool:
    """True when the mistake's value `variant` would fail a check of `expected` at this tolerance: only then can a
    result equal to it be blamed on that mistake (a stride hint on a stride-1 case, a flip on a symmetric input…)."""
    try:
        v = np.asarray(variant, dtype=np.float64)
        e = np.asarray(expected, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    if v.shape != e.shape:
        return True
    with np.errstate(all="ignore"):
        err = np.where((~np.isfinite(e)) & (v == e), 0.0, np.abs(v - e))
        err = np.where(np.isnan(err), np.inf, err)
        return bool(np.any(err > atol + rtol * np.abs(np.where(np.isfinite(e), e, 0.0))))


def match_variant(got: Any, variants: Mapping[str, Any], *, rtol: float = 1e-5, atol: float = 1e-8,
                  expected: Any = None, check_rtol: float = 1e-6, check_atol: float = 1e-9) -> str | None:
    """The hint whose wrong-answer variant `got` equals, if any: a targeted diagnosis of a common mistake.

    `variants` maps a hint to the value a typical mistake produces (or a callable making it lazily). With
    `expected`, a variant that this input cannot tell from the right answer (at the check's tolerance
    `check_rtol`/`check_atol`) is never named: the learner's wrong result cannot be that mistake's."""
    try:
        arr = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    matched: list[str] = []
    for hint, value in variants.items():
        try:
            with np.errstate(all="ignore"):
                candidate = np.asarray(value() if callable(value) else value, dtype=np.float64)
        except Exception:  # a variant that cannot even be formed for this input is simply not a match
            continue
        if expected is not None and not distinguishes(candidate, expected, rtol=check_rtol, atol=check_atol):
            continue
        if candidate.shape == arr.shape and np.allclose(arr, candidate, rtol=rtol, atol=atol, equal_nan=True):
            matched.append(hint)
    if not matched:
        return None
    # two different mistakes that give the same value here (a flip of the rows and of the columns on a linear ramp)
    # cannot be told apart by this input: name neither, unless one hint is the other's beginning
    shortest = min(matched, key=len).strip()
    return min(matched, key=len) if all(h.strip().startswith(shortest) for h in matched) else None


@contextlib.contextmanager
def unchanged(function: str, advice: str | Mapping[str, str] | None = None, **arrays: np.ndarray) -> Iterator[None]:
    """Fails if the learner's `function` modified any of `arrays` (keyword = the parameter's name) in place.

    The message names the parameter; `advice` says how to compute without writing into it (default: a generic
    sentence about `a = a - …` versus `a -= …`); a mapping gives advice per parameter, used only when that parameter
    is the one changed (moving-statistics advice is never given for a reshaped `gamma`)."""
    from studykit.grading.remote import shape_changes

    copies = {name: np.array(a, copy=True) for name, a in arrays.items()}
    with shape_changes() as remote_shapes:  # over the grading wire the grader's array keeps its shape: reported here
        yield
    after = {name: remote_shapes.get(id(a), np.shape(a)) for name, a in arrays.items()}
    changed = [name for name, before in copies.items()
               if before.shape != after[name] or not np.array_equal(before, arrays[name], equal_nan=True)]
    if changed:
        names = ", ".join(f"`{n}`" for n in changed)
        what = f"its argument {names}" if len(changed) == 1 else f"its arguments {names}"
        first = changed[0]
        if isinstance(advice, Mapping):
            advice = advice.get(first)
        reshaped = [n for n in changed if copies[n].shape != after[n]]
        if reshaped and advice is None:
            r = reshaped[0]
            advice = (f"you changed the shape of the caller's `{r}` (from {copies[r].shape} to "
                      f"{after[r]}): `{r}.shape = …` or `{r}.resize(…)` reshape it in place; "
                      f"`{r}_b = {r}.reshape(…)` makes a new view and leaves the caller's array as it was.")
        raise CheckFailed(
            f"{function} modified {what} in place: the caller's array changed. Return new arrays and leave the "
            "inputs as they were.",
            advice or f"`{first} = {first} - …` or `out = {first} * …` makes a new array; `{first} -= …`, "
                       f"`{first} *= …` and `{first}[...] = …` write into the caller's array (copy first: "
                       f"`{first}.copy()`).",
        )


@contextlib.contextmanager
def numerics_watch() -> Iterator[list]:
    """Records numpy's numerical warnings (overflow, invalid value, divide by zero) raised inside the block.

    Use with `no_warnings` after the result is known, so that the hint can be chosen by comparing the result with
    the named mistake's result."""
    caught: list = []
    # underflow (exp(−1e4) → 0) is harmless and expected in stable code; the others are the bugs
    with warnings.catch_warnings(record=True) as seen, np.errstate(over="warn", invalid="warn", divide="warn",
                                                                   under="ignore"):
        warnings.simplefilter("always")
        try:
            yield caught
        finally:
            caught.extend(w for w in seen if issubclass(w.category, RuntimeWarning))


def no_warnings(name: str, caught: list, hint: str | None = None) -> None:
    if caught:
        raise CheckFailed(f"{name}: numpy warned “{caught[0].message}” — your computation is not numerically stable.",
                          hint)


@contextlib.contextmanager
def strict_numerics(name: str, hint: str | None = None) -> Iterator[None]:
    """Numerical warnings inside the block fail the check (with `hint`, which must name what the warning shows)."""
    with numerics_watch() as caught:
        yield
    no_warnings(name, caught, hint)
