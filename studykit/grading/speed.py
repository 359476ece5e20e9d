"""Speed feedback for ex09 and ex10: the learner's forward against the reference on a realistic size.

Informational only (the case is `scored=False`). Time-bounded: the learner's code is first timed on a
small input and the full-size time is extrapolated when running it would take too long, so a
nested-loop solution still gets its correctness verdict quickly.
"""

from __future__ import annotations

import time
from typing import Callable

BUDGET_SECONDS = 4.0


def _best_time(func: Callable[[], object], repeats: int = 3, budget: float = BUDGET_SECONDS) -> float:
    best = float("inf")
    spent = 0.0
    for _ in range(repeats):
        started = time.perf_counter()
        func()
        elapsed = time.perf_counter() - started
        best = min(best, elapsed)
        spent += elapsed
        if spent > budget / 2:
            break
    return best


def compare(learner_small: Callable[[], object], learner_full: Callable[[], object], reference_full: Callable[[], object],
            scale: float, advice: str) -> str:
    """A sentence comparing the learner's full-size time with the reference's; `scale` = full/small work ratio."""
    reference = _best_time(reference_full)
    small = _best_time(learner_small, repeats=2)
    estimate = small * scale
    if estimate > BUDGET_SECONDS:
        yours, how = estimate, "estimated from a smaller input"
    else:
        yours, how = _best_time(learner_full), "measured"
    ratio = yours / max(reference, 1e-9)
    if ratio < 1.5:
        verdict = "about as fast as the reference" if ratio > 0.67 else f"{1 / ratio:.1f}× faster than the reference"
        return f"correct; {verdict} ({yours * 1e3:.0f} ms vs {reference * 1e3:.0f} ms, {how})."
    return (f"correct; {ratio:.0f}× slower than the reference ({yours * 1e3:.0f} ms vs {reference * 1e3:.0f} ms, {how}) "
            f"— {advice}")
