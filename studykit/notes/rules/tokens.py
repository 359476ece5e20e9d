"""Small readings of markdown-it inline tokens that several card rules share."""

from __future__ import annotations

import re

from markdown_it.token import Token

COLONS = ("：", ":")
QUESTION_MARKS = ("?", "？")
SENTENCE_MARKS = "。！!；;？?"  # a label is a term or phrase, not a sentence
LABEL_MAX = 40  # characters of a bold label (a term or a short phrase)
BREAKS = ("softbreak", "hardbreak")
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"  # zero-width characters Typora and Word leave at line starts
_PLACEHOLDERS = {"todo", "tbd", "tba", "待补充", "待完善", "待更新", "待续", "未完成", "略", "暂无", "...", "…", "……",
                 "answerhere", "q.a", "qa", "wip", "comingsoon", "definitionhere", "descriptionhere", "explanationhere",
                 "noteshere", "fillin", "fillmein", "tobeadded", "tbc", "待写", "待整理"}


# words that mark a part of an explanation rather than name something to recall: `**总结：**`, `**注意**`, `**例如**`
MARKER_WORDS = frozenset("""总结 小结 注意 注 注意事项 例如 比如 例 例子 举例 示例 方法 提示 备注
说明 补充 重点 结论 思路 步骤
解释 答案 ps p.s. tips tip note notes nb n.b. e.g. eg example examples summary hint hints
remark remarks caution warning important attention result results output outputs analogy objective objectives
代码实现 学习目标 简而言之 简单来说 简单地说 通俗地说 通俗来讲 通俗来说 换句话说 直观类比 直观理解 一句话概括
动图演示 图示 演示 举个栗子 举个例子 一个例子 一个通俗的例子 类比 challenge milestone
综上 综上所述 总之 总而言之 记住 牢记 比喻 打个比方 answer answers question observation observations implement
both neither either other others 其他 其它 其余 更多 更多内容 more
예시 예 참고 주의 요약 정리 前言 实际例子 具体例子 简单例子 西瓜例子 例题 样例 一句话总结 一句话 总结一下 简单总结
案例 示例场景 场景示例 应用案例 数据范围 样例输入 样例输出 输入样例 输出样例 输入格式 输出格式
where input inputs before after scenario""".split()) | {
    "programmatic example", "real-world example", "real world example", "worked example", "for example",
    "key actions", "output example", "what you learn", "fun-fact alert", "fun fact", "english answer",
    "chinese answer", "中文回答", "英文回答", "中文答案", "英文答案", "参考答案", "标准答案", "sample answer",
    "model answer", "suggested answer", "example answer", "short answer", "detailed answer", "answer key",
    "参考回答", "示例回答", "示例答案", "回答"}
# the steps of a proof (`**Base case**`, `__Proof__:`): not terms, and not text to add to the card above either
# (that card is what the proof is about only by chance). `Proof` always is one; the others only when the bold
# stands alone on its line (`- **Base case**: the smallest input, solved directly` is a term of recursion)
PROOF = frozenset({"proof", "proof sketch", "proof idea", "证明", "证", "证明过程"})
PROOF_STEPS = PROOF | {"base case", "base step", "induction case", "inductive case", "induction step",
                       "inductive step", "induction hypothesis", "inductive hypothesis", "conclusion"}
MARKER_WORDS |= PROOF
# what may stand around a marker word and leave it one: an emoji or symbol before it (`💡 提示`), a number after it
# (`例1`, `Example 2`, `注 3`)
# `**The mathematical cause is:** …`: the start of a sentence in bold (its verb last), not a term
_LEAD_IN = re.compile(r"^\w+(?:[ -]\S+)* (?:is|are|was|were|includes?|means|becomes?|as follows|can|could|should|"
                      r"must|will|would|may|might|can now|need to|needs to)$")
