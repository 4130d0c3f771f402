"""Algebraic reasoning (AR): facts as linear equations over angles, log-lengths, lengths
and squared lengths.

* Angles: one unknown per segment ``(a, b)``, the direction of line ab in units
  of 180 degrees, modulo 1. ``coll`` ties the segments of one line together,
  ``para``/``perp``/``aconst``/``eqangle``/``aequation`` are linear relations.
* Ratios: one unknown per segment, ``log |ab|``. ``cong``/``eqratio``/``rconst``/
  ``midp`` are linear relations; constant ratios use one extra unknown per prime
  (``log 2``, ``log 3``, ...), which are independent over the rationals. A product
  of segments equal to another (``lequation`` with two terms: Menelaus, Ceva) is one
  linear relation too.
* Lengths: one unknown per segment, ``|ab|``; collinear points add up in the order
  the figure shows (a condition the step states).
* Squared lengths: one unknown per segment, ``|ab|^2``; a right angle is
  ``AC^2 - AD^2 = BC^2 - BD^2`` and a midpoint gives the median lengths. Nothing is
  read off the figure.

>>> from geometry.predicates import Predicate
>>> ar = Algebra()
>>> ar.add(1, Predicate.parse("perp a b c d".split()))
['angle', 'square']
>>> ar.add(2, Predicate.parse("perp c d e f".split()))
['angle', 'square']
>>> ar.explain(Predicate.parse("para a b e f".split()))
('angle', [(1, Fraction(1, 1)), (2, Fraction(1, 1))], ())
"""
from __future__ import annotations

import cmath
import math
from collections.abc import Hashable, Iterable, Mapping
from fractions import Fraction
from itertools import combinations

import sympy

from geometry.predicates import Kind, Predicate, equation_terms
from geometry.predicates import pair as seg  # the key of a segment, and of a line through two points

from .conditions import Condition
from .linalg import LinearTable

Equation = tuple[dict, Fraction]

ANGLE_KINDS = frozenset({Kind.COLL, Kind.PARA, Kind.PERP, Kind.EQANGLE, Kind.ACONST, Kind.AEQUATION})
RATIO_KINDS = frozenset({Kind.CONG, Kind.EQRATIO, Kind.RCONST, Kind.MIDP, Kind.LCONST, Kind.LEQUATION})


def _add(c: dict, var: Hashable, k: Fraction | int) -> None:
    v = c.get(var, 0) + k
    if v:
        c[var] = v
    else:
        c.pop(var, None)


def _log_const(r: Fraction) -> dict:
    """log r as a combination of the unknowns log p (p prime)."""
    out: dict = {}
    for p, e in sympy.factorint(r.numerator).items():
        _add(out, ("~log", p), e)
    for p, e in sympy.factorint(r.denominator).items():
        _add(out, ("~log", p), -e)
    return out


def _combo(points: tuple[str, ...], *signs: int | Fraction) -> dict:
    """sum of signs[i] * (unknown of segment points[2i] points[2i+1]); zero terms dropped."""
    c: dict = {}
    for i, sign in enumerate(signs):
        _add(c, seg(points[2 * i], points[2 * i + 1]), sign)
    return c


def angle_equations(p: Predicate) -> list[Equation]:
    """The linear equations (mod 1) that an angle fact asserts."""
    a = p.points
    if p.kind is Kind.COLL:
        base = seg(a[0], a[1])
        pairs = {seg(x, y) for i, x in enumerate(a) for y in a[i + 1 :] if x != y}
        return [({base: 1, s: -1}, Fraction(0)) for s in sorted(pairs) if s != base]
    if p.kind in (Kind.PARA, Kind.PERP):
        return [(_combo(a, 1, -1), Fraction(0) if p.kind is Kind.PARA else Fraction(1, 2))]
    if p.kind is Kind.EQANGLE:  # (cd - ab) - (gh - ef)
        return [(_combo(a, -1, 1, 1, -1), Fraction(0))]
    if p.kind is Kind.ACONST:
        return [(_combo(a, -1, 1), p.literals[0].angle % 1)]
    if p.kind is Kind.AEQUATION:
        c: dict = {}
        for coef, pts in equation_terms(p.args):
            if len(pts) == 4:
                _add(c, seg(pts[2], pts[3]), coef)
                _add(c, seg(pts[0], pts[1]), -coef)
        return [(c, p.args[-1].angle % 1)]  # type: ignore[union-attr]
    return []


