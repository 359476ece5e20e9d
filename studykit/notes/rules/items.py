"""List items that ask a question: `- [ ] 1-1 简述解决一个机器学习问题的流程？` (a checklist of interview questions,
often linked to an anchor) with the answer nested below it in the same item.

The item's first paragraph must be nothing but the question — plain, bold-free text, a link or an HTML span
around it, after an optional task checkbox — and the item must hold more blocks: they are the answer. A list of
questions without answers makes no cards and no warnings (it is an index). A statement that ends with a colon,
leading in to a formula, is not a question even when it starts with an asking word (`- Can diverge when …, but a
penalty helps:`)."""

from __future__ import annotations

import re

from markdown_it.token import Token

from studykit.notes.rules.tokens import is_marker, is_question, plain


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


def _asks_siblings(w, i: int) -> tuple[str, int] | None:
    """`- While converting, what if we meet an unknown word?` then `- We add an <UNK> token.`: an item that is only a
    question (ending in ?/？) answered by the items after it, up to the next question item — (their HTML, the end)."""
    if "?" not in w.tokens[i + 1].content and "？" not in w.tokens[i + 1].content:
        return None  # the cheap test first: most items do not end with a question mark
    item = w.item_of(i)
    if item is None or w.closing(item) != w.closing(i) + 1:
        return None
    text = plain(_question(w.tokens[i + 1].children or []))
    if not text.endswith(("?", "？")) or len(text) > 200 or not is_question(text) or _STEP.match(text) or any(
            c.type in ("strong_open", "link_open") for c in w.tokens[i + 1].children or []):
        return None
    tokens = w.tokens
    start = j = w.closing(item) + 1
    while j < w.limit and tokens[j].type == "list_item_open":
        if tokens[j + 1].type == "paragraph_open" and is_question(plain(tokens[j + 2].children or [])):
            break
        j = w.closing(j) + 1
    if j == start:
        return None
    listing = parent(w, item)
    if not _answers_list(w, listing, tokens[item].level):
        return None  # a list of questions (an index) or a numbered outline, not questions with their answers
    if not any(_reads_as_answer(plain(tokens[k + 1].children or [])) for k in range(start, j)
                             if tokens[k].type == "paragraph_open"):
        return None  # `- 神经网络的结构` `- 神经网络的不足`: an outline of topics, not an answer
    tag = tokens[listing].tag
    return f"<{tag}>\n{w.blocks(start, j)}\n</{tag}>", j


def parent(w, i: int) -> int:
    """The index of the token that opens the block holding the one at `i` (the note's parents are found once)."""
    parents = w.memo.get(("parents",))
    if parents is None:
        parents, stack = [], [-1]
        for token in w.tokens:
            parents.append(stack[-1])
            if token.nesting == 1:
                stack.append(len(parents) - 1)
            elif token.nesting == -1 and len(stack) > 1:
                stack.pop()
        w.memo[("parents",)] = parents
    return parents[i]


def _answers_list(w, listing: int, level: int) -> bool:
    """Whether the list at `listing` may hold questions answered by their next items: not mostly questions, not a
    numbered outline. Read once per list (a list of many questions is not re-read for each)."""
    known = w.memo.get(("answers_list", listing))
    if known is None:
        tokens = w.tokens
        firsts = [plain(tokens[k + 2].children or []) for k in range(listing + 1, w.closing(listing))
                  if tokens[k].type == "list_item_open" and tokens[k].level == level
                  and tokens[k + 1].type == "paragraph_open"]
        known = w.memo[("answers_list", listing)] = not (
            sum(1 for f in firsts if is_question(f)) * 2 > len(firsts) or any(_OUTLINE.match(f) for f in firsts))
    return known


def _reads_as_answer(text: str) -> bool:
    """A sentence, not a topic name: four words, sentence punctuation, or 25 characters."""
    return len(text) >= 12 and (len(text.split()) >= 4 or len(text) >= 25 or any(c in text for c in "，。,.；;：:"))


# `确定问题：…？`, `Look for patterns: Is the model biased?`: a step of a procedure named before its question
_STEP = re.compile(r"^[^?？:：]{2,60}[:：]\s*\S")  # (`Gain insight from manual error analysis: Why …?`: a tip)
_OUTLINE = re.compile(r"^(?:[一二三四五六七八九十]+、|\d+(?:\.\d+)+\s|\d+-\d+)")


def _quoted_answer(w, i: int) -> tuple[str, bool] | None:
    """`1. 随机森林为什么能够更鲁棒？` then `> 由于…` on the next line (the quote ends the list: a 面试题 collection's
    way to answer): for a list's last item that is only a question — or a short term the quote defines
    (`- 统计语言模型[…]` then `> 是…`) — with nothing nested, the quote right after the list: (its HTML, whether the
    item asks)."""
    item = w.item_of(i)
    if item is None or w.closing(item) != w.closing(i) + 1:
        return None
    listing = parent(w, item)
    after = w.closing(listing) + 1
    if w.closing(item) + 1 != w.closing(listing) or after >= w.limit or w.tokens[after].type != "blockquote_open":
        return None
    question = _question(w.tokens[i + 1].children or [])
    text = plain(question).strip()
    if not text or len(text) > 120 or any(c.type in ("strong_open", "link_open") for c in question):
        return None
    asked = text.endswith(("?", "？")) or (is_question(text) and "?" not in text and "？" not in text)
    if not asked and (len(text) > 40 or any(m in text for m in "，。；;：:,!！“”\"") or is_marker(text)):
        return None
    if not asked and not _DEFINES.match(plain(w.tokens[after + 2].children or []) if w.tokens[after + 1].type ==
                                        "paragraph_open" else ""):
        return None  # `- False` then `> Note: …`: a remark on the item, not what it means
    back = w.blocks(after + 1, w.closing(after))
    return (back, asked) if back.strip() else None


# how a quote that defines the item above it begins: `> 是自然语言处理的重要技术`, `> refers to …`
_DEFINES = re.compile(r"^\s*(?:是|指|即|就是|表示|称为|又称|用于|用来|is\b|are\b|refers? to\b|means\b|denotes\b|"
                      r"a\b|an\b|the\b)", re.IGNORECASE)


def rule(w, i: int, children: list[Token], line: int) -> bool:
    quoted = _quoted_answer(w, i) if w.tokens[i].level else None
    if quoted is not None:
        question = _question(children)
        w.add("question" if quoted[1] else "term", w.inline(question), quoted[0], i, line, plain(question).strip())
        return True
    if not asks(w, i):
        siblings = _asks_siblings(w, i)
        if siblings is None:
            return False
        question = _question(children)
        front = w.inline(question)
        w.add("question", front, siblings[0], i, line, plain(question))
        return True
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
