"""The rule file, and one small theorem per rule that the engine must apply.

Each row of ``FIRING`` is a minimal problem where the rule has to fire: the goal is
proven, the traced-back proof cites the rule, and the checker accepts the proof.
"""
from __future__ import annotations

import ast
from importlib import resources

import pytest

from ddar.check import check_proof, is_instance
from ddar.engine import Budget, Engine
from ddar.proof import traceback
from ddar.rules import bindings, load_rules, parse_rules, rule_conditions
from geometry.diagram import figure_where_goals_hold, realise
from geometry.predicates import NUMERIC_ONLY, Predicate
from geometry.problem import parse_problem

RULES_TEXT = resources.files("ddar").joinpath("rules.txt").read_text(encoding="utf-8")


def _rule_lines() -> list[str]:
    return [ln.strip() for ln in RULES_TEXT.splitlines() if ln.strip() and not ln.strip().startswith("#")]


def _variables(preds) -> set[str]:
    return {a for p in preds for a in p.args if isinstance(a, str) and a[:1].isupper()}


# ---------------------------------------------------------------------- the file
def test_every_rule_line_parses_to_a_rule() -> None:
    rules = load_rules()
    ids = [ln.split("|")[0].strip() for ln in _rule_lines()]
    assert len(ids) == len(set(ids)), "rule ids are unique"
    assert sorted(ids) == sorted(rules)


@pytest.mark.parametrize("rid", sorted(load_rules()))
def test_rule_has_a_human_name_and_well_formed_patterns(rid: str) -> None:
    rule = load_rules()[rid]
    assert rule.name and rule.name != rid and len(rule.name.split()) >= 2
    assert rule.conclusions
    if rid == "refl":  # the one axiom: a statement true by itself (AB = AB)
        assert not rule.premises
        return
    assert rule.premises
    assert rule.facts, "at least one premise is a fact, not only a numeric check"
    assert all(p.kind not in NUMERIC_ONLY for p in rule.conclusions)
    # a conclusion speaks only of points its premises bind
    assert _variables(rule.conclusions) <= _variables(rule.premises)
    assert str(rule).startswith(f"{rid} ({rule.name}): ")


def test_parse_rules_reports_bad_lines() -> None:
    with pytest.raises(ValueError, match="line 1"):
        parse_rules("x01 | no arrow | coll A B C")
    with pytest.raises(ValueError, match="unknown predicate"):
        parse_rules("x01 | bad predicate | frob A B => coll A B C")
    with pytest.raises(ValueError, match="duplicate"):
        parse_rules("x01 | a | coll A B C => coll A B C\nx01 | b | coll A B C => coll A B C")


