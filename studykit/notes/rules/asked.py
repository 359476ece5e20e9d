"""A paragraph that is only a question (`什么是聚类算法？`, `（1）如何确定簇的个数？`, `Why does ReLU help?`), at the
top level of a note — or a quote holding only a question in italics or bold (`> *如何确定 w 和 b ？*`) — answered by
the blocks after it: a question card, as a question heading would be.

The answer runs up to the next heading, thematic break or question paragraph. Not a question card: a paragraph of
more than one line, over 60 characters or of more than one clause (prose that asks in passing), a rhetorical turn
(`那么为什么要这样做呢？`, `But why?`, `Why is this useful?` — a short question about "this"), a multiple-choice stem
(its options are no answer), a question with nothing after it.

A paragraph that opens with such a question and answers it in the rest of its text (`如何制造不同的数据集呢？如果当前有
N笔训练数据，…`) is a question card too: the question on the front, the rest of the paragraph on the back.
"""

from __future__ import annotations

import re

from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from studykit.notes.rules.tokens import is_question, lines, plain, text_token

_MAX = 60  # characters of a question paragraph: one question, not prose that asks in passing
_TURN = re.compile(r"^(?:so|but|then|and|or|yet|why not|right|ok|okay|huh|what if|what about|how about|wait)\b|"
                   r"^(?:那么|那|所以|因此|但是|可是|然而|于是|难道|其实|而且|并且|或者|还是|这|下面|现在|还有|首先|接下来|"
                   r"我们|你|恩|嗯|等等|然后|此外|另外)", re.IGNORECASE)


_CLAUSES = re.compile(r"[。；;！!]|[?？].")  # a sentence before the question, or two questions
# a short question about what was just said: `Why is this useful?`, `这有什么用？`
_POINTING = re.compile(r"^(?:\S+\s){0,4}(?:this|it|that|these|those|they)\b[^\s]*(?:\s\S+){0,2}[?？]$|"
                       r"^.{0,4}(?:这|那|它)(?:个|些|样|里)?.{0,8}[?？]$", re.IGNORECASE)
_DEFINING = re.compile(r"^(?:what|who) (?:is|are) \S", re.IGNORECASE)
_NUMBERED = re.compile(r"^(?:[(（]\d{1,2}[)）]|\d{1,2}[.、)]\s*|Q\d{1,3}[.:：)]?\s*)\S")  # `（1）如何…？`, `3. Why…?`
_PERSON = re.compile(r"\b(?:you|we|I|us|our)\b|你|我们|咱们", re.IGNORECASE)  # a tutorial's voice
_ASKING_START = re.compile(r"^(?:what|why|how|when|where|which|who|is|are|can|does|do|should|explain|describe|"
                           r"compare|define)\b|^(?:什么|为什么|为何|如何|怎样|怎么|哪些|哪个|是否|简述|请|说说|谈谈|比较|"
                           r".{1,20}(?:是什么|有哪些|有什么|为什么|如何|怎么|的区别|的作用|的优缺点))", re.IGNORECASE)
_OPTION = re.compile(r"^\s*(?:\*\*|__)?(?:\(?[A-Da-d][).:、]|[A-D]\s*[.．]|[A-D][ \t]+(?=[\u4e00-\u9fff(（\d$\\]))"
                     r"(?:\*\*|__)?\s*\S")  # `A)`, `**A.**`, `A 主成分分析`


def _asks(w, j: int) -> bool:
    """Whether the block at `j` is a question paragraph (where the answer before it ends)."""
    tokens = w.tokens
    if tokens[j].type != "paragraph_open" or tokens[j].level != 0:
        return False
    text = tokens[j + 1].content.strip()
    return text.endswith(("?", "？")) and "\n" not in text and len(text) <= _MAX


def _quoted(w, i: int) -> int | None:
    """For a question that is a quote's only paragraph (`> *如何确定 w 和 b ？*`), the index after the quote."""
    tokens = w.tokens
    if tokens[i].level != 1 or i < 1 or tokens[i - 1].type != "blockquote_open" or tokens[i - 1].level != 0:
        return None
    end = w.closing(i) + 1
    return end + 1 if end < w.limit and tokens[end].type == "blockquote_close" else None


