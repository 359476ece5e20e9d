"""Answers attached to their questions: `Q:`/`A:`, `问：`/`答：`, `例：`/`解：` — bold or plain, full-width or ASCII
colon, with or without a space — a bold 问题/Q run into a question (`**问题**怎样采样？`), and a question paragraph
followed by an `A：` paragraph.

A pair is two lines of one paragraph, one line (`Q: … —— A: …`), two paragraphs or two bullets. The answer is the
`A：` line or paragraph and the blocks after it, up to the next `Q：`, heading or thematic break (so `**A：**` alone
on its line is answered by the paragraphs under it). A `Q：` with no `A：` after it is answered by the blocks after
it. An `A：` never makes a card of its own (its front would be "A"): alone, it is skipped with a `not-a-card`
warning; an empty answer makes no card and leaves what follows to the other rules.
"""

from __future__ import annotations

import re

from markdown_it.token import Token

from studykit.notes.rules.tokens import is_question, lines, plain, strip_leading_blank, text_token

_MARK = re.compile(r"^[ \t\u3000]*(Q\d*|问题?|例题?|A|答案?|解答?|解)[ \t\u3000]*[:：][ \t\u3000]*")
_MARK_STARTS = frozenset("QA问答例解PpCcSs")


def _side(word: str) -> str:
    """'q' (a question), 'e' (`例：`, an example: a question only when a `解：` answers it) or 'a'."""
    word = word.lower()
    return "e" if word.startswith("例") else "q" if word.startswith(("q", "问")) else "a"


_ASKING = frozenset({"问题", "问", "q", "question"})


def _bold_ask(children: list[Token]) -> tuple[str, list[Token]] | None:
    """`**问题**采样怎样实现？`: a bold 问题/Q with no colon, run into a question — that question."""
    if len(children) < 4 or children[2].type != "strong_close" or children[1].content.strip().lower() not in _ASKING:
        return None
    after = list(children[3:])
    if not plain(after).rstrip().endswith(("?", "？")):
        return None
    if after[0].type == "text":
        after[0] = text_token(after[0].content.lstrip(" \t\u3000"))
    return "q", after


# `**Problem**: Models get updated. How do you manage versions?` then `**Solutions**: …`: a problem that asks, and
# its solution — 'p' and 's' (a problem that does not ask, and a solution with no problem, are left to the labels)
_PROBLEM = re.compile(r"^[ \t]*(problem|problems|challenge|solution|solutions)[ \t]*([:：]?)[ \t]*$", re.IGNORECASE)


def _problem_or_solution(children: list[Token]) -> tuple[str, list[Token]] | None:
    if len(children) < 3 or children[0].type != "strong_open" or children[1].type != "text" or \
            children[2].type != "strong_close":
        return None
    match = _PROBLEM.match(children[1].content)
    if match is None:
        return None
    after = list(children[3:])
    if not match.group(2):  # the colon after the bold: `**Problem**: …`
        if not after or after[0].type != "text" or not after[0].content.lstrip().startswith((":", "：")):
            return None
        after[0] = text_token(after[0].content.lstrip()[1:])
    if after and after[0].type == "text":
        after[0] = text_token(after[0].content.lstrip())
    return ("s" if match.group(1).lower().startswith("solution") else "p"), after


_WORD = re.compile(r"^[ \t\u3000]*(Q\d*|问题?|例题?|A|答案?|解答?|解)[ \t\u3000]*$")


def _colon_after(children: list[Token]) -> tuple[str, list[Token]] | None:
    """`**Q**: What is ReLU?` / `**A**: max(0, x)`: the marker in bold, its colon after the bold."""
    if len(children) < 4 or children[2].type != "strong_close" or children[3].type != "text":
        return None
    match = _WORD.match(children[1].content)
    if match is None or not children[3].content.lstrip().startswith((":", "：")):
        return None
    after = [text_token(children[3].content.lstrip()[1:].lstrip(" \t\u3000")), *children[4:]]
    return _side(match.group(1)), after


