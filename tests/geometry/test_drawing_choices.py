"""The discrete choices of a drawing (which intersection, which side, which interval of a
line, which common tangent, a mirrored free figure) are recorded and can be forced, so that
every configuration of a problem can be drawn on purpose, not only met by chance."""
from __future__ import annotations

import numpy as np
import pytest

from geometry.constructions import ChoiceGenerator, choose, coin
from geometry.diagram import _combinations, choice_figures, realise
from geometry.problem import parse_problem

EQ = parse_problem("eq", "a b = segment a b; c = eq_triangle c a b ? perp a b a c")
LC = parse_problem("lc", "a b = segment a b; c = on_line c a b; d = on_line d a b, eqdistance d c a b ? cong a c b d")
TANGENTS = parse_problem(
    "cc", "o a = segment o a; w = free w; b = on_circle b w a; x y z i = cc_tangent x y z i o a w b ? perp o x x y"
)


def _orient(p: complex, q: complex, r: complex) -> float:
    return ((q - p).conjugate() * (r - p)).imag


def test_the_generator_draws_the_default_stream() -> None:
    g, h = ChoiceGenerator(7), np.random.default_rng(7)
    assert [g.random() for _ in range(3)] == [h.random() for _ in range(3)]
    g.begin(1)
    assert coin(g, "side") == (0 if h.random() < 0.5 else 1)
    assert choose(g, 2, "intersection") == int(h.integers(2))
    assert g.uniform() == h.uniform()  # a choice draws exactly what it drew before


@pytest.mark.parametrize("problem", [EQ, LC, TANGENTS], ids=lambda p: p.name)
def test_forcing_the_choices_a_figure_made_redraws_that_figure(problem) -> None:
    for seed in range(5):
        d = realise(problem, seed=seed)
        assert d.choices, "every problem here makes a choice"
        again = realise(problem, seed=seed, choices=d.choice_vector)
        assert again.points == d.points


def test_forcing_the_side_of_an_equilateral_triangle_moves_only_that_point() -> None:
    d = realise(EQ, seed=3)
    side = next(c for c in d.choices if c.what == "side")
    other = realise(EQ, seed=3, choices={side.key: 1 - side.value})
    assert {k: v for k, v in other.points.items() if k != "c"} == {k: v for k, v in d.points.items() if k != "c"}
    a, b = d.points["a"], d.points["b"]
    assert _orient(a, b, d.points["c"]) * _orient(a, b, other.points["c"]) < 0


def test_forcing_the_intersection_gives_the_other_point() -> None:
    d = realise(LC, seed=2)
    which = next(c for c in d.choices if c.what == "intersection")
    other = realise(LC, seed=2, choices={which.key: 1 - which.value})
    assert other.points["c"] == d.points["c"]
    assert abs(other.points["d"] - d.points["d"]) > 0.1
    for fig in (d, other):  # both are the intersections of line ab and the circle (c, |ab|)
        p = fig.points
        assert abs(abs(p["d"] - p["c"]) - abs(p["b"] - p["a"])) < 1e-9


def test_every_interval_of_a_line_can_be_drawn() -> None:
    p = parse_problem("on", "a b = segment a b; c = on_line c a b ? coll a b c")
    d = realise(p, seed=0)
    place = next(c for c in d.choices if c.what == "place")
    assert place.n == 3 and set(place.among) == {"a", "b"}
    seen = set()
    for v in range(3):
        pts = realise(p, seed=0, choices={place.key: v}).points
        t = ((pts["c"] - pts[place.among[0]]) / (pts[place.among[1]] - pts[place.among[0]])).real
        seen.add(0 if t < 0 else 1 if t < 1 else 2)
    assert seen == {0, 1, 2}


def test_the_two_common_tangents_can_be_swapped() -> None:
    d = realise(TANGENTS, seed=1)
    swap = next(c for c in d.choices if c.what == "tangents")
    other = realise(TANGENTS, seed=1, choices={swap.key: 1 - swap.value})
    assert abs(other.points["x"] - d.points["z"]) < 1e-12 and abs(other.points["z"] - d.points["x"]) < 1e-12


def test_choice_figures_draw_every_combination() -> None:
    draw = choice_figures(EQ, seed=0, seeds=1)
    assert draw.exhaustive and draw.total == draw.combinations == 4 and not draw.undrawable
    assert {tuple(c.value for c in d.choices) for d in draw.figures} == {(0, 0), (0, 1), (1, 0), (1, 1)}


def test_the_cover_is_deterministic_and_covers_every_three_choices() -> None:
    rows, complete = _combinations([2] * 10, 40)
    again, _ = _combinations([2] * 10, 40)
    assert not complete and rows == again and len(rows) <= 40
    from itertools import combinations, product

    for i, j, k in combinations(range(10), 3):
        assert {(r[i], r[j], r[k]) for r in rows} == set(product((0, 1), repeat=3))