def ratio_equations(p: Predicate) -> list[Equation]:
    """The linear equations over log-lengths that a length fact asserts."""
    a = p.points
    if p.kind is Kind.CONG:
        return [(_combo(a, 1, -1), Fraction(0))]
    if p.kind is Kind.EQRATIO:
        return [(_combo(a, 1, -1, -1, 1), Fraction(0))]
    if p.kind is Kind.RCONST:
        c = _combo(a, 1, -1)
        for v, k in _log_const(p.literals[0].ratio).items():
            _add(c, v, -k)
        return [(c, Fraction(0))]
    if p.kind is Kind.LCONST:
        c = {seg(a[0], a[1]): 1}
        for v, k in _log_const(p.literals[0].ratio).items():
            _add(c, v, -k)
        return [(c, Fraction(0))]
    if p.kind is Kind.MIDP:
        m, x, y = a
        half = {seg(m, x): 1, seg(x, y): -1, ("~log", 2): 1}
        return [({seg(m, x): 1, seg(m, y): -1}, Fraction(0)), (half, Fraction(0))]
    if p.kind is Kind.LEQUATION:
        return _product_equation(p)
    return []


def _segments(names: list[str]) -> list[tuple[str, str]] | None:
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
    s1, s2 = _segments(n1), _segments(n2)
    if s1 is None or s2 is None or c1 * c2 >= 0:
        return []
    c: dict = {}
    for x, y in s1:
        _add(c, seg(x, y), 1)
    for x, y in s2:
        _add(c, seg(x, y), -1)
    for v, k in _log_const(-c2 / c1).items():  # log(product 1) - log(product 2) - log(-c2 / c1) = 0
        _add(c, v, -k)
    return [(c, Fraction(0))] if c else []


def _squares(p: Predicate) -> list[tuple[Fraction, tuple[str, str]]] | None:
    """An equation whose every term is the square of one segment, as (coefficient, segment)."""
    out = []
    for coef, names in equation_terms(p.args):
        segs = _segments(names)
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
    a = p.points

    def combo(*terms: tuple[str, str, Fraction | int]) -> dict:
        c: dict = {}
        for x, y, k in terms:
            if x != y:
                _add(c, seg(x, y), k)
        return c

    if p.kind is Kind.CONG:
        return [(combo((a[0], a[1], 1), (a[2], a[3], -1)), Fraction(0))]
    if p.kind is Kind.PERP:
        w, x, y, z = a
        return [(combo((w, y, 1), (w, z, -1), (x, y, -1), (x, z, 1)), Fraction(0))]
    if p.kind is Kind.MIDP:
        m, x, y = a
        out = [(combo((m, x, 1), (m, y, -1)), Fraction(0)), (combo((x, y, 1), (m, x, -4)), Fraction(0))]
        for z in names:
            if z not in (m, x, y):
                out.append(median_equation(m, x, y, z))
        return out
    if p.kind is Kind.RCONST:
        r = p.literals[0].ratio
        return [(combo((a[0], a[1], 1), (a[2], a[3], -r * r)), Fraction(0))]
    if p.kind is Kind.LCONST:
        r = p.literals[0].ratio
        return [(combo((a[0], a[1], 1)), r * r)]
    if p.kind is Kind.LEQUATION:
        terms = _squares(p)
        if terms is None:
            return []
        return [(combo(*((x, y, k) for k, (x, y) in terms)), p.args[-1].ratio)]  # type: ignore[union-attr]
    return []


def _between(pts: Mapping[str, complex], x: str, y: str, z: str) -> str:
    """Which of three collinear points lies between the other two."""
    px, py, pz = pts[x], pts[y], pts[z]
    d = pz - px
    t = ((py - px) / d).real if abs(d) > 0 else 0.0
    if 0 < t < 1:
        return y
    return x if t < 0 else z


def coll_orders(points: tuple[str, ...], pts: Mapping[str, complex]) -> list[Condition]:
    """For each triple of collinear points (in a fixed order), which lies between the
    other two in the figure ``pts``: the configuration length chasing reads."""
    out = []
    for x, y, z in combinations(sorted(set(points)), 3):
        mid = _between(pts, x, y, z)
        o1, o2 = [t for t in (x, y, z) if t != mid]
        out.append(Condition.between(mid, o1, o2))
    return out


def between_equation(c: Condition) -> Equation:
    """AB = AM + MB for M between A and B."""
    m, a, b = c.points
    return ({seg(a, b): 1, seg(a, m): -1, seg(m, b): -1}, Fraction(0))


