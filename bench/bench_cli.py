"""Benchmark: how long `studykit --help` and `studykit list` take, and which heavy modules they import.

The CLI process must import none of numpy, sympy, genanki (issue 3); this prints the wall time of each
command and the heavy modules found in sys.modules after it ran, then `python -X importtime`'s top entries.
    python bench/bench_cli.py [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HEAVY = ("numpy", "sympy", "genanki", "markdown_it", "pygments")
COMMANDS = (["--help"], ["list"], ["hint", "ex01", "--level", "1"], ["next"])

# runs the CLI in this interpreter, then reports which heavy modules ended up imported
PROBE = (
    "import sys, runpy\n"
    "sys.argv = ['studykit'] + sys.argv[1:]\n"
    "try:\n    runpy.run_module('studykit', run_name='__main__')\nexcept SystemExit:\n    pass\n"
    f"print('HEAVY=' + ','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    baseline = []
    for _ in range(args.runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        baseline.append(time.perf_counter() - started)
    print(f"{'python -c pass':<34} median {statistics.median(baseline):.3f} s")
    failed = False
    for command in COMMANDS:
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "studykit", *command], cwd=REPO, capture_output=True)
            times.append(time.perf_counter() - started)
        probe = subprocess.run([sys.executable, "-c", PROBE, *command], cwd=REPO, capture_output=True, text=True)
        heavy = probe.stdout.rsplit("HEAVY=", 1)[-1].strip() or "none"
        failed |= heavy != "none"
        label = "studykit " + " ".join(command)
        print(f"{label:<34} median {statistics.median(times):.3f} s   min {min(times):.3f} s   heavy imports: {heavy}")
    trace = subprocess.run([sys.executable, "-X", "importtime", "-m", "studykit", "list"], cwd=REPO,
                           capture_output=True, text=True).stderr.splitlines()
    rows = []
    for line in trace[1:]:
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    print("\nslowest imports of `studykit list` (cumulative µs):")
    for micros, name in sorted(rows, reverse=True)[:8]:
        print(f"  {micros:>8}  {name}")
    if failed:
        sys.exit("a light command imported a heavy module")


if __name__ == "__main__":
    main()
