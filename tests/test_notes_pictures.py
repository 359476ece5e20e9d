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
