"""False variants of a goal: one point replaced by another, false in the figure with a margin.

Soundness checks hand these to the engine, which must never prove them
(``tests/ddar/test_soundness.py``, ``bench/false_goals.py``).

>>> import random
>>> from geometry.diagram import realise
>>> from geometry.problem import parse_problem
>>> p = parse_problem("midline", "a b c = triangle a b c; m = midpoint m a b; n = midpoint n a c ? para m n b c")
>>> [str(g) for g in false_variants(p, realise(p, seed=0).points, 2, random.Random(0))]
['para m n a c', 'para a n b c']
"""
from __future__ import annotations

import random
from typing import Mapping

from .predicates import Predicate
from .problem import Problem
from .tolerance import FALSE_MARGIN


def false_variants(
    problem: Problem, points: Mapping[str, complex], limit: int, rng: random.Random, margin: float = FALSE_MARGIN
) -> list[Predicate]:
    """Up to ``limit`` goals made by replacing one point of the goal by another point of the
    problem, each false in the figure ``points`` even at tolerance ``margin``; distinct up to
    symmetry, chosen at random with ``rng``."""
    goal = problem.goal
    if goal is None:
        return []
    others = [p for p in problem.points() if p not in goal.points]
    found: dict[Predicate, Predicate] = {}
    for i, arg in enumerate(goal.args):
        if not isinstance(arg, str):
            continue
        for q in others:
            args = list(goal.args)
            args[i] = q
            pred = Predicate(goal.kind, tuple(args))
            if pred.canonical() not in found and not pred.holds(points, tol=margin):
                found[pred.canonical()] = pred
    variants = list(found.values())
    rng.shuffle(variants)
    return variants[:limit]
