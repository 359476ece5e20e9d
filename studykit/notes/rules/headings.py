"""Question headings (`## 为什么需要激活函数？`) and, with front matter `cards: sections`, every section.

The answer is the section: the blocks up to the next heading of the same or a higher level — or up to the
first sub-heading that is itself a question, which is its own card, so a chapter of sub-questions does not
become one huge back. A question nested deeper, inside a sub-section that is not one (`### 🎯 中文理解` holding
`#### 为什么会发生？`), is left out of the back and the sections after it still answer (`### 🎤 直接面试回答`).
"""

from __future__ import annotations

import re

from markdown_it.common.utils import escapeHtml

from studykit.notes.rules.bold import PROBLEM_LABEL as _PROBLEM_LABEL
from studykit.notes.rules.callouts import makes_card
from studykit.notes.rules.tokens import (
    GENERIC_QUESTION,
    NUMBERING,
    heading_text,
    is_placeholder,
    without_trailing_stars,
)


def _sub_questions(w, i: int, level: int) -> str:
    """A question whose section holds only sub-questions: its answer is their list (each is a card of its own)."""
    tokens, top = w.tokens, 7
    found: list[str] = []
    for j in range(i + 3, w.limit):
        if tokens[j].type != "heading_open":
            continue
        sub = int(tokens[j].tag[1])
        if sub <= level:
            break
        if w.is_question_heading(j) and sub <= top:
            if sub < top:
                found, top = [], sub
            found.append(w.inline(without_trailing_stars(tokens[j + 1].children or [])))
    items = "".join(f"<li>{q}</li>" for q in found)
    return f'<p class="subquestions">分为这几个小问题 (sub-questions)：</p>\n<ul>{items}</ul>'


def _answered(w, i: int) -> bool:
    """A heading whose first block is an answer (`答：…`, `> A: …`): the heading is its question."""
    j = i + 3
    if j + 1 >= w.limit or w.tokens[j].type not in ("paragraph_open", "blockquote_open"):
        return False
    from studykit.notes.rules.qa import _next_marker

    read = _next_marker(w, j, into_lists=True)
    if read is None or read[0] != "a":
        return False
    w.consumed.add(j if w.tokens[j].type == "paragraph_open" else j + 1)  # part of this card, not an `A：` alone
    return True


_PROBLEM_LEAD = re.compile(r"^(?:\*\*|__)(?:problem|problem statement|task|题目|题目描述|问题描述)[ \t]*[:：]?"
                           r"(?:\*\*|__)[ \t]*[:：]?[ \t]*\S", re.IGNORECASE)
_SOLUTION = re.compile(r"^(?:\*\*|__)?(?:解题思路|思路|解法|题解|解答|分析|参考答案|solution|approach)(?:\*\*|__)?"
                       r"[ \t]*[:：]?[ \t]*(?:\*\*|__)?$", re.IGNORECASE)


def _solution(w, i: int, level: int) -> int | None:
    """An exam problem: a heading, its statement, then a `**思路**` paragraph or a `思路` sub-heading — the index
    where the solution starts (None when the section is not one)."""
    tokens = w.tokens
    j = i + 3
    while j < w.limit:
        t = tokens[j]
        if t.type == "heading_open":
            if int(t.tag[1]) <= level:
                return None
            return j if j > i + 3 and _SOLUTION.match(tokens[j + 1].content.strip()) else None
        if t.type == "paragraph_open" and t.level == tokens[i].level and j > i + 3:
            content = tokens[j + 1].content
            if content[:1] in "*_解思分参SsAa" and _SOLUTION.match(content.strip()):
                return j
        j = w.closing(j) + 1
    return None


def _only_clozes(w, start: int, end: int) -> bool:
    """Whether the blocks from `start` to `end` are all cloze paragraphs (`==…==`, `{{c1::…}}`)."""
    tokens, j, any_block = w.tokens, start, False
    while j < min(end, w.limit):
        if tokens[j].type != "paragraph_open" or not ("==" in tokens[j + 1].content or "{{c" in tokens[j + 1].content):
            return False
        any_block = True
        j = w.closing(j) + 1
    return any_block