# ---------------------------------------------------------------------- each rule fires
FIRING = [
    # rule id, problem (without goal), goal
    ("refl", "a b = segment a b; c = free c; d = reflect d c a b", "contri2 a b c a b d"),
    ("r01", "a b c = triangle a b c; o = circle o a b c; d = on_circle d o a", "cyclic a b c d"),
    ("r03", "a b c = triangle a b c; d = on_circum d a b c", "eqangle c a c b d a d b"),
    ("r04", "a b c = triangle a b c; d = eqangle3 d a b c a b", "cyclic a b c d"),
    ("r06", "a b c = triangle a b c; m = midpoint m a b; n = midpoint n a c", "para m n b c"),
    ("r11", "a b c = triangle a b c; d = on_line d b c, eqratio6 d b c a b a c", "eqangle a b a d a d a c"),
    ("r12", "a b c = triangle a b c; d = angle_bisector d b a c, on_line d b c", "eqratio d b d c a b a c"),
    ("r13", "a b = segment a b; c = on_circle c a b", "eqangle b a b c c b c a"),
    ("r14", "a b c = triangle a b c; d = on_line d b c, iso_triangle_vertex_angle d a c", "cong d a d c"),
    ("r19", "a b c = r_triangle a b c; m = midpoint m b c", "cong m a m b"),
    ("r22", "a b = segment a b; m = midpoint m a b; c = on_tline c m a b", "cong c a c b"),
    ("r23", "a b = segment a b; c = on_bline c a b; d = on_bline d a b", "perp a b c d"),
    ("r25", "a b c = triangle a b c; m = midpoint m a b; d = mirror d c m", "para a c b d"),
    ("r26", "a b c = triangle a b c; d = parallelogram a b c d; m = midpoint m a c", "midp m b d"),
    # abc and cda: the two solutions of the circle intersection are the parallelogram
    # (direct congruence) and the isosceles trapezoid (mirrored); the goal picks one
    ("r32", "a b c = triangle a b c; d = eqdistance d a b c, eqdistance d c a b", "eqangle b a b c d c d a"),
    ("r32m", "a b c = triangle a b c; d = eqdistance d a b c, eqdistance d c a b", "eqangle b a b c d a d c"),
    ("r33", "a b c = triangle a b c; d = on_circle d a b; e = on_circle e a c, on_aline e a d c a b", "cong b c d e"),
    ("r33m", "a b c = triangle a b c; d = on_circle d a b, angle_mirror d b a c", "cong c b c d"),
    ("r34", "a b c = triangle a b c; d = on_line d a b; e = on_line e a c, on_pline e d b c",
     "eqratio a b a c a d a e"),
    ("r35", "a b c = triangle a b c; d = on_line d a b; e = on_line e a c, on_circum e b c d",
     "eqratio a b a c a e a d"),
    ("r38", "a b c = triangle a b c; d e = segment d e; f = eqratio f a b d e b c e, eqratio f a b d e a c d",
     "eqangle b a b c e d e f"),
    ("r38m", "a b c = triangle a b c; d e = segment d e; f = eqratio f a b d e b c e, eqratio f a b d e a c d",
     "eqangle b a b c e f e d"),
    ("r39", "a b c = triangle a b c; d = on_line d a b; e = on_line e a c, eqratio e a b a d a c a", "para d e b c"),
    ("r39m", "a b c = triangle a b c; d = on_line d a b; e = on_line e a c, eqratio e a c a d a b a",
     "eqangle d a d e c b c a"),
    ("r42", "a b c d = trapezoid a b c d; m = on_line m a d; n = on_line n b c, on_pline n m a b",
     "eqratio m a m d n b n c"),
    # m on ad, n on bc dividing them in the same ratio: mn is parallel to the bases
    ("r41", "a b c d = trapezoid a b c d; m = on_line m a d; n = on_line n b c, eqratio6 n b c m a m d",
     "para m n a b"),
    ("r49", "a b c = triangle a b c; o = circle o a b c; d = on_circum d a b c", "cong o a o d"),
    # the point not yet known to be on the circle comes first among its points
    ("r49", "a b c = triangle a b c; d = on_circum d a b c; o = circle o b c d", "cong o a o b"),
    # c on oa, d on ob with OA/AC = OB/BD (d chosen where the figure makes it the converse intercept case)
    ("r27", "o a b = triangle o a b; c = on_line c o a; d = on_line d o b, eqratio d o a a c o b b", "para a b c d"),
    ("c01", "a b c = triangle a b c; d = on_circum d a b c; e = on_circum e a b c", "cyclic a b d e"),
    ("c02", "a b = segment a b; o = midpoint o a b; c = on_circle c o a", "perp c a c b"),
    ("c03", "a b c = triangle a b c; o = on_bline o a b, on_bline o a c", "circle o a b c"),
    ("m01", "a b = segment a b; c = on_line c a b, on_bline c a b", "midp c a b"),
    ("m02", "a b = segment a b; m = midpoint m a b; c = on_circle c m a", "perp a c c b"),
    # c on oa, d on ob with cd parallel to ab: the segments between the parallels are proportional
    ("r43", "o a b = triangle o a b; c = on_line c o a; d = on_line d o b, on_pline d c a b", "eqratio o a a c o b b d"),
    # a line through d (on bc) and e (on ca) meets ab at f
    ("r44", "a b c = triangle a b c; d = on_line d b c; e = on_line e c a; f = on_line f a b, on_line f d e",
     "lequation 1/1 d b * e c * f a -1/1 d c * e a * f b 0"),
    # the three lines from the vertices through o meet the opposite sides at d, e, f
    ("r45", "a b c = triangle a b c; o = free o; d = on_line d b c, on_line d a o; e = on_line e c a, on_line e b o; "
     "f = on_line f a b, on_line f c o", "lequation 1/1 d b * e c * f a -1/1 d c * e a * f b 0"),
    ("r46", "a b c d = eq_trapezoid a b c d", "eqangle d a a b a b b c"),
    # a, b, c on one line, p, q, r on another: the cross joins meet on one line
    ("r50", "a b = segment a b; p q = segment p q; c = on_line c a b; r = on_line r p q; "
     "x = on_line x a q, on_line x p b; y = on_line y a r, on_line y p c; z = on_line z b r, on_line z c q",
     "coll x y z"),
    # x on the bisectors at a and b (the incentre): cx bisects the angle at c
    ("r51", "a b c = triangle a b c; x = angle_bisector x b a c, angle_bisector x a b c", "eqangle c a c x c x c b"),
    # p on the perpendicular bisectors of the chords ab and cd of one circle: its centre
    ("r52", "a b c = triangle a b c; d = on_circum d a b c; p = on_bline p a b, on_bline p c d", "cong p a p c"),
    # the bisector at c meets the perpendicular bisector of ab at the arc midpoint d
    ("r53", "a b c = triangle a b c; d = angle_bisector d a c b, on_bline d a b", "cyclic a b c d"),
    # similar-triangle bundles unpacked
    ("t01", "a b c = triangle a b c; d = on_line d a b; e = on_line e a c, on_pline e d b c",
     "eqratio a b a c a d a e"),
    ("t02", "a b c = triangle a b c; d = on_line d a b; e = on_line e a c, on_circum e b c d",
     "eqratio a b a c a e a d"),
    ("t03", "a b c = triangle a b c; d = on_circle d a b; e = on_circle e a c, on_aline e a d c a b", "cong b c d e"),
    ("t04", "a b c = triangle a b c; d = on_circle d a b, angle_mirror d b a c", "cong c b c d"),
    ("t01c", "a b c = triangle a b c; d = eqdistance d a b c, eqdistance d c a b", "eqangle b a b c d c d a"),
    ("t02c", "a b c = triangle a b c; d = eqdistance d a b c, eqdistance d c a b", "eqangle b a b c d a d c"),
    # ASA: two angles (AA similarity) and one equal side make the triangles congruent
    ("t06", "a b c = triangle a b c; d = free d; e = eqdistance e d a b; "
     "f = on_aline f d e c a b, on_aline f e d c b a", "contri a b c d e f"),
    ("t07", "a b c = triangle a b c; d = free d; e = eqdistance e d a b; "
     "f = on_aline f d e b a c, on_aline f e d a b c", "contri2 a b c d e f"),
]

