"""Extending a saturated DD+AR state with auxiliary points.

The proof search adds a construction to a problem whose saturation is done and
runs DD+AR again. Starting over would realise the figure and derive every known
fact a second time; :func:`extend_engine` instead teaches the engine the new
points (coordinates, numeric index) and records the premises of the new clauses,
so that :meth:`Engine.prove` continues from the facts already derived.

>>> from geometry.predicates import Predicate
>>> from geometry.problem import parse_problem
>>> from geometry.diagram import realise, extend_diagram
>>> p = parse_problem("t", "a b c = triangle a b c; d = midpoint d a b; e = midpoint e a c ? para d e b c")
>>> engine = Engine(realise(p, seed=0))
>>> engine.prove(None).status
'saturated'
>>> aux = parse_problem("t", "a b c = triangle a b c; f = midpoint f b c").clauses[1]
>>> added = extend_engine(engine, extend_diagram(engine.diagram, [aux]))
>>> engine.prove(Predicate.parse("para d f a c".split())).status
'solved'
"""
from __future__ import annotations

from geometry.diagram import Diagram
from .engine import Engine, _normalise_given
from .facts import Given
from .index import NumericIndex

__all__ = ["ExtensionError", "extend_engine"]


class ExtensionError(ValueError):
    """The diagram given is not an extension of the engine's own."""


def extend_engine(engine: Engine, diagram: Diagram) -> int:
    """Move ``engine`` onto ``diagram``, which adds clauses (and points) to its own.

    The old points must keep their coordinates and the old clauses must come first
    in the same order. The numeric index is rebuilt over every point (the rule
    matchers read their candidates from it, so they see the new points), and each
    premise of a new clause is recorded as given under its clause number. Facts
    already derived stay, with their explanations. Returns the number of new givens.
    """
    old = engine.diagram
    old_clauses = old.problem.all_clauses(old.with_aux)
    clauses = diagram.problem.all_clauses(diagram.with_aux)
    if clauses[: len(old_clauses)] != old_clauses:
        raise ExtensionError("the new problem does not start with the engine's clauses")
    for name, z in engine.pts.items():
        if diagram.points.get(name) != z:
            raise ExtensionError(f"point {name} moved or vanished")
    engine.diagram = diagram
    # engine.pts is shared with the AR tables (they order collinear points by it): update in place
    new_points = [n for n in diagram.points if n not in engine.pts]
    engine.pts.update((n, diagram.points[n]) for n in new_points)
    engine.ar.add_points(new_points, [(fid, engine.facts[fid].pred) for fid in engine.midps.values()])
    engine.index = NumericIndex(engine.pts)
    before = len(engine.facts)
    for number in range(len(old_clauses) + 1, len(clauses) + 1):
        for prem in clauses[number - 1].premises():
            for pred in _normalise_given(prem):
                engine._record(pred, Given(number), check=False)
    return len(engine.facts) - before
