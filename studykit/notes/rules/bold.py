"""Paragraphs that start with bold text: labels, bold questions and bold-term definitions.

- A first line that is nothing but bold — `**优点：**`, `**Adam 的优势**`, `**什么是过拟合？**` — is a *bold
  question* when it ends in ?/？ and a *bold label* when it is a short term or phrase (at most 40 characters,
  no sentence punctuation; a trailing colon is optional). Its answer is the rest of the paragraph and the blocks
  after it: up to the next heading, thematic break, bold label/question/definition at the same level, or the end
  of the enclosing list item or quote. A list item holding only `**label：**` takes the sibling items after it
  (Typora users often forget to indent).
- Every line that starts with a bold term and a colon (`**经验风险：**…`, `**term**: …`) is a definition of its
  own, so consecutive definition lines in one paragraph make one card each. In a list item, the item's nested
  blocks belong to the (last) definition.
- Otherwise a paragraph starting with a bold question followed by text (`**What is X?** X is …`) is a question
  answered by that text and the blocks after it.
"""

from __future__ import annotations

from markdown_it.token import Token

from studykit.notes.rules.tokens import (BREAKS, bold_alone, emphasis_run, is_label, is_question, lines, plain,
                                         strip_leading_blank, term_start)


def _softbreak() -> Token:
    return Token("softbreak", "br", 0)


def _after_first_line(children: list[Token]) -> list[Token]:
    depth = 0
    for k, child in enumerate(children):
        if child.type in BREAKS and depth == 0:
            return children[k + 1:]
        depth += child.nesting
    return []


def _head_kind(line: list[Token]) -> tuple[str, list[Token], bool] | None:
    """('question' | 'term', the bold's tokens, has a colon) when `line` is a bold question or label alone."""
    alone = bold_alone(line)
    if alone is None:
        return None
    inner, colon = alone
    text = plain(inner)
    if is_question(text):
        return "question", inner, colon
    if is_label(text):
        return "term", inner, colon
    return None


def _question_start(line: list[Token]) -> tuple[list[Token], list[Token]] | None:
    """(question tokens, answer tokens) when `line` starts with a bold question followed by more text."""
    line = strip_leading_blank(line)
    close = emphasis_run(line)
    if close is None:
        return None
    inner, after = line[1:close], line[close + 1:]
    if not is_question(plain(inner)) or not plain(after):
        return None
    if after and after[0].type == "text":
        after = [Token("text", "", 0, content=after[0].content.lstrip())] + after[1:]
    return inner, after


def starts_a_card(w, j: int) -> bool:
    """Whether the block at `j` begins a card of this module (it ends a label's or question's blocks): a paragraph
    that is a bold label, question or definition, or a list whose first item starts with one."""
    tokens = w.tokens
    if tokens[j].type in ("bullet_list_open", "ordered_list_open") and j + 2 < len(tokens):
        j += 2
    if tokens[j].type != "paragraph_open":
        return False
    children = strip_leading_blank(tokens[j + 1].children or [])
    if not children or children[0].type not in ("strong_open", "em_open"):
        return False
    first = lines(children)[0]
    return _head_kind(first) is not None or term_start(first) is not None or _question_start(first) is not None


def _without_colon(tokens: list[Token]) -> list[Token]:
    if tokens and tokens[-1].type == "text" and tokens[-1].content.rstrip().endswith(("：", ":")):
        return [*tokens[:-1], Token("text", "", 0, content=tokens[-1].content.rstrip()[:-1].rstrip())]
    return tokens


def _blocks_after(w, i: int) -> tuple[str, int]:
    """The HTML of the blocks that belong to the paragraph at `i`, and the token index where they end."""
    end = w.scope_end(i, lambda j: starts_a_card(w, j))
    return w.blocks(w.closing(i) + 1, end), end


def _sibling_items(w, item: int) -> tuple[str, int]:
    """`- **优点：**` alone, then `- 快` `- 省` as siblings: those items (up to the next item that is a card)."""
    tokens = w.tokens
    start = j = w.closing(item) + 1
    while j < w.limit and tokens[j].type == "list_item_open":
        if tokens[j + 1].type == "paragraph_open" and starts_a_card(w, j + 1):
            break
        j = w.closing(j) + 1
    if j == start:
        return "", start
    tag = _list_tag(w, item)
    return f"<{tag}>\n{w.blocks(start, j)}\n</{tag}>", j


def _list_tag(w, item: int) -> str:
    level = w.tokens[item].level
    for k in range(item - 1, -1, -1):
        if w.tokens[k].level == level - 1 and w.tokens[k].nesting == 1:
            return w.tokens[k].tag
    return "ul"


def _head(w, i: int, children: list[Token], kind: str, inner: list[Token], colon: bool, line: int) -> None:
    item = w.item_of(i)
    rest = _after_first_line(children)
    rest_html = w.inline(rest) if rest else ""
    blocks, end = _blocks_after(w, i)
    if not rest_html and not blocks and item is not None and (colon or kind == "question"):
        blocks, end = _sibling_items(w, item)
    back = (f"<p>{rest_html}</p>\n" if rest_html else "") + blocks
    text = plain(inner).rstrip("：:").strip()
    what = "bold question" if kind == "question" else "bold label"
    if not back.strip():
        if colon or item is None or kind == "question":
            w.warn(line, f"{what} {text!r} has nothing under it to use as the answer: no card", "empty")
        return
    front = w.inline(_without_colon(inner) if kind == "term" else inner)
    w.add(kind, front, back.strip(), i, line, text)
    w.push_context(end, text, front)


def rule(w, i: int, children: list[Token], line: int) -> bool:
    children = strip_leading_blank(children)
    source = w.tokens[i + 1].content
    if not children or ("**" not in source and "__" not in source):
        return False
    segments = lines(children)
    made = False
    head = _head_kind(segments[0])
    if head is not None:
        _head(w, i, children, head[0], head[1], head[2], line)
        made = True
    starts = [k for k in range(1 if made else 0, len(segments)) if term_start(segments[k]) is not None]
    item = w.item_of(i)
    for n, k in enumerate(starts):
        term, after = term_start(segments[k])
        stop = starts[n + 1] if n + 1 < len(starts) else len(segments)
        explanation = list(after)
        for continued in segments[k + 1:stop]:
            explanation += [_softbreak(), *continued]
        last = n + 1 == len(starts)
        rest = w.blocks(i + 3, w.closing(item)) if item is not None and last and not made else ""
        explanation_html = w.inline(explanation)
        back = ((f"<p>{explanation_html}</p>\n" if explanation_html else "") + rest).strip()
        term_source = "".join(c.content for c in term).strip()
        if not back:
            w.warn(line + k, f"term {term_source!r} has no explanation after the colon: no card", "empty")
            continue
        term_html = w.inline(term)
        w.add("term", term_html, back, i, line + k, term_source)
        if item is not None and last and not made:
            w.push_context(w.closing(item), term_source, term_html)
    if made or starts:
        return True
    question = _question_start(segments[0])
    if question is None:
        return False
    inner, answer = question
    rest = _after_first_line(children)
    answer_html = w.inline(answer + ([_softbreak(), *rest] if rest else []))
    blocks, end = _blocks_after(w, i)
    back = (f"<p>{answer_html}</p>\n" + blocks).strip()
    text = plain(inner)
    front = w.inline(inner)
    w.add("question", front, back, i, line, text)
    w.push_context(end, text, front)
    return True
