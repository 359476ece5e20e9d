"""Benchmark: `studykit build` on two corpora of 20 notes, each against its own floor: a minimal genanki script.

Corpora (pick with --corpus; both by default):
- bullets: 20 notes × 500 one-line term bullets with inline maths (10,000 term cards);
- sections: notes shaped like real ones — 20 notes × 500 question sections, each a heading, a paragraph with
  inline maths, bold and code, a two-line display block with `\\\\`, and a two-item list; plus per note a few
  bold-term bullets, a bold label with a list, one table and a picture (10,000 question cards and more).

The floor writes the same notes with genanki and nothing else: for `bullets` the term and its Markdown text, for
`sections` the very fronts and backs studykit makes (same HTML), so the ratio is what studykit adds. Every run is a
fresh process, best of --repeat; the figures to quote are ratios measured in the same run.

Timed, each corpus with its own notes cache (STUDYKIT_CACHE_DIR):
- cold: `--no-cache`, every note parsed (a first build; also what a build costs without the cache);
- after editing one note: the cache holds the other 19 (the everyday rebuild while writing notes);
- unchanged: nothing edited since the last build;
- `studykit check`, cold and after editing one note; peak memory (largest process) of a cold build.

A third corpus, `many`, is about the number of notes rather than their size: 500 and then 5,000 one-card notes
(in 50 folders, so 50 subdecks and a deck per note), each built cold (`--no-cache`). Targets: 5,000 notes in
< 20 s on 2 cores, and 5,000 ≤ 14 × 500 (linear in notes).

A fourth, `lines`, is about one hard line: `studykit check --no-cache` of a note holding 2,000 unclosed `{{c1::`
openers, or 100,000 `![`, `[a](` or `[` on one line (target: the cloze line in < 3 s; every rule linear, so the
others grow linearly with the line: 50,000 of them are timed too, and the ratio printed).

    python bench/bench_build.py [--repeat 3] [--corpus bullets|sections|many|lines|both|all]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

FILES, CARDS_PER_FILE = 20, 500
PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


def make_bullets(root: Path) -> list[tuple[str, str]]:
    """20 notes × 500 term bullets (with inline maths); returns the (front, back) pairs for the floor script."""
    pairs = []
    for f in range(FILES):
        lines = [f"---\ntitle: 笔记 {f}\ntags: [bench]\n---\n# 笔记 {f}\n"]
        for section in range(10):
            lines.append(f"\n## 第 {section} 节\n")
            for i in range(CARDS_PER_FILE // 10):
                term = f"术语{f}-{section}-{i}"
                back = f"解释 {i}：$z_{{{i}}} = W a + b$，以及 **重点** 与 `code_{i}`"
                lines.append(f"- **{term}：** {back}")
                pairs.append((term, back))
        (root / f"note{f:02d}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return pairs


def make_sections(root: Path) -> list[tuple[str, str]]:
    """20 notes shaped like real ones; returns the fronts and backs studykit makes of them (the floor's HTML)."""
    (root / "img").mkdir()
    (root / "img" / "fig.png").write_bytes(PNG)
    for f in range(FILES):
        lines = [f"---\ntitle: 第 {f} 章\ntags: [bench]\n---\n# 第 {f} 章\n",
                 "![网络结构](img/fig.png)\n",
                 "| 函数 | 值域 | 导数 |\n|---|---|---|\n| sigmoid | $(0,1)$ | $\\sigma(1-\\sigma)$ |\n"
                 "| tanh | $(-1,1)$ | $1-\\tanh^2$ |\n| ReLU | $[0,\\infty)$ | $\\mathbb{1}[x>0]$ |\n",
                 "**优点：**\n\n- 计算简单\n- 收敛快\n",
                 "- **梯度消失：**深层网络中梯度逐层变小\n- **梯度爆炸**：梯度逐层变大\n"]
        for i in range(CARDS_PER_FILE):
            lines.append(
                f"## {f}.{i} 为什么第 {i} 层需要激活函数？\n\n"
                f"没有激活函数，第 {i} 层的输出 $z_{{{i}}} = W_{{{i}}} a + b$ 仍是**线性**的，见 `layer_{i}`。\n\n"
                f"$$\na_{{{i}}} = W x + b \\\\\nz_{{{i}}} = \\sigma(a_{{{i}}})\n$$\n\n"
                f"- 复合的线性仍是线性\n- 非线性让网络能拟合 **任意** 函数\n")
        (root / f"note{f:02d}.md").write_text("\n".join(lines), encoding="utf-8")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from studykit.deck.package import front_field
    from studykit.notes import parse_paths

    return [(front_field(c.context, c.front), c.back) for note in parse_paths([root]) for c in note.cards]


CORPORA = {"bullets": (make_bullets, "- **新术语{run}：** 新的解释 $x_{run}$\n"),
           "sections": (make_sections, "## 新问题 {run}？\n\n新的回答 $x_{run}$。\n")}

FLOOR = textwrap.dedent('''
    import genanki, json, sys
    pairs = json.load(open(sys.argv[1], encoding="utf-8"))
    model = genanki.Model(1, "Basic", fields=[{"name": "Front"}, {"name": "Back"}],
                          templates=[{"name": "Card 1", "qfmt": "{{Front}}", "afmt": "{{Back}}"}])
    deck = genanki.Deck(2, "bench")
    for front, back in pairs:
        deck.add_note(genanki.Note(model=model, fields=[front, back], guid=genanki.guid_for(front)))
    genanki.Package(deck).write_to_file(sys.argv[2])
''')

# markdown-it-py alone over the same notes: what a cold build cannot go below (its tokenizer is the parse's bulk)
PARSE = textwrap.dedent('''
    import sys, time
    from pathlib import Path
    texts = [p.read_text(encoding="utf-8") for p in sorted(Path(sys.argv[1]).rglob("*.md"))]
    from markdown_it import MarkdownIt
    md = MarkdownIt("commonmark")
    cpu, wall = time.process_time(), time.perf_counter()
    for text in texts:
        md.parse(text)
    print(time.process_time() - cpu, time.perf_counter() - wall)
''')


def bare_parse(folder: Path, script: Path, repeat: int) -> tuple[float, float, float]:
    """(CPU, wall of the parse alone, wall of the whole process), best of `repeat`, of markdown-it-py's own
    `MarkdownIt("commonmark").parse` of every note in `folder`, in one fresh process."""
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        out = subprocess.run([sys.executable, str(script), str(folder)], check=True, capture_output=True, text=True)
        total = time.perf_counter() - started
        cpu, wall = (float(x) for x in out.stdout.split())
        runs.append((cpu, wall, total))
    return min(r[0] for r in runs), min(r[1] for r in runs), min(r[2] for r in runs)


def best(command: list[str], repeat: int, env: dict | None = None, before=None) -> float:
    times = []
    for run in range(repeat):
        if before:
            before(run)
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env={**os.environ, **(env or {})})
        times.append(time.perf_counter() - started)
    return min(times)


