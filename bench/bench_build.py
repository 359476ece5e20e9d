"""Benchmark: `studykit build` on 10,000 cards in 20 files, against the floor of any genanki-based builder.

The floor is a minimal genanki script that writes the same 10,000 notes (front/back text already known,
no Markdown). Everything runs as fresh processes, best of --repeat runs; the figures to quote are ratios.

Three builds are timed, each with its own empty notes cache (STUDYKIT_CACHE_DIR):
- cold: `--no-cache`, every note parsed (a first build; also what a build costs without the cache);
- after editing one note: the cache holds the other 19 (the everyday rebuild while writing notes);
- unchanged: nothing edited since the last build.

    python bench/bench_build.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

FILES, CARDS_PER_FILE = 20, 500


def make_corpus(root: Path) -> list[tuple[str, str]]:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import json

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        notes = root / "notes"
        notes.mkdir()
        pairs = make_corpus(notes)
        (root / "pairs.json").write_text(json.dumps(pairs, ensure_ascii=False), encoding="utf-8")
        (root / "floor.py").write_text(FLOOR, encoding="utf-8")
        edited = notes / "note07.md"
        original = edited.read_text(encoding="utf-8")

        def edit(run: int) -> None:  # a new card at the end of one note, different on every run
            edited.write_text(original + f"- **新术语{run}：** 新的解释 $x_{run}$\n", encoding="utf-8")

        build = [sys.executable, "-m", "studykit", "build", str(notes), "-o", str(root / "sk.apkg")]
        check = [sys.executable, "-m", "studykit", "check", str(notes)]
        warm_cache = {"STUDYKIT_CACHE_DIR": str(root / "cache-warm")}
        subprocess.run(build, check=True, stdout=subprocess.DEVNULL, env={**os.environ, **warm_cache})  # fill it

        floor = best([sys.executable, str(root / "floor.py"), str(root / "pairs.json"), str(root / "floor.apkg")],
                     args.repeat)
        cold = best(build + ["--no-cache"], args.repeat)
        one_edit = best(build, args.repeat, warm_cache, before=edit)
        edited.write_text(original, encoding="utf-8")
        unchanged = best(build, args.repeat, warm_cache, before=lambda run: None)
        check_cold = best(check + ["--no-cache"], args.repeat)
        check_one = best(check, args.repeat, warm_cache, before=edit)
    print(f"cards: {len(pairs)} in {FILES} files; {os.cpu_count()} CPUs")
    print(f"floor (minimal genanki script):        {floor:.2f} s")
    print(f"studykit build, cold (--no-cache):     {cold:.2f} s  = {cold / floor:.2f}× the floor")
    print(f"studykit build after editing one note: {one_edit:.2f} s  = {one_edit / floor:.2f}× the floor")
    print(f"studykit build, nothing changed:       {unchanged:.2f} s  = {unchanged / floor:.2f}× the floor")
    print(f"studykit check, cold (--no-cache):     {check_cold:.2f} s  = {check_cold / floor:.2f}× the floor")
    print(f"studykit check after editing one note: {check_one:.2f} s  = {check_one / floor:.2f}× the floor")
    print("target: build within 1.5× of the floor")


if __name__ == "__main__":
    main()
