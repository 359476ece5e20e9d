"""Obsidian callouts that are cards (`studykit.notes.obsidian` turns `> [!type] title` quotes into callout tokens).

- A callout with a nested answer callout (`> [!question] …` then `>> [!success]- Answer`, the way quiz vaults
  write true/false, multiple-choice and matching questions) is one question card: the front is the title and
  what comes before the answer (the options, the groups to match), the back is the answer callout's body (or
  its title, when that is all it has: `>> [!success] True`).
- A question callout (`[!question]`, `[!faq]`, …) or any callout whose title reads like a question is a question
  card answered by its body; a definition callout with a title (`> [!definition] 过拟合`, also `[!theorem]`,
  `[!lemma]`, `[!formula]`, 定理 …) is a term card, and so is any callout whose title says it defines
  (`> [!note] Definition: Overfitting`, `> [!tldr] 定义（过拟合）`).
- Every other callout makes no card of its own: the walk goes on inside it (a bold term in a `[!note]` is a term
  card), and wherever it is part of a back it is shown as a box with its title.
"""

from __future__ import annotations

import re

from studykit.notes.obsidian import ANSWER_TYPES, DEFINITION_TYPES, QUESTION_TYPES
from studykit.notes.rules.tokens import is_placeholder, is_question, plain, text_token

_ANSWER_TITLES = frozenset({"answer", "answers", "solution", "答案", "解答", "答", "解", "参考答案", "show answer"})


def _answer_of(w, i: int, end: int) -> int | None:
    """The callout nested directly in the one at `i` that answers it, or None."""
    level = w.tokens[i].level + 1
    for j in range(i + 1, end):
        t = w.tokens[j]
        if t.type == "callout_open" and t.level == level:
            title = plain(w.tokens[j + 2].children or []).lower().rstrip(":：")
            if t.meta.get("callout") in ANSWER_TYPES or title in _ANSWER_TITLES:
                return j
    return None


# `> [!note] Definition: Overfitting`, `> [!tldr] 定义（过拟合）`: a definition whatever the callout's type
_DEFINED = re.compile(r"^(?:definition|def\.|theorem|lemma|定义|定理|概念)\s*\d*(?:\.\d+)*\s*[:：(（—–-]\s*\S",
                      re.IGNORECASE)


_PREFIX = re.compile(r"^(?:definition|def\.|theorem|lemma|定义|定理|概念)\s*\d*(?:\.\d+)*\s*[:：(（—–-]\s*",
                     re.IGNORECASE)


_SUMMING = frozenset({"tldr", "abstract", "summary"})  # `> [!tldr] Shortest path problem`: a box that states a term


def _defines(kind: str, title: str) -> bool:
    if not title:
        return False
    if kind in DEFINITION_TYPES or _DEFINED.match(title) is not None:
        return True
    from studykit.notes.rules.subject import is_generic
    from studykit.notes.rules.tokens import is_label, is_marker

    return kind in _SUMMING and len(title.split()) <= 8 and is_label(title) and not is_marker(title) \
        and not is_generic(title)


def makes_card(w, i: int) -> bool:
    """Whether the callout opening at `i` is a card of its own (so a section's answer stops before it)."""
    tok = w.tokens[i]
    title = plain(w.tokens[i + 2].children or [])
    kind = tok.meta.get("callout", "")
    return (kind in QUESTION_TYPES or (bool(title) and is_question(title)) or _defines(kind, title)
            or _answer_of(w, i, w.closing(i)) is not None)


