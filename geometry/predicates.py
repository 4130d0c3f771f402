"""Typed predicates: the statements of premises, goals and derived facts.

A :class:`Predicate` is a value: a :class:`Kind` and a tuple of arguments
(point names, plus literals for the ``*const`` family). It has a canonical form
(argument order normalised under the predicate's symmetries) and a numeric
check on a diagram's coordinates (points are complex numbers ``x + iy``).

>>> p = Predicate.parse("para d c b a".split())
>>> str(p.canonical())
'para a b c d'
>>> p.holds({"a": 0j, "b": 1 + 0j, "c": 1j, "d": 2 + 1j})
True
"""
from __future__ import annotations

import cmath
import enum
import math
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from itertools import permutations
from typing import Callable, Mapping, Sequence, Union

from .errors import did_you_mean
from .literals import Literal, is_literal_token
from .tolerance import NUMERIC_CHECK, ZERO_LENGTH

Arg = Union[str, Literal]



class Kind(enum.Enum):
    COLL = "coll"
    NCOLL = "ncoll"
    PARA = "para"
    NPARA = "npara"
    PERP = "perp"
    NPERP = "nperp"
    CONG = "cong"
    CYCLIC = "cyclic"
    CIRCLE = "circle"
    MIDP = "midp"
    EQANGLE = "eqangle"
    EQRATIO = "eqratio"
    EQANGLE6 = "eqangle6"
    EQRATIO6 = "eqratio6"
    EQRATIO3 = "eqratio3"
    SIMTRI = "simtri"
    SIMTRI2 = "simtri2"
    CONTRI = "contri"
    CONTRI2 = "contri2"
    ACONST = "aconst"
    S_ANGLE = "s_angle"
    RCONST = "rconst"
    R2CONST = "r2const"
    LCONST = "lconst"
    L2CONST = "l2const"
    ACOMPUTE = "acompute"
    RCOMPUTE = "rcompute"
    LCOMPUTE = "lcompute"
    SAMESIDE = "sameside"
    NSAMESIDE = "nsameside"
    SAMECLOCK = "sameclock"
    OBTUSE_ANGLE = "obtuse_angle"
    DIFF = "diff"
    LEQUATION = "lequation"
    AEQUATION = "aequation"


#: Spellings that name the same kind (Newclid names).
ALIASES = {"simtrir": Kind.SIMTRI2, "contrir": Kind.CONTRI2}

#: Every predicate name the language accepts.
NAMES = frozenset([k.value for k in Kind] + list(ALIASES))

#: Kinds that are only checked on the figure, never proved.
NUMERIC_ONLY = frozenset(
    {Kind.NCOLL, Kind.NPARA, Kind.NPERP, Kind.SAMESIDE, Kind.NSAMESIDE, Kind.SAMECLOCK,
     Kind.OBTUSE_ANGLE, Kind.DIFF}
)


@dataclass(frozen=True)
class Arity:
    points: int  # exact number of points, or the minimum when ``variadic``
    literals: int = 0  # literals after the points
    variadic: bool = False


ARITY: dict[Kind, Arity] = {
    Kind.COLL: Arity(3, variadic=True),
    Kind.NCOLL: Arity(3, variadic=True),
    Kind.DIFF: Arity(2, variadic=True),
    Kind.CYCLIC: Arity(4, variadic=True),
    Kind.PARA: Arity(4), Kind.NPARA: Arity(4), Kind.PERP: Arity(4), Kind.NPERP: Arity(4),
    Kind.CONG: Arity(4), Kind.CIRCLE: Arity(4), Kind.MIDP: Arity(3),
    Kind.EQANGLE: Arity(8), Kind.EQRATIO: Arity(8), Kind.EQANGLE6: Arity(8),
    Kind.EQRATIO6: Arity(8), Kind.EQRATIO3: Arity(6),
    Kind.SIMTRI: Arity(6), Kind.SIMTRI2: Arity(6), Kind.CONTRI: Arity(6), Kind.CONTRI2: Arity(6),
    Kind.ACONST: Arity(4, 1), Kind.S_ANGLE: Arity(3, 1), Kind.RCONST: Arity(4, 1),
    Kind.R2CONST: Arity(4, 1), Kind.LCONST: Arity(2, 1), Kind.L2CONST: Arity(2, 1),
    Kind.ACOMPUTE: Arity(4), Kind.RCOMPUTE: Arity(4), Kind.LCOMPUTE: Arity(2),
    Kind.SAMESIDE: Arity(6), Kind.NSAMESIDE: Arity(6), Kind.SAMECLOCK: Arity(6),
    Kind.OBTUSE_ANGLE: Arity(3),
}


#: What the constant of each ``*const`` kind is (see :meth:`Literal.check`).
LITERAL_ROLE: dict[Kind, str] = {
    Kind.ACONST: "angle", Kind.S_ANGLE: "angle", Kind.RCONST: "ratio", Kind.R2CONST: "ratio",
    Kind.LCONST: "length", Kind.L2CONST: "length",
}


def _check_equation(kind: Kind, args: Sequence[Arg]) -> None:
    """``coef points... coef points... constant``: numbers as coefficients, whole terms."""
    name = kind.value
    if not isinstance(args[0], Literal) or len(args) < 2:
        raise ValueError(f"{name} must start with a coefficient")
    for a in args[:-1]:
        if isinstance(a, Literal):
            a.check("number")
        elif a != "*" and not a[:1].isalpha():
            raise ValueError(f"{name}: expected a point name, got {a!r}")
    args[-1].check("angle" if kind is Kind.AEQUATION else "number")  # type: ignore[union-attr]
    for _, names in equation_terms(args):
        if kind is Kind.AEQUATION and len(names) != 4:
            raise ValueError(f"{name}: each term is a coefficient and two lines (4 points), got {names}")
        if kind is Kind.LEQUATION and (not names or len(names) % 2):
            raise ValueError(f"{name}: each term is a coefficient and segments (pairs of points), got {names}")


