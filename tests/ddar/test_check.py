"""The proof checker accepts the engine's proofs and rejects tampered ones."""
from __future__ import annotations

from dataclasses import replace

import pytest

from ddar.check import check_proof, is_instance
from ddar.conditions import Condition
from ddar.engine import Budget, Engine
from ddar.proof import Proof, ProofLine, traceback
from ddar.rules import load_rules
from geometry.diagram import Diagram, figure_where_goals_hold, realise
from geometry.predicates import Predicate
from geometry.problem import parse_problem

# C on the perpendicular bisector of AB, D on AB, E and F the feet of the perpendiculars from
# D to CA and CB: the proof has premises, rule steps (r35, t02) and both AR tables
ISOSCELES_FEET = (
    "a b = segment a b; c = on_bline c a b; d = on_line d a b; e = foot e d c a; f = foot f d c b"
    " ? eqratio d e a e d f b f"
)
# abc and cda mirrored-congruent (an isosceles trapezoid): SSS with orientation read off the figure
MIRRORED_SSS = "a b c = triangle a b c; d = eqdistance d a b c, eqdistance d c a b ? eqangle b a b c d a d c"


def _proof(text: str) -> tuple[Proof, Diagram]:
    problem = parse_problem("t", text)
    diagram = figure_where_goals_hold(problem, seed=0)
    engine = Engine(diagram)
    result = engine.prove(problem.goal, Budget(timeout=20))
    assert result.solved
    return traceback(engine, result.goal_fact), diagram


@pytest.fixture(scope="module")
def feet() -> tuple[Proof, Diagram]:
    return _proof(ISOSCELES_FEET)


def P(text: str) -> Predicate:
    return Predicate.parse(text.split())


def with_line(proof: Proof, number: int, **changes) -> Proof:
    lines = tuple(replace(ln, **changes) if ln.number == number else ln for ln in proof.lines)
    return replace(proof, lines=lines)


def errors_of(proof: Proof, diagram: Diagram) -> tuple[str, ...]:
    verdict = check_proof(proof, diagram.points)
    assert not verdict.ok
    assert verdict.errors
    return verdict.errors


def first_step(proof: Proof, kind: str, rule: str | None = None) -> ProofLine:
    return next(ln for ln in proof.steps if ln.kind == kind and (rule is None or ln.rule == rule))


# ---------------------------------------------------------------------- genuine proofs
def test_engine_proof_is_accepted(feet) -> None:
    proof, diagram = feet
    assert {ln.kind for ln in proof.lines} == {"given", "rule", "ar"}
    assert check_proof(proof, diagram.points).ok
    assert check_proof(proof).ok  # symbolic replay alone


# ---------------------------------------------------------------------- tampering
def test_changed_rule_id_is_rejected(feet) -> None:
    proof, diagram = feet
    step = first_step(proof, "rule", "r35")
    for other in ("r06", "r14", "r23", "r34", "c03"):
        errs = errors_of(with_line(proof, step.number, rule=other), diagram)
        assert any(f"line {step.number} " in e and "not an instance" in e for e in errs), errs


def test_unknown_rule_id_is_rejected(feet) -> None:
    proof, diagram = feet
    step = first_step(proof, "rule")
    errs = errors_of(with_line(proof, step.number, rule="r99"), diagram)
    assert any("unknown rule" in e for e in errs)


def test_rule_step_becoming_an_ar_step_is_rejected(feet) -> None:
    proof, diagram = feet
    step = first_step(proof, "rule", "r35")  # a similarity is no linear consequence
    errs = errors_of(with_line(proof, step.number, kind="ar", rule="angle"), diagram)
    assert any(f"line {step.number} " in e for e in errs)


