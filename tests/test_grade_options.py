"""`studykit grade`'s options: a bad seed, time limit or file is a usage error that says what is wrong (exit 2),
never a traceback and never blamed on the learner's code."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from studykit.cli import main


def grade(*args: str):
    return CliRunner().invoke(main, ["grade", "ex02", *args])


@pytest.mark.parametrize("seed", ["-1", str(2**64), "abc", "1.5"])
def test_a_bad_seed_is_a_usage_error(seed):
    result = grade("--seed", seed)
    assert result.exit_code == 2 and "--seed" in result.output and "seed between 0 and" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("timeout", ["nan", "inf", "-inf", "1e300", "-1", "0", "ten"])
def test_a_bad_timeout_is_a_usage_error(timeout):
    result = grade("--timeout", timeout)
    assert result.exit_code == 2 and "--timeout" in result.output
    assert "seconds" in result.output and "Traceback" not in result.output


def test_what_is_wrong_with_the_file_is_said(tmp_path):
    (tmp_path / "huge.py").write_bytes(b"")
    os.truncate(tmp_path / "huge.py", 5 * 1024 * 1024)
    (tmp_path / "binary.py").write_bytes(b"\x00\x01\x02")
    (tmp_path / "latin1.py").write_bytes("x = 'é'\n".encode("latin-1"))
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    cases = {"/dev/zero": "is a device", str(tmp_path): "is a directory", str(fifo): "is a FIFO",
             str(tmp_path / "huge.py"): "far too large", str(tmp_path / "binary.py"): "not a text file",
             str(tmp_path / "latin1.py"): "not UTF-8", str(tmp_path / "missing.py"): "no such file"}
    for path, words in cases.items():
        result = grade("--file", path)
        assert result.exit_code == 2 and words in result.output, (path, result.output)


def test_good_values_are_accepted():
    from studykit.grading.options import SEED, TIMEOUT

    assert SEED.convert("0", None, None) == 0 and SEED.convert(str(2**63 - 1), None, None) == 2**63 - 1
    assert TIMEOUT.convert("2.5", None, None) == 2.5
