"""Imports a learner's file may not make: our references and grading modules always, per exercise the library
functions that would do the exercise for the learner (each exercise's `refuse = [...]` in its meta.toml).

Checked twice: here, statically, on the file's text in the grader (import statements, `__import__("…")` and
`importlib.import_module("…")` with a constant name, and attribute chains such as `np.lib.stride_tricks` through
the names the file imported), and at run time in the learner's process by `child.ImportGuard` (an import hook
that also sees computed names). A refusal names the import and the line.
"""

from __future__ import annotations

import ast

ALWAYS_REFUSED = ("studykit",)  # our references, suites, checks, the grader itself …
ALWAYS_ALLOWED = ("studykit.grading.own",)  # … except ex13's loader of the learner's own earlier exercises


def is_refused(name: str, refuse: tuple[str, ...] | list[str], allow: tuple[str, ...] | list[str] = ()) -> bool:
    if any(name == a or name.startswith(a + ".") for a in (*ALWAYS_ALLOWED, *allow)):
        return False
    return any(name == r or name.startswith(r + ".") for r in (*ALWAYS_REFUSED, *refuse))


def rules(exercise_refuse: tuple[str, ...] | list[str]) -> tuple[list[str], list[str]]:
    """(refused prefixes, allowed prefixes) for an exercise, as the child's import hook takes them."""
    return [*ALWAYS_REFUSED, *exercise_refuse], list(ALWAYS_ALLOWED)


