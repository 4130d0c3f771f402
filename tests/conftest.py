"""Shared fixtures: the bundled benchmark files (package data, :mod:`prover.problem_sets`)."""
from __future__ import annotations

from pathlib import Path

import pytest

from geometry.problem import Problem, read_problems, split_problem_text
from prover.problem_sets import set_path

REPO = Path(__file__).resolve().parents[1]
JGEX = set_path("jgex")
EXAMPLES = set_path("examples")


@pytest.fixture(scope="session")
def jgex_path() -> Path:
    """The path of the bundled ``jgex_ag_231.txt`` (231 problems)."""
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
    """Problem lines of the bundled examples and of the jgex benchmark."""
    return [t for path in (examples_path, JGEX) for _, t in split_problem_text(path.read_text(encoding="utf-8"))]
