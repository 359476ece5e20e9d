"""Issue #12, item 1: every backward is tried across the parameter ranges its forward is, and a NaN or inf in any
result fails with its own message. Each former false pass is a learner-style solution graded through the CLI."""

from __future__ import annotations

import pytest
from conftest import SOLUTIONS
from ex_helpers import failing, graded

NOT_FINITE = "not finite"


def learner(solution: str, old: str, new: str) -> str:
    """tests/solutions/<solution>.py with one line changed the way a learner would get it wrong (or right)."""
    source = (SOLUTIONS / f"{solution}.py").read_text(encoding="utf-8")
    assert old in source
    return source.replace(old, new)


LOOPS_RETURN = "return dXp[:, :, padding:padding + H, padding:padding + Wd], dW, db"
CROP_ONE_RING = learner("ex09_loops", LOOPS_RETURN,
                        "dX = dXp[:, :, 1:-1, 1:-1] if padding > 0 else dXp  # crops one ring of padding\n    return dX, dW, db")
CROP_AT_ONE = learner("ex09_loops", LOOPS_RETURN,  # the right shape, the crop starting at 1 whatever the padding
                      "return dXp[:, :, 1:1 + H, 1:1 + Wd] if padding else dXp, dW, db")
_LOOPS = (SOLUTIONS / "ex09_loops.py").read_text(encoding="utf-8")
ROTATED = (_LOOPS[:_LOOPS.index("def conv2d_backward")]  # one file, as a learner has it: the loop forward, and
           + learner("ex09_full_corr_unrotated", "* W[:, c])  # W not rotated", "* W[:, c, ::-1, ::-1])")
           .split("from ex09_loops import conv2d_forward")[1].split("\n", 1)[1])  # the full-correlation backward
ASSIGN_WINDOW = learner("ex10_no_overlap_accumulate",
                        """                    a, b = np.unravel_index(np.argmax(window), window.shape)
                    dX[n, c, i * stride + a, j * stride + b] = dout[n, c, i, j]""",
                        """                    hs, ws = i * stride, j * stride
                    dX[n, c, hs:hs + size, ws:ws + size] = (window == window.max()) * dout[n, c, i, j]""")


def test_a_conv_backward_that_crops_one_ring_fails_for_padding_two_and_three(grade_source):
    _, result = grade_source("ex09", CROP_ONE_RING, "--seed", "7")
    wrong = failing(result)
    assert result["status"] == "fail" and result["parts"]["forward"]["passed"] == result["parts"]["forward"]["total"]
    text = wrong["backward: every stride 1–3 with every padding 0–3"]
    assert "padding 2" in text and "you cut 1 ring(s) off dX_padded but padding = 2 added 2" in text
    # the old cases (padding 0 and 1) still pass: it is the new coverage that catches it
    assert "backward: stride 1, no padding" not in wrong and "backward: stride 2, padding 1, C_in ≠ C_out" not in wrong


def test_a_conv_backward_with_the_right_shape_but_a_crop_at_one_fails_with_the_offset_named(grade_source):
    _, result = grade_source("ex09", CROP_AT_ONE, "--seed", "7")
    wrong = failing(result)
    text = wrong["backward: every stride 1–3 with every padding 0–3"]
    assert "you cut the padded border at offset 1 instead of 2" in text


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_an_unusual_correct_conv_backward_passes(grade_source):
    _, result = grade_source("ex09", ROTATED, "--seed", "7")
    assert result["status"] == "pass", failing(result)


def test_dropout_backward_returning_nan_at_p_one_fails_with_its_own_message():
    result = graded("ex07", "ex07_backward_p1_nan")
    wrong = failing(result)
    assert set(wrong) == {"backward: p = 0, p = 1 and a batch of one"}
    text = wrong["backward: p = 0, p = 1 and a batch of one"]
    assert "dX (p = 1, X (4, 3)): 12 of 12 entries are not finite, first nan" in text
    assert "dividing by 1 − p = 0 gives 0/0 = nan" in text