#: Rules of rules.txt that the engine's code never applies; the checker still knows them.
NOT_APPLIED = {
    # subsumed by angle chasing (AR)
    "r00", "r02", "r08", "r28", "r30",
    # in the file for the checker and for completeness, not matched by the engine
    "r05", "r07", "r15", "r16", "r17", "r20", "r21", "r24", "r29", "r31", "r92",
}

#: Rules the engine applies but no small theorem of FIRING shows in a proof, and why.
APPLIED_UNSHOWN = {
    "c04": "recorded when a centre is found; AR already knows its equalities, so proofs cite those",
}

#: The modules of the engine that apply rules (the checker and the rule file know every rule).
ENGINE_MODULES = ("engine", "matchers", "algebra", "index", "facts")


def rule_ids_in_engine_code() -> set[str]:
    """Every rule id that the engine's code names (a string constant, or the stem of a
    mirrored/variant id built by adding a suffix such as "m" or "c")."""
    rules = set(load_rules())
    names: set[str] = set()
    for module in ENGINE_MODULES:
        source = resources.files("ddar").joinpath(f"{module}.py")
        if not source.is_file():
            continue
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                names.add(node.value)
    return {r for r in rules if r in names or r[:-1] in names}


def test_the_table_covers_every_rule() -> None:
    """Every rule either fires in a small theorem, is applied without one (with a reason), or
    is never applied; and the last two claims are checked against the engine's code."""
    fired = {rid for rid, _, _ in FIRING}
    assert fired.isdisjoint(NOT_APPLIED) and fired.isdisjoint(APPLIED_UNSHOWN)
    assert fired | NOT_APPLIED | set(APPLIED_UNSHOWN) == set(load_rules()), set(load_rules()) ^ (
        fired | NOT_APPLIED | set(APPLIED_UNSHOWN)
    )
    named = rule_ids_in_engine_code()
    assert NOT_APPLIED.isdisjoint(named), f"the engine applies {sorted(NOT_APPLIED & named)}"
    assert set(APPLIED_UNSHOWN) <= named
    assert fired <= named, f"fired but never named by the engine: {sorted(fired - named)}"


