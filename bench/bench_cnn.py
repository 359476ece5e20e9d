"""Benchmark for ex13 (train a CNN from your own layers): how accurate and how fast, outside the test suite.

1. The reference (studykit/reference/cnn.py) trained with several seeds: test accuracy (target ≥ 97 %) and the CPU
   seconds of training (limit 90 s).
2. `studykit grade ex13` through the real CLI on workspaces made from tests/solutions: the correct learner-style ex13
   (tests/solutions/ex13_correct.py) on correct earlier layers written three ways — vectorized (im2col), loops over
   output pixels (ex09_loops, ex10_loops), and the convolution's forward down to single multiplications
   (ex09_pure_loops) — with the whole grade's wall time, the training's CPU time and the test accuracy.

Run it by hand (the loop-style grades take about a minute each):
    python bench/bench_cnn.py [--seeds 10] [--grade-seeds 1] [--skip-loops]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from studykit.data import load_digits  # noqa: E402
from studykit.reference import cnn  # noqa: E402
from studykit.workspace import init_workspace  # noqa: E402

SOLUTIONS = REPO / "tests" / "solutions"
COMMON = {"ex02-softmax": "ex02_correct", "ex03-softmax-cross-entropy": "ex03_correct",
          "ex04-activations": "ex04_correct", "ex11-batch-norm": "ex11_correct"}
STYLES = {
    "vectorized": {"ex09-conv-layer": "ex09_correct_im2col", "ex10-max-pooling": "ex10_correct"},
    "loops over pixels": {"ex09-conv-layer": "ex09_loops", "ex10-max-pooling": "ex10_loops"},
    "pure-Python conv forward": {"ex09-conv-layer": "ex09_pure_loops", "ex10-max-pooling": "ex10_loops"},
}


def reference(seeds: int) -> None:
    X_train, y_train, X_test, y_test = load_digits()
    accuracies, seconds = [], []
    for seed in range(seeds):
        started = time.process_time()
        model = cnn.train(X_train, y_train, np.random.default_rng(seed))
        seconds.append(time.process_time() - started)
        accuracies.append(float((cnn.predict(model, X_test).argmax(axis=1) == y_test).mean()))
        print(f"  seed {seed}: {accuracies[-1]:.1%} in {seconds[-1]:.2f} s of CPU", flush=True)
    print(f"reference, {seeds} seeds: test accuracy min {min(accuracies):.1%}, mean {statistics.mean(accuracies):.1%}, "
          f"max {max(accuracies):.1%} (target ≥ 97 %: {'✓' if min(accuracies) >= 0.97 else '✗'}); CPU "
          f"{min(seconds):.2f}–{max(seconds):.2f} s (limit 90 s)")


def workspace(root: Path, layers: dict[str, str]) -> Path:
    init_workspace(root)
    for folder, name in {**COMMON, **layers}.items():
        text = (SOLUTIONS / f"{name}.py").read_text(encoding="utf-8")
        if name == "ex09_pure_loops":  # it imports its backward from ex09_loops: inline it, as a learner's file has it
            loops = (SOLUTIONS / "ex09_loops.py").read_text(encoding="utf-8")
            text = text.replace("from ex09_loops import conv2d_backward  # noqa: E402 — the same backward; only the "
                                "forward is timed", loops[loops.index("def conv2d_backward"):])
        (root / "exercises" / folder / "solution.py").write_text(text, encoding="utf-8")
    (root / "exercises" / "ex13-train-cnn" / "solution.py").write_text(
        (SOLUTIONS / "ex13_correct.py").read_text(encoding="utf-8"), encoding="utf-8")
    return root


def grade(style: str, layers: dict[str, str], seed: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = workspace(Path(tmp) / "ws", layers)
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "studykit", "grade", "ex13", "--json", "--seed", str(seed)],
                              cwd=root, capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
        wall = time.perf_counter() - started
    result = json.loads(proc.stdout)
    curve = result.get("curve") or {}
    training = next((t.get("data") or {} for t in result["tests"] if "data" in t), {})
    layers_cpu = ", ".join(f"{k} {v:.1f} s" for k, v in sorted(training.get("cpu_seconds_in_layers", {}).items(),
                                                               key=lambda kv: -kv[1])[:3])
    accuracy = f"{curve['test_accuracy'][-1]:.1%}" if curve else "—"
    epochs = next((e for e in reversed(curve.get("epochs", [])) if e is not None), 0)
    cpu = training.get('training_cpu_seconds', 0)
    print(f"{style:<26} seed {seed}: {result['status']:<4} test {accuracy:>6} after epoch {epochs}"
          f"; training {cpu:.1f} s CPU"
          f"{' (stopped at the budget)' if curve.get('stopped') else ''}; whole grade {wall:.1f} s wall "
          f"[{layers_cpu}]", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=10, help="reference training runs")
    parser.add_argument("--grade-seeds", type=int, default=1, help="grades per layer style")
    parser.add_argument("--skip-loops", action="store_true", help="grade the vectorized layers only")
    args = parser.parse_args()
    reference(args.seeds)
    for style, layers in STYLES.items():
        if args.skip_loops and style != "vectorized":
            continue
        for seed in range(args.grade_seeds):
            grade(style, layers, seed)


if __name__ == "__main__":
    main()
