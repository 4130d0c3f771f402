"""Facts as linear equations, read from the fact alone.

The unknowns are per segment ``(a, b)`` (the key :func:`geometry.predicates.pair`):

* angles: the direction of line ab in units of 180 degrees, modulo 1
  (:func:`angle_equations`; :func:`holds_numerically` checks one in a figure);
* ratios: ``log |ab|``, with one extra unknown per prime for constant ratios
  (:func:`ratio_equations`);
* squared lengths: ``|ab|^2`` (:func:`square_equations`).

Each table's equations are declared per kind, in one dict keyed by :class:`Kind`
(:data:`ANGLE_EQUATIONS`, :data:`RATIO_EQUATIONS`, :data:`SQUARE_EQUATIONS`): the kinds a
table holds are its keys. :class:`Table` names the tables wherever a step cites one.

None of these reads the configuration of a figure. The tables that hold the equations,
and the length equations that do read the figure (the order of collinear points), are in
:mod:`ddar.algebra`; the configuration conditions in :mod:`ddar.conditions`.

>>> from geometry.predicates import Predicate
>>> angle_equations(Predicate.parse("perp a b c d".split()))
[({('a', 'b'): 1, ('c', 'd'): -1}, Fraction(1, 2))]
>>> ratio_equations(Predicate.parse("cong a b c d".split()))
[({('a', 'b'): 1, ('c', 'd'): -1}, Fraction(0, 1))]
"""
from __future__ import annotations

import cmath
import enum
import math
from collections.abc import Callable, Hashable, Iterable, Mapping
from fractions import Fraction

import sympy

from geometry.predicates import Kind, Predicate, equation_terms
from geometry.predicates import pair as seg  # the key of a segment, and of a line through two points
from geometry.tolerance import ANGLE_TOL

Equation = tuple[dict, Fraction]


class Table(str, enum.Enum):
    """The tables of algebraic reasoning, by the name a step derived in one cites
    (:attr:`ddar.facts.ARApp.table`, the ``rule`` of an ``ar`` proof line, the JSON export).

    A ``str`` enum: a member equals, hashes, prints and serialises as its name, so
    ``Table.ANGLE == "angle"`` and a proof read back from JSON compares equal.
    """

    ANGLE = "angle"  # directions of lines, mod 180 degrees
    ANGLE2 = "angle2"  # the angle table, twice the statement: a half-angle step (the figure picks the half)
    ANGLE3 = "angle3"  # the angle table, three times the statement: a third-angle step (the figure picks the third)
    RATIO = "ratio"  # log-lengths
    LENGTH = "length"  # lengths, collinear points added in the figure's order
    SQUARE = "square"  # squared lengths

    def __str__(self) -> str:
        return self.value


def add_term(c: dict, var: Hashable, k: Fraction | int) -> None:
    """Add ``k * var`` to the linear combination ``c`` (a term that cancels is dropped)."""
    v = c.get(var, 0) + k
    if v:
        c[var] = v
    else:
        c.pop(var, None)


def _log_const(r: Fraction) -> dict:
    """log r as a combination of the unknowns log p (p prime)."""
    out: dict = {}
    for p, e in sympy.factorint(r.numerator).items():
        add_term(out, ("~log", p), e)
    for p, e in sympy.factorint(r.denominator).items():
        add_term(out, ("~log", p), -e)
    return out


def segment_sum(points: tuple[str, ...], *signs: int | Fraction) -> dict:
    """sum of signs[i] * (unknown of segment points[2i] points[2i+1]); zero terms dropped."""
    c: dict = {}
    for i, sign in enumerate(signs):
        add_term(c, seg(points[2 * i], points[2 * i + 1]), sign)
    return c


def _coll_angles(p: Predicate) -> list[Equation]:
    """Every line through two of the points is the line through the first two."""
    a = p.points
    base = seg(a[0], a[1])
    pairs = {seg(x, y) for i, x in enumerate(a) for y in a[i + 1 :] if x != y}
    return [({base: 1, s: -1}, Fraction(0)) for s in sorted(pairs) if s != base]


def _para_angles(p: Predicate) -> list[Equation]:
    return [(segment_sum(p.points, 1, -1), Fraction(0))]


def _perp_angles(p: Predicate) -> list[Equation]:
    return [(segment_sum(p.points, 1, -1), Fraction(1, 2))]


def _eqangle_angles(p: Predicate) -> list[Equation]:  # (cd - ab) - (gh - ef)
    return [(segment_sum(p.points, -1, 1, 1, -1), Fraction(0))]


def _aconst_angles(p: Predicate) -> list[Equation]:
    return [(segment_sum(p.points, -1, 1), p.literals[0].angle % 1)]


def _aequation_angles(p: Predicate) -> list[Equation]:
    c: dict = {}
    for coef, pts in equation_terms(p.args):
        if len(pts) == 4:
            add_term(c, seg(pts[2], pts[3]), coef)
            add_term(c, seg(pts[0], pts[1]), -coef)
    return [(c, p.args[-1].angle % 1)]  # type: ignore[union-attr]


