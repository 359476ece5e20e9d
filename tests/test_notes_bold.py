"""Bold labels followed by blocks, bold questions and one definition per line — on imported cards."""

from __future__ import annotations

import pytest
from deck_helpers import answer, build_and_import, context, html_text, prompt

NOTES = {
    "per-line.md": """
        # 风险

        **经验风险：**训练集上的平均损失
        **结构风险：**经验风险加正则项
        还能防止过拟合
        **期望风险**: 真实分布上的损失

        几种风险如下：
        **Bias:** error from wrong assumptions
        **Variance:** error from sensitivity to the data
    """,
    "labels.md": """
        # 优化器

        ## Adam

        **Adam 的优势**
        - 自适应学习率
        - 带动量

        **优点：**

        - 收敛快
        - 对超参数不敏感

        **缺点：**

        可能泛化不如 SGD。

        **更新公式**

        $$
        \\theta \\leftarrow \\theta - \\eta \\hat m / (\\sqrt{\\hat v} + \\epsilon)
        $$

        **超参数**

        | 名字 | 默认值 |
        |---|---|
        | beta1 | 0.9 |

        **Code**

        ```python
        opt = Adam(lr=1e-3)
        ```

        ## SGD

        - **特点：**
          - 简单
          - 噪声大
        - **Momentum**
          - 累积历史梯度
        - **注意：**
        - 学习率要衰减
        - 批量要够大
        - **Nesterov:** 先看一步再算梯度

        **这不是标签，因为这是一整句话。**

        这段话紧跟在一句加粗的句子后面。
    """,
    "lead-ins.md": """
        # 梯度消失

        ## 原因

        - **饱和：** sigmoid 的导数最大 0.25

        **The main cause is:** many factors below one, multiplied layer after layer.

        **Key takeaway:** use ReLU.
    """,
    "questions.md": """
        # Interview

        **What is supervised learning?**

        Learning a mapping from labelled examples.

        - It needs labels.
        - Classification and regression.

        **YOLOv3有哪些创新点？**
        多尺度预测、更好的主干网络。

        **Why normalize inputs?** Gradients behave better and training converges faster.

        1. **什么是过拟合？**
           训练好、测试差。
        2. **什么是欠拟合？**

        **What is a GAN?**

        ## Next
    """,
    "typora-lines.md": """
        # 损失函数

        &emsp;&emsp;常见的损失函数如下。
        **（1）0-1 损失函数**
        &emsp;&emsp;预测错误为 1，否则为 0。
        **（2）绝对值损失函数**
        &emsp;&emsp;$L = |y - f(x)|$

        \u200b\t**实验结果**

        提升明显。

        > **Personal story**<br>
        > I failed twice.

        > **优点**

        引用块外面的解释。

        1. **Why use cross entropy**

        Because the gradient does not vanish.

        - **1-范数**：列和的最大值
        - **p-范数**

        $$
        \\|A\\|_p
        $$
    """,
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_and_import(tmp_path_factory.mktemp("bold"), NOTES)


def test_each_line_that_starts_with_a_bold_term_is_its_own_definition(built):
    cards = built.cards("per-line.md")
    assert [prompt(c) for c in cards] == ["经验风险", "结构风险", "期望风险", "Bias", "Variance"]
    assert answer(cards[1]) == "<p>经验风险加正则项还能防止过拟合</p>"  # a continuation line stays with its term
    assert answer(cards[3]) == "<p>error from wrong assumptions</p>"
    assert built.warnings("per-line.md") == []


def test_a_bold_label_takes_the_blocks_after_it(built):
    cards = {prompt(c): c for c in built.cards("labels.md")}
    assert "<li>自适应学习率</li>" in answer(cards["Adam 的优势"]) and "<li>带动量</li>" in answer(cards["Adam 的优势"])
    # a generic label carries its subject on the front (issue #21): "Adam：优点", not a bare "优点"
    assert "收敛快" in answer(cards["Adam：优点"]) and "泛化" not in answer(cards["Adam：优点"])  # ends at the next label
    assert answer(cards["Adam：缺点"]) == "<p>可能泛化不如 SGD。</p>"
    assert '<div class="math">' in answer(cards["更新公式"])
    assert "<table>" in answer(cards["超参数"]) and "<pre>" in answer(cards["Adam: Code"])
    assert context(cards["Adam：优点"]) == "优化器 › Adam" and "优点" not in cards


def test_a_label_in_a_list_item_takes_its_nested_blocks_or_the_items_after_it(built):
    cards = {prompt(c): c for c in built.cards("labels.md")}
    assert "<li>简单</li>" in answer(cards["SGD：特点"]) and "<li>噪声大</li>" in answer(cards["SGD：特点"])
    assert "累积历史梯度" in answer(cards["Momentum"])
    assert "注意" not in cards  # a marker word (issue #21), not a term: no card, and `check` says why
    assert any("labels.md:" in w and "'注意' is a marker word" in w for w in built.warnings("labels.md"))
    assert answer(cards["Nesterov"]) == "<p>先看一步再算梯度</p>"
    assert context(cards["Nesterov"]) == "优化器 › SGD"


def test_a_bold_sentence_is_emphasis_not_a_label(built):
    fronts = [prompt(c) for c in built.cards("labels.md")]
    assert not any("这不是标签" in f for f in fronts)
    assert len(fronts) == 10  # nine labels and terms, one table row


def test_a_bold_lead_in_ending_in_its_verb_is_not_a_term_and_joins_the_card_above(built):
    cards = {prompt(c): c for c in built.cards("lead-ins.md")}
    assert set(cards) == {"饱和", "Key takeaway"}  # not "The main cause is"
    assert "many factors below one" in answer(cards["饱和"])
    assert any("'The main cause is' is a marker word" in w for w in built.warnings("lead-ins.md"))


def test_bold_questions_are_answered_by_what_follows(built):
    cards = {prompt(c): c for c in built.cards("questions.md")}
    supervised = answer(cards["What is supervised learning?"])
    assert "labelled examples" in supervised and "<li>It needs labels.</li>" in supervised
    assert "YOLOv3" not in supervised  # the next bold question starts its own card
    assert html_text(answer(cards["YOLOv3有哪些创新点？"])) == "多尺度预测、更好的主干网络。"
    assert html_text(answer(cards["Why normalize inputs?"])) == "Gradients behave better and training converges faster."
    assert html_text(answer(cards["什么是过拟合？"])) == "训练好、测试差。"
    assert all(c.fields["Front"].count("**") == 0 for c in cards.values())


def test_a_question_or_label_with_nothing_under_it_is_a_warning(built):
    fronts = [prompt(c) for c in built.cards("questions.md")]
    assert "什么是欠拟合？" not in fronts and "What is a GAN?" not in fronts
    warnings = built.warnings("questions.md")
    assert any("questions.md:17:" in w and "'什么是欠拟合？' has nothing under it" in w for w in warnings)
    assert any("questions.md:19:" in w and "'What is a GAN?' has nothing under it" in w for w in warnings)


def test_label_and_question_cards_keep_their_identity_when_the_answer_changes(tmp_path):
    first = build_and_import(tmp_path / "a", {"n.md": "# T\n\n**优点：**\n\n- 快\n\n**为什么？**\n\n因为。\n"})
    second = build_and_import(tmp_path / "b",
                              {"n.md": "# T\n\n**优点：**\n\n- 很快\n- 省内存\n\n**为什么？**\n\n所以。\n"})
    assert sorted(n.guid for n in first.notes) == sorted(n.guid for n in second.notes)


def test_labels_as_typora_leaves_them_mid_paragraph_past_a_list_or_quote_and_after_invisible_characters(built):
    cards = {prompt(c): c for c in built.cards("typora-lines.md")}
    assert html_text(answer(cards["（1）0-1 损失函数"])) == "预测错误为 1，否则为 0。"
    assert "\\(L = |y - f(x)|\\)" in answer(cards["（2）绝对值损失函数"])
    assert html_text(answer(cards["实验结果"])) == "提升明显。"  # after a zero-width space and a tab
    assert html_text(answer(cards["Personal story"])) == "I failed twice."  # a <br> ends the label's line
    assert html_text(answer(cards["损失函数：优点"])) == "引用块外面的解释。"  # the quote ends: the answer is after it
    assert html_text(answer(cards["Why use cross entropy"])) == "Because the gradient does not vanish."
    assert html_text(answer(cards["1-范数"])) == "列和的最大值"
    assert '<div class="math">' in answer(cards["p-范数"])  # the formula at the margin after the list
    assert len(cards) == 8 and built.warnings("typora-lines.md") == []
