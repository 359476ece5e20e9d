"""What Obsidian shows that CommonMark does not, as markdown-it rules.

- callouts: a quote whose first line is `[!type]` (fold marker `-`/`+` and a title optional) becomes
  `callout_open`/`callout_close` around a `callout_title` (an inline title, possibly empty) and the body; nested
  callouts nest. Rendered as a box: `<div class="callout" data-callout="type">` with a title and a body;
- wikilinks `[[note]]`, `[[note|alias]]`, `[[note#heading]]` become their text (the alias, else `note › heading`);
  embeds `![[picture.png|200]]` become pictures found the way Obsidian finds attachments (see
  `render.PictureResolver.resolve_embed`), `![[note]]`/`![[note#heading]]` the embedded note's name as text;
- `%%comments%%` (inline, or whole lines from `%%` to `%%`) are hidden;
- `^block-id` at the end of a paragraph or alone on a line is dropped;
- inline `#tags` in a vault (`env["vault"]`: the note is in a folder with `.obsidian/`) are dropped from the text
  and collected in `env["tags"]` (they become Anki tags); outside a vault `#tag` stays text, as Typora shows it.

Each inline rule first tests the character it starts with, so a note without Obsidian syntax pays one comparison
per position that markdown-it tries.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block.state_block import StateBlock
from markdown_it.rules_core.state_core import StateCore
from markdown_it.rules_inline.state_inline import StateInline
from markdown_it.token import Token

PICTURE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".svg", ".webp", ".avif", ".tif", ".tiff")
# callout types that ask something; the ones that answer it when nested inside
QUESTION_TYPES = frozenset({"question", "questions", "faq", "help", "quiz", "problem", "exercise", "问题", "问"})
ANSWER_TYPES = frozenset({"success", "answer", "check", "done", "solution", "answers", "答案", "答", "解"})
DEFINITION_TYPES = frozenset({"definition", "define", "def", "term", "concept", "定义", "概念", "theorem", "lemma",
                              "proposition", "corollary", "law", "formula", "定理", "引理", "推论", "公式", "定律"})

_CALLOUT = re.compile(r"^\[!([^\]\s]+)\]([-+]?)[ \t]*")
_TAG = re.compile(r"#([^\s#!@$%^&*(),.?\":{}|<>\[\]`'，。；：！？、（）【】《》“”]+)")
_BLOCK_ID = re.compile(r"[ \t]\^[A-Za-z0-9-]+[ \t]*$")
_BLOCK_ID_LINE = re.compile(r"^\^[A-Za-z0-9-]+[ \t]*$")


def wikilink_text(target: str) -> str:
    """What Obsidian shows for `[[target]]`: the alias after `|`, else the note's name and ` › heading`."""
    target, _, alias = target.partition("|")
    if alias.strip():
        return alias.strip()
    note, _, heading = target.partition("#")
    note = note.strip().rsplit("/", 1)[-1]
    if note.lower().endswith(".md"):
        note = note[:-3]
    heading = heading.strip().lstrip("^")
    if heading:
        return f"{note} › {heading}" if note else heading
    return note


def _link(state: StateInline, silent: bool) -> bool:
    pos = state.pos
    src = state.src
    embed = src.startswith("![[", pos)
    if not (embed or src.startswith("[[", pos)):
        return False
    start = pos + (3 if embed else 2)
    end = _next(state, "]]", start)
    if end < 0 or end > state.posMax or -1 < _next(state, "\n", start) < end or -1 < _next(state, "[[", start) < end:
        return False
    target = src[start:end]
    if not target.strip():
        return False
    address = _ADDRESS.match(src, end + 2, state.posMax) if not embed else None
    if address is not None:  # `[[00:54]](https://youtu.be/…&t=54)`: a link whose text is in brackets, not a note
        if not silent:
            state.push("link_open", "a", 1).attrs = {"href": address.group(1)}
            state.push("text", "", 0).content = target
            state.push("link_close", "a", -1)
        state.pos = address.end()
        return True
    if not silent:
        name, _, size = target.partition("|")
        if embed and name.split("#")[0].strip().lower().endswith(PICTURE_SUFFIXES):
            token = state.push("image", "img", 0)
            token.attrs = {"src": name.strip(), "alt": ""}
            token.children = []
            token.content = ""
            token.meta["obsidian"] = True
            width, _, height = size.strip().partition("x")
            if width.isdigit():
                token.meta["width"] = width
                if height.isdigit():
                    token.meta["height"] = height
            elif size.strip():  # `![[pic.png|a description]]`
                token.attrs["alt"] = size.strip()
                token.children = [Token("text", "", 0, content=size.strip())]
        else:
            # `<span class="wikilink">text</span>`: navigation, for the not-a-card test; a pair of tokens around the
            # text, so markdown-it's joining of neighbouring text tokens cannot pull the sentence into the link
            state.push("wikilink_open", "span", 1).attrs = {"class": "wikilink"}
            state.push("text", "", 0).content = wikilink_text(target)
            state.push("wikilink_close", "span", -1)
    state.pos = end + 2
    return True


