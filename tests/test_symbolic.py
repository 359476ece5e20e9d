"""The symbolic answer checker: safe parsing, equivalence, and messages that point at the mistake."""

from __future__ import annotations

import time

import pytest
import sympy as sp

from studykit.grading.symbolic import AnswerError, check_answer, parse_answer

x = sp.Symbol("x", real=True)
D_SIGMOID = sp.diff(1 / (1 + sp.exp(-x)), x)


@pytest.mark.parametrize("answer", [
    "exp(-x)/(1+exp(-x))^2",
    "sigmoid(x)*(1-sigmoid(x))",
    "sigmoid(x) - sigmoid(x)**2",
    "1/(2 + exp(x) + exp(-x))",
    "e^(-x) / (1 + e^(-x))^2",
    "1/(exp(x/2) + exp(-x/2))**2",  # = 1 / (4 cosh²(x/2))
    sp.exp(-sp.Symbol("x")) / (1 + sp.exp(-sp.Symbol("x"))) ** 2,
])
def test_any_equivalent_form_is_accepted(answer):
    verdict = check_answer(answer, D_SIGMOID, ("x",))
    assert verdict.equal, verdict


@pytest.mark.parametrize("answer, words, hint", [
    ("sigmoid(x)*(1-x)", "not equivalent: at x = ", None),
    ("-sigmoid(x)*(1-sigmoid(x))", "not equivalent", "off by a factor of -1"),
    ("2*sigmoid(x)*(1-sigmoid(x))", "not equivalent", "off by a factor of 2"),
    ("sigmoid(x)*(1-sigmoid(x)) + 1", "not equivalent", "off by a constant +1"),
])
def test_wrong_forms_get_a_counterexample_and_a_diagnosis(answer, words, hint):
    verdict = check_answer(answer, D_SIGMOID, ("x",))
    assert not verdict.equal and words in verdict.message and "yours = " in verdict.message
    assert "expected = " in verdict.message
    if hint:
        assert hint in verdict.hint


