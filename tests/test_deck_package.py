"""The package writer on its own: note types with fixed ids, CSS, media by content, timestamps that always count as newer."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

from anki_import import import_package, open_collection

from studykit.deck.notetypes import BASIC_MODEL_ID, CLOZE_MODEL_ID, css
from studykit.deck.package import write_package
from studykit.notes import parse_note

NOTE = "# 卷积\n\n- **核 (kernel)：** 小矩阵\n\n==步幅== 决定输出大小。\n"


def notes_in(tmp_path: Path, text: str = NOTE):
    root = tmp_path / "notes"
    root.mkdir(exist_ok=True)
    (root / "conv.md").write_text(text, encoding="utf-8")
    return [parse_note(root / "conv.md", root)]


def note_mods(apkg: Path, tmp_path: Path) -> set[int]:
    with zipfile.ZipFile(apkg) as archive:
        archive.extract("collection.anki2", tmp_path / "x")
    with sqlite3.connect(tmp_path / "x" / "collection.anki2") as db:
        return {row[0] for row in db.execute("SELECT mod FROM notes")}


def test_a_rebuild_within_the_same_second_is_still_newer(tmp_path):
    notes = notes_in(tmp_path)
    out = tmp_path / "deck.apkg"
    write_package(notes, out, "studykit")
    first = note_mods(out, tmp_path / "a")
    write_package(notes, out, "studykit")
    second = note_mods(out, tmp_path / "b")
    assert min(second) > max(first)


def test_note_types_keep_their_ids_across_builds_and_imports(tmp_path):
    notes = notes_in(tmp_path)
    col = open_collection(tmp_path / "anki")
    for _ in range(2):
        write_package(notes, tmp_path / "deck.apkg", "studykit")
        import_package(col, tmp_path / "deck.apkg")
    names = sorted(nt.name for nt in col.models.all_names_and_ids())
    assert names.count("studykit Basic") == 1 and names.count("studykit Cloze") == 1
    assert col.models.get(BASIC_MODEL_ID)["name"] == "studykit Basic"
    assert col.models.get(CLOZE_MODEL_ID)["name"] == "studykit Cloze"
    assert col.note_count() == 2 and col.card_count() == 2
    assert "studykit::卷积" in {d.name for d in col.decks.all_names_and_ids()}
    col.close()


def test_css_has_cjk_fonts_tables_code_highlighting_pictures_and_night_mode():
    style = css()
    assert "PingFang SC" in style and "Microsoft YaHei" in style and "Noto Sans CJK SC" in style
    assert "border-collapse" in style and "img { max-width: 100%" in style
    assert ".card pre .hl-k" in style and ".nightMode pre .hl-k" in style
    assert ".nightMode.card" in style


def test_same_picture_content_is_packed_once_under_its_hash(tmp_path):
    root = tmp_path / "notes"
    (root / "a").mkdir(parents=True)
    (root / "b").mkdir()
    (root / "a" / "image.png").write_bytes(b"\x89PNG same bytes")
    (root / "b" / "image.png").write_bytes(b"\x89PNG other bytes")
    (root / "b" / "copy.png").write_bytes(b"\x89PNG same bytes")
    (root / "a" / "x.md").write_text("- **图:** ![](image.png)\n", encoding="utf-8")
    (root / "b" / "y.md").write_text("- **图:** ![](image.png)\n- **图二:** ![](copy.png)\n", encoding="utf-8")
    notes = [parse_note(root / "a" / "x.md", root), parse_note(root / "b" / "y.md", root)]
    stats = write_package(notes, tmp_path / "deck.apkg", "studykit")
    assert stats.media == 2
    with zipfile.ZipFile(tmp_path / "deck.apkg") as archive:
        assert len([n for n in archive.namelist() if n.isdigit()]) == 2


def test_a_failed_write_leaves_no_temporary_file_and_keeps_the_old_deck(tmp_path, monkeypatch):
    import tempfile

    from studykit.deck import package

    scratch = tmp_path.parent / f"{tmp_path.name}-scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # where the package's database is built
    notes = notes_in(tmp_path)
    out = tmp_path / "deck.apkg"
    write_package(notes, out, "studykit")
    good = out.read_bytes()

    def broken(database, media, target):
        Path(target).write_bytes(b"half a zip")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(package, "_zip_package", broken)
    try:
        write_package(notes, out, "studykit")
    except OSError:
        pass
    assert out.read_bytes() == good
    assert sorted(os.listdir(tmp_path)) == ["deck.apkg", "deck.memory.json", "notes"]
    assert os.listdir(scratch) == []  # nor the database it was writing


def test_check_never_imports_genanki(tmp_path):
    """Nor the practice side's context (workspace, progress store) or the exercise catalog: the notes commands do not use
    them."""
    notes_in(tmp_path)
    code = ("import sys; from studykit.cli import main\n"
            "try:\n    main(['check', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
            "print('genanki' in sys.modules, 'anki' in sys.modules, 'studykit.practice.context' in sys.modules, "
            "'studykit.catalog' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path / "notes")], capture_output=True, text=True)
    assert proc.stdout.strip().splitlines()[-1] == "False False False False", proc.stderr


def test_a_changed_note_type_style_reaches_a_collection_that_imported_the_old_one(tmp_path, monkeypatch):
    from studykit.deck import notetypes as models

    def forget_models():
        for cached in (models.basic_model, models.cloze_model):
            cached.cache_clear()

    notes = notes_in(tmp_path)
    col = open_collection(tmp_path / "anki")
    write_package(notes, tmp_path / "deck.apkg", "studykit")
    import_package(col, tmp_path / "deck.apkg")
    forget_models()
    monkeypatch.setattr(models, "css", lambda: ".card { color: teal; }")
    try:
        write_package(notes, tmp_path / "deck.apkg", "studykit")
    finally:
        forget_models()  # the next test builds with the real style again
    import_package(col, tmp_path / "deck.apkg")
    assert col.models.get(BASIC_MODEL_ID)["css"] == ".card { color: teal; }"
    assert col.models.get(CLOZE_MODEL_ID)["css"] == ".card { color: teal; }"
    names = [n.name for n in col.models.all_names_and_ids()]
    assert len(names) == len(set(names))  # updated in place, no "studykit Basic-xxxx" copy
    col.close()


def test_highlight_css_script_regenerates_the_committed_file(tmp_path):
    # highlight.css is committed so builds never import pygments for it; the script remakes it
    repo = Path(__file__).resolve().parent.parent
    out = tmp_path / "highlight.css"
    subprocess.run([sys.executable, str(repo / "scripts" / "make_highlight_css.py"), str(out)], check=True,
                   capture_output=True)
    made, committed = out.read_text(encoding="utf-8"), (repo / "studykit" / "deck" / "highlight.css").read_text("utf-8")
    for selector in (".card pre .hl-k", ".card pre .hl-s", ".card pre .hl-c", ".nightMode pre .hl-k"):
        assert selector in made and selector in committed
    assert committed in css()


def test_identity_clashes_are_settled_in_build_order_whatever_the_order_notes_arrive_in(tmp_path):
    from studykit.deck.package import PackageWriter

    root = tmp_path / "notes"
    root.mkdir()
    for name, answer in (("a.md", "甲"), ("b.md", "乙")):
        (root / name).write_text(f"---\nid: shared\n---\n# T\n\n## 问题？\n\n{answer}。\n", encoding="utf-8")
    first, second = parse_note(root / "a.md", root), parse_note(root / "b.md", root)
    out = tmp_path / "deck.apkg"
    writer = PackageWriter("studykit", out)
    writer.add(1, second)  # b.md is parsed first…
    writer.add(0, first)  # …but a.md comes first in the build
    stats = writer.write(out)
    assert sum(stats.cards.values()) == 1
    assert [(p.file, p.message[:35]) for p in stats.problems if p.kind == "identity"] == [
        ("b.md", "same identity as the card at a.md:6")]
    col = open_collection(tmp_path / "anki")
    import_package(col, out)
    (note,) = [col.get_note(nid) for nid in col.find_notes("")]
    assert "甲" in note.fields[1]
    col.close()


def test_the_rows_written_are_the_ones_genanki_writes_for_the_same_notes(tmp_path):
    """The writer inserts a file's rows at once instead of calling genanki's Note.write_to_db per card: same notes
    (guid, note type, fields, sort field, tags) and the same cards (ordinals, one per cloze number), in the same
    id order (a note, then its cards)."""
    import genanki

    from studykit.deck.identity import card_guid, deck_id
    from studykit.deck.notetypes import basic_model, cloze_model
    from studykit.deck.package import card_ords, front_field

    text = ("---\ntags: [卷积, cnn]\n---\n# 卷积\n\n- **核 (kernel)：** 小矩阵\n\n"
            "==步幅== 决定 ==输出== 大小。\n\n## 为什么要填充？\n\n保持尺寸。\n")
    notes = notes_in(tmp_path, text)
    out = tmp_path / "deck.apkg"
    write_package(notes, out, "studykit")

    basic, cloze = basic_model(), cloze_model()
    collection = tmp_path / "genanki.anki2"
    db = sqlite3.connect(collection)
    cursor = db.cursor()
    from genanki.apkg_col import APKG_COL
    from genanki.apkg_schema import APKG_SCHEMA

    cursor.executescript(APKG_SCHEMA)
    cursor.executescript(APKG_COL)
    ids = iter(range(1, 10_000))
    did = deck_id("studykit::conv")
    for card in notes[0].cards:
        guid = card_guid(card.key)
        model = cloze if card.is_cloze else basic
        fields = ([card.front, card.back, card.context, card.source] if card.is_cloze
                  else [front_field(card.context, card.front), card.back, card.source])
        genanki_note = genanki.Note(model=model, fields=fields, guid=guid, tags=list(notes[0].tags))
        assert card_ords(model, fields) == [c.ord for c in genanki_note.cards]
        genanki_note.write_to_db(cursor, 0, did, ids)
    db.commit()

    def rows(connection):
        notes_ = connection.execute("SELECT guid, mid, usn, tags, flds, sfld, csum, flags, data FROM notes "
                                    "ORDER BY id").fetchall()
        cards = connection.execute("SELECT n.guid, c.ord, c.usn, c.type, c.queue, c.due, c.ivl, c.factor, c.reps, "
                                   "c.lapses, c.left, c.odue, c.odid, c.flags, c.data, c.id > n.id FROM cards c "
                                   "JOIN notes n ON c.nid = n.id ORDER BY c.id").fetchall()
        return notes_, cards

    with zipfile.ZipFile(out) as archive:
        archive.extract("collection.anki2", tmp_path / "x")
    with sqlite3.connect(tmp_path / "x" / "collection.anki2") as ours:
        assert rows(ours) == rows(db)
    ordinals = [o for _, o, *_ in rows(db)[1]]
    assert sorted(ordinals) == [0, 0, 0, 1]  # the cloze note's two numbers are two cards
    db.close()