_MARKER_AROUND = re.compile(r"^[^\w(（]+|[\s#]*\d+$")
_FILE_NAME = re.compile(r"\w\.(?:py|pyx|cpp|cc|c|h|hpp|js|ts|java|m|sh|ipynb|go|rs)$", re.IGNORECASE)
# an editor's or a solver's remark on the text, not a term: `**部分分析有误**`, `**以上有误**`, `**很难**`, `**Hard**`
_CODE_LABEL = re.compile(r"(?:code|代码|源码|source code)\s*[(（][\w+#\s]{1,20}[)）]|python3?|python code|c\+\+|"
                         r"java")  # `**Code(Python)**`, `**Python**`: what follows is code (the card above's)
_HEAD = re.compile(r"^([^:：]{1,12})[:：]\s*\S")
_REMARK = re.compile(r"^(?:(?:部分|以上|上述|上面|下面|这里|此处|原文|之前|前面)的?)?"
                     r"(?:分析|内容|说法|理解|结论|描述|推导|解法|答案|代码|思路)?"
                     r"(?:有误|有错|错误|不对|存疑|勘误|更正|修正|待定|待验证|待确认|待考证)$|"
                     r"^(?:很|较|比较|非常|超|有点|太)?(?:难|简单|容易|中等)(?:题|了)?$|"
                     r"^(?:hard|medium|easy|difficult|difficulty|tricky)$")


_EXAMPLE_OF = re.compile(r"^[\w\s-]{1,30}\s(?:example|examples|analogy|tips|tip)$|^(?:an? )?examples? (?:of|from)\b|"
                         r"^[\u4e00-\u9fff\w]{1,12}(?:示意图|图示|结构图|流程图|示例图)$|"
                         r"^[\u4e00-\u9fff\w]{1,8}(?:的)?(?:例子|示例|补充)$")


_CAPTION = re.compile(r"^(?:图|表|figure|fig\.?|table)\s*\d+(?:[.\-]\d+)*(?:\s|[:：.]|$)", re.IGNORECASE)


def is_proof_step(text: str, alone: bool) -> bool:
    """Whether a bold text names a step of a proof (`Proof`, `证明`; `Base case`, `Conclusion` when `alone` on
    its line)."""
    word = text.strip().rstrip("：:.。!！ ").strip().lower()
    return word in PROOF or (alone and word in PROOF_STEPS)


def is_marker(text: str) -> bool:
    """Whether a bold text is a marker word (总结, 注意, 例如, TIPS, Note, …), not a term."""
    word = text.strip().rstrip("：:.。!！ ").strip().lower()
    if word not in MARKER_WORDS:
        if _LEAD_IN.search(word) is not None:
            return True
        word = _MARKER_AROUND.sub("", word).strip()
    if word in MARKER_WORDS or word in ("my take", "no code here") or _FILE_NAME.search(word) is not None \
            or _REMARK.match(word) is not None or _CODE_LABEL.fullmatch(word) is not None:
        return True
    if _CAPTION.match(word) is not None:
        return True  # `**图10.3 计算循环网络**`, `**Figure 2: …**`: a figure's caption, the figure's text
    if _EXAMPLE_OF.search(word) is not None:
        return True  # `**Finance example**`, `**西瓜例子**`, `**李宏毅补充**`: an example or an aside, not a term
    head = _HEAD.match(word)  # `**示例：一个用于手写识别的网络**`: a marker word, then what it introduces
    return head is not None and head.group(1).strip() in MARKER_WORDS


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


def without_trailing_stars(children: list[Token]) -> list[Token]:
    """A heading without the importance stars some authors put after it (`## 如何初始化？***`)."""
    if children and children[-1].type == "text" and children[-1].content.rstrip().endswith("*"):
        kept = children[-1].content.rstrip().rstrip("*").rstrip()
        return [*children[:-1], text_token(kept)] if kept else children[:-1]
    return children


def heading_text(children: list[Token]) -> str:
    """A heading as plain text (what the Source line and the note's title show): its text, code and maths, or
    the description of a picture that is all it holds — never its Markdown."""
    text = plain(children)
    if not text:
        text = " ".join(c.content.strip() for c in children if c.type == "image" and c.content.strip())
    return " ".join(text.split())


