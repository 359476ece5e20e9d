"""`studykit sync`: bring a learner's Anki collection to exactly the state of the built deck.

`plan.py` computes what must change (a pure function of the deck and the collection), `package.py` reads the built
package and writes the smaller package of changes that is imported, `collection.py` applies a plan to a closed
collection with Anki's own library, `ankiconnect.py` to a running Anki through AnkiConnect, `profile.py` finds the
profile's collection the way Anki does, and `run.py` is the one sequence both backends go through.
"""
