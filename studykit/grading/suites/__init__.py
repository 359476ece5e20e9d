"""Per-exercise check suites: one module `exNN.py` per exercise, run inside the grading child."""