def kind_of(name: str) -> Kind | None:
    """The kind a predicate name denotes, or None."""
    if name in ALIASES:
        return ALIASES[name]
    try:
        return Kind(name)
    except ValueError:
        return None


def _eq4_orbit() -> tuple[tuple[int, ...], ...]:
    """Symmetries of ``X(l1,l2) = X(l3,l4)`` for angles and ratios (a group of 8)."""
    gens = [(2, 3, 0, 1), (0, 2, 1, 3), (1, 0, 3, 2)]
    orbit = {(0, 1, 2, 3)}
    frontier = list(orbit)
    while frontier:
        perm = frontier.pop()
        for g in gens:
            new = tuple(perm[i] for i in g)
            if new not in orbit:
                orbit.add(new)
                frontier.append(new)
    return tuple(sorted(orbit))


_EQ4 = _eq4_orbit()
#: The orders of the group above by the line they put first (two each).
_EQ4_BY_FIRST = tuple(tuple(g for g in _EQ4 if g[0] == i) for i in range(4))
_TRI_PERMS = tuple(permutations(range(3)))


def pair(a: str, b: str) -> tuple[str, str]:
    """Two point names in order: the key of a segment or of the line through two points.

    >>> pair("b", "a")
    ('a', 'b')
    """
    return (a, b) if a <= b else (b, a)


@dataclass(frozen=True)
class Predicate:
    """A predicate applied to arguments, e.g. ``perp a b c d`` or ``aconst a b c d 1pi/3``."""

    kind: Kind
    args: tuple[Arg, ...]

    # ------------------------------------------------------------------ parsing
    @staticmethod
    def parse(tokens: Sequence[str]) -> "Predicate":
        """Build a predicate from its tokens; raises ValueError naming the bad token."""
        if not tokens:
            raise ValueError("empty predicate")
        name, *rest = tokens
        kind = kind_of(name)
        if kind is None:
            raise ValueError(f"unknown predicate {name!r}" + did_you_mean(name, NAMES))
        if kind in (Kind.LEQUATION, Kind.AEQUATION):
            args: list[Arg] = [Literal(t) if is_literal_token(t) else t for t in rest]
            if not args or not isinstance(args[-1], Literal):
                raise ValueError(f"{name} must end with a constant")
            _check_equation(kind, args)
            return Predicate(kind, tuple(args))
        # AlphaGeometry reads 5-argument eqangle / eqratio as aconst / rconst.
        if kind is Kind.EQANGLE and len(rest) == 5 and is_literal_token(rest[-1]):
            kind = Kind.ACONST
        elif kind is Kind.EQRATIO and len(rest) == 5 and is_literal_token(rest[-1]):
            kind = Kind.RCONST
        arity = ARITY[kind]
        npoints = len(rest) - arity.literals
        if (npoints < arity.points) if arity.variadic else (npoints != arity.points):
            want = f"at least {arity.points}" if arity.variadic else str(arity.points)
            lits = f" and {arity.literals} constant" if arity.literals else ""
            raise ValueError(f"{name} takes {want} points{lits}, got {len(rest)} arguments")
        args = []
        for i, tok in enumerate(rest):
            if i < npoints:
                if is_literal_token(tok) or not tok[:1].isalpha():
                    raise ValueError(f"{name}: expected a point name, got {tok!r}")
                args.append(tok)
            else:
                if not is_literal_token(tok):
                    raise ValueError(f"{name}: expected a constant, got {tok!r}")
                lit = Literal(tok)
                lit.check(LITERAL_ROLE.get(kind, "number"))
                args.append(lit)
        return Predicate(kind, tuple(args))

    @staticmethod
    def of(kind: Kind | str, *args: Arg) -> "Predicate":
        """Convenience constructor: ``Predicate.of("perp", "a", "b", "c", "d")``."""
        k = kind if isinstance(kind, Kind) else kind_of(kind)
        if k is None:
            raise ValueError(f"unknown predicate {kind!r}")
        return Predicate(k, tuple(args))

    # ------------------------------------------------------------------ access
    @property
    def name(self) -> str:
        return self.kind.value

    @property
    def points(self) -> tuple[str, ...]:
        return tuple(a for a in self.args if isinstance(a, str) and a != "*")

    @property
    def literals(self) -> tuple[Literal, ...]:
        return tuple(a for a in self.args if isinstance(a, Literal))

    def rename(self, mapping: Mapping[str, str]) -> "Predicate":
        """The predicate with point names replaced through ``mapping``."""
        return Predicate(
            self.kind,
            tuple(mapping.get(a, a) if isinstance(a, str) else a for a in self.args),
        )

    def __str__(self) -> str:
        return " ".join([self.name, *(str(a) for a in self.args)])

    # ------------------------------------------------------------------ canonical form
    def canonical(self) -> "Predicate":
        """The representative of this predicate under its symmetries."""
        return self._canonical

    @cached_property
    def _canonical(self) -> "Predicate":
        canon = CANONICAL.get(self.kind)
        return canon(self) if canon is not None else self

    # ------------------------------------------------------------------ numeric check
    def holds(self, pts: Mapping[str, complex], tol: float = NUMERIC_CHECK) -> bool:
        """Whether the predicate is true of the coordinates ``pts`` (within ``tol``)."""
        return _check(self, pts, tol)


# ---------------------------------------------------------------------- canonical forms
def _point_set(p: Predicate) -> Predicate:
    """The points, each once, sorted (``coll``, ``cyclic``, ...)."""
    return Predicate(p.kind, tuple(sorted(set(p.args))))  # type: ignore[type-var]


def _two_pairs(p: Predicate) -> Predicate:
    """Two lines or segments, each in order, the smaller first."""
    a = p.args
    s, t = pair(a[0], a[1]), pair(a[2], a[3])  # type: ignore[arg-type]
    s, t = min(s, t), max(s, t)
    return Predicate(p.kind, s + t)


