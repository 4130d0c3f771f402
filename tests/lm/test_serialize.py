"""The model's text form: round trips, renaming undone, malformed clauses refused (no torch needed)."""
from __future__ import annotations

import random

from itertools import permutations

import pytest

from geometry.names import point_name
from geometry.predicates import Predicate
from geometry.problem import parse_problem, read_problems
from lm.serialize import (
    MalformedClause,
    canonical_names,
    clause_key,
    decode_clause,
    encode_example,
    encode_problem,
    parse_serialized,
)


def _plain(problem):
    """``problem`` in canonical names, its auxiliary points ``*k`` named as the points after the setup's."""
    names = canonical_names(problem)
    n = sum(not v.startswith("*") for v in names.values())
    return problem.rename({k: point_name(n + int(v[1:]) - 1) if v.startswith("*") else v for k, v in names.items()})


def _round_trip(problem):
    text = encode_example(problem, [], with_proof=False)
    back, proof = parse_serialized(text)
    assert proof == []
    assert back.to_text() == _plain(problem).to_text()


def test_round_trip_bundled_examples(examples_path):
    for p in read_problems(examples_path):
        _round_trip(p)


def test_round_trip_jgex(jgex_problems):
    for p in jgex_problems:
        _round_trip(p)


def test_round_trip_with_aux_and_proof():
    p = parse_problem("t", "x y z = triangle x y z; h = orthocenter h x y z | m = midpoint m x y; "
                           "n = on_line n x z, on_circle n m x ? perp x h y z")
    proof = [Predicate.parse("perp x h y z".split()), Predicate.parse("cong m x m y".split())]
    text = encode_example(p, proof)
    assert text == ("triangle a b c ; orthocenter d a b c ? perp a d b c | midpoint *1 a b ; "
                    "on_line *2 a c , on_circle *2 *1 a ! perp a d b c ; cong *1 a *1 b")
    back, back_proof = parse_serialized(text)
    assert back.to_text() == _plain(p).to_text()
    assert [str(x) for x in back_proof] == ["perp a d b c", "cong e a e b"]


def test_full_form_kept_where_the_short_form_would_lose_something():
    # fixed coordinates and a clause whose declared points are not just the new arguments
    p = parse_problem("t", "a@0_0 b@1_0 = segment a b; c = on_tline c b b a ? perp a b b c")
    text = encode_example(p, [], with_proof=False)
    assert "a@0_0 b@1_0 = segment a b" in text
    _round_trip(p)


def test_prompt_continues_after_the_aux_clauses_so_far():
    p = parse_problem("t", "a b c = triangle a b c | d = midpoint d b c ? perp a b a c")
    assert encode_problem(p).text == "triangle a b c ? perp a b a c | midpoint *1 b c ;"
    assert encode_problem(p, with_aux=False).text == "triangle a b c ? perp a b a c |"


def test_renaming_is_undone_with_fresh_names():
    p = parse_problem("t", "d e a = triangle d e a; b = midpoint b e a ? cong d b e b")
    s = encode_problem(p)
    assert s.text == "triangle a b c ; midpoint d b c ? cong a d b d |"
    # the model's new point *1 gets a name the problem does not use, whatever the problem's size
    c = decode_clause("foot *1 a b c", s, p)
    assert c.to_text() == "c = foot c d e a"
    assert c.points[0] not in p.points()
    big = parse_problem("t", "; ".join(f"{point_name(i)} = free {point_name(i)}" for i in range(40)) + " ? perp a b c d")
    c = decode_clause("midpoint *1 a b", encode_problem(big), big)
    assert c.points[0] not in big.points()


def test_the_new_point_of_a_second_clause_follows_the_first():
    p = parse_problem("t", "a b c = triangle a b c | d = midpoint d b c ? perp a b a c")
    s = encode_problem(p)
    c = decode_clause("on_line *2 a *1", s, p)
    assert c.constructions[0].args[1:] == ("a", "d") and c.points[0] not in ("a", "b", "c", "d")
    with pytest.raises(MalformedClause):  # *1 is the point of the first clause
        decode_clause("midpoint *1 a b", s, p)


@pytest.mark.parametrize("text", [
    "",  # nothing
    "midpoint",  # no arguments
    "midpoint e a",  # wrong arity
    "midpoint a b c",  # builds no new point
    "frobnicate e a b",  # unknown construction
    "midpoint e a b ; midpoint f a c",  # two clauses
    "e = midpoint e a z9",  # an unknown point as an input
    "a = midpoint a b c",  # redefines a point
    "midpoint e a b",  # builds a point that is not a new point *k
])
def test_malformed_clauses_are_refused(text):
    p = parse_problem("t", "a b c = triangle a b c ? perp a b a c")
    with pytest.raises(MalformedClause):
        decode_clause(text, encode_problem(p), p)


def test_clause_key_is_up_to_symmetry_and_new_names():
    base = "a b c = triangle a b c | "
    k = lambda t: (lambda c: clause_key(c, {q: f"#{i}" for i, q in enumerate(c.points)}))(  # noqa: E731
        parse_problem("t", base + t).aux[0])
    assert k("d = midpoint d b c") == k("x = midpoint x c b")
    assert k("d = foot d a b c") == k("y = foot y a c b")
    assert k("d = midpoint d b c") != k("d = midpoint d a c")
    # equal segments are one class: every order of a circumcentre's points is one clause
    assert len({k(f"d = circle d {' '.join(o)}") for o in permutations("abc")}) == 1
    assert k("d = circle d a b c") != k("d = on_bline d a b")
    assert k("d = on_circle d a b, on_circle d c b") != k("d = on_circle d a c, on_circle d b c")


def test_random_renamings_give_one_text():
    p = parse_problem("t", "a b c = triangle a b c; d = foot d a b c; e = midpoint e a d ? cong a e d e")
    rng = random.Random(0)
    texts = set()
    for _ in range(10):
        names = rng.sample("pqrstuvwxyz", 5)
        q = p.rename(dict(zip("abcde", names)))
        texts.add(encode_problem(q).text)
    assert len(texts) == 1
