"""Exact incremental Gaussian elimination with provenance (the core of AR).

A :class:`LinearTable` holds linear equations ``sum_i c_i * x_i = const`` over
the rationals, each tagged with a hashable *reason* (the fact it came from).
It answers three questions: does an equation follow (:meth:`LinearTable.implies`),
what is left of an expression after substituting the table
(:meth:`LinearTable.residual`, used to find pairs of expressions with a constant
difference), and which input equations combine into a derived one
(:meth:`LinearTable.explain`).

>>> t = LinearTable(modulus=Fraction(1))          # directed angles, units of 180 degrees
>>> t.add({"a": 1, "b": -1}, Fraction(1, 2), "perp a b")
True
>>> t.add({"b": 1, "c": -1}, Fraction(1, 2), "perp b c")
True
>>> t.implies({"a": 1, "c": -1}, 0)                # a - c = 1 = 0 (mod 1): a // c
True
>>> t.explain({"a": 1, "c": -1}, 0)
[('perp a b', Fraction(1, 1)), ('perp b c', Fraction(1, 1))]

Design
------
* The table is kept in reduced row-echelon form: one row per pivot variable,
  ``pivot + sum a_v * v = k``, whose other variables ``v`` are all free (no
  pivot occurs in any row). Reducing an expression is therefore one pass of
  substitutions, and the reduced form of an expression is canonical for the
  current table.
* A new equation is reduced; if something remains, one of its variables
  becomes a pivot and is substituted out of the rows containing it (found
  through an occurrence index, not a scan). The pivot is the variable with a
  coefficient of +-1 if there is one (keeping numbers integral), then the one
  occurring in the fewest rows (least work and fill-in), then the largest in
  sort order.
* Numbers are kept as ``int`` when integral and as ``Fraction`` otherwise; the
  public API accepts and returns ``Fraction`` (or ``int``) values.
* Provenance is recorded lazily as a DAG: every row version is a node that is
  a combination of an input equation and older row versions. Expanding a
  node into input equations (reverse accumulation, as in reverse-mode
  differentiation) is only done by :meth:`LinearTable.explain`.
* Explanations: the combination in terms of the independent ("basis") input
  equations is unique, hence irreducible, but it may be long (redundant input
  equations never enter it). ``explain`` first searches for a short
  combination near the query (input equations ordered by breadth-first
  distance from the query's variables, added to a small table until the query
  follows) and falls back to the basis combination. Either result is a unique
  combination of linearly independent equations, so no reason can be dropped,
  and it is re-verified with :func:`combine`.
* With a modulus, constants are compared modulo it. Internally constants are
  exact linear combinations of the (reduced) input constants, so an
  explanation's multipliers reproduce the queried constant exactly as the
  table computed it. Note: modular reasoning is only sound for integer
  multipliers; like AlphaGeometry, the table does not insist on them (with
  unit coefficients, as for angle facts, multipliers are integers).

Variables may be any hashable values that are mutually orderable (e.g. all
ints or all tuples of str): sort order gives canonical residual keys and
breaks ties in the pivot choice. Results are deterministic: the same
equations added in the same order give the same answers.
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from fractions import Fraction
from math import gcd, lcm
from numbers import Rational
Number = int | Fraction
Coeffs = Mapping[Hashable, Number]
ResidualKey = tuple[tuple[Hashable, Number], ...]

__all__ = [
    "InconsistentError",
    "LinearTable",
    "combine",
    "same_equation",
]

# Input equations tried by the local search of ``explain`` before giving up.
_LOCAL_BUDGET = 96


class InconsistentError(ValueError):
    """An equation that contradicts the table (it reduces to ``0 = c != 0``).

    >>> t = LinearTable()
    >>> _ = t.add({"x": 1}, 1, "r1")
    >>> try:
    ...     t.add({"x": 1}, 2, "r2")
    ... except InconsistentError as err:
    ...     print(err)
    equation 'r2' contradicts the table (0 = 1)
    """

    def __init__(self, reason: Hashable, const: Fraction) -> None:
        self.reason = reason
        self.const = const
        super().__init__(f"equation {reason!r} contradicts the table (0 = {const})")


def _exact(x: object) -> Number:
    """``x`` as an int if integral, else as a Fraction; floats are refused."""
    if type(x) is int:
        return x
    if type(x) is Fraction:
        return x.numerator if x.denominator == 1 else x
    if isinstance(x, Rational):
        return _exact(Fraction(x.numerator, x.denominator))
    raise TypeError(f"expected an exact rational (int or Fraction), got {x!r}")


def _ratio(a: int, b: int) -> Number:
    """``a / b`` for ints, as an int when exact."""
    return a // b if a % b == 0 else Fraction(a, b)


def _primitive(coeffs: dict) -> dict[Hashable, int]:
    """A positive multiple of ``coeffs`` with coprime integer values."""
    den = 0
    for c in coeffs.values():
        if type(c) is not int:
            den = lcm(den or 1, c.denominator)
    ints = coeffs if not den else {v: int(c * den) for v, c in coeffs.items()}
    g = gcd(*ints.values())
    return {v: c // g for v, c in ints.items()} if g != 1 else dict(ints)


def _canonical(coeffs: Coeffs) -> dict[Hashable, Number]:
    """The nonzero coefficients of ``coeffs`` as exact numbers."""
    out = {}
    for v, c in coeffs.items():
        c = _exact(c)
        if c:
            out[v] = c
    return out


def _fraction(x: Number) -> Fraction:
    return x if type(x) is Fraction else Fraction(x)


class _Row:
    """``d * pivot + sum coeffs[v] * v = const``: integer coefficients, coprime, ``d > 0``.

    ``node`` is the row's provenance (a node of the table's DAG).
    """

    __slots__ = ("d", "coeffs", "const", "node")

    def __init__(self, d: int, coeffs: dict[Hashable, int], const: Number, node: int) -> None:
        self.d = d
        self.coeffs = coeffs
        self.const = const
        self.node = node


class LinearTable:
    """Linear equations ``sum_i c_i * x_i = const`` over exact rationals.

    Each input equation is tagged with a hashable ``reason``. If ``modulus``
    is given (e.g. ``Fraction(1)`` for directed angles in units of 180
    degrees), constants are taken modulo it (reduced into ``[0, modulus)``).

    >>> t = LinearTable()
    >>> t.add({"x": 1, "y": -1}, 0, "x=y")
    True
    >>> t.add({"y": 2}, 6, "y=3")
    True
    >>> t.implies({"x": 1}, 3)
    True
    >>> sorted(t.variables)
    ['x', 'y']
    """

    def __init__(self, modulus: Fraction | int | None = None) -> None:
        if modulus is not None:
            modulus = _exact(modulus)
            if modulus <= 0:
                raise ValueError(f"modulus must be positive, got {modulus}")
        self.modulus = modulus
        self._rows: dict[Hashable, _Row] = {}  # pivot -> row
        self._occ: dict[Hashable, set] = {}  # free variable -> pivots of rows using it
        self._eqs: dict[Hashable, tuple[dict, Number]] = {}  # reason -> input equation
        self._order: dict[Hashable, int] = {}  # reason -> insertion index
        self._by_var: dict[Hashable, list] = {}  # variable -> reasons using it
        # Provenance DAG: node -> ((child, multiplier), ...); leaves name a reason.
        self._children: list[tuple[tuple[int, Number], ...]] = []
        self._leaf: dict[int, Hashable] = {}

    # ----------------------------------------------------------------- queries

    @property
    def variables(self) -> frozenset:
        """All variables of the input equations.

        >>> t = LinearTable()
        >>> _ = t.add({1: 1, 2: -1}, 0, "r")
        >>> sorted(t.variables)
        [1, 2]
        """
        return frozenset(self._by_var)

    @property
    def rank(self) -> int:
        """The number of independent input equations (pivot variables)."""
        return len(self._rows)

    def __len__(self) -> int:
        """The number of input equations (redundant ones included)."""
        return len(self._eqs)

    def __contains__(self, reason: Hashable) -> bool:
        return reason in self._eqs

    def equation(self, reason: Hashable) -> tuple[dict, Fraction]:
        """The input equation stored under ``reason`` (constant reduced by the modulus).

        >>> t = LinearTable(modulus=1)
        >>> _ = t.add({"a": 1, "b": -1}, Fraction(-1, 2), "r")
        >>> t.equation("r")
        ({'a': Fraction(1, 1), 'b': Fraction(-1, 1)}, Fraction(1, 2))
        """
        coeffs, const = self._eqs[reason]
        return {v: _fraction(c) for v, c in coeffs.items()}, _fraction(const)

    def implies(self, coeffs: Coeffs, const: Fraction | int) -> bool:
        """Whether ``sum coeffs[v] * v = const`` follows from the table.

        >>> t = LinearTable()
        >>> _ = t.add({"x": 1, "y": 1}, 2, "r")
        >>> t.implies({"x": 2, "y": 2}, 4), t.implies({"x": 1}, 1)
        (True, False)
        """
        rest, acc = self._reduce(_canonical(coeffs))
        return not rest and self._is_zero(_exact(const) - acc)

    def residual(self, coeffs: Coeffs) -> tuple[ResidualKey, Fraction]:
        """Reduce ``sum coeffs[v] * v`` by the table: ``(key, const)``.

        The expression equals ``sum c * v for (v, c) in key`` plus ``const``
        (modulo the modulus). The key lists the remaining (free) variables in
        sort order with nonzero exact coefficients, so two expressions differ
        by a constant iff their keys are equal, and the difference is then the
        difference of the constants. Keys are only comparable while the table
        is unchanged.

        >>> t = LinearTable(modulus=1)
        >>> _ = t.add({"a": 1, "b": -1}, Fraction(1, 2), "perp")
        >>> t.residual({"a": 1, "c": -1})
        ((('a', 1), ('c', -1)), Fraction(0, 1))
        >>> t.residual({"b": 1, "c": -1})      # b - c = a - c - 1/2 = a - c + 1/2 (mod 1)
        ((('a', 1), ('c', -1)), Fraction(1, 2))
        """
        rest, acc = self._reduce(_canonical(coeffs))
        return tuple(sorted(rest.items())), _fraction(self._mod(acc))

    # --------------------------------------------------------------- add

    def add(self, coeffs: Coeffs, const: Fraction | int, reason: Hashable) -> bool:
        """Add ``sum coeffs[v] * v = const`` under ``reason``.

        Returns True if it is new information and False if the table already
        implied it (it is still recorded, and may appear in explanations).
        Raises :class:`InconsistentError` (and records nothing) if it
        contradicts the table, and ``ValueError`` if ``reason`` is already
        used for a different equation.

        >>> t = LinearTable()
        >>> t.add({"x": 1, "y": -1}, 0, "r1"), t.add({"y": 1, "x": -1}, 0, "r2")
        (True, False)
        """
        coeffs = _canonical(coeffs)
        const = self._mod(_exact(const))
        if reason in self._eqs:
            if self._eqs[reason] == (coeffs, const):
                return False
            raise ValueError(f"reason {reason!r} is already used for another equation")
        rest, acc, used = self._reduce_tracked(coeffs)
        if not rest and not self._is_zero(const - acc):
            raise InconsistentError(reason, _fraction(self._mod(const - acc)))
        self._record(coeffs, const, reason)
        if not rest:
            return False
        leaf = self._new_node((), reason)
        self._insert_row(rest, const - acc, [(leaf, 1)] + used)
        return True

    def _record(self, coeffs: dict, const: Number, reason: Hashable) -> None:
        self._eqs[reason] = (coeffs, const)
        self._order[reason] = len(self._order)
        for v in coeffs:
            self._by_var.setdefault(v, []).append(reason)

    def _insert_row(self, rest: dict, const: Number, terms: list) -> None:
        """Make ``rest = const`` (free variables only) a row, eliminating its pivot.

        ``terms`` is the provenance of ``rest = const`` as ``[(node, multiplier)]``.
        """
        ints = _primitive(rest)
        pivot = self._choose_pivot(ints)
        d = ints.pop(pivot)
        scale = _exact(Fraction(d) / rest[pivot])  # primitive = scale * rest
        if d < 0:
            d, scale = -d, -scale
            ints = {v: -c for v, c in ints.items()}
        node = self._new_node(tuple((n, _exact(m * scale)) for n, m in terms))
        row = _Row(d, ints, _exact(const * scale), node)
        occ = self._occ
        for v in ints:
            occ.setdefault(v, set())
        for target in occ.pop(pivot, ()):
            self._substitute(target, pivot, row)
        self._rows[pivot] = row
        for v in ints:
            occ[v].add(pivot)

    def _choose_pivot(self, ints: dict) -> Hashable:
        """A unit coefficient first, then fewest occurrences, then the largest variable."""
        occ = self._occ
        best = best_key = None
        for v, c in ints.items():
            key = (c != 1 and c != -1, len(occ.get(v, ())))
            if best is None or key < best_key or (key == best_key and v > best):
                best, best_key = v, key
        return best

    def _substitute(self, target: Hashable, pivot: Hashable, row: _Row) -> None:
        """Eliminate ``pivot`` from the row of ``target``: ``(row.d * trow - b * row) / g``."""
        trow = self._rows[target]
        tc = trow.coeffs
        b = tc.pop(pivot)
        dp = row.d
        if dp != 1:
            trow.d *= dp
            for v in tc:
                tc[v] *= dp
            trow.const *= dp
        occ = self._occ
        for v, a in row.coeffs.items():
            old = tc.get(v)
            if old is None:
                tc[v] = -b * a
                occ[v].add(target)
            else:
                x = old - b * a
                if x:
                    tc[v] = x
                else:
                    del tc[v]
                    occ[v].discard(target)
        if row.const:
            trow.const -= b * row.const
        g = gcd(trow.d, *tc.values()) if trow.d != 1 else 1
        if g != 1:
            trow.d //= g
            for v in tc:
                tc[v] //= g
            trow.const = _exact(Fraction(trow.const, g))
        trow.node = self._new_node(((trow.node, _ratio(dp, g)), (row.node, _ratio(-b, g))))

    # ------------------------------------------------------------ reduction

    def _reduce(self, coeffs: dict) -> tuple[dict, Number]:
        """``sum coeffs * x == sum rest * x + acc`` with only free variables in ``rest``."""
        rows = self._rows
        out: dict = {}
        get = out.get
        acc = 0
        for v, c in coeffs.items():
            row = rows.get(v)
            if row is None:
                out[v] = get(v, 0) + c
            else:
                if row.d != 1:
                    c = _exact(Fraction(c, row.d))
                acc += c * row.const
                for u, a in row.coeffs.items():
                    out[u] = get(u, 0) - c * a
        return {u: c for u, c in out.items() if c}, acc

    def _reduce_tracked(self, coeffs: dict) -> tuple[dict, Number, list]:
        """As :meth:`_reduce`, also returning the rows used: ``[(node, -multiplier)]``."""
        rest, acc = self._reduce(coeffs)
        used = []
        for v, c in coeffs.items():
            row = self._rows.get(v)
            if row is not None:
                used.append((row.node, _exact(Fraction(-c, row.d))))
        return rest, acc, used

    def _mod(self, x: Number) -> Number:
        m = self.modulus
        return x if m is None else _exact(x % m)

    def _is_zero(self, x: Number) -> bool:
        m = self.modulus
        return not x if m is None else not x % m

    # ----------------------------------------------------------- provenance

    def _new_node(self, children: tuple, reason: Hashable = None) -> int:
        node = len(self._children)
        self._children.append(children)
        if not children:
            self._leaf[node] = reason
        return node

    def _expand(self, seeds: list[tuple[int, Number]]) -> dict[Hashable, Number]:
        """Expand a combination of DAG nodes into input reasons (reverse accumulation)."""
        children = self._children
        acc: dict[int, Number] = {}
        for node, m in seeds:
            acc[node] = acc.get(node, 0) + m
        stack, seen = list(acc), set(acc)
        while stack:
            for child, _ in children[stack.pop()]:
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        result: dict[Hashable, Number] = {}
        for node in sorted(seen, reverse=True):  # parents before children
            a = acc.pop(node, 0)
            if not a:
                continue
            kids = children[node]
            if not kids:
                reason = self._leaf[node]
                result[reason] = result.get(reason, 0) + a
            for child, m in kids:
                acc[child] = acc.get(child, 0) + a * m
        return {r: a for r, a in result.items() if a}

    def _basis_explanation(self, coeffs: dict) -> dict[Hashable, Number]:
        """The unique combination of independent input equations giving ``coeffs``."""
        rows = self._rows
        seeds = [(rows[v].node, _exact(Fraction(c, rows[v].d))) for v, c in coeffs.items() if v in rows]
        return self._expand(seeds)

    # -------------------------------------------------------------- explain

    def explain(
        self, coeffs: Coeffs, const: Fraction | int
    ) -> list[tuple[Hashable, Fraction]] | None:
        """Input equations that combine into ``sum coeffs[v] * v = const``.

        Returns ``[(reason, multiplier), ...]`` (in insertion order of the
        reasons) whose combination equals the query exactly in the variables
        and in the constant modulo the modulus, or None if the query does not
        follow. No reason can be dropped; redundant input equations are used
        when they give a shorter explanation.

        >>> t = LinearTable()
        >>> for i, r in enumerate(["x=y", "y=z", "x=z"]):
        ...     _ = t.add({r[0]: 1, r[2]: -1}, 0, r)
        >>> t.explain({"x": 1, "z": -1}, 0)
        [('x=z', Fraction(1, 1))]
        >>> t.explain({"x": 1}, 0) is None
        True
        """
        query = _canonical(coeffs)
        const = _exact(const)
        if not self.implies(query, const):
            return None
        found = self._local_explanation(query, const)
        if found is None or not self._verify(found, query, const):
            found = self._basis_explanation(query)
            assert self._verify(found, query, const), "provenance does not reproduce the query"
        order = self._order
        return [(r, _fraction(found[r])) for r in sorted(found, key=order.__getitem__)]

    def _local_explanation(self, query: dict, const: Number) -> dict | None:
        """Search the input equations near ``query`` for a short explanation.

        Equations are taken in rings of breadth-first distance from the
        query's variables (within a ring, those reaching fewest new variables
        first, then in insertion order) and added to a scratch table until it
        implies the query; the answer is the scratch table's basis
        combination. Gives up (None) after ``_LOCAL_BUDGET`` equations.
        """
        scratch = LinearTable(self.modulus)
        ball, frontier, seen = set(query), list(query), set()
        tried = 0
        while frontier:
            ring = []
            for v in frontier:
                for r in self._by_var.get(v, ()):
                    if r not in seen:
                        seen.add(r)
                        ring.append(r)
            ring.sort(key=lambda r: (sum(u not in ball for u in self._eqs[r][0]), self._order[r]))
            frontier = []
            for r in ring:
                eq_coeffs, eq_const = self._eqs[r]
                try:
                    new = scratch.add(eq_coeffs, eq_const, r)
                except InconsistentError:  # only possible with a modulus and fractional multipliers
                    continue
                if new and scratch.implies(query, const):
                    return scratch._basis_explanation(query)
                tried += 1
                if tried >= _LOCAL_BUDGET:
                    return None
                for u in eq_coeffs:
                    if u not in ball:
                        ball.add(u)
                        frontier.append(u)
        return None

    def _verify(self, found: dict, query: dict, const: Number) -> bool:
        eqs = [self._eqs[r] for r in found]
        return same_equation(combine(eqs, list(found.values())), (query, const), self.modulus)


def combine(
    equations: Iterable[tuple[Mapping[Hashable, Number], Number]],
    multipliers: Iterable[Number],
) -> tuple[dict[Hashable, Fraction], Fraction]:
    """``sum multiplier * equation`` as ``(coeffs, const)``; zero coefficients dropped.

    Independent of :class:`LinearTable`, for re-checking explanations.

    >>> combine([({"x": 1, "y": -1}, 0), ({"y": 1, "z": -1}, Fraction(1, 2))], [1, 2])
    ({'x': Fraction(1, 1), 'y': Fraction(1, 1), 'z': Fraction(-2, 1)}, Fraction(1, 1))
    """
    coeffs: dict[Hashable, Fraction] = {}
    const = Fraction(0)
    for (eq_coeffs, eq_const), m in zip(equations, multipliers, strict=True):
        m = Fraction(m)
        for v, c in eq_coeffs.items():
            coeffs[v] = coeffs.get(v, Fraction(0)) + m * c
        const += m * eq_const
    return {v: c for v, c in coeffs.items() if c}, const


def same_equation(
    e1: tuple[Mapping[Hashable, Number], Number],
    e2: tuple[Mapping[Hashable, Number], Number],
    modulus: Fraction | int | None = None,
) -> bool:
    """Whether two ``(coeffs, const)`` equations are identical (constants modulo ``modulus``).

    >>> same_equation(({"x": 1, "y": 0}, Fraction(3, 2)), ({"x": 1}, Fraction(1, 2)), 1)
    True
    >>> same_equation(({"x": 1}, 1), ({"x": 2}, 2))
    False
    """
    c1 = {v: c for v, c in e1[0].items() if c}
    c2 = {v: c for v, c in e2[0].items() if c}
    diff = Fraction(e1[1]) - Fraction(e2[1])
    return c1 == c2 and (not diff if modulus is None else not diff % Fraction(modulus))
