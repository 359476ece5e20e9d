"""Every field judged the way a browser parses it, before it goes into a shared deck.

`safe_field` is the last word on every field that goes into a package (studykit/deck/package.py calls it, for this
build's cards and for removed cards shipped again from the build memory). The markdown-it rules in html.py shape
what a note means; this module judges what a browser would make of the result. A field made only of plain markup
(known tags, their known attributes, double-quoted values, the five escapes markdown-it writes, no URL or style that
is not plainly safe, no TeX command MathJax would turn into a link or a style) is what a browser's tokenizer sees
too, and is kept byte for byte. Anything else is parsed by html5lib (the WHATWG parsing algorithm: comments that end
at `--!>`, CDATA as a bogus comment, character references decoded as a browser decodes them, foreign content) and
written again from the cleaned tree. html5lib is imported only for such a field. No markdown-it here: a build whose
notes all come from the cache does not import the parser.
"""

from __future__ import annotations

import html as html_module
import re

# HTML a note may use: kept (with safe attributes)
KNOWN_TAGS = frozenset("""
a abbr acronym address article aside b bdi bdo big blockquote br caption center cite code col colgroup dd del
details dfn div dl dt em figcaption figure font footer h1 h2 h3 h4 h5 h6 header hgroup hr i img ins kbd label
li main mark nav ol p picture pre q rp rt ruby s samp section small source span strike strong sub summary sup
table tbody td tfoot th thead time tr tt u ul var video audio wbr
""".split())
# dropped together with everything inside them (only when the closing tag is there too)
DROPPED = frozenset("script style iframe frame frameset object embed applet noscript template svg math "
                    "textarea select button form input canvas dialog".split())
VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())



def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# attributes every kept element may have, and the ones a few elements add
GLOBAL_ATTRIBUTES = frozenset("class id title lang dir style align valign width height".split())
TAG_ATTRIBUTES: dict[str, frozenset[str]] = {
    tag: frozenset(names.split()) for tag, names in {
        "a": "href name target rel",
        "img": "src alt srcset loading border",
        "source": "src srcset type media",
        "video": "src poster controls loop muted preload",
        "audio": "src controls loop muted preload",
        "td": "colspan rowspan headers scope nowrap", "th": "colspan rowspan headers scope abbr nowrap",
        "col": "span", "colgroup": "span",
        "table": "border cellpadding cellspacing summary",
        "ol": "start reversed type", "ul": "type", "li": "value",
        "font": "color face size",
        "time": "datetime", "details": "open",
        "blockquote": "cite", "q": "cite", "del": "cite datetime", "ins": "cite datetime",
        "bdo": "dir", "abbr": "title",
        "div": "data-callout",  # an Obsidian callout's kind, for its colour (studykit/notes/obsidian.py)
    }.items()
}
URL_ATTRIBUTES = frozenset("href src poster cite srcset".split())
_SAFE_SCHEMES = frozenset("http https mailto".split())
_IMAGE_DATA = re.compile(r"data:image/(?:png|gif|jpe?g|webp|bmp|avif)[;,]", re.IGNORECASE)
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")
_CSS_FUNCTIONS = frozenset("rgb rgba hsl hsla calc".split())  # all a style may call: no url(), image-set(), …
_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})[ \t\n\r\f]?|(.))", re.DOTALL)
# TeX commands of MathJax 3 that make links, styles, classes, ids, data attributes or load extensions
_TEX_RISK = re.compile(r"\\(href|url|style|class|cssId|data|require|mmlToken|unicode)(?![A-Za-z])")
_TEX_ARGUMENT = re.compile(r"\s*\{([^{}]*)\}")

_ESCAPES = r"&(?:amp|lt|gt|quot|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});"  # what markdown-it and our rules write
_VALUE = rf'"[^"<>&]*+(?:{_ESCAPES}[^"<>&]*+)*+"'


# a task list's box (mdit-py-plugins' tasklists), the one form of <input> a field may have: disabled, a checkbox
_CHECKBOX = ('input class="task-list-item-checkbox"', ' checked="checked"', ' disabled="disabled" type="checkbox"')
_CHECKBOXES = frozenset(f"<{_CHECKBOX[0]}{checked}{_CHECKBOX[2]}>" for checked in ("", _CHECKBOX[1]))


