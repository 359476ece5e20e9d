"""A list of plain `Term: definition` items (no bold): a glossary, one term card per item.

`- Balanced accuracy: average of accuracy for each class`, `1. Linearity: independent variables have a linear
relationship …`, `- 损失：合页损失 = max(0, 1 − y·f(x))`. One such line alone is a sentence with a colon; a list
where three items or more, and 70 % of its items (or both items of a list of two, not `Pros:`/`Cons:`), read this
way is a glossary. The term is the plain text before the first colon: a label (at most 40 characters, five words
outside a bracketed gloss, no sentence punctuation), not a marker word (`Note:`, `例如：`), not a question, not a
numbered step (`Step 1:`), not a link or a time (`http:`, `10:30`), not a condition or the start of a sentence
(`If y-axis is score:`, `During training:`, `在c已知的时候，有：`, `τ → 0:`). The back is the rest of the line
and the blocks nested in the item.
"""

from __future__ import annotations

import re

from markdown_it.token import Token

from studykit.notes.rules.subject import is_generic
from studykit.notes.rules.tokens import is_label, is_marker, is_question, text_token

_TERM = re.compile(r"^([^:：\n]{1,40}?)[ \t]*[:：][ \t]*(?=\S)")
_NOT_TERM = re.compile(r"(?:^|\s)(?:step|stage|phase|part|round|case|option|method|approach|level|day|week|"
                       r"lecture|chapter|section|q|a)\s*\d*$|^\d|(?:[A-Za-z\u00c0-\u024f-]{3,}|[\u4e00-\u9fff]{2,})\s*\d+$|https?$|第.{1,3}[步章节]$|[（(][^)）]*$|"
                       r"^[（(]\d+[)）]|"  # `（1）开始：…`: a numbered step
                       # `dp[i][0]`, `recur(i, m - 1)`: code, not a term
                       r"\b[a-z_]\w*\[[\w +\-]*\]|\w\([^)]*\s[-+*/]\s[^)]*\)$",
                       re.IGNORECASE)
# a condition or a sentence's start, not a term: `If y-axis is score:`, `During training:`, `在c已知的时候，有：`,
# `τ → 0:`, `R²=1:`
_CONDITION = re.compile(r"^(?:if|when|during|for|in|with|without|at|before|after|while|once|on|by|given|"
                        r"在|当|如果|对于|若|假如|每个|每一)(?:\b|(?=[\u4e00-\u9fff]))|[=<>→←≈≤≥]|"
                        r"(?:有|包含|包括|是|为|如下|例如|表示)$|，", re.IGNORECASE)
SHARE = 0.7  # of a list's items that must read `Term: definition` (three of them at least, or all of two)
MIXED_SHARE = 0.5  # … or half of them, two at least naming things (not aspects: `好处`, `Pros`)
_GLOSS = re.compile(r"[（(][^（）()]*[）)]")


def _split(children: list[Token]) -> tuple[str, list[Token]] | None:
    """(the term, the definition's tokens) when the item's line starts with plain text `Term: …`."""
    if not children or children[0].type != "text":
        return None
    match = _TERM.match(children[0].content)
    if match is None:
        return None
    term = match.group(1).strip()
    bare = _GLOSS.sub("", term).strip() or term  # `输入门(Input Gate)`: the gloss does not count
    words = len(bare.split()) if bare.isascii() else len(bare) // 2
    if words > 5 or len(term) < 2 or not is_label(term) or is_marker(term) or is_question(term) or \
            _NOT_TERM.search(term) or _CONDITION.search(term):
        return None
    rest = children[0].content[match.end():]
    value = rest.strip() if len(children) == 1 else ""
    if value and len(value) <= 15 and any(ch.isdigit() for ch in value):
        return None  # `Wagons: 200,000`, `Siège-LAN2: 50 hosts`: a value of an example, not a definition
    return term, ([text_token(rest)] if rest else []) + list(children[1:])


def _glossary(w, listing: int) -> bool:
    """Whether the list opening at `listing` is a glossary (read once per list)."""
    known = w.memo.get(("glossary", listing))
    if known is None:
        tokens, level = w.tokens, w.tokens[listing].level + 1
        firsts = [tokens[k + 2].children or [] for k in range(listing + 1, w.closing(listing))
                  if tokens[k].type == "list_item_open" and tokens[k].level == level
                  and tokens[k + 1].type == "paragraph_open"]
        reads = [_split(f) for f in firsts]
        hits = sum(1 for r in reads if r is not None)
        named = sum(1 for r in reads if r is not None and not is_generic(r[0]))
        known = w.memo[("glossary", listing)] = (hits >= 3 and hits >= SHARE * len(firsts)) or (
            hits == len(firsts) == 2 and named == 2) or (  # (not `- Pros: …` `- Cons: …` under `Pros and Cons`:
            named >= 2 and hits >= MIXED_SHARE * len(firsts))  # the heading asks that); a cheat sheet's list mixes
        # its terms with remarks (`1. 虚函数：…` `2. 纯虚函数：…` `3. 包含纯虚函数的类为抽象类` …)
    return known


def rule(w, i: int, children: list[Token], line: int) -> bool:
    content = w.tokens[i + 1].content
    if ":" not in content[:40] and "：" not in content[:40]:
        return False  # the cheap test: no colon near the start of the line
    item = w.item_of(i)
    if item is None:
        return False
    read = _split(children)
    if read is None:
        return False
    from studykit.notes.rules.items import parent

    listing = parent(w, item)  # the list (parents are found once per note)
    if listing < 0 or not _glossary(w, listing):
        return False
    term, rest = read
    first = w.inline(rest)
    nested = w.blocks(w.closing(i) + 1, w.closing(item))
    back = f"<p>{first}</p>\n{nested}" if first and nested else first or nested
    if not back.strip():
        return False
    w.add("term", w.inline([text_token(term)]), back, i, line, term)
    return True