def test_batch_norm_backward_is_tried_with_a_batch_of_one(grade_source):
    # the unbiased variance divides by m − 1 = 0 for one example: nan, named as such
    from conftest import SOLUTIONS

    source = (SOLUTIONS / "ex11_correct.py").read_text(encoding="utf-8")
    assert "def batch_norm_backward" in source
    broken = source + '''

def batch_norm_backward(dY, X, gamma, eps=1e-5):
    axes = (0,) if X.ndim == 2 else (0, 2, 3)
    shape = (1, -1) if X.ndim == 2 else (1, -1, 1, 1)
    m = X.size // X.shape[1]
    var = X.var(axis=axes, ddof=1, keepdims=True)  # unbiased: nan for a batch of one
    xhat = (X - X.mean(axis=axes, keepdims=True)) / np.sqrt(var + eps)
    g = dY * gamma.reshape(shape)
    dX = (m * g - g.sum(axis=axes, keepdims=True) - xhat * (g * xhat).sum(axis=axes, keepdims=True)) / (m * np.sqrt(var + eps))
    return dX, (dY * xhat).sum(axis=axes), dY.sum(axis=axes)
'''
    proc, result = grade_source("ex11", broken, "--seed", "4")
    wrong = failing(result)
    assert NOT_FINITE in wrong["backward (N, D) with a batch of one: x̂ = 0, so dX = 0 and dγ = 0"]


@pytest.mark.parametrize("exercise, solution", [("ex10", "ex10_correct"), ("ex09", "ex09_correct_im2col"),
                                                ("ex07", "ex07_correct"), ("ex11", "ex11_correct")])
@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_correct_solutions_pass_the_wider_coverage(exercise, solution):
    assert graded(exercise, solution)["status"] == "pass"


def test_assigning_the_whole_pooling_window_is_told_to_accumulate(grade_source):
    _, result = grade_source("ex10", ASSIGN_WINDOW, "--seed", "7")
    wrong = failing(result)
    assert "backward: 2×2 windows, stride 2" not in wrong  # no overlap: = and += agree
    for name in ("backward: overlapping windows (3×3, stride 2)",
                 "backward: every window size 1–3 with every stride 1–3"):
        assert "accumulate with dX[...] += dout[...]" in wrong[name] and "dX[window] = mask · dout" in wrong[name]


def test_an_unrotated_full_correlation_is_told_to_rotate_not_that_it_flipped():
    wrong = failing(graded("ex09", "ex09_full_corr_unrotated"))
    text = wrong["backward: stride 1, no padding"]
    assert "forgot to rotate it in the full-correlation form" in text and "W[:, :, ::-1, ::-1]" in text
    assert "you flipped W here" not in text


def test_nan_never_passes_a_comparison_or_a_finite_difference_check():
    import numpy as np

    from studykit.grading import checks
    from studykit.grading.cases import CheckFailed

    for call in (lambda: checks.check_gradient("dX", np.ones(3), np.array([1.0, np.nan, 1.0])),
                 lambda: checks.check_gradient("dX", np.array([1.0, np.inf, 1.0]), np.ones(3)),
                 lambda: checks.check_close("dX", np.array([np.nan, 1.0]), np.array([0.0, 1.0])),
                 lambda: checks.check_close("loss", float("nan"), 1.0),
                 lambda: checks.check_close("loss", float("inf"), 1.0)):
        with pytest.raises(CheckFailed) as failed:
            call()
        assert NOT_FINITE in failed.value.message


# ---- issue #20, item 1: wrong code that passed -------------------------------------------------------------------

import functools  # noqa: E402
import importlib  # noqa: E402
import importlib.util  # noqa: E402
import inspect  # noqa: E402
import types  # noqa: E402

import numpy as np  # noqa: E402

from studykit.catalog import find  # noqa: E402
from studykit.grading.cases import CheckFailed  # noqa: E402

SUITES = {"ex01": "ex01_correct", "ex02": "ex02_correct", "ex03": "ex03_correct", "ex04": "ex04_correct",
          "ex06": "ex06_correct", "ex07": "ex07_correct", "ex08": "ex08_correct", "ex09": "ex09_correct_im2col",
          "ex10": "ex10_correct", "ex11": "ex11_correct", "ex12": "ex12_correct"}


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _solution(name):
    return _load(SOLUTIONS / f"{name}.py", name)


