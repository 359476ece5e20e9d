"""What looks like a card and is not one: navigation, promotion, assignment instructions — and fronts that need the
sentence before them.

Every card the rules make passes `why_not` before it is kept; when it returns a reason, the card is dropped and a
`not-a-card` warning says why (so `studykit check --cards` shows the learner what was left out and how to change it):
- navigation: a back that is mostly links (a table of contents, a repository's front page, a list of wikilinks),
  or only a list of questions or numbered outline entries (`7.1 …`, `7.2 …`) with no answers;
- promotion: a card under or named like "recommended projects", "关注公众号", "Star", "交流群", "赞赏", …;
- instructions: a card under a study plan, a practice checklist or an answer template (练习建议, 回答结构,
  "Practice Order"), of a template note (`practice_questions_template.md`) or a picture folder's README; a card of
  an assignment page (`(10 points)`, "submission", "deadline", "作业提交", …) or of a setup/installation/deployment
  note (`aws_rds_setup.md`);
- motivation: a section on why the note was written (`Why this matters`, 写在前面);
- example data: a table whose cells are mostly numbers (a dataset's first rows, a confusion matrix) — `table_is_data` —
  or whose rows are named by a time step or stage (`t=1`, `t=2`, `Day 3`: a worked example or a plan) —
  `index_column` (a `序号`/`#` column is skipped instead: the next column names the row).
`with_lead` gives a front that only makes sense with the sentence before it ("这句话怎么理解呢？") that sentence.
"""

from __future__ import annotations

import html
import re

LINKS_SHARE = 0.6  # of a back's visible text inside links: past this, the back is navigation

