"""ex05 through the real CLI: correct answers pass, wrong ones are explained, nothing in an answer runs."""

from __future__ import annotations

import pytest
from conftest import SOLUTIONS


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_correct_answers_pass(grade_source):
    proc, result = grade_source("ex05", (SOLUTIONS / "ex05_correct.py").read_text(encoding="utf-8"))
    assert proc.returncode == 0, proc.stdout
    assert result["status"] == "pass" and result["score"] == 1.0
    optional = [t for t in result["tests"] if not t["scored"]]
    assert {t["name"] for t in optional} == {"D_RELU (optional)", "D_SOFTMAX_12 (optional)"}
    assert all("correct" in t["message"] for t in optional)


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_wrong_answers_give_partial_credit_and_reasons(tmp_path):
    from conftest import grade_file

    proc, result = grade_file("ex05", SOLUTIONS / "ex05_mistakes.py", cwd=tmp_path)
    assert proc.returncode == 1 and result["status"] == "fail"
    assert result["score"] == 0.2  # one of five required answers is right
    by_name = {t["name"]: t for t in result["tests"]}
    assert "not equivalent: at x = " in by_name["D_SIGMOID"]["message"]
    assert "off by a factor of -1" in by_name["D_TANH"]["hint"]
    assert by_name["D_CE_Z1"]["status"] == "pass"
    assert "is not allowed" in by_name["D_CHAIN_W1"]["message"]
    assert "you used t; the answer is in x" in by_name["D_RELU (optional)"]["message"]
    assert not (tmp_path / "studykit-was-here").exists()
    assert not (SOLUTIONS / "studykit-was-here").exists()


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_the_starter_says_not_answered(grade_source):
    from studykit.catalog import find

    proc, result = grade_source("ex05", (find("ex05").starter_dir / "solution.py").read_text(encoding="utf-8"))
    assert proc.returncode == 1
    assert all("not answered yet" in t["message"] for t in result["tests"] if t["scored"])


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_costly_or_hostile_answer_does_not_cost_the_others_their_verdicts(tmp_path):
    from conftest import grade_file

    proc, result = grade_file("ex05", SOLUTIONS / "ex05_pathological.py", cwd=tmp_path)
    assert proc.returncode == 1 and result["status"] == "fail", proc.stdout + proc.stderr
    by_name = {t["name"]: t for t in result["tests"]}
    assert "not equivalent" in by_name["D_SIGMOID"]["message"] or "CPU time" in by_name["D_SIGMOID"]["message"]
    assert "too large" in by_name["D_TANH"]["message"]
    assert "is not allowed" in by_name["D_CE_Z1"]["message"]
    assert by_name["D_SOFTPLUS"]["status"] == "pass" and by_name["D_CHAIN_W1"]["status"] == "pass"
    assert result["score"] == 0.4


def test_only_ex05s_grade_imports_sympy(tmp_path):
    """ex05's answers are checked in the grader (never in the learner's process); no other grade pays sympy's import."""
    import subprocess
    import sys

    from conftest import REPO

    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "studykit", "grade", "ex02", "--file",
                           str(SOLUTIONS / "ex02_correct.py")], capture_output=True, text=True, cwd=tmp_path,
                          timeout=120)
    assert proc.returncode == 0, proc.stdout
    imported = [line for line in proc.stderr.splitlines() if line.startswith("import time:")]
    assert imported and not any(line.rstrip().endswith("sympy") for line in imported)
    # and no other suite pays sympy's import
    for suite in (REPO / "studykit" / "grading" / "suites").glob("ex*.py"):
        if suite.name != "ex05.py":
            assert "sympy" not in suite.read_text(encoding="utf-8"), suite.name


@pytest.mark.cli
@pytest.mark.parametrize("answer, named", [
    ("sympy.tanh(_x).diff(_x)", "`.diff(…)`"),
    ("sympy.log(1 + sympy.exp(_x)).diff(_x).simplify()", "`.diff(…)`"),
    ("sympy.sympify('diff(tanh(x), x)')", "`sympy.sympify(…)`"),
    ("(1 - sympy.tanh(_x)**2).integrate(_x).diff(_x)", "`.integrate(…)`"),
    ("getattr(_x, 'diff')(_x)", "`getattr(…)`"),
    ("1; import helpers", "an import of `helpers`"),  # another module of theirs is never read by the check
])
@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_an_answer_computed_by_sympy_is_refused_with_its_line(grade_source, answer, named):
    # sympy expressions are a documented answer form; a method or function that does the calculus is not
    source = (SOLUTIONS / "ex05_correct.py").read_text(encoding="utf-8").replace(
        'D_TANH = "1 - tanh(x)**2"', f'_x = sympy.Symbol("x")\nD_TANH = {answer}')
    proc, result = grade_source("ex05", source)
    assert result is not None and result["status"] == "error", proc.stdout + proc.stderr
    assert "line 5:" in result["message"] and named in result["message"], result["message"]
    assert all(t["status"] != "pass" for t in result["tests"])


def test_a_function_of_the_file_rebound_to_a_sympy_method_is_not_trusted():
    from studykit.grading.refuse import computed_answers

    source = ("import sympy\nx = sympy.Symbol('x')\n\ndef sig(v):\n    return v\n\nsig = sympy.diff\n"
              "D_TANH = sig(sympy.tanh(x), x)\n")
    assert computed_answers(source) == ["line 8: `D_TANH = sig(sympy.tanh(x), x)` — `sig(…)`"]
    assert computed_answers(source.replace("sig = sympy.diff\n", "")) == []


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
@pytest.mark.cli
def test_sympy_expressions_built_from_symbols_and_answer_functions_still_pass(grade_source):
    source = '''import sympy as sp
from sympy import exp, Symbol

x, z1, z2 = sp.symbols("x z1 z2")
w1, w2, y = Symbol("w1"), Symbol("w2"), Symbol("y")


def sig(v):
    return 1 / (1 + exp(-v))


D_SIGMOID = sig(x) * (1 - sig(x))
D_TANH = 1 - sp.tanh(x)**2
D_SOFTPLUS = 1 / (1 + exp(-x))
D_CE_Z1 = "exp(z1)/(exp(z1)+exp(z2)) - 1"
D_CHAIN_W1 = "(sigmoid(w2*sigmoid(w1*x)) - y) * sigmoid(w2*sigmoid(w1*x)) * (1 - sigmoid(w2*sigmoid(w1*x)))" \\
    " * w2 * sigmoid(w1*x) * (1 - sigmoid(w1*x)) * x"
D_RELU = sp.Heaviside(x)
'''
    proc, result = grade_source("ex05", source)
    assert result is not None and result["status"] == "pass", proc.stdout + proc.stderr


def test_the_answer_whitelist_of_the_static_rule_is_the_answer_syntaxs():
    from studykit.grading import refuse, symbolic

    canonical = set(symbolic.FUNCTIONS) - set(symbolic.ALIASES) - {"pow"}
    assert canonical <= refuse.ANSWER_FUNCTIONS, canonical - refuse.ANSWER_FUNCTIONS
