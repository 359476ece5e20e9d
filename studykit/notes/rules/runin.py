"""Run-in bold terms: a paragraph or list item that starts with a bold term run into its explanation without a
colon — `**Dropout**. Randomly …`, `**Overfitting** is when …`, `**Softmax** refers to …`, `**过拟合**，指 …`,
`**线性函数归一化**（Min-Max Scaling）。它 …`, `**梯度消失**是指 …`, `**발산**은 …` (a Korean topic particle), also
after a bare number (`3.**术语**…`) — is a term card, like `**term：** …`.

The term must be a term (a short label, not a marker word such as 总结/注意/TIPS) and something must follow the
punctuation. With a period, comma or parenthesis, the back is what follows; with a verb (`is`, `refers to`, `是`,
`指`), the back is the whole sentence, so it reads as written. The item's nested blocks, and the formulas, tables
and code right after a paragraph, belong to the term as for the colon forms.
"""

from __future__ import annotations

import re

from markdown_it.token import Token

from studykit.notes.rules.tokens import emphasis_run, is_label, is_marker, plain, strip_leading_blank, text_token

# what may follow the bold: punctuation (the back is what comes after it) or a verb (the back is the sentence)
_PUNCTUATION = re.compile(r"^[ \t]*(?:[（(]([^（）()]{1,80})[）)])?[ \t]*"
                          r"([.。，,；;：:]|[—–-]+(?=[ \t])|(?<=[）)])(?=\S))"
                          r"[ \t]*")
_NUMBER = re.compile(r"[ \t]*\d{1,3}[.)、．][ \t]*")
_OPEN = re.compile(r"^[ \t]*[（(]")
_CLOSE = re.compile(r"[）)]")
# `**First, I use regularization** - …`: a sentence in bold that speaks (an opener, I/we/you), not a term
_SPEAKING = re.compile(r"^(?i:first|second|third|then|next|also|finally|in practice|for example),|"
                       r"\b(?i:we|you|my|our|your)\b|(?<![\w/(])I(?![\w/)])|"  # not the I of `I/O`
                       r"^(?i:the|this|that|it|its|one|a|an)\s.*\s(?i:is|are|was|were)\s")  # `**The key … is …**`
_NOT_TERMS = frozenset("this that it these those here there which what why how we you they i so then also thus "
                       "first second third finally note "
                       "这 那 它 这里 那里 这个 那个 因此 所以 首先 其次 最后 另外 此外".split())
_DESCRIBING = re.compile(r"(?:a|an|which|also|introduced|declared|called|known|used|defined|proposed|short for)\b",
                         re.IGNORECASE)
_VERB = re.compile(r"^[ \t]*(?:[（(][^（）()]{1,80}[）)])?[ \t]*(?:(?:is|are|was|refers to|means|denotes|describes|"
                   r"stands for|measures|computes)\b|(?:是指|是|指的是|指|就是|即|表示|称为|又称|也叫|用于)|"
                   r"(?:[가-힣]{2,4}[ \t]?)?(?:이란|란|은|는|이라는|라는)(?=[ \t]))",  # `**x()** 메서드는 …`
                   re.IGNORECASE)


