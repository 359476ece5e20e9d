"""What Typora shows that plain CommonMark does not, as markdown-it rules.

- `##标题` without a space after the hashes is a heading (Typora's default, non-strict mode) when the text
  starts with a CJK character or the level is 2 or more — `#tag` and `#include` stay text;
- `[toc]` alone on a line is Typora's table of contents: it makes nothing on a card;
- `$$` on the line right after a text line opens display maths (CommonMark would keep it in the paragraph), and
  `> $$` whose formula goes on in unquoted lines to a closing `$$` is one formula in the quote;
- `![alt](img/my picture.png)`: a picture path with spaces (Typora writes them unescaped) is a picture;
- `**粗体 **` — a space before the closing stars — leaves both `**` as text under CommonMark's rules; the intent
  is plain, so `**` that markdown-it left unmatched are paired within a line (an opener does not follow a
  letter or digit, and the pair hugs its text on at least one side or spans its whole line: `2**3` and
  `a ** b ** c` stay as typed); stars an author puts after a line as an importance mark (`问题？**`, `…等***`)
  are dropped;
- `<h2 id="…">问题？</h2>` alone on a line is a heading, as Typora shows it;
- GitBook/HonKit callouts (`> **[success]** …`: the marker is dropped, the quote read as any quote) and template tags
  alone on a line (`{% reveal %}`, `{% endraw %}`: dropped);
- a line that starts with a bullet character and a space (`• **Bias** refers to …`, as text pasted from a chat
  answer or a PDF writes a list; also `◦`, `▪`, `●`, `‣`, `∙`) is a list item, as the reader sees one.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.common.utils import isStrSpace, mdTrim
from markdown_it.rules_block.state_block import StateBlock
from markdown_it.rules_core.state_core import StateCore
from markdown_it.rules_inline.state_inline import StateInline
from markdown_it.token import Token

from studykit.notes.cjk import is_cjk


def heading_without_space(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
    pos = state.bMarks[startLine] + state.tShift[startLine]
    if state.src[pos:pos + 1] != "#" or state.is_code_block(startLine):
        return False
    maximum = state.eMarks[startLine]
    level = 0
    while pos < maximum and state.src[pos] == "#" and level <= 6:
        level += 1
        pos += 1
    if level > 6 or pos >= maximum:
        return False
    first = state.src[pos]
    if isStrSpace(first) or not (is_cjk(first) or (level >= 2 and not first.isspace())):
        return False  # `# title` is markdown-it's own heading; `#tag` stays text
    if silent:
        return True
    maximum = state.skipSpacesBack(maximum, pos)
    state.line = startLine + 1
    token = state.push("heading_open", f"h{level}", 1)
    token.markup = "#" * level
    token.map = [startLine, state.line]
    token = state.push("inline", "", 0)
    token.content = mdTrim(state.src[pos:maximum])
    token.map = [startLine, state.line]
    token.children = []
    token = state.push("heading_close", f"h{level}", -1)
    token.markup = "#" * level
    return True


def toc(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
    pos = state.bMarks[startLine] + state.tShift[startLine]
    if state.src[pos:pos + 1] != "[" or state.src[pos:pos + 5].lower() != "[toc]" or state.is_code_block(startLine):
        return False
    if state.src[pos + 5:state.eMarks[startLine]].strip():
        return False
    if not silent:
        state.line = startLine + 1
    return True


def _line(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]].strip()


def _open_in_quote(state: StateBlock, line: int) -> bool:
    """Whether the lines of the quote above `line` (up to a blank line; at most 200) leave a `$$` formula open:
    `> $$` then `x = y` then `$$` (Typora and GitHub show one formula in the quote; only its first line is
    quoted). The quote's own lines have their `>` stripped already."""
    opened = False
    for k in range(line - 1, max(line - 201, -1), -1):
        if state.isEmpty(k):
            break
        text = _line(state, k)
        if text.startswith("$$") or text.endswith("$$"):
            if not (len(text) > 4 and text.startswith("$$") and text.endswith("$$")):
                opened = not opened
    return opened