def test_changed_cited_lines_of_a_rule_step_are_rejected(feet) -> None:
    proof, diagram = feet
    step = first_step(proof, "rule", "r35")
    earlier = [ln.number for ln in proof.lines if ln.number < step.number and ln.number not in step.uses]
    assert len(earlier) >= len(step.uses)
    wrong = tuple(earlier[: len(step.uses)])
    errs = errors_of(with_line(proof, step.number, uses=wrong), diagram)
    assert any(f"line {step.number} " in e and "not an instance" in e for e in errs), errs
    # dropping a cited premise breaks it as well
    errs = errors_of(with_line(proof, step.number, uses=step.uses[:-1]), diagram)
    assert any(f"line {step.number} " in e for e in errs)


def test_changed_cited_lines_of_an_ar_step_are_rejected(feet) -> None:
    proof, diagram = feet
    last = proof.lines[-1]
    assert last.kind == "ar" and len(last.uses) >= 2
    premise_numbers = tuple(ln.number for ln in proof.premises)
    for uses in ((), last.uses[:1], premise_numbers[:1]):
        errs = errors_of(with_line(proof, last.number, uses=uses), diagram)
        assert any("does not follow" in e for e in errs), errs


@pytest.mark.parametrize("table", ["angle", "ratio"])
def test_one_line_ar_proof_of_an_unproven_statement_is_rejected(table: str) -> None:
    # the feet of two bisectors on circles with diameters BC and AC: DE is parallel to AB,
    # true in the figure, but DD+AR finds no proof
    problem = parse_problem(
        "forged",
        "a b c = triangle a b c; d = angle_bisector d a b c, on_dia d b c; "
        "e = angle_bisector e b a c, on_dia e a c ? para d e a b",
    )
    diagram = figure_where_goals_hold(problem, seed=0)
    assert Engine(diagram).prove(problem.goal, Budget(timeout=5)).status != "solved"
    forged = Proof(problem, problem.goal, (ProofLine(1, problem.goal, "ar", table, ()),), (), problem.points())
    errors_of(forged, diagram)


def test_false_angle_claimed_by_ratio_chasing_is_rejected_without_a_figure() -> None:
    problem = parse_problem("forged", "a b c = triangle a b c; d = free d ? eqangle a b a c d b d c")
    forged = Proof(problem, problem.goal, (ProofLine(1, problem.goal, "ar", "ratio", ()),), (), problem.points())
    assert not check_proof(forged).ok


def test_citing_a_later_line_is_rejected(feet) -> None:
    proof, diagram = feet
    step = first_step(proof, "rule")
    later = proof.lines[-1].number
    errs = errors_of(with_line(proof, step.number, uses=step.uses + (later,)), diagram)
    assert any("does not come before it" in e for e in errs)


def test_non_premise_in_place_of_a_premise_is_rejected(feet) -> None:
    proof, diagram = feet
    first = proof.premises[0]
    # true in the diagram, but asserted by no clause: the goal itself, and C, E, D, F concyclic
    # (right angles at E and F over CD)
    for fake in (proof.goal, P("cyclic c e d f")):
        assert diagram.holds(fake)
        errs = errors_of(with_line(proof, first.number, pred=fake), diagram)
        assert any(f"line {first.number} " in e and "not a premise" in e for e in errs), errs


def test_goal_claimed_as_premise_is_rejected(feet) -> None:
    proof, diagram = feet
    fake = replace(proof, lines=(ProofLine(1, proof.goal, "given", clause=1),))
    errs = errors_of(fake, diagram)
    assert any("not a premise" in e for e in errs)


def test_proof_not_ending_in_its_goal_is_rejected(feet) -> None:
    proof, diagram = feet
    errs = errors_of(replace(proof, lines=proof.lines[:-1]), diagram)
    assert any("not the goal" in e for e in errs)


def test_false_statement_is_rejected(feet) -> None:
    proof, diagram = feet
    step = first_step(proof, "rule", "r35")
    false = P("simtri2 d e a d f c")
    assert not diagram.holds(false, tol=1e-3)
    errs = errors_of(with_line(proof, step.number, pred=false), diagram)
    assert any(f"line {step.number} " in e and "false in the diagram" in e for e in errs), errs


