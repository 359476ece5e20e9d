"""The wheel a user installs carries what `init`, `grade` and `build` need: starters, suites, notes, CSS."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile

from conftest import REPO
from studykit.catalog import all_exercises


def test_the_wheel_ships_starters_notes_and_styles(tmp_path):
    source = tmp_path / "src"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(".git", "build", "*.egg-info", "__pycache__",
                                                                  ".studykit", "decks", ".pytest_cache"))
    # build isolation, as a user's pip does: a fresh venv's own setuptools may lack bdist_wheel
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                           "-w", str(tmp_path / "dist"), str(source)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    (wheel,) = (tmp_path / "dist").glob("studykit-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for ex in all_exercises():
        for part in ("README.md", "solution.py", "meta.toml"):
            assert f"studykit/exercises/{ex.folder}/{part}" in names
        assert f"studykit/grading/suites/{ex.id}.py" in names or f"studykit/grading/suites/{ex.id}/__init__.py" in names
    assert {f"studykit/content/{p.name}" for p in (REPO / "content").glob("*.md")} <= names
    assert "studykit/content/images/relu.svg" in names and "studykit/deck/style.css" in names
    assert "studykit/deck/highlight.css" in names
    assert {"studykit/data/digits.npz", "studykit/data/README.md"} <= names  # ex13's digits and their attribution
    assert not any(n.startswith("exercises/") for n in names)  # only inside the package

    # a normal (non-editable) install of that wheel: init and reset find the starters inside the package
    target = tmp_path / "site"
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    env = {**os.environ, "PYTHONPATH": str(target), "NO_COLOR": "1"}
    where = subprocess.run([sys.executable, "-c", "import studykit.catalog as c; print(c.STARTERS)"], env=env,
                           cwd=tmp_path, capture_output=True, text=True)
    assert where.stdout.strip() == str(target / "studykit" / "exercises"), where.stdout + where.stderr
    ws = tmp_path / "ws"
    assert subprocess.run([sys.executable, "-m", "studykit", "init", str(ws)], env=env, cwd=tmp_path).returncode == 0
    first = all_exercises()[0]
    mine = ws / "exercises" / first.folder / "solution.py"
    assert mine.read_bytes() == (REPO / "exercises" / first.folder / "solution.py").read_bytes()
    mine.write_text("# mine\n", encoding="utf-8")
    assert subprocess.run([sys.executable, "-m", "studykit", "reset", first.id, "--yes"], env=env, cwd=ws).returncode == 0
    assert mine.read_bytes() == (REPO / "exercises" / first.folder / "solution.py").read_bytes()
