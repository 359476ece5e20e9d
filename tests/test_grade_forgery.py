"""A graded file cannot talk the grader into a pass: every forgery is a fail or an error that says what happened.

The verdicts are computed in the grader's process; the learner's process only runs the learner's functions. So
patching json, the checks, the child's writer, writing pass records to every fd, or importing our references
changes nothing but the learner's own results.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.cli

WRONG = "def softmax(Z, axis=-1):\n    return Z * 0 + 1.0 / Z.shape[axis]\n"  # uniform: wrong on every case
FAKE_PASS = (b'{"type": "case", "name": "x", "status": "pass", "message": "", "hint": null}\n'
             b'{"type": "done"}\n')

FORGERIES = {
    "json.dumps patched to say pass": (
        "import json\n_real = json.dumps\n"
        "json.dumps = lambda obj, *a, **k: _real({**obj, 'status': 'pass'} if isinstance(obj, dict) else obj)\n"
        + WRONG, "entries wrong"),
    "check functions replaced": (
        "import studykit.grading.checks as checks\nchecks.check_close = lambda *a, **k: None\n" + WRONG,
        "refused import of `studykit.grading.checks`"),
    "reference imported": (
        "from studykit.reference.softmax import softmax\n", "refused import of `studykit.reference.softmax.softmax`"),
    "reference imported by a computed name": (
        "import importlib\n"
        "def softmax(Z, axis=-1):\n"
        "    ref = importlib.import_module('studykit.' + 'reference.softmax')\n"
        "    return ref.softmax(Z, axis=axis)\n", "refused import of `studykit.reference.softmax`"),
    "reference via __import__ at import time": (
        "ref = __import__('studykit.ref' + 'erence.softmax', fromlist=['softmax'])\nsoftmax = ref.softmax\n",
        "refused import of `studykit.reference.softmax"),
    "scipy's softmax": ("from scipy.special import softmax\n", "refused import of `scipy.special.softmax`"),
    "pass records to every fd, then os._exit(0)": (
        "import os\n" + WRONG.replace("    return", f"    for fd in range(3, 256):\n        try:\n"
                                      f"            os.write(fd, {FAKE_PASS!r})\n"
                                      "        except OSError:\n            pass\n    os._exit(0)\n    return"),
        "not a reply"),  # the forged line reached the grader's channel first: it is not a reply, so no result
    "the child's writer monkeypatched": (
        "import sys\n"
        "proto = sys.modules['studykit.grading.protocol']\n"
        "proto.write_frame = lambda fd, value: __import__('os').write(fd, b'\\xff' * 64)\n" + WRONG,
        "not a reply"),
    "the child's reply patched to a pass": (
        "import sys\n"
        "child = sys.modules['__main__']\n"
        "child.Child.reply = lambda self, body: child.protocol.write_frame(self.reply_fd, "
        "{'status': 'pass', 'result': ['ok', 'pass'], 'output': '', 'refused': []})\n" + WRONG,
        "defines no function `softmax`"),  # its replies (to "describe" first) say nothing the grader can use
}


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
@pytest.mark.parametrize("forgery", FORGERIES)
def test_forgeries_fail_and_say_what_happened(grade_source, forgery):
    source, words = FORGERIES[forgery]
    proc, result = grade_source("ex02", source, "--timeout", "20")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback (most recent call last)" not in proc.stderr
    assert result["status"] in ("fail", "error")
    assert result["score"] < 0.5  # (a case that only checks Z is left unchanged may pass: that is true of WRONG)
    text = (result["message"] or "") + "\n".join(t["message"] for t in result["tests"])
    assert words in text, text


def test_ex13_refuses_our_references_too(grade_source):
    source = ("from studykit.grading import own\nfrom studykit.reference import resnet\n"
              "relu_forward = own.load('relu_forward')\n")
    proc, result = grade_source("ex13", source, "--timeout", "20")
    assert proc.returncode == 1 and result["status"] == "error"
    assert "refused import of `studykit.reference.resnet`" in result["message"]
    assert "line 2" in result["message"]
