"""Practice output for a terminal: task texts (Markdown with LaTeX) rendered by rich with the maths as Unicode,
and the 30-day review calendar as a small text chart.

rich renders Markdown but not maths, so the formulas the task texts use are converted here: \\frac{a}{b} → a/b,
x^{2} → x², \\sigma → σ, matrices → [[…], […]]. rich is imported only when a task is rendered.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from studykit.clock import day_range, local_date

# LaTeX → readable Unicode for the terminal: the commands the task texts use (rich renders Markdown, not maths)
_SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "eta": "η",
    "theta": "θ", "lambda": "λ", "mu": "μ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ",
    "omega": "ω", "Delta": "Δ", "Sigma": "Σ", "partial": "∂", "nabla": "∇", "sum": "Σ", "prod": "Π", "int": "∫",
    "top": "ᵀ", "odot": "⊙", "otimes": "⊗", "cdot": "·", "times": "×", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥",
    "ne": "≠", "neq": "≠", "pm": "±", "approx": "≈", "in": "∈", "infty": "∞", "to": "→", "rightarrow": "→",
    "leftarrow": "←", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉", "ldots": "…", "dots": "…",
    "cdots": "⋯", "mid": "|", "ell": "ℓ", "prime": "′", "quad": "  ", "qquad": "    ", "log": "log", "exp": "exp",
    "tanh": "tanh", "max": "max", "min": "min", "sin": "sin", "cos": "cos", "odot ": "⊙", "varphi": "φ",
    "sim": "∼", "propto": "∝", "psi": "ψ", "chi": "χ", "xi": "ξ", "kappa": "κ", "zeta": "ζ", "nu": "ν",
}
_SUPER = dict(zip("0123456789+-=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVW−",
                  "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ⁻", strict=False))
_SUPER.update({"ᵀ": "ᵀ", "′": "′", "'": "′"})
_WITH_ARGUMENT = ("sqrt", "hat", "bar", "tilde", "vec", "mathrm", "text", "mathbf", "mathit", "operatorname",
                  "textbf", "mathsf", "mathbb")
_FRACTIONS = ("frac", "tfrac", "dfrac")  # \tfrac12 and \dfrac{a}{b} are fractions too
_SUB = dict(zip("0123456789+-=()aehijklmnoprstuvx−", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ₋", strict=False))


def latex_to_text(src: str) -> str:
    """A LaTeX formula as plain Unicode: \\frac{a}{b} → a/b (parenthesised when needed), x^{2} → x², \\sigma → σ,
    \\hat y → ŷ, matrices → [[…], […]]. Unknown commands keep their name without the backslash."""

    def group(text: str, i: int) -> tuple[str, int]:
        """The argument starting at text[i]: a {braced} group, a \\command or one character; and the index after it."""
        while i < len(text) and text[i] == " ":
            i += 1
        if i >= len(text):
            return "", i
        if text[i] == "{":
            depth, j = 0, i
            while j < len(text):
                depth += {"{": 1, "}": -1}.get(text[j], 0)
                if depth == 0:
                    return text[i + 1:j], j + 1
                j += 1
            return text[i + 1:], len(text)
        if text[i] == "\\":
            m = re.match(r"\\([A-Za-z]+)", text[i:])
            if m:
                j = i + len(m.group(0))
                arguments = 2 if m.group(1) in _FRACTIONS else 1 if m.group(1) in _WITH_ARGUMENT else 0
                for _ in range(arguments):
                    j = group(text, j)[1]
                return text[i:j], j
        return text[i], i + 1

    def wrap(t: str) -> str:
        return t if re.fullmatch(r"[\w.′ᵀ∂∇\u0302\u0304\u0303⁰-⁹₀-₉]+|\([^()]*\)", t) else f"({t})"

    def script(t: str, table: dict, mark: str) -> str:
        return "".join(table[c] for c in t) if t and all(c in table for c in t) else f"{mark}{wrap(t)}"

    def convert(text: str) -> str:
        out, i = [], 0
        while i < len(text):
            c = text[i]
            if c == "\\":
                m = re.match(r"\\([A-Za-z]+|.)", text[i:])
                if m is None:  # a backslash that ends the formula
                    out.append("\\")
                    i += 1
                    continue
                name = m.group(1)
                i += len(m.group(0))
                if name in _FRACTIONS:
                    a, i = group(text, i)
                    b, i = group(text, i)
                    fraction = f"{wrap(convert(a))}/{wrap(convert(b))}"
                    followed = i < len(text) and text[i] not in " ,;)]}=+-" and not text.startswith("\\\\", i)
                    out.append(f"({fraction})" if followed else fraction)
                elif name == "sqrt":
                    a, i = group(text, i)
                    out.append(f"√{wrap(convert(a))}")
                elif name in ("hat", "bar", "tilde", "vec"):
                    a, i = group(text, i)
                    accent = {"hat": "\u0302", "bar": "\u0304", "tilde": "\u0303", "vec": "\u20d7"}[name]
                    inner = convert(a)
                    out.append(inner + accent if len(inner) == 1 else f"{name}({inner})")
                elif name in ("mathrm", "text", "mathbf", "mathit", "operatorname", "textbf", "mathsf"):
                    a, i = group(text, i)
                    out.append(convert(a))
                elif name == "mathbb":
                    a, i = group(text, i)
                    out.append({"R": "ℝ", "N": "ℕ", "Z": "ℤ", "E": "𝔼"}.get(a, a))
                elif name == "begin":
                    env, i = group(text, i)
                    end = text.find("\\end{" + env + "}", i)
                    body = text[i:end if end >= 0 else len(text)]
                    i = end + len("\\end{" + env + "}") if end >= 0 else len(text)
                    rows = [r for r in (row.strip() for row in body.split("\\\\")) if r]
                    out.append("[" + ", ".join("[" + ", ".join(convert(cell.strip()) for cell in r.split("&")) + "]"
                                               for r in rows) + "]")
                elif name in ("left", "right", "big", "Big", "bigg", "Bigg", "displaystyle"):
                    pass
                elif name in (",", ";", " ", ":", "!"):
                    out.append(" " if name != "!" else "")
                elif name in ("{", "}", "|", "_", "%", "#", "&"):
                    out.append({"|": "‖"}.get(name, name))
                else:
                    out.append(_SYMBOLS.get(name, name))
                    if name in ("partial", "nabla", "pm", "lfloor", "lceil", "sqrt"):  # a prefix: no space after it
                        while i < len(text) and text[i] == " ":
                            i += 1
            elif c in "^_":
                a, i = group(text, i + 1)
                inner = convert(a)
                out.append(script(inner, _SUPER if c == "^" else _SUB, c))
            elif c in "{}":
                i += 1
            elif c == "-":
                out.append("−")
                i += 1
            else:
                out.append(c)
                i += 1
        return "".join(out)

    return re.sub(r" {2,}(?=\S)", lambda m: m.group(0) if len(m.group(0)) >= 4 else " ", convert(src)).strip()


def _escape_markdown(text: str) -> str:
    return "".join("\\" + ch if ch in "\\`*_[]<>|" else ch for ch in text)


def for_terminal(markdown: str, base: Path) -> str:
    """The task's Markdown with maths as Unicode (display maths as a quoted block) and every relative link as a
    path that exists from here (a link whose target is missing keeps only its text)."""

    def display(m: re.Match) -> str:
        return "\n\n> " + _escape_markdown(latex_to_text(" ".join(m.group(1).split()))) + "\n\n"

    def inline(m: re.Match) -> str:
        return _escape_markdown(latex_to_text(m.group(1)))

    def link(m: re.Match) -> str:
        text, target = m.group(1), m.group(2) or m.group(3)  # `(path)` or `(<path with spaces>)`
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            return m.group(0)
        target = target.partition("#")[0]
        path = (base / target).resolve()
        if not path.exists():
            return text
        try:
            shown = os.path.relpath(path)
        except ValueError:  # another drive (Windows)
            shown = str(path)
        shown = shown if not shown.startswith("../../..") else str(path)
        return f"[{text}](<{shown}>)"  # the link text names the section (rich would percent-encode an anchor)

    parts = re.split(r"(```.*?```|`[^`\n]*`)", markdown, flags=re.S)  # code is left exactly as written
    for k in range(0, len(parts), 2):
        piece = re.sub(r"\$\$(.+?)\$\$", display, parts[k], flags=re.S)
        piece = re.sub(r"(?<![\\$])\$(?!\s)([^$\n]+?)(?<!\s)\$", inline, piece)
        parts[k] = re.sub(r"\[([^\]]+)\]\((?:<([^>\n]+)>|([^)\s]+))\)", link, piece)
    return "".join(parts)


def render_task(markdown: str, base: Path, color: bool) -> str:
    """The task rendered for a terminal by rich (headings, emphasis, code blocks, tables, lists)."""
    from rich.console import Console
    from rich.markdown import Markdown

    console = Console(highlight=False, force_terminal=color, no_color=not color, width=None if color else 100)
    with console.capture() as captured:
        console.print(Markdown(for_terminal(markdown, base), hyperlinks=False, code_theme="ansi_dark"))
    return "\n".join(line.rstrip() for line in captured.get().rstrip().splitlines())


CALENDAR_DAYS = 30


def calendar(reviews: dict[str, Any], now: datetime) -> tuple[list[dict], list[str]]:
    """Reviews due on each of the next 30 local days (overdue ones and reviews in progress count today): the
    JSON list and a small text chart, one row per week from Monday."""
    today = local_date(now)
    days = day_range(today, CALENDAR_DAYS)
    counts = {day: 0 for day in days}
    for state in reviews.values():
        day = today if state.in_progress else max(local_date(state.due), today)
        if day in counts:
            counts[day] += 1
    data = [{"date": day.isoformat(), "due": counts[day]} for day in days]
    lines = [f"reviews due in the next {CALENDAR_DAYS} days (today {today:%a %Y-%m-%d}; overdue ones count today):",
             "          Mon Tue Wed Thu Fri Sat Sun"]
    week = today - timedelta(days=today.weekday())
    while week <= days[-1]:
        cells = []
        for k in range(7):
            day = week + timedelta(days=k)
            cells.append("   " if day not in counts else (f"{counts[day]:>3}" if counts[day] else "  ·"))
        lines.append(f"   {week:%m-%d} " + " ".join(cells).rstrip())
        week += timedelta(days=7)
    return data, lines

