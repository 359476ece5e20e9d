"""Finding the profile's collection the way Anki does: the base folder per platform, prefs21.db's profiles."""

from __future__ import annotations

import pickle
import sqlite3
from pathlib import Path

import pytest

from studykit.sync.profile import ProfileError, base_folder, find_collection


def test_base_folder_per_platform(monkeypatch, tmp_path):
    monkeypatch.setattr(Path, "home", lambda: tmp_path)
    assert base_folder({"ANKI_BASE": "/x/Anki"}, "linux") == Path("/x/Anki")
    assert base_folder({}, "linux") == tmp_path / ".local" / "share" / "Anki2"
    assert base_folder({"XDG_DATA_HOME": "/data"}, "linux") == Path("/data/Anki2")
    assert base_folder({}, "darwin") == tmp_path / "Library" / "Application Support" / "Anki2"
    assert base_folder({"APPDATA": "C:/Users/u/AppData/Roaming"}, "win32") == Path("C:/Users/u/AppData/Roaming/Anki2")


def _prefs(base: Path, profiles: list[str], last: str | None = None, global_data: bytes | None = None) -> None:
    base.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(base / "prefs21.db")
    db.execute("CREATE TABLE profiles (name TEXT PRIMARY KEY COLLATE NOCASE, data BLOB NOT NULL)")
    data = global_data if global_data is not None else pickle.dumps({"last_loaded_profile_name": last})
    db.execute("INSERT INTO profiles VALUES ('_global', ?)", (data,))
    for name in profiles:
        db.execute("INSERT INTO profiles VALUES (?, ?)", (name, pickle.dumps({})))
        (base / name).mkdir()
        (base / name / "collection.anki2").write_bytes(b"")
    db.commit()
    db.close()


def test_the_last_profile_then_the_only_one(tmp_path):
    _prefs(tmp_path / "a", ["User 1", "Work"], last="Work")
    assert find_collection(tmp_path / "a") == tmp_path / "a" / "Work" / "collection.anki2"
    _prefs(tmp_path / "b", ["User 1"])
    assert find_collection(tmp_path / "b") == tmp_path / "b" / "User 1" / "collection.anki2"


def test_several_profiles_and_none_last_name_them(tmp_path):
    _prefs(tmp_path, ["User 1", "Work"])
    with pytest.raises(ProfileError, match=r"2 profiles \(User 1, Work\).*--collection"):
        find_collection(tmp_path)


def test_a_pickle_that_is_not_plain_data_is_not_run(tmp_path):
    """prefs21.db is unpickled without classes: a crafted _global row only loses the last-profile hint."""
    evil = pickle.dumps(Path("/"))  # a class reference: refused, not called
    _prefs(tmp_path, ["User 1", "Work"], global_data=evil)
    with pytest.raises(ProfileError, match="2 profiles"):
        find_collection(tmp_path)
