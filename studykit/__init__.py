"""studykit: turn deep-learning study notes into Anki decks, and grade NumPy exercises offline."""

__version__ = "0.1.0"
