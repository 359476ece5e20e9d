"""Cards from notes as people write them, found by walking markdown-it's token stream.

- a heading ending in `?`/`？` → its section is the answer;
- `**术语：** 解释` / `**term:** text` (colon inside or outside the bold) → term card;
- a table → one card per body row, named by its first column;
- `==highlight==` or an explicit `{{c1::…}}` → a cloze card of its paragraph;
- `Q:`/`A:` or `问：`/`答：` → a basic card;
- front matter `cards: sections` → every other section with content is a card too.
Every card carries its context (note title and heading path) and a `key` that is its identity.
"""

from __future__ import annotations

import re
from pathlib import Path

from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from studykit.notes.frontmatter import as_list, parse_front_matter
from studykit.notes.model import Card, NoteFile, Problem
from studykit.notes.render import PictureResolver, check_pictures, make_markdown
from studykit.notes.source import decode

COLONS = ("：", ":")
QUESTION_MARKS = ("?", "？")
Q_PREFIXES = ("Q:", "Q：", "问:", "问：")
A_PREFIXES = ("A:", "A：", "答:", "答：")
EXPLICIT_CLOZE = re.compile(r"\{\{c\d+::")
EXPLICIT_GAP = re.compile(r"\{\{c\d+::(.*?)(?:::[^}]*)?\}\}")  # the hidden text of an explicit gap (no hint)
SEP = " › "

_MD = None


def markdown():
    global _MD
    if _MD is None:
        _MD = make_markdown()
    return _MD


def _text(content: str) -> Token:
    """A new text token: cheaper than copying a token, and the parse's own tokens stay untouched."""
    return Token("text", "", 0, content=content)


def _tag(value: str) -> str:
    return re.sub(r"\s+", "_", value.strip())