def _dotted(node: ast.AST) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def static_refusals(source: str, refuse: tuple[str, ...] | list[str], exercise: str = "") -> list[str]:
    """One message per refused import found in `source` (a syntax error finds none: the child reports it)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    lines = source.splitlines()
    found: list[str] = []
    seen_lines: set[int] = set()
    aliases: dict[str, str] = {}  # local name → the module or object it stands for

    def refuse_at(node: ast.AST, name: str) -> None:
        line = getattr(node, "lineno", 0)
        code = lines[line - 1].strip() if 0 < line <= len(lines) else ""
        why = (" (our references and grading code are never importable from your file)" if name.startswith("studykit")
               else f" (it does {exercise} for you)" if exercise else "")
        if line not in seen_lines:
            seen_lines.add(line)
            found.append(f"line {line}: `{code}` — refused import of `{name}`{why}")

    # `if __name__ == "__main__":` never runs in a grade (the file is imported as a module): the starter's own try-out
    # code there may use studykit's data; at run time the import hook refuses it anyway
    skipped: set[int] = set()
    for top in tree.body:
        if isinstance(top, ast.If) and isinstance(top.test, ast.Compare) and isinstance(top.test.left, ast.Name) and \
                top.test.left.id == "__name__" and any(isinstance(c, ast.Constant) and c.value == "__main__"
                                                      for c in top.test.comparators):
            skipped |= {id(n) for statement in top.body for n in ast.walk(statement)}
    nodes = [n for n in ast.walk(tree) if id(n) not in skipped]
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                aliases[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else \
                    alias.name.split(".")[0]
                if is_refused(alias.name, refuse):
                    refuse_at(node, alias.name)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                full = node.module if alias.name == "*" else f"{node.module}.{alias.name}"
                aliases[alias.asname or alias.name] = full
                star = alias.name == "*" and any(r.startswith(node.module + ".") for r in refuse)
                if is_refused(full, refuse) or star:
                    refuse_at(node, full)
        elif isinstance(node, ast.Call):
            target = _dotted(node.func)
            if target in ("__import__", "importlib.import_module", "import_module", "builtins.__import__") and \
                    node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                if is_refused(node.args[0].value, refuse):
                    refuse_at(node, node.args[0].value)
    for node in nodes:  # attribute chains, once every alias is known: np.lib.stride_tricks.…
        if isinstance(node, ast.Attribute):
            dotted = _dotted(node)
            if dotted is None:
                continue
            head, _, rest = dotted.partition(".")
            if head in aliases and rest:
                full = f"{aliases[head]}.{rest}"
                if is_refused(full, refuse) and not is_refused(aliases[head], refuse):
                    refuse_at(node, full)
    return found


# ex05-style exercises (`answers_only = true` in meta.toml): the file is a module of answers — formula strings or
# sympy expressions built from symbols and the answer syntax's functions. sympy can do the calculus itself
# (`expr.diff(x)`, `Derivative(…).doit()`, `integrate`, `sympify("diff(…)")` which evaluates a string), and no list
# of such methods is ever complete, so the rule is a whitelist: every call in the file must be one of these.
ANSWER_FUNCTIONS = frozenset({
    # studykit.grading.symbolic.FUNCTIONS (tests/test_ex05_symbolic_derivatives.py keeps the two in step)
    "exp", "log", "sqrt", "cbrt", "sin", "cos", "tan", "cot", "sec", "csc", "asin", "acos", "atan", "acot", "asec",
    "acsc", "sinh", "cosh", "tanh", "coth", "sech", "csch", "asinh", "acosh", "atanh", "acoth", "asech", "acsch",
    "Abs", "sign", "erf", "sigmoid", "Heaviside", "Max", "Min", "atan2", "root", "Pow",
    # building blocks that compute nothing
    "Symbol", "symbols", "Rational", "Integer", "Float",
})
ANSWER_IMPORTS = frozenset({"sympy", "math", "__future__"})
SAFE_BUILTINS = frozenset({"print", "abs", "max", "min", "pow", "float", "int", "str", "len", "range", "round"})


def computed_answers(source: str, exercise: str = "") -> list[str]:
    """One message per line of `source` that calls anything but the answer functions, sympy's constructors of
    symbols and numbers, a few harmless built-ins, a function the file defines, or a method of a string literal —
    or that uses a decorator or a class (which call code without a call expression). The `__main__` block never
    runs in a grade and is not looked at. A syntax error finds nothing: the child reports it."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    lines = source.splitlines()
    skipped: set[int] = set()
    for top in tree.body:
        if isinstance(top, ast.If) and isinstance(top.test, ast.Compare) and isinstance(top.test.left, ast.Name) and \
                top.test.left.id == "__name__" and any(isinstance(c, ast.Constant) and c.value == "__main__"
                                                      for c in top.test.comparators):
            skipped |= {id(n) for statement in top.body for n in ast.walk(statement)}
    nodes = [n for n in ast.walk(tree) if id(n) not in skipped]
    aliases: dict[str, str] = {}
    star = False
    for node in nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                aliases[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else \
                    alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                if alias.name == "*":
                    star = star or node.module.split(".")[0] == "sympy"
                else:
                    aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    # a function the file defines, unless the name is also bound another way (`sig = sympy.diff` after `def sig`,
    # a parameter called `sig`): then a call of it may be anything
    rebound = {n.id for n in nodes if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load)}
    rebound |= {n.arg for n in nodes if isinstance(n, ast.arg)} | set(aliases)
    defs = [n.name for n in nodes if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    defined = {name for name in defs if name not in rebound and defs.count(name) == 1}

    def allowed(func: ast.expr) -> bool:
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Constant) and \
                isinstance(func.value.value, str):
            return True  # "…".format(…), " + ".join(…)
        dotted = _dotted(func)
        if dotted is None:
            return False
        head, _, rest = dotted.partition(".")
        if not rest:
            if head in aliases:
                full = aliases[head]
            elif head in defined or head in SAFE_BUILTINS or (star and head in ANSWER_FUNCTIONS):
                return True
            else:
                return False
        elif head in aliases:
            full = f"{aliases[head]}.{rest}"
        else:
            return False  # a method of a value: expr.diff(…), Derivative(…).doit()
        return full.split(".")[0] == "sympy" and full.rsplit(".", 1)[-1] in ANSWER_FUNCTIONS

    def shown(func: ast.expr) -> str:
        dotted = _dotted(func)
        if dotted is not None and (dotted.partition(".")[0] in aliases or "." not in dotted):
            head, _, rest = dotted.partition(".")
            return f"`{aliases.get(head, head)}{'.' + rest if rest else ''}(…)`"
        if isinstance(func, ast.Attribute):
            return f"`.{func.attr}(…)`"
        return "a computed call"

    found: dict[int, list[tuple[int, str]]] = {}
    for node in nodes:
        line = getattr(node, "lineno", 0)
        # another module of theirs would run code this check never reads: only sympy (and math) may be imported
        imported = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [node.module or "."] if isinstance(node, ast.ImportFrom) and (node.level or node.module) else []
        for name in imported:
            if name.split(".")[0] not in ANSWER_IMPORTS:
                found.setdefault(line, []).append((0, f"an import of `{name}` (only sympy and math)"))
        if isinstance(node, ast.Call) and not allowed(node.func):
            found.setdefault(line, []).append((getattr(node.func, "end_col_offset", 0) or 0, shown(node.func)))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.decorator_list:
            found.setdefault(line, []).append((0, "a decorator"))
        elif isinstance(node, ast.ClassDef):
            found.setdefault(line, []).append((0, "a class"))
    messages = []
    for line in sorted(found):
        code = lines[line - 1].strip() if 0 < line <= len(lines) else ""
        what = ", ".join(dict.fromkeys(name for _, name in sorted(found[line])))
        messages.append(f"line {line}: `{code}` — {what}")
    return messages
