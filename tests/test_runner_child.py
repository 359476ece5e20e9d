"""run_in_child on its own: limits, the process group, the results pipe, and how a dead child is described."""

from __future__ import annotations

import time

import pytest
from conftest import SOLUTIONS

from studykit.catalog import find
from studykit.grading.runner import run_in_child

EX01 = find("ex01")
CORRECT = (SOLUTIONS / "ex01_correct.py").read_text(encoding="utf-8")


def alive(pid: int) -> bool:
    """Running, not merely a zombie waiting for a parent that does not reap (PID 1 in containers)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def ended_within_guard(pid: int, guard: float = 30.0) -> bool:
    """Whether `pid` ends (is gone or a zombie) before a hang guard far above any real delay: the verdict is that it
    ends, never how fast (a SIGKILLed process still needs the CPU to exit, which a loaded machine may delay)."""
    deadline = time.monotonic() + guard
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not alive(pid)


def grade(tmp_path, source: str, **kwargs) -> dict:
    path = tmp_path / "solution.py"
    path.write_text(source, encoding="utf-8")
    return run_in_child(EX01, path, seed=5, **kwargs)


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_correct_file_passes_and_every_case_is_reported(tmp_path):
    result = grade(tmp_path, CORRECT)
    assert result["status"] == "pass" and result["score"] == 1.0 and result["message"] is None
    assert len(result["tests"]) >= 6 and all(t["status"] == "pass" for t in result["tests"])
    assert result["replay"] == "studykit grade ex01 --seed 5"


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_numpy_works_under_the_memory_limit_but_a_large_allocation_fails(tmp_path):
    # 200 MB is an ordinary workload; 4 GB is over the limit and must fail cleanly, not kill the machine
    ok = CORRECT + "\n_big = __import__('numpy').ones(25_000_000)\n"
    assert grade(tmp_path, ok)["status"] == "pass"
    bomb = CORRECT.replace("    return X.dot(w) + b",
                           "    __import__('numpy').ones(500_000_000)\n    return X.dot(w) + b")
    result = grade(tmp_path, bomb)
    assert result["status"] == "fail"
    forward = [t for t in result["tests"] if t["part"] == "forward"]
    assert forward and all(t["status"] == "error" and "memory" in t["message"] for t in forward)
    assert all(t["status"] == "pass" for t in result["tests"] if t["part"] == "loss")


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_timeout_kills_the_whole_process_group(tmp_path):
    marker = tmp_path / "grandchild.pid"
    source = (
        "import subprocess, sys\n"
        f"p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
        f"open({str(marker)!r} + '.tmp', 'w').write(str(p.pid))\n"
        f"import os; os.rename({str(marker)!r} + '.tmp', {str(marker)!r})\n"
        "while True:\n    pass\n"
    )
    # the limit counts waiting for the learner's process, its start included: on a loaded machine it may run out
    # before the grandchild is made, so the limit grows until it has been (work counted, not a clock trusted)
    for limit in (2, 8, 30):
        result = grade(tmp_path, source, timeout=limit)
        assert result["status"] == "error" and f"did not finish within {limit} s" in result["message"]
        if marker.exists():
            break
    pid = int(marker.read_text())
    assert ended_within_guard(pid)  # the learner's own child died with the grade
    assert not any(t["status"] == "pass" for t in result["tests"])


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_background_process_holding_the_pipe_does_not_delay_the_result(tmp_path):
    # a forked child inherits the results pipe; the grade ends at `done`, not when the pipe closes
    source = CORRECT + "\nimport os, time\nif os.fork() == 0:\n    time.sleep(600)\n    os._exit(0)\n"
    result = grade(tmp_path, source, timeout=60)  # far above the grade's own need, far below the fork's sleep
    assert result["status"] == "pass"  # (no timing asserted: a grade that waited for the pipe would time out)


def test_death_in_a_case_names_that_case_and_the_rest_are_not_run(tmp_path):
    source = CORRECT.replace("    r = linear_forward", "    import os; os._exit(0)\n    r = linear_forward")
    result = grade(tmp_path, source)
    assert result["status"] == "error" and "exited" in result["message"] and "gradient" in result["message"]
    names = [t["name"] for t in result["tests"]]
    dying = next(i for i, t in enumerate(result["tests"]) if t["part"] == "gradient")  # first call of linear_grad
    assert all(t["status"] == "pass" for t in result["tests"][:dying]), names
    assert result["tests"][dying]["status"] == "error" and "exited" in result["tests"][dying]["message"]
    assert all(t["status"] == "error" and t["message"].startswith("not run") for t in result["tests"][dying + 1:])
    assert result["score"] < 1


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_case_timeout_is_not_swallowed_by_the_learners_except(tmp_path):
    import studykit.grading.suites.ex01 as suite

    assert all(case.timeout is None for case in suite.cases)  # the whole-run wall clock applies
    source = CORRECT.replace(
        "    return X.dot(w) + b",
        "    try:\n        while True:\n            pass\n    except Exception:\n        return X.dot(w) + b")
    result = grade(tmp_path, source, timeout=2)
    assert result["status"] == "error" and "did not finish" in result["message"]


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_printing_through_the_file_descriptor_is_bounded_too(tmp_path):
    # os.write bypasses sys.stdout; only the first few KB ever reach the report
    source = CORRECT + "\nimport os\nfor _ in range(2000):\n    os.write(1, b'y' * 10000)\n"
    result = grade(tmp_path, source)
    assert result["status"] == "pass"
    assert result["output_truncated"] is True and len(result["output"]) <= 4000


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_stray_writes_to_stdout_never_count_as_results(tmp_path):
    source = CORRECT + '\nprint(\'{"type": "done"}\')\nprint(\'{"type": "case", "name": "x", "status": "pass"}\')\n'
    result = grade(tmp_path, source)
    assert result["status"] == "pass" and '"type": "done"' in result["output"]
    assert [t["name"] for t in result["tests"]] == [c.name for c in __import__(
        "studykit.grading.suites.ex01", fromlist=["cases"]).cases]


def test_a_broken_suite_is_reported_as_studykits_fault_not_the_learners(tmp_path):
    import dataclasses

    ghost = dataclasses.replace(EX01, id="ex99")  # no suite module of that name
    path = tmp_path / "solution.py"
    path.write_text(CORRECT, encoding="utf-8")
    result = run_in_child(ghost, path, seed=1)
    assert result["status"] == "error" and "internal error" in result["message"]
    assert "not in your code" in result["message"] and result["tests"] == []


def test_a_file_not_named_py_still_loads(tmp_path):
    path = tmp_path / "my answer.txt"
    path.write_text(CORRECT, encoding="utf-8")
    assert run_in_child(EX01, path, seed=1)["status"] == "pass"


def test_a_syntax_error_names_line_and_column(tmp_path):
    result = grade(tmp_path, CORRECT.replace("def squared_loss(y_hat, y):", "def squared_loss(y_hat, y)"))
    assert result["status"] == "error" and "syntax error in your file at line 4" in result["message"]
    assert all(t["message"] == "not run: your file could not be loaded." for t in result["tests"])


def test_killing_the_cli_mid_grade_leaves_no_orphan_running(tmp_path):
    import signal
    import subprocess
    import sys

    marker = tmp_path / "child.pid"
    path = tmp_path / "solution.py"
    path.write_text(f"import os\nopen({str(marker)!r}, 'w').write(str(os.getpid()))\nwhile True:\n    pass\n",
                    encoding="utf-8")
    for how in (signal.SIGKILL, signal.SIGINT):
        marker.unlink(missing_ok=True)
        cli = subprocess.Popen([sys.executable, "-m", "studykit", "grade", "ex01", "--file", str(path)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 120  # a hang guard only: the child is waited for, however slow its start
        while not (marker.exists() and marker.read_text()) and time.monotonic() < deadline:
            time.sleep(0.05)
        child = int(marker.read_text())
        cli.send_signal(how)
        _, err = cli.communicate(timeout=60)
        assert "Traceback" not in err
        assert ended_within_guard(child), f"the grading child outlived its CLI after {how.name}"


def test_a_huge_exception_message_is_cut_short(tmp_path):
    source = CORRECT.replace("    return X.dot(w) + b", "    raise ValueError('x' * 100_000)")
    result = grade(tmp_path, source)
    errors = [t for t in result["tests"] if t["status"] == "error"]
    assert errors and all(len(t["message"]) < 3100 and t["message"].endswith("[truncated]") for t in errors)


def test_the_wire_describes_times_and_counts_lines_and_writes_arguments_back(tmp_path):
    import numpy as np

    from studykit.grading import refuse, remote

    path = tmp_path / "learner.py"
    path.write_text(
        "import numpy as np\n"
        "TITLE = 'ok'\n"
        "def loop(x, n=3, *, scale=1.0):\n"
        "    total = 0.0\n"
        "    for v in x.ravel():\n"
        "        total += v\n"
        "    return np.float32(total * scale)\n"
        "def double_in_place(x, rng):\n"
        "    x *= 2\n"
        "    return rng.integers(1000)\n", encoding="utf-8")
    rules = refuse.rules(())
    session = remote.Session(path, timeout=30, memory_mb=2048, cpu_seconds=60, refuse=rules[0], allow=rules[1])
    try:
        sol = remote.LearnerModule(session)
        assert sol.TITLE == "ok"
        loop = sol.loop
        assert loop.parameters == [("x", "POSITIONAL_OR_KEYWORD", False, None), ("n", "POSITIONAL_OR_KEYWORD", True, 3),
                                   ("scale", "KEYWORD_ONLY", True, 1.0)]
        result = loop(np.arange(4.0))
        assert isinstance(result, np.float32) and result == 6.0  # the NumPy scalar keeps its dtype
        assert loop.line_events(np.arange(100.0)) > loop.line_events(np.arange(10.0)) >= 10  # a loop shows
        assert loop.best_cpu(np.arange(1000.0), repeat=2) > 0
        x, rng = np.ones(3), np.random.default_rng(5)
        twin = np.random.default_rng(5)
        drawn = sol.double_in_place(x, rng)
        assert np.array_equal(x, [2.0, 2.0, 2.0])  # the in-place change reached the caller's array
        assert drawn == twin.integers(1000) and rng.integers(1000) == twin.integers(1000)  # and the generator's state
    finally:
        session.close()


def test_line_events_of_calls_made_inside_child_lines_are_counted(tmp_path):
    import numpy as np

    from studykit.grading import refuse, remote

    path = tmp_path / "learner.py"
    path.write_text("import numpy as np\ndef loop(x):\n    out = 0.0\n    for v in x:\n        out += v\n    return out\n"
                    "def vectorized(x):\n    return np.sum(x)\n", encoding="utf-8")
    rules = refuse.rules(())
    session = remote.Session(path, timeout=30, memory_mb=2048, cpu_seconds=60, refuse=rules[0], allow=rules[1])
    try:
        sol = remote.LearnerModule(session)
        with remote.child_lines() as lines:
            sol.loop(np.arange(500.0))
            sol.vectorized(np.arange(500.0))
        assert lines[0] >= 1000 and lines[1] <= 2, lines
        assert sol.loop(np.arange(3.0)) == 3.0  # outside the block: not traced, same result
    finally:
        session.close()
