"""One rule for degenerate goals, checked over every predicate (issue 22).

A goal is refused by the parser (``ParseError "degenerate: ..."``, exit 2 on the command
line) when an object it names is ill-defined (a line or segment through one point, a
triangle with a repeated vertex, ``coll`` with fewer than 3 distinct points...) or when its
form alone decides it: true by itself (``cong a b b a``), false whatever the figure
(``perp a b a b``), or a ``*compute`` goal whose value its form gives (``acompute a b b a``).

For every kind, each generic use of it (``para a b c d``) has its points merged in every
possible way (every partition of the point positions: ``para a b a d``, ``para a b b a``...),
and the verdict of :func:`geometry.predicates.degenerate` is compared with an oracle written
here independently of it: the kind's objects restated as a table, the statements true by
form found with numbers (they hold in every random figure), and the statements false by
form listed by what they say. Then, with numbers: a goal the rule accepts is not
identically true, a goal it calls true by form holds, and one it calls false fails.
"""
from __future__ import annotations

import random
from collections import Counter
from fractions import Fraction
from functools import lru_cache
from itertools import combinations

import pytest

from geometry.errors import ParseError
from geometry.literals import Literal
from geometry.predicates import Kind, Predicate, degeneracy, degenerate, equation_terms
from geometry.problem import parse_problem
from prover.cli import main

#: Generic uses of every kind: distinct points, and constants that make the
#: "true by form" and "false by form" branches of the constant kinds both appear.
GENERIC: dict[Kind, tuple[str, ...]] = {
    Kind.COLL: ("coll a b c", "coll a b c d"),
    Kind.NCOLL: ("ncoll a b c", "ncoll a b c d"),
    Kind.CYCLIC: ("cyclic a b c d", "cyclic a b c d e"),
    Kind.DIFF: ("diff a b", "diff a b c"),
    Kind.ACONST: ("aconst a b c d 1pi/3", "aconst a b c d 0", "aconst a b c d 1pi/1"),
    Kind.S_ANGLE: ("s_angle a b c 30", "s_angle a b c 0", "s_angle a b c 180", "s_angle a b c 360"),
    Kind.RCONST: ("rconst a b c d 1/2", "rconst a b c d 1"),
    Kind.R2CONST: ("r2const a b c d 2", "r2const a b c d 1"),
    Kind.LCONST: ("lconst a b 3",),
    Kind.L2CONST: ("l2const a b 3",),
    Kind.LEQUATION: (
        "lequation 1/1 a b -1/1 c d 0",
        "lequation 1/1 a b -1/1 c d 3",
        "lequation 1/1 a b 1/1 c d -1/1 e f 0",
        "lequation 1/1 a b * c d -1/1 e f * g h 0",
    ),
    Kind.AEQUATION: ("aequation 1/1 a b c d 1/1 e f g h 1pi/2", "aequation 1/1 a b c d -1/1 e f g h 0"),
}
_LETTERS = "abcdefgh"
for _kind, _n in {
    Kind.PARA: 4, Kind.NPARA: 4, Kind.PERP: 4, Kind.NPERP: 4, Kind.CONG: 4, Kind.CIRCLE: 4, Kind.MIDP: 3,
    Kind.EQANGLE: 8, Kind.EQRATIO: 8, Kind.EQANGLE6: 8, Kind.EQRATIO6: 8, Kind.EQRATIO3: 6,
    Kind.SIMTRI: 6, Kind.SIMTRI2: 6, Kind.CONTRI: 6, Kind.CONTRI2: 6, Kind.ACOMPUTE: 4, Kind.RCOMPUTE: 4,
    Kind.LCOMPUTE: 2, Kind.SAMESIDE: 6, Kind.NSAMESIDE: 6, Kind.SAMECLOCK: 6, Kind.OBTUSE_ANGLE: 3,
}.items():
    GENERIC[_kind] = (" ".join([_kind.value, *_LETTERS[:_n]]),)


def test_every_kind_has_a_generic_use() -> None:
    assert set(GENERIC) == set(Kind)


# ---------------------------------------------------------------------- merging points
def _partitions(n: int):
    """Every partition of positions 0..n-1, as restricted growth strings (0, 0, 1, ...)."""
    def grow(prefix: list[int], top: int):
        if len(prefix) == n:
            yield tuple(prefix)
            return
        for v in range(top + 2):
            yield from grow(prefix + [v], max(top, v))

    yield from grow([], -1)


