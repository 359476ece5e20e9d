"""Speed feedback (ex01, ex09, ex10): the learner's code against the reference, informational only (`scored=False`).

Stable on a busy machine: both are timed in this same child process, alternately (reference, learner, reference,
learner, …), each by the CPU time its thread used (`time.thread_time`: time spent waiting for a core while other
programs run is not counted; the child runs numpy with one BLAS thread, so the calling thread does all the work;
the process-wide CPU clock is not used because under the child's RLIMIT_CPU Linux advances it only once per
scheduler tick, 4 ms), and the best of the rounds is kept for each. The two bests come from the same
minutes of the same process, so machine load moves them together and their ratio barely moves.

Time-bounded: one call of the learner's code on a small input first says how long the full size would take; when
that is too long for a few rounds, BOTH are timed on the small input instead (never a learner time extrapolated
against a reference measured on another size), and the message says so.
"""

from __future__ import annotations

import time
from typing import Callable

BUDGET_SECONDS = 4.0  # wall-clock time the timing rounds may take (at least two rounds are always run)
ROUNDS = 5
FULL_SIZE_LIMIT = 3.0  # seconds of CPU a learner's call may be estimated to take for the full size to be used
# A Python-level loop costs at least ~0.3 µs per iteration; numpy, even without BLAS, computes one output of these
# small layers in tens of ns. So a small-input time per output above this is the signature of a loop over outputs.
LOOP_SECONDS_PER_OUTPUT = 0.3e-6


def _cpu(func: Callable[[], object]) -> float:
    """The thread CPU time of `func()`; when it calls the learner's functions (in the learner's process), the CPU
    time those calls took there, as the learner's process measured it (the wire's cost is not the learner's)."""
    from studykit.grading.remote import child_cpu

    with child_cpu() as remote:
        started = time.thread_time()
        func()
        local = time.thread_time() - started
    return sum(remote) if remote else local


def best_pair(reference: Callable[[], object], learner: Callable[[], object], rounds: int = ROUNDS,
              budget: float = BUDGET_SECONDS) -> tuple[float, float, int]:
    """(best reference CPU time, best learner CPU time, rounds run), timed alternately; at least two rounds.

    Each round times the reference three times and the learner once: the reference is the short one, so one
    unlucky moment (a cache flushed by another program) spoils a larger share of it, and three tries cost little."""
    best_ref = best_learner = float("inf")
    started = time.perf_counter()
    done = 0
    for done in range(1, rounds + 1):
        best_ref = min(best_ref, *(_cpu(reference) for _ in range(3)))
        best_learner = min(best_learner, _cpu(learner))
        if done >= 2 and time.perf_counter() - started > budget:
            break
    return max(best_ref, 1e-6), max(best_learner, 1e-6), done


def compare(learner_small: Callable[[], object], learner_full: Callable[[], object],
            reference_small: Callable[[], object], reference_full: Callable[[], object],
            scale: float, small_label: str, loop_advice: str, small_outputs: int, vectorized_advice: str) -> str:
    """A sentence comparing the learner's time with the reference's; `scale` ≈ full work ÷ small work.

    When the learner's code is slow, the advice names the cause the timing shows: `loop_advice` when the small input
    took as long per output as a Python loop over outputs does (`small_outputs` = how many outputs it has), else
    `vectorized_advice` (vectorized, but not with the fast operation)."""
    learner_small()  # warm-up: first-call costs (imports, caches) are not what is being measured
    small = min(_cpu(learner_small) for _ in range(2))
    # CPU time, so a busy machine does not push a solution over the limit; `scale` grows with all the work, so it
    # overestimates loop solutions, whose Python overhead grows with the outputs only — they stay on the full size
    estimate = small * scale
    if estimate <= FULL_SIZE_LIMIT:
        reference, learner, where = reference_full, learner_full, ""
    else:
        reference, learner, where = reference_small, learner_small, f" on {small_label}: the full size would take too long"
    reference()  # warm-up
    ref_time, yours, rounds = best_pair(reference, learner)
    ratio = yours / ref_time
    how = f"CPU time, best of {rounds} alternating rounds{where}"
    times = f"{_ms(yours)} vs {_ms(ref_time)}"
    if ratio < 1.5:
        verdict = "about as fast as the reference" if ratio > 0.67 else f"{1 / ratio:.1f}× faster than the reference"
        return f"correct; {verdict} ({times}, {how})."
    advice = loop_advice if small / max(small_outputs, 1) >= LOOP_SECONDS_PER_OUTPUT else vectorized_advice
    return f"correct; {ratio:.0f}× slower than the reference ({times}, {how}) — {advice}"


def _ms(seconds: float) -> str:
    ms = seconds * 1e3
    return f"{ms:.0f} ms" if ms >= 10 else f"{ms:.1f} ms" if ms >= 1 else f"{ms:.2f} ms"
