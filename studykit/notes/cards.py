"""Cards from notes as people write them, found by walking markdown-it's token stream.

`parse_note` parses one note; `Walker` walks its tokens once and hands each block to the card rules in
`studykit/notes/rules/` (their order and conflicts are listed there). Every card carries its context (note
title, heading path, the bold term or label it sits under) and a `key` that is its identity.
"""

from __future__ import annotations

import re
from pathlib import Path

from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

from studykit.notes.frontmatter import as_list, parse_front_matter
from studykit.notes.lint import card_problems, text_of
from studykit.notes.model import Card, NoteFile, Problem
from studykit.notes.render import PictureResolver, check_pictures, make_markdown, obsidian_setting, vault_of
from studykit.notes.rules import paragraph_rules
from studykit.notes.rules.callouts import callout
from studykit.notes.rules.details import details
from studykit.notes.rules.headings import heading
from studykit.notes.rules.notcards import (
    ANALOGY_LEAD,
    EXAMPLE_LEAD,
    analogy_reason,
    code_listing,
    is_example_heading,
    lead_sentence,
    needs_lead,
    section_reason,
    translation,
    why_not,
)
from studykit.notes.rules.rows import table
from studykit.notes.rules.subject import is_generic, subject_of, with_subject
from studykit.notes.rules.tokens import heading_text, is_question, plain, question_text, without_trailing_stars
from studykit.notes.source import decode

SEP = " › "
# a section of words and their translations (`#### 2. 关键词 (Key Terms)`, `Glossary`, 中英对照)
_WORD_LIST = re.compile(r"key terms|keywords|glossary|vocabulary|terminology|关键词|关键术语|术语|中英对照|英文术语",
                        re.IGNORECASE)
# a heading that asks without its question mark (`L1正则化可以产生稀疏解吗`, `什么样的模型需要归一化`) — headings
# only: a bold label's kind (and so its card's identity) is not changed by it
_ASKED_HEADING = re.compile(r"吗$|^(?:[\d.、\s]*)什么样|有哪几[种个类]|有几[种个类]|是不是|能不能|可不可以|会不会|"
                            r"^(?:[\d.、\s]*)(?:(?:简单介绍|介绍一下|推导)(?:一下)?(?!步骤|过程|结果)\S{2,}|什么时候|何时|"
                            r"(?:the )?differences? between \S.* and \S)|"
                            # `1(a) - Find ∇f(x)`, `2(b) Show that A is PSD`: a problem set's parts
                            r"^\d+\s*\(?[a-z]\)\s*[-–—:.]?\s*(?:find|show|prove|compute|derive|calculate|determine|"
                            r"verify)\b", re.IGNORECASE)
_ASKED = re.compile(r"^(?:问题?|Q)[ \t]*[:：][ \t]*(?=\S)")
_FRONT_PAGE_NAMES = ("readme", "index", "home", "untitled", "主页", "目录")
_NUMBERED_ITEM = re.compile(r"^\d{1,3}\)\s*\S")

_MD = None


def markdown():
    global _MD
    if _MD is None:
        _MD = make_markdown()
    return _MD


def _tag(value: str) -> str:
    return re.sub(r"\s+", "_", value.strip().lstrip("#"))


