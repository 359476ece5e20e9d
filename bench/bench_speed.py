"""Benchmark: how stable is the speed feedback of ex09/ex10 on a busy machine?

Issue #12, item 5: the same loop solution's "N× slower than the reference" must vary by less than 2× between two
grades while other processes load the CPU. This grades the same solution's speed case RUNS times (default 2) while
BUSY processes (default: one per core) spin, and prints each ratio and the spread (largest ÷ smallest).
Not a timed test — run it by hand:
    python bench/bench_speed.py [--runs 2] [--busy N] [--exercise ex09] [--solution tests/solutions/ex09_loops.py]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SPIN = "import time\nend = time.time() + 600\nwhile time.time() < end:\n    pass\n"  # stops by itself
# bursts of work and rest at random lengths, as editors, browsers and test runners load a learner's laptop
BURSTY = ("import random, time\nend = time.time() + 600\nwhile time.time() < end:\n"
          "    stop = time.time() + random.uniform(0.002, 0.2)\n    while time.time() < stop:\n        pass\n"
          "    time.sleep(random.uniform(0.001, 0.05))\n")
LOOPS = {"ex09": "ex09_loops", "ex10": "ex10_loops"}  # forwards written with Python loops


def speed_ratio(exercise: str, solution: Path, cwd: str) -> tuple[float, str]:
    """The learner-÷-reference ratio the speed case reports (a number > 1 means slower), and its message."""
    proc = subprocess.run([sys.executable, "-m", "studykit", "grade", exercise, "--file", str(solution), "--json"],
                          cwd=cwd, capture_output=True, text=True)
    try:
        result = json.loads(proc.stdout)
    except json.JSONDecodeError:
        sys.exit(f"grade printed no result (exit {proc.returncode}):\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    (speed,) = [t for t in result["tests"] if t["kind"] == "speed"]
    message = speed["message"]
    if m := re.search(r"([\d.]+)× slower", message):
        return float(m.group(1)), message
    if m := re.search(r"([\d.]+)× faster", message):
        return 1 / float(m.group(1)), message
    if "about as fast" in message:
        ms = [float(v) for v in re.findall(r"([\d.]+) ms", message)]
        return ms[0] / ms[1], message
    sys.exit(f"no ratio in the speed message: {message}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--busy", type=int, default=os.cpu_count() or 2, help="CPU-bound processes running meanwhile")
    parser.add_argument("--load", choices=("spin", "bursty"), default="bursty",
                        help="busy processes that spin all the time, or in random bursts (default)")
    parser.add_argument("--exercise", default="ex09")
    parser.add_argument("--solution", type=Path)
    args = parser.parse_args()
    solution = args.solution.resolve() if args.solution else REPO / "tests" / "solutions" / f"{LOOPS[args.exercise]}.py"
    load = SPIN if args.load == "spin" else BURSTY
    spinners = [subprocess.Popen([sys.executable, "-c", load]) for _ in range(args.busy)]
    try:
        with tempfile.TemporaryDirectory() as outside:  # not a workspace: nothing recorded
            ratios = []
            for run in range(args.runs):
                ratio, message = speed_ratio(args.exercise, solution, outside)
                ratios.append(ratio)
                print(f"run {run + 1}: {ratio:.3g}×   {message[:110]}")
    finally:
        for p in spinners:
            p.kill()
            p.wait()
    spread = max(ratios) / min(ratios)
    verdict = "OK" if spread < 2 else "OVER TARGET"
    print(f"{args.exercise} {solution.name} with {args.busy} {args.load} process(es): ratios "
          f"{', '.join(f'{r:.3g}×' for r in ratios)}; largest ÷ smallest = {spread:.2f} (target < 2: {verdict})")


if __name__ == "__main__":
    main()