def marker(children: list[Token]) -> tuple[str, list[Token]] | None:
    """('q' | 'e' | 'a', the tokens after the marker) when the line starts with `Q：`/`A：`/`问：`/`答：`/`例：`/`解：`,
    plain or bold (`**Q：**…`, `**Q：…？**`)."""
    children = strip_leading_blank(children)
    if not children:
        return None
    first = children[0]
    if first.type == "text":
        match = _MARK.match(first.content)
        if match is None:
            return None
        rest = first.content[match.end():]
        return _side(match.group(1)), ([text_token(rest)] if rest else []) + list(children[1:])
    if first.type != "strong_open" or len(children) < 3 or children[1].type != "text":
        return None
    match = _MARK.match(children[1].content)
    if match is None:
        return _colon_after(children) or _bold_ask(children) or _problem_or_solution(children)
    inside = children[1].content[match.end():]
    depth, close = 0, len(children)
    for k, c in enumerate(children):
        depth += c.nesting
        if depth == 0:
            close = k
            break
    if not inside.strip() and close == 2:  # `**Q：**` then the question
        after = list(children[3:])
        if after and after[0].type == "text":
            after[0] = text_token(after[0].content.lstrip(" \t\u3000:："))
        return _side(match.group(1)), after
    body = ([text_token(inside)] if inside else []) + list(children[2:close])  # `**Q：问题？**`: the bold's text
    return _side(match.group(1)), body + list(children[close + 1:])


def _next_marker(w, j: int, into_lists: bool = False) -> tuple[str, list[Token]] | None:
    """The marker the block at `j` starts with (for a list or quote, with `into_lists`: its first paragraph)."""
    tokens = w.tokens
    while into_lists and j + 1 < len(tokens) and tokens[j].type in ("bullet_list_open", "ordered_list_open",
                                                                      "list_item_open", "blockquote_open"):
        j += 1
    if j + 1 < len(tokens) and tokens[j].type == "paragraph_open":
        content = tokens[j + 1].content.lstrip(" \t*")
        if not content or content[0] not in _MARK_STARTS:
            return None  # the cheap test first: most paragraphs start with something else
        return marker(lines(tokens[j + 1].children or [])[0])
    return None


def _answer_blocks(w, start: int, level: int, empty_answer: bool) -> tuple[str, int]:
    """The blocks from `start` that belong to an answer: up to the next `Q：`, heading or thematic break, the end of
    the container — and, for an `A：` with nothing on its line, up to a bold label or question."""
    from studykit.notes.rules.bold import starts

    j = start
    while j < w.limit:
        t = w.tokens[j]
        if t.level < level or t.type in ("heading_open", "hr") or t.nesting == -1:
            break
        read = _next_marker(w, j, into_lists=True)
        if read is not None and read[0] in ("q", "e"):  # (a `**Problem**:` line inside an answer is part of it)
            break
        if empty_answer and j == start and starts(w, j) in ("question", "label"):
            break
        end = w.closing(j) + 1
        if t.type == "paragraph_open" and read is None and end < w.limit and w.tokens[end].level == level:
            after = _next_marker(w, end)
            if after is not None and after[0] == "a":
                break  # a question paragraph with its own `A：` after it: the next card
        if read is not None:
            w.consumed.add(j)  # an `A：` inside the answer: part of this card
        j = end
    return w.blocks(start, j), j


