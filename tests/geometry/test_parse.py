"""The problem language: both dialects parse, and a parsed problem prints back as written."""
from __future__ import annotations

import cmath
import math

from fractions import Fraction
from pathlib import Path

import pytest

from geometry.diagram import realise
from geometry.errors import ParseError
from geometry.literals import Literal
from geometry.predicates import Kind, Predicate
from geometry.problem import iter_problem_lines, parse_problem, read_problems, split_problem_text


def canonical_premises(text: str) -> set[Predicate]:
    return {p.canonical() for p in parse_problem("p", text).premises()}


# ---------------------------------------------------------------------- benchmark round trip
def test_every_benchmark_line_prints_back_exactly(jgex_path: Path) -> None:
    pairs = iter_problem_lines(jgex_path)
    assert len(pairs) == 231
    for name, line in pairs:
        problem = parse_problem(name, line)
        assert problem.to_text() == line, name
        assert parse_problem(name, problem.to_text()) == problem, name


def test_benchmark_goals_are_the_published_mix(jgex_problems) -> None:
    kinds = [p.goal.kind for p in jgex_problems]
    assert all(len(p.goals) == 1 for p in jgex_problems)
    counts = {k.value: kinds.count(k) for k in set(kinds)}
    assert counts == {
        "cong": 93, "para": 42, "eqangle": 34, "perp": 33, "cyclic": 13, "coll": 8,
        "midp": 5, "simtri": 2, "contri": 1,
    }


# ---------------------------------------------------------------------- AG shorthand
def test_shorthand_prepends_the_new_points() -> None:
    short = parse_problem("p", "a b c = triangle; h = on_tline b a c; o = circle a b c")
    full = parse_problem("p", "a b c = triangle a b c; h = on_tline h b a c; o = circle o a b c")
    assert short == full
    assert short.to_text() == full.to_text()


def test_shorthand_in_an_intersection() -> None:
    short = parse_problem("p", "a b c = triangle; d = on_line b c, on_tline a b c")
    assert short.to_text() == "a b c = triangle a b c; d = on_line d b c, on_tline d a b c"


# ---------------------------------------------------------------------- Newclid extensions
def test_aux_section_and_several_goals() -> None:
    text = "a b c = r_triangle a b c; m = midpoint m b c | d = mirror d a m ? cong m a m b; perp a b a c"
    p = parse_problem("p", text)
    assert [c.points for c in p.clauses] == [("a", "b", "c"), ("m",)]
    assert [c.points for c in p.aux] == [("d",)]
    assert p.points(with_aux=False) == ("a", "b", "c", "m")
    assert p.points() == ("a", "b", "c", "m", "d")
    assert [str(g) for g in p.goals] == ["cong m a m b", "perp a b a c"]
    assert p.to_text() == text
    d = realise(p, seed=2)
    assert set(d.points) == {"a", "b", "c", "m", "d"}
    assert set(realise(p, seed=2, with_aux=False).points) == {"a", "b", "c", "m"}


def test_aux_clause_may_use_setup_points_but_setup_not_aux() -> None:
    with pytest.raises(ParseError, match="not defined"):
        parse_problem("p", "a b = segment a b; c = midpoint c a d | d = free d")


def test_fixed_coordinates() -> None:
    p = parse_problem("p", "a@0_0 b@4.5_-1.25 = segment a b; c = midpoint c a b ? midp c a b")
    decls = p.clauses[0].decls
    assert [d.name for d in decls] == ["a", "b"]
    assert decls[1].fixed == ("4.5", "-1.25")
    assert decls[1].position == complex(4.5, -1.25)
    assert p.to_text() == "a@0_0 b@4.5_-1.25 = segment a b; c = midpoint c a b ? midp c a b"
    d = realise(p, seed=7)
    assert d.points["a"] == 0j and d.points["b"] == complex(4.5, -1.25)
    assert d.points["c"] == pytest.approx(complex(2.25, -0.625))


def test_names_with_digits_and_underscores() -> None:
    p = parse_problem("p", "a1 b_2 i_b = triangle a1 b_2 i_b; pa = midpoint pa a1 i_b ? coll pa a1 i_b")
    assert p.points() == ("a1", "b_2", "i_b", "pa")


def test_colon_and_extra_blanks_are_accepted() -> None:
    spaced = parse_problem("p", "a b  c =  triangle a b  c;  d = midpoint d a b  ?  midp d a b")
    colon = parse_problem("p", "a b c : triangle a b c; d : midpoint d a b ? midp d a b")
    plain = parse_problem("p", "a b c = triangle a b c; d = midpoint d a b ? midp d a b")
    assert spaced == plain == colon


def test_numeric_requirement_in_a_clause() -> None:
    p = parse_problem("p", "a b c = triangle a b c; d = on_line d b c, ncoll d a b")
    (req,) = p.clauses[1].requirements
    assert req.kind is Kind.NCOLL
    assert "ncoll d a b" in p.to_text()


def test_iso_trapezoid_is_eq_trapezoid() -> None:
    assert canonical_premises("a b c d = iso_trapezoid a b c d") == canonical_premises(
        "a b c d = eq_trapezoid a b c d"
    )


