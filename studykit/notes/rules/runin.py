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

from studykit.notes.rules.tokens import (
    SENTENCE_MARKS,
    emphasis_run,
    is_label,
    is_marker,
    math_gloss,
    plain,
    strip_leading_blank,
    text_token,
)

# what may follow the bold: punctuation (the back is what comes after it) or a verb (the back is the sentence)
_PUNCTUATION = re.compile(r"^[ \t]*(?:[（(]([^（）()]{1,80})[）)])?[ \t]*"
                          r"([.。，,；;：:]|[—–-]+(?=[ \t])|=(?=[ \t])|(?<=[）)])(?=\S))"  # `**P-Tuning** = …`
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
_VERB = re.compile(r"^[ \t]*(?:[（(][^（）()]{1,80}[）)])?[ \t]*(?:(?:is|are|was|refers? to|means|denotes|describes|"
                   r"stands for|measures|computes|occurs|happens|arises|allows|enables|provides|consists of|combines|"
                   r"prevents|reduces|learns|maps|works by|aims to|tries to|helps)\b|"
                   r"(?:是指|是|指的是|指|就是|即|表示|称为|又称|也叫|用于)|"
                   r"(?:[가-힣]{2,4}[ \t]?)?(?:이란|란|은|는|이라는|라는)(?=[ \t]))",  # `**x()** 메서드는 …`
                   re.IGNORECASE)
# `**Dataset** in [[machine learning]] is …`, `**Sigmoid**, in deep learning, is …`, `**X** in the context of Y refers
# to …`, `**Adam** optimizer is …`: a qualifier (a phrase of in/within/for, or a word or two) between term and verb
_QUALIFIED = re.compile(r"^[ \t]*,?[ \t]*(?:(?:in|within|for|from|on)\b[^.;:!?()（）。，]{1,70}?|"
                        r"(?!(?:that|which|who|here|there|it|this|also|now|then|itself|alone|only|too|of)\b)"
                        r"[A-Za-z][\w-]*(?:[ \t][A-Za-z][\w-]*)?)[ \t]*,?[ \t]+"
                        r"(?:is|are|was|refers? to|means|denotes|describes|stands for)\b")
# `**梯度**实际上是…`, `**峡谷**类似…`, `**对象识别**一般只需要…`, `**parallel co-attention** 同时关注…`: a Chinese
# verb, or an adverb before any verb, right after the term
_VERB_ZH = re.compile(r"^[ \t]?(?:(?:实际上|其实|本质上|通常|一般|主要|往往|同时|只|也|就|则|又|可|能){1,2}"
                      r"(?=[\u4e00-\u9fff])|类似于?|相当于|用来|代表|描述|负责|决定|控制|通过|利用|采用|可以|能够)")
# `An **API** is …`, `The **MS COCO** dataset is …`: an article before the term
# `**AdamW** decouples weight decay …`: an English term and a verb in its third person (`…s`), then the sentence
# (after a gloss in brackets too: `**U-Net** (Ronneberger et al., 2015) solves …`)
_VERB_S = re.compile(r"^[ \t]*(?:[（(][^（）()]{1,80}[）)])?[ \t]+([a-z]{2,}(?:es|[^suio'\W]s))"
                     r"(?:[ \t]+[\w$(`\\]|[ \t]+$)")
_NOT_VERBS = frozenset("this thus has was its plus always perhaps less unless across yes various previous numerous "
                       "famous versus bias focus gas class loss series species basis axis analysis does goes sometimes "
                       "whereas towards afterwards besides nevertheless regardless doubles pairs results models "
                       "methods features weights values types layers units steps times ways terms others".split())
_STATED = re.compile(r"\b(?:is|are|was|were|has|have|can|does|do)\b|是")  # `**Convolution is slow.**`: a claim
_ABBREVIATION = re.compile(r"(?:\b(?:e\.g|i\.e|etc|vs|al|cf|approx|fig|eq|no)\.|\b[A-Z]\.)$", re.IGNORECASE)
_CJK_START = re.compile(r"\s*[\u4e00-\u9fff]")  # `**Forward pass**，每个neuron…`: an English term in Chinese prose
_ARTICLE = re.compile(r"^[ \t]*(?:An?|The|:)[ \t]+$")  # `- : **Term** …`: a template's blank name before it
_ARTICLE_START = re.compile(r"(?:An?|The|:)[ \t]+")
# `**第一步**计算…`, `**步骤 2**`: a step of a procedure, not a term
_ORDINAL = re.compile(r"^(?:第[一二三四五六七八九十百\d]+|(?:步骤|阶段|step|stage|phase)[ \t]*\d)", re.IGNORECASE)
_NOUNISH = re.compile(r"^[ \t]+(?:an?|the)[ \t]+[a-z]")  # `**$R^2_{adj}$ (Adjusted $R^2$)** an improved version …`


def _term_ok(term: str, verb: bool) -> bool:
    """A bold text that can be a run-in term: a label — or, read with a verb after it, a longer name
    (`**Least Absolute Shrinkage and Selection Operator (L1-regularization)** is …`, up to 12 words)."""
    if len(term) < 2 or is_marker(term) or term.endswith(("：", ":")) or term.lower() in _NOT_TERMS \
            or _SPEAKING.search(term) is not None:
        return False
    if is_label(term):
        return True
    return verb and len(term) <= 100 and len(term.split()) <= 12 and not term.endswith((".", "，", ",", "、")) \
        and not any(mark in _BRACKETS.sub("", term) for mark in SENTENCE_MARKS)


_BRACKETS = re.compile(r"[（(][^（）()]*[）)]")


def _read(children: list[Token], first: bool = False) -> tuple[list[Token], list[Token], bool] | None:
    """(the front's tokens, the rest of the line's tokens, whether the back is the whole sentence) or None.
    `first`: the paragraph is the note's first block (a concept note's definition)."""
    children = strip_leading_blank(children)
    whole = children
    if len(children) > 1 and children[0].type == "text" and children[1].type in ("strong_open", "em_open") and \
            (_NUMBER.fullmatch(children[0].content) or _ARTICLE.match(children[0].content)):
        children = children[1:]  # `3.**切比雪夫距离**…` (a number with no space after it is no list item), `An **API**`
        if whole[0].content.strip() == ":":
            whole = children  # `- : **Term** …`: the template's blank name is not part of the sentence
    close = emphasis_run(children)
    if close is not None and close + 1 < len(children) and children[close + 1].type == "text" and \
            not children[close + 1].content:
        children = [*children[:close + 1], *children[close + 2:]]  # (an empty text the CJK rule left)
    glossed = close is not None and close + 2 < len(children) and math_gloss(children[close + 1]) and \
        children[close + 2].type == "text"  # `**神经网络**$(Neural Network)$是…`: its name in maths
    if glossed:
        assert close is not None
        children = [*children[:close], children[close + 1], children[close], *children[close + 2:]]
        close += 1  # (the gloss read inside the bold: the front shows it)
    if close is None or close + 1 >= len(children) or children[close + 1].type != "text":
        return None
    inner = children[1:close]
    if inner and inner[0].type == "strong_open":  # bold inside italics
        inner = inner[1:-1]
    term = " ".join(plain(inner).replace("\u00a0", " ").split())
    after = children[close + 1].content.replace("\u00a0", " ")
    if term.endswith(".") and not term.endswith("..") and len(term) > 2 and inner and inner[-1].type == "text" \
            and after[:1] in (" ", "\t") and _ABBREVIATION.search(term) is None and _STATED.search(term) is None:
        # `- **XPath.** A standard for …`: the term's full stop inside the bold
        inner = [*inner[:-1], text_token(inner[-1].content.rstrip()[:-1])]
        term, after = term[:-1], "." + after
    tail = list(children[close + 2:])
    if term.endswith("),") and term.isascii():  # `**Artificial Neural Networks (ANNs),** usually called …`
        inner = [*inner[:-1], text_token(inner[-1].content.rstrip().rstrip(","))] if inner[-1].type == "text" \
            else inner
        return (inner, whole, True) if _term_ok(term[:-1].rstrip(), True) else None  # read with the name
    if not after.strip() and tail and tail[0].type == "code_inline" and len(tail) > 1 and tail[1].type == "text" \
            and not term.isascii():  # `**更新门** `z`用于…`: the code names the term
        if _VERB.match(tail[1].content) is None and _VERB_ZH.match(tail[1].content) is None:
            return None
        inner = [*inner, text_token(" "), tail[0]]
        after, tail = tail[1].content, tail[2:]
    if inner and inner[0].type == "text" and inner[0].content.startswith(("The ", "the ")) and len(term) > 8:
        inner = [text_token(inner[0].content[4:]), *inner[1:]]  # `**The MS COCO** dataset is …`: the name
    if not _term_ok(term, True):
        return None
    line = after + plain(tail[:12]) if after[:1] in " ,\t" else after
    verb = _verb(after, term) or (term.isascii() and _QUALIFIED.match(line) is not None)
    if not verb and _ORDINAL.match(term) is None:
        verb = _VERB_ZH.match(after) is not None
    if not verb and (first or term.endswith(")")) and _NOUNISH.match(after) is not None:
        verb = True  # `**$R^2_{adj}$ (Adjusted $R^2$)** an improved version of …`: a definition without a verb
    if verb:
        return inner, whole, True
    if not _term_ok(term, False):
        return None
    after, tail, paren = _parenthesis(after, tail)
    if _verb(after, term):
        return inner, whole, True
    match = _PUNCTUATION.match(after)
    if match is None or (match.group(2) in (",", "，") and term.isascii()
                         and _DESCRIBING.match(after[match.end():]) is None
                         and not re.search(r"\([A-Z][\w-]*\)$", term)
                         and not (match.group(2) == "，" and _CJK_START.match(after[match.end():]))):
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


def _verb(after: str, term: str) -> bool:
    """Whether the text after a bold term starts with a verb that defines it (`is`, `refers to`, `是指`, or an
    English term's verb in its third person: `**AdamW** decouples …`)."""
    if _VERB.match(after) is not None:
        return True
    said = _VERB_S.match(after) if term.isascii() else None
    return said is not None and said.group(1) not in _NOT_VERBS


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
        number = _NUMBER.match(start) or (_ARTICLE_START.match(start) if start[:1] in "AT:" else None)
        if number is None or not start[number.end():].startswith(("**", "__")):
            return False
    from studykit.notes.rules.bold import _shown_blocks_after, after_list, leads_in, lines

    segments = lines(children)
    first = w.memo.get(("first block",))
    if first is None:  # the note's first paragraph or heading: a concept note's definition opens it
        first = w.memo[("first block",)] = next((k for k, t in enumerate(w.tokens)
                                                 if t.type in ("paragraph_open", "heading_open")), -1)
    read = _read(segments[0], first=first == i)
    if read is None:
        return _marker(w, i, segments[0], line)
    front, rest, _ = read
    for segment in segments[1:]:
        rest = [*rest, Token("softbreak", "br", 0), *segment]
    back = f"<p>{w.inline(rest)}</p>"
    item = w.item_of(i)
    if item is not None:
        nested = w.blocks(w.closing(i) + 1, w.closing(item)) or after_list(w, i)
    else:
        nested = _shown_blocks_after(w, i, leads_in(w, i))
    if nested:
        back = f"{back}\n{nested}"
    text = plain(front)
    front_html = w.inline(front)
    w.add("term", front_html, back, i, line, text)
    w.push_context(w.closing(item) if item is not None else i + 3, text, front_html)
    return True