def rule(w, i: int, children: list[Token], line: int) -> bool:
    tokens = w.tokens
    head = tokens[i + 1].content.lstrip(" \t\u3000*_")[:1]
    if not head or head not in _MARK_STARTS:
        return _question_then_answer(w, i, children, line)  # the cheap test: it does not start with Q/A/问/答/例/解
    segments = lines(children)
    read = marker(segments[0])
    if read is None:
        return _question_then_answer(w, i, children, line)
    side, rest = read
    if side == "s":
        return False  # `**Solution**:` with no problem before it: a label
    if side == "p":
        return _problem(w, i, rest, line)
    if side == "a":
        if not _quoted_question(w, i, rest, line):
            w.warn(line, "an A:/答： answer with no question before it: no card", "not-a-card")
        return True
    # the answer may follow on the same line (`Q: … —— A: …`)…
    for k, c in enumerate(rest):
        if c.type == "text":
            for mark in (" A:", " A：", "——A:", "——A：", " 答：", "——答："):
                at = c.content.find(mark)
                if at > 0:
                    question = [*rest[:k], text_token(c.content[:at].rstrip(" —"))]
                    answer = [text_token(c.content[at + len(mark):].lstrip()), *rest[k + 1:]]
                    _card(w, i, question, w.inline(answer), line)
                    return True
    # …or in the same paragraph on a later line…
    for k in range(1, len(segments)):
        later = marker(segments[k])
        if later is not None and later[0] == "a":
            # the answer runs to the next `问：` line of the paragraph, which starts the next pair
            stop = next((n for n in range(k + 1, len(segments))
                         if plain(segments[n])[:1] in _MARK_STARTS and (marker(segments[n]) or ("",))[0] == "q"),
                        len(segments))
            question = _joined([rest, *segments[1:k]])
            answer_html = w.inline(_joined([later[1], *segments[k + 1:stop]]))
            last = stop == len(segments)
            blocks, _ = _answer_blocks(w, w.closing(i) + 1, tokens[i].level, False) \
                if w.item_of(i) and last else ("", 0)
            _card(w, i, question, _join(answer_html, blocks), line)
            if not last:
                _pairs_in(w, i, segments[stop:], line + stop)
            return True
    if side == "q" and len(segments) > 1 and plain(rest).rstrip().endswith(("?", "？")):
        # `**问题**怎样采样？` then lines: the question ends with its mark, the lines under it answer it
        blocks, _ = _answer_blocks(w, w.closing(i) + 1, tokens[i].level, True)
        _card(w, i, rest, _join(w.inline(_joined(segments[1:])), blocks), line)
        return True
    question = _joined([rest, *segments[1:]])
    j = w.closing(i) + 1
    if j + 2 < len(tokens) and tokens[j].type == "list_item_close" and tokens[j + 1].type == "list_item_open":
        j += 2  # `- Q: …` and `- A: …` as two bullets of one list
    after = _next_marker(w, j)
    hints = ""
    if after is None and side == "q":  # `**Q:** …` then a list of what to cover (hints), then `**A:**`
        hints_end = _hints_end(w, j, tokens[i].level)
        if hints_end is not None:
            hints, j, after = w.blocks(j, hints_end), hints_end, _next_marker(w, hints_end)
    if after is not None and after[0] == "a":  # …or in the next paragraph, with the blocks under it
        w.consumed.add(j)
        first = w.inline(_joined([after[1], *lines(tokens[j + 1].children or [])[1:]]))
        blocks, _ = _answer_blocks(w, w.closing(j) + 1, tokens[j].level, not first)
        _card(w, i, question, _join(first, blocks), line, hints)
        return True
    if side == "e":
        return False  # `例：` with no `解：`: an example inside an explanation, not a card
    blocks, _ = _answer_blocks(w, w.closing(i) + 1, tokens[i].level, True)
    if not blocks:
        w.warn(line, "a Q:/问： line with no A:/答： answer right after it: no card", "empty")
        return True
    _card(w, i, question, blocks, line)
    return True


def _question_then_answer(w, i: int, children: list[Token], line: int) -> bool:
    """A question paragraph (`Transformer 如何处理长距离依赖？`) whose next paragraph (or quote: `> A: …`) starts with
    `A：`/`答：` — or, inside a quote, a question answered by a nested quote (`> 为什么…？` then `>> 因为…`)."""
    tokens = w.tokens
    segments = lines(children)
    content = tokens[i + 1].content
    if len(segments) >= 3 and ("问" in content or "Q" in content) and ("答" in content or "A" in content):
        # `**Ng补充**` `[link]` then `**问：…？**` `答：…` in one paragraph: the pairs — after an aside of one or two
        # lines (after more, the bold rule reads them), and not when the paragraph opens with its own question
        # (the branch below takes that)
        opening = plain(segments[0]).rstrip("*").rstrip().endswith(("?", "？")) and \
            (marker(segments[1]) or ("",))[0] == "a"
        start = next((k for k in (1, 2) if k + 1 < len(segments) and plain(segments[k])[:1] in "Q问"
                      and (marker(segments[k]) or ("",))[0] == "q" and (marker(segments[k + 1]) or ("",))[0] == "a"),
                     None)
        if start is not None and not opening:
            _pairs_in(w, i, segments[start:], line + start)
            return True
    if len(segments) >= 2 and plain(segments[1])[:1] in "A答解" and \
            plain(segments[0]).rstrip("*").rstrip().endswith(("?", "？")):
        later = marker(segments[1])  # `**为什么梯度必须足够大？**` then `答：…` on the next line of the paragraph
        if later is not None and later[0] == "a":
            question = strip_leading_blank(segments[0])
            if is_question(plain(question)):
                stop = next((n for n in range(2, len(segments))
                             if plain(segments[n])[:1] in "Q问" and (marker(segments[n]) or ("",))[0] == "q"),
                            len(segments))
                answer_html = w.inline(_joined([later[1], *segments[2:stop]]))
                _card(w, i, _unbold(question), answer_html, line)
                if stop < len(segments):
                    _pairs_in(w, i, segments[stop:], line + stop)
                return True
    j = w.closing(i) + 1
    if j + 1 >= w.limit or tokens[j].level != tokens[i].level:
        return False
    if tokens[j].type == "blockquote_open":
        return _quoted_answer(w, i, j, children, line)
    if tokens[j].type != "paragraph_open":
        return False
    head = tokens[j + 1].content.lstrip(" \t*")[:3]
    if not head or head[0] not in "A答解":
        return False
    after = _next_marker(w, j)
    if after is None or after[0] != "a":
        return False
    question = strip_leading_blank(children)
    text = plain(question)
    if not text or len(text) > 300 or not (is_question(text) or len(text) <= 80):
        return False
    w.consumed.add(j)
    first = w.inline(_joined([after[1], *lines(tokens[j + 1].children or [])[1:]]))
    blocks, _ = _answer_blocks(w, w.closing(j) + 1, tokens[j].level, not first)
    _card(w, i, _unbold(question), _join(first, blocks), line)
    return True


