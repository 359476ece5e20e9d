"""Cards fit Anki's reviewer: the note types' CSS keeps wide content in its own box.

At 800 px a wide table, display formula, inline formula or code block must scroll inside its own box, a
missing-picture placeholder must wrap, and nothing may make the whole card scroll sideways. What that looks
like in Chromium is checked by scripts/check_render.py (it needs Chromium and MathJax, so it is not part of
this suite); these tests make sure the rules that do it are in the CSS a collection gets when it imports a
deck, so removing one of them fails here.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from anki_import import import_package, open_collection
from conftest import run_studykit

from studykit.deck.notetypes import BASIC_MODEL_ID, CLOZE_MODEL_ID

WIDE_NOTE = """---
title: 宽内容 (wide content)
---
# 宽内容 (wide content)

## 十二列的表格怎么显示？

| 名称 | c1 | c2 | c3 | c4 | c5 | c6 | c7 | c8 | c9 | c10 | c11 |
|---|---|---|---|---|---|---|---|---|---|---|---|
| 行 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 |

## 长公式怎么显示？

$$
{formula}
$$

行内 ${inline}$ 也一样。

```python
{code}
```

- **缺图：** ![]({missing})
- **高亮：** ==反向传播== 用链式法则。
"""


def rules(css: str) -> dict[str, dict[str, str]]:
    """selector -> {property: value} for every plain rule of `css` (later declarations win, as in a browser)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    found: dict[str, dict[str, str]] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        declarations = {}
        for declaration in body.split(";"):
            if ":" in declaration:
                name, value = declaration.split(":", 1)
                declarations[name.strip().lower()] = " ".join(value.split()).replace(" !important", "")
        for selector in selectors.split(","):
            found.setdefault(" ".join(selector.split()), {}).update(declarations)
    return found


def assert_declares(css_rules: dict, selector: str, **expected: str | tuple[str, ...]):
    assert selector in css_rules, f"no rule for {selector!r}"
    for prop, allowed in expected.items():
        prop = prop.replace("_", "-")
        allowed = (allowed,) if isinstance(allowed, str) else allowed
        value = css_rules[selector].get(prop)
        assert value in allowed, f"{selector} {{ {prop}: {value} }}: expected one of {allowed}"


def assert_keeps_wide_content_in_its_box(css: str):
    r = rules(css)
    scrolls = ("auto", "scroll")
    # long words, URLs and inline code wrap instead of widening the card
    assert_declares(r, ".card", overflow_wrap=("break-word", "anywhere"))
    # a wide table scrolls inside itself (a table box cannot scroll unless it is a block)
    assert_declares(r, "table", display="block", overflow_x=scrolls, max_width="100%")
    # code blocks and the display-maths wrapper scroll inside themselves
    assert_declares(r, "pre", overflow_x=scrolls)
    assert_declares(r, ".math", overflow_x=scrolls)
    # MathJax 3 display formulas (mjx-container[display="true"]) scroll inside their own box, without a
    # vertical scrollbar
    assert_declares(r, 'mjx-container[display="true"]', overflow_x=scrolls, overflow_y="hidden", max_width="100%")
    # inline formulas too; inline-flex (not inline-block) keeps them on the text's baseline
    assert_declares(r, 'mjx-container:not([display="true"])', display="inline-flex", overflow_x=scrolls,
                    overflow_y="hidden", max_width="100%")
    # MathJax's hidden copy for screen readers must not make every formula scroll by a few pixels
    assert_declares(r, "mjx-container > mjx-assistive-mml", right="0")
    # pictures are scaled to fit; the missing-picture placeholder wraps its (long) file name
    assert_declares(r, "img", max_width="100%")
    assert_declares(r, ".missing-picture", white_space="normal", overflow_wrap="anywhere", max_width="100%")
    # night mode is still there
    assert ".nightMode.card" in r


@pytest.fixture
def wide_notes(tmp_path) -> Path:
    root = tmp_path / "notes"
    root.mkdir()
    text = WIDE_NOTE.format(
        formula=" + ".join(f"w_{{{i}}} x_{{{i}}}" for i in range(1, 40)),  # ≈ 300 characters
        inline=" + ".join(f"a_{{{i}}}" for i in range(1, 40)),
        code="result = f(" + ", ".join(f"argument_{i}=value_{i}" for i in range(12)) + ")",
        missing="Screenshot_" + "x" * 105 + ".png",  # 120 characters, no break opportunity
    )
    (root / "wide.md").write_text(text, encoding="utf-8")
    return root


def note_type_css(col, model_id: int) -> str:
    """The CSS the collection holds now (col.models.get caches note types, and an import does not clear that)."""
    return json.loads(col._backend.get_notetype_legacy(model_id))["css"]


def build(notes: Path, out: Path):
    proc = run_studykit("build", str(notes), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    return proc


def test_the_imported_note_types_keep_wide_content_in_its_own_box(wide_notes, tmp_path):
    out = tmp_path / "deck.apkg"
    build(wide_notes, out)
    col = open_collection(tmp_path / "anki")
    try:
        import_package(col, out)
        for model_id in (BASIC_MODEL_ID, CLOZE_MODEL_ID):
            assert_keeps_wide_content_in_its_box(note_type_css(col, model_id))
        # the rules target what the cards are made of
        html = "\n".join(col.get_card(cid).answer() for cid in col.find_cards(""))
        assert "<table" in html and "<pre" in html and 'class="math"' in html and "\\(" in html
        assert 'class="missing-picture"' in html
    finally:
        col.close()


def test_a_collection_that_imported_an_older_style_gets_these_rules(wide_notes, tmp_path, monkeypatch):
    from studykit.deck import notetypes as models
    from studykit.deck.package import write_package
    from studykit.notes import parse_note

    def forget_models():
        for cached in (models.basic_model, models.cloze_model):
            cached.cache_clear()

    out = tmp_path / "deck.apkg"
    old_style = ".card { font-size: 19px; }\ntable { border-collapse: collapse; }\n"
    forget_models()
    monkeypatch.setattr(models, "css", lambda: old_style)
    try:
        write_package([parse_note(wide_notes / "wide.md", wide_notes)], out, "studykit")
    finally:
        forget_models()
    col = open_collection(tmp_path / "anki")
    try:
        import_package(col, out)
        assert note_type_css(col, BASIC_MODEL_ID) == old_style
        with pytest.raises(AssertionError):
            assert_keeps_wide_content_in_its_box(old_style)  # the check notices missing rules
        build(wide_notes, out)  # today's studykit, same output path
        import_package(col, out)
        for model_id in (BASIC_MODEL_ID, CLOZE_MODEL_ID):
            assert_keeps_wide_content_in_its_box(note_type_css(col, model_id))
    finally:
        col.close()
