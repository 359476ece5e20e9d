"""Cloze cards: a paragraph with `==highlighted==` text (one gap per highlight) or explicit `{{c1::…}}` gaps.

Braces inside code or maths are written as HTML entities, so Anki never reads them as cloze syntax. The card's
identity is its hidden texts, not the prose around them.
"""

from __future__ import annotations

import re

from markdown_it.token import Token

from studykit.notes.lint import GAP

EXPLICIT_CLOZE = re.compile(r"\{\{c\d+::")
EXPLICIT_GAP = GAP  # the hidden text of an explicit gap (no hint); linear


def rule(w, i: int, children: list[Token], line: int) -> bool:
    source = w.tokens[i + 1].content
    if "==" not in source and "{{c" not in source:
        return False
    if not (any(c.type == "mark_open" for c in children)
            or any(c.type == "text" and EXPLICIT_CLOZE.search(c.content) for c in children)):
        return False
    explicit = [int(n) for c in children if c.type == "text" for n in re.findall(r"\{\{c(\d+)::", c.content)]
    number = max(explicit, default=0)
    marked, hidden = [], []
    depth = 0
    for c in children:
        if c.type == "mark_open":
            number += 1
            depth += 1
            c = Token("html_inline", "", 0, content=f"{{{{c{number}::")
        elif c.type == "mark_close":
            depth -= 1
            c = Token("html_inline", "", 0, content="}}")
        elif (c.type.startswith("math") or c.type == "code_inline") and ("{{" in c.content or "}}" in c.content):
            # Anki reads {{c1::…}} and }} in the raw field, even inside <code> or \(…\): braces as
            # entities look the same on the card (and to MathJax) but are not cloze syntax.
            if depth:
                hidden.append(c.content)
            rendered = w.inline([c]).replace("{", "&#123;").replace("}", "&#125;")
            c = Token("html_inline", "", 0, content=rendered)
        if depth and c.type != "html_inline":
            hidden.append(c.content)
        marked.append(c)
    text = w.inline(marked)
    item = w.item_of(i)
    extra = w.blocks(i + 3, w.closing(item)) if item is not None else ""
    if not hidden:  # explicit {{cN::…}} gaps: the hidden texts, not the prose around them
        hidden = [m.group(1) for c in children if c.type == "text" for m in EXPLICIT_GAP.finditer(c.content)]
    identity = "|".join(hidden) if hidden else w.tokens[i + 1].content
    w.add("cloze", text, extra, i, line, identity)
    return True