def _read(children: list[Token]) -> tuple[list[Token], list[Token], bool] | None:
    """(the front's tokens, the rest of the line's tokens, whether the back is the whole sentence) or None."""
    children = strip_leading_blank(children)
    if len(children) > 1 and children[0].type == "text" and _NUMBER.fullmatch(children[0].content) \
            and children[1].type in ("strong_open", "em_open"):
        children = children[1:]  # `3.**切比雪夫距离**…`: a number with no space after it is not a list item
    close = emphasis_run(children)
    if close is None or close + 1 >= len(children) or children[close + 1].type != "text":
        return None
    inner = children[1:close]
    if inner and inner[0].type == "strong_open":  # bold inside italics
        inner = inner[1:-1]
    term = plain(inner)
    if len(term) < 2 or not is_label(term) or is_marker(term) or term.endswith(("：", ":")) \
            or term.lower() in _NOT_TERMS or _SPEAKING.search(term) is not None:
        return None
    after, tail, paren = _parenthesis(children[close + 1].content, list(children[close + 2:]))
    if _VERB.match(after) is not None:
        return inner, children, True
    match = _PUNCTUATION.match(after)
    if match is None or (match.group(2) in (",", "，") and term.isascii()
                         and _DESCRIBING.match(after[match.end():]) is None):
        return None  # `**In practice**, we …`: an English opener in bold, not a term (`**Unions**, declared …` is)
    rest = [text_token(after[match.end():])] + tail
    if not plain(rest):
        return None
    front = list(inner)
    if paren is not None and match.group(1):  # `**术语**（$p=\\infty$）`, `**Term** (**abbr**)`: as written
        front = [*inner, text_token("（"), *paren, text_token("）")]
    elif match.group(1):  # `**术语**（English）`: the English name is part of the front
        front = [*inner, text_token(f"（{match.group(1).strip()}）")]
    return front, rest, False


def _parenthesis(after: str, tail: list[Token]) -> tuple[str, list[Token], list[Token] | None]:
    """When a parenthesis opened right after the bold closes in a later token (`(**autodiff**)`, `（$p=\\infty$）`):
    the text to read with the parenthesis stood for by `（P）`, the tokens after it, and the tokens inside it."""
    opened = _OPEN.match(after)
    if opened is None or _CLOSE.search(after, opened.end()) is not None:
        return after, tail, None
    inside = [text_token(after[opened.end():])] if after[opened.end():] else []
    for k, token in enumerate(tail[:12]):
        found = _CLOSE.search(token.content) if token.type == "text" else None
        if found is not None:
            if found.start():
                inside.append(text_token(token.content[:found.start()]))
            return "（P）" + token.content[found.end():], tail[k + 1:], inside
        if token.type in ("softbreak", "hardbreak"):
            break
        inside.append(token)
    return after, tail, None


def _marker(w, i: int, first: list[Token], line: int) -> bool:
    """`**综上**，…`, `**例如**：…`: a marker word run into its text, which belongs to the card above."""
    first = strip_leading_blank(first)
    close = emphasis_run(first)
    if close is None or close + 1 >= len(first) or first[close + 1].type != "text":
        return False
    word = plain(first[1:close])
    if not is_marker(word) or _PUNCTUATION.match(first[close + 1].content) is None:
        return False
    from studykit.notes.rules.bold import join_marker

    w.warn(line, f"bold {word.rstrip('：:，, ')!r} is a marker word, not a term: no card (its text belongs to the "
                 f"card above)", "not-a-card")
    join_marker(w, i)
    return True


def rule(w, i: int, children: list[Token], line: int) -> bool:
    source = w.tokens[i + 1].content
    start = source.lstrip(" \t\u200b")
    if not start.startswith(("**", "__", "*__", "_**")):
        number = _NUMBER.match(start)
        if number is None or not start[number.end():].startswith(("**", "__")):
            return False
    from studykit.notes.rules.bold import _shown_blocks_after, lines

    segments = lines(children)
    read = _read(segments[0])
    if read is None:
        return _marker(w, i, segments[0], line)
    front, rest, _ = read
    for segment in segments[1:]:
        rest = [*rest, Token("softbreak", "br", 0), *segment]
    back = f"<p>{w.inline(rest)}</p>"
    item = w.item_of(i)
    if item is not None:
        nested = w.blocks(w.closing(i) + 1, w.closing(item))
    else:
        nested = _shown_blocks_after(w, i)
    if nested:
        back = f"{back}\n{nested}"
    text = plain(front)
    front_html = w.inline(front)
    w.add("term", front_html, back, i, line, text)
    w.push_context(w.closing(item) if item is not None else i + 3, text, front_html)
    return True