# ---------------------------------------------------------------------- literals
@pytest.mark.parametrize("angle", ["30", "30o", "1pi/6"])
def test_angle_literals_agree(angle: str) -> None:
    """Bare integers are degrees (AG), ``30o`` degrees (NC), ``1pi/6`` a fraction of pi. The
    Newclid spellings mean Newclid's ``s_angle`` (the whole line through the vertex), bare
    degrees AlphaGeometry's (the ray): the angle is the same, the locus differs."""
    reference = realise(parse_problem("p", "a b = segment a b; x = s_angle a b x 1pi/6"), seed=4)
    p = parse_problem("p", f"a b = segment a b; x = s_angle a b x {angle}")
    lit = p.clauses[1].constructions[0].args[-1]
    assert isinstance(lit, Literal) and lit.angle == Fraction(1, 6)
    assert str(lit) == angle
    drawn = realise(p, seed=4)
    if lit.newclid_angle:
        assert drawn.points == reference.points
    a, b, x = (drawn.points[n] for n in "abx")
    turn = cmath.phase((x - b) / (a - b)) / math.pi
    assert abs(turn - 1 / 6) < 1e-9 or (lit.newclid_angle and abs(turn + 5 / 6) < 1e-9)


@pytest.mark.parametrize(
    "text, angle", [("-15", Fraction(-1, 12)), ("15o", Fraction(1, 12)), ("2pi/3", Fraction(2, 3))]
)
def test_angle_values(text: str, angle: Fraction) -> None:
    assert Literal(text).angle == angle


def test_ratio_and_angle_goals() -> None:
    p = parse_problem(
        "p",
        "a b = segment a b; x = rconst2 x a b 1/2; y = aconst a b a y 2pi/3 "
        "? rconst x a x b 1/2; aconst a b a y 2pi/3",
    )
    assert [g.literals[0].text for g in p.goals] == ["1/2", "2pi/3"]
    assert p.goals[0].literals[0].ratio == Fraction(1, 2)
    d = realise(p, seed=1)
    assert all(d.holds(g) for g in p.goals)


def test_five_argument_eqangle_reads_as_aconst() -> None:
    p = parse_problem("p", "a b = segment a b; y = aconst a b a y 1pi/3 ? eqangle a b a y 1pi/3")
    assert p.goal is not None and p.goal.kind is Kind.ACONST


# ---------------------------------------------------------------------- dialect argument orders
@pytest.mark.parametrize(
    "ag, nc",
    [
        ("a b c = triangle a b c; d = parallelogram a b c d", "a b c = triangle a b c; d = parallelogram d a b c"),
        ("a b = segment a b; c d = square a b c d", "a b = segment a b; c d = square c d a b"),
    ],
)
def test_dialect_orders_give_the_same_figure(ag: str, nc: str) -> None:
    """LANGUAGE.md 1.6: the new points may come last (AG) or first (NC)."""
    assert canonical_premises(ag) == canonical_premises(nc)
    p, q = parse_problem("p", ag), parse_problem("p", nc)
    assert realise(p, seed=3).points == realise(q, seed=3).points
    assert p.to_text() == ag and q.to_text() == nc


def test_parallelogram_and_square_shapes() -> None:
    d = realise(parse_problem("p", "a b c = triangle a b c; d = parallelogram d a b c"), seed=5).points
    assert d["a"] + d["c"] == pytest.approx(d["b"] + d["d"])  # abcd: diagonals bisect each other
    s = realise(parse_problem("p", "a b = segment a b; c d = square c d a b"), seed=5).points
    assert (s["c"] - s["b"]) == pytest.approx((s["a"] - s["b"]) * -1j)  # abcd counter-clockwise
    assert (s["d"] - s["a"]) == pytest.approx((s["b"] - s["a"]) * 1j)


# ---------------------------------------------------------------------- files
def test_comments_and_blank_lines_in_files(tmp_path: Path) -> None:
    text = (
        "# a comment\n\n"
        "first\n"
        "a b c = triangle a b c; d = midpoint d a b ? midp d a b\n"
        "   \n"
        "# another comment\n"
        "second/with spaces.gex\n"
        "a b = segment a b; c = midpoint c a b ? coll a b c\n"
    )
    f = tmp_path / "problems.txt"
    f.write_text(text, encoding="utf-8")
    problems = read_problems(f)
    assert [p.name for p in problems] == ["first", "second/with spaces.gex"]
    assert split_problem_text(text) == [(p.name, p.to_text()) for p in problems]


def test_bundled_examples_parse(examples_path: Path) -> None:
    problems = read_problems(examples_path)
    assert len(problems) >= 6
    assert all(p.goals for p in problems)


def test_point_names_with_primes_and_digits_parse_and_print_back():
    from geometry.problem import parse_problem

    text = "a b c = triangle a b c; b' = midpoint b' a c; c' = midpoint c' a b; o1 = circle o1 a b c; p2' = foot p2' o1 b' c' ? perp o1 p2' b' c'"
    p = parse_problem("primes", text)
    assert p.to_text() == text
    assert p.points() == ("a", "b", "c", "b'", "c'", "o1", "p2'")


def test_primes_are_written_as_primes_in_proofs():
    from prover.export.wording import _label

    assert [_label(n) for n in ("b'", "c''", "o1", "p2'", "a")] == ["B′", "C′′", "O₁", "P₂′", "A"]


def test_primed_names_prove_as_plain_names_do_and_replay_in_fresh_figures():
    """Names with primes widen the parser only: the engine proves the same, and the proof replays."""
    from geometry.problem import parse_problem
    from prover.prove import prove_ddar

    primed = "a b c = triangle a b c; b' = midpoint b' a c; c' = midpoint c' a b; h' = orthocenter h' a b c ? para b' c' b c"
    plain = primed.replace("b'", "p").replace("c'", "q").replace("h'", "r")
    got = prove_ddar(parse_problem("primed", primed))
    ref = prove_ddar(parse_problem("plain", plain))
    assert got.status == ref.status == "solved"
    assert got.check is not None and got.check.ok
    assert got.replayed is not None and got.replayed.ok and got.replayed.applicable > 0
    assert len(got.proof.lines) == len(ref.proof.lines)