#: Instances of a rule whose premises hold in the figure but whose non-degeneracy checks fail
#: there: the engine and the checker must refuse them. (rule, cited premises, conclusion, figure)
_TRIANGLE = {"a": 0j, "b": 4 + 0j, "c": 1 + 3j}
NOT_FIRING = [
    # the transversal passes through the vertex a (e = f = a): both products vanish
    ("r44", ["coll d b c", "coll e c a", "coll f a b", "coll d e f"], "lequation 1/1 d b * e c * f a -1/1 d c * e a * f b 0",
     {**_TRIANGLE, "d": 2.5 + 1.5j, "e": 0j, "f": 0j}),
    # o on the side line bc: the cevian from a meets bc at o itself (d = o)
    ("r45", ["coll d b c", "coll e c a", "coll f a b", "coll a o d", "coll b o e", "coll c o f"],
     "lequation 1/1 d b * e c * f a -1/1 d c * e a * f b 0",
     {**_TRIANGLE, "o": 2.5 + 1.5j, "d": 2.5 + 1.5j, "e": 1 + 3j, "f": 4 + 0j}),
    # a parallelogram: parallel bases and equal legs, but the legs are parallel too
    ("r46", ["para a b c d", "cong a d b c"], "eqangle d a a b a b b c",
     {"a": 0j, "b": 4 + 0j, "c": 5 + 2j, "d": 1 + 2j}),
    # q coincides with a (the two lines meet there): line AQ is not defined, x is any point of BP
    ("r50", ["coll a b c", "coll p q r", "coll x a q", "coll x b p", "coll y a r", "coll y c p", "coll z b r",
             "coll z c q"], "coll x y z",
     {"a": 0j, "b": 2 + 0j, "c": 4 + 0j, "q": 0j, "p": 1 + 1j, "r": 2 + 2j, "x": 1.5 + 0.5j, "y": 1 + 1j,
      "z": 2 + 0j}),
    # a, b, c (and x) on one line: every angle vanishes, the "bisectors" say nothing
    ("r51", ["eqangle a b a x a x a c", "eqangle b a b x b x b c"], "eqangle c a c x c x c b",
     {"a": 0j, "b": 4 + 0j, "c": 1 + 0j, "x": 2 + 0j}),
    # ab parallel to cd (an isosceles trapezoid): o on their common perpendicular bisector, not the centre
    ("r52", ["cong o a o b", "cong o c o d", "cyclic a b c d"], "cong o a o c",
     {"a": -2 + 0j, "b": 2 + 0j, "c": -1 + 3 ** 0.5 * 1j, "d": 1 + 3 ** 0.5 * 1j, "o": 5j}),
    # ca = cb: the bisector at c is the perpendicular bisector of ab, d any point of it
    ("r53", ["eqangle c a c d c d c b", "cong d a d b"], "cyclic a b c d",
     {"a": -2 + 0j, "b": 2 + 0j, "c": 3j, "d": -1j}),
    # c coincides with o: no segment OC
    ("r43", ["para a b c d", "coll o a c", "coll o b d"], "eqratio o a a c o b b d",
     {"o": 0j, "a": 2 + 0j, "b": 1 + 2j, "c": 0j, "d": 0j}),
]


@pytest.mark.parametrize("rid, cited, concl, figure", NOT_FIRING, ids=[r for r, *_ in NOT_FIRING])
def test_rule_refuses_a_degenerate_instance(rid: str, cited: list[str], concl: str, figure: dict) -> None:
    rule = load_rules()[rid]
    premises = [Predicate.parse(c.split()) for c in cited]
    conclusion = Predicate.parse(concl.split())
    assert all(p.holds(figure) for p in premises), "the premises hold in the figure"
    assert rule_conditions(rule, premises, conclusion, figure) is None
    assert not is_instance(rule, premises, conclusion, figure)
    # the same premises in a non-degenerate figure make an instance
    assert any(True for _ in bindings(rule, premises, conclusion))


@pytest.mark.parametrize("rid, setup, goal", FIRING, ids=[f"{r}-{i}" for i, (r, _, _) in enumerate(FIRING)])
def test_rule_fires(rid: str, setup: str, goal: str) -> None:
    problem = parse_problem(rid, f"{setup} ? {goal}")
    diagram = figure_where_goals_hold(problem, seed=0)
    engine = Engine(diagram)
    result = engine.prove(problem.goal, Budget(timeout=20))
    assert result.status == "solved"
    proof = traceback(engine, result.goal_fact)
    cited = {ln.rule for ln in proof.steps if ln.kind == "rule"}
    assert rid in cited, f"{rid} not in {sorted(cited)}"
    verdict = check_proof(proof, diagram.points)
    assert verdict.ok, verdict.errors
    # each step citing the rule concludes a statement of a kind the rule concludes
    kinds = {c.kind for c in load_rules()[rid].conclusions}
    assert all(ln.pred.kind in kinds for ln in proof.steps if ln.rule == rid)
