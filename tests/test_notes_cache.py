"""The notes cache: a rebuild re-parses only what changed, and never builds anything a fresh parse would not.

Each test has its own cache folder (STUDYKIT_CACHE_DIR), so what one test caches cannot help another.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from anki_import import import_package, notes_of, open_collection
from conftest import run_studykit

from studykit.notes import cache as cache_module, parse_files
from studykit.notes.cache import NoteCache
from studykit.notes.source import collect

PNG_A = b"\x89PNG\r\n\x1a\n first picture"
PNG_B = b"\x89PNG\r\n\x1a\n second picture, longer"


def write_notes(root: Path, count: int = 5) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for k in range(count):
        (root / f"n{k}.md").write_text(
            f"# 笔记 {k}\n\n## 激活函数\n\n- **ReLU{k}：** $\\max(0, x)$，简单\n- **Sigmoid{k}:** 会饱和\n\n"
            f"| 名称 | 输出范围 |\n|---|---|\n| tanh{k} | (-1, 1) |\n\n==Dropout== 训练时随机丢弃。\n",
            encoding="utf-8")


def build(notes: Path, out: Path, cache: Path, *extra: str):
    return run_studykit("build", str(notes), "-o", str(out), *extra, env={"STUDYKIT_CACHE_DIR": str(cache)})


def imported(tmp_path: Path, apkg: Path, name: str):
    col = open_collection(tmp_path / name)
    import_package(col, apkg)
    notes = sorted((n.guid, n.notetype, tuple(sorted(n.fields.items())), tuple(n.tags), tuple(sorted(n.decks)))
                    for n in notes_of(col))
    col.close()
    return notes


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_rebuild_from_the_cache_imports_exactly_like_a_fresh_build(tmp_path):
    notes, cache = tmp_path / "notes", tmp_path / "cache"
    write_notes(notes)
    first = build(notes, tmp_path / "fresh.apkg", cache, "--no-cache")
    assert first.returncode == 0, first.stderr
    assert not cache.exists()  # --no-cache neither reads nor writes it
    build(notes, tmp_path / "warm-up.apkg", cache)
    again = build(notes, tmp_path / "cached.apkg", cache)
    assert again.returncode == 0, again.stderr
    assert "5 files (5 unchanged since the last run)" in again.stdout
    assert imported(tmp_path, tmp_path / "cached.apkg", "a") == imported(tmp_path, tmp_path / "fresh.apkg", "b")


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_editing_one_note_reparses_that_note_only_and_the_edit_reaches_the_deck(tmp_path):
    notes, cache = tmp_path / "notes", tmp_path / "cache"
    write_notes(notes)
    build(notes, tmp_path / "deck.apkg", cache)
    with open(notes / "n2.md", "a", encoding="utf-8") as handle:
        handle.write("- **GELU：** 平滑的 ReLU\n")
    proc = build(notes, tmp_path / "deck.apkg", cache)
    assert proc.returncode == 0, proc.stderr
    assert "5 files (4 unchanged since the last run)" in proc.stdout
    fronts = [dict(fields).get("Front", "") for _, _, fields, _, _ in imported(tmp_path, tmp_path / "deck.apkg", "c")]
    assert sum("GELU" in front for front in fronts) == 1 and len(fronts) == 5 * 4 + 1


def test_warnings_and_strict_are_the_same_from_the_cache(tmp_path):
    notes, cache = tmp_path / "notes", tmp_path / "cache"
    notes.mkdir()
    (notes / "n.md").write_text("# T\n\n- **图：** ![曲线](missing.png)\n\n## 空的？\n", encoding="utf-8")
    runs = [run_studykit("check", str(notes), "--json", "--strict", env={"STUDYKIT_CACHE_DIR": str(cache)})
            for _ in range(2)]
    assert [r.returncode for r in runs] == [1, 1]
    first, second = (json.loads(r.stdout)["warnings"] for r in runs)
    assert first == second and any("missing.png not found" in w["message"] for w in first)


def parse_with(cache: NoteCache, notes: Path):
    return parse_files(collect([notes]), cache=cache)


def test_a_cached_parse_equals_a_fresh_one(tmp_path):
    notes = tmp_path / "notes"
    write_notes(notes)
    (notes / "p.png").write_bytes(PNG_A)
    (notes / "pic.md").write_text("- **图：** ![p](p.png) 和 <img src=\"p.png\" style=\"zoom:50%\">\n",
                                  encoding="utf-8")
    cache = NoteCache(tmp_path / "cache")
    fresh = parse_with(cache, notes)
    assert cache.hits == 0
    again = parse_with(cache, notes)
    assert cache.hits == 6 and again == fresh and again == parse_files(collect([notes]))


def test_a_changed_picture_is_noticed_though_the_note_is_unchanged(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "n.md").write_text("- **图：** ![曲线](curve.png)\n- **另一张：** ![x](assets-only.png)\n",
                                encoding="utf-8")
    cache = NoteCache(tmp_path / "cache")

    (notes / "curve.png").write_bytes(PNG_A)
    [first] = parse_with(cache, notes)
    assert any("assets-only.png not found; the card shows a placeholder" in p.message for p in first.problems)

    (notes / "curve.png").write_bytes(PNG_B)  # same name, new picture: a new content-hash name
    (notes / "assets").mkdir()
    (notes / "assets" / "assets-only.png").write_bytes(PNG_A)  # the missing one turns up where it is looked for
    [second] = parse_with(cache, notes)
    assert cache.hits == 0
    assert set(second.media) != set(first.media) and len(second.media) == 2
    assert any("assets-only.png not found; used assets/assets-only.png instead" in p.message
               for p in second.problems)

    (notes / "curve.png").unlink()  # and a picture that goes away is a warning again
    [third] = parse_with(cache, notes)
    assert any("curve.png not found" in p.message for p in third.problems) and len(third.media) == 1
    assert [third] == parse_files(collect([notes]))


def test_entries_from_another_parser_version_are_not_used(tmp_path, monkeypatch):
    notes = tmp_path / "notes"
    write_notes(notes, 2)
    cache = NoteCache(tmp_path / "cache")
    parse_with(cache, notes)
    monkeypatch.setattr(cache_module, "_FINGERPRINT", b"studykit notes code of another version")
    parse_with(cache, notes)
    assert cache.hits == 0


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "wrong-shape"])
def test_a_damaged_entry_is_parsed_afresh_without_a_traceback(tmp_path, damage):
    notes, cache = tmp_path / "notes", tmp_path / "cache"
    write_notes(notes, 2)
    build(notes, tmp_path / "deck.apkg", cache)
    for entry in (cache / f"notes-v{cache_module.FORMAT}").glob("*.json"):
        text = entry.read_bytes()
        entry.write_bytes({"garbage": b"\x00\xff not json", "truncated": text[: len(text) // 2 + 40],
                           "empty": b"", "wrong-shape": text.split(b"\n")[0] + b"\n[1, 2, 3]"}[damage])
    proc = build(notes, tmp_path / "deck.apkg", cache, "--strict")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert "unchanged" not in proc.stdout and "2 files" in proc.stdout
    assert len(imported(tmp_path, tmp_path / "deck.apkg", "col")) == 2 * 4


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_a_cache_folder_that_cannot_be_written_does_not_stop_a_build(tmp_path):
    notes = tmp_path / "notes"
    write_notes(notes, 2)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be", encoding="utf-8")
    for _ in range(2):
        proc = build(notes, tmp_path / "deck.apkg", blocked)
        assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
        assert "2 files ·" in proc.stdout
    assert blocked.read_text(encoding="utf-8") == "a file where the cache folder would be"


def test_a_build_from_the_cache_never_imports_the_markdown_parser(tmp_path):
    notes = tmp_path / "notes"
    write_notes(notes, 3)
    script = (
        "import sys\nfrom pathlib import Path\n"
        "from studykit.notes.batch import parse_iter\nfrom studykit.notes.cache import NoteCache\n"
        "from studykit.notes.source import collect\n"
        f"found = list(parse_iter(collect([Path({str(notes)!r})]), NoteCache(Path({str(tmp_path / 'c')!r}))))\n"
        "print(len(found), 'markdown_it' in sys.modules)\n"
    )
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
            for _ in range(2)]
    assert runs == [["3", "True"], ["3", "False"]]


def test_background_parsing_yields_every_note_once_even_without_a_process_pool(tmp_path, monkeypatch):
    import concurrent.futures

    from studykit.notes.batch import parse_iter

    notes = tmp_path / "notes"
    write_notes(notes, 3)
    files = collect([notes])
    cache = NoteCache(tmp_path / "cache")
    parse_with(cache, notes)
    (notes / "n1.md").write_text("- **新：** 改过了\n", encoding="utf-8")
    got = dict(parse_iter(files, cache, background=True))
    assert sorted(got) == [0, 1, 2] and got[1].cards[0].front == "新"

    class NoPool:
        def __init__(self, *args, **kwargs):
            raise OSError(38, "Function not implemented")

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", NoPool)
    (notes / "n1.md").write_text("- **又改：** 再改\n", encoding="utf-8")
    got = dict(parse_iter(files, cache, background=True))
    assert sorted(got) == [0, 1, 2] and got[1].cards[0].front == "又改"


def test_the_parser_fingerprint_covers_every_card_rule_module():
    from studykit.notes.cache import parser_sources

    names = {p.relative_to(p.parents[1]).as_posix() if p.parent.name == "rules" else p.name for p in parser_sources()}
    assert {"cards.py", "cjk.py", "html.py", "render.py", "rules/bold.py", "rules/headings.py"} <= names


def test_card_guids_are_made_with_the_parse_and_kept_in_the_cache(tmp_path):
    from studykit.deck.identity import card_guid
    from studykit.notes.batch import parse_files

    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "n.md").write_text("# T\n\n- **甲：** 一\n- **乙：** 二\n\n## 为什么？\n\n因为。\n", encoding="utf-8")
    cache = NoteCache(tmp_path / "cache")
    [fresh] = parse_files([(notes / "n.md", notes)], cache=cache)
    [cached] = parse_files([(notes / "n.md", notes)], cache=cache)
    assert cache.hits == 1
    assert fresh.guids == cached.guids == [card_guid(card.key) for card in fresh.cards] and len(fresh.guids) == 3


def test_an_entry_with_a_flipped_letter_is_parsed_afresh_and_the_deck_has_the_real_text(tmp_path):
    """Still valid JSON, still the right header: only the entry's own hash shows that it lies."""
    notes, cache = tmp_path / "notes", tmp_path / "cache"
    write_notes(notes, 1)
    build(notes, tmp_path / "deck.apkg", cache)
    entries = list((cache / f"notes-v{cache_module.FORMAT}").glob("*.json"))
    assert len(entries) == 1
    header, _, body = entries[0].read_bytes().partition(b"\n")
    assert "简单".encode() in body
    entries[0].write_bytes(header + b"\n" + body.replace("简单".encode(), "复杂".encode()))
    proc = build(notes, tmp_path / "deck.apkg", cache)
    assert proc.returncode == 0 and "unchanged" not in proc.stdout, proc.stdout
    shipped = " ".join(str(fields) for _, _, fields, _, _ in imported(tmp_path, tmp_path / "deck.apkg", "col"))
    assert "简单" in shipped and "复杂" not in shipped