def _interrupting(rule):
    """A block rule that may also end a paragraph: markdown-it asks such rules in silent mode first."""

    def interrupting(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
        if not state.src.startswith("$$", state.bMarks[startLine] + state.tShift[startLine]):
            return False  # most lines: a cheap test first
        if not silent:
            return rule(state, startLine, endLine, False)
        if state.parentType == "blockquote" and _open_in_quote(state, startLine):
            return False  # `> $$` … `$$`: the closing line of the quote's own formula, a lazy line of the quote
        tokens, line = len(state.tokens), state.line
        found = rule(state, startLine, endLine, False)  # dollarmath's rule pushes even when silent
        del state.tokens[tokens:]
        state.line = line
        return found

    return interrupting


def picture_with_spaces(state: StateInline, silent: bool) -> bool:
    """`![alt](path with spaces.png "title")` — tried only after markdown-it's own image rule failed."""
    src, start = state.src, state.pos
    if not src.startswith("![", start):
        return False
    label_end = state.md.helpers.parseLinkLabel(state, start + 1, False)
    if label_end < 0 or src[label_end + 1:label_end + 2] != "(":
        return False
    depth, pos = 0, label_end + 2
    while pos < state.posMax and src[pos] != "\n":
        if src[pos] == "(":
            depth += 1
        elif src[pos] == ")":
            if depth == 0:
                break
            depth -= 1
        pos += 1
    if pos >= state.posMax or src[pos] != ")":
        return False
    inside = src[label_end + 2:pos].strip()
    title = ""
    if inside.endswith('"') and ' "' in inside:
        inside, _, title = inside.rpartition(' "')
        title = title[:-1]
    destination = inside.strip()
    if not destination or " " not in destination or "<" in destination:
        return False
    if not silent:
        content = src[start + 2:label_end]
        children: list = []
        state.md.inline.parse(content, state.md, state.env, children)
        token = state.push("image", "img", 0)
        token.attrs = {"src": state.md.normalizeLink(destination), "alt": ""}
        token.children = children or None
        token.content = content
        if title:
            token.attrSet("title", title)
    state.pos = pos + 1
    return True


_STARS = re.compile(r"(?<!\*)(\*\*)(?!\*)")


def lenient_strong(state: StateCore) -> None:
    for token in state.tokens:
        if token.type == "inline" and token.children and "**" in token.content and any(
                c.type == "text" and "**" in c.content for c in token.children):
            token.children = _pair_stars(token.children)


def _pair_stars(children: list[Token]) -> list[Token]:
    pieces: list[Token] = []
    for child in children:
        if child.type != "text" or "**" not in child.content:
            pieces.append(child)
            continue
        for part in _STARS.split(child.content):
            if part:
                piece = Token("text", "", 0, content=part, meta=dict(child.meta))
                piece.info = "stars" if part == "**" else ""
                pieces.append(piece)
    opener, depth, opener_depth, tight, line_start = None, 0, 0, False, False
    for k, piece in enumerate(pieces):
        if piece.type in ("softbreak", "hardbreak"):
            opener = None
        depth += piece.nesting
        if piece.type != "text" or piece.info != "stars":
            continue
        first = k == 0 or pieces[k - 1].type in ("softbreak", "hardbreak")
        last = k + 1 == len(pieces) or pieces[k + 1].type in ("softbreak", "hardbreak")
        before = pieces[k - 1].content[-1:] if k and pieces[k - 1].type == "text" else " "
        after = pieces[k + 1].content[:1] if k + 1 < len(pieces) and pieces[k + 1].type == "text" else "x"
        if opener is not None and depth == opener_depth and k > opener + 1 and (
                tight or before.strip() or (line_start and last)):  # `** 整行加粗 **` alone on its line too
            pieces[opener] = Token("strong_open", "strong", 1, markup="**")
            pieces[k] = Token("strong_close", "strong", -1, markup="**")
            opener = None
        elif opener is None and not (before.isascii() and before.isalnum()):
            opener, opener_depth, tight, line_start = k, depth, bool(after.strip()), first
    for k, piece in enumerate(pieces):
        if piece.type != "text":
            continue
        following = pieces[k + 1].type if k + 1 < len(pieces) else "end"
        if following in ("end", "softbreak", "hardbreak", "link_close") and piece.content.endswith("**"):
            # `问题？**`, `…等***` at the end of a line or link: the author's importance stars, not text
            if piece.info != "stars" and piece.content.rstrip("*"):
                piece.content = piece.content.rstrip("*").rstrip()
            elif piece.info == "stars" and k and pieces[k - 1].type == "text" and pieces[k - 1].content.strip():
                piece.content = ""
        piece.info = ""
    return pieces


# GitBook/HonKit's callouts plugin: `> **[success]** text` is a box of that kind, the marker is not text
_GITBOOK_CALLOUT = re.compile(r"^\[(?:success|sucess|info|warning|danger|tip|note|important)\]$", re.IGNORECASE)
_GITBOOK_HEAD = re.compile(r"^(\[[A-Za-z]+\])[ \t]*(?=\S)")
_GITBOOK_SOURCE = re.compile(r"^\s*\*\*\[[A-Za-z]+\]\*\*[ \t]*\n?")


def gitbook_callouts(state: StateCore) -> None:
    """`> **[success]** 问：…` (a GitBook callout): the marker is dropped, the quote is read as any quote."""
    tokens = state.tokens
    drop: list[int] = []
    for k in range(len(tokens) - 2):
        if tokens[k].type != "blockquote_open" or tokens[k + 1].type != "paragraph_open":
            continue
        inline = tokens[k + 2]
        children = inline.children or []
        while children and children[0].type == "text" and not children[0].content:
            children = children[1:]
        if len(children) >= 2 and children[0].type == "strong_open" and children[1].type == "text":
            head = _GITBOOK_HEAD.match(children[1].content)
            if head is not None and _GITBOOK_CALLOUT.match(head.group(1)):  # `**[success] 问题？**`: the marker
                children[1].content = children[1].content[head.end():]  # inside the bold, with what it marks
                inline.children = children
                inline.content = re.sub(r"\[[A-Za-z]+\][ \t]*", "", inline.content, count=1)
                continue
        if len(children) < 3 or children[0].type != "strong_open" or children[2].type != "strong_close" or \
                children[1].type != "text" or not _GITBOOK_CALLOUT.match(children[1].content):
            continue
        rest = children[3:]
        while rest and (rest[0].type in ("softbreak", "hardbreak") or
                        (rest[0].type == "text" and not rest[0].content.strip())):
            rest = rest[1:]
        if rest and rest[0].type == "text":
            rest[0].content = rest[0].content.lstrip()
        inline.children = rest
        inline.content = _GITBOOK_SOURCE.sub("", inline.content, count=1).lstrip()
        if not rest:
            drop.extend((k + 1, k + 2, k + 3))  # the marker was the whole paragraph
    if drop:
        dropped = set(drop)  # (once: a set per token would make a note of many markers quadratic)
        state.tokens = [t for n, t in enumerate(tokens) if n not in dropped]


_LIQUID = re.compile(r"^(?:\{%-?\s*\w+[^%]*-?%\}\s*)+$")


def liquid_tags(state: StateCore) -> None:
    """`{% reveal %}`, `{% endraw %}` alone on a line (GitBook/HonKit and Jekyll template tags): not text on a card."""
    tokens = state.tokens
    if not any(t.type == "inline" and "{%" in t.content for t in tokens):
        return
    drop: set[int] = set()
    for k in range(1, len(tokens) - 1):
        if tokens[k].type == "inline" and tokens[k - 1].type == "paragraph_open" and \
                _LIQUID.match(tokens[k].content.strip()):
            drop.update((k - 1, k, k + 1))
        elif tokens[k].type == "inline" and "{%" in tokens[k].content:
            for child in tokens[k].children or []:  # a tag on a line of its own inside a paragraph
                if child.type == "text" and _LIQUID.match(child.content.strip() or "x"):
                    child.content = ""
    if drop:
        state.tokens = [t for n, t in enumerate(tokens) if n not in drop]


_HTML_HEADING = re.compile(r"^[ \t]*<h([1-6])(?:\s[^>]*)?>(.*?)</h\1>[ \t]*$", re.IGNORECASE | re.DOTALL)


def html_headings(state: StateCore) -> None:
    """`<h2 id="1.区别？">1.FP32，FP16以及Int8的区别？</h2>` on its own line: Typora shows a heading, so it is one
    (its text is read as Markdown, its tags as inline HTML)."""
    tokens = state.tokens
    if not any(t.type == "html_block" and "<h" in t.content[:8].lower() for t in tokens):
        return
    out: list[Token] = []
    for token in tokens:
        lines = token.content.strip("\n").split("\n") if token.type == "html_block" else []
        matches = [_HTML_HEADING.match(line) for line in lines]
        if not lines or not all(matches):
            out.append(token)
            continue
        start = token.map[0] if token.map else 0
        for k, match in enumerate(matches):
            assert match is not None
            level, text = match.group(1), " ".join(match.group(2).split())
            line_map = [start + k, start + k + 1]
            opening = Token("heading_open", f"h{level}", 1, markup="#" * int(level), block=True, map=line_map)
            inline = Token("inline", "", 0, content=text, map=line_map, children=[])
            closing = Token("heading_close", f"h{level}", -1, markup="#" * int(level), block=True)
            opening.level = closing.level = token.level
            inline.level = token.level + 1
            out += [opening, inline, closing]
    state.tokens = out


_GLYPHS = frozenset("•◦▪●‣∙")


def _glyph_at(state: StateBlock, line: int) -> int:
    """The offset of a bullet character that opens `line` (followed by a space), or -1."""
    pos = state.bMarks[line] + state.tShift[line]
    src = state.src
    if pos + 1 < len(src) and src[pos] in _GLYPHS and src[pos + 1] in " \t":
        return pos
    return -1


_GLYPH_LINE = re.compile(r"(?m)^([ \t>]*)[•◦▪●‣∙](?=[ \t])")


def _glyph_lists(list_rule):
    """markdown-it's list rule, also for items marked with a bullet character: while it runs, the source is the
    note's with every such bullet at the start of a line swapped for `-` (same length: offsets stay valid; worked
    out once per note)."""
    def rule(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
        if _glyph_at(state, startLine) < 0:
            return list_rule(state, startLine, endLine, silent)
        original = state.src
        cached = state.env.get("_glyph_source")
        if cached is None or cached[0] is not original:
            cached = state.env["_glyph_source"] = (original, _GLYPH_LINE.sub(r"\1-", original))
        state.src = cached[1]
        try:
            return list_rule(state, startLine, endLine, silent)
        finally:
            state.src = original
    return rule


def typora_plugin(md: MarkdownIt) -> None:
    """Use after dollarmath_plugin (its `$$` rule is made able to end a paragraph)."""
    md.block.ruler.before("heading", "heading_without_space", heading_without_space,
                          {"alt": ["paragraph", "reference", "blockquote"]})
    md.block.ruler.before("paragraph", "toc", toc)
    rules = md.block.ruler.__rules__
    math = rules[md.block.ruler.__find__("math_block")].fn
    md.block.ruler.at("math_block", _interrupting(math), {"alt": ["paragraph", "reference", "blockquote", "list"]})
    image = md.inline.ruler.__rules__[md.inline.ruler.__find__("image")].fn

    def picture(state: StateInline, silent: bool) -> bool:  # one rule: it is tried wherever text stops
        return state.src.startswith("![", state.pos) and (image(state, silent) or picture_with_spaces(state, silent))

    md.inline.ruler.at("image", picture)
    bullet_list = rules[md.block.ruler.__find__("list")].fn
    md.block.ruler.at("list", _glyph_lists(bullet_list), {"alt": ["paragraph", "reference", "blockquote"]})
    md.core.ruler.before("inline", "html_headings", html_headings)
    md.core.ruler.after("inline", "lenient_strong", lenient_strong)
    md.core.ruler.after("lenient_strong", "gitbook_callouts", gitbook_callouts)
    md.core.ruler.after("gitbook_callouts", "liquid_tags", liquid_tags)
