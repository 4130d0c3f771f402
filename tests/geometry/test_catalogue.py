"""Every construction of the catalogue, realised on a small instance: its premises hold.

One table drives the tests: each construction gets an instance problem (free
points as inputs, sensible literals, special set-ups where a precondition asks
for more), realised with a few seeds. Constructions that give a line or circle
are also cut with an ``on_line`` and an ``on_circle``.
"""
from __future__ import annotations

import string

import pytest

from geometry.constructions import CATALOGUE, LocusKind
from geometry.diagram import realise
from geometry.figure import scene
from geometry.predicates import collinear
from geometry.problem import parse_problem

SEEDS = (0, 1, 2)

#: Every construction named in LANGUAGE.md section 2 (68 AlphaGeometry + 25 Newclid).
LANGUAGE_CONSTRUCTIONS = """
2l1c 3peq aconst acute_triangle angle_bisector angle_mirror between between_bound
cc_itangent cc_tangent cc_tangent0 centroid circle circumcenter contri contrir e5128
eq_quadrangle eq_trapezoid eq_triangle eqangle2 eqangle3 eqdia_quadrangle eqdistance
eqratio eqratio6 excenter excenter2 foot free ieq_triangle incenter incenter2
intersection_cc intersection_lc intersection_ll intersection_lp intersection_lt
intersection_pp intersection_tt iso_trapezoid iso_trapezoid2 iso_triangle iso_triangle0
iso_triangle_vertex iso_triangle_vertex_angle isquare l2const lc_tangent lconst midpoint
mirror ninepoints nsquare on_aline on_aline0 on_aline2 on_bline on_circle on_circum
on_dia on_line on_opline on_pline on_pline0 on_tline orthocenter parallelogram pentagon
psquare quadrangle r2const r_trapezoid r_triangle rconst rconst2 rectangle reflect risos
s_angle segment shift simtri simtrir square tangent test_r20 test_r25 trapezoid triangle
triangle12 trisect trisegment
""".split()

#: Values for literal slots.
LITERALS = {
    ("s_angle", "y"): "40",
    ("aconst", "r"): "1pi/3",
    ("rconst", "r"): "1/2",
    ("r2const", "r"): "2",
    ("rconst2", "r"): "1/2",
    ("lconst", "l"): "2",
    ("l2const", "l"): "3",
}

#: Inputs that must satisfy more than general position: (set-up clauses, inputs in order).
SETUPS = {
    # o is equidistant from a and b; c lies on line bc inside the circle (as in jgex)
    "2l1c": ("p1 p2 p3 = triangle p1 p2 p3; p4 = circle p4 p1 p2 p3; p5 = on_line p5 p2 p3", "p1 p2 p5 p4"),
    # cong c b c d, perp b c b a
    "e5128": ("p2 p1 p3 = r_triangle p2 p1 p3; p4 = on_circle p4 p3 p2", "p1 p2 p3 p4"),
}


def call_text(name: str, outputs: list[str], inputs: list[str]) -> str:
    """``name`` applied to actual arguments, in the order of its signature."""
    sig = CATALOGUE[name].signature
    outs, ins = iter(outputs), iter(inputs)
    args = []
    for formal in sig.params:
        if formal in sig.outputs:
            args.append(next(outs))
        elif formal in sig.literals:
            args.append(LITERALS[(name, formal)])
        else:
            args.append(next(ins))
    return " ".join([name, *args])


def setup(name: str) -> tuple[list[str], list[str]]:
    """Clauses that define the inputs of ``name``, and the inputs in order."""
    if name in SETUPS:
        clauses, inputs = SETUPS[name]
        return clauses.split("; "), inputs.split()
    inputs = [f"p{i + 1}" for i in range(len(CATALOGUE[name].signature.inputs))]
    return [f"{p} = free {p}" for p in inputs], inputs


def instance(name: str) -> str:
    """A problem whose last clause applies ``name`` to general inputs."""
    clauses, inputs = setup(name)
    outputs = [f"x{i + 1}" for i in range(len(CATALOGUE[name].signature.outputs))]
    clauses.append(" ".join(outputs) + " = " + call_text(name, outputs, inputs))
    return "; ".join(clauses)


