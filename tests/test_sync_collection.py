"""`studykit sync --collection`: Anki closed, the collection changed with Anki's library — the issue's check."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_studykit
from sync_helpers import edit_move_delete, make_project, notes_by_term, review_one

anki_collection = pytest.importorskip("anki.collection", reason="the sync tests need Anki's library (test extra)")
Collection = anki_collection.Collection

pytestmark = pytest.mark.cli


def _fresh(path):
    path.parent.mkdir(parents=True)
    Collection(str(path)).close()
    return path


def _sync(project, collection, *extra):
    proc = run_studykit("sync", "--collection", str(collection), *extra, cwd=project)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    return proc.stdout


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_sync_edit_move_delete_then_nothing(tmp_path):
    project = make_project(tmp_path / "project")
    collection = _fresh(tmp_path / "Anki2" / "User 1" / "collection.anki2")

    out = _sync(project, collection)
    assert "synced" in out and "5 added" in out and "1 media added" in out
    col = Collection(str(collection))
    try:
        first = notes_by_term(col)
        assert set(first) == {"ReLU", "Sigmoid", "Tanh", "SGD", "Adam"}
        assert first["SGD"]["decks"] == {"studykit::优化器"}
        # a note of the learner's own, in the same deck: a sync never touches it
        basic = col.models.by_name("Basic")
        own = col.new_note(basic)
        own["Front"], own["Back"] = "my own card", "mine"
        col.add_note(own, col.decks.id_for_name("studykit::优化器"))
        relu = col.get_note(first["ReLU"]["id"])
        relu.tags.append("marked")  # the learner marked it in the reviewer
        col.update_note(relu)
        reviewed = review_one(col, "ReLU")
        reviewed_state = col.db.first("SELECT type, queue, ivl, due, reps FROM cards WHERE id = ?", reviewed)
        assert reviewed_state[4] == 1
    finally:
        col.close()

    edit_move_delete(project)
    out = _sync(project, collection)
    assert "3 updated" in out and "2 cards moved" in out and "1 removed" in out, out
    assert list((collection.parent / "backups").glob("*.colpkg")), "a backup before the change"
    col = Collection(str(collection))
    try:
        second = notes_by_term(col)
        assert set(second) == {"ReLU", "Sigmoid", "SGD", "Adam"}  # Tanh's card is gone
        relu = second["ReLU"]
        assert relu["id"] == first["ReLU"]["id"] and "负半轴为 0" in relu["fields"][1]  # edited in place
        assert "marked" in relu["tags"]
        assert col.db.first("SELECT type, queue, ivl, due, reps FROM cards WHERE id = ?", reviewed) == reviewed_state
        assert col.db.scalar("SELECT count() FROM revlog WHERE cid = ?", reviewed) == 1  # the review is kept
        assert second["SGD"]["decks"] == second["Adam"]["decks"] == {"studykit::sub::优化器"}  # moved
        assert second["SGD"]["id"] == first["SGD"]["id"] and "sub/b.md" in second["SGD"]["fields"][2]
        assert col.find_notes('"my own card"'), "the learner's own note is untouched"
        assert [p.name.startswith("sk-") for p in Path(col.media.dir()).iterdir()] == [True]  # added once
        mod = col.mod
    finally:
        col.close()

    before = collection.read_bytes()
    out = _sync(project, collection)
    assert "up to date: nothing changed" in out
    assert collection.read_bytes() == before  # not a byte written
    col = Collection(str(collection))
    try:
        assert col.mod == mod  # a sync with nothing to change changes nothing
        assert set(notes_by_term(col)) == {"ReLU", "Sigmoid", "SGD", "Adam"}
    finally:
        col.close()


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_dry_run_keep_removed_and_a_running_anki(tmp_path):
    project = make_project(tmp_path / "project")
    collection = _fresh(tmp_path / "Anki2" / "User 1" / "collection.anki2")
    out = _sync(project, collection, "--dry-run")
    assert "dry run: would change" in out and "5 added" in out
    col = Collection(str(collection))
    try:
        assert col.note_count() == 0  # a dry run writes nothing
    finally:
        col.close()
    _sync(project, collection)

    edit_move_delete(project)
    out = _sync(project, collection, "--keep-removed")
    assert "1 tagged removed" in out
    col = Collection(str(collection))
    try:
        tanh = notes_by_term(col)["Tanh"]
        assert "studykit::removed" in tanh["tags"]
        # Anki is open: the collection is refused, with what to do instead
        proc = run_studykit("sync", "--collection", str(collection), cwd=project)
        assert proc.returncode == 2 and "open in a running Anki" in proc.stderr and "Traceback" not in proc.stderr
    finally:
        col.close()
    assert "up to date" in _sync(project, collection, "--keep-removed")  # tagged already: nothing to do
    col = Collection(str(collection))
    try:  # an older studykit's note type: updated in place
        model = col.models.by_name("studykit Basic")
        css = model["css"]
        model["css"] = "/* old */"
        col.models.update_dict(model)
    finally:
        col.close()
    assert "1 note types updated" in _sync(project, collection, "--keep-removed")
    col = Collection(str(collection))
    try:
        assert col.models.by_name("studykit Basic")["css"] == css
    finally:
        col.close()
    out = _sync(project, collection)
    assert "1 removed" in out


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_profile_found_the_way_anki_finds_it(tmp_path):
    """No --collection: $ANKI_BASE's prefs21.db names the last profile; a missing base is a clear message."""
    import pickle
    import sqlite3

    project = make_project(tmp_path / "project")
    base = tmp_path / "Anki2"
    collection = _fresh(base / "Work" / "collection.anki2")
    (base / "Other").mkdir()
    db = sqlite3.connect(base / "prefs21.db")
    db.execute("CREATE TABLE profiles (name TEXT PRIMARY KEY COLLATE NOCASE, data BLOB NOT NULL)")
    db.execute("INSERT INTO profiles VALUES ('_global', ?)", (pickle.dumps({"last_loaded_profile_name": "Work"}),))
    db.execute("INSERT INTO profiles VALUES ('Work', ?), ('Other', ?)", (pickle.dumps({}), pickle.dumps({})))
    db.commit()
    db.close()
    proc = run_studykit("sync", cwd=project, env={"ANKI_BASE": str(base)})
    assert proc.returncode == 0 and "5 added" in proc.stdout, proc.stderr
    assert str(collection) in proc.stdout
    # --collection naming a file not there yet, in an existing folder: a new collection (elsewhere: refused)
    made = _sync(project, tmp_path / "new.anki2")
    assert "new collection" in made and "5 added" in made
    proc = run_studykit("sync", "--collection", str(tmp_path / "no" / "such.anki2"), cwd=project)
    assert proc.returncode == 2 and "no such collection" in proc.stderr
    proc = run_studykit("sync", cwd=project, env={"ANKI_BASE": str(tmp_path / "nowhere")})
    assert proc.returncode == 2 and "no Anki profiles" in proc.stderr and "--collection" in proc.stderr