def peak_memory_mb(command: list[str]) -> float:
    """The largest resident size of any process of `command` (the build and its workers), in MB."""
    code = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, "
            "stderr=subprocess.DEVNULL); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    out = subprocess.run([sys.executable, "-c", code, *command], check=True, capture_output=True, text=True)
    return int(out.stdout) / 1024


def run_corpus(name: str, repeat: int) -> list[tuple[str, float, float]]:
    make, new_text = CORPORA[name]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        notes = root / "notes"
        notes.mkdir()
        pairs = make(notes)
        (root / "pairs.json").write_text(json.dumps(pairs, ensure_ascii=False), encoding="utf-8")
        (root / "floor.py").write_text(FLOOR, encoding="utf-8")
        (root / "parse.py").write_text(PARSE, encoding="utf-8")
        edited = notes / "note07.md"
        original = edited.read_text(encoding="utf-8")

        def edit(run: int) -> None:  # a new card at the end of one note, different on every run
            edited.write_text(original + "\n" + new_text.format(run=run), encoding="utf-8")

        build = [sys.executable, "-m", "studykit", "build", str(notes), "-o", str(root / "sk.apkg")]
        check = [sys.executable, "-m", "studykit", "check", str(notes)]
        warm_cache = {"STUDYKIT_CACHE_DIR": str(root / "cache-warm")}
        subprocess.run(build, check=True, stdout=subprocess.DEVNULL, env={**os.environ, **warm_cache})  # fill it

        floor = best([sys.executable, str(root / "floor.py"), str(root / "pairs.json"), str(root / "floor.apkg")],
                     repeat)
        parse_cpu, parse_wall, parse_process = bare_parse(notes, root / "parse.py", repeat)
        cold = best(build + ["--no-cache"], repeat)
        one_edit = best(build, repeat, warm_cache, before=edit)
        edited.write_text(original, encoding="utf-8")
        unchanged = best(build, repeat, warm_cache, before=lambda run: None)
        check_cold = best(check + ["--no-cache"], repeat)
        check_one = best(check, repeat, warm_cache, before=edit)
        memory = peak_memory_mb(build + ["--no-cache"])
    print(f"\n{name}: {len(pairs)} notes for the floor, {FILES} files; {os.cpu_count()} CPUs")
    print(f"floor (minimal genanki script, same notes): {floor:.2f} s")
    print(f"markdown-it-py alone, MarkdownIt('commonmark').parse of every note: {parse_cpu:.2f} s CPU, "
          f"{parse_wall:.2f} s wall ({parse_process:.2f} s with its process start and reading the notes)")
    print(f"  cold build ÷ (bare parse wall + floor) = {cold:.2f} / {parse_wall + floor:.2f} = "
          f"{cold / (parse_wall + floor):.2f}×   ≤ 1.2×")
    for label, seconds, target in (("build, cold (--no-cache)", cold, ""),
                                   ("build after editing one note", one_edit, "≤ 1.5×"),
                                   ("build, nothing changed", unchanged, "≤ 1.3×"),
                                   ("check, cold (--no-cache)", check_cold, ""),
                                   ("check after editing one note", check_one, "≤ 0.2 s")):
        print(f"  studykit {label:<30} {seconds:5.2f} s = {seconds / floor:4.2f}× the floor   {target}")
        rows.append((label, seconds, seconds / floor))
    print(f"  peak memory of a cold build (largest process): {memory:.0f} MB   ≤ 150 MB")
    return rows