def cut_instances(name: str) -> list[str]:
    """``name``'s locus cut by a line and by a circle through a point x0 of it."""
    clauses, inputs = setup(name)
    clauses.append("x0 = " + call_text(name, ["x0"], inputs))
    clauses.append("q r = segment q r")
    locus = call_text(name, ["x"], inputs)
    if CATALOGUE[name].kind is LocusKind.CIRCLE:
        by_line = "on_line x x0 q"  # a line through a point of the circle meets it again
    else:
        by_line = "on_line x q r"
    by_circle = "on_circle x q x0"  # a circle through a point of the locus meets it again
    return ["; ".join(clauses + [f"x = {locus}, {cut}"]) for cut in (by_line, by_circle)]


def assert_premises_hold(text: str, seed: int) -> None:
    problem = parse_problem("instance", text)
    diagram = realise(problem, seed=seed)
    for clause in problem.clauses:
        for call in clause.constructions:
            for pre in call.preconditions():
                # preconditions are tested before the clause's points exist
                if set(pre.points) <= set(diagram.points) - set(clause.points):
                    assert diagram.holds(pre), f"{text}: precondition {pre}"
    for premise in problem.premises():
        assert diagram.holds(premise), f"{text} (seed {seed}): premise {premise} fails"


# ---------------------------------------------------------------------- the catalogue itself
def test_catalogue_has_93_constructions() -> None:
    assert len(CATALOGUE) == 93


def test_every_construction_of_the_language_is_present() -> None:
    assert len(LANGUAGE_CONSTRUCTIONS) == 93
    assert set(LANGUAGE_CONSTRUCTIONS) == set(CATALOGUE)


def test_every_literal_slot_and_setup_of_this_table_is_used() -> None:
    slots = {(n, f) for n, c in CATALOGUE.items() for f in c.signature.literals}
    assert slots == set(LITERALS)
    assert set(SETUPS) <= set(CATALOGUE)


# ---------------------------------------------------------------------- one row per construction
@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_construction_premises_hold(name: str) -> None:
    text = instance(name)
    for seed in SEEDS:
        assert_premises_hold(text, seed)


@pytest.mark.parametrize("name", sorted(n for n, c in CATALOGUE.items() if c.kind.intersectable))
def test_locus_cut_by_line_and_circle(name: str) -> None:
    for text in cut_instances(name):
        for seed in SEEDS:
            assert_premises_hold(text, seed)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_figure_draws_each_construction_through_its_points(name: str) -> None:
    """The figure recipe names only formal parameters, and its lines and circles pass through their points."""
    sig = CATALOGUE[name].signature
    drawn_names = {p for item in CATALOGUE[name].draws for p in item.points}
    assert drawn_names <= set(sig.params) - set(sig.literals)
    diagram = realise(parse_problem("instance", instance(name)), seed=0)
    pts = diagram.points
    sc = scene(diagram)
    for line in sc.lines:
        names = sorted(line.points)
        assert all(collinear(pts[names[0]], pts[names[1]], pts[n], 1e-6) for n in names[2:]), names
    for circle in sc.circles:
        for n in circle.points:
            assert abs(pts[n] - circle.centre) == pytest.approx(circle.radius, rel=1e-6)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_construction_says_what_it_draws(name: str) -> None:
    """A construction draws at least one line or circle, unless it makes one lone point."""
    c = CATALOGUE[name]
    assert c.draws or c.signature.params == c.signature.outputs == ("a",), name


def _template_fields(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_construction_has_its_wording(name: str) -> None:
    """A locus construction names its line or circle; any other says what its new points are.

    The templates name only formal parameters, and a defining sentence names every new point.
    """
    c = CATALOGUE[name]
    sig = c.signature
    if c.kind.intersectable:
        assert c.locus and not c.says, name
        assert _template_fields(c.locus) <= set(sig.params)
    else:
        assert c.says and not c.locus, name
        assert c.says.startswith("Let ") and c.says.endswith(".")
        fields = _template_fields(c.says)
        assert fields <= set(sig.params)
        assert set(sig.outputs) <= fields, f"{name}: a new point is not named"