def _point_slots(tokens: list[str]) -> list[int]:
    """Positions (in the tokens after the name) that hold points."""
    return [i for i, t in enumerate(tokens) if t != "*" and t[:1].isalpha()]


def merged(text: str, every: bool = True) -> list[Predicate]:
    """``text`` with its points merged: every partition (``every``), or two positions at a time."""
    name, *args = text.split()
    slots = _point_slots(args)
    if every:
        ways = [p for p in _partitions(len(slots)) if len(set(p)) < len(slots)]
    else:
        ways = []
        for i, j in combinations(range(len(slots)), 2):
            label = list(range(len(slots)))
            label[j] = i
            ways.append(tuple(label))
    out = []
    for way in ways:
        new = list(args)
        for slot, label in zip(slots, way):
            new[slot] = _LETTERS[label]
        out.append(Predicate.parse([name, *new]))
    return out


def _cases(every: bool) -> list[tuple[Kind, Predicate]]:
    return [(k, p) for k, texts in GENERIC.items() for t in texts for p in merged(t, every)]


ALL_MERGES = _cases(every=True)
PAIR_MERGES = _cases(every=False)

# ---------------------------------------------------------------------- the oracle
#: The objects each kind names, as letters of its generic use (a is the first point):
#: each group must be distinct points. ``eqratio3 a b c d e f`` is AB ∥ CD and AC/BD = EA/FB;
#: ``sameside a b c d e f`` compares A with segment BC and D with EF.
OBJECTS = {
    "para": "ab cd", "npara": "ab cd", "perp": "ab cd", "nperp": "ab cd", "aconst": "ab cd",
    "acompute": "ab cd", "cong": "ab cd", "rconst": "ab cd", "r2const": "ab cd", "rcompute": "ab cd",
    "eqangle": "ab cd ef gh", "eqangle6": "ab cd ef gh", "eqratio": "ab cd ef gh", "eqratio6": "ab cd ef gh",
    "eqratio3": "ab cd ac bd ea fb", "lconst": "ab", "l2const": "ab", "lcompute": "ab", "midp": "bc",
    "circle": "bcd", "simtri": "abc def", "simtri2": "abc def", "contri": "abc def", "contri2": "abc def",
    "sameclock": "abc def", "s_angle": "ba bc", "obtuse_angle": "ba bc", "sameside": "bc ef ab ac de df",
    "nsameside": "bc ef ab ac de df",
}
AT_LEAST = {"coll": 3, "ncoll": 3, "cyclic": 4}
#: Kinds that state the negation of another: their verdict is the other's, true and false swapped.
NEGATION = {Kind.NPARA: Kind.PARA, Kind.NPERP: Kind.PERP, Kind.NCOLL: Kind.COLL, Kind.NSAMESIDE: Kind.SAMESIDE}
#: Kinds with no numeric meaning (holds() is always true): their verdicts are stated below.
NO_NUMBERS = {Kind.ACOMPUTE, Kind.RCOMPUTE, Kind.LCOMPUTE, Kind.EQRATIO3}


def ill_defined(p: Predicate) -> bool:
    name, a = p.kind.value, p.args
    if name in AT_LEAST:
        return len(set(a)) < AT_LEAST[name]
    if p.kind in (Kind.LEQUATION, Kind.AEQUATION):
        return any(names[i] == names[i + 1] for _, names in equation_terms(a) for i in range(0, len(names), 2))
    for group in OBJECTS.get(name, "").split():
        points = [a[_LETTERS.index(x)] for x in group]
        if len(set(points)) < len(points):
            return True
    return False


def _figure(names, rng: random.Random) -> dict[str, complex]:
    """Random distinct points (a generic figure)."""
    while True:
        pts = {n: complex(rng.uniform(-1, 1), rng.uniform(-1, 1)) for n in names}
        zs = list(pts.values())
        if all(abs(z - w) > 0.05 for z, w in combinations(zs, 2)):
            return pts


@lru_cache(maxsize=None)
def _random_figures(names: tuple[str, ...], count: int = 40) -> tuple[dict[str, complex], ...]:
    rng = random.Random(" ".join(names))
    return tuple(_figure(names, rng) for _ in range(count))


def always_holds(p: Predicate) -> bool:
    return all(p.holds(f) for f in _random_figures(tuple(sorted(set(p.points)))))


def _same(a, i: int, j: int) -> bool:
    return {a[i], a[i + 1]} == {a[j], a[j + 1]}


def _rotations(t) -> list[tuple]:
    return [tuple(t[(i + r) % 3] for i in range(3)) for r in range(3)]