def length_equations(p: Predicate, pts: Mapping[str, complex]) -> list[Equation]:
    """Additive equations over lengths; collinear triples add up in the diagram's order."""
    a = p.points
    if p.kind is Kind.CONG:
        return [(_combo(a, 1, -1), Fraction(0))]
    if p.kind is Kind.MIDP:
        m, x, y = a
        return [({seg(m, x): 1, seg(m, y): -1}, Fraction(0)), ({seg(x, y): 1, seg(m, x): -2}, Fraction(0))]
    if p.kind is Kind.COLL:
        return [between_equation(c) for c in coll_orders(a, pts)]
    if p.kind is Kind.RCONST:
        return [(_combo(a, 1, -p.literals[0].ratio), Fraction(0))]
    if p.kind is Kind.LCONST:
        return [({seg(a[0], a[1]): 1}, p.literals[0].ratio)]
    if p.kind is Kind.LEQUATION:  # linear in lengths: every term is one segment
        c: dict = {}
        for coef, names in equation_terms(p.args):
            segs = _segments(names)
            if segs is None or len(segs) != 1:
                return []
            _add(c, seg(*segs[0]), coef)
        return [(c, p.args[-1].ratio)] if c else []  # type: ignore[union-attr]
    return []


def holds_numerically(coeffs: Mapping, const: Fraction, pts: Mapping[str, complex], tol: float = 1e-7) -> bool:
    """Whether an angle equation (units of 180 degrees, mod 1) holds in the diagram."""
    total = -float(const)
    for var, c in coeffs.items():
        if var[0] == "~log":
            return False
        a, b = var
        total += float(c) * (cmath.phase(pts[b] - pts[a]) / math.pi)
    r = total % 1.0
    return min(r, 1.0 - r) < tol


LENGTH_KINDS = frozenset({Kind.CONG, Kind.MIDP, Kind.COLL, Kind.RCONST, Kind.LCONST, Kind.LEQUATION})
SQUARE_KINDS = frozenset({Kind.CONG, Kind.PERP, Kind.MIDP, Kind.RCONST, Kind.LCONST, Kind.LEQUATION})


