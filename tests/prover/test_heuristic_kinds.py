"""The heuristic proposer's kinds of points beyond the classic ones: each is proposed where
a geometer would add it (and the point it builds is what its name says, in the figure), and
not proposed in a figure where it degenerates."""
from __future__ import annotations

import cmath

import numpy as np
import pytest

from geometry.diagram import extend_diagram, realise
from geometry.problem import parse_problem
from prover.proposers import HeuristicProposer, SearchState


def _kinds(text: str, seed: int = 0) -> tuple[dict[str, complex], dict[str, str]]:
    """The figure's points, and each proposed construction (new point written ``x``) with its family."""
    p = parse_problem("t", text)
    pts = realise(p, seed=seed).points
    found = {}
    for prop, _ in HeuristicProposer().ranked(SearchState(p, pts), 100_000):
        name, construction = prop.clause.split(" = ", 1)
        words = [("x" if w == name else w) for w in construction.replace(",", " ,").split()]
        found[" ".join(words).replace(" ,", ",")] = prop.source.split(":", 1)[1]
    return pts, found


def _build(text: str, construction: str, seed: int = 0) -> tuple[dict[str, complex], complex]:
    """The figure with the proposed point added (as the search draws it), and that point."""
    p = parse_problem("t", text)
    ext = p.with_aux_clause("x = " + construction)
    d = extend_diagram(realise(p, seed=seed), ext.aux[-1:], np.random.default_rng(0))
    return d.points, d.points["x"]


def _angle(u: complex, v: complex) -> float:
    """The directed angle from direction u to direction v, mod pi, in [0, pi)."""
    return cmath.phase(v / u) % cmath.pi


def _same_angle(a: float, b: float) -> bool:
    d = abs(a - b) % cmath.pi
    return min(d, cmath.pi - d) < 1e-6


CIRCLE = "o a = segment o a; b = on_circle b o a; c = on_circle c o a ? cong o b o c"  # its centre is a point
TRIANGLE = "a b c = triangle a b c; m = midpoint m b c ? cong m b m c"


def test_two_tangents_of_a_circle_about_a_centre_meet_at_the_pole() -> None:
    text = "a b c = triangle a b c; o = circle o a b c ? cong o a o b"
    _, kinds = _kinds(text)
    assert kinds["lc_tangent x a o, lc_tangent x b o"] == "tangent"
    pts, x = _build(text, "lc_tangent x a o, lc_tangent x b o")
    assert abs(((x - pts["a"]) * (pts["a"] - pts["o"]).conjugate()).real) < 1e-9  # xa is perpendicular to oa
    assert abs(abs(x - pts["a"]) - abs(x - pts["b"])) < 1e-9


def test_no_two_tangents_meet_at_the_ends_of_a_diameter() -> None:
    text = "o a = segment o a; b = mirror b a o; c = on_circle c o a ? cong o b o c"  # ab is a diameter
    _, kinds = _kinds(text)
    assert "lc_tangent x a o, lc_tangent x b o" not in kinds
    assert kinds["lc_tangent x a o, lc_tangent x c o"] == "tangent"


def test_the_tangent_at_a_vertex_to_the_circumcircle_without_its_centre() -> None:
    _, kinds = _kinds(TRIANGLE)
    construction = "on_aline0 x c b c a a b a, on_line x b c"
    assert kinds[construction] == "tangent"
    pts, x = _build(TRIANGLE, construction)
    a, b, c = pts["a"], pts["b"], pts["c"]
    assert abs(abs(x - a) ** 2 - abs(x - b) * abs(x - c)) < 1e-9  # the power of x: xa^2 = xb * xc


def test_no_tangent_at_the_apex_of_an_isosceles_triangle_meets_its_base() -> None:
    text = "a b c = iso_triangle a b c ? cong a b a c"
    pts, kinds = _kinds(text)
    assert abs(abs(pts["a"] - pts["b"]) - abs(pts["a"] - pts["c"])) < 1e-9
    assert "on_aline0 x c b c a a b a, on_line x b c" not in kinds


def test_the_touch_point_of_a_tangent_from_a_point_outside() -> None:
    text = CIRCLE.replace(" ?", "; p = mirror p o a ?")  # p is outside the circle
    _, kinds = _kinds(text)
    assert kinds["on_circle x o a, on_dia x p o"] == "tangent-point"
    pts, x = _build(text, "on_circle x o a, on_dia x p o")
    assert abs(((x - pts["p"]) * (x - pts["o"]).conjugate()).real) < 1e-9  # px is perpendicular to ox