def _midp_form(p: Predicate) -> Predicate:
    a = p.args
    return Predicate(p.kind, (a[0],) + pair(a[1], a[2]))  # type: ignore[arg-type]


def _circle_form(p: Predicate) -> Predicate:
    a = p.args
    return Predicate(p.kind, (a[0],) + tuple(sorted(a[1:])))  # type: ignore[type-var]


def _eq4_form(p: Predicate) -> Predicate:
    """The least of the eight orders of ``X(l1, l2) = X(l3, l4)``; the ``*6`` kinds become the plain ones."""
    a = p.args
    base = Kind.EQANGLE if p.kind in (Kind.EQANGLE, Kind.EQANGLE6) else Kind.EQRATIO
    items = [pair(a[i], a[i + 1]) for i in range(0, 8, 2)]  # type: ignore[arg-type]
    least = min(items)  # the least order starts with the least line: two orders start with each
    best = min(tuple(items[i] for i in perm) for first, line in enumerate(items) if line == least
               for perm in _EQ4_BY_FIRST[first])
    return Predicate(base, tuple(x for two in best for x in two))


def _triangles_form(p: Predicate) -> Predicate:
    """The least order of the vertex correspondence, either triangle first."""
    t1, t2 = p.args[:3], p.args[3:]
    variants = []
    for perm in _TRI_PERMS:
        u = tuple(t1[i] for i in perm)
        v = tuple(t2[i] for i in perm)
        variants.append(u + v)
        variants.append(v + u)
    return Predicate(p.kind, min(variants))  # type: ignore[type-var]


def _pairs_then_rest(n: int) -> Callable[[Predicate], Predicate]:
    """The first ``n`` pairs of points (lines, segments) each in order, the rest as it is."""

    def form(p: Predicate) -> Predicate:
        a = p.args
        return Predicate(p.kind, sum((pair(a[i], a[i + 1]) for i in range(0, 2 * n, 2)), ()) + a[2 * n :])  # type: ignore[arg-type]

    return form


#: The canonical form of each kind with symmetries (:meth:`Predicate.canonical`); a kind
#: absent here is its own canonical form.
CANONICAL: dict[Kind, Callable[[Predicate], Predicate]] = {
    **dict.fromkeys((Kind.COLL, Kind.NCOLL, Kind.CYCLIC, Kind.DIFF), _point_set),
    **dict.fromkeys((Kind.PARA, Kind.NPARA, Kind.PERP, Kind.NPERP, Kind.CONG), _two_pairs),
    Kind.MIDP: _midp_form,
    Kind.CIRCLE: _circle_form,
    **dict.fromkeys((Kind.EQANGLE, Kind.EQRATIO, Kind.EQANGLE6, Kind.EQRATIO6), _eq4_form),
    **dict.fromkeys((Kind.SIMTRI, Kind.SIMTRI2, Kind.CONTRI, Kind.CONTRI2), _triangles_form),
    **dict.fromkeys((Kind.ACONST, Kind.ACOMPUTE, Kind.RCONST, Kind.R2CONST, Kind.RCOMPUTE), _pairs_then_rest(2)),
    **dict.fromkeys((Kind.LCONST, Kind.L2CONST, Kind.LCOMPUTE), _pairs_then_rest(1)),
}


# ---------------------------------------------------------------------- degenerate statements
def _objects(what: str, *groups: tuple[int, ...]) -> tuple[tuple[str, tuple[int, ...]], ...]:
    return tuple((what, g) for g in groups)


_TWO_LINES = _objects("line", (0, 1), (2, 3))
_TWO_SEGMENTS = _objects("segment", (0, 1), (2, 3))
_FOUR_LINES = _objects("line", (0, 1), (2, 3), (4, 5), (6, 7))
_FOUR_SEGMENTS = _objects("segment", (0, 1), (2, 3), (4, 5), (6, 7))
_TWO_TRIANGLES = _objects("triangle", (0, 1, 2), (3, 4, 5))
#: The objects each kind names, by argument positions: a line or segment is two distinct
#: points, a ray two distinct points (its origin first), a triangle three distinct vertices,
#: the circle of ``circle o a b c`` three distinct points on it. ``eqratio3 a b c d e f``
#: (AB ∥ CD, and AC/BD = EA/FB) names the lines AB, CD and the segments AC, BD, EA, FB;
#: ``sameside a b c d e f`` the segments BC and EF, and A apart from the ends of BC (D of EF).
_OBJECTS: dict[Kind, tuple[tuple[str, tuple[int, ...]], ...]] = {
    **dict.fromkeys((Kind.PARA, Kind.NPARA, Kind.PERP, Kind.NPERP, Kind.ACONST, Kind.ACOMPUTE), _TWO_LINES),
    **dict.fromkeys((Kind.EQANGLE, Kind.EQANGLE6), _FOUR_LINES),
    **dict.fromkeys((Kind.CONG, Kind.RCONST, Kind.R2CONST, Kind.RCOMPUTE), _TWO_SEGMENTS),
    **dict.fromkeys((Kind.EQRATIO, Kind.EQRATIO6), _FOUR_SEGMENTS),
    **dict.fromkeys((Kind.LCONST, Kind.L2CONST, Kind.LCOMPUTE), _objects("segment", (0, 1))),
    Kind.EQRATIO3: _objects("line", (0, 1), (2, 3)) + _objects("segment", (0, 2), (1, 3), (4, 0), (5, 1)),
    Kind.MIDP: _objects("segment", (1, 2)),
    Kind.CIRCLE: _objects("circle", (1, 2, 3)),
    **dict.fromkeys((Kind.SIMTRI, Kind.SIMTRI2, Kind.CONTRI, Kind.CONTRI2, Kind.SAMECLOCK), _TWO_TRIANGLES),
    **dict.fromkeys((Kind.S_ANGLE, Kind.OBTUSE_ANGLE), _objects("ray", (1, 0), (1, 2))),
    **dict.fromkeys(
        (Kind.SAMESIDE, Kind.NSAMESIDE),
        _objects("segment", (1, 2), (4, 5)) + _objects("end", (0, 1), (0, 2), (3, 4), (3, 5)),
    ),
}
#: Variadic kinds: how many distinct points they need.
_AT_LEAST = {Kind.COLL: 3, Kind.NCOLL: 3, Kind.CYCLIC: 4}
_TRIANGLE_KINDS = (Kind.SIMTRI, Kind.SIMTRI2, Kind.CONTRI, Kind.CONTRI2)