# `## **Q.17**`, `# Q3. Linear Regression`, `### 第3题`: a question's number (and topic) with no question in it
_NUMBER_ONLY = re.compile(r"^(?:Q|Question|问题|题|第)\s*\.?\s*\d+[a-z]?\s*(?:题)?\s*[.:：)）、—–-]?\s*(.{0,40})$",
                          re.IGNORECASE)


def _number_only(text: str) -> str | None:
    """For a heading that is a question's number (`Q.17`, `Q3. Linear Regression`), the topic after the number
    ("" for none); None for any other heading (one that asks: `Q12: 什么是过拟合？`, `Q.1c Explain UI Elements`)."""
    from studykit.notes.rules.tokens import is_question

    match = _NUMBER_ONLY.match(text.strip(" *_"))
    if match is None or is_question(match.group(1)) or "?" in text or "？" in text:
        return None
    return match.group(1).strip()


_ANSWER_WORD = re.compile(r"^[*_\s>]*(?:answer|ans|solution|答案|答|解答|解|参考答案)\s*[*_]*\s*[:：]", re.IGNORECASE)


def _answer_marker(w, j: int) -> bool:
    """Whether the block at `j` starts with an answer (`**Answer:** (B)`, `答案：`)."""
    k = j + 1 if w.tokens[j].type == "paragraph_open" else j + 2 if w.tokens[j].type == "blockquote_open" else -1
    return 0 < k < w.limit and w.tokens[k].type == "inline" and _ANSWER_WORD.match(w.tokens[k].content) is not None


def _instructed(w, i: int, text: str) -> bool:
    """Whether the heading is (under) something that is no card for its own reason (`## Q1: kNN (20 points)`: an
    assignment), which `w.add` reports."""
    from studykit.notes.rules.notcards import section_reason

    return bool(section_reason(" › ".join([w.note.relpath, w.title, *(p for _, _, p in w.paths[i][:-1]), text])))


# a heading that names an aspect of the heading above (`### 特点`, `### 应用场景：` under `## ReLU`): asked about it
_ASPECT = re.compile(r"^(?:特点|特点与优势|优势|劣势|优点|缺点|作用|原理|基本原理|应用场景|适用场景|局限性|"
                     r"主要思想|核心思想|基本思想)\s*[:：]?$")


# a title that asks in words (not `X vs Y`, `X 的作用`: an overview note's name)
_TITLE_ASKS = re.compile(r"[?？]|^(?:what|why|how|when|which|is|are|can|does|do|should)\b|"
                         r"是什么|为什么|如何|怎么|怎样|哪些|是否|吗$", re.IGNORECASE)


def _holds_pairs(w, i: int) -> bool:
    """Whether a `Q：`/`问：` line stands in the section under the heading at `i` (before its next heading)."""
    from studykit.notes.rules.qa import _next_marker

    j = i + 3
    while j < w.limit and w.tokens[j].type != "heading_open":
        read = _next_marker(w, j, into_lists=True)
        if read is not None and read[0] == "q":
            return True
        j = w.closing(j) + 1
    return False


