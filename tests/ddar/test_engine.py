"""DD+AR end to end: classic theorems are proven, traced back and replayed.

Every theorem below is written as a problem in the language; each proof is traced
back to its premises and replayed by the independent checker on the diagram.
"""
from __future__ import annotations

import random
import time

import pytest

from ddar.check import check_proof
from ddar.engine import Budget, Engine, Result
from ddar.proof import Proof, traceback
from geometry.diagram import Diagram, figure_where_goals_hold, realise
from geometry.predicates import Predicate
from geometry.problem import Problem, parse_problem

TIMEOUT = 20.0


def solve(text: str, seed: int = 0, name: str = "t") -> tuple[Problem, Diagram, Engine, Result]:
    problem = parse_problem(name, text)
    diagram = figure_where_goals_hold(problem, seed=seed)
    engine = Engine(diagram)
    return problem, diagram, engine, engine.prove(problem.goal, Budget(timeout=TIMEOUT))


def proven(text: str, seed: int = 0, name: str = "t") -> Proof:
    """Prove ``text``, trace the proof back, replay it with the checker; return the proof."""
    problem, diagram, engine, result = solve(text, seed, name)
    assert result.status == "solved", f"{name}: {result.status} after {result.facts} facts"
    assert result.goal_fact is not None
    proof = traceback(engine, result.goal_fact)
    assert proof.lines[-1].pred.canonical() == problem.goal.canonical()
    verdict = check_proof(proof, diagram.points)
    assert verdict.ok, verdict.errors
    return proof


def proven_by_cli_driver(text: str) -> Proof:
    """Prove through prover.prove.prove_ddar, which names points by order of appearance."""
    from prover.prove import prove_ddar

    out = prove_ddar(parse_problem("t", text), seed=0, timeout=30)
    assert out.proof is not None and out.check is not None and out.check.ok
    return out.proof


def signature(proof: Proof) -> list[tuple]:
    return [(ln.number, str(ln.pred), ln.kind, ln.rule, ln.uses) for ln in proof.lines]


def used_rules(proof: Proof) -> set[str]:
    return {ln.rule for ln in proof.steps if ln.rule is not None}


# ---------------------------------------------------------------------- classic theorems
CLASSICS = {
    # feet d, e of the altitudes from a, b; h = ad ∩ be; then ch ⊥ ab
    "orthocenter": "a b c = triangle a b c; d = foot d a b c; e = foot e b c a; "
    "h = on_line h a d, on_line h b e ? perp c h a b",
    # an angle inscribed in a semicircle is right
    "thales": "a b = segment a b; o = midpoint o a b; c = on_circle c o a ? perp c a c b",
    # four points on a circle (given by its centre): inscribed angles over ab are equal
    "inscribed_angles_centre": "a b c = triangle a b c; o = circle o a b c; d = on_circle d o a "
    "? eqangle c a c b d a d b",
    # the same with the fourth point put on the circumcircle directly
    "inscribed_angles_circum": "a b c = triangle a b c; d = on_circum d a b c ? eqangle c a c b d a d b",
    "midline": "a b c = triangle a b c; m = midpoint m a b; n = midpoint n a c ? para m n b c",
    # equal legs ab = ac (c on the circle about a through b) give equal base angles
    "isosceles_base_angles": "a b = segment a b; c = on_circle c a b ? eqangle b a b c c b c a",
    # feet of the perpendiculars from a point of the circumcircle are collinear
    "simson_line": "a b c = triangle a b c; o = circle o a b c; p = on_circle p o a; "
    "d = foot d p b c; e = foot e p c a; f = foot f p a b ? coll d e f",
    # midpoints of the sides and the foot of an altitude are concyclic (nine-point circle)
    "nine_point_circle": "a b c = triangle a b c; d = midpoint d b c; e = midpoint e c a; "
    "f = midpoint f a b; g = foot g a b c ? cyclic d e f g",
    # ... and the midpoint of the segment from a vertex to the orthocentre lies on it too
    "nine_point_circle_euler_point": "a b c = triangle a b c; h = orthocenter h a b c; d = midpoint d b c; "
    "e = midpoint e c a; f = midpoint f a b; g = midpoint g a h ? cyclic d e f g",
    # the three feet of the altitudes and a midpoint of a side are concyclic
    "nine_point_circle_feet": "a b c = triangle a b c; d = foot d a b c; e = foot e b c a; f = foot f c a b; "
    "m = midpoint m b c ? cyclic d e f m",
    # circumcentre, centroid and orthocentre are collinear (Euler line)
    "euler_line": "a b c = triangle a b c; h = orthocenter h a b c; o = circle o a b c; d = midpoint d b c; "
    "e = midpoint e c a; g = on_line g a d, on_line g b e ? coll o g h",
    # the bisector from a divides bc in the ratio ab : ac
    "angle_bisector_theorem": "a b c = triangle a b c; d = angle_bisector d b a c, on_line d b c "
    "? eqratio d b d c a b a c",
    # the diagonals of a parallelogram bisect each other
    "parallelogram_diagonals": "a b c = triangle a b c; d = parallelogram a b c d; "
    "m = on_line m a c, on_line m b d ? midp m a c",
    "parallelogram_diagonals_2": "a b c = triangle a b c; d = parallelogram a b c d; "
    "m = on_line m a c, on_line m b d ? midp m b d",
    # the perpendicular bisectors of a triangle meet in one point
    "circumcentre": "a b c = triangle a b c; d = midpoint d a b; e = midpoint e b c; f = midpoint f c a; "
    "o = on_tline o d a b, on_tline o e b c ? perp o f c a",
    # the midpoint of the hypotenuse is equidistant from the three vertices
    "hypotenuse_midpoint": "a b c = r_triangle a b c; m = midpoint m b c ? cong m a m b",
    # the diagonals of a rectangle are equal
    "rectangle_diagonals": "a b c = r_triangle a b c; d = on_pline d b a c, on_pline d c a b ? cong a d b c",
}


