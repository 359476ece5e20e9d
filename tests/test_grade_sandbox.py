"""The learner's code runs in a bounded child: every way it can misbehave is a clear failed result."""

from __future__ import annotations

import pytest

CORRECT = (
    "import numpy as np\n"
    "def softmax(Z, axis=-1):\n"
    "    e = np.exp(Z - Z.max(axis=axis, keepdims=True))\n"
    "    return e / e.sum(axis=axis, keepdims=True)\n"
)

FAULTS = {
    "infinite loop": ("def softmax(Z, axis=-1):\n    while True:\n        pass\n", "did not finish within 3 s"),
    "infinite loop at import": ("while True:\n    pass\n", "did not finish within 3 s"),
    "os._exit(0) at import": ("import os\nos._exit(0)\n", "exited"),
    "os._exit(0) in the function": ("import os\ndef softmax(Z, axis=-1):\n    os._exit(0)\n", "exited"),
    "sys.exit() at import": ("import sys\nsys.exit()\n", "called sys.exit(None) while being imported"),
    "sys.exit() in the function": ("import sys\ndef softmax(Z, axis=-1):\n    sys.exit(0)\n", "called sys.exit(0)"),
    "syntax error": ("def softmax(Z, axis=-1)\n    return Z\n", "syntax error in your file at line 1"),
    "crash (segfault)": ("import ctypes\ndef softmax(Z, axis=-1):\n    ctypes.string_at(0)\n", "crashed"),
    "memory bomb": ("def softmax(Z, axis=-1):\n    x = [0] * (10 ** 10)\n", "memory"),
    "numpy memory bomb": ("import numpy as np\ndef softmax(Z, axis=-1):\n    return np.ones((10**6, 10**5))\n",
                          "memory"),
    "error at import": ("import numpy as np\nraise ValueError('oops')\n", "raised an error while being imported"),
}


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
@pytest.mark.parametrize("fault", FAULTS)
def test_misbehaving_code_fails_clearly_and_never_hangs(grade_source, fault):
    source, words = FAULTS[fault]
    # only the loops need the limit; the others end by themselves, so a busy machine's slow start (numpy's import
    # in the child) must not turn their verdict into a timeout
    proc, result = grade_source("ex02", source, "--timeout", "3" if fault.startswith("infinite loop") else "60")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback (most recent call last)" not in proc.stderr
    assert result["status"] in ("fail", "error") and result["score"] < 1
    assert not any(t["status"] == "pass" for t in result["tests"] if t["scored"]) or fault.startswith("sys.exit")
    text = (result["message"] or "") + "\n".join(t["message"] for t in result["tests"])
    assert words in text


def test_an_exception_shows_the_learners_traceback_only(grade_source):
    source = "import numpy as np\n\ndef helper(Z):\n    return Z[99]\n\ndef softmax(Z, axis=-1):\n    return helper(Z)\n"
    proc, result = grade_source("ex02", source)
    messages = [t["message"] for t in result["tests"] if t["status"] == "error"]
    assert messages
    assert "Traceback (your code)" in messages[0] and "line 4, in helper" in messages[0]
    assert "IndexError" in messages[0] and "studykit" not in messages[0]


def test_megabytes_of_printing_are_captured_truncated_and_do_not_hang(grade_source):
    source = CORRECT.replace("    e = ", "    print('x' * 1_000_000)\n    e = ")
    proc, result = grade_source("ex02", source)
    assert result["status"] == "pass"  # printing is allowed; it is just not shown in full
    assert result["output_truncated"] is True and 0 < len(result["output"]) <= 4000
    table = grade_source("ex02", source)[0]
    assert "your program printed (truncated)" in table.stdout or '"output_truncated": true' in table.stdout


def test_prints_are_shown_in_the_report(grade_source, tmp_path):
    from conftest import run_studykit

    path = tmp_path / "s.py"
    path.write_text(CORRECT.replace("    e = ", "    print('debug: shape', Z.shape)\n    e = "), encoding="utf-8")
    proc = run_studykit("grade", "ex02", "--file", str(path))
    assert proc.returncode == 0
    assert "your program printed:" in proc.stdout and "debug: shape" in proc.stdout


def test_a_child_that_reports_nothing_is_never_a_pass(grade_source):
    # closing every file descriptor, then exiting 0, is the most innocent-looking early exit
    source = "import os\nos.closerange(0, 1024)\nos._exit(0)\n"
    proc, result = grade_source("ex02", source)
    assert proc.returncode == 1 and result["status"] == "error"


def test_a_grandchild_that_calls_setsid_does_not_outlive_the_grade(grade_source, tmp_path):
    import os

    pidfile = tmp_path / "grandchild.pid"
    source = CORRECT.replace("def softmax(Z, axis=-1):\n", f"""def softmax(Z, axis=-1):
    import os, time
    if not os.path.exists({str(pidfile)!r}):
        pid = os.fork()
        if pid == 0:  # double fork + setsid: a daemon outside the child's process group and session
            if os.fork() == 0:
                os.setsid()
                with open({str(pidfile)!r} + ".tmp", "w") as f:
                    f.write(str(os.getpid()))
                os.rename({str(pidfile)!r} + ".tmp", {str(pidfile)!r})
                time.sleep(3600)
            os._exit(0)
        os.waitpid(pid, 0)
        while not os.path.exists({str(pidfile)!r}):
            time.sleep(0.01)
""")
    proc, result = grade_source("ex02", source, "--timeout", "30")
    assert result["status"] == "pass", result
    pid = int(pidfile.read_text())
    try:
        state = open(f"/proc/{pid}/stat").read().split(")")[-1].split()[0]
    except FileNotFoundError:
        state = "gone"
    assert state in ("gone", "Z"), f"the grandchild {pid} is still running ({state})"
    if state != "gone":
        os.kill(pid, 9)


def test_the_learners_stdout_behaves_like_a_stream_and_closing_it_breaks_nothing(grade_source):
    source = CORRECT.replace("    e = ", """    import sys
    assert sys.stdout.encoding.lower() in ("utf-8", "utf8") and not sys.stdout.closed
    sys.stdout.buffer.write("bytes ✓\\n".encode())
    sys.stdout.writelines(["lines\\n"])
    print("to stderr", file=sys.stderr)
    sys.stdout.close()
    assert sys.stdout.closed
    e = """)
    proc, result = grade_source("ex02", source)
    assert result["status"] == "pass", result
    assert "bytes ✓" in result["output"] and "lines" in result["output"] and "to stderr" in result["output"]


def test_a_broadcast_error_names_the_learners_line_and_both_shapes(grade_source):
    source = ("import numpy as np\n\ndef softmax(Z, axis=-1):\n    e = np.exp(Z)\n"
              "    return e / e.sum(axis=axis)\n")
    proc, result = grade_source("ex02", source)
    messages = [t["message"] for t in result["tests"] if t["status"] == "error"]
    assert any(m.startswith("your line 5: `return e / e.sum(axis=axis)` — shapes (2, 3) and (2,) cannot be "
                            "broadcast") for m in messages), messages
