"""Identity has one owner, and the notes cache sees it (issue #25).

A parse job computes its cards' GUIDs (deck/identity.py) and the notes cache keeps them with the parse, so the
cache's fingerprint must cover every studykit module a parse job runs — else a change to the identity code leaves
stale GUIDs in a cached rebuild, and reviews attach to the wrong identity.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import studykit
from studykit.notes.cache import parser_sources

NOTE = "# 激活函数\n\n- **ReLU：** $\\max(0, x)$\n- **Sigmoid:** 会饱和\n\n## 为什么要归一化？\n\n训练更稳定。\n"

PROBE = """
import json, sys
from pathlib import Path
from studykit.notes.batch import _parse_job
note = Path(sys.argv[1])
parsed = _parse_job((note, note.parent, None))
assert parsed.guids and len(parsed.guids) == len(parsed.cards)
print(json.dumps(sorted(m.__file__ for n, m in list(sys.modules.items())
                        if (n == "studykit" or n.startswith("studykit.")) and getattr(m, "__file__", None))))
"""


def test_every_studykit_module_a_parse_job_imports_is_in_the_cache_fingerprint(tmp_path):
    note = tmp_path / "n.md"
    note.write_text(NOTE, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", PROBE, str(note)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    imported = {Path(f).resolve() for f in json.loads(proc.stdout)}
    covered = {p.resolve() for p in parser_sources()}
    assert Path(studykit.__file__).parent.joinpath("deck", "identity.py").resolve() in imported
    assert imported - covered == set(), "a parse job imports modules the cache fingerprint does not cover"


def _guids(package: Path) -> set[str]:
    with zipfile.ZipFile(package) as z:
        data = z.read("collection.anki2")
    db_path = package.with_suffix(".anki2")
    db_path.write_bytes(data)
    with sqlite3.connect(db_path) as db:
        return {row[0] for row in db.execute("SELECT guid FROM notes")}


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
@pytest.mark.cli
def test_a_change_to_the_identity_code_changes_the_guids_of_a_cached_rebuild(tmp_path):
    # a copy of the package, so that its identity code can be changed without touching the real one
    copy = tmp_path / "pkg"
    shutil.copytree(Path(studykit.__file__).parent, copy / "studykit",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    notes, cache = tmp_path / "notes", tmp_path / "cache"
    notes.mkdir()
    (notes / "n.md").write_text(NOTE, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(copy), "STUDYKIT_CACHE_DIR": str(cache), "NO_COLOR": "1"}

    def build(out: str, *extra: str) -> set[str]:
        proc = subprocess.run([sys.executable, "-m", "studykit", "build", str(notes), "-o", str(tmp_path / out),
                               *extra], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
        assert proc.returncode == 0, proc.stderr
        return _guids(tmp_path / out)

    where = subprocess.run([sys.executable, "-c", "import studykit; print(studykit.__file__)"], env=env,
                           capture_output=True, text=True, cwd=tmp_path).stdout.strip()
    assert Path(where).resolve() == (copy / "studykit" / "__init__.py").resolve()  # the copy is the one that runs

    before = build("before.apkg")  # fills the cache
    identity = copy / "studykit" / "deck" / "identity.py"
    source = identity.read_text(encoding="utf-8")
    assert '("studykit", *key)' in source and '["studykit", *key]' in source  # the salt of every GUID
    identity.write_text(source.replace('("studykit", *key)', '("studykit-changed", *key)')
                        .replace('["studykit", *key]', '["studykit-changed", *key]'), encoding="utf-8")

    cached = build("cached.apkg")
    fresh = build("fresh.apkg", "--no-cache")
    assert len(before) == 3
    assert cached == fresh and not cached & before
