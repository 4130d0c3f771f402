"""AR facts are recorded unexplained (``LazyAR``) and explained when a traceback first asks:
the explanation must be the one the engine would have given when it recorded the fact (from
the facts before it only, so a proof never cites a later fact), and the saturation must be
the same fact for fact."""
from __future__ import annotations

import pytest

from ddar.check import check_proof
from ddar.engine import Budget, Engine
from ddar.extend import extend_engine
from ddar.facts import ARApp, LazyAR
from ddar.proof import traceback
from geometry.diagram import extend_diagram, realise
from geometry.predicates import Predicate
from geometry.problem import parse_problem

PROBLEMS = {
    # squares on two sides: a lattice in the angle table, and a multiple-angle step (ANGLE2)
    "squares": "a b c = triangle a b c; d e = square a c d e; g f = square c b g f ? perp d b f a",
    # the orthocentre's right angles and cyclic quadrilaterals
    "orthocentre": "a b c = triangle a b c; d = foot d a b c; e = foot e b c a; f = foot f c a b; "
                   "h = on_line h a d, on_line h b e ? perp c h a b",
    # midpoints: ratio and length tables (a length step)
    "midlines": "a b c = triangle a b c; d = midpoint d a b; e = midpoint e b c; f = midpoint f c a; "
                "g = on_line g a e, on_line g b f ? coll c g d",
    # the incentre's half angles: a lattice in the angle table
    "incentre": "a b c = triangle a b c; i = incenter i a b c; o = circle o a b c; "
                "m = on_line m a i, on_circle m o a ? cong m b m i",
}


class EagerEngine(Engine):
    """The engine as it was: each AR fact explained the moment it is recorded."""

    def fact_id(self, pred: Predicate) -> int | None:
        fid = super().fact_id(pred)
        if fid is not None:
            self.reason(fid)
        return fid


def _saturate(cls: type[Engine], text: str) -> Engine:
    engine = cls(realise(parse_problem("t", text), seed=0))
    engine.prove(None, Budget(timeout=60))
    return engine


@pytest.mark.parametrize("name", sorted(PROBLEMS))
def test_lazy_explanations_are_the_eager_ones(name: str) -> None:
    lazy, eager = _saturate(Engine, PROBLEMS[name]), _saturate(EagerEngine, PROBLEMS[name])
    assert [f.pred for f in lazy.facts] == [f.pred for f in eager.facts]
    unexplained = [f.id for f in lazy.facts if isinstance(f.reason, LazyAR)]
    assert unexplained, "no AR fact was recorded lazily: the test tests nothing"
    assert not any(isinstance(f.reason, LazyAR) for f in eager.facts)
    for fid in unexplained:
        reason = lazy.reason(fid)
        assert isinstance(reason, ARApp)
        assert all(p < fid for p in reason.premises)
        assert reason == eager.facts[fid].reason
        assert lazy.facts[fid].reason is reason  # kept


def test_a_fact_is_explained_from_earlier_facts_only_after_more_are_added() -> None:
    """Explaining a fact after the tables grew (more facts, a new point) still cites only facts
    before it, and the proof of the goal passes the checker's order."""
    text = PROBLEMS["orthocentre"]
    engine = _saturate(Engine, text)
    lazy = [f.id for f in engine.facts if isinstance(f.reason, LazyAR)]
    aux = parse_problem("t", "a b c = triangle a b c; o = circle o a b c").clauses[1]
    extend_engine(engine, extend_diagram(engine.diagram, [aux]))
    engine.prove(None, Budget(timeout=60))
    for fid in lazy:
        assert all(p < fid for p in engine.reason(fid).premises)
    goal = engine.fact_id(Predicate.parse("perp c h a b".split()))
    assert goal is not None
    proof = traceback(engine, goal)
    numbers = {line.number for line in proof.lines}
    assert all(p < line.number and p in numbers for line in proof.lines for p in line.uses)
    assert check_proof(proof).ok


def test_an_unexplained_fact_does_not_pretend_to_have_premises() -> None:
    engine = _saturate(Engine, PROBLEMS["midlines"])
    fact = next(f for f in engine.facts if isinstance(f.reason, LazyAR))
    assert fact.derived
    with pytest.raises(ValueError, match="not explained yet"):
        _ = fact.premises