_LINK = re.compile(r"<a\b[^>]*>(.*?)</a>|<span class=\"wikilink\">(.*?)</span>", re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_PICTURE_LINK = re.compile(r"<img\b|class=\"missing-picture\"|codecogs\.com|latex\.codecogs|eqnedit")
_PROMOTION = re.compile(r"推荐(?:项目|阅读|资源|课程|书籍)|公众号|关注(?:我|我们)|交流群|加群|微信群|知识星球|"
                        r"赞赏|打赏|赞助|"
                        r"广告|星标|点个\s*star|\bstar\b.*\b(?:repo|project|us)\b|\bsponsor|\bbuy me a coffee|"
                        r"\brecommended (?:projects|repos|repositories)\b|\bcontribut(?:e|ing|ors)\b|\blicen[cs]e\b|"
                        r"\bstar history\b|\bfollow (?:me|us)\b|\bsubscribe\b", re.IGNORECASE)
_INSTRUCTIONS = re.compile(r"\(\s*\d+\s*(?:points?|pts|marks)\s*\)|（\s*\d+\s*分\s*）|\bsubmission\b|\bsubmit\b|"
                           r"\bdeadline\b|\bdue date\b|\bgrading\b|\bhand in\b|作业提交|提交作业|截止日期|评分标准",
                           re.IGNORECASE)
# a study plan, a practice checklist or a template is instructions for the learner, not knowledge to recall
_PLAN = re.compile(r"练习(?:建议|计划|安排|清单)|学习(?:建议|计划|路线|路径|安排)|回答结构|答题(?:结构|模板)|刷题计划|"
                   r"\banswer structure\b|\b(?:recommended )?practice (?:order|plan|schedule|suggestions?|tips)\b|"
                   r"\bstudy (?:plan|schedule|guide)\b|\blearning (?:path|plan|roadmap)\b|\bnext steps\b",
                   re.IGNORECASE)
_MOTIVATION = re.compile(r"\bwhy (?:this|it|these|that)(?: \w+){0,2} matters?\b|\bwhy (?:should (?:i|you) care|"
                         r"learn (?:this|it))\b|为什么要写这(?:篇|个)|写在前面|"
                         r"为什么要学(?:习)?(?:这|它)", re.IGNORECASE)
# about the exam, not the subject: what past papers asked, the syllabus, project ideas to try
# `09-interview-tips/index.md`, `behavioral-interview/`, `面试技巧.md`: advice for the interview, not the subject
_ADVICE_PATH = re.compile(r"(?:^|[/_\-\s\d])(?:interview[_\-\s]?tips|behaviou?ral[_\-\s]?interviews?|"
                          r"career[_\-\s]?advice|面试技巧|面试经验|面试心得|求职技巧|求职经验|行为面试)(?:[/_.\-\s]|$)",
                          re.IGNORECASE)
# `java25_curriculum.md`, `ML-roadmap.md`, `学习路线.md`: a course's plan (Topics, Mini project, Goal), not notes
_CURRICULUM_FILE = re.compile(r"(?:^|[/_\-\s])(?:curriculum|roadmap|study[_\-\s]?plan|学习路线|学习计划)[^/]*$",
                              re.IGNORECASE)
_EXAM_META = re.compile(r"\b(?:previous|past) (?:\w+ ){0,2}patterns?\b|\bexam (?:patterns?|"
                        r"tips?|format|strategy)\b|\bsyllabus\b|\b(?:mini[- ])?project ideas\b|考纲|考试大纲|"
                        r"真题(?:分布|统计)", re.IGNORECASE)
# a file that is not study notes: a bibliography, a chat log kept in the vault
_NOT_NOTES_FILE = re.compile(r"(?:^|/)(?:bibliography|references|参考文献|claude|agents|gemini|copilot-instructions|"
                             r"contributing|changelog|change_log|code_of_conduct|license)"
                             r"\.(?:md|markdown)$|"
                             r"(?:^|/)[^/]*(?:chatgpt|chat with|chat log|conversation with)[^/]*$|"
                             r"(?:^|/)(?:resume|résumé|cv|简历)(?:/|[._ -][^/]*$)", re.IGNORECASE)
_TEMPLATE_FILE = re.compile(r"(?:^|[/_\-\s])(?:template|templates|模板)(?:[._\-\s]|$)|"
                            r"(?:^|/)(?:images?|imgs?|assets|figures?|pictures?|media|static|attachments?)/"
                            r"(?:readme|index)\.(?:md|markdown)$", re.IGNORECASE)  # how a picture folder is kept
# a setup note is named like a file of a repository's docs (`aws_rds_setup.md`, `INSTALL.md`, `环境配置.md`); a note
# titled in words ("Service and Deployment Models", "Ways to Install Apps in Linux") is knowledge about the subject
_SETUP_FILE = re.compile(r"(?:^|/)(?:[^/\s]*[_\-.])?(?:setup|install|installation|deploy|deployment|环境配置|"
                         r"环境搭建)(?:[_\-.][^/\s]*)?\.(?:md|markdown)$",
                         re.IGNORECASE)
_DEICTIC = re.compile(r"^(?:这句话|这段话|这句|这段|这个|这些|这里|这种|这样|这是|上面|上述|以上|前面|它|其|此|"
                      r"(?:this|that|these|those|it|why is that|how so)\b)", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|(?<=\.)\s")


# a heading of a repository's or a vault's front page (README/index): how to use it, what is in it, why it exists
_FRONT_PAGE_FILE = re.compile(r"(?:^|/)(?:readme|index|home|主页|首页)\.(?:md|markdown)$", re.IGNORECASE)
_FRONT_PAGE_HEADING = re.compile(r"^[^\w]*(?:how to use(?: this| it)?(?: (?:repo|repository|vault|notes?))?|usage|"
                                 r"purpose|contents?|table of contents|structure|(?:repository|repo|folder|vault|"
                                 r"directory|file) structure|installation|install|getting started|quick ?start|about|"
                                 r"about (?:this|the) (?:repo|repository|vault|project|notes)|features|overview|"
                                 r"使用方法|使用说明|如何使用|目录|目录结构|项目结构|文件结构|简介|项目简介|说明|关于)"
                                 r"\s*[:：]?$", re.IGNORECASE)
# a "Related" / "See also" section: links to other notes, not knowledge
_RELATED_HEADING = re.compile(r"^[^\w]*(?:related(?: terms| concepts| notes| topics| links| pages)?|see also|"
                              r"相关(?:概念|笔记|链接|内容|主题|知识点)?|另见|参见|references?|bibliography|"
                              r"further reading|参考(?:文献|资料|链接)?|延伸阅读)\s*[:：]?$", re.IGNORECASE)
# `## 📖 学习资源推荐`, `### 前端学习资源`, `## Resources`, `### Recommended Books`: what to read, not what it says
_RESOURCES_HEADING = re.compile(r"^[^\w]*(?:[\w\u4e00-\u9fff]{0,6}(?:学习资源|资源推荐|推荐资源|学习资料|"
                                r"资料推荐|推荐书籍|书籍推荐|参考书籍|推荐课程|课程推荐|推荐教程|教程推荐)(?:推荐)?|"
                                r"(?:learning |further |recommended |additional |useful |other )?resources|"
                                r"recommended (?:books|reading|courses|tools)|books|courses|reading list|"
                                r"tools (?:and|&) resources)\s*[:：]?$", re.IGNORECASE)
_ANALOGY = re.compile(r"\banalog(?:y|ies)\b|\bmetaphors?\b|类比|比喻|打个比方|想象一下|形象(?:地)?(?:理解|比喻)|"
                      r"生活中的例子|通俗(?:地)?(?:理解|解释)|\bmemory aid\b|记忆(?:技巧|方法|口诀)",
                      re.IGNORECASE)
# a list introduced as a picture (`想象声音在管道中传播：`, `Imagine a chess grandmaster …:`): its items are the
# analogy's parts, not terms
ANALOGY_LEAD = re.compile(r"^(?:想象|设想|好比|就像|打个比方|比如说|类比|imagine|think of|picture this|"
                          r"consider an analogy)", re.IGNORECASE)
# a list introduced as one example's values (`考虑一个三层神经网络：` then `- **隐藏层**：3 个神经元`)
EXAMPLE_LEAD = re.compile(r"^(?:考虑一个|考虑如下|假设有一个|假设有|假设一个|举个例子|举例来说|以[^，。：]{1,20}为例|"
                          r"consider (?:a|an|the following)\b|suppose (?:we have|that we have|there is)|"
                          r"for example|let'?s say|take (?:a|an)\b)[^。.!?]*[:：]\s*$", re.IGNORECASE)
# a section that is a worked example (`### Example 1`, `Real-world Example`, `实际例子`, `示例 2`): its bold labels
# (`**Input**`, `**Output**`, `**Scenario**`) are the example's parts, not things to recall
_EXAMPLE_HEADING = re.compile(r"^[^\w]*(?:\d+(?:\.\d+)*[.)、]?\s*)?(?:(?:a |an )?(?:real[- ]world |worked |practical |"
                              r"concrete |simple |programmatic |code |numerical )?examples?|"
                              r"(?:实际|具体|简单|数值|计算|代码)?(?:例子|示例|样例|例题|举例)|例|"
                              r"(?:a )?(?:real[- ]world )?scenario|case study|walkthrough|use case example)"
                              r"\s*(?:\d+|[一二三四五六七八九十]+)?\s*(?:[:：—-].*)?$", re.IGNORECASE)

# a field of a note's or a question's header (`**Year:** 2023`, `**难度：** 中等`, `**来源：** 字节跳动`): with a short
# value it is metadata, not knowledge (a long value is judged as any label is)
_METADATA = frozenset("""year date created updated modified author authors correction difficulty company companies
frequency priority rating tags 日期 创建时间 更新时间 作者 出处 题目来源 原文链接 难度 难易程度 标签 公司
出现频率 考察频率 考频 优先级 星级 评分 负责人 贡献者 维护者 编辑 审核 contributors contributor maintainer
maintainers""".split())
# words that are also knowledge (`**Type:** Additive colour model` under RGB): metadata only when the value is a number,
# a date or a citation (`**Source:** TD 5 - Exercice 1`, `**来源：** 2019 字节`)
_METADATA_WEAK = frozenset("type source sources status level category time link 类型 来源 分类 状态 时间 链接".split())
METADATA_FIELDS, WEAK_METADATA_FIELDS = _METADATA, _METADATA_WEAK  # (also read by studykit.notes.fields)
_METADATA_VALUE = 40  # characters of the back's text, at most
_CREDITS = re.compile(r"^(?:负责人|贡献者|维护者|作者|编者|contributors?|maintainers?|authors?)(?:[/、（(\s]|$)")
_DIGIT = re.compile(r"\d")


def _metadata(front_text: str, back: str) -> bool:
    label = front_text.strip(" :：").lower()
    if _CREDITS.match(label):
        return True  # `负责人/贡献者（排名不分先后）`: who wrote it
    if label not in _METADATA and label not in _METADATA_WEAK:
        return False
    value = _text(back)
    return len(value) <= _METADATA_VALUE and (label in _METADATA or _DIGIT.search(value) is not None)


_PROMOTED = "promotion (recommended projects, follow/star/sponsor), not knowledge"
_INSTRUCTED = "assignment instructions (points, submission, deadline), not knowledge"
_MOTIVATED = "why the note was written (why this matters), not knowledge"


def section_reason(where: str) -> str:
    """Why nothing under `where` (file › title › headings) is a card, or "" (promotion, instructions, a setup note)."""
    if _PROMOTION.search(where):
        return _PROMOTED
    if _INSTRUCTIONS.search(where) or _SETUP_FILE.search(where.split(" › ")[0]) or \
            ("to " in where.lower() and any(_HOW_TO_RUN.match(part) for part in where.split(" › ")[1:])):
        return _INSTRUCTED
    if _MOTIVATION.search(where):
        return _MOTIVATED
    if _NOT_NOTES_FILE.search(where.split(" › ")[0]):
        return "a bibliography, a chat log or a repository's own file (CLAUDE.md, CHANGELOG.md), not notes to recall"
    if _EXAM_META.search(where):
        return "about the exam (past papers' patterns, the syllabus, project ideas), not knowledge"
    if _ADVICE_PATH.search(where.split(" › ")[0]):
        return "advice on interviewing or a career (how to prepare, behave, negotiate), not knowledge"
    if _PLAN.search(where) or _TEMPLATE_FILE.search(where.split(" › ")[0]) or \
            _CURRICULUM_FILE.search(where.split(" › ")[0]):
        return "a study plan, practice checklist or template (instructions for the learner), not knowledge"
    parts = where.split(" › ")
    headings = parts[2:]
    if any(_RELATED_HEADING.match(h) for h in headings):
        return "a list of related notes (navigation), not knowledge"
    if any(_RESOURCES_HEADING.match(h) for h in headings):
        return "a list of resources to read or use (books, courses, documentation, tools), not knowledge"
    if _FRONT_PAGE_FILE.search(parts[0]) and any(_FRONT_PAGE_HEADING.match(h) for h in headings):
        return "a repository's front page (how to use it, what it holds), not knowledge"
    return ""


def analogy_reason(where: str) -> str:
    """Why the terms and questions under `where` are not cards (""): a section that tells an analogy (its tables may
    still hold facts, and are judged by `table_is_example`)."""
    headings = where.split(" › ")[2:]
    if any(_ANALOGY.search(h) for h in headings):
        return "an analogy (a picture to understand with), not a fact to recall"
    if any(_EXAMPLE_HEADING.match(h) for h in headings):
        return "a worked example (its input, output and steps), not a fact to recall"
    return ""


CODE_LINES = 12  # lines of a code block that is a term's whole answer: past this, a listing to read, not recall
_PRE = re.compile(r"^<pre\b[^>]*>(.*)</pre>$", re.DOTALL)


def code_listing(back: str) -> str | None:
    """Why a term whose whole answer is one long code block (`**A. Spam Detection**` then a 20-line function) is not
    a card, or None: a listing is an example to read, not something to recall."""
    match = _PRE.match(back.strip()) if back.lstrip().startswith("<pre") else None
    if match is None or "<pre" in match.group(1):
        return None
    lines = match.group(1).strip().count("\n") + 1
    return f"its answer is only a code listing ({lines} lines): an example to read, not something to recall" \
        if lines > CODE_LINES else None


_LATIN = re.compile(r"[A-Za-z]")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def translation(front: str, back: str) -> str | None:
    """Why a term whose whole answer is its name in the other language (`**Recall**: 召回率`, `**正则化**：
    Regularization`) is not a card, or None: a word list, not an explanation. (Asked only in a section of key terms
    or a glossary: `**Sigmoid：** 饱和` elsewhere is a property, however short.)"""
    name, answer = _text(front), _text(back)
    if not answer or len(answer) > 16 or any(mark in answer for mark in "，。,.;；:：=()（）"):
        return None
    if _LATIN.search(name) and not _CJK.search(name) and _CJK.search(answer) and not _LATIN.search(answer) \
            and len(answer) <= 8:
        return "its answer is only its name in another language (a word list), not an explanation"
    if _CJK.search(name) and not _LATIN.search(name) and _LATIN.search(answer) and not _CJK.search(answer) \
            and len(answer.split()) <= 3:
        return "its answer is only its name in another language (a word list), not an explanation"
    return None


def is_example_heading(text: str) -> bool:
    """A heading that names a worked example (`Example 1`, `Real-world Example`, `实际例子`)."""
    return _EXAMPLE_HEADING.match(text) is not None


def _text(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


# a link back to the top of the page (`**[⬆ Back to Top](#table-of-contents)**`): navigation, whatever follows it
_TO_TOP = re.compile(r"^\W*(?:back to (?:the )?(?:top|contents|index|toc)|to top|top|"
                     r"返回顶部|回到顶部|返回目录|回到目录)\W*$", re.IGNORECASE)


# `**`import numpy as np`**: …`, `**`T = np.array(...)`**`, `**`max_index[0] + 1`**`: a walkthrough of the notes' code
_CODE_STATEMENT = re.compile(r"^\s*(?:import |from \S+ import )|^\s*[\w.\[\]'\", ]+?\s+=\s+\S|\S\s[-+*/%]\s\S")
# `Next lecture: Where does the error come from?`, `下一讲：…`: where to read on, not knowledge
_NEXT_PART = re.compile(r"^\W*(?:(?:next|previous|prev)\s+(?:lecture|chapter|section|note|lesson|part|class|week|"
                        r"topic|post|video)\b|下一[讲章节课篇集]|上一[讲章节课篇集])", re.IGNORECASE)
# `To run this script`, `How to Run`: running the notes' own code, not knowledge
_HOW_TO_RUN = re.compile(r"^(?:how to|to) (?:run|install|set ?up|launch|execute)"
                         r"(?: (?:this|the|it|our)(?: [\w.-]+){0,3})?\s*[?:：]?$", re.IGNORECASE)


def why_not(front: str, back: str, where: str, where_reason: str | None = None) -> str | None:
    """Why the card with this front and back (HTML) under `where` (its file and heading path, as text) is not a card.
    `where_reason`, when given, is `section_reason(where)` already worked out (it is the same for a whole section)."""
    reason = where_reason if where_reason is not None else section_reason(where)
    if reason:
        return reason
    front_text = _text(front) if "<" in front or "&" in front else front
    if _PROMOTION.search(front_text):
        return _PROMOTED
    if _INSTRUCTIONS.search(front_text):
        return _INSTRUCTED
    if _MOTIVATION.search(front_text):
        return _MOTIVATED
    if _TO_TOP.match(front_text) or (front.startswith('<a href="#') and front.endswith("</a>")
                                     and front.count("<a ") == 1):
        return "a link within the page (back to top), not something to recall"
    if front.startswith("<code>") and front.endswith("</code>") and front.count("<code>") == 1 and \
            _CODE_STATEMENT.search(html.unescape(front[6:-7])):
        return "a line of a code walkthrough (an import, an assignment, an expression), not a term"
    if _NEXT_PART.match(front_text):
        return "a pointer to the next or previous part (navigation), not something to recall"
    if _HOW_TO_RUN.match(front_text):
        return _INSTRUCTED
    if _metadata(front_text, back):
        return "a field of the note's header (year, source, difficulty), not knowledge"
    if "<a " in back or 'class="wikilink"' in back:
        visible = len(_text(back))
        linked = sum(len(_text(m.group(1) or m.group(2) or "")) for m in _LINK.finditer(back)
                     if not _PICTURE_LINK.search(m.group(0)))  # a formula picture linked to its editor is no link
        if visible and linked / visible >= LINKS_SHARE:
            return "its answer is mostly links (a table of contents or a list to read), not something to recall"
    if back.startswith(("<ul", "<ol")) and _only_questions(back):  # only a list: nothing may stand outside it
        return "its answer is a list of questions with no answers (a table of contents)"
    return None


_ITEM = re.compile(r"<li>(.*?)</li>", re.DOTALL)
_OUTLINE = re.compile(r"^\d+(?:\.\d+)+\s")  # `7.3.1 方法一`: a numbered outline


def _only_questions(back: str) -> bool:
    """A back that is nothing but a list whose items are all questions or numbered outline entries (an index)."""
    from studykit.notes.rules.tokens import is_question

    items = [_text(m.group(1)) for m in _ITEM.finditer(back)]
    outside = _text(_ITEM.sub(" ", back))
    return len(items) >= 1 and not outside and all(item and len(item) <= 80  # an entry, not an explanation
                                                   and (is_question(item) or _OUTLINE.match(item))
                                                   for item in items)


# a row named by a value or a condition (`0 ≤ x₁ ≤ 3`, `-100`, `> 0.5`): a worked example, not a thing to recall
_VALUE = re.compile(r"[\s$\\()]*[-−+]?\d[\d\s.,%]*(?:[≤≥<>=]|\\le|\\ge).*|[\s$]*[≤≥<>=]+\s*[-−+]?\d.*|"
                    r".*(?:[≤≥<>=]|\\le|\\ge)\s*[-−+]?\d[\d\s.,%$]*")
# a row or label named by a placeholder (`Algorithm A`, `Model 2`, `模型A`, `学生甲`): an example's cast
_PLACEHOLDER = re.compile(r"(?:algorithm|model|method|option|case|scenario|student|person|user|group|team|company|"
                          r"candidate|classifier|system|approach|plan|experiment|sample|patient|"
                          r"方案|模型|算法|方法|学生|同学|情况|场景|样本|用户|实验|组|公司|候选人|病人|患者)\s*"
                          r"(?:[A-Za-z]|\d{1,2}|[一二三四五甲乙丙丁])", re.IGNORECASE)


def is_example_name(text: str) -> bool:
    """A name that belongs to a worked example: a value or condition (`0 ≤ x₁ ≤ 3`), a placeholder (`Algorithm
    A`, `模型A`)."""
    text = text.strip().strip("*_ ")
    return bool(text) and (_VALUE.fullmatch(text) is not None or _PLACEHOLDER.fullmatch(text) is not None)


# `| Input(X) | Output(y) | Application |`, `| word | context | target? |`: example inputs and their outputs
_INPUT_HEADER = re.compile(r"^(?:inputs?|x|word|words|sentence|text|example|examples|sample|samples|输入|样例|样本|"
                           r"例子|示例)\s*(?:[(（][^)）]{1,12}[)）])?$", re.IGNORECASE)
_OUTPUT_HEADER = re.compile(r"^(?:outputs?|y|targets?|labels?|predictions?|predicted|输出|标签|预测)\s*[?？]?\s*"
                            r"(?:[(（][^)）]{1,12}[)）])?$", re.IGNORECASE)


def table_is_example(header: list[str], rows: list[list[str]]) -> str:
    """Why a table is part of an example rather than facts (""): an analogy table, rows named by values or
    placeholders."""
    if any(_ANALOGY.search(_text(h)) for h in header):
        return "of an analogy (a picture to understand with, not facts)"
    if header and _INPUT_HEADER.match(_text(header[0])) and any(_OUTPUT_HEADER.match(_text(h)) for h in header[1:]):
        return "of examples (inputs and what they map to, not facts to recall)"
    firsts = [_text(row[0]) for row in rows if row]
    if len(firsts) >= 2 and sum(is_example_name(c) for c in firsts) >= LINKS_SHARE * len(firsts):
        return "of an example (rows named by values or placeholders such as Algorithm A)"
    if _repeats([_text(row[0]) for row in rows if row]):
        return "of records (its first column repeats its values: a dataset's rows, not things to recall)"
    return ""


def _repeats(cells: list[str]) -> bool:
    """Whether a column repeats its values as a dataset's does (`青年`, `青年`, `中年`, …): four or more named rows,
    at most 70 % of them distinct, one value three times or more (`bmatrix` and `Bmatrix` are two things)."""
    named = [c for c in cells if c]
    return len(named) >= 4 and len(set(named)) <= 0.7 * len(named) and max(map(named.count, set(named))) >= 3


def grouping_column(rows: list[list[str]]) -> bool:
    """Whether a table's first column groups its rows (`| Numeric | INT | … |`, `| Numeric | FLOAT | … |`) while
    its second names each row once: then the second column names the cards."""
    if not rows or min(len(row) for row in rows) < 3 or not _repeats([_text(row[0]) for row in rows]):
        return False
    seconds = [_text(row[1]) for row in rows]
    return all(seconds) and len(set(seconds)) == len(seconds) and not any(_index_cell(c) for c in seconds)


def _is_link(cell: str) -> bool:
    match = _LINK.search(cell)
    return match is not None and len(_text(match.group(1) or match.group(2) or "")) >= 0.6 * len(_text(cell))


def table_is_navigation(rows: list[list[str]]) -> bool:
    """Whether a table's body rows (cells as HTML) are a table of contents: most rows hold a link and nothing else
    longer than a chapter number or a short name (a formula is content: `| [[Edge list]] | $O(|E|)$ |`)."""
    def navigation(row: list[str]) -> bool:
        return any(_is_link(c) for c in row) and all(_is_link(c) or (len(_text(c)) <= 20 and "\\(" not in c)
                                                      for c in row)

    return len(rows) >= 2 and sum(navigation(r) for r in rows) >= LINKS_SHARE * len(rows)


_MATH_CELL = re.compile(r"\s*(?:\\\(.*?\\\)|\$[^$]+\$)\s*")  # a cell that is one formula and nothing else
_NUMERIC = re.compile(r"[\s$€¥£%+\-−.,:×x/()\d^eE]*\d[\s$€¥£%+\-−.,:×x/()\d^eE]*")
# what a measured value carries around its digits: maths markup (`$28\times28\times256$`), a unit (`185 ms`,
# `3.4GB`, `1.5GHz`); a missing value (`-`, `N/A`) is not counted
_VALUE_MARKUP = re.compile(r"\\(?:times|cdot|approx|sim|le|ge|leq|geq|pm|mathrm|text)(?![a-zA-Z])|\\[()\[\]]|[{}~≈±]")
_UNIT = re.compile(r"(?<=[\d\s])(?:ms|μs|us|ns|s|sec|min|h|kb|mb|gb|tb|k|m|b|g|t|ghz|mhz|fps|it/s|flops|gflops|"
                   r"tflops|params|层|个|次|秒|毫秒|元|倍)(?=[\s/)]|$)", re.IGNORECASE)
_MISSING = frozenset({"-", "—", "–", "n/a", "na", "/", "×", "✗", "无"})


def _value(cell: str) -> bool:
    """Whether a cell is a measured value (`76.1`, `185 ms`, `$14\times14\times512$`), not words; in maths only a
    size (`\times`) is one: `$(0,1)$` is a range to remember."""
    if "\\(" in cell and "\\times" not in cell:
        return False
    return _NUMERIC.fullmatch(_UNIT.sub(" ", _VALUE_MARKUP.sub(" ", cell))) is not None


def table_is_data(rows: list[list[str]]) -> bool:
    """Whether a table is example data (a dataset's first rows, a confusion matrix): most cells after the first
    column are numbers — or every cell is maths (`| $\\partial x_{1,1}$ | $k_{2,1}$ | 0 |`: a worked example's
    values, while a table of symbols names them in words) — so its rows are not facts to recall."""
    cells = [_text(c) for row in rows for c in row[1:]]
    filled = [c for c in cells if c]
    if len(filled) >= 2 and sum(1 for c in filled if _NUMERIC.fullmatch(c)) >= LINKS_SHARE * len(filled):
        return True
    measured = [c for c in filled if c.lower() not in _MISSING]  # a matrix of measurements (`185 ms`, `14×14×512`
    if rows and min(len(r) for r in rows) >= 4 and len(measured) >= 6 and \
            sum(1 for c in measured if _value(c)) >= LINKS_SHARE * len(measured):  # in three columns or more)
        return True
    firsts = [_text(row[0]) for row in rows if row]
    return len(filled) >= 4 and len(firsts) >= 5 and all(_MATH_CELL.fullmatch(c) or _NUMERIC.fullmatch(c)
                                                        for c in filled + firsts)


_INDEX = re.compile(r"(?:(?:t|n|k|i|step|day|epoch|level|round|iter(?:ation)?|stage|week|phase|第)\s*[=:：]?\s*)?"
                    r"[\d.]+\s*(?:步|天|轮|次|周|层|级)?|\.{2,}|…+", re.IGNORECASE)
_NUMBERING = re.compile(r"#|no\.?|nr\.?|num(?:ber)?|index|idx|id|rank|序号|编号|排名|序|号", re.IGNORECASE)


def _index_cell(cell: str) -> bool:
    text = _text(cell).replace("\\(", "").replace("\\)", "").strip("$ ")
    return bool(text) and _INDEX.fullmatch(text) is not None


def index_column(header: str, rows: list[list[str]]) -> str:
    """What a table's first column is when its cells are mostly indices (`1`, `2`, `t=3`, `Day 4`, `…`):
    "numbering" when its header says so (`序号`, `#`, `No.`: the second column names the row), "steps" when it
    is a time step or a stage (`t`, `Day`, `Level`: the rows are a worked example or a plan, not facts), else ""."""
    firsts = [row[0] for row in rows if row]
    if len(firsts) < 2 or sum(_index_cell(c) for c in firsts) < LINKS_SHARE * len(firsts):
        return ""
    return "numbering" if _NUMBERING.fullmatch(_text(header).strip()) else "steps"


def needs_lead(front: str) -> bool:
    """Whether a front points at the sentence before it (`这句话怎么理解呢？`, `Why is that?`)."""
    text = _text(front) if "<" in front or "&" in front else front
    return len(text) <= 40 and _DEICTIC.match(text) is not None


def lead_sentence(paragraph_text: str, limit: int = 160) -> str:
    """The last sentence or two of the paragraph before a card, at most `limit` characters."""
    text = " ".join(paragraph_text.split())
    if len(text) <= limit:
        return text
    sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
    out = ""
    for sentence in reversed(sentences):
        if out and len(sentence) + len(out) > limit:
            break
        out = sentence.strip() + ("" if not out else " " + out)
    return out[-limit:] if len(out) > limit else out