def callout(w, i: int) -> int:
    """Makes the card of the callout opening at `i`; returns where the walk goes on (its end when it is a card,
    else `i`, so the blocks inside it are walked)."""
    tokens = w.tokens
    tok = tokens[i]
    kind = tok.meta.get("callout", "")
    end = w.closing(i)
    title = tokens[i + 2].children or []
    title_text = plain(title)
    body = i + 4  # after callout_title_close
    line = tok.map[0] + 1 if tok.map else 0
    answer = _answer_of(w, i, end)
    if answer is not None:
        answer_end = w.closing(answer)
        answer_title = tokens[answer + 2].children or []
        back = w.blocks(answer + 4, answer_end)
        if plain(answer_title).lower().rstrip(":：") not in _ANSWER_TITLES:  # `>> [!success] True`
            back = f"<p>{w.inline(answer_title)}</p>\n{back}" if back else w.inline(answer_title)
        before = w.blocks(body, answer)
        front = w.inline(title) if title_text else ""
        if before:
            front = f"<p>{front}</p>\n{before}" if front else before
        if not front or not back or is_placeholder(back):
            w.warn(line, f"callout {title_text or kind!r} has an empty question or answer: no card", "not-a-card")
            return end
        w.add("question", front, back, i, line, title_text or plain(tokens[body + 1].children or []))
        return end
    asks = kind in QUESTION_TYPES or (bool(title_text) and is_question(title_text))
    if kind in QUESTION_TYPES and title_text and not is_question(title_text) and _exercise(w, title_text, body):
        return _exercise_card(w, i, body, end, line, title_text)
    defines = _defines(kind, title_text)
    if not (asks or defines):
        return i
    if title_text:
        shown = title
        if defines and title and title[0].type == "text" and _PREFIX.match(title[0].content):
            stripped = _PREFIX.sub("", title[0].content, count=1).rstrip("）)") if "（" in title[0].content[:12] or \
                "(" in title[0].content[:12] else _PREFIX.sub("", title[0].content, count=1)
            shown = [text_token(stripped), *title[1:]]  # `Definition: Overfitting` asks `Overfitting`
        front, back_start = w.inline(shown), body
    elif tokens[body].type == "paragraph_open":  # `> [!question]` then the question as the first line
        children = tokens[body + 1].children or []
        front, back_start = w.inline(children), body + 3
        title_text = plain(children)
        cut = next((k for k, c in enumerate(children) if c.type in ("softbreak", "hardbreak")), None)
        if cut is not None and is_question(plain(children[:cut])) and plain(children[cut + 1:]).strip():
            # `> What is dropout?` / `> Randomly zeroing …` on the next line of the same paragraph
            front, title_text = w.inline(children[:cut]), plain(children[:cut])
            rest = w.blocks(back_start, end)
            back = f"<p>{w.inline(children[cut + 1:])}</p>" + (f"\n{rest}" if rest else "")
            w.add("question", front, back, i, line, title_text)
            return end
    else:
        return i
    back = w.blocks(back_start, end)
    if not back or is_placeholder(back):
        w.warn(line, f"callout {title_text!r} has nothing under it to use as the answer: no card", "not-a-card")
        return end
    w.add("question" if asks else "term", front, back, i, line, title_text)
    return end if asks else i  # a definition box's own terms (`- Dirty: …` in `> [!tldr] Page table entry`) are
    # cards too, as a question heading's are


# `> [!question] 6.7 Palindrome subsequence` + the problem's statement: a textbook exercise, named by its number,
# or whose body sets the task (`Given …, devise …`, `What happens if …?`): the body is the question, not its answer
_EXERCISE_TITLE = re.compile(r"^(?:(?:exercise|problem|question|task|ex\.?|习题|练习|题目|例题|作业|思考题)\s*)?"
                             r"\d+(?:\.\d+)+\b|^(?:exercise|problem|task|习题|练习|题目|例题|作业|思考题)\b",
                             re.IGNORECASE)
_TASK = re.compile(r"^(?:given|devise|design|show that|prove|find|give|compute|calculate|write|implement|suppose|"
                   r"consider|let|证明|求|设计|给定|已知|计算|试)\b", re.IGNORECASE)
_SOLVED = re.compile(r"^(?:answer|answers|solution|solutions|sol\.|答案|解答|参考答案|答|解)\s*[:：.]?",
                     re.IGNORECASE)


def _exercise(w, title: str, body: int) -> bool:
    if _EXERCISE_TITLE.match(title):
        return True
    first = w.tokens[body]
    if first.type != "paragraph_open":
        return False
    text = plain(w.tokens[body + 1].children or [])
    return is_question(text) or _TASK.match(text) is not None


def _exercise_card(w, i: int, body: int, end: int, line: int, title_text: str) -> int:
    """An exercise callout: a question card when its own body holds the answer after the statement (a paragraph
    that starts `Answer:`/`解：`), else no card — the statement alone is nothing to recall."""
    tokens = w.tokens
    level = tokens[i].level + 1
    for j in range(body, end):
        t = tokens[j]
        if t.type == "paragraph_open" and t.level == level and j > body \
                and _SOLVED.match(plain(tokens[j + 1].children or [])):
            front = f"<p>{w.inline(tokens[i + 2].children or [])}</p>\n{w.blocks(body, j)}"
            back = w.blocks(j, end)
            if back and not is_placeholder(back):
                w.add("question", front, back, i, line, title_text)
                return end
    w.warn(line, f"exercise callout {title_text!r} states a problem with no answer in it: no card", "not-a-card")
    return end
