"""The card rules, each a small recogniser over markdown-it tokens, in the order they are tried.

Blocks are visited once, top to bottom, by `studykit.notes.cards.Walker`:

| block | rule (module) | card kind |
|---|---|---|
| question heading (`…？`, `X的作用`, `Pros and Cons`, problem + `**思路**`) | `headings.heading` | question / section |
| Obsidian callout: a question with a nested answer, a question or a definition | `callouts.callout` | question / term |
| table | `rows.table` — one card per body row | table |
| HTML `<details><summary>…</summary>` | `details.details` — the summary (or question before it) → the fold | question |
| paragraph | the paragraph rules below, first match wins | |

Paragraph rules, in order (a paragraph makes the cards of the first rule that takes it):
1. `cloze.rule` — `==highlight==` or an explicit `{{c1::…}}`: the whole paragraph is a cloze (so a term line
   with a highlight is only a cloze: the highlight is the question);
2. `qa.rule` — `Q:`/`A:`, `问：`/`答：`, `例：`/`解：` (bold or plain), a question paragraph then `A：`; an `A：`
   alone is never a card;
3. `bold.rule` — a paragraph whose first line is only bold: a bold question (ends in ?/？) or a bold label
   (a short term, no sentence punctuation), answered by the rest of the paragraph and the blocks after it;
   then every line that starts with a bold term and a colon is a definition; else a bold question with its
   answer on the same line;
4. `runin.rule` — a bold term run into its explanation without a colon (`**Dropout**. …`, `**过拟合**，…`,
   `**术语**（English）。…`, `**Softmax** is …`): a term card;
5. `items.rule` — a list item whose first paragraph is only a question (`- [ ] 1-1 简述…？`) and whose other
   blocks answer it — or, with nothing nested, whose next items answer it;
6. `asked.rule` — a top-level paragraph that is only a question (`什么是聚类算法？`), answered by the blocks after
   it up to the next heading or question paragraph;
7. `glossary.rule` — an item of a list of plain `Term: definition` items (two or more, most of the list): a term.
A card's blocks may hold paragraphs that are cards of their own (terms under a question): both are made.
"""

from __future__ import annotations


def paragraph_rules():
    from studykit.notes.rules import asked, bold, cloze, glossary, items, qa, runin

    return (cloze.rule, qa.rule, bold.rule, runin.rule, items.rule, asked.rule, glossary.rule)
