"""`studykit sync --anki-connect`: Anki running, changed through AnkiConnect — the issue's check, the same as for a
closed collection. The running Anki is tests/ankiconnect_standin.py (why: docs/sync.md), started on a free loopback
port by the fixture; the collection is inspected with Anki's library while it is stopped."""

from __future__ import annotations

import contextlib
import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import run_studykit
from sync_helpers import edit_move_delete, make_project, notes_by_term, review_one

anki_collection = pytest.importorskip("anki.collection", reason="the sync tests need Anki's library (test extra)")
Collection = anki_collection.Collection

pytestmark = pytest.mark.cli
STANDIN = Path(__file__).with_name("ankiconnect_standin.py")
READY_WITHIN = 120.0  # seconds: a generous bound on start-up, polled, never slept


def _version(url: str) -> int | None:
    body = json.dumps({"action": "version", "version": 6}).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=body), timeout=10) as response:
            return json.loads(response.read())["result"]
    except OSError:
        return None


@contextlib.contextmanager
def anki_running(collection: Path):
    """Anki with AnkiConnect on a free 127.0.0.1 port, holding `collection` open; yields its URL."""
    port_file = collection.parent / "standin.port"
    port_file.unlink(missing_ok=True)
    process = subprocess.Popen([sys.executable, str(STANDIN), str(collection), str(port_file)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + READY_WITHIN
        url = None
        while time.monotonic() < deadline and process.poll() is None:
            if url is None and port_file.exists():
                url = f"http://127.0.0.1:{port_file.read_text()}"
            if url is not None and _version(url) == 6:
                break
            time.sleep(0.05)  # polling interval only: readiness is what is waited for
        else:
            process.kill()
            pytest.skip(f"the AnkiConnect stand-in did not start: {process.communicate()[1][-500:]}")
        yield url
    finally:
        if process.poll() is None:
            process.terminate()  # it closes the collection, as Anki does on quit
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _sync(project, url, *extra):
    proc = run_studykit("sync", "--anki-connect", url, *extra, cwd=project)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    return proc.stdout


@pytest.mark.slow  # over a second (a full grade or build through the CLI)
def test_sync_through_ankiconnect_edit_move_delete_then_nothing(tmp_path):
    project = make_project(tmp_path / "project")
    collection = tmp_path / "Anki2" / "User 1" / "collection.anki2"
    collection.parent.mkdir(parents=True)
    Collection(str(collection)).close()

    with anki_running(collection) as url:
        out = _sync(project, url)
        assert "5 added" in out and "1 media added" in out, out
        # Anki holds its collection open: the closed-collection way is refused meanwhile
        proc = run_studykit("sync", "--collection", str(collection), cwd=project)
        assert proc.returncode == 2 and "open in a running Anki" in proc.stderr
    col = Collection(str(collection))
    try:
        first = notes_by_term(col)
        assert set(first) == {"ReLU", "Sigmoid", "Tanh", "SGD", "Adam"}
        assert first["SGD"]["decks"] == {"studykit::优化器"}
        relu = col.get_note(first["ReLU"]["id"])
        relu.tags.append("marked")  # the learner marked it in the reviewer
        col.update_note(relu)
        model = col.models.by_name("studykit Basic")
        css, model["css"] = model["css"], "/* an older studykit's */"
        col.models.update_dict(model)
        reviewed = review_one(col, "ReLU")
        state = col.db.first("SELECT type, queue, ivl, due, reps FROM cards WHERE id = ?", reviewed)
    finally:
        col.close()

    edit_move_delete(project)
    with anki_running(collection) as url:
        out = _sync(project, url)
        assert "3 updated" in out and "2 cards moved" in out and "1 removed" in out, out
        assert "1 note types updated" in out
    col = Collection(str(collection))
    try:
        second = notes_by_term(col)
        assert set(second) == {"ReLU", "Sigmoid", "SGD", "Adam"}
        assert second["ReLU"]["id"] == first["ReLU"]["id"] and "负半轴为 0" in second["ReLU"]["fields"][1]
        assert "marked" in second["ReLU"]["tags"]
        assert col.db.first("SELECT type, queue, ivl, due, reps FROM cards WHERE id = ?", reviewed) == state
        assert col.db.scalar("SELECT count() FROM revlog WHERE cid = ?", reviewed) == 1
        assert second["SGD"]["decks"] == second["Adam"]["decks"] == {"studykit::sub::优化器"}
        assert col.models.by_name("studykit Basic")["css"] == css
        mod = col.mod
    finally:
        col.close()

    with anki_running(collection) as url:
        assert "up to date: nothing changed" in _sync(project, url)
    col = Collection(str(collection))
    try:
        assert col.mod == mod
    finally:
        col.close()


def test_no_ankiconnect_is_a_clear_message(tmp_path):
    project = make_project(tmp_path / "project")
    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = run_studykit("sync", "--anki-connect", f"http://127.0.0.1:{port}", cwd=project)
    assert proc.returncode == 2 and "no AnkiConnect at" in proc.stderr and "Traceback" not in proc.stderr
