"""Question headings (`## 为什么需要激活函数？`) and, with front matter `cards: sections`, every section.

The answer is the section: the blocks up to the next heading of the same or a higher level — or up to the
first sub-heading that is itself a question, which is its own card, so a chapter of sub-questions does not
become one huge back.
"""

from __future__ import annotations

from studykit.notes.rules.tokens import plain


def heading(w, i: int) -> None:
    tokens = w.tokens
    level = int(tokens[i].tag[1])
    inline = tokens[i + 1]
    text = plain(inline.children or []) or inline.content.strip()
    line = tokens[i].map[0] + 1 if tokens[i].map else 0
    question = w.is_question_heading(i)
    if not question and not w.sections:
        return
    if level == 1 and inline.content.strip() == w.title:
        return
    end, sub_question = w.limit, False
    for j in range(i + 3, w.limit):
        if tokens[j].type == "heading_open":
            if int(tokens[j].tag[1]) <= level:
                end = j
                break
            if question and w.is_question_heading(j):
                end, sub_question = j, True
                break
    back = w.blocks(i + 3, end)
    if not back:
        if question and not sub_question:
            w.warn(line, f"question heading {text!r} has nothing below it to use as the answer: no card", "empty")
        return
    kind = "question" if question else "section"
    w.add(kind, w.inline(inline.children or []), back, i + 1, line, exclude_last=True)  # key: the heading path
