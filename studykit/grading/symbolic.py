"""Symbolic answers: parse a learner's formula safely and decide whether it equals the expected one.

Safety: the answer string is parsed with Python's `ast` and every node is checked against a whitelist
(numbers, the declared symbols, calls of a few maths functions, + − * / ** and unary minus) before
anything is built; the sympy expression is then built from the checked tree by hand — no `eval`,
no `parse_expr`, so nothing in the answer is ever executed. Exponents are bounded so that
`10**100**100` is rejected instead of computed.

Equivalence: both sides are first evaluated at many random points (small and large magnitudes) at 30 digits of
precision — cheap, and decisive for a wrong answer; an answer equal at every point is then proved with
`simplify(yours − expected) == 0` under a CPU-time bound, and passes on the numbers when sympy cannot decide.
A mismatch is reported with a counterexample, and with "off by a factor of −1" when it is one.

Time: constant sub-expressions are sized with float arithmetic before they are built (so a number
like ((2**100)**100)**100**100 is refused, never computed), numeric exponents in the built expression
are bounded, and each answer as a whole is checked under its own CPU-time bound (ITIMER_PROF: CPU, not wall
time, so a loaded machine changes nothing), so one pathological answer costs at most ANSWER_SECONDS of CPU and the
other answers keep their verdicts. All of it runs in the grader: the learner's answers arrive as strings.
"""

from __future__ import annotations

import ast
import contextlib
import io
import math
import random
import re
import signal
import time
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass

import sympy as sp


def _sigmoid(a):
    return 1 / (1 + sp.exp(-a))


# name → (sympy builder, fewest arguments, most arguments): every function of sympy's that a learner might write for
# these derivatives, under the names people write them (ln, abs, max, arcsinh, …). Nothing else can be called.
_ONE_ARGUMENT = ("exp", "log", "sqrt", "cbrt", "sin", "cos", "tan", "cot", "sec", "csc", "asin", "acos", "atan", "acot",
                 "asec", "acsc", "sinh", "cosh", "tanh", "coth", "sech", "csch", "asinh", "acosh", "atanh", "acoth",
                 "asech", "acsch", "Abs", "sign", "erf")
FUNCTIONS: dict[str, tuple] = {name: (getattr(sp, name), 1, 1) for name in _ONE_ARGUMENT}
FUNCTIONS.update({
    "sigmoid": (_sigmoid, 1, 1),
    "log": (sp.log, 1, 2),  # log(x) is natural; log(x, b) has base b
    "Heaviside": (sp.Heaviside, 1, 2),  # Heaviside(x) or Heaviside(x, H0) with the value at 0
    "Max": (sp.Max, 2, 8), "Min": (sp.Min, 2, 8),
    "atan2": (sp.atan2, 2, 2),
    "root": (sp.root, 2, 2),
    "pow": (sp.Pow, 2, 2),
})
ALIASES = {"σ": "sigmoid", "ln": "log", "abs": "Abs", "max": "Max", "min": "Min",
           "heaviside": "Heaviside", "H": "Heaviside",
           "sgn": "sign", "arcsin": "asin", "arccos": "acos", "arctan": "atan", "arcsinh": "asinh",
           "arccosh": "acosh", "arctanh": "atanh", "arsinh": "asinh", "arcosh": "acosh", "artanh": "atanh"}
FUNCTIONS.update({alias: FUNCTIONS[name] for alias, name in ALIASES.items()})
SHOWN_FUNCTIONS = ", ".join(sorted(set(FUNCTIONS) - set(ALIASES), key=str.lower))
CONSTANTS = {"e": sp.E, "pi": sp.pi}
MAX_CONSTANT = 1e6
MAX_EXPONENT = 100
MAX_MAGNITUDE = 1e100  # any constant sub-expression, e.g. 10**100 is fine, 10**101 is not
MAX_LENGTH = 2000
ANSWER_SECONDS = 4.0  # CPU seconds for the whole check of one answer: parse, numbers, simplify
SIMPLIFY_SECONDS = 1.0  # CPU seconds for the symbolic proof of an answer the numbers found equal