def _quoted_answer(w, i: int, j: int, children: list[Token], line: int) -> bool:
    """The question at `i` answered by the quote at `j`: `> A: …`/`> 答：…` after any question paragraph, or any
    nested quote after a question that is itself quoted (`> 问题？` then `>> 答案`)."""
    tokens = w.tokens
    question = strip_leading_blank(children)
    text = plain(question)
    if not text or len(text) > 300:
        return False
    quoted = i > 0 and any(tokens[k].type == "blockquote_open" and tokens[k].level == tokens[i].level - 1
                           for k in range(i - 1, max(-1, i - 3), -1))
    answer = _next_marker(w, j + 1) if tokens[j + 1].type == "paragraph_open" else None
    if answer is not None and answer[0] == "a" and (is_question(text) or len(text) <= 80):
        w.consumed.add(j + 1)
        first = w.inline(_joined([answer[1], *lines(tokens[j + 2].children or [])[1:]]))
        blocks, _ = _answer_blocks(w, w.closing(j + 1) + 1, tokens[j + 1].level, not first)
        _card(w, i, _unbold(question), _join(first, blocks), line)
        return True
    if answer is None and quoted and is_question(text) and text.endswith(("?", "？")):
        back = w.blocks(j + 1, w.closing(j))
        if back:
            _card(w, i, _unbold(question), back, line)
            return True
    return False


def _pairs_in(w, i: int, segments: list[list[Token]], line: int) -> None:
    """The further `问：`/`答：` pairs of one paragraph (`问：…` `答：…` `问：…` `答：…` on consecutive lines)."""
    k = 0
    while k < len(segments):
        read = marker(segments[k])
        if read is None or read[0] != "q":
            k += 1
            continue
        answer_at = next((n for n in range(k + 1, len(segments))
                          if (marker(segments[n]) or ("",))[0] in ("a", "q")), None)
        if answer_at is None or (marker(segments[answer_at]) or ("",))[0] != "a":
            w.warn(line + k, "a Q:/问： line with no A:/答： answer right after it: no card", "empty")
            k = answer_at if answer_at is not None else len(segments)
            continue
        stop = next((n for n in range(answer_at + 1, len(segments))
                     if (marker(segments[n]) or ("",))[0] == "q"), len(segments))
        answer = marker(segments[answer_at])
        assert answer is not None
        _card(w, i, _joined([read[1], *segments[k + 1:answer_at]]),
              w.inline(_joined([answer[1], *segments[answer_at + 1:stop]])), line + k)
        k = stop


# a task set by a lab or an exercise (`Find the maximum temperature for each city`, `编写一个函数…`)
_TASK = re.compile(r"^\s*(?:find|compute|calculate|identify|write|implement|create|add|plot|load|build|design|show|"
                   r"prove|determine|count|sort|convert|transform|derive|estimate|train|use|make|求|计算|编写|实现|找出|"
                   r"给定|设计|证明|推导|写出)\b", re.IGNORECASE)


