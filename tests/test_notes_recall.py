"""Issue #21 recall on the shapes real notes take (the notes4 corpus, read by hand): run-in terms with a qualifier,
an article, a long name, a no-break space or a Chinese verb; question headings of the 解决方法/关系/存在的问题/作用 and
`Pros and Cons` kinds; a picture under a definition; answers in quotes, in the next list items, in `<details>`, and
exam problems answered by their 思路 — built through the CLI and imported with Anki's own library. Also what must
stay no card: emphasis at a sentence start (`**注意**…`, `**因此**…`, `**第一步**…`), a list of questions, an
outline, a list of wikilinks."""

from __future__ import annotations

from pathlib import Path

import pytest
from deck_helpers import answer, build_and_import, html_text, prompt

from studykit.notes.cards import parse_note

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")

NOTES: dict[str, str | bytes] = {
    ".obsidian/app.json": "{}",
    "attachments/kernel.png": PNG,
    "Vault/Kernel.md": """
        **Kernel** in [[machine learning|ML]] is a function that measures similarity between two points.

        ![[kernel.png|250]]

        #### Pros and Cons:

        - Pros: works in high dimensions
        - Cons: picking one is an art
    """,
    "Vault/Softplus.md": """
        **Softplus function**, in [[deep learning]], is a smooth approximation of [[ReLU]] used in [[VAE|VAEs]].
    """,
    "Vault/Transformer.md": """
        A **Transformer** is a network built from attention layers.
    """,
    "Vault/Tokenizer.md": """
        **The WordPiece** [[tokenizer]] is a subword tokenizer that merges frequent pieces.
    """,
    "Vault/BLEU.md": """
        **Bilingual Evaluation Understudy Score (BLEU)** is a precision-based score of machine translations.
    """,
    "Vault/GRU.md": """
        **Gated Recurrent Units (GRUs),** often simply called gated units, are recurrent cells with two gates.
    """,
    "Vault/Brier.md": """
        **$B$ (Brier score)** a proper scoring rule for probabilistic forecasts.
    """,
    "Vault/Pasted.md": "**Layer Normalization (LN)**\u00a0 is normalisation over the features of one sample.\n",
    "Vault/Attention.md": """
        - : **Saliency** in the context of vision models refers to how much each pixel matters.
    """,
    "Vault/Index.md": """
        # Index

        **Kernel methods**

        - [[Kernel]]
        - [[Softplus]]
        - [[Transformer]]
    """,
    "笔记/优化.md": """
        # 优化

        - **动量**实际上是梯度的指数滑动平均；
        - **鞍点**类似马鞍中间的那一点，梯度为零却不是极值
        - **输出门** `o`用于控制记忆单元有多少输出到隐状态
        - **目标检测**一般需要同时给出类别和位置
        - **语义分割**通过给每个像素分类来定位物体

        **注意**这里的学习率不能太大。

        **因此**我们先做归一化。

        **第一步**通常是计算梯度。

        我们发现**梯度**实际上是向量。

        ### 学习率过大的解决方法

        使用学习率衰减。

        ### BN 与 Dropout 的关系

        两者一起用时要注意方差偏移。

        ### 动量法存在的问题

        可能冲过最优点。

        ### 残差连接的作用

        让梯度直接回传。

        ### ReLU 更接近生物神经元的作用过程

        这一节不是问题。

        > 为什么 RNN 会梯度爆炸？
        >> 因为同一个 W 连乘很多次。
    """,
    "Week1.md": """
        # Week 1

        ##  Question -What is a tensor

        An n-dimensional array.

        - To build the vocabulary, count the words
          - What if a word is not in the vocabulary?
          - We map it to a special unknown token before embedding.
        - Contents
          - What is a tensor?
          - What is a graph?
          - Why use a GPU?

        Why does batch normalization help?

        > A: It keeps activations on one scale, so larger learning rates work.

        <details><summary>What does dropout do at test time?</summary>

        Nothing: all units are kept and the weights are scaled.

        </details>

        Why do we shuffle the data?

        <details><summary>Answer</summary>

        So that batches are not correlated.

        </details>
    """,
    "Adam.md": """
        # Adam

        1. **"Why does Adam need bias correction?"** — the moments start at zero.

        **Pros and Cons:**

        - fast to converge
        - more memory per parameter
    """,
    "笔试.md": """
        # 笔试题

        ## 合并果子

        有 n 堆果子，每次合并两堆，代价为两堆之和，求最小总代价。

        **思路**

        贪心：每次取最小的两堆（小根堆）。

        ## 修路

        **题目描述**

        给定若干城市和道路造价。

        ## 引言

        这一节不是题目。
    """,
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_and_import(tmp_path_factory.mktemp("recall"), NOTES)


def _cards(built, file: str) -> dict[str, str]:
    return {prompt(c): html_text(answer(c)) for c in built.cards(file)}


def test_run_in_terms_with_a_qualifier_an_article_a_long_name_or_a_no_break_space(built):
    def term(file: str) -> tuple[str, str]:
        cards = _cards(built, file)
        assert len(cards) == 1, cards
        return next(iter(cards.items()))

    assert term("Vault/Softplus.md") == ("Softplus function", "Softplus function , in deep learning , is a smooth "
                                         "approximation of ReLU used in VAEs .")  # not "mostly links"
    assert term("Vault/Transformer.md") == ("Transformer", "A Transformer is a network built from attention layers.")
    assert term("Vault/Tokenizer.md")[0] == "WordPiece"
    assert term("Vault/BLEU.md")[0] == "Bilingual Evaluation Understudy Score (BLEU)"
    assert term("Vault/GRU.md") == ("Gated Recurrent Units (GRUs)", "Gated Recurrent Units (GRUs), often simply called "
                                    "gated units, are recurrent cells with two gates.")
    assert term("Vault/Brier.md")[0] == "\\(B\\) (Brier score)"
    assert term("Vault/Pasted.md")[0] == "Layer Normalization (LN)"
    assert term("Vault/Attention.md") == ("Saliency", "Saliency in the context of vision models refers to how "
                                          "much each pixel matters.")


def test_a_picture_under_a_definition_is_on_its_back_and_pros_and_cons_names_its_subject(built):
    cards = {prompt(c): c for c in built.cards("Vault/Kernel.md")}
    assert set(cards) == {"Kernel", "Kernel: Pros and Cons"}
    back = answer(cards["Kernel"])
    assert html_text(back).startswith("Kernel in ML is a function that measures similarity")
    assert '<img src="sk-' in back and 'width="250"' in back  # the embed, packed
    assert html_text(answer(cards["Kernel: Pros and Cons"])) == "Pros: works in high dimensions Cons: picking one is an art"
    assert built.cards("Vault/Index.md") == []  # a list of wikilinks is still navigation
    assert any("mostly links" in w for w in built.warnings("Vault/Index.md"))


def test_chinese_run_in_terms_with_other_verbs_and_no_card_for_emphasis(built):
    cards = _cards(built, "笔记/优化.md")
    terms = {front: back for front, back in cards.items() if not front.endswith(("？", "方法", "关系", "问题", "作用"))}
    assert terms == {
        "动量": "动量 实际上是梯度的指数滑动平均；",
        "鞍点": "鞍点 类似马鞍中间的那一点，梯度为零却不是极值",
        "输出门 o": "输出门 o 用于控制记忆单元有多少输出到隐状态",
        "目标检测": "目标检测 一般需要同时给出类别和位置",
        "语义分割": "语义分割 通过给每个像素分类来定位物体",
    }, terms  # not 注意, 因此, 第一步, nor the bold word inside a sentence


def test_question_headings_of_topics_asked_about_and_a_nested_quote_answer(built):
    cards = _cards(built, "笔记/优化.md")
    assert cards["学习率过大的解决方法"] == "使用学习率衰减。"
    assert cards["BN 与 Dropout 的关系"] == "两者一起用时要注意方差偏移。"
    assert cards["动量法存在的问题"] == "可能冲过最优点。"
    assert "ReLU 更接近生物神经元的作用过程" not in cards  # a statement, not a question
    assert cards["残差连接的作用"].startswith("让梯度直接回传。")
    assert cards["为什么 RNN 会梯度爆炸？"] == "因为同一个 W 连乘很多次。"


def test_answers_in_quotes_next_items_and_details(built):
    cards = _cards(built, "Week1.md")
    assert cards["Question -What is a tensor"].startswith("An n-dimensional array.")
    assert cards["What if a word is not in the vocabulary?"] == "We map it to a special unknown token before embedding."
    assert cards["Why does batch normalization help?"] == "It keeps activations on one scale, so larger learning " \
                                                          "rates work."
    assert cards["What does dropout do at test time?"] == "Nothing: all units are kept and the weights are scaled."
    assert cards["Why do we shuffle the data?"] == "So that batches are not correlated."
    assert not any(front in ("What is a tensor?", "What is a graph?", "Answer") for front in cards)  # an index
    assert len(cards) == 5, sorted(cards)


def test_a_quoted_bold_question_and_a_bold_pros_and_cons_label(built):
    assert _cards(built, "Adam.md") == {
        "Why does Adam need bias correction?": "the moments start at zero.",  # no quotes, no dash
        "Adam: Pros and Cons": "fast to converge more memory per parameter",
    }


def test_an_exam_problem_asks_with_its_statement_and_is_answered_by_its_solution(built):
    cards = _cards(built, "笔试.md")
    assert cards == {
        "合并果子 有 n 堆果子，每次合并两堆，代价为两堆之和，求最小总代价。": "思路 贪心：每次取最小的两堆（小根堆）。",
        "修路": "给定若干城市和道路造价。",  # named by its heading, not "题目描述"
    }, cards


@pytest.mark.parametrize("text, fronts", [
    ("**Model** of the data is what we fit.", []),  # `of …`: not a qualifier
    ("**Global symbols** that are defined here are visible.", []),
    ("**Stage 1**: freeze the encoder.", ["Stage 1"]),  # a colon form stays a card
    ("- What is X?\n- What is Y?\n- Z is the answer to both of them.", []),  # a list of questions
    ("- 内容\n  - 神经网络是什么？\n  - 神经网络的结构\n  - 神经网络的不足", []),  # an outline
])
def test_what_stays_no_card(tmp_path: Path, text: str, fronts: list[str]):
    note = tmp_path / "n.md"
    note.write_text(text + "\n", encoding="utf-8")
    assert [html_text(c.front) for c in parse_note(note, tmp_path).cards] == fronts
