"""Benchmark: `studykit build` on 10,000 cards in 20 files, against the floor of any genanki-based builder.

The floor is a minimal genanki script that writes the same 10,000 notes (front/back text already known,
no Markdown). Both run as fresh processes, best of --repeat runs; the figure to quote is the ratio.

    python bench/bench_build.py [--repeat 3]
"""

from __future__ import annotations

import argparse
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


def best(command: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
        floor = best([sys.executable, str(root / "floor.py"), str(root / "pairs.json"), str(root / "floor.apkg")], args.repeat)
        build = best([sys.executable, "-m", "studykit", "build", str(notes), "-o", str(root / "sk.apkg")], args.repeat)
        check = best([sys.executable, "-m", "studykit", "check", str(notes)], args.repeat)
    print(f"cards: {len(pairs)} in {FILES} files")
    print(f"floor (minimal genanki script): {floor:.2f} s")
    print(f"studykit build:                 {build:.2f} s  = {build / floor:.2f}× the floor (target ≤ 1.5×)")
    print(f"studykit check (no package):    {check:.2f} s  = {check / floor:.2f}× the floor")


if __name__ == "__main__":
    main()
