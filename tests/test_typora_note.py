"""A learner's Typora note on machine learning vs deep learning, built and imported as they would: one card per
definition, label and question; pictures from another computer found; nothing shows as raw Markdown."""

from __future__ import annotations

import shutil
from pathlib import Path

from deck_helpers import answer, build_and_import, context, html_text, prompt

NOTE = Path(__file__).parent / "fixtures" / "typora"


def test_every_definition_label_and_question_of_the_typora_note_is_a_card(tmp_path):
    shutil.copytree(NOTE, tmp_path / "typora")
    built = build_and_import(tmp_path, {}, paths=[tmp_path / "typora"])
    cards = built.cards("机器学习与深度学习.md")
    basic = [c for c in cards if "Front" in c.fields]
    assert [prompt(c).split(" 输出")[0] for c in basic] == [
        "机器学习", "深度学习", "表示学习", "机器学习和深度学习有什么区别？", "深度学习的优点", "深度学习的缺点",
        "任务：回归", "任务：分类", "什么是过拟合？", "怎样缓解过拟合？", "经验风险", "结构风险",
        "为什么要加正则化项？", "什么是 <unk> 词元？"]
    (cloze,) = [c for c in cards if "Text" in c.fields]
    assert "{{c1::L2 正则化}}" in cloze.fields["Text"]
    by_front = {prompt(c): c for c in cards}
    assert html_text(answer(by_front["机器学习"])) == "让计算机从数据中学习规律，而不是由人写出规则。"
    assert "端到端" in answer(by_front["机器学习和深度学习有什么区别？"])
    assert "<li>需要大量标注数据</li>" in answer(by_front["深度学习的缺点"])
    assert html_text(answer(by_front["怎样缓解过拟合？"])) == "增加数据、正则化、Dropout、早停。"
    assert "\\(|x|\\)" in answer(by_front["任务：分类 输出 · 例子"])
    assert '<div class="math">\\[R_{srm}(f)' in answer(by_front["结构风险"])
    regularization = answer(by_front["为什么要加正则化项？"])
    assert "L1 正则化让参数稀疏。" in regularization and '<img src="sk-' in regularization
    assert "&lt;EOS&gt;" in answer(by_front["什么是 <unk> 词元？"])
    assert context(by_front["经验风险"]) == "机器学习与深度学习 › 损失与风险"
    for card in cards:
        shown = " ".join(card.fields.values())
        assert "**" not in shown and "$$" not in shown and "[toc]" not in shown.lower() and "%5C" not in shown
    warnings = built.warnings("机器学习与深度学习.md")
    assert len(warnings) == 2 and all("points at" in w and "used img/" in w for w in warnings)
