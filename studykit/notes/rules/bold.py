"""Paragraph lines that start with bold text: labels, bold questions and bold-term definitions.

A paragraph is read line by line (soft or hard breaks, `<br>`). A label that only introduces links to read
(`**Reference**`, `**参考资料**`, `**相关阅读**`, …) is not a card.
- A line that is nothing but bold — `**优点：**`, `**Adam 的优势**`, `**什么是过拟合？**` — is a *bold question*
  when it ends in ?/？ and a *bold label* when it is a short term or phrase (at most 40 characters, no sentence
  punctuation; a trailing colon is optional). Its answer is the lines after it, and — when it is the paragraph's
  last label or question — the blocks after the paragraph: up to the next heading, thematic break, bold label or
  question at the same level (a definition paragraph too, once the answer has begun), or the end of the
  enclosing list item or quote. When that leaves nothing, a list item holding only `**label：**` or a question
  takes the sibling items after it, and a label or question that ends its list or quote takes the blocks after it
  (Typora users often leave the answer at the margin).
- Every line that starts with a bold term and a colon (`**经验风险：**…`, `**term**: …`) is a definition of its
  own; consecutive definition lines make one card each. In a list item, the item's nested blocks belong to the
  item's last definition; elsewhere the formulas, tables and code right after the paragraph belong to its last.
- Otherwise a paragraph starting with a bold question followed by text (`**What is X?** X is …`) is a question
  answered by that text and the blocks after it.
"""

from __future__ import annotations

import re
from typing import Any

from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from studykit.notes.rules import items
from studykit.notes.rules.tokens import (
    GENERIC_QUESTION,
    QUESTION_MARKS,
    bold_line,
    emphasis_run,
    is_label,
    is_marker,
    is_placeholder,
    is_proof_step,
    is_question,
    lines,
    plain,
    strip_leading_blank,
    term_start,
    term_start_of_alone,
    text_token,
)


def _softbreak() -> Token:
    return Token("softbreak", "br", 0)


def _joined(segments: list[list[Token]]) -> list[Token]:
    out: list[Token] = []
    for segment in segments:
        if out:
            out.append(_softbreak())
        out.extend(segment)
    return out


def _head_kind(line: list[Token], read=False) -> tuple[str, list[Token], bool] | None:
    """('question' | 'label', the bold's tokens, has a colon) when `line` is a bold question or label alone."""
    read = bold_line(line) if read is False else read
    if read is None or read[0] != "alone":
        return None
    inner, colon = read[1]
    text = plain(inner)
    if is_question(text):
        return "question", inner, colon
    if is_label(text):
        return "label", inner, colon
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


def _starts(w, j: int) -> str | None:
    """What the block at `j` begins: 'question' (a bold question), 'label', 'definition', or None — for a list or
    a quote, what its first paragraph begins ('list-…' for a list)."""
    tokens = w.tokens
    prefix = ""
    while tokens[j].type in ("bullet_list_open", "ordered_list_open", "list_item_open", "blockquote_open") \
            and j + 1 < len(tokens):
        prefix = "list-" if tokens[j].type != "blockquote_open" and not prefix else prefix
        j += 1
    if tokens[j].type != "paragraph_open":
        return None
    if prefix and items.asks(w, j):
        return "list-question"  # a checklist of questions with their answers
    if "*" not in tokens[j + 1].content and "_" not in tokens[j + 1].content:
        return None
    children = strip_leading_blank(tokens[j + 1].children or [])
    if not children or children[0].type not in ("strong_open", "em_open"):
        return None
    first = lines(children)[0]
    close = emphasis_run(first)
    if close is not None and is_marker(plain(first[1:close])):
        return None  # `**注意：**` is part of the card above, not the start of the next
    head = _head_kind(first)
    if head is not None and head[0] == "question" or _question_start(first) is not None:
        return prefix + "question"
    if head is not None:
        return prefix + "label"
    return prefix + "definition" if term_start(first) is not None else None


starts = _starts


def _blocks_after(w, i: int, kind: str, gathered: bool) -> tuple[str, int]:
    """The HTML of the blocks after the block at `i` that answer a label or question, and where they end."""
    tokens = w.tokens
    level = tokens[i].level
    start = j = w.closing(i) + 1
    while j < w.limit:
        t = tokens[j]
        if t.level < level or t.type in ("heading_open", "hr"):
            break
        begins = _starts(w, j) or ""
        if begins == "question" or (begins == "label" and (kind == "label" or gathered)) or \
                (begins in ("definition", "list-question", "list-label", "list-definition") and gathered):
            break  # a list of labels or definitions right after a label is its answer; later, the next card
        gathered = True
        j = w.closing(j) + 1
    return w.blocks(start, j), j


