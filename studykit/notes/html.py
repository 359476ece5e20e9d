"""HTML in notes as Typora treats it, and only HTML that is safe in a shared deck.

Three markdown-it rules:
- `html_block` (replaces markdown-it's): CommonMark lets a `<center>`/`<div>` line swallow every line up to the
  next blank line, so `<center><img …></center>` with `### 标题` on the very next line (the way Typora saves
  it) hides the heading. Typora ends such a block where its elements close, and so do we: a block of kind 6
  or 7 ends at the first line where every element opened in it is closed (a first line that never closes ends
  there when the next line is not HTML). A line starting with a tag that
  is not HTML (`<unk>`, `<EOS>`, `<Title>`) is not an HTML block at all: it is text.
- `html_text` (core, after inline): inline "tags" that are not HTML become text, so `<Title>` or `<unk>` in
  prose is shown instead of vanishing as an unknown element.
- `html_safe` (core): known HTML is kept with its attributes, except event handlers (`on…=`) and
  `javascript:` addresses; `script`, `style`, `iframe` and the like are dropped with their content, with a
  warning — a shared deck carries no scripts. This is the note-level pass (it gives the warnings, and comments
  stay for the card rules: a comment is no answer); the field-level judge, which parses as a browser does and
  drops comments, is studykit/notes/safe_html.py's `safe_field`, applied to every field a package gets.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.common.html_re import HTML_TAG_RE
from markdown_it.rules_block.html_block import HTML_SEQUENCES, html_block as commonmark_html_block
from markdown_it.rules_block.state_block import StateBlock
from markdown_it.rules_core.state_core import StateCore
from markdown_it.token import Token

from studykit.notes.safe_html import DROPPED, KNOWN_TAGS, VOID, _escape  # noqa: F401  (re-exported)

_TAG_NAME = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
_ATTRIBUTE = re.compile(r"""\s+([^\s"'<>/=]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
_UNSAFE_URL = re.compile(r"^\s*(?:javascript|vbscript|data(?!:image/))\s*:", re.IGNORECASE)
_UNSAFE_STYLE = re.compile(r"expression\s*\(|javascript:|url\s*\(", re.IGNORECASE)
_URL_ATTRIBUTES = frozenset("href src action formaction xlink:href poster background srcset".split())


def tag_name(fragment: str) -> tuple[str, bool] | None:
    """(lower-case name, is a closing tag) of the tag `fragment` starts with, or None."""
    match = _TAG_NAME.match(fragment)
    return (match.group(2).lower(), bool(match.group(1))) if match else None


def safe_tag(tag: str) -> str:
    """One start or end tag with event handlers, unsafe addresses and unsafe styles taken out."""
    match = _TAG_NAME.match(tag)
    if not match or match.group(1):
        return tag
    inner = tag[match.end():-1]
    self_closing = inner.rstrip().endswith("/")
    if self_closing:
        inner = inner.rstrip()[:-1]
    kept = []
    for attribute in _ATTRIBUTE.finditer(inner):
        name, value = attribute.group(1).lower(), attribute.group(2) or ""
        raw = value[1:-1] if value[:1] in ("'", '"') else value
        if name.startswith("on") or name == "srcdoc":
            continue
        if name in _URL_ATTRIBUTES and _UNSAFE_URL.match(raw):
            continue
        if name == "style" and _UNSAFE_STYLE.search(raw):
            continue
        kept.append(attribute.group(0))
    return f"<{match.group(2)}{''.join(kept)}{' /' if self_closing else ''}>"


def safe_fragment(fragment: str, dropped: list[str]) -> str:
    """An HTML block's source with unknown tags shown as text, dropped elements removed (their names are
    appended to `dropped`) and every kept tag made safe."""
    out: list[str] = []
    pos = 0
    while True:
        start = fragment.find("<", pos)
        if start < 0:
            out.append(fragment[pos:])
            return "".join(out)
        out.append(fragment[pos:start])
        match = HTML_TAG_RE.match(fragment, start)
        if not match:
            out.append("&lt;")
            pos = start + 1
            continue
        tag = match.group(0)
        pos = match.end()
        named = tag_name(tag)
        if named is None:  # a comment, processing instruction, declaration or CDATA
            out.append(tag if tag.startswith("<!--") else "")  # a comment goes later, in safe_field
            continue
        name, closing = named
        if name in DROPPED:
            if not closing and name not in VOID:
                close = re.compile(rf"</{name}\s*>", re.IGNORECASE).search(fragment, pos)
                if close:
                    pos = close.end()
                elif name in ("script", "style"):  # CommonMark's kind-1 block: code to its end
                    pos = len(fragment)
            if not closing:
                dropped.append(name)
            continue
        out.append(safe_tag(tag) if name in KNOWN_TAGS else _escape(tag))


# ---------------------------------------------------------------- block rule


def _ends_on_blank_line(line: str) -> bool:
    """Whether an HTML block starting with `line` is of CommonMark kind 6 or 7 (it ends at a blank line)."""
    return not any(sequence[0].search(line) for sequence in HTML_SEQUENCES[:5])


def _closed_at(lines: list[str]) -> int | None:
    """The index of the first line after which every element opened so far is closed (None if never)."""
    depth = 0
    seen = False
    for index, line in enumerate(lines):
        for match in _TAG_NAME.finditer(line):
            name = match.group(2).lower()
            if name not in KNOWN_TAGS and name not in DROPPED:
                continue
            seen = True
            if match.group(1):
                depth -= 1
            elif name not in VOID:
                close = line.find(">", match.end())
                if close < 0 or line[close - 1] != "/":
                    depth += 1
        if seen and depth <= 0:
            return index
    return None


def html_block(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
    pos = state.bMarks[startLine] + state.tShift[startLine]
    if state.src[pos:pos + 1] != "<":
        return False
    first = state.src[pos:state.eMarks[startLine]]
    named = tag_name(first)
    if named is not None and named[0] not in KNOWN_TAGS and named[0] not in DROPPED:
        return False  # `<unk>`, `<EOS>` at the start of a line: text, not an element
    if not commonmark_html_block(state, startLine, endLine, silent):
        return False
    if silent:
        return True
    token = state.tokens[-1]
    assert token.map is not None  # a block token always has its lines
    last = token.map[1]
    if last - startLine > 1 and _ends_on_blank_line(first):
        lines = [state.src[state.bMarks[k] + state.tShift[k]:state.eMarks[k]] for k in range(startLine, last)]
        closed = _closed_at(lines)
        if closed is None and not lines[1].lstrip().startswith("<"):
            closed = 0  # never closed (`<center>图 3…`): the line is HTML, the Markdown after it is Markdown
        if closed is not None and startLine + closed + 1 < last:  # Typora: the block ends where it closes
            end = startLine + closed + 1
            state.line = end
            token.map = [startLine, end]
            token.content = state.getLines(startLine, end, state.blkIndent, True)
    return True


# ---------------------------------------------------------------- core rule


def _line(token: Token) -> int:
    return token.map[0] + 1 if token.map else 0


def html_safe(state: StateCore) -> None:
    """Unknown inline tags → text; known ones made safe; dropped elements removed with a warning."""
    if "<" not in state.src:
        return
    warnings = state.env.setdefault("warnings", [])
    for token in state.tokens:
        if token.type == "html_block":
            dropped: list[str] = []
            token.content = safe_fragment(token.content, dropped)
            for name in dict.fromkeys(dropped):
                warnings.append((_line(token), "html", f"<{name}> removed: a shared deck carries no scripts, "
                                                     f"styles, forms or embedded pages"))
        elif token.type == "inline" and token.children and "<" in token.content:
            token.children = _safe_children(token.children, _line(token), warnings)


def _safe_children(children: list[Token], line: int, warnings: list) -> list[Token]:
    out: list[Token] = []
    k = 0
    while k < len(children):
        child = children[k]
        k += 1
        if child.type != "html_inline":
            out.append(child)
            continue
        named = tag_name(child.content)
        if named is None:  # a comment: kept here (the card rules see it: a comment is no answer); safe_field
            out.append(child)  # takes it out of the field (a browser may end a comment earlier than `-->`)
            continue
        name, closing = named
        if name in DROPPED:
            close = None if closing or name in VOID else next(
                (j for j in range(k, len(children)) if children[j].type == "html_inline"
                 and tag_name(children[j].content) == (name, True)), None)
            if closing or name in VOID or close is not None:
                if not closing:
                    warnings.append((line, "html", f"<{name}> removed: a shared deck carries no scripts, styles, "
                                                   f"forms or embedded pages"))
                k = close + 1 if close is not None else k
                continue
        if name in KNOWN_TAGS:
            child.content = safe_tag(child.content)
            out.append(child)
        else:  # `<Title>`, `<unk>`, `a<b>`: the learner meant the text
            out.append(Token("text", "", 0, content=child.content))
    return out


def html_plugin(md: MarkdownIt) -> None:
    md.block.ruler.at("html_block", html_block, {"alt": ["paragraph", "reference", "blockquote"]})
    md.core.ruler.after("inline", "html_safe", html_safe)