def make_many(root: Path, count: int) -> None:
    """`count` one-card notes in 50 folders."""
    for i in range(count):
        folder = root / f"topic{i % 50:02d}"
        folder.mkdir(exist_ok=True)
        text = f"# 笔记 {i}\n\n## 问题 {i} 是什么？\n\n回答 {i}：$x_{{{i}}}$ 与 **重点**。\n"
        (folder / f"note{i:05d}.md").write_text(text, encoding="utf-8")


def run_many(repeat: int) -> dict[int, float]:
    """Cold builds of 500 and 5,000 one-card notes: build time must grow linearly in the number of notes."""
    times = {}
    with tempfile.TemporaryDirectory() as tmp:
        for count in (500, 5000):
            notes = Path(tmp) / f"n{count}"
            notes.mkdir()
            make_many(notes, count)
            build = [sys.executable, "-m", "studykit", "build", str(notes), "-o", str(Path(tmp) / f"n{count}.apkg"),
                     "--no-cache"]
            times[count] = best(build, repeat)
    print(f"\nmany: one-card notes, cold builds; {os.cpu_count()} CPUs")
    print(f"  500 notes: {times[500]:.2f} s;  5,000 notes: {times[5000]:.2f} s   < 20 s")
    print(f"  5,000 / 500 = {times[5000] / times[500]:.1f}×   ≤ 14×")
    return times


HARD_LINES = {"2,000 unclosed {{c1::": ("{{c1::a " * 2000, "{{c1::a " * 1000),
              "100,000 ![": ("![" * 100_000, "![" * 50_000),
              "100,000 [a](": ("[a](" * 100_000, "[a](" * 50_000),
              "100,000 [": ("[" * 100_000, "[" * 50_000)}


def run_lines(repeat: int) -> None:
    """`check --no-cache` of one note with one hard line, at two lengths (linear: about 2× for twice the line)."""
    print(f"\nlines: one note, one hard line, `check --no-cache`; {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        for label, (full, half) in HARD_LINES.items():
            seconds = []
            for k, line in enumerate((full, half)):
                folder = Path(tmp) / f"{list(HARD_LINES).index(label)}-{k}"
                folder.mkdir()
                (folder / "hard.md").write_text(f"# 难\n\n## 什么是难？\n\n答 {line}\n", encoding="utf-8")
                seconds.append(best([sys.executable, "-m", "studykit", "check", str(folder), "--no-cache"], repeat,
                                    {"STUDYKIT_PARSE_BUDGET": "0"}))
            print(f"  {label:<24} {seconds[0]:6.2f} s   (half the line: {seconds[1]:.2f} s, ratio "
                  f"{seconds[0] / seconds[1]:.1f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--corpus", choices=["bullets", "sections", "many", "lines", "both", "all"], default="both")
    args = parser.parse_args()
    names = {"both": ["bullets", "sections"], "all": ["bullets", "sections", "many", "lines"]}.get(args.corpus,
                                                                                                 [args.corpus])
    for name in names:
        if name == "many":
            run_many(args.repeat)
        elif name == "lines":
            run_lines(args.repeat)
        else:
            run_corpus(name, args.repeat)


if __name__ == "__main__":
    main()
