"""Answers folded in HTML: `<details><summary>问题？</summary>答案</details>` — the summary asks, the folded part
answers. A generic summary (`Answer`, `答案`, `点击展开`, `Show solution`) answers the question paragraph right
before the `<details>` instead. The folded part may be one HTML block (no blank line inside) or Markdown blocks
between `<details><summary>…</summary>` and `</details>`; either way it is rendered as Markdown.
"""

from __future__ import annotations

import html
import re

from studykit.notes.rules.tokens import is_question, plain

_SUMMARY = re.compile(r"<summary\b[^>]*>(.*?)</summary>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_CLOSE = re.compile(r"</details\s*>", re.IGNORECASE)
_GENERIC = re.compile(r"^(?:answers?|solutions?|show(?: the)? (?:answer|solution)s?|click(?: here)?"
                      r"(?: to (?:expand|show|reveal))?.*|expand|reveal|hint|"
                      r"答案|参考答案|解答|解析|点击(?:展开|查看).*|"
                      r"展开|查看答案)[\s:：.。!！]*$", re.IGNORECASE)


def _text(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def details(w, i: int) -> int:
    """The `<details>` HTML block at `i`: a question card when its summary (or the paragraph before) asks. Returns
    the index of the last token it used."""
    tokens = w.tokens
    content = tokens[i].content
    summary = _SUMMARY.search(content)
    if summary is None or "<details" not in content[:summary.start()].lower():
        return i
    asked = _text(summary.group(1))
    line = tokens[i].map[0] + 1 if tokens[i].map else 0
    rest = content[summary.end():]
    closed = _CLOSE.search(rest)
    end = i
    if closed is not None:  # all in one block
        back = w.md.render(rest[:closed.start()], w.env).strip() if rest[:closed.start()].strip() else ""
    else:
        first = w.md.render(rest, w.env).strip() if rest.strip() else ""
        end = next((k for k in range(i + 1, w.limit) if tokens[k].type == "html_block"
                    and tokens[k].level == tokens[i].level and _CLOSE.search(tokens[k].content)), None) or i
        if end == i:
            return i
        back = "\n".join(part for part in (first, w.blocks(i + 1, end)) if part)
    if not back.strip():
        return end
    if asked and not _GENERIC.match(asked):
        if is_question(asked):
            w.add("question", html.escape(asked), back, i, line, asked)
        return end
    before = i - 3  # paragraph_open, inline, paragraph_close right before the block: the question it answers
    if before < 0 or tokens[before].type != "paragraph_open" or tokens[before].level != tokens[i].level:
        return end
    question = tokens[before + 1].children or []
    text = plain(question)
    own_line = tokens[before].map[0] + 1 if tokens[before].map else -1
    if text and len(text) <= 300 and is_question(text) and not (w.note.cards and w.note.cards[-1].line == own_line):
        w.add("question", w.inline(question), back, before, own_line, text)
    return end