_ADDRESS = re.compile(r"\((https?://[^\s()]+)\)")


def _next(state: StateInline, needle: str, start: int) -> int:
    """`state.src.find(needle, start)`, remembered: the first `needle` found from an earlier start is also the first
    from any later start up to it (and none found means none after). Without this, a line of 100,000 `[` searched
    the rest of the line from each of them (quadratic: 23 s)."""
    memo = state.env.setdefault("_obsidian_find", {})
    known = memo.get(needle)
    if known is not None and known[0] is state.src and known[1] <= start and (known[2] < 0 or known[2] >= start):
        return known[2]
    found = state.src.find(needle, start)
    memo[needle] = (state.src, start, found)
    return found


def _comment(state: StateInline, silent: bool) -> bool:
    pos = state.pos
    if not state.src.startswith("%%", pos):
        return False
    end = state.src.find("%%", pos + 2)
    if end < 0 or end + 2 > state.posMax:
        return False
    state.pos = end + 2
    return True


def _is_tag_start(state: StateInline) -> bool:
    pos = state.pos
    return pos == 0 or state.src[pos - 1] in " \t\n\u3000"


def _tag(state: StateInline, silent: bool) -> bool:
    pos = state.pos
    if state.src[pos] != "#" or not state.env.get("vault") or not _is_tag_start(state):
        return False
    match = _TAG.match(state.src, pos, state.posMax)
    if match is None or match.group(1).replace("/", "").replace("-", "").replace("_", "").isdigit():
        return False  # `#1` is a number, not a tag
    if not silent:
        state.env.setdefault("tags", []).append(match.group(1))
    state.pos = match.end()
    return True


def _block_id(state: StateInline, silent: bool) -> bool:
    """`text ^abc-123` at the end of a line: Obsidian's block reference marker, hidden."""
    pos = state.pos
    if state.src[pos] != "^" or (pos and state.src[pos - 1] not in " \t"):
        return False
    line_end = state.src.find("\n", pos)
    line_end = state.posMax if line_end < 0 or line_end > state.posMax else line_end
    if _BLOCK_ID.match(" " + state.src[pos:line_end]) is None:
        return False
    if not silent and state.pending.endswith((" ", "\t")):
        state.pending = state.pending.rstrip(" \t")
    state.pos = line_end
    return True


def _comment_block(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
    """`%%` opening a line: hidden up to the line that closes it (or a `%%` line alone)."""
    pos = state.bMarks[startLine] + state.tShift[startLine]
    if not state.src.startswith("%%", pos) or state.is_code_block(startLine):
        return False
    first = state.src[pos + 2:state.eMarks[startLine]]
    line = startLine
    if "%%" not in first:
        line += 1
        while line < endLine:
            text = state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]]
            if "%%" in text:
                break
            line += 1
        if line >= endLine:
            return False  # never closed: Obsidian hides the rest of the note; we keep it (less surprising)
        tail = state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]]
    else:
        tail = first
    if tail.split("%%", 1)[1].strip():
        return False  # `%%x%% text`: inline comment in a paragraph
    if not silent:
        state.line = line + 1
    return True


def _block_id_line(state: StateBlock, startLine: int, endLine: int, silent: bool) -> bool:
    pos = state.bMarks[startLine] + state.tShift[startLine]
    if state.src[pos:pos + 1] != "^" or state.is_code_block(startLine):
        return False
    if _BLOCK_ID_LINE.match(state.src[pos:state.eMarks[startLine]]) is None:
        return False
    if not silent:
        state.line = startLine + 1
    return True


def _callouts(state: StateCore) -> None:
    """Quotes that start with `[!type]` become callouts (before the inline phase: the title is its own inline)."""
    tokens = state.tokens
    if not any(t.type == "blockquote_open" for t in tokens):
        return
    k = 0
    while k < len(tokens):
        tok = tokens[k]
        if tok.type == "blockquote_open" and k + 2 < len(tokens) and tokens[k + 1].type == "paragraph_open":
            inline = tokens[k + 2]
            match = _CALLOUT.match(inline.content)
            if match is not None:
                _make_callout(tokens, k, match)
        k += 1