def _opening(w, i: int, children: list[Token], line: int) -> bool:
    """`如何制造不同的数据集呢？如果当前有N笔训练数据，…`: a paragraph (at the top level or a list item's first) that
    opens with a question and answers it in the rest of its text — the same questions as a question paragraph."""
    tokens = w.tokens
    if tokens[i].level and w.item_of(i) is None:
        return False
    if not children or children[0].type != "text":
        return False
    head = children[0].content
    mark = min((k for k in (head.find("?"), head.find("？")) if k > 0), default=-1)
    if mark < 0 or mark > _MAX + 10:
        return False
    text = head[:mark + 1].strip()
    rest = [text_token(head[mark + 1:].lstrip("?？ \t")), *children[1:]]
    while rest and rest[0].type == "text" and not rest[0].content.strip():
        rest = rest[1:]
    while rest and rest[0].type in ("softbreak", "hardbreak"):
        rest = rest[1:]
    if len(plain(rest).strip()) < 10 or not asks_whole(text, defining=True):
        return False
    w.add("question", escapeHtml(text), w.rest_of(i, rest), i, line, text)
    return True


def asks_whole(text: str, defining: bool = False) -> bool:
    """Whether `text` is one whole question that starts asking (`什么是聚类算法？`, `（1）如何确定簇的个数？`): at most
    60 characters, one clause, no rhetorical turn, no question about "this", no tutorial voice unless numbered,
    and not `Need 16?` (three words or fewer; with `defining`, `What is overfitting?` is enough)."""
    if not 4 <= len(text) <= _MAX or _TURN.match(text) or _CLAUSES.search(text[:-1]) or \
            text.count("，") + text.count(", ") > 1 or _POINTING.search(text) or not is_question(text):
        return False
    if _NUMBERED.match(text) is not None:
        return True
    if text.isascii():
        words = len(text.split())
        short = words < 4 and not (defining and words == 3 and _DEFINING.match(text))
    else:
        short = len(text) < 6
    return not short and _PERSON.search(text) is None and _ASKING_START.match(text) is not None


def rule(w, i: int, children: list[Token], line: int) -> bool:
    tokens = w.tokens
    if not tokens[i + 1].content.rstrip().rstrip("*_").rstrip().endswith(("?", "？")):
        content = tokens[i + 1].content
        if ("?" in content[:_MAX + 11] or "？" in content[:_MAX + 11]) and _opening(w, i, children, line):
            return True
        return False  # the cheap test: a paragraph that ends with its question mark
    after_quote = _quoted(w, i) if tokens[i].level else None
    if tokens[i].level and after_quote is None:
        return False  # top-level paragraphs, or a quote holding only the question
    if len(lines(children)) != 1:
        return False
    emphasised = len(children) >= 3 and children[0].type in ("em_open", "strong_open") and \
        children[-1].type in ("em_close", "strong_close")
    if emphasised:
        children = children[1:-1]  # `*如何确定 w 和 b ？*`: the emphasis is the whole question
    elif after_quote is not None:
        return False  # a plain question in a quote is a reader's remark (`> 为什么前提是完整的序列？`), not a heading
    text = plain(children).strip()
    if not asks_whole(text):
        return False
    start = after_quote if after_quote is not None else w.closing(i) + 1
    if start < w.limit and tokens[start].type in ("bullet_list_open", "ordered_list_open", "paragraph_open") and \
            _OPTION.match(tokens[start + (3 if tokens[start].type != "paragraph_open" else 1)].content or ""):
        return False  # `Which … ?` then `A) …` `B) …`: a multiple-choice stem
    end = w.scope_end(start - 1 if after_quote is not None else i, lambda j: _asks(w, j))
    back = w.blocks(start, end) if end > start else ""
    if not back.strip():
        return False
    w.add("question", w.inline(children), back, i, line, tokens[i + 1].content.strip())
    return True
