"""Numeric tolerances live in geometry/tolerance.py, named for what they protect.

A small float literal in product code is almost always a tolerance written inline;
this test finds them with ``ast`` so that new ones cannot creep in. A literal that is
genuinely not a tolerance goes in :data:`ALLOWED` with the reason.
"""
from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import pytest

from geometry import tolerance

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("geometry", "ddar", "synth", "lm", "prover")
#: Literals at least this large are ordinary numbers (halves, weights, probabilities).
SMALLEST_ORDINARY = 0.01

#: (file, value) -> how many literals of that value the file may hold, with why.
ALLOWED: dict[tuple[str, float], int] = {
    # not tolerances
    ("lm/model.py", 1e-5): 1,  # RMSNorm epsilon: a model hyperparameter, saved in the checkpoint config
    ("lm/train.py", 1e-3): 1,  # default peak learning rate (pretraining)
    ("lm/train.py", 5e-5): 1,  # default peak learning rate (fine-tuning)
    ("geometry/workers.py", 1e-3): 1,  # the shortest timer a deadline arms, in seconds
}


def _small_floats(path: Path) -> list[tuple[int, float]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return sorted(
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, float)
        and 0 < abs(node.value) < SMALLEST_ORDINARY
    )


def _product_files() -> list[Path]:
    files = [p for pkg in PACKAGES for p in sorted((ROOT / pkg).rglob("*.py"))]
    return [p for p in files if p != ROOT / "geometry" / "tolerance.py"]


def test_no_inline_tolerances() -> None:
    """Every small float literal in product code is in the allowlist (or a named tolerance)."""
    stray = []
    for path in _product_files():
        rel = path.relative_to(ROOT).as_posix()
        found = _small_floats(path)
        counts = Counter(value for _, value in found)
        for value, n in counts.items():
            if n > ALLOWED.get((rel, value), 0):
                stray += [f"{rel}:{line}: {value!r}" for line, v in found if v == value]
    assert not stray, "inline tolerances (name them in geometry/tolerance.py):\n" + "\n".join(stray)


def test_allowlist_is_not_stale() -> None:
    """An allowlist entry whose literals are gone is removed, so it cannot hide new ones."""
    held = Counter()
    for path in _product_files():
        rel = path.relative_to(ROOT).as_posix()
        held.update((rel, value) for _, value in _small_floats(path))
    stale = [f"{f} {v!r}: allows {n}, holds {held[(f, v)]}" for (f, v), n in ALLOWED.items() if held[(f, v)] < n]
    assert not stale, "shrink these allowlist entries:\n" + "\n".join(stale)


@pytest.mark.parametrize("name", tolerance.__all__)
def test_tolerances_are_positive_numbers(name: str) -> None:
    value = getattr(tolerance, name)
    assert isinstance(value, (int, float)) and value > 0


def test_the_check_tolerance_is_defined_once() -> None:
    """No product module binds its own ``TOL``/``EPS``: they import from geometry.tolerance."""
    own = []
    for path in _product_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id.lstrip("_") in {"TOL", "EPS", "EPSILON"}:
                        own.append(f"{path.relative_to(ROOT).as_posix()}:{node.lineno}: {target.id}")
    assert not own, "\n".join(own)