@dataclass(frozen=True)
class Degenerate:
    """Why a statement cannot be a goal.

    ``verdict`` is ``"ill-defined"`` (an object it names does not exist: a line through
    one point, a triangle with a repeated vertex), ``"true"`` (true by its form alone),
    ``"false"`` (false whatever the figure) or ``"known"`` (a ``*compute`` goal whose value
    its form gives); ``message`` says what is wrong, in one line.
    """

    verdict: str
    message: str


def degeneracy(p: Predicate) -> str | None:
    """Why ``p`` is too degenerate to be a goal (None when it is not); see :func:`degenerate`."""
    found = degenerate(p)
    return found.message if found is not None else None


def degenerate(p: Predicate) -> Degenerate | None:
    """The one rule for degenerate goals: ``p`` is refused when

    (a) an object it names is ill-defined: a line, segment or ray named by two equal
        points, a triangle with a repeated vertex, a circle through fewer than three
        distinct points, ``coll``/``ncoll`` with fewer than 3 distinct points, ``cyclic``
        with fewer than 4; or
    (b) its form alone decides it, whatever the figure (distinct names being distinct
        points): its two sides are the same object once each is put in canonical order
        (``cong a b b a``, ``para a b a b``, ``eqangle a b c d b a d c``, ``eqratio a b a b c d
        c d``, ``simtri a b c a b c``, ``sameside a b c a c b``, an equation whose terms
        cancel, ``acompute a b b a``), or it is false by form (``perp a b a b``: a line is
        not perpendicular to itself; ``midp a a b``; ``circle o o a b``; ``diff a b a``;
        ``simtri a b c a c b``: a similarity that keeps orientation cannot swap two
        vertices of a triangle and fix the third; ``contri2 a b c a c d``: a mirror
        congruence fixing A is a reflection, which takes C back to B; ``aconst a b a b 1pi/3``).

    Statements whose sides share points but are different objects mean something and
    are accepted: ``cong a b a c``, ``perp a b a c``, ``para a b a c``, ``coll a b c a``, and
    ``eqangle a b c d c d a b`` (∠(AB, CD) = ∠(CD, AB): AB ∥ CD or AB ⊥ CD) or ``eqratio a b c d
    c d a b`` (AB = CD), which are equations in directed angles and ratios, not identities.

    >>> degeneracy(Predicate.parse("coll a a c".split()))
    "coll needs 3 distinct points, got 2 ('a c')"
    >>> degeneracy(Predicate.parse("para a b c c".split()))
    "'c c' is not a line: para needs two distinct points on each line"
    >>> degeneracy(Predicate.parse("cong a b b a".split()))
    "'a b' and 'b a' are the same segment: cong a b b a is true by itself"
    >>> degeneracy(Predicate.parse("perp a b a b".split())).split(": ")[-1]
    'perp a b a b is false whatever the figure'
    >>> degenerate(Predicate.parse("simtri a b c a c b".split())).verdict
    'false'
    >>> [degeneracy(Predicate.parse(g.split())) for g in ("cong a b a c", "eqangle a b c d c d a b")]
    [None, None]
    """
    return _ill_defined(p) or _decided_by_form(p)


def _ill_defined(p: Predicate) -> Degenerate | None:
    k, a = p.kind, p.args

    def ill(message: str) -> Degenerate:
        return Degenerate("ill-defined", message)

    if k in _AT_LEAST:
        distinct = list(dict.fromkeys(p.points))
        if len(distinct) < _AT_LEAST[k]:
            return ill(f"{k.value} needs {_AT_LEAST[k]} distinct points, got {len(distinct)} ({' '.join(distinct)!r})")
        return None
    for what, group in _OBJECTS.get(k, ()):
        names = [str(a[i]) for i in group]
        if len(set(names)) == len(names):
            continue
        shown = " ".join(names)
        if what in ("line", "segment", "ray"):
            return ill(f"'{shown}' is not a {what}: {k.value} needs two distinct points on each {what}")
        if what == "triangle":
            return ill(f"'{shown}' is not a triangle: {k.value} needs three distinct vertices in each triangle")
        if what == "circle":
            return ill(f"'{shown}' do not make a circle: {k.value} needs three distinct points on the circle")
        seg = f"'{a[group[0] + 1]} {a[group[0] + 2]}'"
        return ill(f"'{names[0]}' is an end of segment {seg}: "
                   f"{k.value} needs each point apart from the ends of its segment")
    if k in (Kind.LEQUATION, Kind.AEQUATION):
        what = "line" if k is Kind.AEQUATION else "segment"
        for _, names in equation_terms(a):
            for i in range(0, len(names) - 1, 2):
                if names[i] == names[i + 1]:
                    line = f"'{names[i]} {names[i + 1]}'"
                    return ill(f"{line} is not a {what}: {k.value} needs two distinct points on each {what}")
    return None


def _parity(t: Sequence[Arg], u: Sequence[Arg]) -> int:
    """0 when ``u`` is an even permutation of ``t`` (the same orientation), 1 when odd."""
    perm = [list(t).index(x) for x in u]
    inversions = sum(perm[i] > perm[j] for i in range(3) for j in range(i + 1, 3))
    return inversions % 2


