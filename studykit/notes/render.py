"""Markdown → Anki-ready HTML: markdown-it with front matter, dollar maths, tables and ==marks==.

Maths becomes MathJax 3 delimiters with the TeX kept as written (HTML-escaped only); display blocks
with top-level `\\` line breaks are wrapped so MathJax shows separate lines. Pictures are resolved
against the note's folder by `PictureResolver`, which also decides what may be packed.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.subscript import sub_plugin
from mdit_py_plugins.superscript import superscript_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from studykit.notes.cjk import cjk_friendly_plugin
from studykit.notes.fields import fields_plugin
from studykit.notes.html import html_plugin
from studykit.notes.mark import mark_plugin
from studykit.notes.obsidian import obsidian_plugin
from studykit.notes.source import stat_entry, vault_of
from studykit.notes.tables import tables_plugin
from studykit.notes.typora import typora_plugin

IMAGE_DIRS = ("", "assets", "images", "img", "media")  # where a picture with a foreign path is looked for


def _highlight(code: str, lang: str, attrs: str) -> str:
    if not lang:
        return ""  # markdown-it escapes it itself
    try:
        from pygments import highlight
        from pygments.formatters import HtmlFormatter
        from pygments.lexers import get_lexer_by_name
        from pygments.util import ClassNotFound
    except ImportError:
        return ""
    try:
        lexer = get_lexer_by_name(lang)
    except ClassNotFound:
        return ""
    return highlight(code, lexer, HtmlFormatter(nowrap=True, classprefix="hl-"))


# ---------------------------------------------------------------- maths


_TAG = re.compile(r"\\tag\*?\{([^{}]*)\}")
_TEX_STRUCTURE = re.compile(r"\\begin\{|\\end\{|\\\\|\\.|[{}&]", re.DOTALL)


def _top_level(tex: str) -> tuple[bool, bool]:
    r"""(has a `\\`, has an `&`) outside every \begin…\end environment and brace group of `tex`."""
    if "\\\\" not in tex and "&" not in tex:
        return False, False
    depth_env = depth_brace = 0
    breaks = amp = False
    for match in _TEX_STRUCTURE.finditer(tex):
        token = match.group()
        if token == "\\begin{":
            depth_env += 1
        elif token == "\\end{":
            depth_env -= 1
        elif token == "{":
            depth_brace += 1
        elif token == "}":
            depth_brace -= 1
        elif token == "\\\\":
            breaks = breaks or (depth_env == 0 and depth_brace == 0)
        elif token == "&":
            amp = amp or (depth_env == 0 and depth_brace == 0)
    return breaks, amp


# TeX that KaTeX, Typora's MathJax setup or LaTeX packages accept and Anki's MathJax 3 does not (it would show
# the macro's name in red), and a bare `%`, which TeX reads as a comment hiding the rest of the formula
_MATHJAX_SPELLING = re.compile(r"\\(bm|bold|argmax|argmin|[RNZQC])(?![A-Za-z])|(?<!\\)%")
_RESPELLED = {"bm": r"\boldsymbol", "bold": r"\mathbf", "argmax": r"\operatorname*{arg\,max}",
              "argmin": r"\operatorname*{arg\,min}"}


def _respell(match: re.Match) -> str:
    name = match.group(1)
    if name is None:
        return r"\%"
    return _RESPELLED.get(name) or rf"\mathbb{{{name}}}"


def mathjax_tex(tex: str) -> str:
    """TeX as Anki's MathJax 3 reads it: KaTeX-only macros spelled the MathJax way, a bare `%` escaped."""
    return _MATHJAX_SPELLING.sub(_respell, tex)


def display_tex(tex: str) -> str:
    r"""Display TeX ready for MathJax 3: lines broken by a top-level `\\` go in gathered/aligned, and a top-level
    `&` (MathJax: "Misplaced &") in aligned."""
    body = mathjax_tex(tex.strip())
    breaks, amp = _top_level(body)
    if breaks or amp:
        env = "aligned" if amp else "gathered"
        if "\\tag" in body:  # MathJax: "\tag not allowed in gathered environment": number the lines by hand
            body = _TAG.sub(lambda m: f"\\qquad\\text{{({m.group(1)})}}", body)
        body = f"\\begin{{{env}}}{body}\\end{{{env}}}"
    return body