#: The angle table's equations (mod 1) for each kind it holds.
ANGLE_EQUATIONS: dict[Kind, Callable[[Predicate], list[Equation]]] = {
    Kind.COLL: _coll_angles,
    Kind.PARA: _para_angles,
    Kind.PERP: _perp_angles,
    Kind.EQANGLE: _eqangle_angles,
    Kind.ACONST: _aconst_angles,
    Kind.AEQUATION: _aequation_angles,
}


def angle_equations(p: Predicate) -> list[Equation]:
    """The linear equations (mod 1) that an angle fact asserts."""
    eqs = ANGLE_EQUATIONS.get(p.kind)
    return eqs(p) if eqs is not None else []


def _cong_ratios(p: Predicate) -> list[Equation]:
    return [(segment_sum(p.points, 1, -1), Fraction(0))]


def _eqratio_ratios(p: Predicate) -> list[Equation]:
    return [(segment_sum(p.points, 1, -1, -1, 1), Fraction(0))]


def _rconst_ratios(p: Predicate) -> list[Equation]:
    c = segment_sum(p.points, 1, -1)
    for v, k in _log_const(p.literals[0].ratio).items():
        add_term(c, v, -k)
    return [(c, Fraction(0))]


def _lconst_ratios(p: Predicate) -> list[Equation]:
    a = p.points
    c = {seg(a[0], a[1]): 1}
    for v, k in _log_const(p.literals[0].ratio).items():
        add_term(c, v, -k)
    return [(c, Fraction(0))]


def _r2const_ratios(p: Predicate) -> list[Equation]:
    """(AB/CD)^2 = r: log AB - log CD = (1/2) log r."""
    c = segment_sum(p.points, 1, -1)
    for v, k in _log_const(p.literals[0].ratio).items():
        add_term(c, v, -Fraction(k, 2))
    return [(c, Fraction(0))]


def _l2const_ratios(p: Predicate) -> list[Equation]:
    """AB^2 = l: log AB = (1/2) log l."""
    a = p.points
    c = {seg(a[0], a[1]): Fraction(1)}
    for v, k in _log_const(p.literals[0].ratio).items():
        add_term(c, v, -Fraction(k, 2))
    return [(c, Fraction(0))]


def _midp_ratios(p: Predicate) -> list[Equation]:
    m, x, y = p.points
    half = {seg(m, x): 1, seg(x, y): -1, ("~log", 2): 1}
    return [({seg(m, x): 1, seg(m, y): -1}, Fraction(0)), (half, Fraction(0))]


def segments_of(names: list[str]) -> list[tuple[str, str]] | None:
    """The segments of one product term (pairs of distinct points), or None."""
    if not names or len(names) % 2:
        return None
    segs = [(names[i], names[i + 1]) for i in range(0, len(names), 2)]
    return None if any(x == y for x, y in segs) else segs


def _product_equation(p: Predicate) -> list[Equation]:
    """``c1 * (product of segments) + c2 * (product of segments) = 0`` with c1, c2 of opposite
    signs (Menelaus, Ceva): in log-lengths, the two products differ by log(-c2 / c1)."""
    terms = equation_terms(p.args)
    if len(terms) != 2 or p.args[-1].ratio != 0:  # type: ignore[union-attr]
        return []
    (c1, n1), (c2, n2) = terms
    s1, s2 = segments_of(n1), segments_of(n2)
    if s1 is None or s2 is None or c1 * c2 >= 0:
        return []
    c: dict = {}
    for x, y in s1:
        add_term(c, seg(x, y), 1)
    for x, y in s2:
        add_term(c, seg(x, y), -1)
    for v, k in _log_const(-c2 / c1).items():  # log(product 1) - log(product 2) - log(-c2 / c1) = 0
        add_term(c, v, -k)
    return [(c, Fraction(0))] if c else []


#: The ratio (log-length) table's equations for each kind it holds.
RATIO_EQUATIONS: dict[Kind, Callable[[Predicate], list[Equation]]] = {
    Kind.CONG: _cong_ratios,
    Kind.EQRATIO: _eqratio_ratios,
    Kind.RCONST: _rconst_ratios,
    Kind.MIDP: _midp_ratios,
    Kind.LCONST: _lconst_ratios,
    Kind.R2CONST: _r2const_ratios,
    Kind.L2CONST: _l2const_ratios,
    Kind.LEQUATION: _product_equation,
}


def ratio_equations(p: Predicate) -> list[Equation]:
    """The linear equations over log-lengths that a length fact asserts."""
    eqs = RATIO_EQUATIONS.get(p.kind)
    return eqs(p) if eqs is not None else []