class AnswerError(ValueError):
    """The answer is not an acceptable formula; the message says why, for the learner."""


@dataclass(frozen=True)
class Verdict:
    equal: bool
    message: str
    hint: str | None = None


class _Timeout(BaseException):
    """Raised by the answer's own timer (BaseException: the broad `except Exception` around sympy must not eat it)."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise _Timeout in the block after it used `seconds` of this process's CPU time (main thread only): CPU, not
    wall-clock time, so a busy machine never turns a correct answer into "too costly". Nests: an outer limit keeps
    counting the CPU time spent in here."""
    def on_timer(signum, frame):
        raise _Timeout()

    previous = signal.signal(signal.SIGPROF, on_timer)
    outer = signal.getitimer(signal.ITIMER_PROF)[0]
    started = time.process_time()
    signal.setitimer(signal.ITIMER_PROF, min(seconds, outer) if outer > 0 else seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)
        if outer > 0:
            signal.setitimer(signal.ITIMER_PROF, max(outer - (time.process_time() - started), 1e-3))


_NODE_NAMES = {
    ast.Attribute: "attribute access (a.b)", ast.Subscript: "indexing (a[...])", ast.Lambda: "lambda",
    ast.ListComp: "a comprehension", ast.GeneratorExp: "a comprehension", ast.List: "a list", ast.Tuple: "a tuple",
    ast.Dict: "a dict", ast.Compare: "a comparison", ast.BoolOp: "and/or", ast.IfExp: "an if-expression",
    ast.JoinedStr: "an f-string", ast.NamedExpr: "an assignment (:=)", ast.Starred: "*unpacking",
}


def _constant_value(node: ast.AST) -> float | None:
    """The numeric value of a constant-only subtree, computed with float guards (None if not constant)."""
    try:
        if isinstance(node, ast.Constant):
            return float(node.value)  # type: ignore[arg-type]  # a non-number raises, handled below
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = _constant_value(node.operand)
            return None if inner is None else (-inner if isinstance(node.op, ast.USub) else inner)
        if isinstance(node, ast.BinOp):
            left, right = _constant_value(node.left), _constant_value(node.right)
            if left is None or right is None:
                return None
            if isinstance(node.op, ast.Pow):
                if abs(right) > MAX_EXPONENT:
                    return math.inf
                return math.pow(abs(left), right) if left else 0.0
            return {ast.Add: left + right, ast.Sub: left - right, ast.Mult: left * right,
                    ast.Div: left / right if right else math.inf}.get(type(node.op))
    except (OverflowError, ValueError, ZeroDivisionError):
        return math.inf
    return None