def heading(w, i: int) -> None:
    tokens = w.tokens
    level = int(tokens[i].tag[1])
    inline = tokens[i + 1]
    shown = without_trailing_stars(inline.children or [])
    text = heading_text(shown)
    line = tokens[i].map[0] + 1 if tokens[i].map else 0
    aspect = _ASPECT.match(NUMBERING.sub("", text, count=1)) is not None  # `### 特点与优势：` under `## ReLU`
    question = w.is_question_heading(i) or _answered(w, i) or aspect
    solution = None if question else _solution(w, i, level)
    question = question or solution is not None
    if not question and not w.sections:
        return
    titled = level == 1 and text == w.title
    if titled and not (not w.sections and _TITLE_ASKS.search(text) and w.is_question_heading(i)
                       and not _holds_pairs(w, i)):
        return  # the note's title names it; a title that asks (`# SVM的Loss是什么`) is answered by the note — unless
        # the note asks again in its own words (`**Q:** …` / `**A:**` under it: that pair is the card)
    asked = ""  # `## Q.17` then the question's statement: it belongs on the front
    topic = _number_only(text) if question and solution is None and not _instructed(w, i, text) else None
    if topic is not None:
        first = i + 3
        marker_first = first + 1 < w.limit and _answer_marker(w, first)
        if marker_first or (not topic and (first + 1 >= w.limit or tokens[first].type not in (
                "paragraph_open", "blockquote_open"))):
            # `# Q3. Linear Regression` then `**Answer:** B`, `## **Q.17**` then `### Given Expression`
            w.warn(line, f"{text!r} is not a card: a question's number without the question (the note holds only "
                   "its answer)", "not-a-card")
            return
        if not topic:
            asked = w.blocks(first, w.closing(first) + 1)
    end, sub_question = w.limit, False
    segments: list[tuple[int, int]] = []  # the parts of the section that answer it (sub-questions left out)
    start, skip_to = (w.closing(i + 3) + 1 if asked else i + 3), 0  # skip_to: the level of the sub-question
    # being skipped (0: none)
    first_sub = 7  # the level of the section's first sub-heading
    for j in range(i + 3, w.limit):
        if tokens[j].type == "callout_open" and tokens[j].level == 0 and makes_card(w, j) and not skip_to:
            end = j  # a question or definition callout is a card of its own
            break
        if tokens[j].type == "heading_open":
            sub = int(tokens[j].tag[1])
            if sub <= level:
                end = j
                break
            first_sub = min(first_sub, sub)
            if skip_to and sub <= skip_to:  # past the sub-question's own section: its siblings answer again
                skip_to, start = 0, j
            if question and not skip_to and w.is_question_heading(j):
                segments.append((start, j))
                sub_question = True
                if sub <= first_sub:  # a sub-question at the first sub-level: the answer ends there
                    end = j
                    break
                skip_to = sub  # `#### 为什么会发生？` inside `### 🎯 中文理解` is a card of its own; the sections after
                # it (`### 🎤 直接面试回答`) are still this question's
    if not skip_to and (not segments or segments[-1][1] != end):
        segments.append((start, end))
    if question and not w.sections and "?" not in text and "？" not in text and \
            any(b > a for a, b in segments) and all(_only_clozes(w, a, b) for a, b in segments if b > a):
        return  # `## 深度的作用` over a ==highlighted== paragraph: a topic whose text is carded as its cloze
    back = "\n".join(part for part in (w.blocks(a, b) for a, b in segments if b > a) if part)
    if titled and (not back or is_placeholder(back)):
        return  # a title that asks, with only sub-questions under it: they are the cards
    if sub_question and (not back or is_placeholder(back)):
        back = _sub_questions(w, i, level)
    if not back or (question and is_placeholder(back)):
        if question:
            why = "only a placeholder (TODO)" if back else "nothing below it to use as the answer"
            w.warn(line, f"question heading {text!r} has {why}: no card", "empty")
        return
    kind = "question" if question else "section"
    front = w.inline(shown) + (f"\n{asked}" if asked else "")
    if solution is not None:  # `## 局长的食物`, its statement, then `**思路**`: the problem asks, the solution answers
        start = i + 3
        if tokens[start].type == "paragraph_open" and _PROBLEM_LABEL.match(
                tokens[start + 1].content.strip().strip("*_：: ")):
            w.consumed.add(start)  # `**题目描述**`: the heading names the problem, the label says nothing more
            start = w.closing(start) + 1
        elif tokens[start].type == "paragraph_open" and _PROBLEM_LEAD.match(tokens[start + 1].content):
            w.consumed.add(start)  # `**Problem:** Find …`: the statement is on this card's front, not a card
        if tokens[solution].type == "paragraph_open":
            w.consumed.add(solution)  # `**Solution:**`: its answer is this card's back
        front, back = f"{front}\n{w.blocks(start, solution)}", w.blocks(solution, end)
    if question and (aspect or GENERIC_QUESTION.match(NUMBERING.sub("", text, count=1))):  # `#### Pros and Cons:`
        above = w.paths[i][-2][2] if len(w.paths[i]) > 1 else w.title
        front = f"{escapeHtml(above)}: {front.rstrip(':：').rstrip()}"
    w.add(kind, front, back, i + 1, line, exclude_last=True)  # key: the heading path
