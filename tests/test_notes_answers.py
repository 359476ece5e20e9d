"""Issue #21 forms 2–5 as a learner sees them in the imported deck: answers attached to their questions (Q/A in
every spelling, 例/解, a question paragraph then A：, an empty A that swallows nothing), run-in bold terms, question
headings without a question mark, and what is not a card (navigation, promotion, instructions, marker words) —
with a `not-a-card` warning saying why, and a front that carries the sentence it points at."""

from __future__ import annotations

import pytest
from deck_helpers import answer, build_and_import, html_text, prompt

NOTES = {
    "面试/问答.md": """
        # 面试问答

        **Q：Batch Norm 在训练和测试时有什么不同？**

        **A：**

        训练时用当前批次的统计量。

        - 测试时用滑动平均。

        **Q：Dropout 的作用？**

        **A：** 防止过拟合。

        - **Q:**为什么要归一化输入?
          **A:**让梯度更稳定。

        Transformer 为什么要除以根号 d？

        **A：** 防止点积过大导致 softmax 饱和。

        问：什么是残差连接？

        答：把输入直接加到输出上。

        例：求 $x^2$ 的导数。

        解：$2x$。

        **Q：这一题还没写？**

        **A：**

        ## 激活函数

        **ReLU：** 负半轴为零。
    """,
    "terms.md": """
        # 归一化与正则化

        1. **线性函数归一化**（Min-Max Scaling）。它把数据线性映射到 [0, 1]。
        2. **零均值归一化**（Z-Score Normalization）。映射到均值为 0、标准差为 1 的分布。

        **Dropout**. Randomly zeroes activations during training.

        **Weight decay** refers to adding an L2 penalty to the loss.

        **过拟合**，指模型在训练集上好、测试集上差。

        **In practice**, most people use Adam.

        **注意：** 这些方法可以组合使用。

        **TIPS**

        - 先归一化再训练
    """,
    "markers.md": """
        # 归一化

        ## 为什么要做批归一化？

        让每层输入的分布稳定，训练更快。

        **English Answer:** It keeps each layer's inputs on one scale.

        ## 学习率

        - **学习率衰减：** 训练后期把步长调小。

        **综上**，学习率先大后小最稳妥。

        **💡 提示：** 先试 1e-3。

        **例1**：余弦退火。

        **First, I lower the rate** - then I watch the loss.

        **The key difference is the schedule**. Warm-up comes first.

        - **比喻：** 像下山时越走越慢。

        ## 如何选学习率？

        **English Answer:**

        ```python
        lr = 1e-3
        ```
    """,
    "distances.md": """
        # 距离度量

        3.**切比雪夫距离**（$p=\\infty$），各维差的最大值。

        12、**曼哈顿距离**，各维差的绝对值之和。

        **맨해튼 거리**는 각 차원 차이의 절댓값을 더한 값입니다.

        **cdist()** 함수는 두 집합 사이의 거리를 계산합니다.

        **Automatic Differentiation** (**AD**) refers to applying the chain rule to a program.

        **Input/Output (I/O)** is copying data between memory and devices.

        ## 常见距离

        | 序号 | 距离 | 用途 |
        |---|---|---|
        | 1 | 余弦距离 | 比较方向 |
        | 2 | 汉明距离 | 比较编码 |

        ## 逐步计算

        | 步 | 已缓存 | 新算 |
        |---|---|---|
        | t=1 | 无 | k1 |
        | t=2 | k1 | k2 |
        | t=3 | k1 k2 | k3 |

        ## 练习建议

        - **代码练习：** 自己实现一遍 KNN
        - **Day 1：** 读论文
    """,
    "采样.md": """
        # 类别不均衡

        ## 从数据上解决

        **问题**过采样和欠采样有什么区别？
        过采样扩充少数类，欠采样丢弃多数类。

        **Q** What does SMOTE interpolate between?

        Neighbouring minority samples.

        ## 从模型上解决

        **问题**在于少数类太少。
    """,
    "no_grad.md": """
        # Gradients at inference

        ## Why this matters

        I ran out of memory once and wondered why.

        ## Why does no_grad save memory?

        It stops storing activations for backward.
    """,
    "images/README.md": """
        # 图片管理

        - **命名规范：** 用描述性的文件名
    """,
    "面试/answer_template.md": """
        # 答题模板

        ## 什么是 [概念]？

        [一句话定义]
    """,
    "headings.md": """
        # 深度学习面试

        ## 常见的激活函数有哪些

        ReLU、Sigmoid、Tanh。

        ## 数据不平衡该如何处理

        重采样或调整损失权重。

        ## L1与L2正则化的区别

        L1 产生稀疏解，L2 让权重变小。

        ## Define F1-score.

        The harmonic mean of precision and recall.

        ## Epoch vs. Batch vs. Iteration.

        An epoch is a full pass; a batch is a slice; an iteration is one update.

        ## Implement softmax

        Subtract the maximum, exponentiate, normalise.

        ## 引言

        这一节不是问题。
    """,
    "README.md": """
        # 深度学习笔记

        | 章节 | 链接 |
        |---|---|
        | 第一章 | [数学基础](ch1.md) |
        | 第二章 | [机器学习](ch2.md) |

        ## 目录有哪些？

        - [什么是梯度？](#grad)
        - [什么是损失？](#loss)

        ## 推荐项目

        **什么是 awesome 列表？** 一个链接合集。

        ## Q1: k-Nearest Neighbor (20 points)

        Complete the notebook knn.ipynb and submit it.

        ## 注意力

        注意力的输出是所有值的加权和，权重由查询与键的相似度决定。

        **这句话怎么理解呢？** 相似的键贡献更多。

        | 房屋面积 | 价格 | 卧室 |
        |---|---|---|
        | 2000 | 400,000 | 3 |
        | 1200 | 250,000 | 2 |
    """,
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_and_import(tmp_path_factory.mktemp("answers"), NOTES)


def test_answers_are_attached_to_their_questions_and_never_make_an_a_card(built):
    cards = {prompt(c): html_text(answer(c)) for c in built.cards("面试/问答.md")}
    assert cards["Batch Norm 在训练和测试时有什么不同？"] == "训练时用当前批次的统计量。 测试时用滑动平均。"
    assert cards["Dropout 的作用？"] == "防止过拟合。"
    assert cards["为什么要归一化输入?"] == "让梯度更稳定。"
    assert cards["Transformer 为什么要除以根号 d？"] == "防止点积过大导致 softmax 饱和。"
    assert cards["什么是残差连接？"] == "把输入直接加到输出上。"
    assert cards["求 \\(x^2\\) 的导数。"] == "\\(2x\\)。"
    assert not any(front.strip("：: ") in ("A", "答", "解") for front in cards)
    # the empty A makes no card, says so, and leaves the next section's term to its own card
    assert "这一题还没写？" not in cards and cards["ReLU"] == "负半轴为零。"
    assert any("empty question or answer" in w for w in built.warnings("面试/问答.md"))


def test_run_in_bold_terms_are_term_cards_and_marker_words_are_not(built):
    cards = {prompt(c): html_text(answer(c)) for c in built.cards("terms.md")}
    assert cards["线性函数归一化（Min-Max Scaling）"] == "它把数据线性映射到 [0, 1]。"
    assert cards["零均值归一化（Z-Score Normalization）"] == "映射到均值为 0、标准差为 1 的分布。"
    assert cards["Dropout"] == "Randomly zeroes activations during training."
    assert cards["Weight decay"] == "Weight decay refers to adding an L2 penalty to the loss."
    # the marker words' text is part of the card above (issue #21), not a card of its own
    assert cards["过拟合"] == "指模型在训练集上好、测试集上差。 注意： 这些方法可以组合使用。 TIPS 先归一化再训练"
    assert set(cards) == {"线性函数归一化（Min-Max Scaling）", "零均值归一化（Z-Score Normalization）", "Dropout",
                          "Weight decay", "过拟合"}  # no "In practice", "注意" or "TIPS"
    warnings = built.warnings("terms.md")
    assert any("'注意' is a marker word" in w for w in warnings) and any("'TIPS' is a marker word" in w
                                                                        for w in warnings)


def test_a_marker_words_text_joins_the_card_above_once(built):
    cards = {prompt(c): html_text(answer(c)) for c in built.cards("markers.md")}
    # no "English Answer", "综上", "💡 提示", "例1" or "First, I lower the rate"
    assert set(cards) == {"为什么要做批归一化？", "学习率衰减", "如何选学习率？"}
    assert cards["如何选学习率？"] == "English Answer: lr = 1e-3"  # the label and its code, once
    assert cards["为什么要做批归一化？"].count("It keeps each layer") == 1  # already the heading's answer: once
    assert cards["学习率衰减"] == "训练后期把步长调小。 综上 ，学习率先大后小最稳妥。 💡 提示： 先试 1e-3。 例1 ：余弦退火。 " \
                                "比喻： 像下山时越走越慢。"  # not "The key difference is the schedule" either
    warnings = built.warnings("markers.md")
    assert sum("is a marker word" in w for w in warnings) >= 3


def test_run_in_terms_after_a_bare_number_or_with_a_parenthesis_in_bold_or_maths(built):
    cards = {prompt(c): html_text(answer(c)) for c in built.cards("distances.md")}
    assert cards["切比雪夫距离（\\(p=\\infty\\)）"] == "各维差的最大值。"
    assert cards["曼哈顿距离"] == "各维差的绝对值之和。"
    assert cards["Automatic Differentiation"] == "Automatic Differentiation ( AD ) refers to applying the chain rule " \
                                                 "to a program."
    # a numbering column is skipped (the next one names the row); a table of steps, a practice plan: no cards
    rows = {front: back for front, back in cards.items() if front.startswith("距离：")}
    assert rows == {"距离：余弦距离 用途": "用途 比较方向", "距离：汉明距离 用途": "用途 比较编码"}, rows
    assert cards["맨해튼 거리"] == "맨해튼 거리 는 각 차원 차이의 절댓값을 더한 값입니다."  # a Korean topic particle
    assert cards["Input/Output (I/O)"].startswith("Input/Output (I/O) is copying")  # `I/O` is not "I"
    assert cards["cdist()"] == "cdist() 함수는 두 집합 사이의 거리를 계산합니다."
    assert len(cards) == 8, sorted(cards)
    warnings = built.warnings("distances.md")
    assert any("steps of an example or a plan" in w for w in warnings)
    assert sum("study plan" in w for w in warnings) == 2
    assert built.cards("面试/answer_template.md") == [] and built.cards("images/README.md") == []
    assert [prompt(c) for c in built.cards("no_grad.md")] == ["Why does no_grad save memory?"]  # not the motivation


def test_a_bold_question_word_run_into_a_question_is_a_question_card(built):
    cards = {prompt(c): html_text(answer(c)) for c in built.cards("采样.md")}
    assert cards == {"过采样和欠采样有什么区别？": "过采样扩充少数类，欠采样丢弃多数类。",
                     "What does SMOTE interpolate between?": "Neighbouring minority samples."}, cards


def test_question_headings_without_a_question_mark(built):
    cards = {prompt(c) for c in built.cards("headings.md")}
    assert cards == {"常见的激活函数有哪些", "数据不平衡该如何处理", "L1与L2正则化的区别", "Define F1-score.",
                     "Epoch vs. Batch vs. Iteration.", "Implement softmax"}


def test_navigation_promotion_instructions_and_example_data_are_not_cards_and_say_why(built):
    cards = {prompt(c): c for c in built.cards("README.md")}
    assert list(cards) == ["注意力的输出是所有值的加权和，权重由查询与键的相似度决定。 这句话怎么理解呢？"]
    lead = cards[next(iter(cards))].fields["Front"]
    assert '<div class="lead">注意力的输出是所有值的加权和' in lead  # the sentence the front points at
    warnings = [w for w in built.warnings("README.md") if "not a card" in w or "no cards" in w]
    assert len(warnings) == 5, warnings
    assert any(":3: table of links" in w for w in warnings) and any("example data" in w for w in warnings)
    assert any("mostly links" in w for w in warnings) and any("promotion" in w for w in warnings)
    assert any("assignment instructions" in w for w in warnings)