def _decided_by_form(p: Predicate) -> Degenerate | None:
    decide = _BY_FORM.get(p.kind)
    return decide(_Form(p)) if decide is not None else None


@dataclass(frozen=True)
class _Form:
    """A statement, and the verdicts on it by its form (each message quotes it)."""

    p: Predicate

    @property
    def a(self) -> tuple[Arg, ...]:
        return self.p.args

    def true(self, why: str) -> Degenerate:
        return Degenerate("true", f"{why}: {self.p} is true by itself")

    def false(self, why: str) -> Degenerate:
        return Degenerate("false", f"{why}: {self.p} is false whatever the figure")

    def known(self, why: str) -> Degenerate:
        return Degenerate("known", f"{why}: the value {self.p} asks for is given by its form")

    def two(self, i: int) -> str:
        return f"'{self.a[i]} {self.a[i + 1]}'"

    def same(self, i: int, j: int) -> bool:
        a = self.a
        return pair(a[i], a[i + 1]) == pair(a[j], a[j + 1])  # type: ignore[arg-type]


#: Statements about two lines or segments when both are the same one: the verdict and how
#: the reason ends (``aconst``/``rconst``/``r2const`` depend on their constant).
_ONE_OBJECT_TWICE = {
    Kind.PARA: (_Form.true, ""),
    Kind.CONG: (_Form.true, ""),
    Kind.NPERP: (_Form.true, ", and a line is never perpendicular to itself"),
    Kind.PERP: (_Form.false, ", and a line is not perpendicular to itself"),
    Kind.NPARA: (_Form.false, ", and a line is parallel to itself"),
    Kind.ACOMPUTE: (_Form.known, ", so the angle is 0"),
    Kind.RCOMPUTE: (_Form.known, ", so the ratio is 1"),
}


def _one_object_twice(f: _Form) -> Degenerate | None:
    k = f.p.kind
    if not f.same(0, 2):
        return None
    what = "segment" if k in (Kind.CONG, Kind.RCONST, Kind.R2CONST, Kind.RCOMPUTE) else "line"
    why = f"{f.two(0)} and {f.two(2)} are the same {what}"
    if k is Kind.ACONST:
        return (f.true if f.p.literals[0].angle % 1 == 0 else f.false)(why + ", so the angle is 0")
    if k in (Kind.RCONST, Kind.R2CONST):
        return (f.true if f.p.literals[0].ratio == 1 else f.false)(why + ", so the ratio is 1")
    verdict, more = _ONE_OBJECT_TWICE[k]
    return verdict(f, why + more)


def _eq4_decided(f: _Form) -> Degenerate | None:
    """X(s1, s2) = X(s3, s4) is an identity exactly when {s2, s3} = {s1, s4} (as lines or
    segments): both sides are one angle or ratio, or both are zero angles / ratios 1."""
    k, a = f.p.kind, f.a
    angle = k in (Kind.EQANGLE, Kind.EQANGLE6)
    if k is Kind.EQRATIO3:  # AC/BD = EA/FB
        a = (a[0], a[2], a[1], a[3], a[4], a[0], a[5], a[1])

    def two(i: int) -> str:  # a pair of the four, as the two sides are read
        return f"'{a[i]} {a[i + 1]}'"

    sides = [pair(a[i], a[i + 1]) for i in (0, 2, 4, 6)]  # type: ignore[arg-type]
    if sides[0] == sides[2] and sides[1] == sides[3]:
        what = f"angle from line {two(0)} to line {two(2)}" if angle else f"ratio {two(0)} / {two(2)}"
        return f.true(f"both sides are the {what}")
    if sides[0] == sides[1] and sides[2] == sides[3]:
        what = "the angle of a line with itself, 0" if angle else "the ratio of a segment to itself, 1"
        return f.true(f"both sides are {what} ({two(0)} and {two(2)}, {two(4)} and {two(6)})")
    return None


def _triangles_decided(f: _Form) -> Degenerate | None:
    k, a = f.p.kind, f.a
    t, u = a[:3], a[3:]
    direct = k in (Kind.SIMTRI, Kind.CONTRI)
    tt, uu = "'" + " ".join(map(str, t)) + "'", "'" + " ".join(map(str, u)) + "'"
    if set(t) == set(u):
        if t == u:
            why = f"{tt} and {uu} are the same triangle, vertex for vertex"
            return f.true(why) if direct else f.false(f"{why}, and {k.value} reverses orientation")
        even = _parity(t, u) == 0
        if direct and not even:
            return f.false(f"{uu} is triangle {tt} with the opposite orientation, and {k.value} keeps orientation")
        if not direct and even:
            return f.false(f"{uu} is triangle {tt} with the same orientation, and {k.value} reverses orientation")
        return None
    fixed = [i for i in range(3) if t[i] == u[i]]
    if direct and len(fixed) == 2:
        (j,) = [i for i in range(3) if i not in fixed]
        x, y = (t[i] for i in fixed)
        return f.false(
            f"the only similarity keeping orientation that fixes '{x}' and '{y}' is the identity, "
            f"which does not take '{t[j]}' to '{u[j]}'"
        )
    if k is Kind.CONTRI2 and len(fixed) == 1:
        (i,) = fixed
        for j in range(3):
            if j != i and u[j] in t:
                back = u[list(t).index(u[j])]
                return f.false(
                    f"a congruence reversing orientation that fixes '{t[i]}' is a reflection, so as it "
                    f"takes '{t[j]}' to '{u[j]}' it takes '{u[j]}' back to '{t[j]}', not to '{back}'"
                )
    return None