# plain markup, as one possessive (non-backtracking, so linear) regular expression: text, the escapes above, and
# tags with double-quoted attribute values; the tag and attribute names are checked against the whitelist after it
_FAST = re.compile(rf"(?:[^<&]++|{_ESCAPES}|<(?:[a-z][a-z0-9]*+(?:\s++[a-z-]++(?:={_VALUE})?+)*+\s*+/?+"
                   rf"|/[a-z][a-z0-9]*+\s*+)>)*+")
_TAG_NAMES = re.compile(r"</?([a-z][a-z0-9]*)")
_WITH_ATTRIBUTES = re.compile(r"<([a-z][a-z0-9]*)\s([^>]*)>")
_ATTRIBUTE_NAMES = re.compile(r'([a-z-]+)(?:="[^"]*")?')
_FAST_JUDGED = re.compile(r'\s(href|src|poster|cite|srcset|style)="([^"]*)"')


def safe_url(value: str, attribute: str = "href") -> bool:
    """Whether a (decoded) URL is safe to follow or load: http(s), mailto, a relative address, or — for pictures and
    media sources — data:image/png and the like. The scheme is read the way a browser's URL parser reads it
    (leading and trailing controls and spaces dropped, tabs and newlines removed anywhere)."""
    url = "".join(ch for ch in value.strip("".join(map(chr, range(33)))) if ch not in "\t\n\r")
    squeezed = "".join(ch for ch in url if ch > " " and not ch.isspace()).lower()
    if squeezed.startswith(("javascript:", "vbscript:", "livescript:")):
        return False
    scheme = _SCHEME.match(url)
    if scheme is None:
        return not squeezed.startswith("data:")
    name = scheme.group(1).lower()
    if name == "data":
        return attribute in ("src", "srcset", "poster") and bool(_IMAGE_DATA.match(url)) and "svg" not in squeezed
    return name in _SAFE_SCHEMES


def _safe_srcset(value: str) -> bool:
    candidates = [candidate.strip() for candidate in value.split(",")]
    return all(safe_url(candidate.split(" ")[0], "srcset") for candidate in candidates if candidate)


def css_unescape(value: str) -> str:
    """CSS escapes decoded (`\\75 rl(` → `url(`, `\\(` → `(`)."""
    def one(match: re.Match) -> str:
        if match.group(1):
            code = int(match.group(1), 16)
            return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
        return "" if match.group(2) == "\n" else match.group(2)
    return _CSS_ESCAPE.sub(one, value)


def safe_style(value: str) -> bool:
    """Whether a (decoded) style attribute loads nothing and runs nothing: no `url(`, `image-set(`, `expression(`,
    `@import` or any other function than colours and calc(), however escaped or split by comments."""
    decoded = css_unescape(value).lower()
    squeezed = re.sub(r"/\*.*?(?:\*/|$)|\s", "", decoded, flags=re.DOTALL)
    plain = re.sub(r"\s", "", decoded)
    for text in (squeezed, plain):
        if "@" in text or "\\" in text or any(word in text for word in ("expression", "javascript:", "vbscript:",
                                                                          "behavior", "binding", "url", "image")):
            return False
        if any(name not in _CSS_FUNCTIONS for name in re.findall(r"([a-z0-9_-]*)\(", text)):
            return False
    return True


def safe_tex(text: str) -> str:
    """MathJax commands that would make a link, a style, a class or load an extension, neutralised: `\\href` and
    `\\url` with a safe plain address are kept; otherwise the command becomes `\\text` (its argument is shown as
    text), and `\\style`, `\\class`, `\\cssId`, `\\data`, `\\require` lose their first argument."""
    if "\\" not in text or not _TEX_RISK.search(text):
        return text
    out: list[str] = []
    pos = 0
    for match in _TEX_RISK.finditer(text):
        if match.start() < pos:
            continue
        out.append(text[pos:match.start()])
        pos = match.end()
        name = match.group(1)
        argument = _TEX_ARGUMENT.match(text, pos)
        if name in ("href", "url") and argument and safe_url(argument.group(1)) and not any(
                ch in argument.group(1) for ch in "#\\{}"):
            out.append(match.group(0))
        elif name in ("style", "class", "cssId", "data", "require") and argument:
            pos = argument.end()
        else:
            out.append("\\text")
    out.append(text[pos:])
    return "".join(out)