_SHOWN_BLOCKS = ("math_block", "math_block_label", "table_open", "fence", "code_block", "html_block")


def _picture_paragraph(w, j: int) -> bool:
    """A paragraph that is only pictures (`![](x.png)`, `![[x.png|300]]`), as authors put one under a definition."""
    if w.tokens[j].type != "paragraph_open":
        return False
    children = w.tokens[j + 1].children or []
    return any(c.type == "image" for c in children) and all(
        c.type in ("image", "softbreak", "hardbreak") or (c.type == "text" and not c.content.strip())
        for c in children)


def _shown_blocks_after(w, i: int, lead_in: bool = False) -> str:
    """The formulas, tables, code blocks and pictures (HTML, or a paragraph of pictures) right after the paragraph
    at `i` — and, when it leads in (`… for vegetation:`), the list right after it too."""
    start = j = w.closing(i) + 1
    while j < w.limit and w.tokens[j].level == w.tokens[i].level and (w.tokens[j].type in _SHOWN_BLOCKS
                                                                      or _picture_paragraph(w, j)):
        j = w.closing(j) + 1
    if lead_in and j == start and j < w.limit and w.tokens[j].level == w.tokens[i].level and \
            w.tokens[j].type in ("bullet_list_open", "ordered_list_open"):
        j = w.closing(j) + 1
    return w.blocks(start, j) if j > start else ""


def leads_in(w, i: int) -> bool:
    """Whether the paragraph at `i` ends with a colon (`**Sentinel-2** — the workhorse …:`): what follows it is its."""
    return w.tokens[i + 1].content.rstrip(" *_\t").endswith((":", "："))


def after_list(w, i: int) -> str:
    """For a lead-in paragraph that is the last thing of its list's last item, the formula, code or table right
    after the list (`- **Arrow Functions:** … alternative:` then a fenced block, which ends the list)."""
    item = w.item_of(i)
    if item is None or not leads_in(w, i) or w.closing(item) != w.closing(i) + 1:
        return ""
    from studykit.notes.rules.items import parent

    listing = parent(w, item)
    if w.closing(item) + 1 != w.closing(listing):
        return ""
    return _shown_blocks_after(w, listing)


def join_marker(w, i: int, same_section: bool = False) -> None:
    """A paragraph that starts with a marker word (`**注意：** …`, `**综上**，…`): it and what belongs to it (the
    item's nested blocks, or the formulas and tables right after it) go on the back of the card above (only in
    the same section when `same_section`: a proof belongs to the statement just above it, if any)."""
    item = w.item_of(i)
    own = w.blocks(i, w.closing(i) + 1)
    if item is not None:
        html = w.blocks(i, w.closing(item))
    else:  # `**TIPS**` alone: the blocks under it, as for a label; `**注意：** …`: the formulas and tables after it
        segments = lines(strip_leading_blank(w.tokens[i + 1].children or []))
        close = emphasis_run(segments[0])
        alone = close is not None and len(segments) == 1 and not plain(segments[0][close + 1:]).strip("：: ")
        after = _blocks_after(w, i, "label", False)[0] if alone else _shown_blocks_after(w, i)
        html = own + after
    w.join_above(i, html, own, same_section)


def _container(w, i: int) -> int | None:
    """The index of the token that opens the block containing the one at `i` (None at the top level)."""
    level = w.tokens[i].level
    for k in range(i - 1, -1, -1):
        if w.tokens[k].nesting == 1 and w.tokens[k].level == level - 1:
            return k
    return None


def _sibling_items(w, item: int) -> tuple[str, int]:
    """`- **优点：**` alone, then `- 快` `- 省` as siblings: those items (up to the next item that is a card)."""
    tokens = w.tokens
    start = j = w.closing(item) + 1
    while j < w.limit and tokens[j].type == "list_item_open":
        if _starts(w, j + 1) is not None:
            break
        j = w.closing(j) + 1
    if j == start:
        return "", start
    tag = tokens[_container(w, item)].tag
    return f"<{tag}>\n{w.blocks(start, j)}\n</{tag}>", j


