"""Speed feedback (ex01, ex09, ex10): the learner's code against the reference, informational only (`scored=False`).

WHAT the code does is read from the code, never guessed from a time: `analyze` parses the learner's source with
`ast` (reading text is not running it) and finds the loops reachable from the graded function (through the module's
own helper functions), whether the loops are over kernel offsets or over output positions, and which operation does
the multiply-and-sum (`@`/`dot`/`matmul`/`tensordot`, `einsum` with or without `optimize=`, a sum of a broadcast
product). The advice is chosen from these facts only, so the same file gets the same advice on every run, on a busy
machine too. Timing gives only the SIZE of the gap ("3× slower").

Timing: both are timed in this same process, alternately (reference, learner, reference, learner, …), each by the
CPU time its thread used (`time.thread_time`: time spent waiting for a core is not counted), best of the rounds. One
call of the learner's code on a small input first says how long the full size would take; when that is too long for
a few rounds, BOTH are timed on the small input instead (never a learner time extrapolated against a reference
measured on another size), and the message says so. The clocks are parameters, so tests inject timings
(tests/test_grade_speed.py) and real timing lives in bench/bench_speed.py.
"""

from __future__ import annotations

import ast
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

BUDGET_SECONDS = 4.0  # wall-clock time the timing rounds may take (at least two rounds are always run)
ROUNDS = 5
FULL_SIZE_LIMIT = 3.0  # seconds of CPU a learner's call may be estimated to take for the full size to be used

Timer = Callable[[Callable[[], object]], float]

PRODUCTS = {"dot", "matmul", "tensordot", "inner", "vdot"}
WINDOW_VIEWS = {"sliding_window_view", "as_strided"}
# a loop whose iterable mentions the kernel (kh, kw, size, W.shape[2] …) runs over kernel offsets, not over pixels
KERNEL_ITER = re.compile(r"(?<![\w.])(kh|kw|KH|KW|HH|WW|fh|fw|k|K|k_h|k_w|kernel\w*|size|pool\w*|ksize|pool_size)(?!\w)"
                         r"|(?<![\w.])(W|K|w|weight\w*|kernel)\.shape\[(2|3|-1|-2)\]")


@dataclass(frozen=True)
class CodeFacts:
    """What the learner's function does, as read from its source."""

    found: bool = False  # the source parsed and the function is defined in it
    pixel_loops: int = 0  # deepest nesting of loops that are NOT over kernel offsets (outputs, examples, channels…)
    kernel_loops: int = 0  # deepest nesting of loops over kernel offsets (kh × kw iterations: cheap)
    product: bool = False  # a BLAS matrix product: @, dot, matmul, tensordot, einsum(..., optimize=…)
    product_in_pixel_loop: bool = False  # …called inside a loop over outputs (one small product per pixel)
    plain_einsum: bool = False  # np.einsum without optimize= (no BLAS)
    windows: bool = False  # sliding_window_view / as_strided
    counted: bool = False  # not read from the source but from the lines one small call ran (source not readable)

    @property
    def loops(self) -> int:
        return self.pixel_loops + self.kernel_loops