@pytest.mark.parametrize("answer, words", [
    ("__import__('os').system('touch pwned')", "calling __import__('os').system(...) is not allowed"),
    ("().__class__.__bases__", "attribute access"),
    ("x.real", "attribute access"),
    ("lambda: 1", "lambda"),
    ("[x for x in ()]", "comprehension"),
    ("x[0]", "indexing"),
    ("open('f')", "calling open(...) is not allowed"),
    ("'x'", "is not a number"),
    ("x if x else 1", "if-expression"),
    ("__builtins__", "not allowed"),
    ("x < 1", "comparison"),
])
def test_anything_but_a_formula_is_rejected_before_it_runs(answer, words, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(AnswerError) as err:
        parse_answer(answer, ("x",))
    assert words in err.value.args[0]
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("answer", ["10**100**100", "2**2**2**2**2", "x**(10**6)", "9**99999999",
                                    "((((2**100)**100)**100)**100)**100", "((((x**100)**100)**100)**100)**100",
                                    "10**-100**100", "1e308*10"])
def test_huge_powers_are_refused_fast(answer):
    verdict = check_answer(answer, D_SIGMOID, ("x",))
    assert not verdict.equal and ("too large" in verdict.message)


def test_unknown_symbols_name_the_right_variables():
    verdict = check_answer("t*sigmoid(t)", D_SIGMOID, ("x",))
    assert verdict.message == "you used t; the answer is in x"
    z1, z2 = sp.symbols("z1 z2", real=True)
    verdict = check_answer("exp(z)", z1 + z2, ("z1", "z2"))
    assert verdict.message == "you used z; the answer is in z1, z2"


def test_parse_errors_say_where_and_how():
    verdict = check_answer("2x + 1", D_SIGMOID, ("x",))
    assert verdict.message.startswith("cannot read the answer at column 2") and verdict.message.endswith("\n  2x + 1\n   ^")
    assert verdict.hint == "write products with `*`: 2*x + 1"
    verdict = check_answer("sigmoid(x", D_SIGMOID, ("x",))
    assert "cannot parse" in verdict.message


def test_a_division_by_zero_is_named():
    verdict = check_answer("sigmoid(x)/(1-1)", D_SIGMOID, ("x",))
    assert verdict.message == "sigmoid(x) / (1 - 1) divides by zero"


def test_unanswered_and_non_string_answers():
    assert "not answered yet" in check_answer(None, D_SIGMOID, ("x",)).message
    assert "must be a string" in check_answer(["x"], D_SIGMOID, ("x",)).message


def test_numbers_decide_where_simplify_cannot(monkeypatch):
    import studykit.grading.symbolic as symbolic

    monkeypatch.setattr(symbolic.sp, "simplify", lambda e: e)  # a simplifier that never decides
    assert check_answer("sigmoid(x)*(1-sigmoid(x))", D_SIGMOID, ("x",)).equal
    assert not check_answer("sigmoid(x)", D_SIGMOID, ("x",)).equal


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_one_costly_answer_is_decided_by_the_numbers_first():
    verdict = check_answer("exp(exp(exp(exp(x))))", D_SIGMOID, ("x",), seconds=1.0)
    assert not verdict.equal and ("not equivalent" in verdict.message or "CPU time" in verdict.message)


def test_the_time_bound_counts_cpu_time_and_nests():
    from studykit.grading.symbolic import _Timeout, time_limit

    with pytest.raises(_Timeout), time_limit(5.0):
        with time_limit(0.05):  # a busy loop uses CPU time: cut off whatever the machine's load
            while True:
                pass
    with time_limit(5.0):  # and sleeping (wall time only) is not cut off by a CPU-time bound
        time.sleep(0.1)


def test_an_outer_timer_keeps_running_across_a_check():
    import signal

    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *a: fired.append(True))
    try:
        signal.setitimer(signal.ITIMER_REAL, 30)
        assert check_answer("sigmoid(x)*(1-sigmoid(x))", D_SIGMOID, ("x",)).equal
        remaining = signal.getitimer(signal.ITIMER_REAL)[0]
        assert 20 < remaining < 30 and not fired
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_sympy_failures_are_verdicts_not_crashes():
    verdict = check_answer("2**(x*10**6)", D_SIGMOID, ("x",))  # simplify would print a 300000-digit integer
    assert not verdict.equal and ("not equivalent" in verdict.message or "CPU time" in verdict.message)


def test_a_vanishing_answer_is_not_called_off_by_a_factor_of_zero():
    verdict = check_answer("sigmoid(x)**100*(1-sigmoid(x))**100", D_SIGMOID, ("x",))
    assert not verdict.equal and ("not equivalent" in verdict.message or "CPU time" in verdict.message)
    assert verdict.hint is None or "factor of 0" not in verdict.hint


def test_answers_in_several_variables():
    z1, z2 = sp.symbols("z1 z2", real=True)
    expected = sp.diff(-sp.log(sp.exp(z1) / (sp.exp(z1) + sp.exp(z2))), z1)
    assert check_answer("exp(z1)/(exp(z1)+exp(z2)) - 1", expected, ("z1", "z2")).equal
    assert check_answer("-exp(z2)/(exp(z1)+exp(z2))", expected, ("z1", "z2")).equal
    assert check_answer("sigmoid(z1 - z2) - 1", expected, ("z1", "z2")).equal
    wrong = check_answer("exp(z1)/(exp(z1)+exp(z2))", expected, ("z1", "z2"))
    assert not wrong.equal and "at z1 = " in wrong.message and ", z2 = " in wrong.message


TANH = sp.tanh(x)
D_TANH = sp.diff(TANH, x)


@pytest.mark.parametrize("answer, expected", [
    ("sech(x)**2", D_TANH), ("1/cosh(x)^2", D_TANH), ("4/(exp(x)+exp(-x))**2", D_TANH),
    ("1/(4*cosh(x/2)**2)", D_SIGMOID), ("(1 - tanh(x/2)**2)/4", D_SIGMOID), ("1/(2 + 2*cosh(x))", D_SIGMOID),
    ("csch(x)**2 * sinh(x)**2 * sech(x)**2", D_TANH), ("1 - coth(x)**(-2)", D_TANH),
    ("log(exp(sech(x)**2), e)", D_TANH), ("ln(exp(1))*sech(x)^2", D_TANH), ("diff_free := 1", None),
])
def test_functions_sympy_knows_are_accepted_as_strings(answer, expected):
    if expected is None:
        assert not check_answer(answer, D_TANH, ("x",)).equal  # := is still refused
        return
    verdict = check_answer(answer, expected, ("x",))
    assert verdict.equal, verdict


