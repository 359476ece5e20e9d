"""Benchmark: `studykit grade ex03` on a correct solution against `python -c "import numpy"`, same run.

Target (issue 3): grading comes within 0.35 s of a bare numpy import. Not a timed test — run it by hand:
    python bench/bench_grade.py [--runs 7] [--exercise ex03]
Runs are interleaved so machine load hits both sides alike; the median and the minimum are reported.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET = 0.35


def timed(command: list[str], cwd: str) -> float:
    started = time.perf_counter()
    proc = subprocess.run(command, cwd=cwd, capture_output=True)
    elapsed = time.perf_counter() - started
    if proc.returncode not in (0,):
        sys.exit(f"{' '.join(command)} exited {proc.returncode}:\n{proc.stdout.decode()[-2000:]}{proc.stderr.decode()}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--exercise", default="ex03")
    args = parser.parse_args()
    solution = REPO / "tests" / "solutions" / f"{args.exercise}_correct.py"
    if not solution.is_file():
        sys.exit(f"no correct solution for {args.exercise} at {solution}")
    numpy_cmd = [sys.executable, "-c", "import numpy"]
    grade_cmd = [sys.executable, "-m", "studykit", "grade", args.exercise, "--file", str(solution), "--json"]
    with tempfile.TemporaryDirectory() as outside:  # not a workspace: no progress write, like a CI grade
        timed(numpy_cmd, outside), timed(grade_cmd, outside)  # warm the file cache
        numpy_times, grade_times = [], []
        for _ in range(args.runs):
            numpy_times.append(timed(numpy_cmd, outside))
            grade_times.append(timed(grade_cmd, outside))
    rows = [("python -c 'import numpy'", numpy_times), (f"studykit grade {args.exercise} (correct)", grade_times)]
    for name, times in rows:
        print(f"{name:<36} median {statistics.median(times):.3f} s   min {min(times):.3f} s   ({len(times)} runs)")
    gap_median = statistics.median(grade_times) - statistics.median(numpy_times)
    gap_min = min(grade_times) - min(numpy_times)
    verdict = "OK" if gap_median <= TARGET else "OVER TARGET"
    print(f"grade − numpy: median {gap_median:+.3f} s, min {gap_min:+.3f} s   target ≤ {TARGET} s: {verdict}")


if __name__ == "__main__":
    main()
