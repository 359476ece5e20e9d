"""Grading: the child-process runner, the checks exercises use, the report, and symbolic answers."""
