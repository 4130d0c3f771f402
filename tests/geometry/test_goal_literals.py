"""Literals of the wrong kind and degenerate goals are one clear parse error.

A literal names its token in the error: an angle where a ratio belongs, a ratio
where an angle belongs, a zero or negative length, a zero denominator, a number
too large to mean anything. A goal that repeats points so that a line, segment,
triangle or circle collapses, or whose form alone decides it (``cong a b b a`` is true
by itself, ``perp a b a b`` false whatever the figure), is refused before any diagram
is drawn (tests/geometry/test_degenerate_goals.py checks the rule over every predicate).
"""
from __future__ import annotations

import pytest

from geometry.errors import ParseError
from geometry.literals import Literal
from geometry.predicates import Predicate, degeneracy
from geometry.problem import parse_problem

SQUARE = "a b c d = isquare a b c d; o = intersection_ll o a c b d"


@pytest.mark.parametrize(
    "goal, token, says",
    [
        ("r2const a b a o 30o", "30o", "angle where a ratio belongs"),
        ("rconst a b a o 1pi/3", "1pi/3", "angle where a ratio belongs"),
        ("lconst a b 60o", "60o", "angle where a length belongs"),
        ("aconst a b c d 1/2", "1/2", "ratio where an angle belongs"),
        ("rconst a b a o 0", "0", "must be positive"),
        ("lconst a b -3", "-3", "must be positive"),
        ("rconst a b a o 1/0", "1/0", "zero denominator"),
        ("aconst a b c d 1pi/0", "1pi/0", "zero denominator"),
        ("rconst a b a o 99999999999999999999", "99999999999999999999", "too large"),
        ("aconst a b c d 1" + "0" * 400 + "o", "1" + "0" * 400 + "o", "too large"),
        ("rconst a b a o 30oo", "30oo", "expected a constant"),
        ("lequation 1/1 a b 2pi/3", "2pi/3", "angle where a number belongs"),
        ("aequation 1/1 a b c 90o", "aequation", "two lines"),
    ],
)
def test_goal_literal_of_the_wrong_kind(goal: str, token: str, says: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_problem("p", f"{SQUARE} ? {goal}")
    msg = str(info.value)
    assert says in msg and token in msg
    assert "\n" not in msg


@pytest.mark.parametrize(
    "clause, token, says",
    [
        ("x = rconst a b c x 30o", "30o", "angle where a ratio belongs"),
        ("x = lconst x a 0", "0", "must be positive"),
        ("x = s_angle a b x 1/2", "1/2", "ratio where an angle belongs"),
        ("x = rconst2 x a b 3/0", "3/0", "zero denominator"),
        ("x = lconst x a 12345678", "12345678", "too large"),
    ],
)
def test_construction_literal_of_the_wrong_kind(clause: str, token: str, says: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_problem("p", f"a b c = triangle a b c; {clause}")
    assert info.value.clause == 2 and info.value.token == token
    assert says in str(info.value)


@pytest.mark.parametrize(
    "goal, says",
    [
        ("coll a a c", "coll needs 3 distinct points"),
        ("coll a c a c", "coll needs 3 distinct points"),
        ("cyclic a b c a", "cyclic needs 4 distinct points"),
        ("para a a b c", "'a a' is not a line"),
        ("perp a b c c", "'c c' is not a line"),
        ("eqangle a b c d e e a b", "'e e' is not a line"),
        ("cong a b c c", "'c c' is not a segment"),
        ("eqratio a b c d a b e e", "'e e' is not a segment"),
        ("midp m a a", "'a a' is not a segment"),
        ("circle o a b o", "the centre 'o' is not on its own circle"),
        ("circle o a a b", "'a a b' do not make a circle"),
        ("simtri a b b c d e", "'a b b' is not a triangle"),
        ("aconst a a b c 1pi/3", "'a a' is not a line"),
        ("lconst a a 3", "'a a' is not a segment"),
    ],
)
def test_degenerate_goal_is_refused_by_the_parser(goal: str, says: str) -> None:
    text = "a b c = triangle a b c; d e = segment d e; m = midpoint m a b; o = circle o a b c"
    with pytest.raises(ParseError) as info:
        parse_problem("p", f"{text} ? {goal}")
    assert says in str(info.value) and "degenerate" in str(info.value)
    assert info.value.token == goal


@pytest.mark.parametrize(
    "goal, says",
    [
        ("cong a b b a", "is true by itself"),
        ("para a b b a", "is true by itself"),
        ("eqangle a b c d a b c d", "is true by itself"),
        ("perp a b a b", "is false whatever the figure"),
    ],
)
def test_goal_decided_by_its_form_is_degenerate(goal: str, says: str) -> None:
    # (until issue 22 these were proved in one step, or drawn and found false everywhere)
    why = degeneracy(Predicate.parse(goal.split()))
    assert why is not None and says in why


@pytest.mark.parametrize("goal", ["coll a b c a", "cong a b a c", "perp a b a c", "eqangle a b c d c d a b"])
def test_goal_with_a_repeated_point_can_mean_something(goal: str) -> None:
    assert degeneracy(Predicate.parse(goal.split())) is None


def test_every_benchmark_goal_is_accepted(jgex_problems) -> None:
    assert len(jgex_problems) == 231  # reading the file parses every goal: none is refused


def test_every_example_goal_is_accepted(real_problem_lines) -> None:
    for text in real_problem_lines:
        for goal in parse_problem("p", text).goals:
            assert degeneracy(goal) is None


def test_literal_roles() -> None:
    assert Literal("15").angle * 180 == 15 and Literal("15").ratio == 15  # a bare number is either
    Literal("-15o").check("angle")
    Literal("1/2").check("ratio")
    Literal("-2").check("number")
    with pytest.raises(ValueError, match="positive"):
        Literal("-1/2").check("ratio")
