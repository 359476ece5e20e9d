"""Issue #12, item 5: speed feedback times the learner and the reference in one process, alternately, by CPU time,
best of several rounds, on the same input size. (How stable the ratio is on a busy machine is measured in
bench/bench_speed.py, not here: no test depends on how fast this machine is.)"""

from __future__ import annotations

import time

from ex_helpers import graded

from studykit.grading import speed


def burn(seconds: float) -> None:
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def test_reference_and_learner_are_timed_alternately_and_the_best_is_kept():
    calls = []
    times = iter([0.004, 0.003, 0.005, 0.02, 0.003, 0.006, 0.004, 0.03] * 3)

    def reference():
        calls.append("ref")
        burn(next(times))

    def learner():
        calls.append("learner")
        burn(next(times))

    ref, yours, rounds = speed.best_pair(reference, learner, rounds=2)
    assert calls == ["ref", "ref", "ref", "learner"] * 2 and rounds == 2
    assert 0.003 <= ref < 0.0045 and 0.02 <= yours < 0.025


def test_a_learner_too_slow_for_the_full_size_is_compared_on_the_small_size_with_the_reference_there_too():
    used = []
    message = speed.compare(lambda: (used.append("learner small"), burn(0.01)),
                            lambda: used.append("learner full"),
                            lambda: (used.append("reference small"), burn(0.001)),
                            lambda: used.append("reference full"),
                            scale=1000, small_label="N=1, C=4, 16×16", loop_advice="vectorize.", small_outputs=10,
                            vectorized_advice="one matrix product.")
    assert "learner full" not in used and "reference full" not in used
    assert "on N=1, C=4, 16×16: the full size would take too long" in message
    assert message.startswith("correct; ") and "× slower than the reference" in message and "vectorize." in message


def test_the_learner_is_never_extrapolated_against_a_reference_of_another_size():
    used = []
    speed.compare(lambda: (used.append("learner small"), burn(0.001)), lambda: (used.append("learner full"),
                                                                                burn(0.003)),
                  lambda: used.append("reference small"), lambda: (used.append("reference full"), burn(0.001)),
                  scale=2, small_label="small", loop_advice="", small_outputs=1, vectorized_advice="")
    assert "reference small" not in used and used.count("learner full") >= 2


def test_a_loop_pooling_forward_is_correct_and_told_it_is_slower():
    result = graded("ex10", "ex10_loops")
    assert result["status"] == "pass"
    (case,) = [t for t in result["tests"] if t["kind"] == "speed"]
    assert "× slower than the reference" in case["message"] and "CPU time, best of" in case["message"]


def test_the_advice_names_loops_only_when_the_time_per_output_is_a_loops():
    def message(small_seconds, outputs):
        return speed.compare(lambda: burn(small_seconds), lambda: burn(small_seconds),
                             lambda: burn(small_seconds / 50), lambda: burn(small_seconds / 50),
                             scale=1, small_label="small", loop_advice="LOOPS", small_outputs=outputs,
                             vectorized_advice="ONE PRODUCT")
    assert message(0.01, 1000).endswith("LOOPS")  # 10 µs per output: a Python loop
    assert message(0.01, 1_000_000).endswith("ONE PRODUCT")  # 10 ns per output: vectorized, but slow


def test_a_vectorized_but_slow_convolution_is_not_told_to_stop_looping(grade_source):
    source = """
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_forward(X, W, b, stride=1, padding=0):
    Xp = np.pad(X, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    win = sliding_window_view(Xp, W.shape[2:], axis=(2, 3))[:, :, ::stride, ::stride]
    return np.einsum("nchwij,ocij->nohw", win, W) + b[None, :, None, None]
"""
    _, result = grade_source("ex09", source, "--seed", "3")
    (case,) = [t for t in result["tests"] if t["kind"] == "speed"]
    if "slower than the reference" in case["message"]:  # on most machines einsum without BLAS is slower
        assert "your code is vectorized" in case["message"] and "loops over pixels" not in case["message"]
