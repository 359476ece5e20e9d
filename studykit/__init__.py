"""studykit: turn deep-learning study notes into Anki decks, and grade NumPy exercises offline."""

__version__ = "0.2.0"  # the one source of the version: pyproject.toml reads it