class Algebra:
    """The angle, ratio, length and squared-length tables of one proof search, keyed by fact ids.

    ``pts`` (the diagram) orders collinear points for the length table; its names are the
    points the squared-length table writes median equations for.
    """

    def __init__(self, pts: Mapping[str, complex] | None = None) -> None:
        self.pts = pts
        self.angles = LinearTable(modulus=Fraction(1))
        self.ratios = LinearTable()
        self.lengths = LinearTable()
        self.squares = LinearTable()
        # (fact id, equation index) of a collinearity in the length table -> the order it read
        self._orders: dict[tuple[int, int], Condition] = {}

    def tables(self, pred: Predicate, squares: bool = True) -> list[tuple[str, LinearTable, list[Equation]]]:
        """The tables that can hold ``pred``, with its equations in each (the squared-length
        table only with ``squares``)."""
        out = []
        if pred.kind in ANGLE_KINDS:
            out.append(("angle", self.angles, angle_equations(pred)))
        if pred.kind in RATIO_KINDS:
            out.append(("ratio", self.ratios, ratio_equations(pred)))
        if self.pts is not None and pred.kind in LENGTH_KINDS:
            out.append(("length", self.lengths, length_equations(pred, self.pts)))
        if squares and pred.kind in SQUARE_KINDS:
            out.append(("square", self.squares, square_equations(pred, self.pts or ())))
        return [(n, t, e) for n, t, e in out if e]

    def add(self, fact_id: int, pred: Predicate, skip: str | None = None) -> list[str]:
        """Enter a fact's equations; each equation is tagged ``(fact_id, i)``. Returns the
        names of the tables it told something new (an equation independent of their rows).

        ``skip`` names a table that derived the fact (it would only add a redundant row there,
        and explanations that cite base facts read better).
        """
        entered = []
        for name, table, eqs in self.tables(pred):
            if name == skip:
                continue
            if name == "length" and pred.kind is Kind.COLL:
                assert self.pts is not None
                for i, order in enumerate(coll_orders(pred.points, self.pts)):
                    self._orders[(fact_id, i)] = order
            for i, (coeffs, const) in enumerate(eqs):
                if not coeffs:
                    continue
                # A fact true in the diagram cannot contradict the table: an
                # InconsistentError here is a bug upstream and is left to propagate.
                if table.add(coeffs, const, (fact_id, i)) and name not in entered:
                    entered.append(name)
        return entered

    def add_points(self, names: Iterable[str], midpoints: Iterable[tuple[int, Predicate]]) -> None:
        """New points joined the figure: the median equations of the known midpoints
        ``(fact id, midp fact)`` for them enter the squared-length table."""
        names = list(names)
        for fid, pred in midpoints:
            m, x, y = pred.points
            for z in names:
                if z not in (m, x, y):
                    self.squares.add(*median_equation(m, x, y, z), (fid, ("median", z)))

    def _options(self, pred: Predicate) -> list[tuple[str, LinearTable, list[Equation]]]:
        """Ways to establish ``pred``: for collinearity, equal directions from one hub
        point suffice (parallels through a common point coincide, r28). The squared-length
        table is not among them: it is asked last, through :meth:`square_explain`, so that
        proofs cite the classical theorems where they apply."""
        opts = self.tables(pred, squares=False)
        if pred.kind is not Kind.COLL:
            return opts + self._doubled(opts)
        pts = list(dict.fromkeys(pred.points))
        stars = []
        for hub in pts:
            others = [x for x in pts if x != hub]
            base = seg(hub, others[0])
            stars.append(("angle", self.angles, [({base: 1, seg(hub, x): -1}, Fraction(0)) for x in others[1:]]))
        return stars + [o for o in opts if o[0] != "angle"]

    def _doubled(self, opts: list) -> list[tuple[str, LinearTable, list[Equation]]]:
        """Half-angle option: if twice an angle equation follows (mod 180 degrees), the
        equation itself holds up to 90 degrees, and the diagram decides which (table "angle2")."""
        out = []
        for name, table, eqs in opts:
            if name != "angle" or self.pts is None:
                continue
            if all(holds_numerically(c, k, self.pts) for c, k in eqs):
                out.append(("angle2", table, [({v: 2 * x for v, x in c.items()}, 2 * k % 1) for c, k in eqs]))
        return out

    def implies(self, pred: Predicate) -> bool:
        return any(all(table.implies(c, k) for c, k in eqs) for _, table, eqs in self._options(pred))

    def explain(self, pred: Predicate) -> tuple[str, list[tuple[int, Fraction]], tuple[Condition, ...]] | None:
        """The table, the fact ids (with multipliers) whose equations combine to ``pred``,
        and the configuration conditions the combination reads off the figure.

        For facts with several equations the union of the explanations is returned
        (multipliers are then per equation and only informative). None if no table
        implies ``pred``. Conditions: an "angle2" step assumes the half of the doubled
        angle the figure shows; a "length" step the order of the collinear points whose
        equations it uses.
        """
        for name, table, eqs in self._options(pred):
            if all(table.implies(c, k) for c, k in eqs):
                used, reasons = self._explain(table, eqs)
                conditions: tuple[Condition, ...] = ()
                if name == "angle2":
                    conditions = (Condition.angle_case(pred),)
                elif name == "length":
                    used_orders = {self._orders[r] for r in reasons if r in self._orders}
                    if pred.kind is Kind.COLL:  # the statement's own order is read too
                        assert self.pts is not None
                        used_orders.update(coll_orders(pred.points, self.pts))
                    conditions = tuple(sorted(used_orders))
                return name, used, conditions
        return None

    def square_explain(self, pred: Predicate) -> list[tuple[int, Fraction]] | None:
        """The facts (with multipliers) whose squared-length equations combine to ``pred``
        (a right angle, equal segments, a squared-length equation), or None."""
        eqs = [(c, k) for c, k in square_equations(pred) if c]
        if not eqs or not all(self.squares.implies(c, k) for c, k in eqs):
            return None
        return self._explain(self.squares, eqs)[0]

    def _explain(self, table: LinearTable, eqs: list[Equation]) -> tuple[list[tuple[int, Fraction]], set]:
        used: dict[int, Fraction] = {}
        reasons: set = set()
        for c, k in eqs:
            if not c:
                continue
            expl = table.explain(c, k)
            assert expl is not None
            for reason, mult in expl:
                reasons.add(reason)
                fid = reason[0]
                used[fid] = used.get(fid, 0) + Fraction(mult)
        return sorted(used.items()), reasons

    def angle_residual(self, a: str, b: str, c: str, d: str) -> tuple:
        """Canonical key of the angle (ab, cd) after the table's substitutions."""
        coeffs: dict = {}
        _add(coeffs, seg(c, d), 1)
        _add(coeffs, seg(a, b), -1)
        return self.angles.residual(coeffs)

    def ratio_residual(self, a: str, b: str, c: str, d: str) -> tuple:
        coeffs: dict = {}
        _add(coeffs, seg(a, b), 1)
        _add(coeffs, seg(c, d), -1)
        return self.ratios.residual(coeffs)