class _Builder:
    def __init__(self, symbols: dict[str, sp.Symbol]):
        self.symbols = symbols

    def build(self, node: ast.AST) -> sp.Expr:
        if isinstance(node, ast.Expression):
            return self.build(node.body)
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
                raise AnswerError(f"{node.value!r} is not a number; answers are formulas like exp(-x)/(1+exp(-x))**2")
            if abs(node.value) > MAX_CONSTANT:
                raise AnswerError(f"the number {node.value} is too large for a derivative of these functions")
            return sp.Rational(repr(node.value)) if isinstance(node.value, float) else sp.Integer(node.value)
        if isinstance(node, ast.Name):
            name = node.id
            if name.startswith("_"):
                raise AnswerError(f"the name {name!r} is not allowed")
            if name in self.symbols:
                return self.symbols[name]
            if name in CONSTANTS:
                return CONSTANTS[name]
            if name in FUNCTIONS:
                raise AnswerError(f"{name} is a function: call it, e.g. {name}(x)")
            listing = ", ".join(self.symbols)
            raise AnswerError(f"you used {name}; the answer is in {listing}",
                              f"use only {listing}, e, pi and the functions {SHOWN_FUNCTIONS}")
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            inner = self.build(node.operand)
            return -inner if isinstance(node.op, ast.USub) else inner
        if isinstance(node, ast.BinOp):
            value = _constant_value(node)
            if isinstance(node.op, ast.Div) and _constant_value(node.right) == 0:
                raise AnswerError(f"{ast.unparse(node)} divides by zero")
            if value is not None and (not math.isfinite(value) or abs(value) > MAX_MAGNITUDE):
                raise AnswerError(f"the number {ast.unparse(node)} is too large (at most {MAX_MAGNITUDE:.0e} "
                                  "in absolute value)")
            if isinstance(node.op, ast.Pow):
                exponent = _constant_value(node.right)
                if exponent is not None and (not math.isfinite(exponent) or abs(exponent) > MAX_EXPONENT):
                    raise AnswerError(f"the exponent in {ast.unparse(node)} is too large (at most {MAX_EXPONENT})")
            left, right = self.build(node.left), self.build(node.right)
            ops = {ast.Add: lambda: left + right, ast.Sub: lambda: left - right, ast.Mult: lambda: left * right,
                   ast.Div: lambda: left / right, ast.Pow: lambda: left ** right}
            if type(node.op) not in ops:
                raise AnswerError(f"the operator in {ast.unparse(node)} is not allowed; use + - * / and ** (or ^)")
            return ops[type(node.op)]()
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                called = ast.unparse(node.func)
                raise AnswerError(f"calling {called}(...) is not allowed; "
                                  f"the functions you may use are {SHOWN_FUNCTIONS}")
            builder, fewest, most = FUNCTIONS[node.func.id]
            name = node.func.id
            if node.keywords or not fewest <= len(node.args) <= most:
                count = f"exactly {fewest}" if fewest == most else f"{fewest} to {most}"
                raise AnswerError(f"{name}(...) takes {count} argument{'s' if most > 1 else ''}, "
                                  f"got {len(node.args) + len(node.keywords)}")
            return builder(*(self.build(arg) for arg in node.args))
        what = _NODE_NAMES.get(type(node), type(node).__name__)
        raise AnswerError(f"{what} is not part of a mathematical expression here")


def parse_answer(answer, symbols: tuple[str, ...]) -> sp.Expr:
    """The learner's answer (a string, or a sympy expression) as a sympy expression in `symbols`."""
    declared = {name: sp.Symbol(name, real=True) for name in symbols}
    if answer is None or (isinstance(answer, str) and not answer.strip()):
        raise AnswerError("not answered yet: set it to a formula string, e.g. \"exp(-x)/(1+exp(-x))**2\"")
    if isinstance(answer, sp.Basic):
        unknown = sorted(str(s) for s in answer.free_symbols if str(s) not in declared)
        if unknown:
            raise AnswerError(f"you used {', '.join(unknown)}; the answer is in {', '.join(symbols)}")
        return answer.subs({s: declared[str(s)] for s in answer.free_symbols})
    if isinstance(answer, (int, float)) and not isinstance(answer, bool):
        answer = repr(answer)
    if not isinstance(answer, str):
        raise AnswerError(f"the answer must be a string (or a sympy expression), not {type(answer).__name__}")
    if len(answer) > MAX_LENGTH:
        raise AnswerError(f"the answer is longer than {MAX_LENGTH} characters")
    text = answer.replace("^", "**").replace("·", "*").replace("−", "-").replace("×", "*").strip()
    power_first = re.search(r"\b([A-Za-z]+)\s*\*\*\s*(\d+)\s*\(", text)
    if power_first and power_first.group(1) in FUNCTIONS:  # tanh^2(x), as books write it
        name, power = power_first.groups()
        column = power_first.start()
        raise AnswerError(f"cannot read the answer at column {column + 1}: {name}**{power}(…) raises the function "
                          f"itself to a power\n  {text}\n  {' ' * column}^",
                          f"put the power after the call: {name}(x)**{power}, not {name}**{power}(x)")
    gaps = _implicit_products(text, set(declared) | set(CONSTANTS))
    if gaps:
        fixed = _with_stars(text, gaps)
        column = gaps[0]
        try:  # suggest the fixed text only if it is itself a valid answer, never another invalid expression
            _check_exponents(_Builder(declared).build(ast.parse(fixed, mode="eval")))
            suggestion = f"write products with `*`: {fixed}"
        except (AnswerError, SyntaxError, RecursionError, ValueError, TypeError):
            suggestion = ("write products with `*` (2*x, x*(1 - x), f(x)*(1 - f(x))), and call only the functions "
                          "the exercise lists")
        raise AnswerError(f"cannot read the answer at column {column + 1}: two factors side by side with nothing "
                          f"between them\n  {text}\n  {' ' * column}^", suggestion)
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        column = exc.offset or 0
        raise AnswerError(f"cannot parse the answer at column {column}: {exc.msg}\n  {text}\n  "
                          f"{' ' * max(column - 1, 0)}^") from None
    try:
        expr = _Builder(declared).build(tree)
    except RecursionError:
        raise AnswerError("the answer is nested too deeply") from None
    _check_exponents(expr)
    return expr