def strip_leading_blank(children: list[Token]) -> list[Token]:
    k = 0
    while k < len(children) and children[k].type == "text" and (
            blank(children[k].content) or (k + 1 < len(children) and children[k + 1].type == "strong_open"
                                           and _STAR_MARK.fullmatch(children[k].content) is not None)):
        k += 1  # markdown-it starts a paragraph that opens with ** with an empty text token; Typora leaves \u200b;
        # `- ⭐ **What is calibration?** …`: an importance mark before the bold
    return children[k:]


_STAR_MARK = re.compile(r"[\s\u200b]*(?:[⭐🌟★☆❗‼]\ufe0f?[\s]*){1,3}")  # (not a README's ✅ 🎯 💡 decorations)


def blank(text: str) -> bool:
    """Nothing visible: whitespace (also full-width and `&emsp;`) and zero-width characters only."""
    return not text.strip().strip(_INVISIBLE).strip()


def is_placeholder(back: str) -> bool:
    """Whether an answer (HTML) says only that it is missing: `TODO`, `待补充`, an unticked task item."""
    if "<img" in back or "\\(" in back or "\\[" in back:
        return False
    text = re.sub(r"[\s\[\]()（）:：.。!！\-]+", "", re.sub(r"<[^>]*>", "", back)).lower()
    return text in _PLACEHOLDERS or text == ""  # nothing visible (an HTML comment, an empty item) is no answer


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
    """If `children` start with bold (`**…**`, `__…__`, or bold inside/around italics) — or with italics that a
    colon ends (`*Guideline*:`, a label as English course notes write one) — the index of the token that closes
    it; else None."""
    if not children:
        return None
    first = children[0]
    italic = first.type == "em_open" and not (len(children) > 1 and children[1].type == "strong_open")
    if first.type != "strong_open" and first.type != "em_open":
        return None
    depth = 0
    for k in range(len(children)):
        depth += children[k].nesting
        if depth == 0:
            if italic and not _colon_after(children, k):
                return None  # `*emphasis* in a sentence`; only `*Guideline*:` is a label written in italics
            return k
    return None


def _colon_after(children: list[Token], close: int) -> bool:
    """Whether the italics closing at `close` end with a colon, or a colon follows them."""
    inside = children[close - 1] if close > 0 else None
    after = children[close + 1] if close + 1 < len(children) else None
    return (inside is not None and inside.type == "text" and inside.content.rstrip().endswith((":", "："))) or \
        (after is not None and after.type == "text" and after.content.lstrip()[:1] in (":", "："))


_BLANKS = " \t\u200b\u200c\u200d\ufeff"


def math_gloss(token: Token) -> bool:
    r"""Whether an inline formula is a term's gloss in brackets (`$(Perceptron)$`, `$(Neural\ Network)$`)."""
    content = token.content.strip()
    return token.type == "math_inline" and len(content) <= 40 and content[:1] in "(（" and content[-1:] in ")）"


def _glossed(after: list[Token]) -> int:
    """When the tokens after a bold are (an empty text,) a maths gloss and a text: the index of that text, else 0."""
    k = 1 if after and after[0].type == "text" and not after[0].content else 0
    return k + 1 if len(after) > k + 1 and math_gloss(after[k]) and after[k + 1].type == "text" else 0


