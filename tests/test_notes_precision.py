"""Precision on notes as people write them (issue #21): what looks like a card and is not one makes no card and
says why; a generic label (优点, 题目描述, When it appears) carries its subject on the front. The notes below are
written for these tests in the shapes found in public notes; they are built through the CLI and imported with
Anki's own library."""

from __future__ import annotations

from pathlib import Path

import pytest
from deck_helpers import build_and_import, fronts, html_text

from studykit.notes.cards import parse_note
from studykit.notes.rules.notcards import is_example_name
from studykit.notes.rules.subject import is_generic, subject_of
from studykit.notes.rules.tokens import is_label, is_marker, is_question

NOTES = {
    "集成学习.md": """
        # 集成学习

        ## Boosting 方法

        - **基本思路**：先训练一个基学习器，再调整样本权重。
        - **特点**：每次学习都使用全部样本。

        ## Bagging 方法

        - **基本思路**：自助采样，训练多个基学习器。

        ## 牛顿法

        **优点：**

        收敛快。

        **部分分析有误**
        上面关于收敛的说法不对。

        ## 城市修建

        **题目描述**

        给定 n 个城市的坐标，求覆盖它们的最小正方形面积。

        **Code(Python)**

        ```python
        print(max_side ** 2)
        ```
    """,
    "terms/Speech Enhancement.md": """
        # Speech Enhancement

        ## 🔹 Context

        - **Where it's used:** audio front-ends, hearing aids.
        - **When it appears:** before recognition in noisy rooms.

        ## 🔹 Related

        - **[[Noise Reduction]]** - [[Signal_Processing]]
        - **[[Beamforming]]** - [[Microphone_Arrays]]
    """,
    "vault/README.md": """
        # My ML vault

        ## How to Use

        - **Browse on GitHub:** read the Markdown files online.
        - **Clone Locally:** clone the repository and open it in Obsidian.

        ## Purpose

        - **Personal Learning:** to solidify what I learn.
        - **Backup:** to keep a copy of the notes.

        ## 梯度下降

        - **学习率：** 每一步走多远。
    """,
    "examples.md": """
        # Feature scaling

        | Range | Evaluation | Action |
        |---|---|---|
        | 0 ≤ x₁ ≤ 3 | Within range | No rescaling |
        | -100 ≤ x₃ ≤ 100 | Too large | Rescale |
        | 98.6 ≤ x₅ ≤ 105 | Too large | Rescale |

        | Metric | Classification error |
        |---|---|
        | Algorithm A | 3% error |
        | Algorithm B | 5% error |

        | Concept | Real-world Analogy |
        |---|---|
        | **Parameters** | Your current position |
        | **Learning Rate** | Step size |

        | 方法 | 作用 |
        |---|---|
        | Min-Max | 缩放到 [0, 1] |
        | Z-score | 均值 0，方差 1 |

        ## Overfitting, an analogy

        **Linear model**: a rigid ruler along a winding road.

        ## Papers

        **[38]**

        - BoW + GoogLeNet

        **二阶导数描述的是曲线的弯曲程度**

        导数的变化率。

        ## Triplet loss

        - What we want to do is choose triplets that are hard to train on.
        - **Anchor**: the reference image.
    """,
    "tips.md": """
        # 动态规划

        **动态规划的经验**

        **状态数量比较少时，可以穷举状态进行转移，这样可以降低循环次数**

        **假设以前的状态都是最佳的，只在乎当前状态怎么转移而来，其余不管**

        **动态规划求局部最优就是在求解全局最优**

        ## 对比度归一化

        让每个像素减去均值再除以标准差。

        ## 这也解释了为什么激活值要连续

        神经元的输出是连续的。
    """,
    "C++ 习题/ch11.md": """
        # 第十一章 关联容器

        ## 练习11.1

        > 描述`map`和`vector`的不同。

        解：

        `map`是关联容器，`vector`是顺序容器。

        ## 练习11.24

        > 下面的程序完成什么功能？

        ```cpp
        map<int, int> m;
        m[0] = 1;
        ```

        解：

        添加一个元素到`map`中。

        ## 练习11.2

        >

        解：

        没有题目的解答。
    """,
    "exams/2023 Exam.md": """
        # 2023 Exam

        **Year:** 2023
        **Type:** Exam (N1)
        **Correction:** No (AI-Generated Solution Provided)

        - **难度：** 中等
        - **来源：** 字节跳动 2019
        - **ACID**: Atomicity, Consistency, Isolation, Durability.

        ## RGB

        - **Type:** Additive colour model.
    """,
    "cloud/Chapter 2 - Service and Deployment Models.md": """
        # Service and Deployment Models

        - **IaaS**: the provider runs the hardware; you run the operating system and everything above it.
    """,
    "docs/aws_rds_setup.md": """
        # Setting up RDS

        - **Step 1**: open the console and create a database.
    """,
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_and_import(tmp_path_factory.mktemp("precision"), NOTES)


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_generic_labels_carry_their_subject_on_the_front(built):
    cards = fronts(built, "集成学习.md")
    assert cards["Boosting 方法：基本思路"] == "先训练一个基学习器，再调整样本权重。"
    assert cards["Boosting 方法：特点"] == "每次学习都使用全部样本。"
    assert cards["Bagging 方法：基本思路"] == "自助采样，训练多个基学习器。"
    assert cards["牛顿法：优点"].startswith("收敛快。")
    assert "给定 n 个城市" in cards["城市修建"]  # an exam problem: its heading asks (tests/test_notes_recall.py)
    assert not {"基本思路", "特点", "优点", "题目描述"} & set(cards)  # never a bare generic front
    # an emoji field heading (`🔹 Context`) is skipped: the note's title is the subject
    speech = fronts(built, "terms/Speech Enhancement.md")
    assert set(speech) == {"Speech Enhancement: Where it's used", "Speech Enhancement: When it appears"}


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_remarks_and_code_labels_are_not_terms_and_join_the_card_above(built):
    cards = fronts(built, "集成学习.md")
    assert "部分分析有误" not in cards and "上面关于收敛的说法不对" in cards["牛顿法：优点"]
    assert not any("Code" in front for front in cards)
    assert "max_side" in cards["城市修建"]  # the solution's code belongs to the problem
    warnings = built.warnings("集成学习.md")
    assert any("'部分分析有误' is a marker word" in w for w in warnings)


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_navigation_front_pages_and_related_sections_are_not_cards_and_say_why(built):
    assert set(fronts(built, "vault/README.md")) == {"学习率"}  # the knowledge in a README still cards
    warnings = built.warnings("vault/README.md")
    assert sum("a repository's front page" in w for w in warnings) == 5  # four terms and `## How to Use`
    assert fronts(built, "terms/Speech Enhancement.md").keys().isdisjoint({"Noise Reduction", "Beamforming"})
    assert any("a list of related notes" in w for w in built.warnings("terms/Speech Enhancement.md"))


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_examples_analogies_citations_and_claims_are_not_cards(built):
    cards = fronts(built, "examples.md")
    # the table of facts still makes cards; the example, placeholder and analogy tables do not
    assert {front.split("：")[-1].split(" ")[0] for front in cards if front.startswith("方法")} == {"Min-Max", "Z-score"}
    assert not any(word in front for front in cards
                   for word in ("≤", "Algorithm", "Parameters", "Learning Rate", "Linear model", "[38]", "二阶导数"))
    assert "Anchor" in cards and not any(front.startswith("What we want") for front in cards)
    warnings = built.warnings("examples.md")
    for reason in ("rows named by values or placeholders", "of an analogy", "an analogy (a picture"):
        assert any(reason in w for w in warnings), reason


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_bold_statements_and_told_questions_make_no_card(built):
    assert fronts(built, "tips.md") == {}
    assert any("followed only by more bold lines" in w for w in built.warnings("tips.md"))


def test_the_readings_behind_the_rules():
    assert is_generic("优点") and is_generic("定义1") and is_generic("🔹 Context") and is_generic("Pros and Cons:")
    assert is_generic("Definition / Formula") and not is_generic("ReLU") and not is_generic("Loss Function")
    assert subject_of(["🔹 Context", "Week 1", "3.1 Random Forest"]) == "Random Forest"
    assert subject_of(["【问答】射击（概率题）"]) == "射击（概率题）" and subject_of(["2.1", "决策树"]) == "决策树"
    assert is_marker("很难") and is_marker("Hard") and is_marker("以上分析有误") and is_marker("Code(Python)")
    assert is_marker("示例：一个用于手写识别的网络") and is_marker("Both") and not is_marker("Step 1: compute")
    assert not is_label("[38]") and not is_label("让均值为0，标准差为1，即均值标准差相等")
    assert not is_label("SVM 的学习策略就是间隔最大化") and is_label("ID3，C4.5，CART")
    assert is_question("L1与L2的区别") and is_question("数据不平衡该如何处理") and is_question("激活函数有哪些")
    assert is_question("在做正则化过程中，为什么只对权重做惩罚") and is_question("8. 逻辑回归为什么要对特征离散化。")
    assert not is_question("对比度归一化") and not is_question("这也解释了为什么要求激活值连续")
    assert not is_question("能够判断网络的好坏并不重要，关键是如何利用它来优化网络参数")
    assert not is_question("近年来，自编码器与潜变量模型理论的联系将自编码器带到了生成式建模的前沿")
    assert not is_question("What we want to do is choose triplets") and is_question("How we can reduce overfitting")
    assert is_example_name("0 ≤ x₁ ≤ 3") and is_example_name("Algorithm A") and is_example_name("模型A")
    assert not is_example_name("L1") and not is_example_name("ReLU") and not is_example_name("1e-3")


def test_a_generic_labels_identity_does_not_change_with_its_subject(tmp_path: Path):
    note = tmp_path / "n.md"
    note.write_text("# T\n\n## ReLU\n\n**优点：**\n\n快。\n", encoding="utf-8")
    first = parse_note(note, tmp_path).cards[0]
    note.write_text("# T\n\n## ReLU\n\n**优点：**\n\n快，而且省内存。\n", encoding="utf-8")
    second = parse_note(note, tmp_path).cards[0]
    assert first.front == second.front == "ReLU：优点" and first.key == second.key == ("n", "term", "ReLU", "优点")


def test_a_table_of_formulas_only_is_a_worked_examples_values(tmp_path: Path):
    note = tmp_path / "n.md"
    rows = "".join(f"| $\\partial x_{{1,{k}}}$ | $k_{{2,{k}}}$ | 0 |\n" for k in range(1, 6))
    note.write_text(f"# T\n\n| | $\\partial u_{{1,1}}$ | $\\partial u_{{1,2}}$ |\n|---|---|---|\n{rows}\n"
                    "| Symbol | Meaning |\n|---|---|\n| $n$ | sample size |\n| $N$ | population size |\n",
                    encoding="utf-8")
    parsed = parse_note(note, tmp_path)
    assert [html_text(c.front) for c in parsed.cards] == ["Symbol：\\(n\\) Meaning", "Symbol：\\(N\\) Meaning"]
    assert any(p.kind == "not-a-card" and "example data" in p.message for p in parsed.problems)


def test_a_table_row_whose_maths_a_pipe_cut_is_no_card_and_says_so(tmp_path: Path):
    note = tmp_path / "n.md"
    note.write_text("# T\n\n| Symbol | Meaning |\n|---|---|\n| N | samples |\n|$\\frac{|B_m|\n", encoding="utf-8")
    parsed = parse_note(note, tmp_path)
    assert [html_text(c.front) for c in parsed.cards] == ["Symbol：N Meaning"]
    assert any(p.kind == "table" and p.line == 6 and "cut by a `|`" in p.message for p in parsed.problems)


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_quoted_exercise_answered_after_the_quote_is_one_card(built):
    cards = {front.replace(" ", ""): back.replace(" ", "") for front, back in fronts(built, "C++ 习题/ch11.md").items()}
    assert cards["描述map和vector的不同。"] == "map是关联容器，vector是顺序容器。"
    # the code the exercise asks about belongs to the question, the answer to the back
    code_front = next(front for front in cards if front.startswith("下面的程序完成什么功能？"))
    assert "m[0]=1;" in code_front and cards[code_front] == "添加一个元素到map中。"
    assert len(cards) == 2  # an empty quote asks nothing: its 解： stays an answer with no question
    assert any(":28:" in w and "no question before it" in w for w in built.warnings("C++ 习题/ch11.md"))


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_notes_header_fields_are_not_cards_but_the_same_words_as_knowledge_are(built):
    cards = fronts(built, "exams/2023 Exam.md")
    assert set(cards) == {"ACID", "RGB: Type"}  # `Type: Additive colour model` is knowledge; `Type: Exam (N1)` is not
    warnings = built.warnings("exams/2023 Exam.md")  # the three lines of one paragraph are one header: one warning
    assert sum("a field of the note's header" in w for w in warnings) == 3
    assert any("exams/2023 Exam.md:3:" in w and "(year, type, correction)" in w for w in warnings)


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_setup_note_is_told_by_its_file_name_not_by_a_word_in_its_title(built):
    assert set(fronts(built, "cloud/Chapter 2 - Service and Deployment Models.md")) == {"IaaS"}
    assert fronts(built, "docs/aws_rds_setup.md") == {}
    assert any("assignment instructions" in w for w in built.warnings("docs/aws_rds_setup.md"))
