"""The similar-triangle matcher's shortcut: an angle or ratio equality of a pair of similar
triangles is decided from the residuals of its two sides (each reduced once per table state),
and must agree with the engine's full query on every pair, at every stage of a saturation."""
from __future__ import annotations

import pytest

from ddar.algebra import Table
from ddar.engine import Budget, Engine
from ddar.equations import segment_sum
from ddar.matchers import _equal_in, _triangle_pair
from geometry.diagram import realise
from geometry.predicates import Predicate
from geometry.problem import parse_problem

PROBLEMS = {
    # squares on two sides: the angle table gets rows without a unit coefficient (a lattice)
    "squares": "a b c = triangle a b c; d e = square a c d e; g f = square c b g f ? perp d b f a",
    # many similar right triangles around the orthocentre
    "orthocentre": "a b c = triangle a b c; d = foot d a b c; e = foot e b c a; f = foot f c a b; "
                   "h = on_line h a d, on_line h b e ? perp c h a b",
    # a cyclic quadrilateral's diagonals: similar triangles from equal inscribed angles
    "chords": "a b c = triangle a b c; o = circle o a b c; d = on_circle d o a; "
              "p = on_line p a c, on_line p b d ? eqratio p a p b p d p c",
}


def _compare(engine: Engine) -> tuple[int, int, list[str]]:
    """(statements compared, statements implied, disagreements) over every similar pair."""
    seen = implied = 0
    wrong = []
    for t, u, mirrored in engine.index.similar_triangles():
        pair = _triangle_pair(engine, t, u, mirrored)
        for table, preds, sides in ((Table.ANGLE, pair.angles, pair.angle_sides),
                                    (Table.RATIO, pair.ratios, pair.ratio_sides)):
            for pred, two in zip(preds, sides):
                fast, full = _equal_in(engine, table, pred, two), engine.implied(pred)
                seen += 1
                implied += full
                if fast != full:
                    wrong.append(f"{pred}: shortcut {fast}, query {full}")
    return seen, implied, wrong


@pytest.mark.parametrize("name", sorted(PROBLEMS))
def test_shortcut_agrees_with_the_query_through_a_saturation(name: str) -> None:
    problem = parse_problem(name, PROBLEMS[name])
    engine = Engine(realise(problem, seed=0))
    stages = []
    for facts in (0, 40, 50_000):  # the givens only, part way, saturated
        if facts:
            engine.prove(problem.goal, Budget(max_facts=len(engine.facts) + facts))
        seen, implied, wrong = _compare(engine)
        assert not wrong, wrong[:5]
        stages.append((seen, implied))
    assert all(seen for seen, _ in stages)
    assert stages[-1][1] > stages[0][1]  # the saturation made some of them implied
    assert any(implied < seen for seen, implied in stages)  # and the check met both answers
    if name == "squares":
        assert engine.ar.angles.has_lattice


def test_residuals_are_forgotten_when_a_table_gains_a_row() -> None:
    problem = parse_problem("t", PROBLEMS["chords"])
    ar = Engine(realise(problem, seed=0)).ar
    side = tuple(sorted(segment_sum(("a", "b", "a", "c"), -1, 1).items()))  # angle bac
    other = tuple(sorted(segment_sum(("d", "b", "d", "c"), -1, 1).items()))  # angle bdc
    assert ar.residual(Table.ANGLE, side) != ar.residual(Table.ANGLE, other)
    ar.add(10_000, Predicate.parse("eqangle a b a c d b d c".split()))
    assert ar.residual(Table.ANGLE, side) == ar.residual(Table.ANGLE, other)


def _all_pairs_cyclic_merge(db: Engine) -> int:
    """c01 as it was first written (every pair of a circle's quadruples, every pass): the
    reference the triple-indexed matcher must agree with, fact for fact and premise for premise."""
    from itertools import combinations

    from ddar.facts import RuleApp
    from ddar.matchers import P

    new, changed = 0, True
    while changed:
        changed = False
        for circ in db.index.circles:
            quads = [q for q in db.cyclic4 if q <= set(circ)]
            for q1, q2 in combinations(quads, 2):
                if len(q1 & q2) != 3:
                    continue
                for q in combinations(db.index.order(q1 | q2), 4):
                    if frozenset(q) not in db.cyclic4:
                        db.record(P("cyclic", *q), RuleApp("c01", (db.cyclic4[q1], db.cyclic4[q2])))
                        new, changed = new + 1, True
    return new


CIRCLE = ("a b c = triangle a b c; o = circle o a b c; d = on_circle d o a; e = on_circle e o a; "
          "f = on_circle f o a; g = on_circle g o a; h = midpoint h a b ? cyclic b d f g")


def test_cyclic_merge_derives_what_every_pair_of_quadruples_derives() -> None:
    from dataclasses import replace

    from ddar.matchers import cyclic_merge

    problem = parse_problem("circle", CIRCLE)
    runs = []
    for merge in (cyclic_merge, _all_pairs_cyclic_merge):
        engine = Engine(realise(problem, seed=0))
        engine.matcher_list = tuple(replace(m, run=merge) if m.run is cyclic_merge else m
                                    for m in engine.matcher_list)
        engine.prove(None, Budget(timeout=60))
        runs.append([(f.pred, f.reason) for f in engine.facts])
    merged = [r for pred, r in runs[0] if getattr(r, "rule", None) == "c01"]
    assert len(merged) >= 10 and runs[0] == runs[1]


def test_cyclic_merge_stops_at_the_deadline() -> None:
    """No rule application in it goes through ``derive``: it checks the deadline itself."""
    import time

    from ddar.engine import OutOfTime
    from ddar.matchers import cyclic_merge

    problem = parse_problem("circle", CIRCLE)
    engine = Engine(realise(problem, seed=0))
    engine.deadline = time.monotonic() - 1
    with pytest.raises(OutOfTime):
        cyclic_merge(engine)