def _beyond(w, i: int, kind: str, colon: bool) -> tuple[str, int]:
    """An answer for a label or question that has nothing under it: sibling items, or what follows the list or
    quote it ends."""
    item = w.item_of(i)
    if item is not None:
        if colon or kind == "question":
            html, end = _sibling_items(w, item)
            if html:
                return html, end
        listing = _container(w, item)
        assert listing is not None  # an item is always inside a list
        last_item = w.closing(item) + 1 == w.closing(listing)
        single = last_item and w.tokens[listing + 1] is w.tokens[item]
        after = w.closing(listing) + 1
        shown = after < w.limit and w.tokens[after].type in _SHOWN_BLOCKS  # a formula, table, code or picture
        if last_item and (colon or kind == "question" or single or shown):
            return _blocks_after(w, listing, kind, False)
        return "", i
    parent = _container(w, i)
    if parent is not None and w.tokens[parent].type == "blockquote_open" \
            and w.closing(i) + 1 == w.closing(parent):
        return _blocks_after(w, parent, kind, False)
    return "", i


_NOT_STUDY = frozenset({"reference", "references", "ref", "refs", "参考", "参考资料", "参考文献", "参考链接",
                        "相关阅读",
                        "相关专题", "相关链接", "延伸阅读", "扩展阅读", "推荐阅读", "链接", "links", "further reading",
                        "see also", "resources", "citation", "citations", "source", "sources", "出处", "来源"})


# a back that is nothing but whole-bold paragraphs: the next emphasised statements, not an explanation
_ONLY_BOLD_LINES = re.compile(r"(?:<p><strong>(?:(?!</?strong>).)*</strong></p>\s*)+", re.DOTALL)


def _bold_statement(w, i: int, text: str) -> int | None:
    """The paragraph right after the one at `i` when the label there names an aspect (`核心思想`, `优点`) and that
    paragraph is one bold line that is not a label itself (a statement: `**无监督预训练+有监督微调**`)."""
    from studykit.notes.rules.subject import is_generic

    j = w.closing(i) + 1
    if not is_generic(text) or j >= w.limit or w.tokens[j].type != "paragraph_open" or \
            w.tokens[j].level != w.tokens[i].level:
        return None
    read = bold_line(w.tokens[j + 1].children or [])
    if read is None or read[0] != "alone" or read[1][1]:
        return None
    said = plain(read[1][0]).strip()
    if is_marker(said) or is_generic(said) or is_question(said) or len(said) < 4:
        return None
    return j


def _head(w, i: int, kind: str, inner: list[Token], colon: bool, span: list[list[Token]], last: bool,
          line: int) -> bool:
    if kind == "label" and plain(inner).rstrip("：: ").lower() in _NOT_STUDY:
        return False  # `**Reference**` then links: a reading list, not something to recall
    rest = _joined(span)
    rest_html = w.inline(rest) if rest else ""
    blocks, end = _blocks_after(w, i, kind, bool(rest_html)) if last else ("", i)
    if last and not rest_html and not blocks:
        blocks, end = _beyond(w, i, kind, colon)
    back = ((f"<p>{rest_html}</p>\n" if rest_html else "") + blocks).strip()
    text = plain(inner).rstrip("：:").strip()
    what = "bold question" if kind == "question" else "bold label"
    stated = False
    if last and not back and kind == "label":
        answer = _bold_statement(w, i, text)
        if answer is not None:  # `**核心思想**` then `**无监督预训练+有监督微调**`: an aspect, stated in bold
            back, stated = w.blocks(answer, w.closing(answer) + 1), True
            w.consumed.add(answer)
    if not back or is_placeholder(back):
        if colon or kind == "question" or w.item_of(i) is None:
            why = "only a placeholder (TODO)" if back else "nothing under it to use as the answer"
            w.warn(line, f"{what} {text!r} has {why}: no card", "empty")
        return False
    if not stated and (kind == "label" or not text.endswith(QUESTION_MARKS)) and \
            _ONLY_BOLD_LINES.fullmatch(back) is not None:
        w.warn(line, f"bold {text!r} is followed only by more bold lines (a list of tips or emphasised statements, "
                     f"not a term and its explanation): no card", "not-a-card")
        return False
    front = w.inline(_without_colon(inner))
    if kind == "label" and PROBLEM_LABEL.match(text) and w.paths[i]:
        front = w.paths[i][-1][1]  # `## 城市修建` then `**题目描述**`: the problem is named by its heading
        kind = "question"

    elif GENERIC_QUESTION.match(text):  # `**Pros and Cons:**`: of the heading above it, or of the note
        front = f"{w.paths[i][-1][1] if w.paths[i] else escapeHtml(w.title)}: {front.rstrip(':：').rstrip()}"
    w.add("question" if kind == "question" else "term", front, back, i, line, text)
    w.push_context(end if last else i + 3, text, front)
    return True


_ANALYSIS = re.compile(r"^\s*(?:\*\*|__)(?:解析|分析|思路|解题思路|解答|题解|解法|答案|solution|approach|answer)"
                       r"[ \t]*[:：]?(?:\*\*|__)", re.IGNORECASE)