@pytest.mark.parametrize("answer", ["Heaviside(x)", "heaviside(x)", "(sign(x) + 1)/2", "Max(0, sign(x))",
                                    "(1 + x/Abs(x))/2", "(x + abs(x))/(2*x)", "Heaviside(x, 0)", "Min(1, Max(0, sign(x)))"])
def test_relu_derivative_written_with_step_sign_abs_max_min(answer):
    verdict = check_answer(answer, sp.Heaviside(x), ("x",))
    assert verdict.equal, verdict


@pytest.mark.parametrize("answer", ["asinh(x)", "acosh(2+x**2)", "atanh(x/100)", "atan2(1, 2)*x", "root(x**2+1, 3)",
                                    "cbrt(x)", "log(x**2+1, 2)", "erf(x)", "pow(x, 2)"])
def test_other_functions_parse_behind_the_whitelist(answer):
    expr = parse_answer(answer, ("x",))
    assert expr.free_symbols <= {x}


@pytest.mark.parametrize("answer, column, fixed", [
    ("(1+tanh(x))(1-tanh(x))", 12, "(1+tanh(x))*(1-tanh(x))"),
    ("sigmoid(x)(1-sigmoid(x))", 11, "sigmoid(x)*(1-sigmoid(x))"),
    ("x(1-x)", 2, "x*(1-x)"),
    ("2(1 - tanh(x)**2)/2", 2, "2*(1 - tanh(x)**2)/2"),
    ("1 - tanh(x)tanh(x)", 12, "1 - tanh(x)*tanh(x)"),
])
def test_implicit_products_show_a_caret_and_say_write_products_with_star(answer, column, fixed):
    verdict = check_answer(answer, D_TANH, ("x",))
    assert not verdict.equal and "is not allowed" not in verdict.message
    first, text, caret = verdict.message.split("\n")
    assert first.startswith(f"cannot read the answer at column {column}:")
    assert caret.index("^") - 2 == column - 1 and text.strip() == answer
    assert verdict.hint == f"write products with `*`: {fixed}"
    if "tanh" in fixed:  # the suggested fix is the learner's own formula, read as they meant it
        assert check_answer(fixed, D_TANH, ("x",)).equal


def test_a_call_of_an_unknown_function_is_refused_not_read_as_a_product():
    verdict = check_answer("foo(x)", D_TANH, ("x",))
    assert verdict.message.startswith("calling foo(...) is not allowed") and "sech" in verdict.message


@pytest.mark.parametrize("answer, expected", [("1", sp.Heaviside(x)), ("x/x", sp.Heaviside(x)),
                                              ("tanh(x)", TANH), ("sech(x)**2 + 0", D_TANH * (1 + 0 * x))])
def test_a_factor_of_one_is_never_named(answer, expected):
    verdict = check_answer(answer, expected, ("x",))
    assert "factor of 1:" not in (verdict.hint or "")
    if not verdict.equal:
        assert "yours = " in verdict.message and "expected = " in verdict.message  # a counterexample instead


def test_relu_derivative_1_gets_a_counterexample_where_x_is_negative():
    verdict = check_answer("1", sp.Heaviside(x), ("x",))
    assert not verdict.equal and verdict.hint is None
    assert "yours = 1, expected = 0" in verdict.message


@pytest.mark.parametrize("answer, fixed", [("1 - tanh^2(x)", "tanh(x)**2"), ("sech**2(x)", "sech(x)**2")])
def test_a_power_written_on_the_function_name_is_explained(answer, fixed):
    verdict = check_answer(answer, D_TANH, ("x",))
    assert not verdict.equal and "raises the function itself to a power" in verdict.message
    assert fixed in verdict.hint and "write products" not in verdict.hint


def test_sigma_is_read_as_the_sigmoid():
    assert check_answer("σ(x)*(1 - σ(x))", D_SIGMOID, ("x",)).equal