def _implicit_products(text: str, names: set[str]) -> list[int]:
    """Columns where two factors stand side by side with no operator (2x, 2(x+1), x(1-x), (a)(b), f(x)(1-f(x))),
    reported only when putting `*` at every such column makes the answer parse: then that IS the mistake."""
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(text).readline)
                  if t.type in (tokenize.NUMBER, tokenize.NAME, tokenize.OP)]
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return []
    gaps = []
    for before, after in zip(tokens, tokens[1:], strict=False):
        ends = before.type == tokenize.NUMBER or before.string == ")" or (
            before.type == tokenize.NAME and (before.string in names or after.string != "("))
        starts = after.type in (tokenize.NUMBER, tokenize.NAME) or after.string == "("
        if before.type == tokenize.NAME and before.string in FUNCTIONS and after.string == "(":
            continue  # a call of an allowed function
        if before.type == tokenize.NAME and before.string not in names and after.string == "(":
            continue  # a call of something else: refused, with its own message, when the tree is checked
        if ends and starts and before.end[0] == after.start[0] == 1:
            gaps.append(after.start[1])
    if not gaps:
        return []
    fixed = _with_stars(text, gaps)
    try:
        ast.parse(fixed, mode="eval")
    except SyntaxError:
        return []
    return gaps


def _check_exponents(expr: sp.Expr) -> None:
    """Refuse numeric exponents that only grew when sympy merged nested powers, e.g. ((x**100)**100)**100."""
    for power in expr.atoms(sp.Pow):
        exponent = power.exp
        if exponent.is_Number and abs(exponent) > MAX_EXPONENT:
            raise AnswerError(f"the exponent in {power} is too large (at most {MAX_EXPONENT})")


def _sample_points(symbols: list[sp.Symbol], rng: random.Random, count: int) -> list[dict]:
    nice = [0.5, -0.5, 0.73, -1.2, 1.5, 2.0, -2.5, 0.1, 3.0, -0.3]
    large = [8.0, -8.0, 15.0, -15.0, 30.0, -30.0]
    points = []
    for i in range(count):
        pool = nice if i < count * 2 // 3 else large
        points.append({s: sp.Float(rng.choice(pool) + (rng.random() - 0.5) * 0.1 if i else rng.choice(nice), 30)
                       for s in symbols})
    return points


def _value(expr: sp.Expr, point: dict) -> complex | None:
    try:
        v = complex(expr.evalf(30, subs=point))
    except Exception:  # noqa: BLE001 — undefined or not a number at this point
        return None
    if not (math.isfinite(v.real) and math.isfinite(v.imag)) or abs(v.imag) > 1e-12 * max(1.0, abs(v.real)):
        return None
    return v


def _fmt(v: complex) -> str:
    return f"{v.real:.6g}"


