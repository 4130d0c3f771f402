"""Constants in the engine: what a construction fixes enters the tables with its value.

Equilateral triangles (60°, a third of the tripled angle, the orientation stated), isosceles
right triangles (45°, half of the doubled angle), squared constants (``r2const``,
``l2const``), Pythagoras with numbers, the directed angle sum of a triangle, and Newclid's
``s_angle`` (a line through the vertex).
"""
from __future__ import annotations

import cmath
import math

import pytest

from ddar.check import check_proof, replay
from ddar.conditions import Condition
from ddar.engine import Budget, Engine
from ddar.proof import ProofLine, traceback
from geometry.diagram import figure_where_goals_hold, realise
from geometry.predicates import Predicate
from geometry.problem import parse_problem


def _prove(text: str, seed: int = 0):
    problem = parse_problem("t", text)
    diagram = figure_where_goals_hold(problem, seed=seed)
    engine = Engine(diagram)
    result = engine.prove(problem.goal, Budget(timeout=20))
    assert result.status == "solved", text
    proof = traceback(engine, result.goal_fact)
    verdict = check_proof(proof, diagram.points)
    assert verdict.ok, verdict.errors
    return proof, diagram, engine


# ---------------------------------------------------------------------- multiple angles
def test_equilateral_angle_is_a_third_of_the_tripled_angle() -> None:
    proof, diagram, _ = _prove("b c = segment b c; a = eq_triangle a b c ? aconst a b a c 1pi/3")
    step = proof.lines[-1]
    assert step.kind == "ar" and step.rule == "angle3"
    assert step.conditions == (Condition.angle_case(step.pred, 3),)
    assert str(step.conditions[0]) == "case3 aconst a b a c 1pi/3"
    assert Condition.parse(str(step.conditions[0])) == step.conditions[0]


def test_the_other_orientation_refuses_the_tripled_case() -> None:
    """In the mirrored figure the same premises hold, the angle is 120°: 60° is not derived."""
    problem = parse_problem("t", "b c = segment b c; a = eq_triangle a b c ? aconst a b a c 2pi/3")
    diagram = figure_where_goals_hold(problem, seed=0)
    engine = Engine(diagram)
    sixty = Predicate.parse("aconst a b a c 1pi/3".split())
    assert not engine.implied(sixty) and engine.fact_id(sixty) is None
    assert engine.prove(problem.goal, Budget(timeout=20)).solved  # 120° in this figure


def test_a_tripled_step_without_its_condition_is_refused() -> None:
    proof, diagram, _ = _prove("b c = segment b c; a = eq_triangle a b c ? aconst a b a c 1pi/3")
    step = proof.lines[-1]
    bare = ProofLine(step.number, step.pred, "ar", step.rule, step.uses, step.multipliers)
    stripped = type(proof)(proof.problem, proof.goal, proof.lines[:-1] + (bare,), proof.aux_points, proof.points)
    verdict = check_proof(stripped, diagram.points)
    assert not verdict.ok and "which third of the tripled angle" in verdict.errors[0]


def test_the_tripled_proof_replays_where_its_condition_holds() -> None:
    proof, _, _ = _prove("a b c = ieq_triangle a b c; d = midpoint d b c ? aconst b a a d 1pi/6")
    figures = [realise(proof.problem, seed=s).points for s in range(100, 112)]
    result = replay(proof, figures)
    assert result.ok and 0 < result.applicable < result.figures  # one orientation only


def test_isosceles_right_angle_is_half_the_doubled_angle() -> None:
    proof, _, _ = _prove("a b c = risos a b c ? aconst b a b c 1pi/4", seed=1)
    assert proof.lines[-1].rule == "angle2"


# ---------------------------------------------------------------------- numbers
def test_squared_constants_enter_the_ratio_and_squared_length_tables() -> None:
    # AX² : AB² = 1 : 4 (r2const) gives AX : AB = 1 : 2 by ratio chasing
    proof, _, _ = _prove("a b = segment a b; x = r2const a b a x 4 ? rconst a x a b 1/2")
    assert proof.lines[-1].rule == "ratio"
    # BA² = CA² = 2 and a right angle at A: BC² = 4, so BC = 2
    proof, _, _ = _prove("a = free a; b = l2const b a 2; c = on_tline c a a b, l2const c a 2 ? lconst b c 2")
    assert proof.lines[-1].rule == "square"


def test_pythagoras_with_numbers_feeds_the_other_tables() -> None:
    """BC = 5 (squared lengths) is a fact the ratio table uses: the altitude is 12/5."""
    proof, _, engine = _prove("a = free a; b = lconst b a 3; c = on_tline c a a b, lconst c a 4; d = foot d a b c "
                              "? lconst a d 12/5")
    hyp = Predicate.parse("lconst b c 5".split())
    assert engine.implied(hyp)
    assert any(line.pred.canonical() == hyp.canonical() and line.rule == "square" for line in proof.lines)


def test_a_wrong_number_is_not_derived() -> None:
    problem = parse_problem("t", "a = free a; b = lconst b a 3; c = on_tline c a a b, lconst c a 4 ? lconst b c 5")
    engine = Engine(realise(problem, seed=0))
    engine.prove(None, Budget(timeout=20))
    assert engine.implied(Predicate.parse("lconst b c 5".split()))
    for wrong in ("lconst b c 7", "l2const b c 24", "rconst b c a b 2"):
        assert not engine.implied(Predicate.parse(wrong.split()))


def test_triangle_angle_sum_in_directed_form() -> None:
    """∠(BA, BC) = 70°, ∠(AB, AC) = −50°: ∠(CB, CA) = 60° (the directed angles add up to 0 mod 180°)."""
    _prove("a b = segment a b; c = s_angle a b c 70, s_angle b a c -50 ? aconst c b c a 1pi/3")


# ---------------------------------------------------------------------- s_angle dialects
@pytest.mark.parametrize("spelling, line", [("150o", True), ("5pi/6", True), ("150", False)])
def test_s_angle_spelling_chooses_ray_or_line(spelling: str, line: bool) -> None:
    """Newclid's spelling is Newclid's s_angle (the whole line through B); AlphaGeometry's bare
    degrees its ray. Either way the premise is the angle between the lines."""
    problem = parse_problem("t", f"a b = segment a b; c = s_angle a b c {spelling}, s_angle b a c 30o")
    if not line:
        with pytest.raises(Exception, match="cannot|fails|no"):
            realise(problem, seed=0)  # the rays from B and from A do not meet
        return
    pts = realise(problem, seed=0).points
    a, b, c = pts["a"], pts["b"], pts["c"]
    turn = cmath.phase((c - b) / (a - b)) / math.pi
    assert min(abs(turn - 5 / 6), abs(turn + 1 / 6)) < 1e-9  # on the line, not the ray
    (premise,) = problem.clauses[1].constructions[0].premises()
    assert premise.holds(pts)
    _prove(f"a b = segment a b; c = s_angle a b c {spelling}, s_angle b a c 30o ? aconst c a c b 2pi/3")