def _sameclock_decided(f: _Form) -> Degenerate | None:
    a = f.a
    if set(a[:3]) != set(a[3:]):
        return None
    tt, uu = "'" + " ".join(map(str, a[:3])) + "'", "'" + " ".join(map(str, a[3:])) + "'"
    if _parity(a[:3], a[3:]) == 0:
        return f.true(f"{uu} is triangle {tt} with the same orientation")
    return f.false(f"{uu} is triangle {tt} with the opposite orientation")


def _sameside_decided(f: _Form) -> Degenerate | None:
    a = f.a
    if not (a[0] == a[3] and {a[1], a[2]} == {a[4], a[5]}):
        return None
    why = f"both sides say whether '{a[0]}' is between '{a[1]}' and '{a[2]}'"
    return f.true(why) if f.p.kind is Kind.SAMESIDE else f.false(why)


def _midp_decided(f: _Form) -> Degenerate | None:
    a = f.a
    return f.false(f"'{a[0]}' is an end of the segment {f.two(1)}, not its midpoint") if a[0] in (a[1], a[2]) else None


def _circle_decided(f: _Form) -> Degenerate | None:
    a = f.a
    return f.false(f"the centre '{a[0]}' is not on its own circle") if a[0] in a[1:] else None


def _s_angle_decided(f: _Form) -> Degenerate | None:
    a = f.a
    if a[0] != a[2]:
        return None
    why = f"the rays '{a[1]} {a[0]}' and '{a[1]} {a[2]}' are the same, so the angle is 0"
    return (f.true if f.p.literals[0].angle % 2 == 0 else f.false)(why)


def _obtuse_angle_decided(f: _Form) -> Degenerate | None:
    a = f.a
    return f.false(f"the angle '{a[0]} {a[1]} {a[2]}' is zero") if a[0] == a[2] else None


def _diff_decided(f: _Form) -> Degenerate | None:
    a = f.a
    twice = [x for i, x in enumerate(a) if x in a[:i]]
    if twice:
        return f.false(f"it names '{twice[0]}' twice, and a point is not different from itself")
    return None


def _lequation_form(f: _Form) -> Degenerate | None:
    """Like terms (the same product of segments) collected: nothing left, or lengths
    (positive) that cannot add up to the constant."""
    p, true, false = f.p, f.true, f.false
    total: dict[tuple, Fraction] = {}
    for coef, names in equation_terms(p.args):
        key = tuple(sorted(pair(names[i], names[i + 1]) for i in range(0, len(names) - 1, 2)))
        total[key] = total.get(key, Fraction(0)) + coef
    left = [c for c in total.values() if c]
    k = p.args[-1].ratio  # type: ignore[union-attr]
    if not left:
        why = f"its terms cancel, leaving 0 = {p.args[-1]}"
        return true(why) if k == 0 else false(why)
    if all(c > 0 for c in left) and k <= 0 or all(c < 0 for c in left) and k >= 0:
        sign = "positive" if left[0] > 0 else "negative"
        return false(f"lengths are positive, so its left side is {sign} and cannot be {p.args[-1]}")
    return None


def _aequation_form(f: _Form) -> Degenerate | None:
    """Each line's coefficients collected (∠(l, m) is m − l): nothing left, so the left side is 0."""
    p = f.p
    total: dict[tuple[str, str], Fraction] = {}
    for coef, names in equation_terms(p.args):
        l1, l2 = pair(names[0], names[1]), pair(names[2], names[3])
        total[l1] = total.get(l1, Fraction(0)) - coef
        total[l2] = total.get(l2, Fraction(0)) + coef
    if any(total.values()):
        return None
    k = p.args[-1].angle  # type: ignore[union-attr]
    why = f"its angles cancel, leaving 0 = {p.args[-1]}"
    return f.true(why) if k % 1 == 0 else f.false(why)


#: How a statement of each kind can be decided by its form alone (:func:`degenerate`, (b)).
_BY_FORM: dict[Kind, Callable[[_Form], Degenerate | None]] = {
    **dict.fromkeys(
        (Kind.PARA, Kind.NPARA, Kind.PERP, Kind.NPERP, Kind.CONG, Kind.ACONST, Kind.ACOMPUTE,
         Kind.RCONST, Kind.R2CONST, Kind.RCOMPUTE),
        _one_object_twice,
    ),
    **dict.fromkeys((Kind.EQANGLE, Kind.EQANGLE6, Kind.EQRATIO, Kind.EQRATIO6, Kind.EQRATIO3), _eq4_decided),
    **dict.fromkeys(_TRIANGLE_KINDS, _triangles_decided),
    Kind.SAMECLOCK: _sameclock_decided,
    Kind.SAMESIDE: _sameside_decided,
    Kind.NSAMESIDE: _sameside_decided,
    Kind.MIDP: _midp_decided,
    Kind.CIRCLE: _circle_decided,
    Kind.S_ANGLE: _s_angle_decided,
    Kind.OBTUSE_ANGLE: _obtuse_angle_decided,
    Kind.DIFF: _diff_decided,
    Kind.LEQUATION: _lequation_form,
    Kind.AEQUATION: _aequation_form,
}


# ---------------------------------------------------------------------- numerics
def _cross(u: complex, v: complex) -> float:
    return u.real * v.imag - u.imag * v.real


def _dot(u: complex, v: complex) -> float:
    return u.real * v.real + u.imag * v.imag


def sin_between(u: complex, v: complex) -> float:
    """|sin| of the angle between two vectors (0 for a null vector)."""
    nu, nv = abs(u), abs(v)
    if nu == 0 or nv == 0:
        return 0.0
    return abs(_cross(u, v)) / (nu * nv)


def cos_between(u: complex, v: complex) -> float:
    nu, nv = abs(u), abs(v)
    if nu == 0 or nv == 0:
        return 0.0
    return abs(_dot(u, v)) / (nu * nv)


def direction(p: complex, q: complex) -> float:
    """Direction of line pq in radians, in [0, pi)."""
    return cmath.phase(q - p) % math.pi