class Walker:
    """Turns one note's tokens into cards; holds the note-wide state the rules share."""

    def __init__(self, note: NoteFile, tokens: list[Token], env: dict, title: str, note_id: str, sections: bool):
        self.md = markdown()
        self.note = note
        self.tokens = tokens
        self.env = env
        self.title = title
        self.note_id = note_id
        self.sections = sections
        # footnote definitions sit after every other block (mdit-py-plugins moves them there)
        self.limit = next((k for k, t in enumerate(tokens) if t.type == "footnote_block_open"), len(tokens))
        self.seen_keys: dict[tuple[str, ...], int] = {}
        self.consumed: set[int] = set()
        # terms and labels whose blocks we are inside: `- **ReLU:**` with a nested `- **优点:**` asks "ReLU › 优点"
        self.context_stack: list[tuple[int, str, str]] = []  # (token index where it ends, source text, HTML)
        self.paths = self._heading_paths()
        self._last_path: tuple = ()  # the heading path of the last card made (for `join_above`)
        # `38) Batch normalization`: headings numbered like this, three or more, are a list of interview items
        self.numbered_items = sum(1 for k, t in enumerate(tokens) if t.type == "heading_open"
                                  and _NUMBERED_ITEM.match(tokens[k + 1].content) is not None)
        self._where_memo: tuple = (None, ("", ""))
        self._folders: frozenset[str] | None = None
        self._section_reasons: dict[tuple, str] = {}  # heading path → why nothing under it is a card ("" if fine)
        self._analogies: dict[tuple, str] = {}  # heading path → why no term or question under it is a card
        self.memo: dict[tuple, object] = {}  # what a rule read once about a block (a list's shape), by rule and index
        env.pop("footnotes_used", None)

    # -- rendering
    def inline(self, children: list[Token]) -> str:
        return self.md.renderer.renderInline(children, self.md.options, self.env).strip()

    def blocks(self, start: int, end: int) -> str:
        return self.md.renderer.render(self.tokens[start:min(end, self.limit)], self.md.options, self.env).strip()

    # -- structure
    def _heading_paths(self) -> list[tuple[tuple[str, str, str], ...]]:
        """For every token index, the headings above it as (source text, HTML, plain text) triples: the source text
        is part of card keys (identity), the HTML is shown in the context line, the plain text in the Source line."""
        stack: list[tuple[int, str, str, str]] = []
        paths = []
        current: tuple = ()
        for i, tok in enumerate(self.tokens):
            if tok.type == "heading_open":
                level = int(tok.tag[1])
                inline = self.tokens[i + 1]
                stack = [s for s in stack if s[0] < level]
                shown = without_trailing_stars(inline.children or [])
                text = heading_text(shown)
                if not (level == 1 and text == self.title and not stack):
                    stack.append((level, inline.content.strip(), self.inline(shown), text))
                current = tuple((s[1], s[2], s[3]) for s in stack)
            paths.append(current)
        return paths

    def rest_of(self, i: int, rest: list[Token]) -> str:
        """The back made of the rest of the paragraph at `i` (`rest`, its tokens after a question) and, when it is
        a list item's first paragraph, the item's other blocks."""
        item = self.item_of(i)
        extra = self.blocks(i + 3, self.closing(item)) if item is not None else ""
        return f"<p>{self.inline(rest)}</p>" + (f"\n{extra}" if extra else "")

    def closing(self, i: int) -> int:
        """The index of the token closing the one at `i` (itself when it opens nothing)."""
        if self.tokens[i].nesting != 1:
            return i
        level = self.tokens[i].level
        for j in range(i + 1, len(self.tokens)):
            t = self.tokens[j]
            if t.nesting == -1 and t.level == level:
                return j
        return len(self.tokens) - 1

    def item_of(self, i: int) -> int | None:
        """The list_item_open whose first block is the paragraph at `i`, or None."""
        return i - 1 if i > 0 and self.tokens[i - 1].type == "list_item_open" else None

    def scope_end(self, i: int, stop) -> int:
        """Where the blocks that belong to the paragraph at `i` end: the end of its container, the next heading
        or thematic break, or the next block at the same level for which `stop(j)` is true (j: its first token)."""
        level = self.tokens[i].level
        j = self.closing(i) + 1
        while j < self.limit:
            t = self.tokens[j]
            if t.level < level or t.type in ("heading_open", "hr") or stop(j):
                break
            j = self.closing(j) + 1
        return j

    def is_question_heading(self, i: int) -> bool:
        text = question_text(self.tokens[i + 1].children or [])
        return is_question(text) or (self.numbered_items >= 3 and _NUMBERED_ITEM.match(text) is not None) or (
            _ASKED_HEADING.search(text) is not None and len(text) <= 60 and "，" not in text and "=" not in text)

    # -- card making
    def _where(self, i: int, exclude_last: bool) -> tuple[str, str]:
        """(context, source) of a card at token `i`: the same for every card of a section, so made once each."""
        path = self.paths[i][:-1] if exclude_last else self.paths[i]
        memo = (path, tuple(self.context_stack))
        if memo != self._where_memo[0]:
            context = SEP.join([escapeHtml(self.title)] + [h for _, h, _ in path]
                               + [h for _, _, h in self.context_stack])
            # the Source line has no line number: it would change whenever text above the card changes, and Anki
            # would then report (and sync) every card below an edit as updated
            source = escapeHtml(SEP.join([self.note.relpath] + [p for _, _, p in path]
                                         + [s for _, s, _ in self.context_stack]))
            self._where_memo = (memo, (context, source))
        return self._where_memo[1]

    def context(self, i: int, exclude_last: bool = False) -> str:
        return self._where(i, exclude_last)[0]

    def source(self, i: int, exclude_last: bool = False) -> str:
        """`file › heading path` for the card's back."""
        return self._where(i, exclude_last)[1]

    def key(self, kind: str, i: int, *parts: str) -> tuple[str, ...]:
        base = (self.note_id, kind, *[s for s, _, _ in self.paths[i]], *[s for _, s, _ in self.context_stack],
                *parts)
        n = self.seen_keys.get(base, 0)
        self.seen_keys[base] = n + 1
        return base if n == 0 else (*base, f"#{n + 1}")

    def push_context(self, end: int, source: str, html: str) -> None:
        """Cards made before token `end` carry `source`/`html` in their context (a term's or label's blocks)."""
        self.context_stack.append((end, source, html))

    def warn(self, line: int, message: str, kind: str = "note") -> None:
        self.note.problems.append(Problem(self.note.relpath, line, message, kind))

    def add(self, kind: str, front: str, back: str, i: int, line: int, *name: str, exclude_last: bool = False) -> None:
        """A card at token `i` (its context and key come from there); footnotes it cites are added to its back."""
        used = self.env.pop("footnotes_used", None)
        if used:
            back = back + self._footnotes(used)
        path = self.paths[i]  # a heading's own text counts too (`## How to Use` on a front page)
        where_reason = self._section_reasons.get(path)
        if where_reason is None:
            where = SEP.join([self.note.relpath, self.title, *(p for _, _, p in path)])
            where_reason = self._section_reasons[path] = section_reason(where)
            self._analogies[path] = analogy_reason(where)
        if not where_reason and kind != "table":
            where_reason = self._analogies.get(path, "")
        reason = why_not(front, back, "", where_reason)
        if reason is None and kind == "term":
            reason = code_listing(back) or self._analogy_list(i) or (
                translation(front, back) if any(_WORD_LIST.search(p) for _, _, p in path) else None)
        if reason is None and kind == "term" and self._folder_names() and \
                " ".join(text_of(front).replace("_", " ").split()).lower() in self._folder_names():
            reason = "a repository's front page: the term is the name of a folder beside it, not something to recall"
        if reason is not None:
            self.warn(line, f"{text_of(front)[:60]!r} is not a card: {reason}", "not-a-card")
            return
        if kind in ("term", "question"):
            label = name[0] if name else text_of(front)
            if is_generic(label):  # (a rule that named the subject itself already says it: `Maxout: Pros and Cons`)
                front = with_subject(front, text_of(front), self.subject(i, exclude_last), escapeHtml)
        if kind == "question" and front[:1] in "问Q":  # `**问：…？**` read as a bold question: the marker is no text
            front = _ASKED.sub("", front, count=1)
        if kind in ("question", "qa") and needs_lead(front):
            lead = self._sentence_before(i)
            if lead:
                front = f'<div class="lead">{escapeHtml(lead)}</div>{front}'
        key = self.key(kind, i, *name)
        context, source = self._where(i, exclude_last)
        card = Card(kind, front, back, context, source, key, line)
        self.note.cards.append(card)
        self._last_path = self.paths[i]
        for problem_kind, message in card_problems(card):
            self.warn(line, message, problem_kind)

    def subject(self, i: int, exclude_last: bool = False) -> str:
        """What a generic label at token `i` (`优点`, `When it appears`) is about: the term it sits under, the
        nearest heading that names something, or the note's title."""
        path = self.paths[i][:-1] if exclude_last else self.paths[i]
        title = self.title
        if title.lower() in _FRONT_PAGE_NAMES:  # `10. Neural Network/README.md`: the folder names the subject
            title = self.note.path.parent.name
        return subject_of([s for _, s, _ in reversed(self.context_stack)] + [p for _, _, p in reversed(path)]
                          + [title])

    def join_above(self, i: int, html: str, own: str = "", same_section: bool = False) -> bool:
        """Add `html` (a marker word's paragraph: `**注意：** …`, `**综上**，…`) to the back of the card above it, when
        that card is in the same section (or, unless `same_section`, the one around it) and does not hold that text
        (or `own`, the marker's paragraph alone) already. Whether it did."""
        if not self.note.cards or not html.strip():
            return False
        path = self._last_path
        if same_section and self.paths[i] != path:
            return False
        if self.paths[i][:len(path)] != path or any(is_example_heading(p) for _, _, p in self.paths[i][len(path):]):
            return False  # (a worked example's input below a card is not that card's text)
        last = self.note.cards[-1]
        if last.is_cloze or html.strip() in last.back or (own.strip() and own.strip() in last.back):
            return False
        self.note.cards[-1] = last._replace(back=f"{last.back}\n{html}")
        return True

    def _analogy_list(self, i: int) -> str | None:
        """Why a term in a list item is not a card when the list is introduced as an analogy (`想象声音在管道中传播：`
        then `- **问题**：…`), or None."""
        item = self.item_of(i)
        if item is None:
            return None
        from studykit.notes.rules.items import parent

        k = parent(self, item)  # the list's opening token (parents are found once per note)
        if k < 2 or self.tokens[k - 1].type != "paragraph_close":
            return None
        lead = self.tokens[k - 2].content.lstrip(" *_")
        if lead[:1] in "想设好就打比类IiTtPpCc" and ANALOGY_LEAD.match(lead):
            return "an analogy (a picture to understand with), not a fact to recall"
        if lead[:1] in "考假举以CcSsFfLlTt" and EXAMPLE_LEAD.match(lead.rstrip(" *_")):
            return "one example's values (the list is introduced as an example), not facts to recall"
        return None

    def _folder_names(self) -> frozenset[str]:
        """The folders beside a front-page note (README, index, home): their names are navigation, not terms."""
        if self._folders is None:
            names: set[str] = set()
            if self.note.path.stem.lower() in ("readme", "index", "home", "主页", "目录"):
                folders = [self.note.path.parent]
                for _ in range(2):  # the folders beside it and one level below (`ML/Evaluation`)
                    below = []
                    for folder in folders:
                        try:
                            below += [d for d in folder.iterdir() if d.is_dir() and not d.name.startswith(".")]
                        except OSError:
                            pass
                    names |= {" ".join(d.name.replace("_", " ").split()).lower() for d in below}
                    folders = below
            self._folders = frozenset(names)
        return self._folders

    def _sentence_before(self, i: int) -> str:
        """The end of the paragraph before token `i` (the sentence a front like "这句话怎么理解？" is about)."""
        for k in range(i - 1, 0, -1):
            t = self.tokens[k]
            if t.type == "heading_open":
                return ""
            if t.type == "inline" and self.tokens[k - 1].type == "paragraph_open":
                return lead_sentence(plain(t.children or []))
        return ""

    def _footnotes(self, used: list[int]) -> str:
        parts = []
        for number in dict.fromkeys(used):
            start = next((k for k in range(self.limit, len(self.tokens)) if self.tokens[k].type == "footnote_open"
                          and self.tokens[k].meta.get("id") == number), None)
            if start is None:
                continue
            end = self.closing(start)
            body = [t for t in self.tokens[start + 1:end] if t.type != "footnote_anchor"]
            text = self.md.renderer.render(body, self.md.options, self.env).strip()
            parts.append(f'<div class="footnote"><sup>[{number + 1}]</sup> {text}</div>')
        self.env.pop("footnotes_used", None)
        return f'\n<div class="footnotes">{"".join(parts)}</div>' if parts else ""

    # -- the walk
    def walk(self) -> None:
        rules = paragraph_rules()
        i = 0
        while i < self.limit:
            while self.context_stack and self.context_stack[-1][0] <= i:
                self.context_stack.pop()
            tok = self.tokens[i]
            if tok.type == "heading_open":
                heading(self, i)
            elif tok.type == "paragraph_open" and i not in self.consumed:
                children = self.tokens[i + 1].children or []
                line = tok.map[0] + 1 if tok.map else 0
                for rule in rules:
                    if rule(self, i, children, line):
                        break
            elif tok.type == "table_open":
                i = table(self, i)
            elif tok.type == "callout_open":
                i = callout(self, i)
            elif tok.type == "html_block" and "<summary" in tok.content:
                i = details(self, i)
            i += 1