def test_making_a_folder_a_vault_or_changing_its_settings_reparses_its_notes(tmp_path):
    notes = tmp_path / "notes"
    (notes / "sub").mkdir(parents=True)
    (notes / "sub" / "n.md").write_text("- **激活函数：** 第一行 #dl\n  第二行\n", encoding="utf-8")
    cache = NoteCache(tmp_path / "cache")

    def back() -> str:
        [note] = parse_with(cache, notes)
        return note.cards[0].back

    assert "#dl" in back() and "<br" not in back()  # plain notes: `#dl` is text, one newline is a space
    (notes / ".obsidian").mkdir()  # the notes' root becomes a vault: tags dropped, newlines shown
    assert "#dl" not in back() and "<br" in back()
    (notes / ".obsidian" / "app.json").write_text('{"strictLineBreaks": true}', encoding="utf-8")
    assert "<br" not in back()
    (notes / ".obsidian" / "app.json").write_text('{"strictLineBreaks": false}', encoding="utf-8")
    assert "<br" in back()
    (notes / "sub" / ".obsidian").mkdir()  # a nearer vault, with Obsidian's default settings
    (notes / ".obsidian" / "app.json").write_text('{"strictLineBreaks": true}', encoding="utf-8")
    assert "<br" in back()
    assert [n.cards for n in parse_with(cache, notes)] == [n.cards for n in parse_files(collect([notes]))]