def _problem(w, i: int, rest: list[Token], line: int) -> bool:
    """`**Problem**: … How do you manage versions?` (or a task: `**Problem:** Find the maximum …`) then
    `**Solutions**: …` (the next paragraph): one card."""
    if not is_question(plain(rest)) and _TASK.match(plain(rest)) is None:
        return False
    j = w.closing(i) + 1
    after = _next_marker(w, j)
    if after is None or after[0] != "s":
        return False
    w.consumed.add(j)
    first = w.inline(_joined([after[1], *lines(w.tokens[j + 1].children or [])[1:]]))
    blocks, _ = _answer_blocks(w, w.closing(j) + 1, w.tokens[j].level, not first)
    _card(w, i, rest, _join(first, blocks), line)
    return True


def _quoted_question(w, i: int, rest: list[Token], line: int) -> bool:
    """`> 解释map和set的区别。你如何选择使用哪个？` then `解：` (an exercise quoted, its answer after the quote — the
    code it asks about may stand between them): one card whose front is the quoted problem (its paragraphs, at most
    300 characters, and that code) and whose back is the answer."""
    tokens = w.tokens
    level = tokens[i].level
    close = i - 1
    code = ""
    if close > 0 and tokens[close].type in ("fence", "code_block") and tokens[close].level == level:
        code = w.blocks(close, close + 1)
        close -= 1
    if close < 0 or tokens[close].type != "blockquote_close" or tokens[close].level != level:
        return False
    start = close - 1
    while start >= 0 and not (tokens[start].type == "blockquote_open" and tokens[start].level == level):
        start -= 1
    inner = tokens[start + 1:close]
    if start < 0 or not inner or any(t.type not in ("paragraph_open", "inline", "paragraph_close") for t in inner):
        return False  # only paragraphs: a quote holding a list, a callout or code is not an exercise's statement
    question = _joined([strip_leading_blank(t.children or []) for t in inner if t.type == "inline"])
    text = plain(question).strip()
    if not text or len(text) > 300 or text.startswith("[!"):
        return False
    first = w.inline(rest)
    blocks, _ = _answer_blocks(w, w.closing(i) + 1, level, not first)
    answer_html = _join(first, blocks)
    if not answer_html.strip():
        return False
    q_html = w.inline(_unbold(question)) + code
    q_source = "".join(c.content for c in question).strip()
    w.add("qa", q_html, answer_html, start + 2, tokens[start].map[0] + 1 if tokens[start].map else line, q_source)
    return True


def _unbold(tokens: list[Token]) -> list[Token]:
    """`**问题？**` as a front: the bold is the whole front, so it is not shown bold."""
    if len(tokens) >= 2 and tokens[0].type == "strong_open" and tokens[-1].type == "strong_close":
        return tokens[1:-1]
    return tokens


def _joined(segments: list[list[Token]]) -> list[Token]:
    out: list[Token] = []
    for segment in segments:
        if not segment:
            continue
        if out:
            out.append(Token("softbreak", "br", 0))
        out.extend(segment)
    return out


def _join(first: str, blocks: str) -> str:
    if first and blocks:
        return f"<p>{first}</p>\n{blocks}"
    return first or blocks


def _hints_end(w, j: int, level: int) -> int | None:
    """Where a question's list of hints (what the answer should cover) ends, when an `A：` comes right after it:
    at most two lists or paragraphs at the question's level, none of them a marker line."""
    tokens = w.tokens
    k = j
    for _ in range(2):
        if k >= w.limit or tokens[k].level != level or tokens[k].type not in (
                "bullet_list_open", "ordered_list_open", "paragraph_open"):
            return None
        if _next_marker(w, k) is not None:
            return None
        k = w.closing(k) + 1
        after = _next_marker(w, k)
        if after is not None:
            return k if after[0] == "a" else None
    return None


def _card(w, i: int, question: list[Token], answer_html: str, line: int, hints: str = "") -> None:
    question = _unbold(strip_leading_blank(question))
    q_html = w.inline(question)
    if hints and q_html:
        q_html = f"{q_html}\n{hints}"
    if not q_html or not answer_html.strip():
        w.warn(line, "empty question or answer in a Q:/A: pair: no card", "empty")
        return
    q_source = "".join(c.content for c in question).strip()
    w.add("qa", q_html, answer_html, i, line, q_source)