def bold_line(line: list[Token]) -> tuple[str, tuple] | None:
    """What a line that starts with bold is, read once: ('alone', (the bold's tokens, has a colon)) when it is
    nothing but the bold (and a colon, and importance stars `***`), ('term', (term tokens, explanation tokens))
    when the bold is a term with its colon inside or right after it; else None."""
    line = strip_leading_blank(line)
    if not line or line[0].type not in ("strong_open", "em_open"):
        return None
    close = emphasis_run(line)
    if close is None:
        return None
    alone, colon = True, False
    for token in line[close + 1:]:  # only blanks, one colon and stars may follow a bold alone
        rest = token.content.strip() if token.type == "text" else "\0"
        if rest in ("：", ":") and not colon:
            colon = True
        elif rest and not blank(rest) and rest.strip("*"):
            alone = False
            break
    if alone:
        inner = line[1:close]
        if inner and inner[0].type == "strong_open" and line[0].type == "em_open":
            inner = inner[1:-1]
        split = _colon_inside(inner) if not colon and line[0].type == "strong_open" else None
        if split is not None:
            return "term", split
        return "alone", (inner, colon or plain(inner).endswith(COLONS))
    if line[0].type != "strong_open":
        return None
    term = list(line[1:close])
    after = list(line[close + 1:])
    if term and term[-1].type == "text" and term[-1].content.rstrip(_BLANKS).endswith(COLONS):
        term[-1] = text_token(term[-1].content.rstrip(_BLANKS)[:-1])
    elif after and after[0].type == "text" and after[0].content.lstrip(_BLANKS).startswith(COLONS):
        after[0] = text_token(after[0].content.lstrip(_BLANKS)[1:])  # (a zero-width joiner before it: invisible)
    elif (k := _glossed(after)) and after[k].content.lstrip(_BLANKS).startswith(COLONS):
        # `**感知机**$(Perceptron)$：…`: its name in maths, then the colon
        term = [*term, after[k - 1]]
        after = [text_token(after[k].content.lstrip(_BLANKS)[1:]), *after[k + 1:]]
    else:
        return None
    if after and after[0].type == "text":
        after[0] = text_token(after[0].content.lstrip())
    return ("term", (term, after)) if plain(term) else None


_INSIDE = re.compile(r"^([^：:\d][^：:]{1,14})：\s*(\S.{3,})$")


def _colon_inside(inner: list[Token]) -> tuple[list[Token], list[Token]] | None:
    """`**机器学习的目标：得到泛化误差小的学习器**` (a term and its explanation in one bold, a full-width colon between
    them): (term tokens, explanation tokens), when the part before the colon is a label and no marker word."""
    if not inner or inner[0].type != "text":
        return None
    match = _INSIDE.match(inner[0].content)
    if match is None or len(inner) > 1 and match.group(2).strip() == "":
        return None
    head = match.group(1).strip()
    if not is_label(head) or is_marker(head) or is_question(head) or is_question(match.group(2)) or \
            head.endswith(("在于", "是", "为", "有", "包括")):  # `**…的核心就在于：如何…？**`: one sentence
        return None
    return [text_token(head)], [text_token(match.group(2)), *inner[1:]]


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
        elif last.type in ("image",
                           "html_inline") or (last.type == "text" and not last.content.strip(" []()（）【】\t")):
            end -= 1
        else:
            break
    return plain(children[:end]).rstrip(" \t[(（【")


_QUESTION_PREFIX = re.compile(r"^(?:(?:Q|Question|问题?)\s*\d*\s*[:：.、)）]|"
                              r"(?:Question|问题)\s*\d*\s*[-–—]+\s*(?=\w)|"
                              r"Q\s*\d+\s*[-–—]+\s*(?=\w)|"  # `Q3- Explain how a ROC curve works.` (not Q-learning)
                              r"Q\d+\s+(?=(?:what|why|how|when|which|who|explain|define|describe|list|compare|"
                              r"is|are|can|does|do)\b))", re.IGNORECASE)
NUMBERING = _NUMBERING = re.compile(r"^(?:[\d.]+|[(（]?\d+[)）]|[一二三四五六七八九十]+[、.]|Q\d+)\s*[、.:：)）]?\s*",
                        re.IGNORECASE)
_ASKING_ZH = ("为什么", "为何", "如何", "怎样", "怎么", "什么是", "是否", "简述", "简要", "列举", "比较", "对比",
              "谈谈",
              "说说", "解释", "说明", "介绍一下", "请问", "哪些")
_ASKING_EN = frozenset("what why how when where which who whom whose is are can could does do did should would "
                       "explain describe discuss mention list compare define name give".split())


