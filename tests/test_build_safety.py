"""Decks that are safe to share: a corpus of XSS payloads in notes (and in a build memory) is built, the package is
imported with Anki's own library, and every field, every rendered card and every template is parsed with html5lib
(the WHATWG algorithm a browser uses) and searched for anything that could run or load: no script element, no `on…`
handler, no decoded javascript:/vbscript:/data:text URL, no URL-loading style, no MathJax link to such a URL.
Ordinary notes come out byte for byte as they went in."""

from __future__ import annotations

import json
import re
from pathlib import Path

import html5lib
import pytest
from anki_import import import_package, notes_of, open_collection
from conftest import run_studykit

PAYLOADS = [line for line in (Path(__file__).parent / "fixtures" / "xss" / "payloads.txt").read_text(
    encoding="utf-8").splitlines() if line.strip() and not line.startswith("# ")]
TEX_PAYLOADS = [r"\href{javascript:alert(1)}{x}", r"\href {javascript:alert(1)}{x}", r"\url{javascript:alert(1)}",
                r"\href{java	script:alert(1)}{x}", r"\href{vbscript:msgbox(1)}{x}", r"\href{data:text/html,x}{x}",
                r"\style{background:url(http://xss.example/x.png)}{x}", r"\class{x}{y}", r"\cssId{x}{y}",
                r"\def\h#1{\href{#1}{y}} \h{javascript:alert(1)}", r"\let\h\href \h{javascript:alert(1)}{x}",
                r"\require{html} \href{javascript:alert(1)}{x}", r"\mmlToken{mi}[href='javascript:alert(1)']{x}"]

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "poster", "background", "data", "codebase", "cite",
                  "dynsrc", "lowsrc", "srcset", "xlink:href", "{http://www.w3.org/1999/xlink}href"}
_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})[ \t\n\r\f]?|(.))", re.DOTALL)


def _css_decoded(css: str) -> str:
    text = _CSS_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)) if m.group(1) else m.group(2), css)
    return re.sub(r"/\*.*?\*/|\s", "", text, flags=re.DOTALL).lower()


def _loads_or_runs(css: str) -> bool:
    decoded = _css_decoded(css)
    return bool(re.search(r"url\(|image-set\(|image\(|expression\(|@import|behavior:|binding:|javascript:", decoded))


def _bad_url(value: str) -> bool:
    """As a browser's URL parser reads the scheme: controls and spaces at the ends dropped, tabs/newlines removed."""
    squeezed = "".join(ch for ch in value if ord(ch) > 32 and not ch.isspace()).lower()
    return squeezed.startswith(("javascript:", "vbscript:", "data:text", "livescript:"))


def browser_problems(html: str, where: str) -> list[str]:
    """What a browser would run or load in `html` (parsed as a document body, the way Anki's reviewer shows it)."""
    problems = []
    document = html5lib.parse(f"<!DOCTYPE html><html><body>{html}</body></html>", treebuilder="etree",
                              namespaceHTMLElements=False)
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue  # a comment: never parsed as markup again
        name = element.tag.rsplit("}", 1)[-1].lower()
        if name in ("script", "iframe", "frame", "object", "embed", "base", "link", "meta", "applet"):
            problems.append(f"{where}: a <{name}> element")
        if name == "style" and _loads_or_runs(element.text or ""):
            problems.append(f"{where}: a style element that loads: {element.text!r}")
        for key, value in element.attrib.items():
            attribute = key.rsplit("}", 1)[-1].lower() if "xlink" not in key else "xlink:href"
            if attribute.startswith("on"):
                problems.append(f"{where}: an event handler {key}={value!r} on <{name}>")
            if attribute in URL_ATTRIBUTES or key in URL_ATTRIBUTES:
                urls = [c.strip().split(" ")[0] for c in value.split(",")] if attribute == "srcset" else [value]
                if any(_bad_url(url) for url in urls):
                    problems.append(f"{where}: <{name} {key}={value!r}>")
            if attribute == "style" and _loads_or_runs(value):
                problems.append(f"{where}: a style that loads: {value!r}")
        for text in (element.text, element.tail):
            if text and re.search(r"\\(?:style|cssId|class|require|mmlToken)(?![A-Za-z])|\\(?:href|url)(?![A-Za-z])"
                                  r"(?!\s*\{(?:https?:|mailto:|[^:{}#\\]*\}))", text):
                problems.append(f"{where}: MathJax would make a link or style of {text!r}")
    return problems