def _starter_signatures(exercise):
    starter = _load(find(exercise).starter_dir / "solution.py", f"starter_{exercise}")
    return {n: inspect.signature(f) for n, f in vars(starter).items()
            if inspect.isfunction(f) and f.__module__ == starter.__name__}


def _recording(exercise, solution):
    """A `sol` whose functions are a correct solution's, each call recorded (bound to the STARTER's signature)."""
    module = _solution(solution)
    calls = {name: [] for name in _starter_signatures(exercise)}
    sol = types.SimpleNamespace(__file__=str(SOLUTIONS / f"{solution}.py"))
    for name in calls:
        func = getattr(module, name)

        def record(*args, _func=func, _name=name, **kwargs):
            calls[_name].append((args, kwargs))
            return _func(*args, **kwargs)

        setattr(sol, name, functools.wraps(func)(record))
    return sol, calls


def _run_all(exercise, sol, seed=7, skip=("speed",)):
    suite = importlib.import_module(f"studykit.grading.suites.{exercise}")
    for index, case in enumerate(suite.cases):
        if case.kind not in skip:
            case.run(sol, np.random.default_rng([seed, index]))


def _differs(value, default):
    if value is default:
        return False
    try:
        return bool(np.any(value != default))
    except Exception:  # noqa: BLE001 — a Generator against None, …
        return True


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
@pytest.mark.parametrize("exercise", sorted(SUITES))
def test_every_starter_parameter_is_varied_and_every_function_called_positionally_and_by_keyword(exercise):
    sol, calls = _recording(exercise, SUITES[exercise])
    _run_all(exercise, sol)
    for name, signature in _starter_signatures(exercise).items():
        if name == "residual_block_backward":  # the resnet engineer's cases
            continue
        made = calls[name]
        assert made, f"{exercise}: the suite never calls {name}"
        params = list(signature.parameters.values())
        assert any(len(args) == len(params) for args, _ in made), f"{name} is never called with all positional"
        assert any(kwargs for _, kwargs in made), f"{name} is never called with keywords"
        for param in params:
            if param.default is inspect.Parameter.empty:
                continue
            varied = [signature.bind(*args, **kwargs).arguments for args, kwargs in made]
            assert any(param.name in bound and _differs(bound[param.name], param.default) for bound in varied), \
                f"{exercise}: {name}'s `{param.name}` is never given a value other than its default {param.default!r}"


def _fails_somewhere(exercise, module, seed):
    """Runs the scored cases in order until one fails (cheap): True when the grade would not be a pass."""
    suite = importlib.import_module(f"studykit.grading.suites.{exercise}")
    for index, case in enumerate(suite.cases):
        if case.kind == "speed" or not case.scored:
            continue
        try:
            case.run(module, np.random.default_rng([seed, index]))
        except Exception:  # noqa: BLE001 — CheckFailed or the learner's code raising: not a pass either way
            return True
    return False


SEED_LUCK = [("ex03", "ex03_classes_from_labels"), ("ex06", "ex06_classes_from_labels"),
             ("ex07", "ex07_shared_mask"), ("ex07", "ex07_rng_before_train"), ("ex09", "ex09_padding_before_stride"),
             ("ex10", "ex10_stride_before_size"), ("ex11", "ex11_fixed_momentum_eps"), ("ex02", "ex02_float32_result")]


@pytest.mark.parametrize("exercise, solution", SEED_LUCK)
def test_a_wrong_solution_fails_on_every_one_of_200_seeds(exercise, solution):
    module = _solution(solution)
    passed = [seed for seed in range(200) if not _fails_somewhere(exercise, module, seed)]
    assert passed == []


