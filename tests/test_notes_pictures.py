"""Pictures on their own: what is packed, under which name, and what a card shows when a picture cannot be."""

from __future__ import annotations

from pathlib import Path

from studykit.notes import parse_note

PNG = b"\x89PNG\r\n\x1a\n fake picture"


def parse(root: Path, text: str, name: str = "n.md"):
    (root / name).write_text(text, encoding="utf-8")
    return parse_note(root / name, root)


def warnings(note) -> list[str]:
    return [str(p) for p in note.problems]


def test_windows_path_from_another_computer_is_not_packed_and_shows_its_alt_text(tmp_path):
    note = parse(tmp_path, '# T\n\n- **图：** ![ReLU 曲线](C:\\Users\\me\\Typora\\relu.png)\n'
                           '- **图二：** <img src="D:\\pics\\x.png" alt="示意" style="zoom:50%">\n')
    assert note.media == {}
    first, second = note.cards
    assert '<span class="missing-picture">[图片 picture: ReLU 曲线 (relu.png)]</span>' in first.back
    assert '<span class="missing-picture">[图片 picture: 示意 (x.png)]</span>' in second.back
    assert "<img" not in first.back + second.back
    assert any(w.startswith("n.md:3: picture C:\\Users\\me\\Typora\\relu.png points at another computer") for w in
               warnings(note))
    assert any(w.startswith("n.md:4: picture D:\\pics\\x.png points at another computer") for w in warnings(note))


def test_an_existing_file_outside_the_notes_root_is_never_packed(tmp_path):
    secret = tmp_path / "private.png"
    secret.write_bytes(PNG)
    root = tmp_path / "notes"
    root.mkdir()
    note = parse(root, f"- **a:** ![x]({secret})\n- **b:** ![y](../private.png)\n")
    assert note.media == {}
    assert all("<img" not in c.back for c in note.cards)  # a placeholder, never a link to the private file
    assert any("points at an absolute path and is not packed" in w for w in warnings(note))
    assert any("n.md:2: picture ../private.png is outside the notes' folder and is not packed" in w
               for w in warnings(note))


def test_local_pictures_are_named_by_content_hash(tmp_path):
    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "a b.png").write_bytes(PNG)
    note = parse(tmp_path, "- **a:** ![x](img/a%20b.png) and ![x](<img/a b.png>)\n")
    (name,) = note.media
    assert name.startswith("sk-") and name.endswith(".png") and note.media[name] == tmp_path / "img" / "a b.png"
    assert note.cards[0].back.count(f'src="{name}"') == 2
    assert note.problems == []


def test_remote_pictures_stay_as_links_with_a_warning(tmp_path):
    note = parse(tmp_path, "- **a:** ![x](https://example.com/p.png)\n")
    assert '<img src="https://example.com/p.png"' in note.cards[0].back and note.media == {}
    assert warnings(note) == ["n.md:1: picture https://example.com/p.png is on the web: the card shows it only "
                              "with an internet connection"]


def test_missing_picture_outside_any_card_is_still_reported_with_its_line(tmp_path):
    note = parse(tmp_path, "# T\n\n- **a:** b\n\n正文\n\n![缺](gone.png)\n")
    assert "n.md:7: picture gone.png not found; the card shows a placeholder with its name instead" in warnings(note)


def test_picture_paths_as_they_come_in_a_built_deck(tmp_path):
    """Backslashes, percent-encoded backslashes, spaces, %20, CJK names and paths from another computer all find
    the picture inside the notes' folder; the package holds only content-hash names."""
    from deck_helpers import build_and_import

    built = build_and_import(tmp_path, {
        "img/ch14/1.png": PNG + b"1",
        "pic/3.png": PNG + b"3",
        "pic/我的 图.png": PNG + b"cjk",
        "ch14/notes.md": """
            # 第十四章

            ## 图片路径？

            ![反斜杠](..\\img\\ch14\\1.png)
            ![编码](..%5Cimg%5Cch14%5C1.png)
            ![空格](../pic/我的 图.png) ![百分号](../pic/我的%20图.png)
            ![别的电脑](C:\\Users\\me\\Desktop\\repo\\pic\\3.png)
            <img src="/Users/someone/repo/pic/3.png" style="zoom:50%">
            ![没有](C:\\Users\\me\\Desktop\\repo\\pic\\gone%20away.png)
        """,
    })
    (card,) = built.cards("ch14/notes.md")
    back = card.fields["Back"]
    assert back.count('<img src="sk-') == 6
    assert '<span class="missing-picture">[图片 picture: 没有 (gone away.png)]</span>' in back
    assert "%5C" not in back and "%20" not in back and "\\" not in back
    media = sorted(p.name for p in (tmp_path / "anki" / "collection.media").iterdir())
    assert len(media) == 3 and all(name.startswith("sk-") and name.endswith(".png") for name in media)
    warnings = built.warnings("ch14/notes.md")
    assert any("ch14/notes.md:8: picture C:\\Users\\me\\Desktop\\repo\\pic\\3.png points at another computer; "
               "used ../pic/3.png instead" in w for w in warnings)
    assert any("ch14/notes.md:9: picture /Users/someone/repo/pic/3.png points at an absolute path; used ../pic/3.png"
               in w for w in warnings)
    assert any("ch14/notes.md:10:" in w and "gone away.png" in w for w in warnings)
    assert len(warnings) == 3