def angle_mod_pi(x: float) -> float:
    """Signed distance of ``x`` to the nearest multiple of pi."""
    return (x + math.pi / 2) % math.pi - math.pi / 2


def rel_close(x: float, y: float, tol: float) -> bool:
    return abs(x - y) <= tol * max(abs(x), abs(y), ZERO_LENGTH)


def collinear(a: complex, b: complex, c: complex, tol: float = NUMERIC_CHECK) -> bool:
    u, v = b - a, c - a
    if abs(u) < ZERO_LENGTH or abs(v) < ZERO_LENGTH:
        return True
    return sin_between(u, v) < tol


def circumcenter(a: complex, b: complex, c: complex) -> complex | None:
    """Centre of the circle through three points (None if they are collinear)."""
    d = 2 * _cross(b - a, c - a)
    scale = max(abs(b - a), abs(c - a)) ** 2
    if abs(d) < ZERO_LENGTH * scale:
        return None
    ba, ca = b - a, c - a
    nb, nc = abs(ba) ** 2, abs(ca) ** 2
    ux = (ca.imag * nb - ba.imag * nc) / d
    uy = (ba.real * nc - ca.real * nb) / d
    return a + complex(ux, uy)


#: A numeric check: whether a predicate holds of the coordinates, within a tolerance.
Check = Callable[[Predicate, Mapping[str, complex], float], bool]


def _check(p: Predicate, pts: Mapping[str, complex], tol: float) -> bool:
    return CHECKS[p.kind](p, pts, tol)


def _at(p: Predicate, pts: Mapping[str, complex]) -> list[complex]:
    """The coordinates of the predicate's points, in order."""
    return [pts[x] for x in p.points]


def _check_coll(p: Predicate, pts: Mapping[str, complex], tol: float) -> bool:
    P = _at(p, pts)
    a, b = P[0], P[1]
    if abs(b - a) < ZERO_LENGTH:
        return all(collinear(P[1], P[2], x, tol) for x in P[3:]) if len(P) > 2 else True
    return all(collinear(a, b, x, tol) for x in P[2:])


def _check_para(p: Predicate, pts: Mapping[str, complex], tol: float) -> bool:
    P = _at(p, pts)
    return sin_between(P[1] - P[0], P[3] - P[2]) < tol


def _check_perp(p: Predicate, pts: Mapping[str, complex], tol: float) -> bool:
    P = _at(p, pts)
    return cos_between(P[1] - P[0], P[3] - P[2]) < tol


def _check_cong(p: Predicate, pts: Mapping[str, complex], tol: float) -> bool:
    P = _at(p, pts)
    return rel_close(abs(P[1] - P[0]), abs(P[3] - P[2]), tol)


def _check_cyclic(p: Predicate, pts: Mapping[str, complex], tol: float) -> bool:
    P = _at(p, pts)
    o = circumcenter(P[0], P[1], P[2])
    if o is None:
        return False
    r = abs(P[0] - o)
    return all(rel_close(abs(x - o), r, tol) for x in P[3:])


def _check_circle(p: Predicate, pts: Mapping[str, complex], tol: float) -> bool:
    P = _at(p, pts)
    o = P[0]
    r = abs(P[1] - o)
    return r > ZERO_LENGTH and all(rel_close(abs(x - o), r, tol) for x in P[2:])


def _check_midp(p: Predicate, pts: Mapping[str, complex], tol: float) -> bool:
    m, a, b = _at(p, pts)
    return abs(m - (a + b) / 2) <= tol * max(abs(a - b), ZERO_LENGTH)


def _check_eqangle(p: Predicate, pts: Mapping[str, complex], tol: float) -> bool:
    P = _at(p, pts)
    d1 = direction(P[2], P[3]) - direction(P[0], P[1])
    d2 = direction(P[6], P[7]) - direction(P[4], P[5])
    return abs(angle_mod_pi(d1 - d2)) < tol


def _check_eqratio(p: Predicate, pts: Mapping[str, complex], tol: float) -> bool:
    P = _at(p, pts)
    ab, cd = abs(P[1] - P[0]), abs(P[3] - P[2])
    ef, gh = abs(P[5] - P[4]), abs(P[7] - P[6])
    return rel_close(ab * gh, cd * ef, tol)


def _check_triangles(p: Predicate, pts: Mapping[str, complex], tol: float) -> bool:
    """Similar (``contri*``: congruent) triangles; the ``*2`` kinds with opposite orientation."""
    k = p.kind
    a, b, c, x, y, z = _at(p, pts)
    if abs(c - a) < ZERO_LENGTH or abs(z - x) < ZERO_LENGTH:
        return False
    u = (b - a) / (c - a)
    v = (y - x) / (z - x)
    if k in (Kind.SIMTRI2, Kind.CONTRI2):
        v = v.conjugate()
    ok = abs(u - v) <= tol * max(abs(u), ZERO_LENGTH)
    if k in (Kind.CONTRI, Kind.CONTRI2):
        ok = ok and rel_close(abs(b - a), abs(y - x), tol)
    return ok


def _check_aconst(p: Predicate, pts: Mapping[str, complex], tol: float) -> bool:
    P = _at(p, pts)
    d = direction(P[2], P[3]) - direction(P[0], P[1])
    return abs(angle_mod_pi(d - float(p.literals[0].angle) * math.pi)) < tol


def _check_s_angle(p: Predicate, pts: Mapping[str, complex], tol: float) -> bool:
    """The ray BX is ray BA turned through the angle; in Newclid's spelling of the angle
    (``30o``, ``1pi/6``) the line BX is line BA turned through it (modulo 180°)."""
    a, b, x = _at(p, pts)
    d = cmath.phase((x - b) / (a - b)) - float(p.literals[0].angle) * math.pi
    if p.literals[0].newclid_angle:
        return abs(angle_mod_pi(d)) < tol
    return abs((d + math.pi) % (2 * math.pi) - math.pi) < tol


