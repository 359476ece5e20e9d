"""A stand-in for Anki running with the AnkiConnect add-on, for the sync tests: an HTTP server on 127.0.0.1 that
speaks AnkiConnect's API version 6 for the actions `studykit sync` uses, each done the way the add-on does it
(plugin/__init__.py of FooSoft/anki-connect) on a real collection opened with Anki's library: `importPackage` and
`exportPackage` run Anki's `AnkiPackageImporter` / `AnkiPackageExporter`, `changeDeck` is `set_deck`, and so on.

The add-on ships through AnkiWeb and needs Anki's Qt GUI, and the one headless server on PyPI (anki-connect-server
0.5.0, run on Python 3.12) fails importPackage and exportPackage against anki 26 (the errors: docs/sync.md), so this
is what the AnkiConnect path is tested against.
It keeps the collection open while it runs, as Anki does, and never syncs anywhere.

    python ankiconnect_standin.py COLLECTION PORT_FILE   # writes the port it listens on to PORT_FILE
"""

from __future__ import annotations

import base64
import json
import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

from anki.collection import Collection
from anki.exporting import AnkiPackageExporter  # the legacy importer and exporter, as the add-on uses them
from anki.importing import AnkiPackageImporter


def actions(col: Collection) -> dict:
    def export_package(deck, path, includeSched=False):
        found = col.decks.by_name(deck)
        if found is None:
            return False
        exporter = AnkiPackageExporter(col)
        exporter.did = found["id"]
        exporter.includeSched = includeSched
        exporter.exportInto(path)
        return True

    def import_package(path):
        AnkiPackageImporter(col, path).run()
        return True

    def update_note_fields(note):
        anki_note = col.get_note(note["id"])
        for name, value in note["fields"].items():
            anki_note[name] = value
        col.update_note(anki_note)

    def update_note_tags(note, tags):
        anki_note = col.get_note(note)
        anki_note.tags = list(tags)
        col.update_note(anki_note)

    def change_deck(cards, deck):
        col.set_deck(cards, col.decks.id(deck))

    def update_model_styling(model):
        found = col.models.by_name(model["name"])
        found["css"] = model["css"]
        col.models.save(found)

    def update_model_templates(model):
        found = col.models.by_name(model["name"])
        for template in found["tmpls"]:
            sides = model["templates"].get(template["name"], {})
            template["qfmt"] = sides.get("Front", template["qfmt"])
            template["afmt"] = sides.get("Back", template["afmt"])
        col.models.save(found)

    def media_names(pattern="*"):
        import fnmatch

        return [n for n in os.listdir(col.media.dir()) if fnmatch.fnmatch(n, pattern)]

    return {
        "version": lambda: 6,
        "deckNames": lambda: [d.name for d in col.decks.all_names_and_ids()],
        "findNotes": lambda query: [int(n) for n in col.find_notes(query)],
        "getMediaFilesNames": media_names,
        "exportPackage": export_package,
        "importPackage": import_package,
        "updateNoteFields": update_note_fields,
        "updateNoteTags": update_note_tags,
        "changeDeck": change_deck,
        "deleteNotes": lambda notes: col.remove_notes(notes),
        "addTags": lambda notes, tags, add=True: col.tags.bulk_add(notes, tags),
        "updateModelStyling": update_model_styling,
        "updateModelTemplates": update_model_templates,
        "storeMediaFile": lambda filename, data: col.media.write_data(filename, base64.b64decode(data)),
    }


def _quit(signum, frame):
    raise KeyboardInterrupt


def main(collection: str, port_file: str) -> None:
    # SIGTERM (and SIGINT, which a shell ignores for background jobs) close the collection, as Anki does on quit
    signal.signal(signal.SIGTERM, _quit)
    signal.signal(signal.SIGINT, _quit)
    col = Collection(collection)
    table = actions(col)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            try:
                function = table[request["action"]]
                result = function(**request.get("params", {}))
                if not isinstance(result, (bool, int, str, list)):
                    result = None  # AnkiConnect answers null for actions that change things
                reply = {"result": result, "error": None}
            except KeyError:
                reply = {"result": None, "error": "unsupported action"}
            except Exception as exc:  # AnkiConnect answers an error, it does not fail the request
                reply = {"result": None, "error": str(exc)}
            body = json.dumps(reply).encode("utf-8")
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(server.server_port))
    os.replace(port_file + ".tmp", port_file)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        col.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
