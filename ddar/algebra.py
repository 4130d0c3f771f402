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

The equations a fact asserts are written by :mod:`ddar.equations`, except the length
equations, which read the order of collinear points off the figure (here). The tables
are named by :class:`ddar.equations.Table`.

>>> from geometry.predicates import Predicate
>>> ar = Algebra()
>>> ar.add(1, Predicate.parse("perp a b c d".split()))
[<Table.ANGLE: 'angle'>, <Table.SQUARE: 'square'>]
>>> ar.add(2, Predicate.parse("perp c d e f".split()))
[<Table.ANGLE: 'angle'>, <Table.SQUARE: 'square'>]
>>> ar.explain(Predicate.parse("para a b e f".split()))
(<Table.ANGLE: 'angle'>, [(1, Fraction(1, 1)), (2, Fraction(1, 1))], ())
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from fractions import Fraction
from itertools import combinations

from geometry.predicates import Kind, Predicate, equation_terms
from geometry.predicates import pair as seg  # the key of a segment, and of a line through two points

from .conditions import Condition
from .equations import (
    ANGLE_EQUATIONS,
    RATIO_EQUATIONS,
    SQUARE_EQUATIONS,
    Equation,
    Table,
    add_term,
    angle_equations,
    holds_numerically,
    median_equation,
    ratio_equations,
    segment_sum,
    segments_of,
    square_equations,
)
from .linalg import LinearTable

#: A linear combination of unknowns as a hashable key: ``((unknown, coefficient), ...)``.
Terms = tuple

#: The multiple-angle steps: the factor whose multiple of an angle statement is proven, and
#: the table name a step of each cites (the figure settles the case).
FOLD_TABLES = {2: Table.ANGLE2, 3: Table.ANGLE3}
FOLD_FACTORS = {t: n for n, t in FOLD_TABLES.items()}
MULTIPLES = tuple(FOLD_TABLES)

#: How many statements' equations :meth:`Algebra._options` keeps (then it starts over).
_OPTIONS_KEPT = 100_000

#: The kinds each table holds: those it has equations for.
ANGLE_KINDS = frozenset(ANGLE_EQUATIONS)
RATIO_KINDS = frozenset(RATIO_EQUATIONS)


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
    eqs = LENGTH_EQUATIONS.get(p.kind)
    return eqs(p, pts) if eqs is not None else []


def _cong_lengths(p: Predicate, pts: Mapping[str, complex]) -> list[Equation]:
    return [(segment_sum(p.points, 1, -1), Fraction(0))]


def _midp_lengths(p: Predicate, pts: Mapping[str, complex]) -> list[Equation]:
    m, x, y = p.points
    return [({seg(m, x): 1, seg(m, y): -1}, Fraction(0)), ({seg(x, y): 1, seg(m, x): -2}, Fraction(0))]


def _coll_lengths(p: Predicate, pts: Mapping[str, complex]) -> list[Equation]:
    return [between_equation(c) for c in coll_orders(p.points, pts)]


def _rconst_lengths(p: Predicate, pts: Mapping[str, complex]) -> list[Equation]:
    return [(segment_sum(p.points, 1, -p.literals[0].ratio), Fraction(0))]


def _lconst_lengths(p: Predicate, pts: Mapping[str, complex]) -> list[Equation]:
    a = p.points
    return [({seg(a[0], a[1]): 1}, p.literals[0].ratio)]


def _lequation_lengths(p: Predicate, pts: Mapping[str, complex]) -> list[Equation]:
    """Linear in lengths: every term is one segment (otherwise no equation)."""
    c: dict = {}
    for coef, names in equation_terms(p.args):
        segs = segments_of(names)
        if segs is None or len(segs) != 1:
            return []
        add_term(c, seg(*segs[0]), coef)
    return [(c, p.args[-1].ratio)] if c else []  # type: ignore[union-attr]


#: The length table's equations for each kind it holds (``pts``: the figure, which orders
#: collinear points).
LENGTH_EQUATIONS: dict[Kind, Callable[[Predicate, Mapping[str, complex]], list[Equation]]] = {
    Kind.CONG: _cong_lengths,
    Kind.MIDP: _midp_lengths,
    Kind.COLL: _coll_lengths,
    Kind.RCONST: _rconst_lengths,
    Kind.LCONST: _lconst_lengths,
    Kind.LEQUATION: _lequation_lengths,
}