def false_by_form(p: Predicate) -> bool:
    """The statements false whatever the figure, by what they say (distinct names are distinct points)."""
    k, a = p.kind, p.args
    if k is Kind.PERP:
        return _same(a, 0, 2)  # a line is not perpendicular to itself
    if k is Kind.MIDP:
        return a[0] in (a[1], a[2])  # the midpoint is not an end
    if k is Kind.CIRCLE:
        return a[0] in a[1:]  # the centre is not on its circle
    if k is Kind.OBTUSE_ANGLE:
        return a[0] == a[2]  # a zero angle
    if k is Kind.DIFF:
        return len(set(a)) < len(a)  # a point equals itself
    if k is Kind.S_ANGLE:
        return a[0] == a[2] and a[3].angle % 2 != 0  # a ray turned onto itself: 0 (mod 360°)
    if k is Kind.ACONST:
        return _same(a, 0, 2) and a[4].angle % 1 != 0  # a line onto itself: 0 (mod 180°)
    if k in (Kind.RCONST, Kind.R2CONST):
        return _same(a, 0, 2) and a[4].ratio != 1  # a segment over itself: 1
    t, u = tuple(a[:3]), tuple(a[3:6])
    if k is Kind.SAMECLOCK:
        return set(t) == set(u) and u not in _rotations(t)  # the same triangle, turned over
    if k in (Kind.SIMTRI, Kind.CONTRI):  # direct: keeps orientation
        if set(t) == set(u):
            return u not in _rotations(t)
        fixed = sum(x == y for x, y in zip(t, u))
        return fixed == 2  # fixing two points, it is the identity: it would take C to F
    if k in (Kind.SIMTRI2, Kind.CONTRI2):  # mirrored: reverses orientation
        if set(t) == set(u):
            return u in _rotations(t)
        m = dict(zip(t, u))
        if k is Kind.CONTRI2 and any(m[x] == x for x in t):
            # a mirror congruence with a fixed point is a reflection: what it swaps, it swaps back
            return any(m[x] in m and m[m[x]] != x for x in t)
        return False
    if k is Kind.LEQUATION:
        terms: Counter = Counter()
        for coef, names in equation_terms(a):
            terms[frozenset(Counter(frozenset(names[i:i + 2]) for i in range(0, len(names), 2)).items())] += coef
        left = [c for c in terms.values() if c]
        const = a[-1].ratio
        if not left:
            return const != 0
        return all(c > 0 for c in left) and const <= 0 or all(c < 0 for c in left) and const >= 0
    if k is Kind.AEQUATION:
        lines: Counter = Counter()
        for coef, names in equation_terms(a):
            lines[frozenset(names[:2])] -= coef
            lines[frozenset(names[2:])] += coef
        return not any(lines.values()) and a[-1].angle % 1 != 0
    return False


def _identity4(sides) -> bool:
    """X(s1, s2) = X(s3, s4) between lines or segments is an identity: {s2, s3} = {s1, s4}."""
    s = [frozenset(x) for x in sides]
    return Counter([s[1], s[2]]) == Counter([s[0], s[3]])


def expected(p: Predicate) -> str | None:
    """The oracle's verdict: "ill-defined", "true", "false", "known" or None (accepted)."""
    if ill_defined(p):
        return "ill-defined"
    k, a = p.kind, p.args
    if k in NEGATION:
        swap = {"true": "false", "false": "true"}
        v = expected(Predicate(NEGATION[k], a))
        return swap.get(v, v)  # type: ignore[arg-type]
    if k in (Kind.ACOMPUTE, Kind.RCOMPUTE):
        return "known" if _same(a, 0, 2) else None
    if k is Kind.EQRATIO3:  # AC/BD = EA/FB
        return "true" if _identity4([(a[0], a[2]), (a[1], a[3]), (a[4], a[0]), (a[5], a[1])]) else None
    if k not in NO_NUMBERS and always_holds(p):
        return "true"
    if false_by_form(p):
        return "false"
    return None


def _verdict(p: Predicate) -> str | None:
    d = degenerate(p)
    return d.verdict if d is not None else None


# ---------------------------------------------------------------------- the rule
@pytest.mark.parametrize("kind", list(Kind), ids=lambda k: k.value)
def test_the_rule_over_every_way_of_merging_points(kind: Kind) -> None:
    cases = [p for k, p in ALL_MERGES if k is kind]
    assert cases
    wrong = [(str(p), _verdict(p), expected(p)) for p in cases if _verdict(p) != expected(p)]
    assert not wrong, wrong[:10]