def _squares(p: Predicate) -> list[tuple[Fraction, tuple[str, str]]] | None:
    """An equation whose every term is the square of one segment, as (coefficient, segment)."""
    out = []
    for coef, names in equation_terms(p.args):
        segs = segments_of(names)
        if segs is None or len(segs) != 2 or seg(*segs[0]) != seg(*segs[1]):
            return None
        out.append((coef, segs[0]))
    return out


def median_equation(m: str, x: str, y: str, z: str) -> Equation:
    """The length of the median ZM of triangle ZXY (M the midpoint of XY), squared:
    ``4 ZM^2 = 2 ZX^2 + 2 ZY^2 - XY^2``."""
    return {seg(z, m): 4, seg(z, x): -2, seg(z, y): -2, seg(x, y): 1}, Fraction(0)


def square_equations(p: Predicate, names: Iterable[str] = ()) -> list[Equation]:
    """Linear equations over squared lengths (one unknown ``AB^2`` per segment).

    ``perp A B C D`` is ``AC^2 - AD^2 = BC^2 - BD^2`` (Pythagoras when two points coincide);
    a midpoint M of AB gives ``AB^2 = 4 MA^2`` and, for every other point X of ``names``, the
    median length ``4 XM^2 = 2 XA^2 + 2 XB^2 - AB^2`` (Stewart). Every equation holds in every
    figure: the table reads no configuration.
    """
    eqs = SQUARE_EQUATIONS.get(p.kind)
    return eqs(p, names) if eqs is not None else []


def _combo(*terms: tuple[str, str, Fraction | int]) -> dict:
    """sum of k * XY^2 over the terms (X, Y, k); a term with X = Y is dropped."""
    c: dict = {}
    for x, y, k in terms:
        if x != y:
            add_term(c, seg(x, y), k)
    return c


def _cong_squares(p: Predicate, names: Iterable[str]) -> list[Equation]:
    a = p.points
    return [(_combo((a[0], a[1], 1), (a[2], a[3], -1)), Fraction(0))]


def _perp_squares(p: Predicate, names: Iterable[str]) -> list[Equation]:
    w, x, y, z = p.points
    return [(_combo((w, y, 1), (w, z, -1), (x, y, -1), (x, z, 1)), Fraction(0))]


def _midp_squares(p: Predicate, names: Iterable[str]) -> list[Equation]:
    m, x, y = p.points
    out = [(_combo((m, x, 1), (m, y, -1)), Fraction(0)), (_combo((x, y, 1), (m, x, -4)), Fraction(0))]
    for z in names:
        if z not in (m, x, y):
            out.append(median_equation(m, x, y, z))
    return out


def _rconst_squares(p: Predicate, names: Iterable[str]) -> list[Equation]:
    a, r = p.points, p.literals[0].ratio
    return [(_combo((a[0], a[1], 1), (a[2], a[3], -r * r)), Fraction(0))]


def _lconst_squares(p: Predicate, names: Iterable[str]) -> list[Equation]:
    a, r = p.points, p.literals[0].ratio
    return [(_combo((a[0], a[1], 1)), r * r)]


def _r2const_squares(p: Predicate, names: Iterable[str]) -> list[Equation]:
    a, r = p.points, p.literals[0].ratio
    return [(_combo((a[0], a[1], 1), (a[2], a[3], -r)), Fraction(0))]


def _l2const_squares(p: Predicate, names: Iterable[str]) -> list[Equation]:
    a, r = p.points, p.literals[0].ratio
    return [(_combo((a[0], a[1], 1)), r)]


def _lequation_squares(p: Predicate, names: Iterable[str]) -> list[Equation]:
    terms = _squares(p)
    if terms is None:
        return []
    return [(_combo(*((x, y, k) for k, (x, y) in terms)), p.args[-1].ratio)]  # type: ignore[union-attr]


#: The squared-length table's equations for each kind it holds (``names``: the points a
#: midpoint's median equations are written for).
SQUARE_EQUATIONS: dict[Kind, Callable[[Predicate, Iterable[str]], list[Equation]]] = {
    Kind.CONG: _cong_squares,
    Kind.PERP: _perp_squares,
    Kind.MIDP: _midp_squares,
    Kind.RCONST: _rconst_squares,
    Kind.LCONST: _lconst_squares,
    Kind.R2CONST: _r2const_squares,
    Kind.L2CONST: _l2const_squares,
    Kind.LEQUATION: _lequation_squares,
}


def holds_numerically(coeffs: Mapping, const: Fraction, pts: Mapping[str, complex], tol: float = ANGLE_TOL) -> bool:
    """Whether an angle equation (units of 180 degrees, mod 1) holds in the diagram."""
    total = -float(const)
    for var, c in coeffs.items():
        if var[0] == "~log":
            return False
        a, b = var
        total += float(c) * (cmath.phase(pts[b] - pts[a]) / math.pi)
    r = total % 1.0
    return min(r, 1.0 - r) < tol