def _notes() -> dict[str, str]:
    """One note per payload (an unclosed `<textarea>` would swallow the rest of its note): as a block, inline in a
    paragraph and in a term's definition; the TeX ones inline and as display maths."""
    notes = {}
    for i, payload in enumerate(PAYLOADS):
        notes[f"x{i:03d}.md"] = (f"# 安全 {i}\n\n- **术语{i}：** 解释这个术语的一段文字 {payload} 结束\n\n## 问题 {i} 是什么？\n\n"
                                 f"前文是一段回答 {payload} 后文\n\n{payload}\n")
    for i, tex in enumerate(TEX_PAYLOADS):
        notes[f"tex{i:02d}.md"] = f"# 数学 {i}\n\n## 公式 {i} 是什么？\n\n行内 ${tex}$ 与显示\n\n$$\n{tex}\n$$\n"
    return notes


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
@pytest.mark.cli
def test_no_payload_survives_in_any_field_card_or_template(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    for name, text in _notes().items():
        (notes / name).write_text(text, encoding="utf-8")
    (notes / "注释.md").write_text("# 注释\n\n## 问什么？\n\n<!-- --!><img src=x onerror=alert(1)> -->\n\n"
                                   "答 <![CDATA[ > "
                                   "<img src=x onerror=alert(1)> ]]> 完\n", encoding="utf-8")
    out = tmp_path / "deck.apkg"
    proc = run_studykit("build", str(notes), "-o", str(out), "--no-cache")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    col = open_collection(tmp_path / "anki")
    import_package(col, out)
    problems: list[str] = []
    notes_seen = notes_of(col)
    assert len(notes_seen) >= 2 * len(PAYLOADS) + len(TEX_PAYLOADS)  # the cards are there, only made safe
    for note in notes_seen:
        for name, value in note.fields.items():
            problems += browser_problems(value, f"field {name} of {note.guid}")
    for cid in col.find_cards(""):
        card = col.get_card(cid)
        problems += browser_problems(card.question(), f"card {cid} question")
        problems += browser_problems(card.answer(), f"card {cid} answer")
    for model in col.models.all():
        if not model["name"].startswith("studykit"):
            continue
        problems += browser_problems(f"<style>{model['css']}</style>", f"{model['name']} CSS")
        for template in model["tmpls"]:
            problems += browser_problems(template["qfmt"] + template["afmt"], f"{model['name']} template")
    col.close()
    assert problems == []


ORDINARY = """\
# 普通笔记

## 为什么要看表格、代码与公式？

| 函数 | 值域 |
|---|:---:|
| sigmoid | $(0,1)$ |

```python
x = np.maximum(0, x)  # {{c3::not a cloze}}
```

行内 $\\frac{a}{b}$ 与 <span style="color:red">红色</span><br>换行，链接 [文档](https://example.com/a?b=1&c=2)。

<center><img src="https://example.com/fig.png" width="300"></center>

## 还有什么？

<div align="center"><b>块</b> &amp; <code>&lt;tag&gt;</code></div>

- **术语：** `code` 与 **粗体**、*斜体*
"""


@pytest.mark.cli
def test_ordinary_notes_are_shipped_exactly_as_parsed(tmp_path):
    from studykit.deck.package import front_field
    from studykit.notes.cards import parse_note  # the parse before any field is judged

    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "普通.md").write_text(ORDINARY, encoding="utf-8")
    out = tmp_path / "deck.apkg"
    proc = run_studykit("build", str(notes), "-o", str(out), "--no-cache")
    assert proc.returncode == 0, proc.stderr
    col = open_collection(tmp_path / "anki")
    import_package(col, out)
    shipped = {n.fields.get("Back", n.fields.get("Text")) for n in notes_of(col)}
    fronts = {n.fields.get("Front", n.fields.get("Text")) for n in notes_of(col)}
    col.close()
    parsed = parse_note(notes / "普通.md", notes).cards
    assert parsed and all(c.back in shipped or c.front in shipped for c in parsed)
    assert all(front_field(c.context, c.front) in fronts or c.front in fronts for c in parsed)
    joined = "".join(shipped)
    expected = ('<span style="color:red">', "<br>", "# {{c3::not a cloze}}", "&amp;c=2", "<center>")
    assert all(part in joined for part in expected)