@pytest.mark.parametrize("kind", list(Kind), ids=lambda k: k.value)
def test_the_parser_refuses_exactly_the_degenerate_goals(kind: Kind) -> None:
    """Two argument positions merged, every way, in a problem whose points are all defined."""
    setup = "; ".join(f"{x} = free {x}" for x in _LETTERS)
    for k, p in PAIR_MERGES:
        if k is not kind:
            continue
        why = degeneracy(p)
        if why is None:
            assert parse_problem("p", f"{setup} ? {p}").goals == (p,)
            continue
        with pytest.raises(ParseError) as info:
            parse_problem("p", f"{setup} ? {p}")
        msg = str(info.value)
        assert f"goal: degenerate: {why}" in msg and info.value.token == str(p) and "\n" not in msg


def test_generic_uses_are_accepted() -> None:
    for texts in GENERIC.values():
        for text in texts:
            assert degeneracy(Predicate.parse(text.split())) is None, text


def test_every_verdict_appears() -> None:
    seen = Counter(_verdict(p) for _, p in ALL_MERGES)
    assert set(seen) == {None, "ill-defined", "true", "false", "known"}


# ---------------------------------------------------------------------- with numbers
@lru_cache(maxsize=None)
def _special_figures(names: tuple[str, ...]) -> tuple[dict[str, complex], ...]:
    """Figures where lines meet at right angles or coincide: all points on one line, or
    spread over two perpendicular lines (at most one at their crossing)."""
    rng = random.Random(" ".join(names) + "special")
    out = []
    for _ in range(40):
        line = [complex(x, 0) for x in rng.sample(range(1, 50), len(names))]
        out.append(dict(zip(names, line)))
        cross, origin = {}, rng.choice([None, *names])
        used = set()
        for n in names:
            if n == origin:
                cross[n] = 0j
                continue
            while True:
                z = rng.choice([1, 1j]) * rng.choice([-1, 1]) * rng.randint(1, 60)
                if z not in used:
                    used.add(z)
                    cross[n] = z
                    break
        out.append(cross)
    return tuple(out)


def _repeats(p: Predicate) -> bool:
    return len(set(p.points)) < len(p.points)


NUMERIC_CASES = [p for k, p in ALL_MERGES if k not in NO_NUMBERS]


def test_an_accepted_goal_with_a_repeated_point_is_not_identically_true() -> None:
    checked = special = 0
    for p in NUMERIC_CASES:
        if not _repeats(p) or degenerate(p) is not None:
            continue
        names = tuple(sorted(set(p.points)))
        if all(p.holds(f) for f in _random_figures(names)):  # npara a b a c, nperp, ncoll...
            assert not all(p.holds(f) for f in _special_figures(names)), str(p)
            special += 1
        checked += 1
    assert checked > 1000 and special > 10


def test_a_goal_true_by_form_holds_and_one_false_by_form_fails() -> None:
    counts = Counter()
    for p in NUMERIC_CASES:
        d = degenerate(p)
        if d is None or d.verdict not in ("true", "false"):
            continue
        figures = _random_figures(tuple(sorted(set(p.points))))
        want = d.verdict == "true"
        assert all(p.holds(f) == want for f in figures), (str(p), d.message)
        counts[d.verdict] += 1
    assert counts["true"] > 100 and counts["false"] > 100