LENGTH_KINDS = frozenset(LENGTH_EQUATIONS)
SQUARE_KINDS = frozenset(SQUARE_EQUATIONS)


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
        # implies() answers since a table last gained a row (saturation asks many twice)
        self._implied: dict[Predicate, Table | None] = {}
        # residual() answers since a table last gained a row
        self._residuals: dict[tuple[Table, Terms], tuple[tuple, Fraction]] = {}
        # _options() of the statements asked (their equations never change: the points stay put)
        self._opts: dict[Predicate, list[tuple[Table, LinearTable, list[Equation]]]] = {}

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_implied"] = {}
        state["_residuals"] = {}
        state["_opts"] = {}
        return state

    def tables(self, pred: Predicate, squares: bool = True) -> list[tuple[Table, LinearTable, list[Equation]]]:
        """The tables that can hold ``pred``, with its equations in each (the squared-length
        table only with ``squares``)."""
        out = []
        if pred.kind in ANGLE_KINDS:
            out.append((Table.ANGLE, self.angles, angle_equations(pred)))
        if pred.kind in RATIO_KINDS:
            out.append((Table.RATIO, self.ratios, ratio_equations(pred)))
        if self.pts is not None and pred.kind in LENGTH_KINDS:
            out.append((Table.LENGTH, self.lengths, length_equations(pred, self.pts)))
        if squares and pred.kind in SQUARE_KINDS:
            out.append((Table.SQUARE, self.squares, square_equations(pred, self.pts or ())))
        return [(n, t, e) for n, t, e in out if e]

    def add(self, fact_id: int, pred: Predicate, skip: Table | None = None) -> list[Table]:
        """Enter a fact's equations; each equation is tagged ``(fact_id, i)``. Returns the
        names of the tables it told something new (an equation independent of their rows).

        ``skip`` names a table that derived the fact (it would only add a redundant row there,
        and explanations that cite base facts read better).
        """
        entered = []
        for name, table, eqs in self.tables(pred):
            if name == skip:
                continue
            if name is Table.LENGTH and pred.kind is Kind.COLL:
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
        if entered:
            self._implied.clear()
            self._residuals.clear()
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
        self._implied.clear()
        self._residuals.clear()

    def _options(self, pred: Predicate) -> list[tuple[Table, LinearTable, list[Equation]]]:
        """Ways to establish ``pred``: for collinearity, equal directions from one hub
        point suffice (parallels through a common point coincide, r28). The squared-length
        table is not among them: it is asked last, through :meth:`square_explain`, so that
        proofs cite the classical theorems where they apply. A multiple of an angle
        statement (:meth:`_folded`) is tried after these."""
        found = self._opts.get(pred)
        if found is None:
            if len(self._opts) >= _OPTIONS_KEPT:
                self._opts.clear()
            found = self._opts[pred] = self._make_options(pred)
        return found

    def _make_options(self, pred: Predicate) -> list[tuple[Table, LinearTable, list[Equation]]]:
        opts = self.tables(pred, squares=False)
        if pred.kind is not Kind.COLL:
            return opts
        pts = list(dict.fromkeys(pred.points))
        stars = []
        for hub in pts:
            others = [x for x in pts if x != hub]
            base = seg(hub, others[0])
            stars.append((Table.ANGLE, self.angles, [({base: 1, seg(hub, x): -1}, Fraction(0)) for x in others[1:]]))
        return stars + [o for o in opts if o[0] is not Table.ANGLE]

    def _folded(self, pred: Predicate) -> Table | None:
        """Multiple-angle step: if twice (three times) an angle statement follows (mod 180
        degrees), the statement holds up to a multiple of 90 (60) degrees, and the figure
        decides which case (``Table.ANGLE2``, ``Table.ANGLE3``): the angles of an isosceles
        right triangle (45 degrees), of an equilateral triangle (60 degrees, its orientation
        read off the figure). None when the statement is not an angle statement, is false in
        the figure, or no multiple follows."""
        if pred.kind not in ANGLE_KINDS or pred.kind is Kind.COLL or self.pts is None:
            return None
        eqs = angle_equations(pred)
        if not eqs or not all(c and holds_numerically(c, k, self.pts) for c, k in eqs):
            return None
        folds = {self.angles.implied_multiple(c, k, MULTIPLES) for c, k in eqs}
        if len(folds) != 1:
            return None
        (n,) = folds
        return FOLD_TABLES.get(n) if n is not None else None

    def implies(self, pred: Predicate) -> bool:
        """Whether the tables imply ``pred`` (remembered until a table gains a row)."""
        return self.implying(pred) is not None

    def implying(self, pred: Predicate) -> Table | None:
        """The table that implies ``pred``, the first in :meth:`explain`'s order (a
        multiple-angle step, ``Table.ANGLE2`` or ``Table.ANGLE3``, when only that does), or
        None; remembered until a table gains a row."""
        try:
            return self._implied[pred]
        except KeyError:
            found = self._implied[pred] = self._implying(pred)
            return found

    def identity(self, pred: Predicate) -> bool:
        """Whether ``pred`` holds in every table with no equation at all (such as AB = AB)."""
        opts = self._options(pred)
        return bool(opts) and all(not c for _, _, eqs in opts for c, _ in eqs)

    def residual(self, table: Table, terms: Terms) -> tuple[tuple, Fraction]:
        """:meth:`LinearTable.residual` of the combination ``terms`` (``((unknown, coefficient),
        ...)``) in the angle or ratio table, remembered until a table gains a row. Two
        combinations have equal residuals exactly when the table implies they are equal, so a
        matcher that asks many equalities among few quantities reduces each quantity once."""
        found = self._residuals.get((table, terms))
        if found is None:
            lin = self.angles if table is Table.ANGLE else self.ratios
            found = self._residuals[(table, terms)] = lin.residual(dict(terms))
        return found

    def _implying(self, pred: Predicate) -> Table | None:
        for name, table, eqs in self._options(pred):
            if all(table.implies(c, k) for c, k in eqs):
                return name
        return self._folded(pred)

    def explain(
        self, pred: Predicate, before: int | None = None, via: Table | None = None
    ) -> tuple[Table, list[tuple[int, Fraction]], tuple[Condition, ...]] | None:
        """The table, the fact ids (with multipliers) whose equations combine to ``pred``,
        and the configuration conditions the combination reads off the figure.

        For facts with several equations the union of the explanations is returned
        (multipliers are then per equation and only informative). None if no table
        implies ``pred``. Conditions: a multiple-angle step (``Table.ANGLE2``,
        ``Table.ANGLE3``) assumes the case of the multiple angle the figure shows; a length
        step the order of the collinear points whose equations it uses.

        ``before`` and ``via`` explain a fact recorded earlier, with the id ``before``, as
        implied by ``via`` (:meth:`implying` then): from the equations of the facts before it
        only, in that table, which gives the explanation :meth:`explain` gave then
        (:meth:`LinearTable.explain`'s ``allowed``), and never cites a later fact.
        """
        allowed = None if before is None else (lambda reason: reason[0] < before)
        for name, table, eqs in self._options(pred):
            if via is not None and name is not via:
                continue
            if all(table.implies(c, k) for c, k in eqs):
                found = self._explain(table, eqs, allowed)
                if found is None:  # not from the earlier facts: a later option is the one
                    continue
                used, reasons = found
                conditions: tuple[Condition, ...] = ()
                if name is Table.LENGTH:
                    used_orders = {self._orders[r] for r in reasons if r in self._orders}
                    if pred.kind is Kind.COLL:  # the statement's own order is read too
                        assert self.pts is not None
                        used_orders.update(coll_orders(pred.points, self.pts))
                    conditions = tuple(sorted(used_orders))
                return name, used, conditions
        fold = self._folded(pred) if via is None else via if via in FOLD_FACTORS else None
        if fold is None:
            return None
        n = FOLD_FACTORS[fold]
        eqs = [({v: n * x for v, x in c.items()}, n * k % 1) for c, k in angle_equations(pred)]
        found = self._explain(self.angles, eqs, allowed)
        if found is None:
            return None
        return fold, found[0], (Condition.angle_case(pred, n),)

    def square_explain(self, pred: Predicate) -> list[tuple[int, Fraction]] | None:
        """The facts (with multipliers) whose squared-length equations combine to ``pred``
        (a right angle, equal segments, a squared-length equation), or None."""
        eqs = [(c, k) for c, k in square_equations(pred) if c]
        if not eqs or not all(self.squares.implies(c, k) for c, k in eqs):
            return None
        found = self._explain(self.squares, eqs)
        assert found is not None
        return found[0]

    def _explain(
        self, table: LinearTable, eqs: list[Equation], allowed: Callable[[Hashable], bool] | None = None
    ) -> tuple[list[tuple[int, Fraction]], set] | None:
        """The facts (with multipliers) and equation reasons explaining ``eqs``, which the
        table implies; None if the equations ``allowed`` admits do not."""
        used: dict[int, Fraction] = {}
        reasons: set = set()
        for c, k in eqs:
            if not c:
                continue
            expl = table.explain(c, k, allowed)
            if expl is None:
                assert allowed is not None, "an implied equation has no explanation"
                return None
            for reason, mult in expl:
                reasons.add(reason)
                fid = reason[0]
                used[fid] = used.get(fid, 0) + Fraction(mult)
        return sorted(used.items()), reasons

    def angle_residual(self, a: str, b: str, c: str, d: str) -> tuple:
        """Canonical key of the angle (ab, cd) after the table's substitutions."""
        coeffs: dict = {}
        add_term(coeffs, seg(c, d), 1)
        add_term(coeffs, seg(a, b), -1)
        return self.angles.residual(coeffs)

    def ratio_residual(self, a: str, b: str, c: str, d: str) -> tuple:
        coeffs: dict = {}
        add_term(coeffs, seg(a, b), 1)
        add_term(coeffs, seg(c, d), -1)
        return self.ratios.residual(coeffs)
