"""List items that ask a question: `- [ ] 1-1 简述解决一个机器学习问题的流程？` (a checklist of interview questions,
often linked to an anchor) with the answer nested below it in the same item.

The item's first paragraph must be nothing but the question — plain, bold-free text, a link or an HTML span
around it, after an optional task checkbox — and the item must hold more blocks: they are the answer. A list of
questions without answers makes no cards and no warnings (it is an index). A statement that ends with a colon,
leading in to a formula, is not a question even when it starts with an asking word (`- Can diverge when …, but a
penalty helps:`)."""

from __future__ import annotations

from markdown_it.token import Token

from studykit.notes.rules.tokens import is_question, plain


def _question(children: list[Token]) -> list[Token]:
    """The question's tokens: without a leading task checkbox, and without links to anchors in the same page
    (`[1-2 …](#1-2)` → its text: a link that leads nowhere on a card)."""
    out = []
    skip_close = 0
    for child in children:
        if child.type == "html_inline" and "checkbox" in child.content:
            continue
        if child.type == "link_open" and str(child.attrGet("href") or "").startswith("#"):
            skip_close += 1
            continue
        if child.type == "link_close" and skip_close:
            skip_close -= 1
            continue
        out.append(child)
    return out


def asks(w, i: int) -> bool:
    """Whether the paragraph at `i` is a list item's question with its answer below it in the item."""
    item = w.item_of(i)
    if item is None or w.closing(item) <= w.closing(i) + 1:
        return False  # not the first block of an item, or nothing below the question in its item
    question = _question(w.tokens[i + 1].children or [])
    text = plain(question)
    if text.endswith((":", "：")) and "?" not in text and "？" not in text:
        return False  # `- Can diverge when …, but a penalty term helps:` then a formula: a statement that leads in
    return bool(text) and len(text) <= 200 and is_question(text) and not any(c.type == "strong_open" for c in question)


def rule(w, i: int, children: list[Token], line: int) -> bool:
    if not asks(w, i):
        return False
    item = w.item_of(i)
    end = w.closing(item)
    question = _question(children)
    text = plain(question)
    back = w.blocks(w.closing(i) + 1, end)
    if not back:
        return False
    front = w.inline(question)
    w.add("question", front, back, i, line, text)
    w.push_context(end, text, front)
    return True