# ---------------------------------------------------------------------- what the messages say
@pytest.mark.parametrize(
    "goal, says",
    [
        ("cong a b b a", "'a b' and 'b a' are the same segment: cong a b b a is true by itself"),
        ("para a b a b", "'a b' and 'a b' are the same line: para a b a b is true by itself"),
        ("perp a b b a", "a line is not perpendicular to itself: perp a b b a is false whatever the figure"),
        ("nperp a b b a", "is true by itself"),
        ("eqangle a b c d a b c d", "both sides are the angle from line 'a b' to line 'c d'"),
        ("eqangle a b b a c d d c", "the angle of a line with itself, 0 ('a b' and 'b a', 'c d' and 'd c')"),
        ("eqratio a b a b c d d c", "both sides are the ratio of a segment to itself, 1"),
        ("simtri2 a b c a b c", "vertex for vertex, and simtri2 reverses orientation"),
        ("eqratio a b c d b a d c", "both sides are the ratio 'a b' / 'c d'"),
        ("simtri a b c a b c", "are the same triangle, vertex for vertex"),
        ("simtri a b c a c b", "with the opposite orientation, and simtri keeps orientation"),
        ("contri2 a b c b c a", "with the same orientation, and contri2 reverses orientation"),
        ("simtri a b c a b d", "is the identity, which does not take 'c' to 'd'"),
        ("contri2 a b c a c d", "is a reflection, so as it takes 'b' to 'c' it takes 'c' back to 'b', not to 'd'"),
        ("midp a a b", "'a' is an end of the segment 'a b', not its midpoint"),
        ("aconst a b b a 1pi/3", "so the angle is 0: aconst a b b a 1pi/3 is false whatever the figure"),
        ("rconst a b b a 1", "so the ratio is 1: rconst a b b a 1 is true by itself"),
        ("acompute a b b a", "so the angle is 0: the value acompute a b b a asks for is given by its form"),
        ("sameclock a b c b c a", "with the same orientation: sameclock a b c b c a is true by itself"),
        ("obtuse_angle a b a", "the angle 'a b a' is zero"),
        ("diff a b a", "it names 'a' twice"),
        ("lequation 1/1 a b -1/1 b a 0", "its terms cancel, leaving 0 = 0"),
        ("lequation 1/1 a b 0", "lengths are positive"),
        ("aequation 1/1 a b c d 1/1 c d a b 1pi/2", "its angles cancel, leaving 0 = 1pi/2"),
        ("sameside a a b c d e", "'a' is an end of segment 'a b'"),
        ("s_angle a b b 30", "'b b' is not a ray"),
    ],
)
def test_the_message_names_what_is_wrong(goal: str, says: str) -> None:
    why = degeneracy(Predicate.parse(goal.split()))
    assert why is not None and says in why, why


@pytest.mark.parametrize(
    "goal",
    [
        "eqangle a b c d c d a b",  # ∠(AB, CD) = ∠(CD, AB): AB ∥ CD or AB ⊥ CD
        "eqratio a b c d c d a b",  # AB/CD = CD/AB: AB = CD
        "cong a b a c", "perp a b a c", "para a b a c", "coll a b c a", "cyclic a b c d a",
        "simtri a b c b c a",  # equilateral
        "simtri2 a b c a c b",  # isosceles
        "contri2 a b c a b d",  # d is the mirror image of c in ab
        "simtri2 a b c a c d",  # a mirror similarity centred at a: d is on ray ab, AD·AB = AC²
        "eqratio3 a b c d e e",  # AlphaGeometry's Thales bundle, with O = E = F
        "sameside a b c b a c", "aequation 1/1 a b c d 1/1 a b c d 1pi/2",
    ],
)
def test_a_repeated_point_can_mean_something(goal: str) -> None:
    assert degeneracy(Predicate.parse(goal.split())) is None


def test_literals_decide_the_constant_kinds() -> None:
    assert _verdict(Predicate.parse("aconst a b b a 0".split())) == "true"
    assert _verdict(Predicate.parse("aconst a b b a 1pi/1".split())) == "true"
    assert _verdict(Predicate.parse("s_angle a b a 180".split())) == "false"
    assert _verdict(Predicate.parse("s_angle a b a 360".split())) == "true"
    assert Literal("360").angle == Fraction(2)  # a bare number is degrees


# ---------------------------------------------------------------------- the command line
SETUP = "a b c = triangle a b c; d = midpoint d b c"


@pytest.mark.parametrize("goal", ["coll b b d", "perp a b a b", "cong d b d b", "eqangle a b a c a b a c"])
def test_prove_refuses_a_degenerate_goal_in_one_line_with_exit_2(goal: str, capsys) -> None:
    assert main(["prove", "--no-search", "--text", f"{SETUP} ? {goal}"]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("geoprover: error: ") and "degenerate" in err[0]
    assert goal in err[0] and not captured.out


def test_prove_still_tries_a_goal_with_a_shared_endpoint(capsys) -> None:
    # cong d b d c: D is the midpoint of BC (shared point, distinct segments)
    assert main(["prove", "--no-search", "--text", f"{SETUP} ? cong d b d c"]) == 0
    assert "This proves that DB = DC." in capsys.readouterr().out


def test_the_driver_applies_the_rule_to_problems_built_without_the_parser() -> None:
    from dataclasses import replace

    from prover.prove import prove_ddar

    problem = parse_problem("p", f"{SETUP} ? cong d b d c")
    with pytest.raises(ParseError, match="degenerate: 'd b' and 'b d' are the same segment"):
        prove_ddar(replace(problem, goals=(Predicate.parse("cong d b b d".split()),)))
