"""The numeric index's vectorised candidate lists agree with their definitions.

``NumericIndex.similar_triangles`` and ``NumericIndex.bisector_centres`` are computed with
numpy over every triangle at once; here each is compared with a plain loop over the
definition, on figures with many similar triangles and with incentres and excentres.
"""
from __future__ import annotations

from itertools import combinations, permutations

import pytest

from ddar.index import NumericIndex
from geometry.diagram import realise
from geometry.predicates import collinear
from geometry.problem import parse_problem
from geometry.tolerance import FLAT_TRIANGLE, NUMERIC_CHECK

FIGURES = {
    # feet, midpoints and the orthocentre: many similar right triangles
    "orthic": "a b c = triangle a b c; d = foot d a b c; e = foot e b c a; f = foot f c a b; "
              "h = on_line h a d, on_line h b e; m = midpoint m b c; n = midpoint n c a",
    # the incentre and an excentre lie on a bisector of every angle
    "bisectors": "a b c = triangle a b c; i = incenter i a b c; j = excenter j a b c; d = foot d i b c",
    # a cyclic quadrilateral and its diagonals' intersection: similar triangles, some mirrored
    "chords": "a b c = triangle a b c; d = on_circum d a b c; p = on_line p a c, on_line p b d",
}


def figure(text: str) -> dict[str, complex]:
    return dict(realise(parse_problem("t", text), seed=0).points)


def shape(pts: dict[str, complex], t: tuple[str, ...]) -> complex:
    a, b, c = (pts[x] for x in t)
    return (c - a) / (b - a)


def similar_pairs(pts: dict[str, complex]) -> set[tuple]:
    """Every (ABC, PQR, mirrored) with ABC a triangle of ``combinations``, PQR an ordering of
    another triangle, shapes within NUMERIC_CHECK (relative), up to the pair's order."""
    names = list(pts)
    tris = [t for t in combinations(names, 3) if not collinear(*(pts[x] for x in t), FLAT_TRIANGLE)]
    out = set()
    for t in tris:
        z = shape(pts, t)
        for mirrored, zz in ((False, z), (True, z.conjugate())):
            for s in tris:
                if s == t:
                    continue
                for u in permutations(s):
                    if abs(shape(pts, u) - zz) <= NUMERIC_CHECK * max(1.0, abs(zz)):
                        out.add(((t, u) if t < u else (u, t), mirrored))
    return out


def bisects(pts: dict[str, complex], v: str, x: str, a: str, b: str) -> bool:
    u, p, q = pts[x] - pts[v], pts[a] - pts[v], pts[b] - pts[v]
    if not (abs(u) and abs(p) and abs(q)):
        return False
    z = (u * u).conjugate() * p * q
    return abs(z.imag) <= NUMERIC_CHECK * abs(z)


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_similar_triangles_are_the_pairs_of_equal_shape(name: str) -> None:
    pts = figure(FIGURES[name])
    found = NumericIndex(pts).similar_triangles()
    keys = [((t, u) if t < u else (u, t), m) for t, u, m in found]
    assert len(keys) == len(set(keys)), "a pair is listed twice"
    assert found and set(keys) == similar_pairs(pts)
    if name == "orthic":  # both orientations occur
        assert any(m for _, _, m in found) and any(not m for _, _, m in found)


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_bisector_centres_are_the_points_on_three_bisectors(name: str) -> None:
    pts = figure(FIGURES[name])
    index = NumericIndex(pts)
    expected = [
        (x, (a, b, c))
        for a, b, c in combinations(index.names, 3)
        if not index.collinear(a, b, c)
        for x in index.names
        if x not in (a, b, c)
        and not (index.collinear(a, b, x) or index.collinear(b, c, x) or index.collinear(c, a, x))
        and bisects(pts, a, x, b, c) and bisects(pts, b, x, a, c) and bisects(pts, c, x, a, b)
    ]
    assert index.bisector_centres == expected
    if name == "bisectors":
        assert ("i", ("a", "b", "c")) in expected and ("j", ("a", "b", "c")) in expected


def test_a_figure_with_every_point_on_one_line_has_no_triangles() -> None:
    pts = {"a": 0j, "b": 1 + 0j, "c": 2 + 0j, "d": 5 + 0j}
    index = NumericIndex(pts)
    assert index.similar_triangles() == [] and index.bisector_centres == []


def reference_lines_and_circles(pts: dict[str, complex]) -> tuple[list, list]:
    """Maximal collinear sets (3+) and concyclic sets (4+), by a loop over every pair and triple."""
    from geometry.predicates import circumcenter
    from geometry.tolerance import HUGE_RADIUS, SCALE_FLOOR

    names = list(pts)
    ordered = lambda xs: tuple(sorted(xs, key=names.index))  # noqa: E731
    lines = {ordered([a, b] + [c for c in names if c not in (a, b) and collinear(pts[a], pts[b], pts[c])])
             for a, b in combinations(names, 2)}
    circles = set()
    for a, b, c in combinations(names, 3):
        o = circumcenter(pts[a], pts[b], pts[c])
        if o is None or abs(pts[a] - o) > HUGE_RADIUS:
            continue
        r = abs(pts[a] - o)
        members = [x for x in names if abs(abs(pts[x] - o) - r) <= NUMERIC_CHECK * max(r, SCALE_FLOOR)]
        if len(members) >= 4:
            circles.add(ordered(members))
    return sorted(x for x in lines if len(x) >= 3), sorted(circles)


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_lines_and_circles_are_the_maximal_collinear_and_concyclic_sets(name: str) -> None:
    pts = figure(FIGURES[name])
    index = NumericIndex(pts)
    lines, circles = reference_lines_and_circles(pts)
    assert sorted(index.lines) == lines and sorted(index.circles) == circles
    assert lines or circles
    for (a, b), line in index.line_of.items():
        assert a in line and b in line and all(collinear(pts[a], pts[b], pts[c]) for c in line if c not in (a, b))


def test_collinear_with_a_repeated_point_is_false() -> None:
    """No line runs through one point twice: a matcher pairing a point with itself (lines that
    share two points when collinearity is read off nearly equal points) gets False, not a KeyError."""
    index = NumericIndex({"a": 0j, "b": 1 + 0j, "c": 2 + 0j, "d": 1j})
    assert index.collinear("a", "b", "c") and not index.collinear("a", "b", "d")
    assert not index.collinear("a", "a", "c")