@pytest.mark.parametrize("name", sorted(CLASSICS))
def test_classic_theorem_is_proven_and_checked(name: str) -> None:
    proof = proven(CLASSICS[name], name=name)
    assert proof.premises, "a proof starts from premises"
    assert proof.steps or proof.lines[-1].kind == "given"


def test_isosceles_triangle_construction_states_its_base_angles() -> None:
    # iso_triangle asserts the base angles among its premises: the proof is that premise
    proof = proven("a b c = iso_triangle a b c ? eqangle b a b c c b c a")
    assert len(proof.lines) == 1 and proof.lines[0].kind == "given"


def test_isosceles_from_legs_uses_base_angle_rule() -> None:
    proof = proven(CLASSICS["isosceles_base_angles"])
    assert "r13" in used_rules(proof)


def test_orthocenter_proof_has_no_auxiliary_points() -> None:
    proof = proven(CLASSICS["orthocenter"])
    assert proof.aux_points == ()
    assert set(proof.points) <= {"a", "b", "c", "d", "e", "h"}


def test_ratio_chase_combines_two_intercept_theorems() -> None:
    # de ∥ bc and fg ∥ bc cut the sides ab, ac: ad/ae = ab/ac = af/ag
    text = (
        "a b c = triangle a b c; d = on_line d a b; e = on_line e a c, on_pline e d b c; "
        "f = on_line f a b; g = on_line g a c, on_pline g f b c ? eqratio a d a f a e a g"
    )
    proof = proven(text)
    ratio_steps = [ln for ln in proof.steps if ln.kind == "ar" and ln.rule == "ratio"]
    assert ratio_steps, "the two proportions are combined by ratio chasing"
    assert ratio_steps[-1].pred.canonical() == proof.goal.canonical()
    assert len(ratio_steps[-1].uses) >= 2


def test_angle_chase_through_a_chain_of_parallels_and_perpendiculars() -> None:
    # cd ∥ ab, ef ⊥ cd, gh ⊥ ef, ij ∥ gh  =>  ij ⊥ ef, ij ∥ cd, ij ∥ ab
    base = (
        "a b = segment a b; c = free c; d = on_pline d c a b; e = free e; f = on_tline f e c d; "
        "g = free g; h = on_tline h g e f; i = free i; j = on_pline j i g h"
    )
    for goal, used in (("perp i j e f", 2), ("para i j c d", 3), ("para i j a b", 4)):
        proof = proven(f"{base} ? {goal}")
        last = proof.lines[-1]
        assert last.kind == "ar" and last.rule == "angle"
        assert len(proof.premises) == used
        assert not [ln for ln in proof.steps if ln.kind == "rule"], "angle chasing alone suffices"


def test_angle_chase_with_a_right_angle() -> None:
    # cd ∥ ab, ce ⊥ ab, af ⊥ ce  =>  af ∥ cd
    proof = proven(
        "a b c = triangle a b c; d = on_pline d c a b; e = on_tline e c a b; f = on_tline f a c e ? para a f c d"
    )
    assert proof.lines[-1].rule == "angle"


