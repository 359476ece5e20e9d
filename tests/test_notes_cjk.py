"""CJK-friendly emphasis and line breaks: the markdown-cjk-friendly specification's own cases, CommonMark left as it
is, and the Typora forms a learner writes (`**术语：**解释`) seen on imported cards."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from deck_helpers import answer, build_and_import, prompt
from markdown_it import MarkdownIt

from studykit.notes.cjk import cjk_friendly_plugin, is_cjk

SPEC = Path(__file__).parent / "fixtures" / "cjk_friendly"
CASES = ["strong", "korean", "pseudo-emoji", "non-bmp", "underscore-cjk-punct", "readme-example"]


def spec_parser() -> MarkdownIt:
    # the specification's snapshots come from markdown-it's default preset
    return MarkdownIt("js-default").use(cjk_friendly_plugin)


@pytest.mark.parametrize("case", CASES)
def test_the_specifications_own_cases_render_as_its_snapshots(case):
    expected = (SPEC / f"{case}.html").read_text(encoding="utf-8").splitlines()
    got = spec_parser().render((SPEC / f"{case}.md").read_text(encoding="utf-8")).splitlines()
    assert got == expected


def test_commonmark_examples_render_exactly_as_without_the_plugin():
    examples = json.loads((SPEC / "commonmark-examples.json").read_text(encoding="utf-8"))
    assert len(examples) > 600
    plain, friendly = MarkdownIt("js-default"), spec_parser()
    differ = [md for md in examples if plain.render(md) != friendly.render(md)]
    assert differ == []


def test_the_plugin_changes_only_its_own_parser():
    other = MarkdownIt("commonmark")
    spec_parser()  # a CJK-friendly parser exists in this process…
    assert other.render("**术语：**解释") == "<p>**术语：**解释</p>\n"  # …and plain CommonMark is untouched


def test_cjk_characters_follow_the_specifications_ranges():
    assert all(is_cjk(c) for c in "汉字，。「」ぁカ한국㊗🈂〰￥")
    assert not any(is_cjk(c) for c in "aZ1,.!?é😀“")  # Latin, ASCII punctuation, an emoji, an ambiguous quote


@pytest.mark.parametrize("source, html", [
    ("**术语：**解释", "<p><strong>术语：</strong>解释</p>"),
    ("**优点**：计算快", "<p><strong>优点</strong>：计算快</p>"),
    ("这**「重要」**是", "<p>这<strong>「重要」</strong>是</p>"),
    ("**ReLU（修正线性单元）**是最常用的激活函数", "<p><strong>ReLU（修正线性单元）</strong>是最常用的激活函数</p>"),
    ("*斜体。*后面", "<p><em>斜体。</em>后面</p>"),
    ("中文句子在这里\n换行继续", "<p>中文句子在这里换行继续</p>"),
    ("中文，\n继续", "<p>中文，继续</p>"),
    ("English line\nnext line", "<p>English line\nnext line</p>"),
    ("中文\nEnglish", "<p>中文\nEnglish</p>"),
    ("한국어\n문장", "<p>한국어\n문장</p>"),  # Korean separates words with spaces: the break stays
])
def test_typora_forms_render_as_typora_shows_them(source, html):
    from studykit.notes.render import make_markdown

    assert make_markdown().render(source).strip() == html


def test_a_typora_definition_without_a_space_is_a_term_card_with_no_stars_left(tmp_path):
    built = build_and_import(tmp_path, {"defs.md": """
        # 风险

        **经验风险：**模型在训练集上的平均损失。

        - **结构风险：**经验风险加上正则化项，
          防止过拟合。
        - **期望风险**：模型在真实分布上的损失。
    """})
    cards = built.cards("defs.md")
    assert [prompt(c) for c in cards] == ["经验风险", "结构风险", "期望风险"]
    assert answer(cards[1]) == "<p>经验风险加上正则化项，防止过拟合。</p>"  # no space at the CJK line break
    assert not any("**" in c.fields["Front"] + c.fields["Back"] for c in cards)
    assert built.warnings("defs.md") == []