_ASKING_INSIDE_ZH = ("有哪些", "该如何", "是什么", "有什么", "为什么", "怎么", "如何", "区别", "的异同", "有何",
                     "优缺点", "的联系")
# `梯度爆炸的解决方法`, `GRU 与 LSTM 的关系`, `随机梯度下降存在的问题`, `激活函数的作用`: a topic asked about
_ASKING_INSIDE = re.compile("|".join(_ASKING_INSIDE_ZH))
# `GMM与K-Means相比`, `软间隔vs硬间隔`: a comparison asked for (the whole phrase, not a sentence that makes one)
_COMPARED = re.compile(r"[与和跟].{1,30}(?<!的)(?:相比|对比|相比较)$|"  # (not `…的对比`: a topic's title)
                       r"[\u4e00-\u9fff]\s*(?:vs\.?|VS\.?|Vs\.?)\s*[\u4e00-\u9fff]")
_ASKING_TOPIC = re.compile(r"(?:[与和跟].{1,30}的(?:关系|联系|比较|不同|差异)|"
                           r"的(?:解决方法|解决办法|作用|意义|好处)|存在的问题)"
                           r"(?=$|[、/（()）：:?？\s]|及|，(?=\S{3}))")
# `Pros and Cons:`, `优缺点`: a question about the subject above it (the heading above, or the note's title)
GENERIC_QUESTION = re.compile(r"^(?:pros\s*(?:and|&|/)\s*cons|advantages\s*(?:and|&|/)\s*disadvantages|"
                              r"strengths\s*(?:and|&)\s*weaknesses|优缺点|优点和缺点|优点与缺点|优劣|利弊|解决方法|解决办法|解决方案)\s*[:：]?$",
                              re.IGNORECASE)
_IMPERATIVE_EN = frozenset("define implement explain describe compare contrast derive prove write list name give "
                           "mention calculate compute discuss distinguish state design".split())
_NAMING = ("区别", "的异同", "优缺点", "的联系")  # nouns: the question is the phrase they end, not a sentence
_TOLD = re.compile(r"(?:解释了|这就是|这也是|这正是|说明了|知道了|明白了|不要问)(?:为什么|为何|如何|怎么)|"
                   r"(?:关键是|重点是|问题是|在于|取决于)(?:如何|怎么|怎样)")  # told, not asked
_COMPOUND = "度性器书者率"  # 对比度, 解释性, 比较器: a noun made from an asking word
_CLEFT = re.compile(r"(?i:what|how|why|where|when)\s+(?i:we|you|i|they|it|this|that|he|she|one)\b[^?]*"
                    r"\b(?i:is|are|was|were)\b\s+\w")
_VERSUS = re.compile(r"\S\s+(?:vs\.?|VS\.?|versus|v\.s\.?|V\.S\.?)\s+\S")  # (also `White Box v.s. Black Box`)


def is_question(text: str) -> bool:
    """A question as a reader sees one: it ends in ?/？ (importance stars after it are fine), has a ?/？ inside
    (`What is X? Explain …`), starts `Q12:`/`问题 3：`, or starts (after its numbering) with an asking word —
    为什么、如何、什么是、简述…, or What/Why/How/Explain… in a line of three words or more."""
    text = text.strip().rstrip("*_# ").strip()
    if not text:
        return False
    if text.endswith(QUESTION_MARKS) or "?" in text or "？" in text or _QUESTION_PREFIX.match(text):
        return True
    body = _NUMBERING.sub("", text, count=1)
    if any(body.startswith(word) and len(body) >= len(word) + 2 and body[len(word)] not in _COMPOUND
           for word in _ASKING_ZH):
        return True  # (not `对比度归一化`: 对比度 is contrast, a noun)
    if GENERIC_QUESTION.match(body):  # `Pros and Cons:` (the heading above names what it is about)
        return True
    sentence = "。" in body[:-1] or "；" in body or ";" in body  # a statement that mentions how or why
    inside = _ASKING_INSIDE.search(body) if len(body) <= 60 and not sentence else None
    if inside is not None and (inside.group() not in _NAMING or len(body) - inside.end() <= 8) \
            and _TOLD.search(body) is None:
        return True  # `激活函数有哪些`, `数据不平衡该如何处理`, `L1与L2的区别` (not a sentence that mentions 联系)
    if len(body) <= 60 and not sentence and "，" not in body and _COMPARED.search(body):
        return True
    if len(body) <= 60 and not sentence and _ASKING_TOPIC.search(body):
        return True  # `梯度爆炸的解决方法`, `GRU 与 LSTM 的关系`, `随机梯度下降存在的问题`
    words = body.split()
    if len(words) >= 2 and (words[0].lower().strip(",:") in _IMPERATIVE_EN or _VERSUS.search(body)):
        return True  # `Define F1-score.`, `Implement softmax`, `Epoch vs. Batch vs. Iteration.`
    if _CLEFT.match(body) is not None:
        return False  # `What we want to do is choose triplets …`: a statement that starts with "What"
    return len(words) >= 3 and words[0].lower().strip(",:") in _ASKING_EN