_NEEDS_ESCAPE = re.compile('[&<>"]')


def _text(self, tokens, idx, options, env) -> str:
    """markdown-it's text rule, the same output: most text has nothing to escape, so look before replacing."""
    token = tokens[idx]
    content = token.content
    shown = escapeHtml(content) if _NEEDS_ESCAPE.search(content) else content
    return shown


def _math_inline(self, tokens, idx, options, env) -> str:
    return "\\(" + escapeHtml(mathjax_tex(tokens[idx].content)) + "\\)"


def _math_block(self, tokens, idx, options, env) -> str:
    return '<div class="math">\\[' + escapeHtml(display_tex(tokens[idx].content)) + "\\]</div>\n"


def _math_inline_double(self, tokens, idx, options, env) -> str:
    # `$$…$$` inside a paragraph: display maths, but no <div> inside the <p>
    return "\\[" + escapeHtml(display_tex(tokens[idx].content)) + "\\]"


def _math_block_label(self, tokens, idx, options, env) -> str:
    return '<div class="math">\\[' + escapeHtml(display_tex(tokens[idx].content)) + "\\]</div>\n"


# ---------------------------------------------------------------- pictures


def obsidian_setting(vault: Path, name: str, probe=None) -> object:
    """A setting from the vault's `.obsidian/app.json`, or None; `probe` records the file (so a cached parse is
    redone when the settings change)."""
    config = vault / ".obsidian" / "app.json"
    if probe is not None:
        probe(config)
    try:
        import json

        settings = json.loads(config.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return settings.get(name) if isinstance(settings, dict) else None


def attachment_folder(vault: Path, note_dir: Path, probe=None) -> Path | None:
    """The vault's attachment folder from `.obsidian/app.json` (`./x` is relative to the note's folder)."""
    value = obsidian_setting(vault, "attachmentFolderPath", probe)
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    if value == "/":
        return vault
    if value.startswith("./"):
        return note_dir / value[2:]
    return vault / value.strip("/")


_NAMES: dict[Path, dict[str, list[Path]]] = {}


def files_named(vault: Path, name: str) -> list[Path]:
    """Every file called `name` (case-insensitively) in the vault, shortest path first; the vault is listed once
    per process (hidden folders such as `.obsidian/` and `.git/` are left out)."""
    index = _NAMES.get(vault)
    if index is None:
        index = {}
        for folder, dirs, files in os.walk(vault):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            for file in files:
                index.setdefault(file.lower(), []).append(Path(folder) / file)
        for paths in index.values():
            paths.sort(key=lambda p: (len(p.parts), str(p)))
        _NAMES[vault] = index
    return index.get(name.lower(), [])


class PictureResolver:
    """Decides what each picture reference becomes, and collects the files to pack and the warnings."""

    def __init__(self, note_path: Path, root: Path):
        self.note_dir = note_path.parent
        self.root = root
        self.media: dict[str, Path] = {}  # packed name → file
        self.problems: list[tuple[int, str]] = []
        self._cache: dict[str, tuple[str | None, Path | None]] = {}
        self.probes: dict[str, list[int] | None] = {}  # every path looked at → its stat (for the parse cache)

    def probe(self, path: Path) -> bool:
        return self._probe(path)

    def _probe(self, path: Path) -> bool:
        """Whether `path` is a file; its stat is recorded, so a cached parse knows when a picture changed."""
        self.probes[str(path)] = entry = stat_entry(path)
        return entry is not None and entry[2] == 1

    def _warn(self, line: int, message: str) -> None:
        if (line, message) not in self.problems:
            self.problems.append((line, message))

    def _inside_root(self, path: Path) -> bool:
        self._probe(path)
        try:
            path.resolve().relative_to(self.root)
            return True
        except ValueError:
            return False

    def _by_name(self, name: str) -> Path | None:
        for sub in IMAGE_DIRS:
            candidate = self.note_dir / sub / name if sub else self.note_dir / name
            if self._probe(candidate) and self._inside_root(candidate):
                return candidate
        return None

    def resolve(self, src: str, line: int, pack: bool = True) -> str | None:
        """The src to put in the card, or None when the picture must be shown as a placeholder.

        Warnings are recorded either way; the file is added to `media` only when `pack` (it is in a card).
        """
        src = src.strip()
        if src not in self._cache:
            self._cache[src] = self._resolve(src, line)
        shown, path = self._cache[src]
        if pack and shown is not None and path is not None:
            self.media[shown] = path
        return shown

    def resolve_embed(self, src: str, line: int, pack: bool = True) -> str | None:
        """Like `resolve`, for an Obsidian embed `![[name.png]]`: looked for where Obsidian looks (see `_embed`)."""
        key = "\0embed:" + src.strip()
        if key not in self._cache:
            found = self._embed(src.strip())
            if found is None:
                self._warn(line, f"picture ![[{src.strip()}]] not found in the vault (its attachment folder or "
                                 f"anywhere by name); the card shows a placeholder with its name instead")
                self._cache[key] = (None, None)
            else:
                self._cache[key] = self._packed(found)
        shown, path = self._cache[key]
        if pack and path is not None and shown is not None:
            self.media[shown] = path
        return shown

    def _embed(self, src: str) -> Path | None:
        """The file `![[src]]` shows: `src` as a path from the vault's top and from the note's folder, then the
        vault's attachment folder (`.obsidian/app.json` `attachmentFolderPath`), then a file of that name
        anywhere in the vault (the shortest path wins, as in Obsidian). Only files inside the notes' root."""
        parts = [p for p in re.split(r"[\\/]", unquote(src)) if p not in ("", ".", "..")]
        if not parts:
            return None
        vault = vault_of(self.note_dir, self.root)
        folder = attachment_folder(vault, self.note_dir, self._probe)
        candidates = [vault.joinpath(*parts), self.note_dir.joinpath(*parts)]
        if folder is not None:
            candidates.append(folder / parts[-1])
        for candidate in candidates:
            if self._probe(candidate) and self._inside_root(candidate):
                return candidate
        for candidate in files_named(vault, parts[-1]):
            if self._probe(candidate) and self._inside_root(candidate):
                return candidate
        return None

    def _packed(self, path: Path) -> tuple[str, Path]:
        self._probe(path)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:20]
        return f"sk-{digest}{path.suffix.lower()}", path

    def _trailing_match(self, parts: list[str]) -> Path | None:
        """The file inside the notes' root whose path ends with the longest trailing part of `parts`: looked for
        beside the note, then in each folder above it up to the root (`…\\repo\\pic\\3.png` → `pic/3.png`)."""
        bases = [self.note_dir]
        while bases[-1] != self.root and self.root in bases[-1].parents:
            bases.append(bases[-1].parent)
        names = [p for p in parts if p not in ("", ".", "..") and not p.endswith(":")]
        for start in range(len(names)):
            tail = names[start:]
            for base in bases:
                candidate = base.joinpath(*tail)
                if self._probe(candidate) and self._inside_root(candidate):
                    return candidate
        return self._by_name(names[-1]) if names else None

    def _resolve(self, src: str, line: int) -> tuple[str | None, Path | None]:
        lowered = src.lower()
        if lowered.startswith(("http://", "https://", "//")):
            self._warn(line, f"picture {src} is on the web: the card shows it only with an internet connection")
            return src, None
        if lowered.startswith("data:"):
            return src, None
        if lowered.startswith("file://"):
            src = src[7:]
        src = unquote(src.split("?")[0])
        if re.match(r"^/[a-zA-Z]:[\\/]", src):
            src = src[1:]
        if not src.strip():
            self._warn(line, "picture with an empty path")
            return None, None
        parts = re.split(r"[\\/]", src.strip())  # Windows and POSIX separators alike
        windows = bool(re.match(r"^[a-zA-Z]:[\\/]", src)) or src.startswith("\\\\")
        absolute = windows or src.startswith(("/", "~"))
        shown = src.strip()
        outside = False
        if not absolute:
            target = self.note_dir.joinpath(*parts)
            outside = not self._inside_root(target)
            if not outside and self._probe(target):
                return self._packed(target)
        found = self._trailing_match(parts)
        where = "another computer" if windows else "an absolute path"
        if found is not None:
            used = os.path.relpath(found, self.note_dir).replace(os.sep, "/")
            why = (f"points at {where}" if absolute else
                   "is outside the notes' folder" if outside else "not found")
            self._warn(line, f"picture {shown} {why}; used {used} instead")
            return self._packed(found)
        if absolute:
            self._warn(line, f"picture {shown} points at {where} and is not packed (a shared deck must not carry "
                             f"private files); copy it next to the note and use a relative path")
        elif outside:
            self._warn(line, f"picture {shown} is outside the notes' folder and is not packed (a shared deck must not "
                             f"carry private files); move it inside the notes' folder")
        else:
            self._warn(line, f"picture {shown} not found; the card shows a placeholder with its name instead")
        return None, None