def _name(func: ast.AST) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def analyze(source: str | None, function: str) -> CodeFacts:
    """The facts about `function` in `source` (and the module-level helpers it calls); `found=False` when the source
    is missing, does not parse, or does not define the function there (imported from elsewhere)."""
    if not source:
        return CodeFacts()
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return CodeFacts()
    defs: dict[str, ast.AST] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            defs.setdefault(node.name, node)
    if function not in defs:
        return CodeFacts()
    facts: dict[str, Any] = {"pixel_loops": 0, "kernel_loops": 0, "product": False, "product_in_pixel_loop": False,
             "plain_einsum": False, "windows": False}
    visiting: set[str] = set()

    def visit(node: ast.AST, pixel: int, kernel: int) -> None:
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            for gen in node.generators:  # [… for i in …] nests its element inside every generator
                visit(gen.iter, pixel, kernel)
                over_kernel = bool(KERNEL_ITER.search(ast.unparse(gen.iter)))
                pixel, kernel = (pixel, kernel + 1) if over_kernel else (pixel + 1, kernel)
                facts["pixel_loops"] = max(facts["pixel_loops"], pixel)
                facts["kernel_loops"] = max(facts["kernel_loops"], kernel)
                for cond in gen.ifs:
                    visit(cond, pixel, kernel)
            for part in ((node.key, node.value) if isinstance(node, ast.DictComp) else (node.elt,)):
                visit(part, pixel, kernel)
            return
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            iterable = getattr(node, "iter", None)
            over_kernel = iterable is not None and bool(KERNEL_ITER.search(ast.unparse(iterable)))
            pixel, kernel = (pixel, kernel + 1) if over_kernel else (pixel + 1, kernel)
            facts["pixel_loops"] = max(facts["pixel_loops"], pixel)
            facts["kernel_loops"] = max(facts["kernel_loops"], kernel)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
            facts["product"] = True
            facts["product_in_pixel_loop"] |= pixel > 0
        if isinstance(node, ast.Call):
            name = _name(node.func)
            if name in PRODUCTS:
                facts["product"] = True
                facts["product_in_pixel_loop"] |= pixel > 0
            elif name == "einsum":
                optimized = any(k.arg == "optimize" and not (isinstance(k.value, ast.Constant) and not k.value.value)
                                for k in node.keywords)
                if optimized:
                    facts["product"] = True
                    facts["product_in_pixel_loop"] |= pixel > 0
                else:
                    facts["plain_einsum"] = True
            elif name in WINDOW_VIEWS:
                facts["windows"] = True
            elif isinstance(node.func, ast.Name) and name in defs and name not in visiting:
                visiting.add(name)
                for child in ast.iter_child_nodes(defs[name]):
                    visit(child, pixel, kernel)
                visiting.discard(name)
        for child in ast.iter_child_nodes(node):
            if isinstance(node, (ast.For, ast.AsyncFor)) and child is node.iter:
                continue  # the iterable is evaluated once, outside the loop body
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) and node is not root:
                continue  # a nested definition runs only when called (and is followed then)
            visit(child, pixel, kernel)

    root = defs[function]
    visiting.add(function)
    for child in ast.iter_child_nodes(root):
        visit(child, 0, 0)
    return CodeFacts(found=True, **facts)


def source_of(sol: object) -> str | None:
    """The text of the learner's file, read by the grader (reading is not running it): the file the grading session
    loaded (`remote.LearnerModule`), or a local module's `__file__` (tests). Never a value the learner's module
    defines: a file could define one to be given other advice."""
    session = vars(sol).get("_session") if hasattr(sol, "__dict__") else None
    path = getattr(session, "solution", None)
    if path is None and isinstance(vars(sol).get("__file__") if hasattr(sol, "__dict__") else None, str):
        path = vars(sol)["__file__"]
    if path is not None:
        path = str(path)
        try:
            with open(path, encoding="utf-8") as handle:
                return handle.read()
        except (OSError, UnicodeDecodeError):
            return None
    return None


def facts_for(sol: object, name: str, func: object, args: tuple, outputs: int) -> CodeFacts:
    """The facts of `name` from the source; when it cannot be read there (a helper imported from another file), from
    the number of lines one small call runs, counted by the learner's process (`RemoteFunction.line_events`; a count,
    the same on every run): at least one line per output is a Python loop over the outputs."""
    facts = analyze(source_of(sol), name)
    counter = getattr(func, "line_events", None)
    if facts.found or not callable(counter):
        return facts
    try:
        lines = counter(*args)
    except Exception:  # noqa: BLE001 — advice only: without a count there is simply no structural advice
        return facts
    if not isinstance(lines, int):
        return facts
    return CodeFacts(found=True, pixel_loops=1 if lines >= outputs else 0, counted=True)


def _counted_advice(facts: CodeFacts, loops: str) -> str:
    if facts.pixel_loops:
        return loops
    return "your code runs no Python loop over the outputs (counted from one small call; its source was not readable)."


def conv_advice(facts: CodeFacts) -> str:
    """ex09: what the code of a convolution forward says about its speed (never a timing)."""
    if not facts.found:
        return "(the grader could not read this function's source, so it gives no advice on its structure)"
    if facts.counted:
        return _counted_advice(facts, "your forward runs a Python loop over output positions (counted from one small "
                                      "call): build all windows at once (sliding_window_view, or im2col) and do one "
                                      "matrix product instead.")
    if facts.pixel_loops and not (facts.product and not facts.product_in_pixel_loop):
        return ("your forward loops over output positions in Python: build all windows at once "
                "(numpy.lib.stride_tricks.sliding_window_view, or im2col) and do one matrix product instead.")
    if facts.product:
        return ("your code does the multiply-and-sum as matrix products (im2col / tensordot / @): that is the fast "
                "way; the rest of the gap is in copying and reshaping the windows.")
    if facts.plain_einsum:
        return ("your code is loop-free, but np.einsum without optimize=True does not use BLAS: reshape the windows "
                "to (N·H_out·W_out, C_in·kh·kw) and multiply by W.reshape(C_out, −1).T, or use np.tensordot / "
                "np.einsum(..., optimize=True).")
    return ("your code is loop-free, but the multiply-and-sum is a sum over a broadcast product (no BLAS): reshape the "
            "windows to (N·H_out·W_out, C_in·kh·kw) and do one matrix product with W.reshape(C_out, −1).T.")