class _Walker:
    """Turns one note's tokens into cards; holds the note-wide state the rules share."""

    def __init__(self, note: NoteFile, tokens: list[Token], env: dict, title: str, note_id: str, sections: bool):
        self.md = markdown()
        self.note = note
        self.tokens = tokens
        self.env = env
        self.title = title
        self.note_id = note_id
        self.sections = sections
        self.seen_keys: dict[tuple[str, ...], int] = {}
        self.consumed: set[int] = set()
        # terms whose list item we are inside: `- **ReLU:**` with a nested `- **优点:**` asks "ReLU › 优点"
        self.term_stack: list[tuple[int, str, str]] = []  # (list item level, source text, HTML)
        self.paths = self._heading_paths()

    # -- rendering helpers
    def inline(self, children: list[Token]) -> str:
        return self.md.renderer.renderInline(children, self.md.options, self.env).strip()

    def blocks(self, start: int, end: int) -> str:
        return self.md.renderer.render(self.tokens[start:end], self.md.options, self.env).strip()

    # -- structure
    def _heading_paths(self) -> list[tuple[tuple[str, str], ...]]:
        """For every token index, the headings above it as (source text, HTML) pairs."""
        stack: list[tuple[int, str, str]] = []
        paths = []
        for i, tok in enumerate(self.tokens):
            if tok.type == "heading_open":
                level = int(tok.tag[1])
                inline = self.tokens[i + 1]
                stack = [s for s in stack if s[0] < level]
                if not (level == 1 and inline.content.strip() == self.title and not stack):
                    stack.append((level, inline.content.strip(), self.inline(inline.children or [])))
            paths.append(tuple((s[1], s[2]) for s in stack))
        return paths

    def context(self, i: int, exclude_last: bool = False) -> str:
        path = self.paths[i][:-1] if exclude_last else self.paths[i]
        return SEP.join([escapeHtml(self.title)] + [h for _, h in path] + [h for _, _, h in self.term_stack])

    def source(self, i: int, line: int, exclude_last: bool = False) -> str:
        """`file › heading path` for the card's back. No line number: it would change whenever text above the card
        changes, and Anki would then report (and sync) every card below an edit as updated."""
        path = self.paths[i][:-1] if exclude_last else self.paths[i]
        return escapeHtml(SEP.join([self.note.relpath] + [s for s, _ in path]
                                   + [s for _, s, _ in self.term_stack]))

    def key(self, kind: str, i: int, *parts: str) -> tuple[str, ...]:
        base = (self.note_id, kind, *[s for s, _ in self.paths[i]], *[s for _, s, _ in self.term_stack], *parts)
        n = self.seen_keys.get(base, 0)
        self.seen_keys[base] = n + 1
        return base if n == 0 else (*base, f"#{n + 1}")

    def warn(self, line: int, message: str) -> None:
        self.note.problems.append(Problem(self.note.relpath, line, message))

    def add(self, kind, front, back, context, source, key, line) -> None:
        self.note.cards.append(Card(kind, front, back, context, source, key, line))

    def closing(self, i: int, open_type: str, close_type: str) -> int:
        level = self.tokens[i].level
        for j in range(i + 1, len(self.tokens)):
            t = self.tokens[j]
            if t.type == close_type and t.level == level:
                return j
        return len(self.tokens) - 1

    # -- the walk
    def walk(self) -> None:
        i = 0
        while i < len(self.tokens):
            tok = self.tokens[i]
            if tok.type == "heading_open":
                self.heading(i)
            elif tok.type == "paragraph_open" and i not in self.consumed:
                self.paragraph(i)
            elif tok.type == "list_item_close":
                while self.term_stack and self.term_stack[-1][0] >= tok.level:
                    self.term_stack.pop()
            elif tok.type == "table_open":
                i = self.table(i)
            i += 1

    def heading(self, i: int) -> None:
        level = int(self.tokens[i].tag[1])
        inline = self.tokens[i + 1]
        text = inline.content.strip()
        line = self.tokens[i].map[0] + 1
        end = next((j for j in range(i + 3, len(self.tokens))
                    if self.tokens[j].type == "heading_open" and int(self.tokens[j].tag[1]) <= level), len(self.tokens))
        is_question = text.endswith(QUESTION_MARKS)
        if not is_question and not self.sections:
            return
        if level == 1 and text == self.title:
            return
        back = self.blocks(i + 3, end)
        if not back:
            if is_question:
                self.warn(line, f"question heading {text!r} has nothing below it to use as the answer")
            return
        kind = "question" if is_question else "section"
        self.add(kind, self.inline(inline.children or []), back, self.context(i + 1, exclude_last=True),
                 self.source(i + 1, line, exclude_last=True), self.key(kind, i + 1), line)

    def paragraph(self, i: int) -> None:
        inline = self.tokens[i + 1]
        children = list(inline.children or [])
        while children and children[0].type == "text" and not children[0].content.strip():
            children.pop(0)  # markdown-it starts a paragraph that opens with ** with an empty text token
        line = self.tokens[i].map[0] + 1
        in_item = i > 0 and self.tokens[i - 1].type == "list_item_open"
        rest_start = i + 3
        rest_end = self.closing(i - 1, "list_item_open", "list_item_close") if in_item else rest_start
        if any(c.type == "mark_open" for c in children) or any(
            c.type == "text" and EXPLICIT_CLOZE.search(c.content) for c in children
        ):
            self.cloze(i, children, line, rest_start, rest_end)
        elif children and children[0].type == "strong_open":
            self.term(i, children, line, rest_start, rest_end)
        elif children and children[0].type == "text" and children[0].content.startswith(Q_PREFIXES):
            self.question_answer(i, children, line)

    def term(self, i, children, line, rest_start, rest_end) -> None:
        close = next((k for k, c in enumerate(children) if c.type == "strong_close" and c.level == children[0].level), None)
        if close is None:
            return
        term = list(children[1:close])
        after = list(children[close + 1:])
        if term and term[-1].type == "text" and term[-1].content.rstrip().endswith(COLONS):
            term[-1] = _text(term[-1].content.rstrip()[:-1])
        elif after and after[0].type == "text" and after[0].content.lstrip().startswith(COLONS):
            after[0] = _text(after[0].content.lstrip()[1:])
        else:
            return  # bold text without a colon is emphasis, not a definition
        if after and after[0].type == "text":
            after[0] = _text(after[0].content.lstrip())
        term_source = "".join(c.content for c in term).strip()
        if not term_source:
            return
        explanation = self.inline(after)
        rest = self.blocks(rest_start, rest_end) if rest_end > rest_start else ""
        back = (f"<p>{explanation}</p>\n" if explanation else "") + rest
        if not back.strip():
            self.warn(line, f"term {term_source!r} has no explanation after the colon")
            return
        term_html = self.inline(term)
        self.add("term", term_html, back.strip(), self.context(i), self.source(i, line),
                 self.key("term", i, term_source), line)
        if i > 0 and self.tokens[i - 1].type == "list_item_open":
            self.term_stack.append((self.tokens[i - 1].level, term_source, term_html))

    def cloze(self, i, children, line, rest_start, rest_end) -> None:
        explicit = [int(n) for c in children if c.type == "text" for n in re.findall(r"\{\{c(\d+)::", c.content)]
        number = max(explicit, default=0)
        marked, hidden = [], []
        depth = 0
        for c in children:
            if c.type == "mark_open":
                number += 1
                depth += 1
                c = Token("html_inline", "", 0, content=f"{{{{c{number}::")
            elif c.type == "mark_close":
                depth -= 1
                c = Token("html_inline", "", 0, content="}}")
            elif (c.type.startswith("math") or c.type == "code_inline") and ("{{" in c.content or "}}" in c.content):
                # Anki reads {{c1::…}} and }} in the raw field, even inside <code> or \(…\): braces as
                # entities look the same on the card (and to MathJax) but are not cloze syntax.
                if depth:
                    hidden.append(c.content)
                rendered = self.inline([c]).replace("{", "&#123;").replace("}", "&#125;")
                c = Token("html_inline", "", 0, content=rendered)
            if depth and c.type != "html_inline":
                hidden.append(c.content)
            marked.append(c)
        text = self.inline(marked)
        extra = self.blocks(rest_start, rest_end) if rest_end > rest_start else ""
        if not hidden:  # explicit {{cN::…}} gaps: the hidden texts, not the prose around them
            hidden = [m.group(1) for c in children if c.type == "text" for m in EXPLICIT_GAP.finditer(c.content)]
        identity = "|".join(hidden) if hidden else self.tokens[i + 1].content
        self.add("cloze", text, extra, self.context(i), self.source(i, line), self.key("cloze", i, identity), line)

    def question_answer(self, i, children, line) -> None:
        head = children[0].content
        first = _text((head.split(":", 1)[-1] if head.startswith(("Q:", "问:")) else head[2:]).lstrip())
        rest = [first] + list(children[1:])
        # the answer may follow in the same paragraph after a line break…
        for k, c in enumerate(rest):
            if c.type in ("softbreak", "hardbreak") and k + 1 < len(rest) and rest[k + 1].type == "text" \
                    and rest[k + 1].content.startswith(A_PREFIXES):
                answer = [_text(rest[k + 1].content[2:].lstrip())] + list(rest[k + 2:])
                return self._qa(i, rest[:k], answer, line)
        # …or in the next paragraph
        j = i + 3
        if j + 2 < len(self.tokens) and self.tokens[j].type == "list_item_close" \
                and self.tokens[j + 1].type == "list_item_open":
            j += 2  # `- Q: …` and `- A: …` as two bullets of one list
        if j + 1 < len(self.tokens) and self.tokens[j].type == "paragraph_open":
            nxt = self.tokens[j + 1].children or []
            if nxt and nxt[0].type == "text" and nxt[0].content.startswith(A_PREFIXES):
                answer = [_text(nxt[0].content[2:].lstrip())] + list(nxt[1:])
                self.consumed.add(j)
                return self._qa(i, rest, answer, line)
        self.warn(line, "a Q:/问： line with no A:/答： answer right after it")

    def _qa(self, i, question, answer, line) -> None:
        q_html, a_html = self.inline(question), self.inline(answer)
        if not q_html or not a_html:
            self.warn(line, "empty question or answer in a Q:/A: pair")
            return
        q_source = "".join(c.content for c in question).strip()
        self.add("qa", q_html, a_html, self.context(i), self.source(i, line), self.key("qa", i, q_source), line)

    def table(self, i: int) -> int:
        end = self.closing(i, "table_open", "table_close")
        line = self.tokens[i].map[0] + 1
        headers: list[Token] = []
        rows: list[list[Token]] = []
        row: list[Token] | None = None
        for j in range(i, end):
            t = self.tokens[j]
            if t.type == "tr_open":
                row = []
            elif t.type == "tr_close" and row is not None:
                if headers:
                    rows.append(row)
                else:
                    headers = row
                row = None
            elif t.type == "inline" and row is not None:
                row.append(t)
        if len(headers) < 2:
            return end
        head_html = [self.inline(h.children or []) for h in headers]
        columns = " · ".join(h for h in head_html[1:] if h)
        for r_index, cells in enumerate(rows):
            r_line = line + 2 + r_index
            name_source = cells[0].content.strip() if cells else ""
            if not name_source:
                self.warn(r_line, "table row with an empty first column makes no card")
                continue
            pairs = [(head_html[k] if k < len(head_html) else "", self.inline(c.children or []))
                     for k, c in enumerate(cells[1:], start=1)]
            pairs = [(h, v) for h, v in pairs if v]
            if not pairs:
                self.warn(r_line, f"table row {name_source!r} has no cells to ask about")
                continue
            label = f"{head_html[0]}：" if head_html[0] else ""
            front = (f'{label}{self.inline(cells[0].children or [])}'
                     f'<div class="columns">{columns}</div>')
            back = "<dl class=\"row\">" + "".join(f"<dt>{h}</dt><dd>{v}</dd>" for h, v in pairs) + "</dl>"
            self.add("table", front, back, self.context(i), self.source(i, r_line),
                     self.key("table", i, headers[0].content.strip(), name_source), r_line)
        return end