def check_pictures(tokens, pictures: PictureResolver) -> None:
    """Resolve every picture in the note once, so each problem is reported even outside any card."""
    for tok in tokens:
        if tok.type == "html_block":
            _each_img(tok.content, tok.map[0] + 1 if tok.map else 0, pictures)
        if tok.type != "inline" or ("![" not in tok.content and "<" not in tok.content):
            continue
        for child in tok.children or []:
            if child.type == "image" and child.meta.get("obsidian"):
                pictures.resolve_embed(child.attrGet("src") or "", child.meta.get("line", 0), pack=False)
            elif child.type == "image":
                pictures.resolve(child.attrGet("src") or "", child.meta.get("line", 0), pack=False)
            elif child.type == "html_inline":
                _each_img(child.content, child.meta.get("line", 0), pictures)


def _each_img(fragment: str, line: int, pictures: PictureResolver) -> None:
    if "<img" in fragment.lower():
        parser = _ImgTags()
        parser.feed(fragment)
        parser.close()
        for tag_line, _, attrs, _ in parser.found:
            pictures.resolve(attrs.get("src") or "", line + tag_line - 1, pack=False)


def _placeholder(alt: str, src: str) -> str:
    name = re.split(r"[\\/]", unquote(src).strip())[-1] or "picture"
    label = name if not alt.strip() or alt.strip() in (name, PurePosixPath(name).stem) else f"{alt.strip()} ({name})"
    return f'<span class="missing-picture">[图片 picture: {escapeHtml(label)}]</span>'


