"""Issue #20, item 4 (and #12 item 5): speed advice is decided from the code (its AST), the size of the gap from
timing. The timing logic is tested with injected timings; no test here measures this machine (real timing lives in
bench/bench_speed.py)."""

from __future__ import annotations

import types

import pytest
from conftest import SOLUTIONS
from ex_helpers import graded

from studykit.grading import speed


class Script:
    """A fake CPU timer: calls the function (so the order of calls is seen) and returns the next scripted time."""

    def __init__(self, seconds: dict[str, list[float]]):
        self.seconds = {k: list(v) for k, v in seconds.items()}
        self.calls: list[str] = []

    def __call__(self, func) -> float:
        label = func()
        self.calls.append(label)
        queue = self.seconds[label]
        return queue.pop(0) if len(queue) > 1 else queue[0]


def tagged(label):
    return lambda: label


def test_reference_and_learner_are_timed_alternately_and_the_best_is_kept():
    timer = Script({"ref": [0.004, 0.003, 0.005, 0.003, 0.006, 0.004], "learner": [0.02, 0.03]})
    ref, yours, rounds = speed.best_pair(tagged("ref"), tagged("learner"), rounds=2, timer=timer, clock=lambda: 0.0)
    assert timer.calls == ["ref", "ref", "ref", "learner"] * 2 and rounds == 2
    assert ref == 0.003 and yours == 0.02


def test_the_rounds_stop_at_the_budget_but_never_before_two():
    ticks = iter(range(100))
    timer = Script({"ref": [0.001], "learner": [0.002]})
    _, _, rounds = speed.best_pair(tagged("ref"), tagged("learner"), rounds=5, budget=0.5, timer=timer,
                                   clock=lambda: float(next(ticks)))
    assert rounds == 2


def test_a_learner_too_slow_for_the_full_size_is_compared_on_the_small_size_with_the_reference_there_too():
    timer = Script({"learner small": [0.01], "reference small": [0.001], "learner full": [9.0],
                    "reference full": [1.0]})
    message = speed.compare(tagged("learner small"), tagged("learner full"), tagged("reference small"),
                            tagged("reference full"), scale=1000, small_label="N=1, C=4, 16×16", advice="ADVICE",
                            timer=timer, clock=lambda: 0.0)
    assert "learner full" not in timer.calls and "reference full" not in timer.calls
    assert "on N=1, C=4, 16×16: the full size would take too long" in message
    assert message.startswith("correct; 10× slower than the reference") and message.endswith("— ADVICE")


def test_the_learner_is_never_extrapolated_against_a_reference_of_another_size():
    timer = Script({"learner small": [0.001], "learner full": [0.003], "reference small": [0.0001],
                    "reference full": [0.001]})
    message = speed.compare(tagged("learner small"), tagged("learner full"), tagged("reference small"),
                            tagged("reference full"), scale=2, small_label="small", advice="A", timer=timer,
                            clock=lambda: 0.0)
    assert "reference small" not in timer.calls and timer.calls.count("learner full") >= 2
    assert "3× slower" in message


@pytest.mark.parametrize("learner, verdict", [(0.0011, "about as fast as the reference"),
                                              (0.0004, "2.5× faster than the reference"),
                                              (0.05, "50× slower than the reference")])
def test_only_the_size_of_the_gap_comes_from_the_timing(learner, verdict):
    timer = Script({"ls": [learner], "lf": [learner], "rs": [0.001], "rf": [0.001]})
    message = speed.compare(tagged("ls"), tagged("lf"), tagged("rs"), tagged("rf"), scale=1, small_label="s",
                            advice="THE SAME ADVICE", timer=timer, clock=lambda: 0.0)
    assert verdict in message and message.endswith("— THE SAME ADVICE")


EINSUM_CONV = """
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_forward(X, W, b, stride=1, padding=0):
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    win = sliding_window_view(Xp, W.shape[2:], axis=(2, 3))[:, :, ::stride, ::stride]
    return np.einsum("nchwij,ocij->nohw", win, W) + b[None, :, None, None]
"""

HINT3_IM2COL = """
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _windows(X, kh, kw, stride, padding):
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    return sliding_window_view(Xp, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]


def conv2d_forward(X, W, b, stride=1, padding=0):
    c_out, c_in, kh, kw = W.shape
    win = _windows(X, kh, kw, stride, padding)
    n, _, ho, wo = win.shape[:4]
    cols = win.transpose(0, 2, 3, 1, 4, 5).reshape(n * ho * wo, c_in * kh * kw)
    out = cols @ W.reshape(c_out, -1).T + b
    return out.reshape(n, ho, wo, c_out).transpose(0, 3, 1, 2)
"""