def test_default_deck_fields_pass_unchanged():
    """The default notes (content/) hold nothing dangerous: every field is shipped byte for byte as parsed."""
    from studykit.deck.package import front_field
    from studykit.notes.cards import parse_note  # the parse before any field is judged
    from studykit.notes.safe_html import safe_field
    from studykit.notes.source import collect

    content = Path(__file__).resolve().parent.parent / "content"
    fields = [f for path, root in collect([content]) for c in parse_note(path, root).cards
              for f in (front_field(c.context, c.front), c.back, c.context, c.source)]
    assert len(fields) > 400
    assert [f for f in fields if safe_field(f) != f] == []


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
@pytest.mark.cli
def test_a_memory_carrying_a_script_ships_none_and_odd_memories_are_warnings(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "a.md").write_text("# A\n\n## 问题一是什么？\n\n答案一\n\n## 问题二是什么？\n\n答案二\n", encoding="utf-8")
    out = tmp_path / "deck.apkg"
    assert run_studykit("build", str(notes), "-o", str(out)).returncode == 0
    memory_file = tmp_path / "deck.memory.json"
    memory = json.loads(memory_file.read_text(encoding="utf-8"))
    model = 1724019101
    memory["removed"] = [{"guid": "sk:evilevilevilevil", "file": "x.md", "line": 1, "front": "x", "kind": "question",
                          "model": model, "deck": "studykit", "tags": [],
                          "fields": ['<img src=x onerror=alert(1)>', '<a href="&#106;avascript:alert(1)">x</a>'
                                     '<script>alert(1)</script>', '<span style="background:\\75 rl(http://x)">s</span>']}]
    memory_file.write_text(json.dumps(memory), encoding="utf-8")
    proc = run_studykit("build", str(notes), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    col = open_collection(tmp_path / "anki")
    import_package(col, out)
    shipped = notes_of(col)
    col.close()
    removed = [n for n in shipped if n.guid == "sk:evilevilevilevil"]
    assert removed and "studykit::removed" in removed[0].tags  # shipped again, tagged, and harmless
    assert [p for n in shipped for v in n.fields.values() for p in browser_problems(v, n.guid)] == []

    good = json.loads(memory_file.read_text(encoding="utf-8"))
    odd_values = [("timestamp", 1e300), ("timestamp", "soon"), ("cards", [[123, "question", "a.md", 3, "x",
                                                                             "0" * 16, 0]]),
                  ("cards", [[good["cards"][0][0], "question", 5, 3, "x", "0" * 16, 0]]),
                  ("removed", [{"guid": "sk:aaaaaaaaaaaaaaaa", "fields": ["x", "y", "z"], "model": model, "deck": 7}]),
                  ("pinned", {"[1, 2]": "sk:aaaaaaaaaaaaaaaa"}), ("format", True)]
    for key, value in odd_values:
        memory_file.write_text(json.dumps({**good, key: value}), encoding="utf-8")
        proc = run_studykit("build", str(notes), "-o", str(out))
        assert proc.returncode == 0 and "Traceback" not in proc.stderr, (key, value, proc.stderr)
        assert "deck.memory.json (the memory of the last build) cannot be read" in proc.stderr, (key, value)
        assert json.loads(memory_file.read_text(encoding="utf-8"))["timestamp"] < 1e11  # written afresh
