"""More shapes of real notes (issue #21, the held-out evaluation of round 5): GitBook callouts, a question's hint
list before its answer, worked-example sections, notes about the exam, bibliographies and chat logs, tables of
confused pairs, grouped tables and tables of records. The notes are written for these tests in the shapes found
in public notes; they are built through the CLI and imported with Anki's own library."""

from __future__ import annotations

import pytest
from deck_helpers import build_and_import, fronts, html_text, parsed_note

from studykit.notes.cards import parse_note

NOTES = {
    "gitbook/卷积.md": """
        # 卷积

        ## 区别三：线性运算不可交换

        因为卷积网络通常使用多通道的卷积，所以即使使用了核翻转，也不一定可交换。
        > **[success]** 问：不可交换会有什么影响？
        答：DL中的卷积不需要不可交换性。

        > **[warning]**
        > 这里的符号与原书不同。

        - **平铺卷积**：介于局部连接层和卷积层之间。

        > **[success] 为什么梯度必须足够大？**
        答：梯度太小时无法引导算法继续优化。

        > **[success] Ng补充**
        [迁移学习](https://example.com/transfer)
        **问：什么时候迁移学习有用？**
        答：源任务的数据比目标任务多得多时。

        > **问：为什么靠前位置的梯度会消失？**
        > 答：每一层的影响都要经过后面的很多层。
        > **问：怎么解决梯度消失问题？**
        > 答：换一个激活函数。

        ## 应用

        - **Finance example**: represent filings as vectors.

        - **跳跃连接**：把输入直接加到输出上。

          {% reveal %}
          看图就明白了。
          {% endreveal %}
    """,
    "dojo/epsilon-greedy.md": """
        # Epsilon-Greedy

        **Q:** How does epsilon-greedy exploration work?
        - Algorithm
        - Pros and cons

        **A:**

        - **Algorithm**: with probability ε take a random action, else the best known one.
        - **Pros**: simple to implement.
    """,
    "dsa/84_LargestRectangle.md": """
        # 84. Largest Rectangle in Histogram

        ## Approach

        - **Monotonic stack**: keep bars in increasing height; pop to close a rectangle.

        **[⬆ Back to Top](#approach)**

        More text.

        ### Example 1

        **Input**

        heights = [2,1,5,6,2,3]

        **Explanation**

        The largest rectangle is 5 × 2.

        ## Real-world Example

        - **Scenario**: a skyline of buildings.

        ## Why this topic matters

        Stacks turn a quadratic scan into a linear one.

        ## Previous GATE Patterns

        - **Numerical**: one step of the algorithm.
    """,
    "BIBLIOGRAPHY.md": """
        # Bibliography

        - **chollet2018deep**: Chollet, F. Deep Learning with Python. Manning, 2018.
    """,
    "Projects/Chat with ChatGPT.md": """
        # Chat

        - **Decision**: use PostgreSQL for the first version.
    """,
    "tables.md": """
        # Tables

        ## Frequently Confused Concepts

        | Concept A | Concept B | Difference |
        |---|---|---|
        | K-Means | K-Medoids | mean vs an actual point |
        | K-Means | GMM | hard vs soft assignment |
        | K-Means | KNN | clustering vs classification |
        | WCSS | TSS | within-cluster vs total |

        ## SQL types

        | Category | Type | Use case |
        |---|---|---|
        | Numeric | INT | whole numbers |
        | Numeric | BIGINT | very large whole numbers |
        | Numeric | FLOAT | measurements |
        | String | VARCHAR | names |

        ## Requirements

        | Functional | Non-Functional |
        |---|---|
        | SafeSearch filtering | Global distribution |
        | Autocomplete | p99 under 200 ms |

        ## 贷款数据

        | 年龄 | 有工作 | 类别 |
        |---|---|---|
        | 青年 | 否 | 否 |
        | 青年 | 是 | 是 |
        | 青年 | 否 | 否 |
        | 中年 | 是 | 是 |
    """,
    "terms.md": """
        # REST

        - **Identify resources (URI in HTTP)** - every resource has a URI.
        - **Change with representations (Verbs in HTTP)** - use verbs, headers, and body.

        ## Problems

        **Vanishing Gradient Problem** occurs when gradients shrink as they flow back through many layers.

        **Attention Mechanism** allows the model to focus on the relevant parts of the input.

        1. **估计聚类趋势。**

           检测数据分布中是否存在非随机的簇结构。

        **机器学习的目标：得到泛化误差小的学习器**

        ## GMM与K-Means相比

        GMM 是软分配。

        ## 神经网络中的卷积与数学中卷积的不同

        不翻转核。

        ## 软间隔vs硬间隔

        软间隔允许误分。
    """,
    "interview.md": """
        # 深度学习基础问题

        ## 问题1: 什么是梯度消失问题？如何解决？

        ### 🎯 中文理解

        想象声音在管道中传播：
        - **问题**：声音在长管道中越来越小
        - **神经网络**：梯度信号在深层网络中越来越弱

        #### 为什么会发生？

        1. **激活函数问题**：sigmoid 的导数小于 1

        ### 🎤 直接面试回答

        Gradients shrink exponentially with depth; ReLU, good initialization and residual connections fix it.
    """,
    "exam/DA25.md": """
        # DA 2025

        ## **Q.17**

        ### Given Expression

        $$\\pi_{owner}(Own)$$

        ## Q1.

        What is overfitting?

        A model that fits the noise of its training set.

        ## Versioning

        **Problem**: Models get updated. How do you manage versions?

        **Solutions**:
        1. **Model Registry**: MLflow tracks versions.

        **Q**: What is ReLU?

        **A**: max(0, x).
    """,
    "聚类.md": """
        # 聚类

        ## 聚类算法

        什么是聚类算法？

        聚类是一种无监督学习方法，把相似的样本分到同一组。

        （1）如何确定簇的个数？

        看误差曲线的拐点。

        那么为什么要这样做呢？

        因为误差会单调下降。

        > *如何确定 w 和 b ？*

        最小化均方误差。

        Need 16?

        Yes.

        Which activation function saturates?

        **A.** ReLU

        **B.** Sigmoid
    """,
    "glossary.md": """
        # Linear Regression

        ## Assumptions about data

        1. Linearity: independent variables have a linear relationship with the target.
        2. Independence: each sample is independent of the others.
        3. Homoscedasticity: the residuals have the same variance everywhere.

        ## Notes

        - Step 1: fit the model.
        - If the residuals curve: add features.
        - Remember: plot the residuals.
    """,
    "metrics.md": """
        # Precision and recall

        - **P-Tuning** = continuous prompts learned by a small network
        - **Sigmoid：** 饱和

        **p-value ≥ α → Fail to Reject H₀**

        #### 2. 关键词 (Key Terms)
        - **Precision**: 精确率
        - **Recall**: 召回率
    """,
    "CLAUDE.md": """
        # Instructions

        - **Mastered**: most recent attempt is partial or full
    """,
    "Projects/Resume/ATS resume.md": """
        # Resume

        - **Contact info**: at the top, not in a header.
    """,
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_and_import(tmp_path_factory.mktemp("shapes"), NOTES)


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_gitbook_callout_is_read_as_a_quote_without_its_marker(built):
    cards = fronts(built, "gitbook/卷积.md")
    assert cards["不可交换会有什么影响？"] == "DL中的卷积不需要不可交换性。"
    assert "平铺卷积" in cards
    assert cards["为什么梯度必须足够大？"] == "梯度太小时无法引导算法继续优化。"  # the marker inside the bold
    assert not any("example" in front for front in cards)  # `**Finance example**`: an example, not a term
    assert "{%" not in cards["跳跃连接"] and "看图就明白了" in cards["跳跃连接"]  # template tags are no text
    # two pairs in one quoted paragraph: two cards, each with its own answer
    assert cards["为什么靠前位置的梯度会消失？"] == "每一层的影响都要经过后面的很多层。"
    assert cards["怎么解决梯度消失问题？"] == "换一个激活函数。"
    assert cards["什么时候迁移学习有用？"] == "源任务的数据比目标任务多得多时。"  # after an aside in one paragraph
    assert not any("[success]" in front or "[warning]" in front for front in cards)
    assert not any("[success]" in back or "[warning]" in back for back in cards.values())


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_questions_hint_list_stays_on_the_front_and_the_answer_has_no_a_marker(built):
    cards = fronts(built, "dojo/epsilon-greedy.md")
    question = next(front for front in cards if front.startswith("How does epsilon-greedy"))
    assert question == "How does epsilon-greedy exploration work? Algorithm Pros and cons"
    assert cards[question].startswith("Algorithm : with probability ε") and "A:" not in cards[question]


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_worked_examples_exam_notes_motivation_and_links_to_the_top_are_not_cards(built):
    cards = fronts(built, "dsa/84_LargestRectangle.md")
    assert set(cards) == {"Monotonic stack"} and "heights" not in cards["Monotonic stack"]  # the example's own input
    warnings = "\n".join(built.warnings("dsa/84_LargestRectangle.md"))
    for reason in ("a worked example", "about the exam", "why the note was written", "a link within the page"):
        assert reason in warnings, reason


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_bibliography_and_a_chat_log_are_not_notes(built):
    assert fronts(built, "BIBLIOGRAPHY.md") == {} and fronts(built, "Projects/Chat with ChatGPT.md") == {}
    assert any("a bibliography, a chat log" in w for w in built.warnings("BIBLIOGRAPHY.md"))


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_confused_pairs_grouped_rows_and_records(built):
    cards = fronts(built, "tables.md")
    assert cards["K-Means vs GMM Difference"] == "Difference hard vs soft assignment"  # the pair, in its order
    assert "WCSS vs TSS Difference" in cards
    # a grouping first column: the second names each card, the group is on the back
    assert cards["Type：INT Category · Use case"] == "Category Numeric Use case whole numbers"
    assert not any(front.startswith(("年龄", "Category ：")) for front in cards)  # records make no card
    assert any("table of records" in w for w in built.warnings("tables.md"))
    # two lists side by side: one card that asks for both
    assert cards["Requirements: Functional / Non-Functional"].startswith("Functional Non-Functional SafeSearch")
    assert not any(front.startswith("Functional：") for front in cards)


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_more_term_and_question_forms(built):
    cards = fronts(built, "terms.md")
    # a gloss in brackets does not count against a label's length
    assert cards["Change with representations (Verbs in HTTP)"] == "use verbs, headers, and body."
    assert "occurs when gradients shrink" in cards["Vanishing Gradient Problem"]  # the whole sentence, as for `is`
    assert "allows the model" in cards["Attention Mechanism"]
    assert cards["估计聚类趋势。"] == "检测数据分布中是否存在非随机的簇结构。"  # a short label with its full stop
    assert cards["机器学习的目标"] == "得到泛化误差小的学习器"  # a term and its explanation in one bold
    for question in ("GMM与K-Means相比", "神经网络中的卷积与数学中卷积的不同", "软间隔vs硬间隔"):
        assert question in cards, question


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_question_nested_in_a_sub_section_is_left_out_of_the_back_and_an_analogy_list_is_no_card(built):
    cards = fronts(built, "interview.md")
    back = cards["问题1: 什么是梯度消失问题？如何解决？"]
    assert "Gradients shrink exponentially" in back and "sigmoid" not in back  # the interview answer; not the sub-card
    assert cards["为什么会发生？"].startswith("激活函数问题")
    assert "激活函数问题" in cards and not {"问题", "神经网络"} & set(cards)  # `想象…：` then items: an analogy
    assert any("an analogy" in w for w in built.warnings("interview.md"))


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_bare_question_numbers_problems_and_a_colon_after_the_bold_marker(built):
    cards = fronts(built, "exam/DA25.md")
    assert not any(front.startswith("Q.17") for front in cards)  # the question is not in the note
    assert any("'Q.17' is not a card: a question's number" in w for w in built.warnings("exam/DA25.md"))
    assert cards["Q1. What is overfitting?"] == "A model that fits the noise of its training set."
    assert cards["Models get updated. How do you manage versions?"].startswith("Model Registry : MLflow")
    assert cards["What is ReLU?"] == "max(0, x)."


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_paragraph_that_is_only_a_question_is_answered_by_the_blocks_after_it(built):
    cards = fronts(built, "聚类.md")
    assert cards["什么是聚类算法？"] == "聚类是一种无监督学习方法，把相似的样本分到同一组。"
    assert cards["（1）如何确定簇的个数？"].startswith("看误差曲线的拐点。")  # up to the next question paragraph
    # a rhetorical turn, a fragment and a multiple-choice stem (its options are no answer) are not questions
    assert cards["如何确定 w 和 b ？"] == "最小化均方误差。"  # a quote holding only the question, in italics
    assert set(cards) == {"什么是聚类算法？", "（1）如何确定簇的个数？", "如何确定 w 和 b ？"}


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_list_of_plain_term_definition_items_is_a_glossary(built):
    cards = fronts(built, "glossary.md")
    assert cards == {
        "Linearity": "independent variables have a linear relationship with the target.",
        "Independence": "each sample is independent of the others.",
        "Homoscedasticity": "the residuals have the same variance everywhere.",
    }  # a step, a condition and a marker word are not terms, and one colon line alone is a sentence


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_equals_terms_word_lists_rules_and_a_repositorys_own_files(built):
    cards = fronts(built, "metrics.md")
    assert cards["P-Tuning"] == "continuous prompts learned by a small network"
    assert cards["Sigmoid"] == "饱和"  # a short property outside a word list is a card
    assert not {"Precision", "Recall"} & set(cards)  # a translation under Key Terms is a word list
    assert not any("→" in front for front in cards)  # a rule with an arrow is no label
    assert fronts(built, "CLAUDE.md") == {} and fronts(built, "Projects/Resume/ATS resume.md") == {}


def test_a_wikilink_put_in_code_in_a_vault_is_the_notes_name(tmp_path):
    parsed = parsed_note(tmp_path, "Index.md", "# Index\n\n- **Caching**: keeps hot data near the app, as in "
                     "`[[System Design/21 Patterns]]` and the notes on memory hierarchies.\n", vault=True)
    assert parsed.cards and not any("[[" in c.front or "[[" in c.back for c in parsed.cards)
    assert "21 Patterns" in parsed.cards[0].back


def test_a_callout_whose_title_defines_is_a_term_card_whatever_its_type(tmp_path):
    cards = parsed_note(tmp_path, "n.md", "# Notes\n\n> [!note] Definition: Overfitting\n> A model that fits the noise.\n\n"
                    "> [!tldr] 定义（过拟合）\n> 模型拟合了噪声。\n\n> [!theorem] Bayes theorem\n> $P(A|B)$\n\n"
                    "> [!note] Remember\n> plain text, no card\n\n> [!tldr] Shortest path problem\n> Given a graph, "
                    "find the shortest distance.\n\n> [!summary] Summary\n> all of the above\n", vault=True).cards
    assert [(c.kind, html_text(c.front)) for c in cards] == [
        ("term", "Overfitting"), ("term", "过拟合"), ("term", "Bayes theorem"), ("term", "Shortest path problem")]


def test_a_title_that_asks_is_answered_by_the_note(tmp_path):
    asks = tmp_path / "svm.md"
    asks.write_text("# SVM的Loss是什么\n\nSVM 最小化合页损失加 L2 正则。\n\n## 细节\n\n只由支持向量决定。\n", encoding="utf-8")
    overview = tmp_path / "ml.md"
    overview.write_text("# Machine Learning vs Deep Learning\n\nAn overview of both.\n", encoding="utf-8")
    paired = tmp_path / "ml-def.md"
    paired.write_text("# What is Machine Learning?\n\n**Q:** What is machine learning?\n\n**A:** Learning patterns "
                      "from data.\n", encoding="utf-8")
    (card,) = parse_note(asks, tmp_path).cards
    assert card.kind == "question" and "合页损失" in card.back and "支持向量" in card.back
    assert parse_note(overview, tmp_path).cards == []  # an overview's title names it
    assert [c.kind for c in parse_note(paired, tmp_path).cards] == ["qa"]  # the note's own pair is the card


def test_an_excalidraw_drawing_is_not_notes(tmp_path):
    parsed = parsed_note(tmp_path, "Design.excalidraw.md", "---\nexcalidraw-plugin: parsed\n---\n==⚠  Switch to "
                     "EXCALIDRAW VIEW ==\n\n# Text Elements\n**Load Balancer**: spreads requests\n", vault=True)
    assert parsed.cards == [] and any("Excalidraw drawing" in p.message for p in parsed.problems)


def test_html_headings_case_labels_credits_and_two_item_glossaries(tmp_path):
    note = tmp_path / "模型部署.md"
    note.write_text("# 模型部署\n\n## 目录\n\n- [1.区别](#1)\n\n"
                    '<h2 id="1.fp32，fp16以及int8的区别？">1.FP32，FP16以及Int8的区别？</h2>\n\n'
                    "FP32 占 4 个字节，FP16 占 2 个字节。\n\n**案例**：用 FP16 推理。\n\n"
                    "**负责人/贡献者（排名不分先后）**：张三\n\n"
                    '<h2 id="2">2.LSTM的门</h2>\n\n- 输入门(Input Gate): 决定写入多少新信息\n'
                    "- 遗忘门(Forget Gate): 决定保留多少旧信息\n", encoding="utf-8")
    parsed = parse_note(note, tmp_path)
    cards = {html_text(c.front): c for c in parsed.cards}
    question = cards["1.FP32，FP16以及Int8的区别？"]
    assert question.kind == "question" and "4 个字节" in question.back and question.line == 7
    assert "目录" not in question.context  # the table of contents is no longer the parent of every card
    assert {"输入门(Input Gate)", "遗忘门(Forget Gate)"} <= set(cards)  # a list of two plain terms, with a gloss
    assert not {"案例", "负责人/贡献者（排名不分先后）"} & set(cards)


def test_a_zero_width_joiner_beside_the_colon_does_not_hide_a_term(tmp_path):
    note = tmp_path / "n.md"
    note.write_text("# VAE\n\n- **视频内容分析**\u200c：VAE 可以提取视频特征。\n- **数据压缩\u200c**：压缩视频数据。\n",
                    encoding="utf-8")
    fronts_seen = [html_text(c.front).replace("\u200c", "") for c in parse_note(note, tmp_path).cards]
    assert fronts_seen == ["视频内容分析", "数据压缩"]


def test_headings_that_ask_without_a_mark_and_aspect_headings(tmp_path):
    note = tmp_path / "n.md"
    note.write_text("# 激活\n\n## ReLU\n\n### 特点与优势：\n\n计算快，梯度不饱和。\n\n## L1正则化可以产生稀疏解吗\n\n可以。\n\n"
                    "## 什么样的模型需要归一化\n\n基于距离的模型。\n\n- **能用吗**：能\n", encoding="utf-8")
    cards = {html_text(c.front): c for c in parse_note(note, tmp_path).cards}
    assert {"ReLU: 特点与优势", "L1正则化可以产生稀疏解吗", "什么样的模型需要归一化"} <= set(cards)
    assert cards["能用吗"].kind == "term"  # a bold label keeps its kind (and its card's identity)