KERNEL_OFFSET_LOOPS = """
import numpy as np


def conv2d_forward(X, W, b, stride=1, padding=0):
    c_out, c_in, kh, kw = W.shape
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    ho = (Xp.shape[2] - kh) // stride + 1
    wo = (Xp.shape[3] - kw) // stride + 1
    out = np.zeros((X.shape[0], c_out, ho, wo))
    for i in range(kh):
        for j in range(kw):
            patch = Xp[:, :, i:i + stride * ho:stride, j:j + stride * wo:stride]
            out += np.tensordot(patch, W[:, :, i, j], axes=([1], [1])).transpose(0, 3, 1, 2)
    return out + b[None, :, None, None]
"""

VIEW_POOL = """
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def max_pool2d(X, size=2, stride=2):
    return sliding_window_view(X, (size, size), axis=(2, 3))[:, :, ::stride, ::stride].max(axis=(-2, -1))
"""

LOOP_GRAD = """
import numpy as np


def linear_grad(X, y, w, b):
    r = X @ w + b - y
    dw = np.zeros_like(w)
    for i in range(X.shape[0]):
        dw += X[i] * r[i]
    return dw / len(y), float(r.mean())
"""


def test_a_loop_free_einsum_convolution_is_not_told_to_stop_looping():
    advice = speed.conv_advice(speed.analyze(EINSUM_CONV, "conv2d_forward"))
    assert "einsum without optimize=True" in advice and "loop" not in advice.split(":")[0].replace("loop-free", "")


def test_hint_3s_im2col_recipe_is_recognised_as_one_matrix_product():
    facts = speed.analyze(HINT3_IM2COL, "conv2d_forward")
    assert facts.found and facts.product and facts.windows and facts.loops == 0
    assert "matrix products" in speed.conv_advice(facts) and "instead" not in speed.conv_advice(facts)


def test_loops_over_kernel_offsets_with_a_product_are_not_loops_over_pixels():
    facts = speed.analyze(KERNEL_OFFSET_LOOPS, "conv2d_forward")
    assert facts.kernel_loops == 2 and facts.pixel_loops == 0 and facts.product
    assert "loops over output positions" not in speed.conv_advice(facts)


def test_a_loop_convolution_is_told_to_vectorize_and_a_helper_functions_loops_count():
    source = (SOLUTIONS / "ex09_loops.py").read_text(encoding="utf-8")
    facts = speed.analyze(source, "conv2d_forward")
    assert facts.pixel_loops >= 2
    assert "loops over output positions" in speed.conv_advice(facts)
    helper = "def _one(X, W, i, j):\n    return (X[:, :, i, j] * W).sum()\n" \
             "def conv2d_forward(X, W, b, stride=1, padding=0):\n    return [[_one(X, W, i, j) for j in range(3)]" \
             " for i in range(4)]\n"
    assert speed.analyze(helper, "conv2d_forward").pixel_loops == 2


def test_a_loop_free_pooling_is_never_told_to_view_the_windows():
    advice = speed.pool_advice(speed.analyze(VIEW_POOL, "max_pool2d"))
    assert "view the windows with" not in advice and "vectorized" in advice
    loops = speed.pool_advice(speed.analyze((SOLUTIONS / "ex10_loops.py").read_text(encoding="utf-8"), "max_pool2d"))
    assert "loops over output positions" in loops


def test_linear_grad_advice_follows_the_code():
    assert "Python loop over examples" in speed.linear_advice(speed.analyze(LOOP_GRAD, "linear_grad"))
    ok = (SOLUTIONS / "ex01_correct.py").read_text(encoding="utf-8")
    assert speed.linear_advice(speed.analyze(ok, "linear_grad")) == "one matrix product, as it should be."


def test_unreadable_source_gets_no_structural_advice():
    assert not speed.analyze("def (:", "f").found and not speed.analyze(None, "f").found
    assert "could not read" in speed.conv_advice(speed.analyze("x = 1", "conv2d_forward"))


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
@pytest.mark.cli
def test_a_loop_pooling_forward_is_correct_and_its_advice_comes_from_the_code():
    result = graded("ex10", "ex10_loops")
    assert result["status"] == "pass"
    (case,) = [t for t in result["tests"] if t["kind"] == "speed"]
    assert "CPU time, best of" in case["message"]
    assert case["message"].endswith(speed.pool_advice(speed.analyze(
        (SOLUTIONS / "ex10_loops.py").read_text(encoding="utf-8"), "max_pool2d")))


def test_without_a_readable_source_the_advice_comes_from_a_line_count_never_a_time():
    class Counted:
        def __init__(self, lines):
            self.lines = lines

        def line_events(self, *args):
            return self.lines

    sol = types.SimpleNamespace()  # no file to read
    loops = speed.facts_for(sol, "max_pool2d", Counted(500), (), outputs=32)
    flat = speed.facts_for(sol, "max_pool2d", Counted(3), (), outputs=32)
    assert loops.counted and "Python loop over output positions" in speed.pool_advice(loops)
    assert "no Python loop over the outputs" in speed.pool_advice(flat)
    assert "no Python loop over the outputs" in speed.conv_advice(flat)