def pool_advice(facts: CodeFacts) -> str:
    """ex10: what the code of a pooling forward says about its speed."""
    if not facts.found:
        return "(the grader could not read this function's source, so it gives no advice on its structure)"
    if facts.counted:
        return _counted_advice(facts, "your forward runs a Python loop over output positions (counted from one small "
                                      "call): view the windows with sliding_window_view and take max over the window "
                                      "axes.")
    if facts.pixel_loops:
        return ("your forward loops over output positions in Python: view the windows with sliding_window_view (or "
                "reshape to (N, C, H/2, 2, W/2, 2) for 2×2 stride 2) and take max over the window axes.")
    if facts.windows:
        return "your code views the windows without loops (sliding_window_view): that is the vectorized way."
    return "your code has no Python loops over the windows: it is vectorized."


def linear_advice(facts: CodeFacts) -> str:
    """ex01: what the code of linear_grad says about its speed."""
    if not facts.found:
        return "(the grader could not read this function's source, so it gives no advice on its structure)"
    if facts.loops:
        return "a Python loop over examples: one matrix product Xᵀr (X.T @ r) does it all."
    if not facts.product:
        return "loop-free, but not one matrix product: Xᵀr (X.T @ r) uses BLAS; a sum of a broadcast product does not."
    return "one matrix product, as it should be."


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
              budget: float = BUDGET_SECONDS, timer: Timer = _cpu,
              clock: Callable[[], float] = time.perf_counter) -> tuple[float, float, int]:
    """(best reference CPU time, best learner CPU time, rounds run), timed alternately; at least two rounds.

    Each round times the reference three times and the learner once: the reference is the short one, so one
    unlucky moment (a cache flushed by another program) spoils a larger share of it, and three tries cost little."""
    best_ref = best_learner = float("inf")
    started = clock()
    done = 0
    for done in range(1, rounds + 1):
        best_ref = min(best_ref, *(timer(reference) for _ in range(3)))
        best_learner = min(best_learner, timer(learner))
        if done >= 2 and clock() - started > budget:
            break
    return max(best_ref, 1e-6), max(best_learner, 1e-6), done


def compare(learner_small: Callable[[], object], learner_full: Callable[[], object],
            reference_small: Callable[[], object], reference_full: Callable[[], object],
            scale: float, small_label: str, advice: str, timer: Timer = _cpu,
            clock: Callable[[], float] = time.perf_counter) -> str:
    """A sentence comparing the learner's time with the reference's; `scale` ≈ full work ÷ small work.

    `advice` comes from the code (`conv_advice(analyze(...))` …) and is said whatever the timing: only the numbers
    (and so "about as fast" / "N× slower") come from the clock."""
    learner_small()  # warm-up: first-call costs (imports, caches) are not what is being measured
    small = min(timer(learner_small) for _ in range(2))
    estimate = small * scale  # CPU time, so a busy machine does not push a solution over the limit
    if estimate <= FULL_SIZE_LIMIT:
        reference, learner, where = reference_full, learner_full, ""
    else:
        reference, learner = reference_small, learner_small
        where = f" on {small_label}: the full size would take too long"
    reference()  # warm-up
    ref_time, yours, rounds = best_pair(reference, learner, timer=timer, clock=clock)
    ratio = yours / ref_time
    how = f"CPU time, best of {rounds} alternating rounds{where}"
    times = f"{_ms(yours)} vs {_ms(ref_time)}"
    if ratio < 1.5:
        verdict = "about as fast as the reference" if ratio > 0.67 else f"{1 / ratio:.1f}× faster than the reference"
    else:
        verdict = f"{ratio:.0f}× slower than the reference"
    return f"correct; {verdict} ({times}, {how}) — {advice}"


def _ms(seconds: float) -> str:
    ms = seconds * 1e3
    return f"{ms:.0f} ms" if ms >= 10 else f"{ms:.1f} ms" if ms >= 1 else f"{ms:.2f} ms"