def parse_note(path: Path, root: Path, data: bytes | None = None) -> NoteFile:
    """One Markdown file → its cards, warnings and pictures.

    Reads the file (unless given its `data`); writes nothing."""
    path, root = path.resolve(), root.resolve()
    relpath = path.relative_to(root).as_posix()
    note = NoteFile(path=path, relpath=relpath, title=path.stem, deck=(), tags=(),
                    note_id=Path(relpath).with_suffix("").as_posix())
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            note.problems.append(Problem(relpath, 0, f"cannot read: {exc.strerror or exc}", "file"))
            return note
    text, decode_warning = decode(data)
    if decode_warning:
        note.problems.append(Problem(relpath, 1, decode_warning, "encoding"))
    if text is None:
        return note
    if not text.strip():
        note.problems.append(Problem(relpath, 1, "empty file: no cards", "no-cards"))
        return note
    if relpath.lower().endswith(".excalidraw.md") or "excalidraw-plugin:" in text[:300]:
        note.problems.append(Problem(relpath, 1, "an Excalidraw drawing (its text is the drawing's), not notes: no "
                                     "cards", "not-a-card"))
        return note

    pictures = PictureResolver(path, root)
    env: dict = {"pictures": pictures}
    vault = vault_of(path.parent, root)
    in_vault = (vault / ".obsidian").is_dir()
    if in_vault:
        env["vault"] = True
        env["line_breaks"] = not obsidian_setting(vault, "strictLineBreaks", pictures.probe)
    tokens = markdown().parse(text, env)
    for tok in tokens:  # the line of each picture and HTML tag, for its warnings
        if tok.type == "inline" and tok.map and ("<" in tok.content or "![" in tok.content):
            line = tok.map[0] + 1
            for child in tok.children or []:
                child.meta["line"] = line
                if child.type in ("softbreak", "hardbreak"):
                    line += 1

    front: dict[str, object] = {}
    if tokens and tokens[0].type == "front_matter":
        front, problems = parse_front_matter(tokens[0].content, any_key=in_vault)
        for offset, message in problems:
            note.problems.append(Problem(relpath, 1 + offset, message, "front-matter"))
    title = str(front.get("title") or "").strip()
    if not title:
        h1s = [heading_text(without_trailing_stars(tokens[k + 1].children or []))
               for k, t in enumerate(tokens) if t.type == "heading_open" and t.tag == "h1"]
        title = (h1s[0] if len(h1s) == 1 else "") or path.stem  # several `#` headings are sections, not a title
    note.title = title
    folder_parts = tuple(Path(relpath).parent.parts)
    note.deck = (*folder_parts, str(front.get("deck") or title).strip())
    tags = [*as_list(front.get("tags")), *as_list(front.get("tag")), *env.get("tags", ()),
            *as_list(front.get("exercises")), f"note::{path.stem}"]
    note.tags = tuple(dict.fromkeys(_tag(t) for t in tags if t.strip()))
    if str(front.get("id") or "").strip():
        note.note_id, note.explicit_id = str(front["id"]).strip(), True
    sections = str(front.get("cards") or "").strip().lower() in ("sections", "all")

    for line, kind, message in env.get("warnings", ()):
        note.problems.append(Problem(relpath, line, message, kind))
    Walker(note, tokens, env, title, note.note_id, sections).walk()
    check_pictures(tokens, pictures)
    for line, message in pictures.problems:
        note.problems.append(Problem(relpath, line, message, "picture"))
    note.problems.sort(key=lambda p: p.line)
    note.media = dict(pictures.media)
    note.inputs = dict(pictures.probes)
    if not note.cards:
        note.problems.append(Problem(relpath, 1, "no cards: no question headings, **term:** definitions, bold labels "
                                                 "or questions, tables, ==highlights== or Q:/A: pairs (front matter "
                                                 "`cards: sections` makes every section a card)", "no-cards"))
    return note