def parse_note(path: Path, root: Path, data: bytes | None = None) -> NoteFile:
    """One Markdown file → its cards, warnings and pictures. Reads the file (unless given its `data`); writes nothing."""
    path, root = path.resolve(), root.resolve()
    relpath = path.relative_to(root).as_posix()
    note = NoteFile(path=path, relpath=relpath, title=path.stem, deck=(), tags=())
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            note.problems.append(Problem(relpath, 0, f"cannot read: {exc.strerror or exc}"))
            return note
    text, decode_warning = decode(data)
    if decode_warning:
        note.problems.append(Problem(relpath, 1, decode_warning))
    if text is None:
        return note
    if not text.strip():
        note.problems.append(Problem(relpath, 1, "empty file: no cards"))
        return note

    pictures = PictureResolver(path, root)
    env = {"pictures": pictures}
    tokens = markdown().parse(text, env)
    for tok in tokens:
        if tok.type == "inline" and tok.map:
            for child in tok.children or []:
                child.meta["line"] = tok.map[0] + 1

    front: dict[str, object] = {}
    if tokens and tokens[0].type == "front_matter":
        front, problems = parse_front_matter(tokens[0].content)
        for offset, message in problems:
            note.problems.append(Problem(relpath, 1 + offset, message))
    title = str(front.get("title") or "").strip()
    if not title:
        first_h1 = next((tokens[k + 1].content.strip() for k, t in enumerate(tokens)
                         if t.type == "heading_open" and t.tag == "h1"), "")
        title = first_h1 or path.stem
    note.title = title
    folder_parts = tuple(Path(relpath).parent.parts)
    note.deck = (*folder_parts, str(front.get("deck") or title).strip())
    tags = [*as_list(front.get("tags")), *as_list(front.get("exercises")), f"note::{path.stem}"]
    note.tags = tuple(dict.fromkeys(_tag(t) for t in tags if t.strip()))
    note_id = str(front.get("id") or Path(relpath).with_suffix("").as_posix())
    sections = str(front.get("cards") or "").strip().lower() in ("sections", "all")

    _Walker(note, tokens, env, title, note_id, sections).walk()
    check_pictures(tokens, pictures)
    for line, message in pictures.problems:
        note.problems.append(Problem(relpath, line, message))
    note.media = dict(pictures.media)
    note.inputs = dict(pictures.probes)
    if not note.cards:
        note.problems.append(Problem(relpath, 1, "no cards: no question headings, **term:** definitions, tables, "
                                                 "==highlights== or Q:/A: pairs (front matter `cards: sections` "
                                                 "makes every section a card)"))
    return note
