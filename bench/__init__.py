"""Benchmarks: scripts that print numbers (``python bench/NAME.py``), and the tooling they
share with the tests, imported as ``bench.NAME`` (:mod:`bench.fuzzing`, :mod:`bench.update_golden`).

Not part of the installed package; the tests find it because pytest puts the repository
root on the path (``pythonpath`` in pyproject.toml).
"""
