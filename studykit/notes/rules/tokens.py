"""Small readings of markdown-it inline tokens that several card rules share."""

from __future__ import annotations

from markdown_it.token import Token

COLONS = ("：", ":")
QUESTION_MARKS = ("?", "？")
SENTENCE_MARKS = "。！!；;？?"  # a label is a term or phrase, not a sentence
LABEL_MAX = 40  # characters of a bold label (a term or a short phrase)
BREAKS = ("softbreak", "hardbreak")
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"  # zero-width characters Typora and Word leave at line starts
_PLACEHOLDERS = {"todo", "tbd", "tba", "待补充", "待完善", "待更新", "待续", "未完成", "略", "暂无", "...", "…", "……"}


def text_token(content: str) -> Token:
    """A new text token: cheaper than copying a token, and the parse's own tokens stay untouched."""
    return Token("text", "", 0, content=content)


def plain(children: list[Token]) -> str:
    """The visible text of inline tokens (text, code, maths as written)."""
    return "".join(c.content for c in children if c.type in ("text", "code_inline", "math_inline", "softbreak")
                   or c.type.startswith("math")).strip()


def is_break(token: Token) -> bool:
    """A line break: soft or hard, or a `<br>` written as HTML."""
    return token.type in BREAKS or (token.type == "html_inline" and token.content[:3].lower() == "<br"
                                    and token.content.rstrip("/> ").lower() == "<br")


def heading_text(children: list[Token]) -> str:
    """A heading as plain text (what the Source line and the note's title show): its text, code and maths, or
    the description of a picture that is all it holds — never its Markdown."""
    text = plain(children)
    if not text:
        text = " ".join(c.content.strip() for c in children if c.type == "image" and c.content.strip())
    return " ".join(text.split())


def strip_leading_blank(children: list[Token]) -> list[Token]:
    k = 0
    while k < len(children) and children[k].type == "text" and blank(children[k].content):
        k += 1  # markdown-it starts a paragraph that opens with ** with an empty text token; Typora leaves \u200b
    return children[k:]


def blank(text: str) -> bool:
    """Nothing visible: whitespace (also full-width and `&emsp;`) and zero-width characters only."""
    return not text.strip().strip(_INVISIBLE).strip()


def is_placeholder(back: str) -> bool:
    """Whether an answer (HTML) says only that it is missing: `TODO`, `待补充`, an unticked task item."""
    import re

    if "<img" in back or "\\(" in back or "\\[" in back:
        return False
    text = re.sub(r"[\s\[\]()（）:：.。!！\-]+", "", re.sub(r"<[^>]*>", "", back)).lower()
    return text in _PLACEHOLDERS or (text == "" and "<input" in back)


def lines(children: list[Token]) -> list[list[Token]]:
    """The children split at line breaks that are not inside bold, emphasis or a link."""
    out: list[list[Token]] = [[]]
    depth = 0
    for child in children:
        if depth == 0 and is_break(child):
            out.append([])
            continue
        depth += child.nesting
        out[-1].append(child)
    return out


def emphasis_run(children: list[Token]) -> int | None:
    """If `children` start with bold (`**…**`, `__…__`, or bold inside/around italics), the index of the token
    that closes it; else None."""
    if not children:
        return None
    first = children[0]
    if first.type != "strong_open" and not (first.type == "em_open" and len(children) > 1
                                            and children[1].type == "strong_open"):
        return None
    depth = 0
    for k in range(len(children)):
        depth += children[k].nesting
        if depth == 0:
            return k
    return None


def bold_alone(line: list[Token]) -> tuple[list[Token], bool] | None:
    """(the bold's inner tokens, whether a colon follows or ends it) when `line` is nothing but bold text,
    optionally followed by a colon; else None."""
    line = strip_leading_blank(line)
    close = emphasis_run(line)
    if close is None:
        return None
    colon = False
    for token in line[close + 1:]:  # only blanks and one colon may follow
        if token.type != "text":
            return None
        rest = token.content.strip()
        if rest in ("：", ":") and not colon:
            colon = True
        elif rest and not blank(rest):
            return None
    inner = line[1:close]
    if inner and inner[0].type == "strong_open" and line[0].type == "em_open":
        inner = inner[1:-1]
    return inner, colon or plain(inner).endswith(COLONS)


def question_text(children: list[Token]) -> str:
    """The plain text of a heading without what trails the question: `Q? [[src](…)]`, a link or picture after it."""
    end = len(children)
    while end:
        last = children[end - 1]
        if last.type == "link_close":
            depth = 0
            while end:
                depth += children[end - 1].nesting
                end -= 1
                if depth == 0:
                    break
        elif last.type in ("image", "html_inline") or (last.type == "text" and not last.content.strip(" []()（）【】\t")):
            end -= 1
        else:
            break
    return plain(children[:end]).rstrip(" \t[(（【")


def is_question(text: str) -> bool:
    return text.rstrip().rstrip("*_ ").endswith(QUESTION_MARKS)


def is_label(text: str) -> bool:
    """A term or short phrase: at most LABEL_MAX characters without the colon, no sentence punctuation."""
    label = text.strip().rstrip("：:").strip()
    return (0 < len(label) <= LABEL_MAX and not any(mark in label for mark in SENTENCE_MARKS)
            and not label.endswith((".", "，", ",", "、")))


def term_start(line: list[Token]) -> tuple[list[Token], list[Token]] | None:
    """(term tokens, explanation tokens) when `line` starts with a bold term whose colon is inside the bold or
    right after it (`**术语：**解释`, `**term**: text`); else None. The explanation may be empty."""
    line = strip_leading_blank(line)
    if not line or line[0].type != "strong_open":
        return None
    close = emphasis_run(line)
    if close is None:
        return None
    term = list(line[1:close])
    after = list(line[close + 1:])
    if term and term[-1].type == "text" and term[-1].content.rstrip().endswith(COLONS):
        term[-1] = text_token(term[-1].content.rstrip()[:-1])
    elif after and after[0].type == "text" and after[0].content.lstrip().startswith(COLONS):
        after[0] = text_token(after[0].content.lstrip()[1:])
    else:
        return None
    if after and after[0].type == "text":
        after[0] = text_token(after[0].content.lstrip())
    if not plain(term):
        return None
    return term, after
