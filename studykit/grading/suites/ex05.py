"""Checks for ex05, symbolic derivatives: one case per answer, each compared with sympy's own derivative."""

from __future__ import annotations

import sympy as sp

from studykit.grading import checks
from studykit.grading.cases import CaseList
from studykit.grading.remote import Unreadable
from studykit.grading.symbolic import ANSWER_SECONDS, check_answer

cases = CaseList()


def _sig(v):
    return 1 / (1 + sp.exp(-v))


x, z1, z2, z3, w1, w2, y = sp.symbols("x z1 z2 z3 w1 w2 y", real=True)

# name → (variables, expected derivative computed by sympy from the definition, required?)
ANSWERS = {
    "D_SIGMOID": (("x",), sp.diff(_sig(x), x), True),
    "D_TANH": (("x",), sp.diff(sp.tanh(x), x), True),
    "D_SOFTPLUS": (("x",), sp.diff(sp.log(1 + sp.exp(x)), x), True),
    "D_CE_Z1": (("z1", "z2"), sp.diff(-sp.log(sp.exp(z1) / (sp.exp(z1) + sp.exp(z2))), z1), True),
    "D_CHAIN_W1": (("w1", "w2", "x", "y"), sp.diff((_sig(w2 * _sig(w1 * x)) - y) ** 2 / 2, w1), True),
    "D_RELU": (("x",), sp.Heaviside(x), False),
    "D_SOFTMAX_12": (("z1", "z2", "z3"),
                     sp.diff(sp.exp(z1) / (sp.exp(z1) + sp.exp(z2) + sp.exp(z3)), z2), False),
}


def _make(name: str, variables: tuple[str, ...], expected: sp.Expr, required: bool):
    label = f"{name}" + ("" if required else " (optional)")

    # check_answer bounds each answer by ANSWER_SECONDS itself; the case timeout is only a backstop
    @cases(label, part="required" if required else "", kind="fixed", scored=required, timeout=ANSWER_SECONDS + 4)
    def _(sol, rng):
        answer = getattr(sol, name, None)
        if isinstance(answer, Unreadable):  # a sympy expression built in the learner's file: its formula, as text
            answer = answer.text
        if not required and answer is None:
            return "optional: not answered."
        verdict = check_answer(answer, expected, variables, seed=int(rng.integers(1 << 30)))
        if not verdict.equal:
            raise checks.CheckFailed(f"{name}: {verdict.message}", verdict.hint)
        return f"{name}: {verdict.message}"


for _name, (_vars, _expected, _required) in ANSWERS.items():
    _make(_name, _vars, _expected, _required)