def test_a_mask_shared_by_the_columns_fails_on_every_seed_too():
    source = (SOLUTIONS / "ex07_shared_mask.py").read_text(encoding="utf-8").replace(
        "np.broadcast_to(rng.random(X.shape[-1]) >= p, X.shape)",
        "np.broadcast_to(rng.random((X.shape[0], 1)) >= p, X.shape)")
    module = types.ModuleType("per_row")
    exec(compile(source, "per_row", "exec"), module.__dict__)
    assert all(_fails_somewhere("ex07", module, seed) for seed in range(200))


@pytest.mark.cli
@pytest.mark.parametrize("exercise, solution, case, words", [
    ("ex03", "ex03_classes_from_labels", "random: the last classes never occur in y (C comes from Z, not from y)",
     "broadcast"),
    ("ex06", "ex06_classes_from_labels", "random: the last classes never occur in y (C comes from W2, not from y)",
     "broadcast"),
    ("ex07", "ex07_shared_mask", "train: the dropped fraction is p (p = 0.3)",
     "the dropped pattern repeats across rows (examples)"),
    ("ex07", "ex07_rng_before_train", "train: the dropped fraction is p (p = 0.3)",
     "your parameters are (X, p, rng, train); the starter's are (X, p, train, rng)"),
    ("ex09", "ex09_padding_before_stride", "forward: every stride 1–3 with every padding 0–3",
     "your parameters are (X, W, b, padding, stride); the starter's are (X, W, b, stride, padding)"),
    ("ex10", "ex10_stride_before_size", "forward: every window size 1–3 with every stride 1–3",
     "your parameters are (X, stride, size); the starter's are (X, size, stride)"),
    ("ex11", "ex11_fixed_momentum_eps", "train with eps = 0.1 and momentum = 0.7, positionally and by keyword",
     "use the eps you are given (eps = 0.1 here)"),
    ("ex02", "ex02_float32_result", "fixed: one row [1, 2, 3]", "dtype float32, expected float64"),
])
def test_each_former_false_pass_fails_through_the_cli(exercise, solution, case, words):
    result = graded(exercise, solution)
    assert result["status"] == "fail"
    wrong = failing(result)
    assert case in wrong and words in wrong[case], wrong.get(case, wrong)


def test_a_different_parameter_order_is_named_even_before_any_value_is_compared():
    from studykit.grading import checks

    module = _solution("ex07_rng_before_train")
    with pytest.raises(CheckFailed) as failed:
        checks.need_as_starter(module, "dropout_forward", "ex07")
    assert failed.value.message.startswith("dropout_forward: your parameters are (X, p, rng, train); "
                                           "the starter's are (X, p, train, rng)")
    # the protocol sends the signature as data (RemoteFunction.parameters): the same check, from that data
    from studykit.grading.remote import RemoteFunction

    params = [[n, "POSITIONAL_OR_KEYWORD", d, None] for n, d in (("X", False), ("p", False), ("rng", True),
                                                                 ("train", True))]
    remote = RemoteFunction(session=None, name="dropout_forward", info={"params": params})
    with pytest.raises(CheckFailed) as failed:
        checks.need_as_starter(types.SimpleNamespace(dropout_forward=remote), "dropout_forward", "ex07")
    assert "your parameters are (X, p, rng, train)" in failed.value.message


def test_the_result_dtype_follows_the_input_where_the_exercise_is_dtype_generic():
    from ex_suite_harness import module_from_source, run_cases

    shift = "    shifted = Z - Z.max(axis=axis, keepdims=True)"
    as64 = (SOLUTIONS / "ex02_correct.py").read_text(encoding="utf-8").replace(
        shift, "    Z = Z.astype(np.float64)\n" + shift)
    status, message, _ = run_cases("ex02", module_from_source(as64))["edge: float32 and integer inputs"]
    assert status == "fail" and "softmax(float32 Z): dtype float64, expected float32" in message
    boolean = (SOLUTIONS / "ex04_correct.py").read_text(encoding="utf-8") + "\n\ndef relu_grad(x):\n    return x > 0\n"
    status, message, hint = run_cases("ex04", module_from_source(boolean))["relu_grad: fixed values, relu_grad(0) = 0"]
    assert status == "fail" and "dtype bool, expected float64" in message and "(x > 0).astype(x.dtype)" in hint