def equivalent(answer: sp.Expr, expected: sp.Expr, symbols: tuple[str, ...], seed: int = 0,
               simplify_seconds: float = SIMPLIFY_SECONDS, points: int = 24) -> Verdict:
    """Whether `answer` equals `expected` as functions of `symbols`, with a counterexample when not."""
    declared = [sp.Symbol(name, real=True) for name in symbols]
    expected = expected.subs({s: d for s in expected.free_symbols for d in declared if str(s) == str(d)})
    # numbers first: cheap, and they decide every wrong answer (with a counterexample)
    rng = random.Random(seed)
    pairs = []
    for point in _sample_points(declared, rng, points):
        a, b = _value(answer, point), _value(expected, point)
        if b is None:
            continue
        pairs.append((point, a, b))
        if a is None and len(pairs) >= 5:  # undefined where the expected value is not: wrong, no need for more
            break
    if len(pairs) < 5:
        return Verdict(False, "could not check the answer: the expected value is undefined at the test points")
    wrong = [(p, a, b) for p, a, b in pairs if a is None or abs(a - b) > 1e-9 * max(1.0, abs(b))]
    if not wrong:  # equal at every point: a symbolic proof, when sympy finds one within its CPU budget
        try:
            with time_limit(simplify_seconds):
                if sp.simplify(answer - expected) == 0:
                    return Verdict(True, "correct")
        except _Timeout:
            pass
        except Exception:  # noqa: BLE001 — sympy can fail inside simplify (huge integers, …): undecided
            pass
        return Verdict(True, "correct (equal at every test point)")
    point, a, b = wrong[0]
    where = ", ".join(f"{s} = {float(v):.4g}" for s, v in point.items())
    yours = "undefined" if a is None else _fmt(a)
    message = f"not equivalent: at {where}, yours = {yours}, expected = {_fmt(b)}"
    hint = None
    # a constant factor k ≠ 1 (or an added constant c ≠ 0) only when yours = k·expected (or expected + c) at EVERY
    # point, including where the expected value is 0 — else the counterexample above is the whole story
    nonzero = [(a, b) for _, a, b in pairs if a is not None and abs(b) > 1e-12]
    if nonzero and all(a is not None for _, a, _ in pairs):
        factor = nonzero[0][0] / nonzero[0][1]
        if abs(factor - 1) > 1e-9 and abs(factor) > 1e-9 and all(
                abs(a - factor * b) <= 1e-7 * max(1.0, abs(factor * b)) for _, a, b in pairs):  # type: ignore[operator]
            k = factor.real
            shown = f"{round(k)}" if abs(k - round(k)) < 1e-9 else f"{k:.6g}"
            advice = "check the sign." if shown == "-1" else "check a constant factor."
            hint = f"off by a factor of {shown}: {advice}"
        else:
            offset = pairs[0][1] - pairs[0][2]  # type: ignore[operator]  # all known: checked above
            if abs(offset) > 1e-9 and all(abs((a - b) - offset) <= 1e-7 * max(1.0, abs(offset))  # type: ignore[operator]
                                          for _, a, b in pairs):
                hint = f"off by a constant {offset.real:+.6g}"
    return Verdict(False, message, hint)


def check_answer(answer, expected: sp.Expr, symbols: tuple[str, ...], seed: int = 0,
                 seconds: float = ANSWER_SECONDS) -> Verdict:
    """Parse and compare within `seconds`; an unacceptable answer is a Verdict with the parse message."""
    try:
        with time_limit(seconds):
            try:
                parsed = parse_answer(answer, symbols)
            except AnswerError as exc:
                hint = exc.args[1] if len(exc.args) > 1 else None
                return Verdict(False, exc.args[0], hint)
            return equivalent(parsed, expected, symbols, seed=seed, simplify_seconds=min(SIMPLIFY_SECONDS, seconds / 2))
    except _Timeout:
        return Verdict(False, f"could not check the answer within {seconds:g} s of CPU time: it is too costly to "
                       "evaluate",
                       "write the derivative directly in terms of the functions; avoid huge powers and deep nesting")
    except Exception as exc:  # noqa: BLE001 — sympy failing on an odd answer is a verdict, not a crash
        return Verdict(False, f"could not evaluate the answer ({type(exc).__name__}: {str(exc)[:200]})")


def _with_stars(text: str, gaps: list[int]) -> str:
    """`text` with a `*` written at each of the positions `gaps` (between two factors side by side)."""
    return "".join(text[a:b] + ("*" if b in gaps else "") for a, b in zip([0, *gaps], [*gaps, len(text)], strict=True))
