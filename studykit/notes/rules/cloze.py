"""Cloze cards: a paragraph with `==highlighted==` text (one gap per highlight) or explicit `{{c1::…}}` gaps.

A highlight over the whole sentence (or all of it but a connective, `综上，==…==`) is emphasis, not a gap: the
paragraph is left to the other rules (`**核心**：==…==` is a term card) and shows highlighted. So is an author's
doubt (`==？？？==`, `==ques？==`).

Braces inside code or maths are written as HTML entities, so Anki never reads them as cloze syntax. The card's
identity is its hidden texts, not the prose around them.
"""

from __future__ import annotations

import re

from markdown_it.token import Token

from studykit.notes.lint import GAP
from studykit.notes.rules.tokens import is_question, plain

EXPLICIT_CLOZE = re.compile(r"\{\{c\d+::")
EXPLICIT_GAP = GAP  # the hidden text of an explicit gap (no hint); linear


# what a highlight may hide and still leave something to recall: not the whole sentence (`==…==` over the line,
# or all but a connective: `综上，==…==`, `第二，==…==；`), and not an author's doubt (`==？？？==`, `==ques？==`)
_NOT_TEXT = re.compile(r"[\W_]+")
_CONNECTIVE = re.compile(r"^\W*(?:综上所述|综上|因此|所以|于是|首先|其次|然后|最后|总之|总而言之|简而言之|也就是说|即|"
                         r"第[一二三四五六七八九十\d]+|[一二三四五六七八九十]+、|\d+[.、)）]|注意|注|例如|比如|"
                         r"therefore|thus|hence|so|note|i\.e\.|e\.g\.|first|second|third|finally)\W*",
                         re.IGNORECASE)


def _little(outside: str) -> bool:
    """Whether the text outside the highlights leaves nothing to recall from (none, a connective, a letter)."""
    left = _NOT_TEXT.sub("", _CONNECTIVE.sub("", outside.strip(), count=1))
    if not left:
        return True
    return left.isascii() and len(left) < 3
_DOUBT = re.compile(r"^\s*(?:[?？]+|ques[?？]*|todo|tbd|待补充|待定|待完善|不懂|存疑|疑问)\s*$", re.IGNORECASE)


def _highlights(children: list[Token]) -> tuple[list[str], str]:
    """The texts of the `==…==` highlights among `children`, and the visible text outside them."""
    marks: list[str] = []
    outside: list[str] = []
    depth = 0
    for c in children:
        if c.type == "mark_open":
            depth += 1
            if depth == 1:
                marks.append("")
        elif c.type == "mark_close":
            depth -= 1
        elif c.type in ("text", "code_inline") or c.type.startswith("math"):
            if depth:
                marks[-1] += c.content
            else:
                outside.append(c.content)
    return marks, "".join(outside)


def rule(w, i: int, children: list[Token], line: int) -> bool:
    source = w.tokens[i + 1].content
    if "==" not in source and "{{c" not in source:
        return False
    explicit_gaps = any(c.type == "text" and EXPLICIT_CLOZE.search(c.content) for c in children)
    if not (any(c.type == "mark_open" for c in children) or explicit_gaps):
        return False
    if not explicit_gaps:
        marks, outside = _highlights(children)
        if all(_DOUBT.match(m) for m in marks):
            return False  # `==？？？==`: the author's question mark, nothing to hide
        if _little(outside):
            w.warn(line, "the highlight covers the whole sentence, so it is no cloze gap (nothing would be left to "
                         "recall from); it shows highlighted", "not-a-card")
            return False
        if len(marks) == 1 and children and children[0].type == "mark_open" and is_question(marks[0]):
            return _asked(w, i, children, line)  # `==为何加正则化项？== 如果不加，…`: a question and its answer
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


def _asked(w, i: int, children: list[Token], line: int) -> bool:
    close = next(k for k, c in enumerate(children) if c.type == "mark_close")
    rest = children[close + 1:]
    while rest and (rest[0].type in ("softbreak", "hardbreak")
                    or (rest[0].type == "text" and not rest[0].content.strip())):
        rest = rest[1:]
    w.add("question", w.inline(children[1:close]), w.rest_of(i, rest), i, line, plain(children[1:close]))
    return True