def test_rule_instance_false_in_the_diagram_is_rejected() -> None:
    # SSS with the wrong orientation: symbolically an instance of r32 (the same three
    # equal sides), but the direct congruence is false in the figure.
    proof, diagram = _proof(MIRRORED_SSS)
    step = first_step(proof, "rule", "r32m")
    assert step.pred.kind.value == "contri2"
    direct = Predicate.of("contri", *step.pred.args)
    assert not diagram.holds(direct, tol=1e-3)
    rules = load_rules()
    cited = [proof.lines[u - 1].pred for u in step.uses]
    assert is_instance(rules["r32m"], cited, step.pred, diagram.points)
    assert is_instance(rules["r32"], cited, direct)  # no figure: orientation is not checked
    assert not is_instance(rules["r32"], cited, direct, diagram.points)
    # The orientation is a configuration condition the step must state: the mirrored step
    # states its own, so the forged direct one does not state what r32 needs.
    assert step.conditions and all(c.kind == "sameclock" for c in step.conditions)
    lines = tuple(ln for ln in proof.lines if ln.number < step.number) + (replace(step, pred=direct, rule="r32"),)
    forged = replace(proof, goal=direct, lines=lines)
    assert not check_proof(forged).ok
    # Stating the condition r32 needs makes it an instance symbolically; the figure refutes it.
    need = Condition.check(Predicate.of("sameclock", *direct.args))
    stated = replace(forged, lines=lines[:-1] + (replace(lines[-1], conditions=(need,)),))
    assert check_proof(stated).ok  # a symbolic replay cannot tell
    errs = errors_of(stated, diagram)
    assert any("false in the diagram" in e for e in errs), errs


# ---------------------------------------------------------------------- squared lengths
# the midpoint of AB is equidistant from the feet of the perpendiculars from A and B to CD
FEET = "a b c d = quadrangle a b c d; e = midpoint e b a; f = foot f a c d; g = foot g b c d ? cong e f e g"


def test_a_squared_length_step_is_checked_and_needs_what_it_cites() -> None:
    proof, diagram = _proof(FEET)
    step = first_step(proof, "ar", "square")
    assert check_proof(proof, diagram.points).ok
    assert not proof.conditions, "squared lengths read nothing off the figure"
    for drop in range(len(step.uses)):
        uses = step.uses[:drop] + step.uses[drop + 1 :]
        errs = errors_of(with_line(proof, step.number, uses=uses), diagram)
        assert any("squared lengths" in e for e in errs), errs
    # the same citations do not give a false equality of segments
    forged = with_line(proof, step.number, pred=P("cong e f f g"))
    assert not check_proof(forged).ok


def test_squared_lengths_prove_the_sums_of_squares_of_an_orthodiagonal_quadrilateral() -> None:
    # AC perpendicular to BD: AB^2 + CD^2 = AD^2 + BC^2
    goal = "lequation 1/1 a b * a b 1/1 c d * c d -1/1 a d * a d -1/1 b c * b c 0"
    proof, diagram = _proof(f"a b c = triangle a b c; d = on_tline d b a c ? {goal}")
    assert proof.lines[-1].rule == "square"
    assert check_proof(proof, diagram.points).ok


def test_a_product_equation_with_coefficients_enters_the_ratio_table_with_its_constant() -> None:
    # D on BC with BD = 2 DC: 1 * BD - 2 * DC = 0 as products of one segment, and its ratio form
    from ddar.algebra import Algebra

    ar = Algebra()
    ar.add(1, P("lequation 1/1 b d -2/1 d c 0"))
    assert ar.implies(P("rconst b d d c 2/1"))
    assert not ar.implies(P("rconst b d d c 1/2"))
    ar2 = Algebra()
    ar2.add(1, P("lequation 3/1 a b * c d -2/1 e f * g h 0"))  # AB·CD / (EF·GH) = 2/3
    assert ar2.implies(P("lequation 3/1 a b * c d -2/1 e f * g h 0"))
    assert not ar2.implies(P("lequation 2/1 a b * c d -3/1 e f * g h 0"))
