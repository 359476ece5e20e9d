"""Questions as interview-question notes write them: numbered `Q12:` headings, a `?` inside the heading, asking
words without a question mark, checklist items with the answer nested below, importance stars; and titles of notes
that are a list of `#` sections."""

from __future__ import annotations

import pytest
from deck_helpers import answer, build_and_import, context, html_text, prompt

NOTES = {
    "interview.md": """
        # Interview questions

        ## Q1: Mention three ways to make your model robust to outliers.

        Use a robust loss, clip, or remove them.

        ## Q2: What are loss functions? Explain the difference with cost functions.

        A loss is per example; a cost averages it.

        ## Explain the bias-variance trade-off

        Simple models underfit, complex ones overfit.

        ## 为什么要做归一化

        让各特征的尺度一致。

        ## 如何初始化权重？***

        Xavier 或 He 初始化。

        ## Introduction

        Not a question.
    """,
    "checklist.md": """
        # 机器学习面试

        - [ ] <span id="1-1">1-1 简述解决一个机器学习问题时，你的流程是怎样的？</span>

          1. 确定问题
          2. 收集数据

        - [ ] [1-2 损失函数是什么，如何定义合理的损失函数？](#1-2)

          预测值与真实值的差称为损失。

        - [ ] 1-3 没有答案的问题？
        - 普通的列表项

        **LR 与 SVM 的联系：**

        两者都是线性分类器。

        - [ ] 2-6-2 两者的区别是什么？

          一个用对数损失，一个用合页损失。
        - Can blow up when a cluster shrinks to one point, but a penalty on its size helps:

          $$\\Sigma + \\lambda I$$
    """,
    "sections.md": """
        [TOC]

        # 一、机器学习

        ## 什么是监督学习？

        从带标签的数据学习。

        # 二、深度学习

        ## 什么是反向传播？

        用链式法则计算梯度。
    """,
    "extras.md": """
        # 杂项

        **Reference**

        - [一篇论文](https://example.com)

        **优点：** <!-- 以后再写 -->

        Q: 卷积核翻转吗？ —— A: 互相关不翻转

        ** 整行加粗的标签 **

        - 第一点

        **一个比较长、带逗号的说明性标题，后面是要点：**

        - 要点一
        - 要点二
    """,
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_and_import(tmp_path_factory.mktemp("questions"), NOTES)


def test_question_headings_as_interview_notes_write_them(built):
    cards = {prompt(c): answer(c) for c in built.cards("interview.md")}
    assert set(cards) == {"Q1: Mention three ways to make your model robust to outliers.",
                          "Q2: What are loss functions? Explain the difference with cost functions.",
                          "Explain the bias-variance trade-off", "为什么要做归一化", "如何初始化权重？"}
    assert html_text(cards["如何初始化权重？"]) == "Xavier 或 He 初始化。"  # the importance stars are gone
    assert "Not a question" not in " ".join(cards.values())


def test_a_checklist_question_is_answered_by_what_is_nested_below_it(built):
    cards = {prompt(c): answer(c) for c in built.cards("checklist.md")}
    assert set(cards) == {"1-1 简述解决一个机器学习问题时，你的流程是怎样的？",
                          "1-2 损失函数是什么，如何定义合理的损失函数？",
                          "LR 与 SVM 的联系", "2-6-2 两者的区别是什么？"}
    assert html_text(cards["LR 与 SVM 的联系"]) == "两者都是线性分类器。"  # the next checklist question ends it
    assert "<li>确定问题</li>" in cards["1-1 简述解决一个机器学习问题时，你的流程是怎样的？"]
    assert html_text(cards["1-2 损失函数是什么，如何定义合理的损失函数？"]) == "预测值与真实值的差称为损失。"
    assert built.warnings("checklist.md") == []  # a question without an answer in a list is an index entry


def test_a_note_of_several_top_level_headings_is_titled_by_its_file_name(built):
    cards = {prompt(c): c for c in built.cards("sections.md")}
    assert context(cards["什么是监督学习？"]) == "sections › 一、机器学习"
    assert context(cards["什么是反向传播？"]) == "sections › 二、深度学习"
    assert {n.decks.pop() for n in cards.values()} == {"studykit::sections"}


def test_reading_lists_blank_answers_one_line_qa_whole_line_bold_and_long_titles(built):
    cards = {prompt(c): answer(c) for c in built.cards("extras.md")}
    assert "Reference" not in cards  # a reading list is not something to recall
    assert "优点" not in cards  # an HTML comment is no answer…
    assert any("extras.md:7:" in w and "'优点'" in w for w in built.warnings("extras.md"))  # …and it says so
    assert cards["卷积核翻转吗？"] == "互相关不翻转"
    assert "<li>第一点</li>" in cards["整行加粗的标签"]
    assert "<li>要点二</li>" in cards["一个比较长、带逗号的说明性标题，后面是要点"]
