"""ex01 linear regression: the reference is right (finite differences, sympy), and the grader teaches."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from conftest import SOLUTIONS, grade_file

from studykit.catalog import find
from studykit.grading.gradcheck import numerical_gradient, rel_error
from studykit.reference import linear as ref


@pytest.mark.parametrize("n, d", [(1, 1), (4, 3), (9, 2), (3, 7)])
def test_reference_gradient_matches_central_differences(n, d):
    rng = np.random.default_rng(n * 10 + d)
    X, y, w, b = rng.standard_normal((n,
                                      d)), rng.standard_normal(n), rng.standard_normal(d), float(rng.standard_normal())
    dw, db = ref.linear_grad(X, y, w, b)
    assert rel_error(dw, numerical_gradient(lambda v: ref.squared_loss(ref.linear_forward(X, v, b), y),
                                            w.copy())) < 1e-8
    num_db = numerical_gradient(lambda v: ref.squared_loss(ref.linear_forward(X, w, float(v[0])), y), np.array([b]))
    assert rel_error(np.array([db]), num_db) < 1e-8
    assert dw.shape == (d,) and isinstance(db, float)


def test_reference_matches_the_symbolic_derivative():
    n, d = 3, 2
    Xs = sympy.Matrix(n, d, lambda i, j: sympy.Symbol(f"x{i}{j}"))
    ys = sympy.Matrix(n, 1, lambda i, _: sympy.Symbol(f"y{i}"))
    ws = sympy.Matrix(d, 1, lambda j, _: sympy.Symbol(f"w{j}"))
    bs = sympy.Symbol("b")
    residual = Xs * ws + sympy.ones(n, 1) * bs - ys
    loss = sum(r**2 for r in residual) / (2 * n)
    rng = np.random.default_rng(0)
    X, y, w, b = rng.standard_normal((n, d)), rng.standard_normal(n), rng.standard_normal(d), 0.7
    values = {**{Xs[i, j]: X[i, j] for i in range(n) for j in range(d)}, **{ys[i]: y[i] for i in range(n)},
              **{ws[j]: w[j] for j in range(d)}, bs: b}
    dw, db = ref.linear_grad(X, y, w, b)
    assert float(loss.subs(values)) == pytest.approx(ref.squared_loss(ref.linear_forward(X, w, b), y), rel=1e-12)
    assert np.allclose([float(sympy.diff(loss, ws[j]).subs(values)) for j in range(d)], dw, rtol=1e-12)
    assert float(sympy.diff(loss, bs).subs(values)) == pytest.approx(db, rel=1e-12)


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_the_starter_fails_with_not_implemented():
    proc, result = grade_file("ex01", find("ex01").starter_dir / "solution.py", "--seed", "2")
    assert proc.returncode == 1 and result["status"] == "fail" and result["score"] == 0
    assert all("not implemented yet" in t["message"] for t in result["tests"] if t["scored"])


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_correct_solution_passes_every_part():
    proc, result = grade_file("ex01", SOLUTIONS / "ex01_correct.py")
    assert proc.returncode == 0 and result["status"] == "pass"
    assert {t["part"] for t in result["tests"] if t["scored"]} == {"forward", "loss", "gradient"}
    assert {t["kind"] for t in result["tests"]} >= {"fixed", "random", "edge", "property", "speed"}


# (wrong solution, what the learner must read, the parts that must still pass)
MISTAKES = [
    ("ex01_no_mean", "you forgot the / 2.", {"forward"}),
    ("ex01_no_mean", "did you forget to divide by N?", {"forward"}),
    ("ex01_sign_flipped", "the sign is flipped", {"forward", "loss"}),
    ("ex01_db_vector", "db: expected a single number, got an array of shape", {"forward", "loss"}),
    ("ex01_grad_times_two", "no extra factor 2", {"forward", "loss"}),
    ("ex01_loop_no_bias", "did you forget the bias b?", {"loss"}),
]


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
@pytest.mark.parametrize("solution, words, right_parts", MISTAKES)
def test_a_common_mistake_gets_its_hint_and_partial_credit(solution, words, right_parts):
    proc, result = grade_file("ex01", SOLUTIONS / f"{solution}.py", "--seed", "11")
    assert proc.returncode == 1 and result["status"] == "fail" and 0 < result["score"] < 1
    failing = "\n".join(f"{t['message']} {t['hint'] or ''}" for t in result["tests"] if t["status"] != "pass")
    assert words in failing
    passed_parts = {p for p, c in result["parts"].items() if c["passed"] == c["total"]}
    assert passed_parts == right_parts


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_python_loop_is_told_about_speed_but_not_failed_for_it():
    proc, result = grade_file("ex01", SOLUTIONS / "ex01_loop_no_bias.py", "--seed", "11")
    speed = next(t for t in result["tests"] if t["kind"] == "speed")
    assert speed["scored"] is False and "a Python loop over examples: one matrix product" in speed["message"]
