"""Shared fixtures: the benchmark file that lives beside the repository.

The benchmarks are not part of the package: they sit in ``shared/`` next to the
checkout (``<repo>/../shared/benchmarks``). Tests that need them are skipped,
with the reason, where that folder is absent.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from geometry.problem import Problem, read_problems, split_problem_text

REPO = Path(__file__).resolve().parents[1]
JGEX = Path(__file__).resolve().parents[2] / "shared/benchmarks/jgex_ag_231.txt"
EXAMPLES = REPO / "prover/examples/examples.txt"


@pytest.fixture(scope="session")
def jgex_path() -> Path:
    """The path of ``jgex_ag_231.txt`` (231 problems); skips the test when it is absent."""
    if not JGEX.is_file():
        pytest.skip(f"benchmark file not found: {JGEX} (expected in shared/ beside the repository)")
    return JGEX


@pytest.fixture(scope="session")
def jgex_problems(jgex_path: Path) -> list[Problem]:
    """The parsed problems of ``jgex_ag_231.txt``."""
    return read_problems(jgex_path)


@pytest.fixture(scope="session")
def examples_path() -> Path:
    """The bundled examples file (package data)."""
    return EXAMPLES


@pytest.fixture(scope="session")
def real_problem_lines(examples_path: Path) -> list[str]:
    """Problem lines of the bundled examples, and of the benchmark where it is present."""
    lines = [t for _, t in split_problem_text(examples_path.read_text(encoding="utf-8"))]
    if JGEX.is_file():
        lines += [t for _, t in split_problem_text(JGEX.read_text(encoding="utf-8"))]
    return lines