def _image(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    src = token.attrGet("src") or ""
    alt = self.renderInlineAsText(token.children or [], options, env)
    line = token.meta.get("line", env.get("line", 0))
    if token.meta.get("obsidian"):
        resolved = env["pictures"].resolve_embed(src, line)
    else:
        resolved = env["pictures"].resolve(src, line)
    if resolved is None:
        return _placeholder(alt, src)
    title = token.attrGet("title")
    title_attr = f' title="{escapeHtml(title)}"' if title else ""
    size = "".join(f' {name}="{token.meta[name]}"' for name in ("width", "height") if name in token.meta)
    return f'<img src="{escapeHtml(resolved)}" alt="{escapeHtml(alt)}"{title_attr}{size}>'


class _ImgTags(HTMLParser):
    """Finds <img> tags in an HTML fragment with their source positions and attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, int, dict[str, str | None], str]] = []

    def handle_starttag(self, tag, attrs):
        self._record(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._record(tag, attrs)

    def _record(self, tag, attrs):
        if tag == "img":
            text = self.get_starttag_text() or ""
            line, col = self.getpos()
            self.found.append((line, col, dict(attrs), text))


def rewrite_img_tags(fragment: str, pictures: PictureResolver, line: int) -> str:
    """Raw HTML from the note with every <img src> resolved like a Markdown picture."""
    if "<img" not in fragment.lower():
        return fragment
    parser = _ImgTags()
    parser.feed(fragment)
    parser.close()
    lines = fragment.splitlines(keepends=True)
    offsets = [0]
    for part in lines:
        offsets.append(offsets[-1] + len(part))
    out, last = [], 0
    for tag_line, col, attrs, text in parser.found:
        start = offsets[tag_line - 1] + col
        end = start + len(text)
        src = attrs.get("src") or ""
        resolved = pictures.resolve(src, line + tag_line - 1)
        if resolved is None:
            replacement = _placeholder(attrs.get("alt") or "", src)
        else:
            kept = "".join(f' {k}="{html.escape(v or "", quote=True)}"' for k, v in attrs.items() if k != "src")
            replacement = f'<img src="{html.escape(resolved, quote=True)}"{kept}>'
        out += [fragment[last:start], replacement]
        last = end
    out.append(fragment[last:])
    return "".join(out)


def _html_inline(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    return rewrite_img_tags(token.content, env["pictures"], token.meta.get("line", env.get("line", 0)))


def _html_block(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    line = token.map[0] + 1 if token.map else 0
    return rewrite_img_tags(token.content, env["pictures"], line)


def _footnote_ref(self, tokens, idx, options, env) -> str:
    """A footnote reference on a card: its number; the card rules append the footnote's text to the back."""
    number = tokens[idx].meta["id"]
    env.setdefault("footnotes_used", []).append(number)
    return f'<sup class="footnote-ref">[{number + 1}]</sup>'


def _cheap_footnotes(md: MarkdownIt) -> None:
    """mdit-py-plugins' footnote rules do their bookkeeping before looking at the text: `footnote_ref` sets up the
    footnote store at every position it is tried, so `footnote_tail` then walks every token of every note. Here
    each first looks for what it handles (`[^`, a footnote store with something in it)."""
    ruler, core = md.inline.ruler, md.core.ruler
    reference = ruler.__rules__[ruler.__find__("footnote_ref")].fn
    tail = core.__rules__[core.__find__("footnote_tail")].fn

    def footnote_ref(state, silent):
        return state.src.startswith("[^", state.pos) and reference(state, silent)

    def footnote_tail(state):
        footnotes = state.env.get("footnotes")
        if footnotes and (footnotes.get("list") or footnotes.get("refs")):
            tail(state)

    ruler.at("footnote_ref", footnote_ref)
    core.at("footnote_tail", footnote_tail)


def make_markdown() -> MarkdownIt:
    """The notes' dialect: CommonMark + GFM tables and strikethrough, Typora's extras (CJK-friendly emphasis,
    HTML lines, `##标题`, `[toc]`, `$$` after a text line, ==mark==, ~sub~, ^sup^, task lists, footnotes), dollar
    maths for MathJax, and HTML filtered for a shared deck."""
    md = MarkdownIt("commonmark", {"html": True, "highlight": _highlight, "breaks": False})
    md.enable("table")
    md.enable("strikethrough")
    md.use(front_matter_plugin)
    md.use(dollarmath_plugin, allow_space=True, allow_digits=True, double_inline=True)
    md.use(typora_plugin)
    md.use(fields_plugin)
    md.use(mark_plugin)
    md.use(sub_plugin)
    md.use(superscript_plugin)
    md.use(tasklists_plugin)
    md.use(footnote_plugin, inline=True)
    _cheap_footnotes(md)
    md.use(tables_plugin)
    md.use(html_plugin)
    md.use(cjk_friendly_plugin)
    md.use(obsidian_plugin)
    md.add_render_rule("text", _text)
    md.add_render_rule("math_inline", _math_inline)
    md.add_render_rule("math_inline_double", _math_inline_double)
    md.add_render_rule("math_block", _math_block)
    md.add_render_rule("math_block_label", _math_block_label)
    md.add_render_rule("image", _image)
    md.add_render_rule("html_inline", _html_inline)
    md.add_render_rule("html_block", _html_block)
    md.add_render_rule("footnote_ref", _footnote_ref)
    return md
