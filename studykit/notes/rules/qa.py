"""`Q:`/`A:` and `问：`/`答：` pairs: two lines of one paragraph, two paragraphs, or two bullets."""

from __future__ import annotations

from markdown_it.token import Token

from studykit.notes.rules.tokens import text_token

Q_PREFIXES = ("Q:", "Q：", "问:", "问：")
A_PREFIXES = ("A:", "A：", "答:", "答：")


def rule(w, i: int, children: list[Token], line: int) -> bool:
    if not (children and children[0].type == "text" and children[0].content.startswith(Q_PREFIXES)):
        return False
    tokens = w.tokens
    head = children[0].content
    first = text_token((head.split(":", 1)[-1] if head.startswith(("Q:", "问:")) else head[2:]).lstrip())
    rest = [first] + list(children[1:])
    # the answer may follow on the same line (`Q: … —— A: …`)…
    for k, c in enumerate(rest):
        if c.type == "text":
            for mark in (" A:", " A：", "——A:", "——A：", " 答：", "——答："):
                at = c.content.find(mark)
                if at > 0:
                    question = [*rest[:k], text_token(c.content[:at].rstrip(" —"))]
                    answer = [text_token(c.content[at + len(mark):].lstrip()), *rest[k + 1:]]
                    _card(w, i, question, answer, line)
                    return True
    # …or in the same paragraph after a line break…
    for k, c in enumerate(rest):
        if c.type in ("softbreak", "hardbreak") and k + 1 < len(rest) and rest[k + 1].type == "text" \
                and rest[k + 1].content.startswith(A_PREFIXES):
            answer = [text_token(rest[k + 1].content[2:].lstrip())] + list(rest[k + 2:])
            _card(w, i, rest[:k], answer, line)
            return True
    # …or in the next paragraph
    j = i + 3
    if j + 2 < len(tokens) and tokens[j].type == "list_item_close" and tokens[j + 1].type == "list_item_open":
        j += 2  # `- Q: …` and `- A: …` as two bullets of one list
    if j + 1 < len(tokens) and tokens[j].type == "paragraph_open":
        nxt = tokens[j + 1].children or []
        if nxt and nxt[0].type == "text" and nxt[0].content.startswith(A_PREFIXES):
            answer = [text_token(nxt[0].content[2:].lstrip())] + list(nxt[1:])
            w.consumed.add(j)
            _card(w, i, rest, answer, line)
            return True
    w.warn(line, "a Q:/问： line with no A:/答： answer right after it: no card", "empty")
    return True


def _card(w, i, question, answer, line) -> None:
    q_html, a_html = w.inline(question), w.inline(answer)
    if not q_html or not a_html:
        w.warn(line, "empty question or answer in a Q:/A: pair: no card", "empty")
        return
    q_source = "".join(c.content for c in question).strip()
    w.add("qa", q_html, a_html, i, line, q_source)