def _check_rconst(p: Predicate, pts: Mapping[str, complex], tol: float) -> bool:
    P = _at(p, pts)
    return rel_close(abs(P[1] - P[0]) / abs(P[3] - P[2]), float(p.literals[0].ratio), tol)


def _check_r2const(p: Predicate, pts: Mapping[str, complex], tol: float) -> bool:
    P = _at(p, pts)
    return rel_close((abs(P[1] - P[0]) / abs(P[3] - P[2])) ** 2, float(p.literals[0].ratio), tol)


def _check_lconst(p: Predicate, pts: Mapping[str, complex], tol: float) -> bool:
    P = _at(p, pts)
    return rel_close(abs(P[1] - P[0]), float(p.literals[0].ratio), tol)


def _check_l2const(p: Predicate, pts: Mapping[str, complex], tol: float) -> bool:
    P = _at(p, pts)
    return rel_close(abs(P[1] - P[0]) ** 2, float(p.literals[0].ratio), tol)


def _nothing_to_check(p: Predicate, pts: Mapping[str, complex], tol: float) -> bool:
    return True  # "find the value" goals and rule-internal bundles


def _check_sameside(p: Predicate, pts: Mapping[str, complex], tol: float) -> bool:
    a, b, c, x, y, z = _at(p, pts)
    return (_dot(b - a, c - a) > 0) == (_dot(y - x, z - x) > 0)


def _check_sameclock(p: Predicate, pts: Mapping[str, complex], tol: float) -> bool:
    a, b, c, x, y, z = _at(p, pts)
    return (_cross(b - a, c - a) > 0) == (_cross(y - x, z - x) > 0)


def _check_obtuse_angle(p: Predicate, pts: Mapping[str, complex], tol: float) -> bool:
    a, b, c = _at(p, pts)
    return _dot(a - b, c - b) < 0


def _check_diff(p: Predicate, pts: Mapping[str, complex], tol: float) -> bool:
    P = _at(p, pts)
    scale = max((abs(x - y) for x in P for y in P), default=1.0) or 1.0
    return all(abs(P[i] - P[j]) > tol * scale for i in range(len(P)) for j in range(i))


def _negation(check: Check) -> Check:
    """The check of the negated kind (``ncoll`` from ``coll``, ...)."""
    return lambda p, pts, tol: not check(p, pts, tol)


def equation_terms(args: Sequence[Arg]) -> list[tuple[Fraction, list[str]]]:
    """The (coefficient, points) terms of ``lequation`` / ``aequation`` arguments.

    The arguments are ``coef points… coef points… constant``; the ``*`` between the
    segments of a product is dropped.

    >>> equation_terms(Predicate.parse("lequation 1/1 a b * c d -2/1 e f 0".split()).args)
    [(Fraction(1, 1), ['a', 'b', 'c', 'd']), (Fraction(-2, 1), ['e', 'f'])]
    """
    terms: list[tuple[Fraction, list[str]]] = []
    for a in args[:-1]:
        if isinstance(a, Literal):
            terms.append((a.ratio, []))
        elif terms and a != "*":
            terms[-1][1].append(a)
    return terms


def _check_lequation(p: Predicate, pts: Mapping[str, complex], tol: float) -> bool:
    total = 0.0
    for coef, names in equation_terms(p.args):
        prod = 1.0
        for i in range(0, len(names) - 1, 2):
            prod *= abs(pts[names[i + 1]] - pts[names[i]])
        total += float(coef) * prod
    k = float(p.args[-1].ratio)  # type: ignore[union-attr]
    return abs(total - k) <= tol * max(1.0, abs(k), abs(total))


def _check_aequation(p: Predicate, pts: Mapping[str, complex], tol: float) -> bool:
    total = 0.0
    for coef, names in equation_terms(p.args):
        if len(names) != 4:
            return False
        a, b, c, d = (pts[n] for n in names)
        total += float(coef) * (direction(c, d) - direction(a, b))
    k = float(p.args[-1].angle) * math.pi  # type: ignore[union-attr]
    return abs(angle_mod_pi(total - k)) < tol


#: The numeric check of each kind (:meth:`Predicate.holds`).
CHECKS: dict[Kind, Check] = {
    Kind.COLL: _check_coll,
    Kind.NCOLL: _negation(_check_coll),
    Kind.PARA: _check_para,
    Kind.NPARA: _negation(_check_para),
    Kind.PERP: _check_perp,
    Kind.NPERP: _negation(_check_perp),
    Kind.CONG: _check_cong,
    Kind.CYCLIC: _check_cyclic,
    Kind.CIRCLE: _check_circle,
    Kind.MIDP: _check_midp,
    Kind.EQANGLE: _check_eqangle,
    Kind.EQANGLE6: _check_eqangle,
    Kind.EQRATIO: _check_eqratio,
    Kind.EQRATIO6: _check_eqratio,
    **dict.fromkeys((Kind.SIMTRI, Kind.SIMTRI2, Kind.CONTRI, Kind.CONTRI2), _check_triangles),
    Kind.ACONST: _check_aconst,
    Kind.S_ANGLE: _check_s_angle,
    Kind.RCONST: _check_rconst,
    Kind.R2CONST: _check_r2const,
    Kind.LCONST: _check_lconst,
    Kind.L2CONST: _check_l2const,
    **dict.fromkeys((Kind.ACOMPUTE, Kind.RCOMPUTE, Kind.LCOMPUTE, Kind.EQRATIO3), _nothing_to_check),
    Kind.SAMESIDE: _check_sameside,
    Kind.NSAMESIDE: _negation(_check_sameside),
    Kind.SAMECLOCK: _check_sameclock,
    Kind.OBTUSE_ANGLE: _check_obtuse_angle,
    Kind.DIFF: _check_diff,
    Kind.LEQUATION: _check_lequation,
    Kind.AEQUATION: _check_aequation,
}