def _problem_card(w, i: int, segments: list[list[Token]], start: tuple, line: int) -> bool:
    """`> **题目**: 给定…` then `> **解析**: …` under `## 3. 最长整除子集`: one question card — the heading and the
    problem on the front, the analysis (and what follows it in its block) on the back."""
    k, what, reading = start
    label = plain(reading[1] if what != "definition" else reading[0]).strip().rstrip("：:").strip()
    if not PROBLEM_LABEL.match(label):
        return False
    solved = _solved_below(w, i)
    if solved is None:
        return False
    own_end, begin, stop, analysis = solved
    first = segments[0]
    close = emphasis_run(first)
    rest = [*first[close + 1:], *[t for seg in segments[1:] for t in seg]] if close is not None else []
    rest_html = w.inline(rest).lstrip(" :：") if rest else ""
    between = []  # the blocks between the problem and its analysis: the problem's (an example's input), unless
    j = own_end  # they are labels of their own (`**Why It Matters**: …` is its own card)
    while j < begin:
        k = j + 1 if w.tokens[j].type == "blockquote_open" else j
        if not (w.tokens[k].type == "paragraph_open" and _starts(w, k)):
            between.append(w.blocks(j, w.closing(j) + 1))
        j = w.closing(j) + 1
    problem = ((f"<p>{rest_html}</p>\n" if rest_html.strip() else "") + w.blocks(w.closing(i) + 1, own_end - 1 if
               own_end - 1 > w.closing(i) and w.tokens[own_end - 1].type == "blockquote_close" else own_end)
               + "\n" + "\n".join(between)).strip()
    back = w.blocks(begin, stop)
    if not problem or not back:
        return False
    w.consumed.add(analysis)
    w.add("question", f"{w.paths[i][-1][1]}\n{problem}", back, i, line, label)
    return True


def _solved_below(w, i: int) -> tuple[int, int, int, int] | None:
    """For a problem label at `i` (`**题目**: …`, alone or opening a quote), the block after it in its section that
    starts the analysis (`**解析**: …`, also opening a quote): (where the problem's own block ends, where the
    analysis starts, where the section ends, the analysis paragraph), or None."""
    tokens = w.tokens
    base = i - 1 if i > 0 and tokens[i - 1].type == "blockquote_open" else i
    level = tokens[base].level
    own_end = w.closing(base) + 1
    j = own_end
    while j < w.limit and tokens[j].level >= level and tokens[j].type not in ("heading_open", "hr"):
        if tokens[j].level == level:
            k = j + 1 if tokens[j].type == "blockquote_open" else j
            if tokens[k].type == "paragraph_open":
                content = tokens[k + 1].content
                if _ANALYSIS.match(content):
                    stop = j
                    while stop < w.limit and tokens[stop].level >= level and \
                            tokens[stop].type not in ("heading_open", "hr"):
                        stop = w.closing(stop) + 1
                    return own_end, j, stop, k
                if PROBLEM_LABEL.match(content.strip().split("：")[0].split(":")[0].strip("*_ ")):
                    return None  # the next problem
        j = w.closing(j) + 1
    return None


# a generic label for an exam problem's statement: the heading above names the problem
PROBLEM_LABEL = re.compile(r"^(?:题目描述|问题描述|题目|题意|题面|描述|problem(?: description| statement)?|"
                           r"description)$", re.IGNORECASE)


def _without_colon(tokens: list[Token]) -> list[Token]:
    if tokens and tokens[-1].type == "text" and tokens[-1].content.rstrip().endswith(("：", ":")):
        return [*tokens[:-1], Token("text", "", 0, content=tokens[-1].content.rstrip()[:-1].rstrip())]
    return tokens


_ITALIC_LABEL = re.compile(r"(?:^|\n)\s*[*_][^*_\n]{1,60}(?:[:：][*_]|[*_]\s*[:：])")


def _italic_label(source: str) -> bool:
    """Whether a line of `source` may start with a label in italics (`*Guideline*:`, `_Notations:_`)."""
    return ("*" in source or "_" in source) and _ITALIC_LABEL.search(source) is not None


