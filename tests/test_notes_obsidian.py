"""An Obsidian vault as Obsidian shows it: callouts (quiz questions with nested answers, boxes, question and
definition callouts), picture embeds found through the vault's attachment folder or by name, wikilinks and note
embeds as text, comments, block ids and inline tags hidden, Obsidian properties without warnings."""

from __future__ import annotations

import pytest
from deck_helpers import answer, build_and_import, html_text, prompt

PNG = b"\x89PNG\r\n\x1a\n obsidian picture"

VAULT = {
    ".obsidian/app.json": '{"attachmentFolderPath": "附件", "strictLineBreaks": false}',
    "附件/sigmoid.png": PNG,
    "deep/figures/relu curve.png": PNG + b"2",
    "quiz/梯度测验.md": """
        ---
        sources:
          - "[[15. 梯度消失]]"
        aliases: [gradient quiz]
        cssclasses: wide
        created: 2025-03-01
        tags: 测验
        ---
        Source: [[15. 梯度消失]]

        > [!question] Sigmoid 导数的最大值是 1.0。
        >> [!success]- Answer
        >> False

        > [!question] 梯度消失的主要原因是什么？
        > a) 除以零
        > b) 许多项连乘
        >> [!success]- Answer
        >> b) 许多项连乘

        > [!question] Match each activation with its derivative.
        >> [!example] Group A
        >> a) Sigmoid
        >> b) ReLU
        >>
        >> [!example] Group B
        >> n) at most 0.25
        >> o) 1 for positive inputs
        >>
        >> [!success]- Answer
        >> a) -> n)
        >> b) -> o)

        > [!question]- Empty answer?
        >> [!success]- Answer
    """,
    "deep/激活函数.md": """
        # 激活函数

        ## 为什么需要激活函数？

        没有它，多层网络只是一个线性变换 ^why-act

        > [!tip] 记忆
        > 见 [[线性代数#矩阵乘法|矩阵乘法]] 与 [[deep/优化器]]。%%以后补充%%

        ![[sigmoid.png]]

        ## ReLU 的图像是什么样子？

        ![[relu curve.png|300]]
        ![[missing.png]] #激活函数 #dl/basics

        %%
        整段注释：不是卡片
        %%

        > [!faq] ReLU 会“死亡”吗
        > 会：输入一直为负时梯度为零。

        > [!definition] 饱和
        > 输入很大或很小时导数趋近于零。

        > [!note]- 笔记
        > **Leaky ReLU**：负半轴保留一个小斜率。
        > ![[优化器#Adam]]
    """,
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_and_import(tmp_path_factory.mktemp("vault"), VAULT)


def test_quiz_callouts_are_one_card_each_answered_by_the_nested_callout(built):
    cards = {prompt(c): c for c in built.cards("quiz/梯度测验.md")}
    assert set(cards) == {"Sigmoid 导数的最大值是 1.0。", "梯度消失的主要原因是什么？ a) 除以零 b) 许多项连乘",
                          "Match each activation with its derivative. Group A a) Sigmoid b) ReLU Group B "
                          "n) at most 0.25 o) 1 for positive inputs"}
    assert html_text(answer(cards["Sigmoid 导数的最大值是 1.0。"])) == "False"
    multiple = answer(cards["梯度消失的主要原因是什么？ a) 除以零 b) 许多项连乘"])
    assert html_text(multiple) == "b) 许多项连乘"
    match = [c for name, c in cards.items() if name.startswith("Match")][0]
    assert match.fields["Front"].count('class="callout"') == 2  # the groups are boxes on the front
    assert html_text(answer(match)) == "a) -> n) b) -> o)"
    # the options are on lines of their own, as Obsidian shows them
    assert "a) 除以零<br>" in cards["梯度消失的主要原因是什么？ a) 除以零 b) 许多项连乘"].fields["Front"]
    assert set(cards["Sigmoid 导数的最大值是 1.0。"].tags) >= {"测验"}


def test_obsidian_syntax_never_shows_and_properties_raise_no_warning(built):
    for card in built.notes:
        shown = " ".join(card.fields.values())
        for raw in ("[[", "![[", "[!", "%%", "^why-act", "#激活函数", "sources"):
            assert raw not in shown, (raw, card.fields)
    warnings = built.warnings("quiz/梯度测验.md")
    assert not [w for w in warnings if "front matter" in w], warnings
    assert [w for w in warnings if "callout 'Empty answer?'" in w]  # no card, and said why


def test_pictures_come_from_the_attachment_folder_or_by_name_and_missing_ones_are_warned(built):
    cards = {prompt(c): c for c in built.cards("deep/激活函数.md")}
    why = answer(cards["为什么需要激活函数？"])
    assert "<img" in why and "没有它，多层网络只是一个线性变换</p>" in why
    assert '<div class="callout" data-callout="tip">' in why and "矩阵乘法" in why and "优化器" in why
    curve = answer(cards["ReLU 的图像是什么样子？"])
    assert 'width="300"' in curve and "[图片 picture: missing.png]" in curve
    assert len({m for m in built.root.parent.glob("anki/collection.media/sk-*")}) >= 2
    assert [w for w in built.warnings("deep/激活函数.md") if ":15: picture ![[missing.png]] not found" in w]
    assert {"激活函数", "dl/basics"} <= set(cards["为什么需要激活函数？"].tags)


def test_question_and_definition_callouts_are_cards_other_callouts_are_walked_inside(built):
    cards = {prompt(c): answer(c) for c in built.cards("deep/激活函数.md")}
    assert html_text(cards["ReLU 会“死亡”吗"]) == "会：输入一直为负时梯度为零。"
    assert html_text(cards["饱和"]) == "输入很大或很小时导数趋近于零。"
    assert "负半轴保留一个小斜率。" in html_text(cards["Leaky ReLU"])
    assert "优化器 › Adam" in html_text(cards["Leaky ReLU"])  # a note embed shows the note's name
    assert "记忆" not in cards and "笔记" not in cards
