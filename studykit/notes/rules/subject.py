"""Generic labels get their subject on the front.

A label that names an aspect rather than a thing — `**优点：**`, `**定义**`, `**题目描述**`, `**基本思路**：`,
`**When it appears:**`, `**Definition**: …`, `主要区别` — only makes sense with what it is an aspect of. The context
line shows the headings above, but a reviewer reads the prompt first, and a deck of twenty "优点" cards cannot be
told apart without it. So the front becomes `subject：label` (`ReLU：优点`, `城市修建：题目描述`, `Speech
Enhancement: When it appears`), the subject being the nearest term the label sits under (`- **ReLU：**` with a
nested `- **优点：**`), else the nearest heading that names something (not itself generic, not a question, an
emoji field like `🔹 Context` skipped), else the note's title.

The card's identity is unchanged (it comes from the label and its headings, not from the front shown).
"""

from __future__ import annotations

import re

GENERIC_LABELS = frozenset("""
定义 概念 含义 释义 描述 简介 概述 直觉 直观理解 直观解释 思想 基本思想 核心思想 主要思想 基本思路 主要思路 核心思路
原理 基本原理 工作原理 公式 数学公式 推导 公式推导 数学推导 性质 特点 特性 特征 主要特点 组成 结构 作用 用途 应用
应用场景 适用场景 使用场景 场景 优点 缺点 优缺点 优势 劣势 不足 局限 局限性 缺陷 存在的问题 主要问题 目的 动机 意义
解决方法 解决方案 一些解决方案 解决办法 解决思路 改进 改进方法 流程 算法流程 过程 计算过程 实现 区别 主要区别 联系
分类 类型 种类 变体 题目描述 问题描述 题目 题意 输入 输出 输入描述 输出描述 复杂度 时间复杂度 空间复杂度 适用条件
前提 假设 前提假设 优点与缺点
definition definitions meaning explanation description overview intuition formula formulas equation equations
math mathematics derivation properties property characteristics features components context usage applications
application advantages disadvantages pros cons limitations drawbacks benefits strengths weaknesses purpose goal
motivation problem problems solution solutions approach algorithm procedure process implementation code related variants
types details background interpretation significance importance complexity assumptions type source sources
""".split()) | frozenset((
    "where it's used", "where it’s used", "where is it used", "when it appears", "when to use", "when to use it",
    "how it works", "how does it work", "pros and cons", "pros & cons", "use cases", "use case", "key idea",
    "main idea", "core idea", "related concepts", "related terms", "key points", "time complexity",
    "space complexity", "what it is", "what they are", "what is it", "what are they", "how to use",
    "how to use it", "why it works", "how it is used", "key properties", "key features", "common uses",
    "used in", "used for", "how", "why", "what", "when", "goal", "goals", "objective", "idea", "steps", "result",
    "results", "rule", "effect", "role", "作用机制", "步骤", "结果", "目标", "architecture", "tools", "best practice",
    "best practices", "limitation", "symbol", "notation", "platform", "workflow", "pipeline", "syntax", "parameters",
    "hyperparameters", "key concepts", "challenges", "challenge", "risks", "trade-offs", "tradeoffs",
    "符号", "参数", "架构", "工具", "挑战", "注意事项", "cdf", "pdf", "pmf", "mgf", "相同点", "不同点", "共同点",
    "common types", "best for", "good for", "time", "space", "memory", "适用于", "适合",
    "pattern", "patterns", "the rule", "the idea", "the problem", "the solution", "the goal"))

_AROUND = re.compile(r"^[^\w(（]+|[\s#:：.。]*\d*[\s:：.。]*$")  # `🔹 Context`, `定义1`, `Definition 2:`
_NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)+\s+|\d+(?:\.\d+)*\s*[、.:：)）]\s*|[一二三四五六七八九十]+[、.．]\s*|"
                        r"[(（]\d+[)）]\s*)")
_TAG = re.compile(r"^[【\[][^】\]]{1,40}[】\]]\s*")  # `【问答】射击`, `[Kiros et al., 2015] Skip-Thought`
_ORDINAL = re.compile(r"^(?:week|lecture|chapter|part|section|lesson|day|module|unit|session|step)\s*\d+\b|"
                      r"^第.{1,3}[章节课讲周天部篇]", re.IGNORECASE)  # `Week 1`: where, not what
_PARTS = re.compile(r"\s*(?:/|&|\band\b|与|和|及|、)\s*")
_SUBJECT_MAX = 60
_LETTER = re.compile(r"[^\W\d_]")


def normal(text: str) -> str:
    """A label as compared with the generic ones: lower case, without emoji, numbering and a trailing number."""
    return " ".join(_AROUND.sub("", _NUMBERING.sub("", text.strip())).split()).lower()


def is_generic(text: str) -> bool:
    """Whether a label names an aspect (`优点`, `定义1`, `When it appears`, `Definition / Formula`), not a thing."""
    if len(text) > 40:
        return False
    word = normal(text)
    return word in GENERIC_LABELS or all(part in GENERIC_LABELS for part in _PARTS.split(word) if part) \
        and _PARTS.search(word) is not None


def subject_of(candidates: list[str]) -> str:
    """The first candidate (nearest first: enclosing terms, headings, the title) that names something."""
    from studykit.notes.rules.tokens import is_question

    for candidate in candidates:
        text = " ".join(_NUMBERING.sub("", _TAG.sub("", candidate.strip().strip("*_ "))).split())
        text = _AROUND.sub("", text) if not text[:1].isalnum() else text
        text = text.rstrip("：: ")
        if len(text) < 2 or len(text) > _SUBJECT_MAX or not _LETTER.search(text) or is_generic(text) \
                or is_question(text) or _ORDINAL.match(text) is not None:
            continue
        return text
    return ""


def with_subject(front_html: str, label: str, subject: str, escape) -> str:
    """`subject：label` (`：` after CJK text, `: ` otherwise); the front as it was when the subject is already in it."""
    if not subject or subject.lower() in label.lower():
        return front_html
    cjk = any("\u3400" <= ch <= "\u9fff" for ch in label + subject[-1:])
    return f"{escape(subject)}{'：' if cjk else ': '}{front_html}"