def rule(w, i: int, children: list[Token], line: int) -> bool:
    source = w.tokens[i + 1].content
    if "**" not in source and "__" not in source and not _italic_label(source):
        return False
    children = strip_leading_blank(children)
    segments = lines(children) if "\n" in source or "<br" in source or "<BR" in source else [children]
    starts: list[tuple[int, str, Any]] = []  # (line index, what, reading)
    for k, segment in enumerate(segments):
        read = bold_line(segment)
        if read is None:
            continue
        head = _head_kind(segment, read)
        if head is not None:
            starts.append((k, head[0], head))
        elif read[0] == "term":
            starts.append((k, "definition", read[1]))
        elif read[1][1]:  # a bold sentence alone with a colon: a definition whose explanation follows
            term = term_start_of_alone(read[1][0])
            if term is not None:
                starts.append((k, "definition", term))
    if not starts:
        return _same_line_question(w, i, segments, line)
    kept = []
    proof = ""  # "proof" (`**Proof**:`, joined to a statement just above), "step" (`**Base case**` alone: nothing)
    for start in starts:
        k, what, reading = start
        text = plain(reading[1] if what != "definition" else reading[0])
        close = emphasis_run(segments[k]) if segments[k] else None
        alone = close is not None and not plain(segments[k][close + 1:]).strip("：: ")
        if is_proof_step(text, alone):
            proof = "step" if proof == "step" or not is_proof_step(text, False) else "proof"
            w.warn(line + k, f"bold {text.rstrip('：: ')!r} is a step of a proof, not a term: no card", "not-a-card")
        elif is_marker(text):
            w.warn(line + k, f"bold {text.rstrip('：: ')!r} is a marker word, not a term: no card (its text belongs "
                             f"to the card above)", "not-a-card")
        else:
            kept.append(start)
    if not kept:
        if proof != "step":
            join_marker(w, i, same_section=proof == "proof")
        return True
    starts = kept
    if starts[0][0] == 0 and w.paths[i] and _problem_card(w, i, segments, starts[0], line):
        return True
    item = w.item_of(i)
    head_open = False
    for n, (k, what, reading) in enumerate(starts):
        if what != "definition":
            if head_open:
                w.context_stack.pop()  # the previous label of this paragraph ends here
            stop = next((s[0] for s in starts[n + 1:] if s[1] != "definition"), len(segments))
            _, inner, colon = reading
            head_open = _head(w, i, what, inner, colon, segments[k + 1:stop], stop == len(segments), line + k)
            continue
        term, after = reading
        stop = starts[n + 1][0] if n + 1 < len(starts) else len(segments)
        explanation = _joined([after, *segments[k + 1:stop]]) if after else _joined(segments[k + 1:stop])
        last_in_item = item is not None and n + 1 == len(starts)
        item_end = w.closing(item) if last_in_item else 0
        rest = w.blocks(i + 3, item_end) if item_end > i + 3 else ""
        if item is None and n + 1 == len(starts):
            rest = _shown_blocks_after(w, i, leads_in(w, i))  # `**损失：**定义为` then a formula, table or code
        elif last_in_item and not rest:
            rest = after_list(w, i)
        explanation_html = w.inline(explanation)
        back = ((f"<p>{explanation_html}</p>\n" if explanation_html else "") + rest).strip()
        if not back and n + 1 == len(starts):  # `**一个长的说明性标题，带标点：**` then a list: like a label
            back, end = _blocks_after(w, i, "label", False)
            if not back:
                back, end = _beyond(w, i, "label", True)
            if back and item is not None:
                item_end = end
        term_source = "".join(c.content for c in term).strip()
        if not back or is_placeholder(back):
            why = "only a placeholder (TODO)" if back else "no explanation after the colon"
            w.warn(line + k, f"term {term_source!r} has {why}: no card", "empty")
            continue
        term_html = w.inline(term)
        w.add("term", term_html, back, i, line + k, term_source)
        if last_in_item:
            w.push_context(item_end, term_source, term_html)
    return True


def _same_line_question(w, i: int, segments: list[list[Token]], line: int) -> bool:
    question = _question_start(segments[0])
    if question is None:
        return False
    inner, answer = question
    if answer and answer[0].type == "text" and answer[0].content.lstrip()[:1] in ("—", "–", "-"):
        answer = [text_token(answer[0].content.lstrip().lstrip("—–- ")), *answer[1:]]  # `**Q?** — answer`
    if len(inner) == 1 and inner[0].type == "text" and inner[0].content[:1] in "\"“" \
            and inner[0].content.rstrip()[-1:] in "\"”":  # `**"What is X?"**`: the quotes are the author's
        inner = [text_token(inner[0].content.strip()[1:-1].strip())]
    answer_html = w.inline(_joined([answer, *segments[1:]]))
    blocks, end = _blocks_after(w, i, "question", True)
    back = (f"<p>{answer_html}</p>\n" + blocks).strip()
    text = plain(inner)
    front = w.inline(inner)
    w.add("question", front, back, i, line, text)
    w.push_context(end, text, front)
    return True
