"""A question's or a note's header fields, as a markdown-it core rule: a paragraph whose every line is a bold field
and a short value, at least one of them a field that is only ever metadata —

    **Category:** ML Basics
    **Difficulty:** Easy
    **Tags:** Paradigms, Supervised

(the lines joined by hard or soft breaks) — is no text of any card: not a term card `Category`, and not the first
lines of the answer of the question above it. It is dropped from the tokens with a `not-a-card` warning. One field
alone on its line (`**Year:** 2023`) is the card rules' to judge (`notcards.why_not`).
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core.state_core import StateCore

from studykit.notes.rules.notcards import METADATA_FIELDS, WEAK_METADATA_FIELDS

_VALUE = 60  # characters of a field's value, at most
_FIELD_WORDS = METADATA_FIELDS | WEAK_METADATA_FIELDS | {"topic", "topics", "subject", "keywords", "标签", "关键词",
                                                         "知识点", "题型", "频率"}


def _fields(children: list) -> list[str] | None:
    """The field names of an inline's lines when every line is `**Name:** value` (short), else None."""
    lines: list[list] = [[]]
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            lines.append([])
        else:
            lines[-1].append(child)
    names = []
    for line in lines:
        while line and line[0].type == "text" and not line[0].content.strip():
            line = line[1:]
        if len(line) < 3 or line[0].type != "strong_open":
            return None
        close = next((k for k, c in enumerate(line) if c.type == "strong_close"), None)
        if close is None or close < 2 or any(c.type != "text" for c in line[1:close]):
            return None
        name = "".join(c.content for c in line[1:close])
        value = "".join(c.content for c in line[close + 1:] if c.type in ("text", "code_inline"))
        if not name.rstrip().endswith((":", "：")) and not value.lstrip().startswith((":", "：")):
            return None
        name = name.strip().rstrip(":：").strip().lower()
        if name not in _FIELD_WORDS or len(value.strip(" :：")) > _VALUE:
            return None
        names.append(name)
    return names


def header_fields(state: StateCore) -> None:
    tokens = state.tokens
    drop: set[int] = set()
    for k in range(1, len(tokens) - 1):
        token = tokens[k]
        if token.type != "inline" or tokens[k - 1].type != "paragraph_open" or "**" not in token.content[:4]:
            continue
        if token.content.count("\n") < 1:
            continue
        names = _fields(token.children or [])
        if names and len(names) >= 2 and any(n in METADATA_FIELDS for n in names):
            drop.update((k - 1, k, k + 1))
            line = token.map[0] + 1 if token.map else 0
            state.env.setdefault("warnings", []).append(
                (line, "not-a-card", f"a field of the note's header, not knowledge ({', '.join(names)}): no card, "
                                     f"and not part of an answer"))
    if drop:
        state.tokens = [t for n, t in enumerate(tokens) if n not in drop]


def fields_plugin(md: MarkdownIt) -> None:
    """Use after typora_plugin (its lenient bold pairs `**` first)."""
    md.core.ruler.after("liquid_tags", "header_fields", header_fields)
