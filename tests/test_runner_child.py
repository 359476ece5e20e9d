"""run_in_child on its own: limits, the process group, the results pipe, and how a dead child is described."""

from __future__ import annotations

import time

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


def grade(tmp_path, source: str, **kwargs) -> dict:
    path = tmp_path / "solution.py"
    path.write_text(source, encoding="utf-8")
    return run_in_child(EX01, path, seed=5, **kwargs)


def test_a_correct_file_passes_and_every_case_is_reported(tmp_path):
    result = grade(tmp_path, CORRECT)
    assert result["status"] == "pass" and result["score"] == 1.0 and result["message"] is None
    assert len(result["tests"]) >= 6 and all(t["status"] == "pass" for t in result["tests"])
    assert result["replay"] == "studykit grade ex01 --seed 5"


def test_numpy_works_under_the_memory_limit_but_a_large_allocation_fails(tmp_path):
    # 200 MB is an ordinary workload; 4 GB is over the limit and must fail cleanly, not kill the machine
    ok = CORRECT + "\n_big = __import__('numpy').ones(25_000_000)\n"
    assert grade(tmp_path, ok)["status"] == "pass"
    bomb = CORRECT.replace("    return X.dot(w) + b", "    __import__('numpy').ones(500_000_000)\n    return X.dot(w) + b")
    result = grade(tmp_path, bomb)
    assert result["status"] == "fail"
    forward = [t for t in result["tests"] if t["part"] == "forward"]
    assert forward and all(t["status"] == "error" and "memory" in t["message"] for t in forward)
    assert all(t["status"] == "pass" for t in result["tests"] if t["part"] == "loss")


def test_a_timeout_kills_the_whole_process_group(tmp_path):
    marker = tmp_path / "grandchild.pid"
    source = (
        "import subprocess, sys\n"
        f"p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"open({str(marker)!r}, 'w').write(str(p.pid))\n"
        "while True:\n    pass\n"
    )
    result = grade(tmp_path, source, timeout=2)
    assert result["status"] == "error" and "did not finish within 2 s" in result["message"]
    pid = int(marker.read_text())
    time.sleep(0.2)
    assert not alive(pid)  # the learner's own child died with the grade
    assert not any(t["status"] == "pass" for t in result["tests"])


def test_a_background_process_holding_the_pipe_does_not_delay_the_result(tmp_path):
    # a forked child inherits the results pipe; the grade ends at `done`, not when the pipe closes
    source = CORRECT + "\nimport os, time\nif os.fork() == 0:\n    time.sleep(30)\n    os._exit(0)\n"
    result = grade(tmp_path, source, timeout=8)
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


def test_a_case_timeout_is_not_swallowed_by_the_learners_except(tmp_path):
    import studykit.grading.suites.ex01 as suite

    assert all(case.timeout is None for case in suite.cases)  # the whole-run wall clock applies
    source = CORRECT.replace(
        "    return X.dot(w) + b",
        "    try:\n        while True:\n            pass\n    except Exception:\n        return X.dot(w) + b")
    result = grade(tmp_path, source, timeout=2)
    assert result["status"] == "error" and "did not finish" in result["message"]


def test_printing_through_the_file_descriptor_is_bounded_too(tmp_path):
    # os.write bypasses sys.stdout; only the first few KB ever reach the report
    source = CORRECT + "\nimport os\nfor _ in range(2000):\n    os.write(1, b'y' * 10000)\n"
    result = grade(tmp_path, source)
    assert result["status"] == "pass"
    assert result["output_truncated"] is True and len(result["output"]) <= 4000


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
        deadline = time.monotonic() + 10
        while not (marker.exists() and marker.read_text()) and time.monotonic() < deadline:
            time.sleep(0.05)
        child = int(marker.read_text())
        cli.send_signal(how)
        _, err = cli.communicate(timeout=10)
        assert "Traceback" not in err
        time.sleep(0.3)
        assert not alive(child), f"the grading child outlived its CLI after {how.name}"


def test_a_huge_exception_message_is_cut_short(tmp_path):
    source = CORRECT.replace("    return X.dot(w) + b", "    raise ValueError('x' * 100_000)")
    result = grade(tmp_path, source)
    errors = [t for t in result["tests"] if t["status"] == "error"]
    assert errors and all(len(t["message"]) < 3100 and t["message"].endswith("[truncated]") for t in errors)
