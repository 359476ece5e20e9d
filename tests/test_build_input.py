"""Bad and unusual input: encodings, line ends, empty and binary files, missing paths, --strict, check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from anki_import import import_package, notes_of, open_collection
from conftest import run_studykit

NOTE = "# 激活函数\n\n## ReLU\n\n- **优点：** 计算简单，$x>0$ 时梯度为 1\n"


def built_notes(folder: Path, tmp: Path):
    out = tmp / "deck.apkg"
    proc = run_studykit("build", str(folder), "-o", str(out))
    assert "Traceback" not in proc.stderr
    notes = []
    if out.exists():
        col = open_collection(tmp / "anki")
        import_package(col, out)
        notes = notes_of(col)
        col.close()
    return proc, notes


def test_gbk_notes_are_decoded_with_a_warning(tmp_path):
    folder = tmp_path / "n"
    folder.mkdir()
    (folder / "gbk.md").write_bytes(NOTE.encode("gbk"))
    proc, notes = built_notes(folder, tmp_path)
    assert proc.returncode == 0
    assert "gbk.md:1: not UTF-8: decoded as GB18030" in proc.stderr and "UTF-8" in proc.stderr
    assert len(notes) == 1 and "计算简单" in notes[0].fields["Back"]


def test_bom_and_crlf_work_without_warnings(tmp_path):
    folder = tmp_path / "n"
    folder.mkdir()
    (folder / "win.md").write_bytes(b"\xef\xbb\xbf" + NOTE.replace("\n", "\r\n").encode("utf-8"))
    proc, notes = built_notes(folder, tmp_path)
    assert proc.returncode == 0 and "warning" not in proc.stderr
    assert len(notes) == 1 and "激活函数 › ReLU" in notes[0].fields["Front"] and "\r" not in notes[0].fields["Back"]


def test_empty_no_card_and_binary_files_warn_and_are_skipped(tmp_path):
    folder = tmp_path / "n"
    folder.mkdir()
    (folder / "good.md").write_text(NOTE, encoding="utf-8")
    (folder / "empty.md").write_text("", encoding="utf-8")
    (folder / "prose.md").write_text("# 随笔\n\n只有叙述，没有卡片。\n", encoding="utf-8")
    (folder / "picture.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    proc, notes = built_notes(folder, tmp_path)
    assert proc.returncode == 0
    assert "empty.md:1: empty file" in proc.stderr
    assert "prose.md:1: no cards" in proc.stderr
    assert "picture.md:1: looks like a binary file" in proc.stderr
    assert len(notes) == 1
    strict = run_studykit("build", str(folder), "-o", str(tmp_path / "s.apkg"), "--strict")
    assert strict.returncode == 1


def test_missing_path_exits_2_with_a_message(tmp_path):
    proc = run_studykit("build", str(tmp_path / "nope"), "-o", str(tmp_path / "x.apkg"))
    assert proc.returncode == 2
    assert "no such file or folder" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "x.apkg").exists()
    assert run_studykit("check", str(tmp_path / "nope")).returncode == 2


def test_usage_errors_exit_2_with_a_message_and_write_nothing(tmp_path):
    folder = tmp_path / "n"
    folder.mkdir()
    (folder / "a.md").write_text(NOTE, encoding="utf-8")
    cases = [
        ((str(folder), "-o", str(tmp_path / "deck.zip")), "must end in .apkg"),
        ((str(folder), "-o", str(tmp_path / "d.apkg"), "--deck", "a::b"), "--deck needs a plain name"),
        ((str(folder), "-o", str(tmp_path / "d.apkg"), "--deck", "::"), "--deck needs a name"),
        ((str(folder), "-o", str(tmp_path / "d.apkg"), "--deck", " : "), "--deck needs a name"),
        ((str(tmp_path / "empty"), "-o", str(tmp_path / "d.apkg")), "no Markdown (.md) files"),
    ]
    (tmp_path / "empty").mkdir()
    for args, message in cases:
        proc = run_studykit("build", *args)
        assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty", "n"]


def test_check_reports_the_same_warnings_as_json_and_writes_nothing(tmp_path):
    folder = tmp_path / "n"
    folder.mkdir()
    (folder / "a.md").write_text(NOTE + "\n- **图：** ![x](gone.png)\n\n## 空的问题？\n", encoding="utf-8")
    proc = run_studykit("check", str(folder), "--json", cwd=tmp_path)
    assert proc.returncode == 0
    report = json.loads(proc.stdout)
    assert report["files"] == 1 and report["cards"] == 2
    lines = {(w["file"], w["line"]) for w in report["warnings"]}
    assert ("a.md", 7) in lines  # the picture
    assert ("a.md", 9) in lines  # the question with no answer
    assert run_studykit("check", str(folder), "--strict").returncode == 1
    assert not list(tmp_path.rglob("*.apkg"))


def test_failed_build_keeps_the_last_good_deck(tmp_path, monkeypatch):
    from studykit.deck import package
    from studykit.deck.package import write_package
    from studykit.notes import parse_paths

    folder = tmp_path / "n"
    folder.mkdir()
    (folder / "a.md").write_text(NOTE, encoding="utf-8")
    out = tmp_path / "deck.apkg"
    write_package(parse_paths([folder]), out, "studykit")
    good = out.read_bytes()

    def interrupted(database, media, target):
        Path(target).write_bytes(b"half a zip")
        raise KeyboardInterrupt

    monkeypatch.setattr(package, "_zip_package", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_package(parse_paths([folder]), out, "studykit")
    assert out.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_no_arguments_builds_content_into_decks(tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "a.md").write_text(NOTE, encoding="utf-8")
    sub = tmp_path / "content"
    proc = run_studykit("build", cwd=sub)  # found from a folder below, like git
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "decks" / "studykit.apkg").is_file()