def _fast_field_ok(field: str) -> bool:
    if _FAST.fullmatch(field) is None:
        return False
    if "<" in field:
        names = set(_TAG_NAMES.findall(field))
        if "input" in names:
            names.discard("input")
            if not _CHECKBOXES.issuperset(re.findall(r"<input\b[^>]*>", field)):
                return False
        if not KNOWN_TAGS.issuperset(names):
            return False
        for match in _WITH_ATTRIBUTES.finditer(field):
            name, attributes = match.group(1), _ATTRIBUTE_NAMES.findall(match.group(2))
            if name == "input":
                continue  # a task list's box, checked above
            if not (GLOBAL_ATTRIBUTES.issuperset(attributes) or TAG_ATTRIBUTES.get(name, frozenset()).union(
                    GLOBAL_ATTRIBUTES).issuperset(attributes)):
                return False
    text = html_module.unescape(field) if "&#" in field else field  # MathJax reads the decoded text
    if "\\" in text and _TEX_RISK.search(text):
        return False
    for match in _FAST_JUDGED.finditer(field):
        name, value = match.group(1), html_module.unescape(match.group(2))
        if name == "style":
            if not safe_style(value):
                return False
        elif not (_safe_srcset(value) if name == "srcset" else safe_url(value, name)):
            return False
    return True


def safe_field(field: str) -> str:
    """A field as it may go into a shared deck: unchanged when it is plain markup that is safe as it stands, else
    parsed the way a browser parses it (html5lib) and written again without comments, CDATA, processing
    instructions, scripts, event handlers, unsafe URLs or styles, or MathJax links/styles."""
    if _fast_field_ok(field):
        return field
    import html5lib

    # braces written as character references (`&#123;&#123;c1::` in code, so that Anki makes no cloze of it) stay
    # references: they are carried through the parse as two noncharacters, which a field never holds otherwise
    field = _BRACE_REFERENCE.sub(lambda m: _KEPT[m.group(0).lower().lstrip("&#x0").rstrip(";")],
                                 field.replace("\ufdd0", "").replace("\ufdd1", ""))
    fragment = html5lib.parseFragment(field, container="div", treebuilder="etree", namespaceHTMLElements=False)
    out: list[str] = []
    _serialize_children(fragment, out, "div")
    return "".join(out).replace("\ufdd0", "&#123;").replace("\ufdd1", "&#125;")


_BRACE_REFERENCE = re.compile(r"&#(?:0*12[35]|[xX]0*7[bdBD]);")
_KEPT = {"123": "\ufdd0", "125": "\ufdd1", "7b": "\ufdd0", "7d": "\ufdd1"}


def _text_out(text: str | None, out: list[str]) -> None:
    if text:
        out.append(_escape(safe_tex(text)))


def _serialize_children(element, out: list[str], name: str) -> None:
    text = element.text
    if text and name in ("pre", "listing") and text.startswith("\n"):
        out.append("\n")  # a browser drops the first newline after <pre>: keep the one that was there
    _text_out(text, out)
    for child in element:
        _serialize(child, out)
        _text_out(child.tail, out)


def _serialize(element, out: list[str]) -> None:
    tag = element.tag
    if not isinstance(tag, str) or "{" in tag or tag.startswith("<!"):
        return  # a comment (CDATA and processing instructions are bogus comments), a doctype, SVG or MathML
    name = tag.lower()
    if name == "input" and element.get("type", "").lower() == "checkbox" and element.get("disabled") is not None:
        checked = _CHECKBOX[1] if element.get("checked") is not None else ""
        out.append(f"<{_CHECKBOX[0]}{checked}{_CHECKBOX[2]}>")
        return
    if name in DROPPED:
        return
    if name not in KNOWN_TAGS:  # an unknown element: its content stays, the element does not
        _serialize_children(element, out, name)
        return
    allowed = GLOBAL_ATTRIBUTES | TAG_ATTRIBUTES.get(name, frozenset())
    attributes = []
    for key, value in element.attrib.items():
        if not isinstance(key, str):
            continue
        attribute = key.lower()
        if attribute not in allowed:
            continue
        if attribute == "style" and not safe_style(value):
            continue
        if attribute in URL_ATTRIBUTES and not (_safe_srcset(value) if attribute == "srcset"
                                                else safe_url(value, attribute)):
            continue
        escaped = value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
        attributes.append(f' {attribute}="{escaped}"')
    out.append(f"<{name}{''.join(attributes)}>")
    if name in VOID:
        return
    _serialize_children(element, out, name)
    out.append(f"</{name}>")