# ---------------------------------------------------------------------- traceback
def test_unused_premises_are_left_out() -> None:
    text = (
        "a b c = triangle a b c; m = midpoint m a b; n = midpoint n a c; "
        "x = free x; y = on_circle y x a; z = on_line z x b ? para m n b c"
    )
    proof = proven(text)
    assert proof.aux_points == ()
    assert not {"x", "y", "z"} & set(proof.points)
    # the premises that remain are the two midpoints' facts that the midline rule needs
    assert {ln.clause for ln in proof.premises} == {2, 3}
    assert "r06" in used_rules(proof)


def test_auxiliary_point_is_reported() -> None:
    # The feet D, E of the bisectors from B and A on the circles with diameters BC and AC:
    # DE is parallel to AB. The foot F of the altitude from C does the trick; the goal is
    # about a, b, c, d, e only.
    base = "a b c = triangle a b c; d = angle_bisector d a b c, on_dia d b c; e = angle_bisector e b a c, on_dia e a c"
    goal = "para d e a b"
    _, _, _, without = solve(f"{base} ? {goal}")
    assert without.status != "solved", "without the helper point the engine finds no proof"
    for text in (f"{base} | f = foot f c a b ? {goal}", f"{base}; f = foot f c a b ? {goal}"):
        proof = proven(text)
        assert proof.aux_points == ("f",)
        assert "f" in proof.points
        assert proof.aux_clauses == (4,)


def test_traceback_numbers_lines_in_dependency_order() -> None:
    proof = proven(CLASSICS["simson_line"])
    assert [ln.number for ln in proof.lines] == list(range(1, len(proof.lines) + 1))
    n_premises = len(proof.premises)
    assert all(ln.kind == "given" for ln in proof.lines[:n_premises])
    for ln in proof.steps:
        assert ln.uses and all(u < ln.number for u in ln.uses)
    # every line but the goal is used by some later line (minimality of the DAG)
    cited = {u for ln in proof.lines for u in ln.uses}
    assert cited | {proof.lines[-1].number} == {ln.number for ln in proof.lines}


# ---------------------------------------------------------------------- determinism
@pytest.mark.parametrize("name", ["orthocenter", "simson_line", "nine_point_circle"])
def test_same_problem_twice_gives_identical_proof(name: str) -> None:
    assert signature(proven(CLASSICS[name])) == signature(proven(CLASSICS[name]))


def test_other_seeds_give_checked_proofs() -> None:
    for seed in (1, 2, 3):
        proven(CLASSICS["orthocenter"], seed=seed)


RENAMED = ["orthocenter", "simson_line", "nine_point_circle", "parallelogram_diagonals"]
TRAPEZOID_AUX = "a b c d = eq_trapezoid a b c d | e = on_pline e c a d, on_line e a b ? eqangle d a d c c d c b"


def _renamed(text: str, mapping_of) -> tuple[str, dict[str, str]]:
    problem = parse_problem("r", text)
    mapping = mapping_of(problem.points())
    return problem.rename(mapping).to_text(), mapping


def test_order_preserving_renaming_gives_the_same_proof() -> None:
    # prefixing every name keeps their order, so the search must take the same path
    for text in [CLASSICS[n] for n in RENAMED] + [TRAPEZOID_AUX]:
        new_text, mapping = _renamed(text, lambda pts: {p: "pt_" + p for p in pts})
        before, after = proven(text), proven(new_text)
        assert [(ln.kind, str(ln.pred.rename(mapping)), ln.rule, ln.uses) for ln in before.lines] == [
            (ln.kind, str(ln.pred), ln.rule, ln.uses) for ln in after.lines
        ]
        assert tuple(mapping[p] for p in before.aux_points) == after.aux_points


def test_renamed_problem_gives_proof_of_same_length() -> None:
    lengths = []
    for text in [CLASSICS[n] for n in RENAMED] + [TRAPEZOID_AUX]:
        for shuffle_seed in (0, 1, 2):
            def scramble(pts, s=shuffle_seed):
                names = [f"p{i}" for i in range(len(pts))]
                random.Random(s).shuffle(names)
                return dict(zip(pts, names))

            new_text, mapping = _renamed(text, scramble)
            before, after = proven_by_cli_driver(text), proven_by_cli_driver(new_text)
            assert tuple(mapping[p] for p in before.aux_points) == after.aux_points
            lengths.append((len(before.lines), len(after.lines)))
    assert all(a == b for a, b in lengths), lengths


# ---------------------------------------------------------------------- false goals
def test_false_goal_in_a_classic_diagram_is_not_proven() -> None:
    problem = parse_problem("t", CLASSICS["orthocenter"])
    diagram = figure_where_goals_hold(problem, seed=0)
    for goal in ("perp c h a c", "para d e a b", "cong h a h b", "cyclic a b d h", "coll a e h"):
        pred = Predicate.parse(goal.split())
        assert not diagram.holds(pred, tol=1e-3)
        assert Engine(diagram).prove(pred, Budget(timeout=5)).status != "solved"


