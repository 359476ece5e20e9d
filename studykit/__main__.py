"""`python -m studykit` runs the CLI."""

from studykit.cli import main

main()