def _make_callout(tokens: list[Token], k: int, match: re.Match) -> None:
    open_tok, para, inline = tokens[k], tokens[k + 1], tokens[k + 2]
    kind, fold = match.group(1).lower(), match.group(2)
    rest = inline.content[match.end():]
    title, _, body = rest.partition("\n")
    level = open_tok.level
    close = next(j for j in range(k + 1, len(tokens)) if tokens[j].type == "blockquote_close"
                 and tokens[j].level == level)
    for j in range(k + 3, close):  # `>> [!example] A` `>>` `>> [!example] B`: quiz vaults mean two callouts
        if tokens[j].type == "paragraph_open" and tokens[j].level == level + 1 \
                and _CALLOUT.match(tokens[j + 1].content):
            tokens[j:j] = [Token("blockquote_close", "blockquote", -1, level=level),
                           Token("blockquote_open", "blockquote", 1, level=level, map=tokens[j].map)]
            close = j
            break
    open_tok.type, open_tok.tag = "callout_open", "div"
    open_tok.meta = {"callout": kind, "fold": fold}
    tokens[close].type, tokens[close].tag = "callout_close", "div"
    title_open = Token("callout_title_open", "div", 1, level=level + 1, map=para.map)
    title_inline = Token("inline", "", 0, level=level + 2, content=title.strip(), map=para.map, children=[])
    title_close = Token("callout_title_close", "div", -1, level=level + 1)
    if body.strip():
        inline.content = body
        if para.map:
            para.map = [para.map[0] + 1, para.map[1]]
            inline.map = para.map
        tokens[k + 1:k + 1] = [title_open, title_inline, title_close]
    else:  # the title was the whole first paragraph
        tokens[k + 1:k + 4] = [title_open, title_inline, title_close]


def _render_callout_open(self, tokens, idx, options, env) -> str:
    kind = tokens[idx].meta.get("callout", "note")
    safe = re.sub(r"[^a-z0-9-]", "", kind) or "note"
    return f'<div class="callout" data-callout="{safe}">\n'


def _render_callout_title_open(self, tokens, idx, options, env) -> str:
    return '<div class="callout-title">'


def _render_close(self, tokens, idx, options, env) -> str:
    return "</div>\n"




_CODED_LINK = re.compile(r"^!?\[\[([^\[\]\n]+)\]\]$")


def _coded_links(state: StateCore) -> None:
    """`` `[[System Design/21 Patterns]]` ``: a wikilink put in code (to show it in a table) is the note's name on a
    card, as any wikilink, not brackets."""
    if not state.env.get("vault"):
        return
    for token in state.tokens:
        if token.type != "inline" or not token.children or "`[[" not in token.content and "`![[" not in token.content:
            continue
        children = []
        for child in token.children:
            match = _CODED_LINK.match(child.content) if child.type == "code_inline" else None
            if match is None:
                children.append(child)
                continue
            opening = Token("wikilink_open", "span", 1)
            opening.attrs = {"class": "wikilink"}
            children += [opening, Token("text", "", 0, content=wikilink_text(match.group(1))),
                         Token("wikilink_close", "span", -1)]
        token.children = children


def obsidian_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("link", "wikilink", _link)
    md.inline.ruler.before("image", "wikilink_embed", _link)
    md.inline.ruler.before("emphasis", "obsidian_comment", _comment)
    md.inline.ruler.before("emphasis", "obsidian_tag", _tag)
    md.inline.ruler.before("emphasis", "block_id", _block_id)
    md.block.ruler.before("paragraph", "obsidian_comment", _comment_block,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})
    md.block.ruler.before("paragraph", "block_id", _block_id_line)
    md.core.ruler.after("block", "callouts", _callouts)
    md.core.ruler.after("inline", "coded_links", _coded_links)
    md.add_render_rule("callout_open", _render_callout_open)
    md.add_render_rule("callout_close", _render_close)
    md.add_render_rule("callout_title_open", _render_callout_title_open)
    md.add_render_rule("callout_title_close", _render_close)
    softbreak = getattr(md.renderer, "rules", {}).get("softbreak")  # the CJK plugin's, kept for notes outside a vault

    def _softbreak(self, tokens, idx, options, env) -> str:
        """In a vault Obsidian shows a line break where the note has one (unless `strictLineBreaks` is on)."""
        if env.get("line_breaks"):
            return "<br>\n"
        return softbreak(tokens, idx, options, env) if softbreak else "\n"

    md.add_render_rule("softbreak", _softbreak)