def test_the_budget_stops_a_matcher_inside_its_pass() -> None:
    from ddar.engine import OutOfTime
    from ddar.matchers import triangles

    p = parse_problem("t", "a b c = triangle a b c; d = on_line d a b; e = on_line e a c, on_pline e d b c ? eqratio a b a c a d a e")
    engine = Engine(realise(p, seed=0))
    engine.deadline = time.monotonic() - 1.0  # a saturation whose deadline has passed
    before = len(engine.facts)
    with pytest.raises(OutOfTime):
        triangles(engine)
    assert len(engine.facts) == before
    # outside a saturation there is no deadline; a fresh saturation proves the goal
    engine.deadline = None
    assert engine.prove(p.goal, Budget(timeout=20)).solved
    # a budget already spent ends the saturation as a timeout, whatever the matcher
    assert Engine(realise(p, seed=0)).prove(p.goal, Budget(timeout=0.0)).status == "timeout"


# ---------------------------------------------------------------------- matchers woken by their channels
def test_every_default_matcher_names_its_rules_and_reads_some_channel() -> None:
    from ddar.registry import default_matchers
    from ddar.rules import load_rules

    matchers = default_matchers()
    assert len({m.name for m in matchers}) == len(matchers)
    for m in matchers:
        assert m.reads, m.name
        assert all(r in load_rules() for r in m.rules), m.name


@pytest.mark.parametrize("name", sorted(CLASSICS))
def test_waking_matchers_by_channel_reaches_the_full_fixpoint(name: str) -> None:
    # After a saturation that reruns only the matchers whose inputs changed, running
    # every matcher once more finds nothing new: the wake-up loses no deduction.
    problem = parse_problem(name, CLASSICS[name])
    engine = Engine(realise(problem, seed=0))
    assert engine.prove(None, Budget(timeout=30)).status == "saturated"
    facts = len(engine.facts)
    for m in engine.matcher_list:
        m.run(engine)
    assert len(engine.facts) == facts, "a matcher found something after the fixpoint"


def test_waking_matchers_by_channel_reaches_the_full_fixpoint_on_benchmark_problems(jgex_problems) -> None:
    for problem in jgex_problems[::12]:
        engine = Engine(realise(problem, seed=0))
        if engine.prove(None, Budget(timeout=30)).status != "saturated":
            continue
        facts = len(engine.facts)
        for m in engine.matcher_list:
            m.run(engine)
        assert len(engine.facts) == facts, problem.name


def test_a_copy_extends_without_touching_the_original_and_proves_as_a_deepcopy_does() -> None:
    import copy

    from ddar.extend import extend_engine
    from geometry.diagram import extend_diagram

    base, aux = TRAPEZOID_AUX.split(" | ")
    goal_text = aux.split(" ? ")[1]
    problem = parse_problem("t", f"{base} ? {goal_text}")
    engine = Engine(realise(problem, seed=0))
    assert engine.prove(None, Budget(timeout=TIMEOUT)).status == "saturated"
    assert engine.caches, "the triangle matcher keeps its pairs in the engine's cache"
    facts, points = len(engine.facts), set(engine.pts)
    with_aux = parse_problem("t", TRAPEZOID_AUX)
    outcomes = []
    for twin in (engine.copy(), copy.deepcopy(engine)):
        assert twin.caches == {} and len(twin.facts) == facts
        extend_engine(twin, extend_diagram(engine.diagram, [with_aux.aux[-1]], seed=0))
        res = twin.prove(problem.goal, Budget(timeout=TIMEOUT))
        assert res.solved and res.goal_fact is not None
        outcomes.append([(ln.rule, str(ln.pred)) for ln in traceback(twin, res.goal_fact).lines])
    assert outcomes[0] == outcomes[1]
    assert len(engine.facts) == facts and set(engine.pts) == points  # the original is as it was


def test_an_engine_pickle_cannot_name_is_deep_copied() -> None:
    from ddar.registry import Matcher

    def nothing(db: Engine) -> int:  # a local function: pickle cannot name it
        return 0

    engine = Engine(realise(parse_problem("t", TRAPEZOID_AUX), seed=0), matchers=[Matcher(nothing, ())])
    twin = engine.copy()
    assert twin is not engine and twin.facts is not engine.facts and len(twin.facts) == len(engine.facts)
    assert twin.matcher_list[0].run is nothing
