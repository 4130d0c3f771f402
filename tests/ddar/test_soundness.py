"""Soundness: goals that are false in the diagram are never proven.

False goals come from benchmark problems: one point of the goal is replaced by
another point of the problem, and only variants that fail even at tolerance 1e-3
in the original problem's diagram are kept. ``bench/false_goals.py`` runs the same
sweep over the whole file.
"""
from __future__ import annotations

import random

import pytest

from ddar.engine import Budget, Engine
from geometry.diagram import Diagram, realise
from geometry.predicates import Predicate
from geometry.problem import Problem, parse_problem
from geometry.tolerance import FALSE_MARGIN
from geometry.variants import false_variants

SAMPLE = 15
VARIANTS = 3


def _sample(problems: list[Problem]) -> list[Problem]:
    rng = random.Random(20240611)
    with_goal = [p for p in problems if p.goal is not None]
    return rng.sample(with_goal, min(SAMPLE, len(with_goal)))


@pytest.fixture(scope="module")
def cases(jgex_problems) -> list[tuple[Problem, Diagram, list[Predicate]]]:
    """(problem, diagram of the original problem, false goals) for the sample."""
    rng = random.Random(7)
    out = []
    for problem in _sample(jgex_problems):
        diagram = realise(problem, seed=0)
        out.append((problem, diagram, false_variants(problem, diagram.points, VARIANTS, rng)))
    return out


def test_false_variants_are_false_and_differ_from_the_goal(cases) -> None:
    assert sum(len(v) for _, _, v in cases) >= SAMPLE, "the sample yields false goals"
    for problem, diagram, variants in cases:
        assert diagram.holds(problem.goal)
        for goal in variants:
            assert goal.kind is problem.goal.kind
            assert goal.canonical() != problem.goal.canonical()
            assert not diagram.holds(goal, tol=FALSE_MARGIN)


def test_false_goals_of_benchmark_problems_are_not_proven(cases) -> None:
    proven = []
    for problem, diagram, variants in cases:
        for goal in variants:
            if Engine(diagram).prove(goal, Budget(timeout=5)).status == "solved":
                proven.append(f"{problem.name}: {goal}")
    assert not proven, proven


# hand-made false statements in classic figures, each close to a true one
FALSE_IN_FIGURE = [
    # orthocentre figure: ch ⊥ ab holds; ch ⊥ ac does not
    ("a b c = triangle a b c; d = foot d a b c; e = foot e b c a; h = on_line h a d, on_line h b e",
     ["perp c h a c", "cong h a h b", "cyclic a b d h", "para d e a b"]),
    # midline figure: mn ∥ bc holds; mn ∥ ab, bm = cn, m b n c concyclic do not
    ("a b c = triangle a b c; m = midpoint m a b; n = midpoint n a c",
     ["para m n a b", "cong b m c n", "cyclic m b n c", "midp m b c"]),
    # parallelogram: the base angles of an isosceles trapezoid are not equal here, nor is it cyclic
    ("a b c = triangle a b c; d = parallelogram a b c d",
     ["eqangle d a d c c d c b", "cyclic a b c d", "perp a c b d", "cong a c b d"]),
    # a point on the circle: inscribed angles over another chord differ
    ("a b c = triangle a b c; o = circle o a b c; d = on_circle d o a",
     ["eqangle c a c b d a d c", "cong o a a b", "perp o d a b", "coll o a d"]),
]


@pytest.mark.parametrize("setup, goals", FALSE_IN_FIGURE, ids=["orthocentre", "midline", "parallelogram", "circle"])
def test_false_statements_in_classic_figures_are_not_proven(setup: str, goals: list[str]) -> None:
    problem = parse_problem("f", setup)
    for seed in (0, 1):
        diagram = realise(problem, seed=seed)
        for text in goals:
            goal = Predicate.parse(text.split())
            assert not diagram.holds(goal, tol=FALSE_MARGIN), text
            assert Engine(diagram).prove(goal, Budget(timeout=5)).status != "solved", text


def test_the_prove_driver_in_a_given_figure_does_not_prove_a_false_goal() -> None:
    """``prove_ddar(figure=...)`` (what bench/false_goals.py runs) tries the goal there and fails."""
    from dataclasses import replace

    from prover.prove import prove_ddar

    setup, goals = FALSE_IN_FIGURE[0]
    problem = parse_problem("f", setup + " ? perp c h a b")
    diagram = realise(problem, seed=0)
    assert prove_ddar(problem, figure=diagram, timeout=10).status == "solved"
    for text in goals:
        out = prove_ddar(replace(problem, goals=(Predicate.parse(text.split()),)), figure=diagram, timeout=5)
        assert out.proof is None and out.status != "solved", text