def test_no_touch_point_from_a_point_inside() -> None:
    _, kinds = _kinds(CIRCLE.replace(" ?", "; m = midpoint m o a ?"))
    assert not [k for k, family in kinds.items() if family == "tangent-point" and " m " in k + " "]


def test_the_parallel_chord_through_a_vertex() -> None:
    _, kinds = _kinds(TRIANGLE)
    assert kinds["on_pline x a b c, on_circum x a b c"] == "chord"
    assert kinds["on_tline x a b c, on_circum x a b c"] == "chord"


def test_no_parallel_chord_where_the_parallel_is_a_tangent() -> None:
    _, kinds = _kinds("a b c = iso_triangle a b c ? cong a b a c")
    assert "on_pline x a b c, on_circum x a b c" not in kinds  # the parallel to bc at a touches the circle


def test_the_isogonal_conjugate_and_the_isogonal_cevian() -> None:
    text = TRIANGLE.replace(" ?", "; p = free p ?")
    _, kinds = _kinds(text, seed=1)
    conjugate = "on_aline0 x a p a c a b a, on_aline0 x b p b a b c b"
    assert kinds[conjugate] == "isogonal"
    assert kinds["on_aline0 x a p a c a b a, on_line x b c"] == "isogonal"
    pts, x = _build(text, conjugate, seed=1)
    a, b, c, p = pts["a"], pts["b"], pts["c"], pts["p"]
    for u, v, w in ((a, b, c), (b, c, a), (c, a, b)):  # the angle from UV to UX is the angle from UP to UW
        assert _same_angle(_angle(v - u, x - u), _angle(p - u, w - u))


def test_no_isogonal_partner_of_a_point_on_a_side() -> None:
    _, kinds = _kinds(TRIANGLE.replace(" ?", "; p = on_line p b c ?"))
    assert not [k for k, family in kinds.items() if family == "isogonal" and " p " in k]


def test_the_isotomic_partner_of_a_point_on_a_segment() -> None:
    text = "b c = segment b c; d = on_line d b c ? coll b c d"
    _, kinds = _kinds(text)
    assert kinds["shift x b c d"] == "isotomic"
    pts, x = _build(text, "shift x b c d")
    assert abs(abs(x - pts["b"]) - abs(pts["d"] - pts["c"])) < 1e-9


def test_no_isotomic_partner_of_the_midpoint() -> None:
    _, kinds = _kinds("b c = segment b c; d = midpoint d b c ? coll b c d")
    assert "shift x b c d" not in kinds  # it is d itself


SPIRAL = "x a b = triangle x a b; c = on_line c x a; d = on_line d x b ? coll x a c"


def test_the_centre_of_a_spiral_similarity() -> None:
    _, kinds = _kinds(SPIRAL.replace("x", "q"))
    construction = "on_circum x q a b, on_circum x q c d"
    assert kinds[construction] in ("spiral", "circle-circle")  # in a small figure both kinds find it
    pts, z = _build(SPIRAL.replace("x", "q"), construction)
    a, b, c, d = pts["a"], pts["b"], pts["c"], pts["d"]
    assert abs((c - z) / (a - z) - (d - z) / (b - z)) < 1e-9  # the spiral similarity about z takes a, b to c, d


def test_no_spiral_centre_where_the_segments_are_parallel() -> None:
    text = "q a b = triangle q a b; c = on_line c q a; d = on_pline d c a b, on_line d q b ? coll q a c"
    _, kinds = _kinds(text)
    assert "on_circum x q a b, on_circum x q c d" not in kinds  # the circles touch at q


@pytest.mark.parametrize("family", ["tangent", "tangent-point", "chord", "isogonal", "isotomic", "spiral"])
def test_every_new_kind_parses_and_draws_on_an_olympiad_figure(family: str) -> None:
    from geometry.problem import read_problems
    from prover.problem_sets import resolve

    problems = [p for p in read_problems(resolve("olympiad_dev")) if p.name == "imo_2000_p1"] or \
        read_problems(resolve("olympiad_dev"))[:1]
    p = problems[0]
    d = realise(p, seed=0)
    props = [x for x, _ in HeuristicProposer().ranked(SearchState(p, d.points), 100_000)
             if x.source == f"heuristic:{family}"][:20]
    for prop in props:
        ext = p.with_aux_clause(prop.clause)
        extend_diagram(d, ext.aux[-1:], np.random.default_rng(0))