_BRACKETED = re.compile(r"[（(][^（）()]*[）)]")
_CITATION = re.compile(r"\[\d{1,3}(?:[,，\-–]\s*\d{1,3})*\]|\d{1,3}")  # `**[38]**`: a reference number, not a term
# `**二阶导数描述的是曲线的弯曲程度**`: a claim in bold (its copula inside), not a term
_STATEMENT_ZH = re.compile(r"[\u4e00-\u9fff](?:描述的是|指的是|说的是|就是|其实是|实际上是|本质上是|本质是)"
                           r"[\u4e00-\u9fff]|是由.{2,}(?:决定|组成|构成|引起|导致)的?$")  # `**…是由…共同决定的**`


def is_label(text: str) -> bool:
    """A term or short phrase: at most LABEL_MAX characters without the colon, no sentence punctuation — and not a
    statement in bold: two clauses or more split by `，` outside brackets (`**让均值为0，标准差为1，即…**`)."""
    label = text.strip().rstrip("：:").strip()
    if label.endswith("。") and len(label) <= 15 and "，" not in label and "," not in label:
        # `1. **估计聚类趋势。**`: a short label with its full stop (not a clause: `**这不是标签，因为…。**`)
        label = label[:-1]
    outside = _BRACKETED.sub("", label)  # (a gloss in brackets does not count: `Change with representations (Verbs
    short = len(label) <= LABEL_MAX or (len(outside) <= 32 and len(label) <= 2 * LABEL_MAX  # in HTTP)`)
                                        and "," not in outside and "，" not in outside)
    return (0 < len(outside) and short and not any(mark in label for mark in SENTENCE_MARKS)
            and not label.endswith((".", "，", ",", "、"))
            and not (len(label) >= 15 and outside.count("，") >= 2)
            and not (len(outside) >= 20 and "，" in outside)  # `**在非均等代价下，ROC曲线不能…**`: a claim
            and not any(arrow in label for arrow in ("→", "⇒", "⟹", "=>"))  # `**p-value ≥ α → Fail to Reject**`: a rule
            and _CITATION.fullmatch(label) is None and not _STATEMENT_ZH.search(label))


def term_start(line: list[Token]) -> tuple[list[Token], list[Token]] | None:
    """(term tokens, explanation tokens) when `line` starts with a bold term whose colon is inside the bold or
    right after it (`**术语：**解释`, `**term**: text`); else None. The explanation may be empty."""
    read = bold_line(line)
    if read is None:
        return None
    if read[0] == "term":
        return read[1]
    inner, colon = read[1]  # `**术语：**` alone: a term with an empty explanation
    return term_start_of_alone(inner) if colon else None


def term_start_of_alone(inner: list[Token]) -> tuple[list[Token], list[Token]] | None:
    term = list(inner)
    if term and term[-1].type == "text" and term[-1].content.rstrip().endswith(COLONS):
        term[-1] = text_token(term[-1].content.rstrip()[:-1])
    return (term, []) if plain(term) else None
