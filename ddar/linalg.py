"""Exact incremental Gaussian elimination with provenance (the core of AR).

A :class:`LinearTable` holds linear equations ``sum_i c_i * x_i = const`` over
the rationals, each tagged with a hashable *reason* (the fact it came from).
It answers three questions: does an equation follow
(:meth:`LinearTable.implies`), what is left of an expression after
substituting the table (:meth:`LinearTable.residual`, to find expressions
with a constant difference), and which input equations combine into a
derived one (:meth:`LinearTable.explain`).

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
  ``d * pivot + sum a_v * v = k`` with coprime integer coefficients, whose
  other variables are all free (no pivot occurs in another row). Reducing an
  expression is one pass of substitutions and gives a canonical form.
  Constants are kept as whole numbers of a table-wide unit ``1/D`` (``D``
  grows when an input brings a new denominator). Integer arithmetic
  (fraction-free elimination) is several times faster than Fractions; the
  API takes and returns ``int`` or ``Fraction`` values.
* A new equation is reduced; if something remains, one of its variables
  becomes a pivot and is substituted out of the rows containing it (found
  through an occurrence index, not a scan). The pivot is a variable with
  coefficient +-1 if there is one (keeps ``d == 1``), then the one occurring
  in the fewest rows (least work and fill-in), then the largest in sort order.
* Provenance is a DAG: every row version is a node combining an input
  equation and older row versions. It is expanded into input equations
  (reverse accumulation, as in reverse-mode differentiation) only by
  :meth:`LinearTable.explain`.
* Explanations: the combination of independent ("basis") input equations is
  unique, hence irreducible, but may be long, since redundant input equations
  never enter it. ``explain`` also searches for a short combination near the
  query (input equations in breadth-first order from the query's variables,
  added to a scratch table until it implies the query) and returns the
  shorter of the two (it skips the basis combination when the local one has
  at most two reasons: expanding it can be costly in dense tables). Either
  way the result combines linearly independent equations, so no reason can
  be dropped, and it is re-checked exactly before it is returned.

Modulus
-------
An equation modulo ``m`` cannot be divided: ``2x = 0 (mod 1)`` does not give
``x = 0``. With a modulus, coefficients must therefore be integers and only
integer combinations are used. Rows pivot on coefficients +-1 only; the rare
equations without one (``2x - 2y = 1/2``: an angle of 45 or 135 degrees) are
kept in a small lattice in Hermite normal form. This is sound and complete
for linear equations over the reals modulo ``m``.

Variables may be any hashable values that are mutually orderable (e.g. all
ints or all tuples of str): sort order gives canonical residual keys and
breaks ties. Results are deterministic: the same equations added in the same
order give the same answers.
"""
from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping
from fractions import Fraction
from math import gcd, lcm
from numbers import Rational
from typing import Any

Number = int | Fraction
Variable = Any  # hashable and mutually orderable
Coeffs = Mapping[Variable, Number]
ResidualKey = tuple[tuple[Variable, Number], ...]

__all__ = ["InconsistentError", "LinearTable", "combine", "same_equation"]

# Input equations the local search of ``explain`` adds before giving up.
_LOCAL_BUDGET = 256


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


# ------------------------------------------------------------------ numbers


def _exact(x: object) -> Number:
    """``x`` as an int if integral, else as a Fraction; floats are refused."""
    if type(x) is int:
        return x
    if type(x) is Fraction:
        return x.numerator if x.denominator == 1 else x
    if isinstance(x, Rational):
        return _exact(Fraction(int(x.numerator), int(x.denominator)))
    raise TypeError(f"expected an exact rational (int or Fraction), got {x!r}")


def _fraction(x: Number) -> Fraction:
    return x if type(x) is Fraction else Fraction(x)


def _ratio(a: Number, b: Number) -> Number:
    """``a / b`` exactly, as an int when integral."""
    if type(a) is int and type(b) is int and a % b == 0:
        return a // b
    return _exact(Fraction(a) / b)


def _primitive(coeffs: dict) -> dict[Variable, int]:
    """The positive multiple of ``coeffs`` with coprime integer values."""
    den = 0
    for c in coeffs.values():
        if type(c) is not int:
            den = lcm(den or 1, c.denominator)
    ints = coeffs if not den else {v: int(c * den) for v, c in coeffs.items()}
    g = gcd(*ints.values())
    return {v: c // g for v, c in ints.items()} if g != 1 else dict(ints)


def _has_unit(coeffs: dict) -> bool:
    return any(c == 1 or c == -1 for c in coeffs.values())


def _ext_gcd(a: int, b: int) -> tuple[int, int, int]:
    """``(g, s, t)`` with ``s * a + t * b == g == gcd(a, b) > 0``."""
    s0, s1, t0, t1 = 1, 0, 0, 1
    while b:
        q, r = divmod(a, b)
        a, b = b, r
        s0, s1 = s1, s0 - q * s1
        t0, t1 = t1, t0 - q * t1
    return (a, s0, t0) if a > 0 else (-a, -s0, -t0)


class _Row:
    """``d * pivot + sum coeffs[v] * v = const``: integer coefficients, coprime, ``d > 0``.

    ``node`` is the row's provenance (a node of the table's DAG).
    """

    __slots__ = ("coeffs", "const", "d", "node")

    def __init__(self, d: int, coeffs: dict[Variable, int], const: Number, node: int) -> None:
        self.d = d
        self.coeffs = coeffs
        self.const = const
        self.node = node


class _Vector:
    """``sum coeffs[v] * v = const`` in the lattice part of a modular table."""

    __slots__ = ("coeffs", "const", "lead", "node")

    def __init__(self, coeffs: dict[Variable, int], const: Number, node: int) -> None:
        self.coeffs = coeffs
        self.const = const
        self.node = node
        self.lead: Variable = min(coeffs) if coeffs else None


# -------------------------------------------------------------------- table


class LinearTable:
    """Linear equations ``sum_i c_i * x_i = const`` over exact rationals.

    Each input equation is tagged with a hashable ``reason``. If ``modulus``
    is given (e.g. ``Fraction(1)`` for directed angles in units of 180
    degrees), constants are taken modulo it (reduced into ``[0, modulus)``)
    and coefficients must be integers (see the module documentation).

    >>> t = LinearTable()
    >>> t.add({"x": 1, "y": -1}, 0, "x=y")
    True
    >>> t.add({"y": 2}, 6, "y=3")
    True
    >>> t.implies({"x": 1}, 3)
    True
    """

    def __init__(self, modulus: Fraction | int | None = None) -> None:
        if modulus is not None:
            modulus = _exact(modulus)
            if modulus <= 0:
                raise ValueError(f"modulus must be positive, got {modulus}")
        self.modulus = modulus
        # Constants are stored as numbers of units 1/_den (ints, as a rule).
        self._den = 1 if modulus is None else _fraction(modulus).denominator
        self._modulus_units = None if modulus is None else int(modulus * self._den)
        self._rows: dict[Variable, _Row] = {}  # pivot -> row
        self._occ: dict[Variable, set] = {}  # free variable -> pivots of rows using it
        self._lattice: list[_Vector] = []  # modulus only: Hermite normal form, by lead
        self._eqs: dict[Hashable, tuple[dict, Number]] = {}  # reason -> input equation
        self._order: dict[Hashable, int] = {}  # reason -> insertion index
        self._by_var: dict[Variable, list] = {}  # variable -> reasons using it
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
        """The number of independent input equations."""
        return len(self._rows) + len(self._lattice)

    @property
    def has_lattice(self) -> bool:
        """Whether some row has no unit coefficient (a modulus table only: ``2x = c``): then a
        multiple of an equation can follow without the equation."""
        return bool(self._lattice)

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
        units = self._units(_exact(const))
        rest, acc = self._reduce_all(self._input(coeffs))
        return not rest and self._is_zero(units - acc)

    def implied_multiple(self, coeffs: Coeffs, const: Fraction | int, factors: Iterable[int]) -> int | None:
        """The first ``n`` of ``factors`` such that ``n`` times the equation follows (None if none):
        with a modulus, ``3x = 0`` does not give ``x = 1/3``, but it leaves only the cases
        ``x = 0, 1/3, 2/3``. One reduction serves every factor.

        >>> t = LinearTable(modulus=1)
        >>> _ = t.add({"x": 3}, 0, "3x = 0")
        >>> t.implies({"x": 1}, Fraction(1, 3)), t.implied_multiple({"x": 1}, Fraction(1, 3), (2, 3))
        (False, 3)
        """
        units = self._units(_exact(const))
        rest, acc = self._reduce(self._input(coeffs))
        for n in factors:
            left, more = {v: n * c for v, c in rest.items()}, 0
            if left and self._lattice:
                left, more, _ = self._reduce_lattice(left, track=False)
            if not left and self._is_zero(n * units - n * acc - more):
                return n
        return None

    def residual(self, coeffs: Coeffs) -> tuple[ResidualKey, Fraction]:
        """Reduce ``sum coeffs[v] * v`` by the table: ``(key, const)``.

        The expression equals ``sum c * v for (v, c) in key`` plus ``const``
        (modulo the modulus). The key lists the remaining variables in sort
        order with their nonzero coefficients (exact; ints where integral), so
        two expressions differ by a constant iff their keys are equal, and the
        difference is then the difference of the constants. Keys are only
        comparable while the table is unchanged.

        >>> t = LinearTable(modulus=1)
        >>> _ = t.add({"a": 1, "b": -1}, Fraction(1, 2), "perp")
        >>> t.residual({"a": 1, "c": -1})
        ((('a', 1), ('c', -1)), Fraction(0, 1))
        >>> t.residual({"b": 1, "c": -1})      # b - c = a - c - 1/2 = a - c + 1/2 (mod 1)
        ((('a', 1), ('c', -1)), Fraction(1, 2))
        """
        rest, acc = self._reduce_all(self._input(coeffs))
        return tuple(sorted(rest.items())), self._value(acc)

    # ------------------------------------------------------------------- add

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
        coeffs = self._input(coeffs)
        const = self._mod(_exact(const))
        if reason in self._eqs:
            if self._eqs[reason] == (coeffs, const):
                return False
            raise ValueError(f"reason {reason!r} is already used for another equation")
        self._grow_units(const)
        rest, acc, used = self._reduce_tracked(coeffs)
        k = self._units(const) - acc
        if self.modulus is not None and (self._lattice or not _has_unit(rest)):
            return self._add_to_lattice(coeffs, const, reason, rest, k, used)
        if not rest:
            self._check_zero(k, reason)
            self._record(coeffs, const, reason)
            return False
        self._record(coeffs, const, reason)
        self._insert_row(rest, k, self._input_node(reason, used))
        return True

    def _input(self, coeffs: Coeffs) -> dict[Variable, Number]:
        """The nonzero coefficients as exact numbers (integers with a modulus)."""
        out = {}
        for v, c in coeffs.items():
            if type(c) is not int:
                c = _exact(c)
                if type(c) is not int and self.modulus is not None:
                    raise ValueError("with a modulus, coefficients must be integers")
            if c:
                out[v] = c
        return out

    def _record(self, coeffs: dict, const: Number, reason: Hashable) -> None:
        self._eqs[reason] = (coeffs, const)
        self._order[reason] = len(self._order)
        for v in coeffs:
            self._by_var.setdefault(v, []).append(reason)

    def _check_zero(self, units: Number, reason: Hashable) -> None:
        if not self._is_zero(units):
            raise InconsistentError(reason, self._value(units))

    def _insert_row(self, rest: dict, const: Number, node: int) -> None:
        """Make ``rest = const`` (free variables only) a row, eliminating its pivot."""
        ints = rest if self.modulus is not None else _primitive(rest)
        pivot = self._choose_pivot(ints)
        d = ints[pivot]
        scale = _ratio(abs(d), rest[pivot])
        if d < 0:
            ints = {v: -c for v, c in ints.items()}
        del ints[pivot]
        if scale != 1:
            node = self._new_node(((node, scale),))
        row = _Row(abs(d), ints, const * scale, node)
        occ = self._occ
        for v in ints:
            occ.setdefault(v, set())
        for target in occ.pop(pivot, ()):
            self._substitute(target, pivot, row)
        if self._lattice:
            self._substitute_lattice(pivot, row)
        self._rows[pivot] = row
        for v in ints:
            occ[v].add(pivot)

    def _choose_pivot(self, ints: dict) -> Variable:
        """A unit coefficient first, then fewest occurrences, then the largest variable."""
        occ = self._occ
        keys = {v: (c != 1 and c != -1, len(occ.get(v, ()))) for v, c in ints.items()}
        low = min(keys.values())
        return max(v for v, key in keys.items() if key == low)

    def _substitute(self, target: Variable, pivot: Variable, row: _Row) -> None:
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
            trow.const = _ratio(trow.const, g)
        trow.node = self._new_node(((trow.node, _ratio(dp, g)), (row.node, _ratio(-b, g))))

    # ------------------------------------------------ lattice (modulus only)

    def _add_to_lattice(
        self, coeffs: dict, const: Number, reason: Hashable, rest: dict, k: Number, used: list
    ) -> bool:
        """Add ``rest = k`` (reduced by the rows) to the lattice part, then settle it."""
        rest2, acc2, _ = self._reduce_lattice(rest, track=False)
        if not rest2:
            self._check_zero(k - acc2, reason)
            self._record(coeffs, const, reason)
            return False
        node = self._input_node(reason, used)
        basis, zeros = self._hnf([*self._lattice, _Vector(rest, k, node)])
        for zero in zeros:
            self._check_zero(zero.const, reason)
        self._record(coeffs, const, reason)
        self._lattice = basis
        self._settle_lattice()
        return True

    def _settle_lattice(self) -> None:
        """Move lattice vectors with a unit coefficient to the rows, until none is left."""
        while True:
            unit = next((i for i, v in enumerate(self._lattice) if _has_unit(v.coeffs)), None)
            if unit is None:
                return
            vec = self._lattice.pop(unit)
            self._insert_row(dict(vec.coeffs), vec.const, vec.node)
            self._lattice, zeros = self._hnf(self._lattice)
            assert not zeros, "lattice vectors became dependent"

    def _substitute_lattice(self, pivot: Variable, row: _Row) -> None:
        """Eliminate a new pivot (``row.d == 1``) from the lattice vectors (unsorted after)."""
        full = dict(row.coeffs)
        full[pivot] = 1
        lattice = self._lattice
        for i, vec in enumerate(lattice):
            b = vec.coeffs.get(pivot)
            if b:
                lattice[i] = self._lin(vec, 1, _Vector(full, row.const, row.node), -b)

    def _hnf(self, vectors: list[_Vector]) -> tuple[list[_Vector], list[_Vector]]:
        """Hermite normal form (unimodular combinations): ``(basis by lead, zero vectors)``."""
        basis = []
        zeros = [v for v in vectors if not v.coeffs]
        work = [v for v in vectors if v.coeffs]
        while work:
            lead = min(v.lead for v in work)
            hits = [v for v in work if v.lead == lead]
            work = [v for v in work if v.lead != lead]
            top = hits[0]
            for other in hits[1:]:
                x, y = top.coeffs[lead], other.coeffs[lead]
                g, s, t = _ext_gcd(x, y)
                top, rem = self._lin(top, s, other, t), self._lin(top, y // g, other, -x // g)
                (work if rem.coeffs else zeros).append(rem)
            basis.append(top if top.coeffs[lead] > 0 else self._lin(top, -1, top, 0))
        for j, vj in enumerate(basis):  # reduce entries above each pivot into [0, d)
            d = vj.coeffs[vj.lead]
            for i in range(j):
                q = basis[i].coeffs.get(vj.lead, 0) // d
                if q:
                    basis[i] = self._lin(basis[i], 1, vj, -q)
        return basis, zeros

    def _lin(self, a: _Vector, ma: int, b: _Vector, mb: int) -> _Vector:
        """``ma * a + mb * b`` with its provenance."""
        coeffs = {v: ma * c for v, c in a.coeffs.items()} if ma else {}
        if mb:
            for v, c in b.coeffs.items():
                x = coeffs.get(v, 0) + mb * c
                if x:
                    coeffs[v] = x
                else:
                    del coeffs[v]
        node = self._new_node(tuple((n, m) for n, m in ((a.node, ma), (b.node, mb)) if m))
        return _Vector(coeffs, ma * a.const + mb * b.const, node)

    def _reduce_lattice(self, rest: dict, track: bool) -> tuple[dict, Number, list]:
        """Canonical remainder of ``rest`` modulo the lattice: ``rest == out + sum q * vec``."""
        out, acc, seeds = dict(rest), 0, []
        for vec in self._lattice:
            q = out.get(vec.lead, 0) // vec.coeffs[vec.lead]
            if not q:
                continue
            for v, a in vec.coeffs.items():
                x = out.get(v, 0) - q * a
                if x:
                    out[v] = x
                else:
                    del out[v]
            acc += q * vec.const
            if track:
                seeds.append((vec.node, q))
        return out, acc, seeds

    # ------------------------------------------------------------- reduction

    def _reduce(self, coeffs: dict) -> tuple[dict, Number]:
        """``sum coeffs * x == sum rest * x + acc`` with no row pivot in ``rest``."""
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
                    c = _ratio(c, row.d)
                acc += c * row.const
                for u, a in row.coeffs.items():
                    out[u] = get(u, 0) - c * a
        return {u: c for u, c in out.items() if c}, acc

    def _reduce_all(self, coeffs: dict) -> tuple[dict, Number]:
        """:meth:`_reduce`, then the canonical remainder modulo the lattice."""
        rest, acc = self._reduce(coeffs)
        if self._lattice and rest:
            rest, acc2, _ = self._reduce_lattice(rest, track=False)
            acc += acc2
        return rest, acc

    def _reduce_tracked(self, coeffs: dict) -> tuple[dict, Number, list]:
        """:meth:`_reduce`, also returning the rows used as ``[(node, -multiplier)]``."""
        rest, acc = self._reduce(coeffs)
        rows = self._rows
        used = [(rows[v].node, -_ratio(c, rows[v].d)) for v, c in coeffs.items() if v in rows]
        return rest, acc, used

    # ------------------------------------------------------------- constants

    def _mod(self, x: Number) -> Number:
        """A constant reduced into ``[0, modulus)``."""
        m = self.modulus
        return x if m is None else _exact(x % m)

    def _units(self, x: Number) -> Number:
        """``x`` as a number of units ``1 / _den`` (an int unless ``x`` needs a new denominator)."""
        if type(x) is int:
            return x * self._den
        return _ratio(x.numerator * self._den, x.denominator)

    def _value(self, units: Number) -> Fraction:
        """The constant ``units / _den``, reduced by the modulus."""
        if self._modulus_units is not None:
            units %= self._modulus_units
        if type(units) is int:
            return Fraction(units, self._den)
        return _fraction(units) / self._den

    def _is_zero(self, units: Number) -> bool:
        m = self._modulus_units
        return not units if m is None else not units % m

    def _grow_units(self, x: Number) -> None:
        """Refine the unit so that ``x`` is a whole number of units (rescales the table)."""
        if type(x) is int or self._den % x.denominator == 0:
            return
        factor = lcm(self._den, x.denominator) // self._den
        self._den *= factor
        if self._modulus_units is not None:
            self._modulus_units *= factor
        for row in self._rows.values():
            row.const *= factor
        for vec in self._lattice:
            vec.const *= factor

    # ------------------------------------------------------------ provenance

    def _new_node(self, children: tuple, reason: Hashable = None) -> int:
        node = len(self._children)
        self._children.append(children)
        if not children:
            self._leaf[node] = reason
        return node

    def _input_node(self, reason: Hashable, used: list) -> int:
        """The node of ``input(reason) - sum (rows used)``."""
        leaf = self._new_node((), reason)
        return self._new_node(((leaf, 1), *used)) if used else leaf

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
                acc[child] = acc.get(child, 0) + (a if m == 1 else a * m)
        return {r: a for r, a in result.items() if a}

    def _basis_explanation(self, query: dict) -> dict[Hashable, Number]:
        """The unique combination of independent input equations giving ``query``."""
        rows = self._rows
        seeds = [(rows[v].node, _ratio(c, rows[v].d)) for v, c in query.items() if v in rows]
        if self._lattice:
            rest, _ = self._reduce(query)
            seeds += self._reduce_lattice(rest, track=True)[2]
        return self._expand(seeds)

    # --------------------------------------------------------------- explain

    def explain(
        self, coeffs: Coeffs, const: Fraction | int, allowed: Callable[[Hashable], bool] | None = None
    ) -> list[tuple[Hashable, Fraction]] | None:
        """Input equations that combine into ``sum coeffs[v] * v = const``.

        Returns ``[(reason, multiplier), ...]`` (reasons in insertion order)
        whose combination equals the query exactly in the variables and in
        the constant (modulo the modulus), or None if the query does not
        follow. No reason can be dropped; redundant input equations are used
        when they give a shorter explanation. With a modulus the multipliers
        are integers.

        ``allowed`` (a test on reasons) explains from those equations only, in
        the table they made in insertion order: what the table would have answered
        before the others were added, if they are the earliest (the answer is then
        the same: the shortest local combination is searched among the same
        equations in the same order, and the combination of independent rows is
        unique, so it never needs a later row; only a lattice's may, and then a
        table of the allowed equations alone decides). None if they do not imply
        the query.

        >>> t = LinearTable()
        >>> for r in ["x=y", "y=z", "x=z"]:
        ...     _ = t.add({r[0]: 1, r[2]: -1}, 0, r)
        >>> t.explain({"x": 1, "z": -1}, 0)
        [('x=z', Fraction(1, 1))]
        >>> t.explain({"x": 1}, 0) is None
        True
        """
        query = self._input(coeffs)
        const = _exact(const)
        if not self.implies(query, const):
            return None
        found = self._local_explanation(query, const, allowed)
        if found is None or len(found) > 2:  # the basis combination may be shorter
            basis: dict | None = self._basis_explanation(query)
            if allowed is not None and not all(allowed(r) for r in basis):  # type: ignore[union-attr]
                earlier = self._restricted(allowed)
                basis = earlier._basis_explanation(query) if earlier.implies(query, const) else None
            if basis is not None and (found is None or len(basis) < len(found)):
                found = basis
        if found is None:
            return None
        assert self._verify(found, query, const), "explanation does not reproduce the query"
        order = self._order
        return [(r, _fraction(found[r])) for r in sorted(found, key=order.__getitem__)]

    def _restricted(self, allowed: Callable[[Hashable], bool]) -> "LinearTable":
        """A table of the equations ``allowed`` admits, entered in their order."""
        table = LinearTable(self.modulus)
        for reason in sorted(filter(allowed, self._eqs), key=self._order.__getitem__):
            table.add(*self._eqs[reason], reason)
        return table

    def _local_explanation(self, query: dict, const: Number, allowed: Callable[[Hashable], bool] | None = None) -> dict | None:
        """Search the input equations near ``query`` for a short explanation.

        Equations are taken in rings of breadth-first distance from the
        query's variables (within a ring, those bringing in fewest new
        variables first, then in insertion order) and added to a scratch
        table until it implies the query; the answer is the scratch table's
        basis combination. Gives up (None) after ``_LOCAL_BUDGET`` equations.
        """
        scratch = LinearTable(self.modulus)
        eqs, order = self._eqs, self._order
        ball, frontier, seen = set(query), list(query), set()
        missing = set(query)  # query variables in no equation of the scratch table yet: it cannot imply the query
        tried = 0
        while frontier:
            ring = []
            for v in frontier:
                for r in self._by_var.get(v, ()):
                    if r not in seen and (allowed is None or allowed(r)):
                        seen.add(r)
                        ring.append(r)
            ring.sort(key=lambda r: (sum(u not in ball for u in eqs[r][0]), order[r]))
            frontier = []
            for r in ring:
                eq_coeffs, eq_const = eqs[r]
                if missing:
                    missing.difference_update(eq_coeffs)
                if scratch.add(eq_coeffs, eq_const, r) and not missing and scratch.implies(query, const):
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
        """Whether the explanation reproduces the query (in integers, scaled by ``den``)."""
        den = lcm(*(_fraction(m).denominator for m in found.values()))
        coeffs: dict = {}
        total: Number = 0
        for reason, m in found.items():
            k = int(m * den)
            eq_coeffs, eq_const = self._eqs[reason]
            for v, c in eq_coeffs.items():
                coeffs[v] = coeffs.get(v, 0) + k * c
            total += k * eq_const
        target = {v: c * den for v, c in query.items()}
        modulus = None if self.modulus is None else self.modulus * den
        return same_equation((coeffs, total), (target, const * den), modulus)


# ---------------------------------------------------------------- checking


def combine(
    equations: Iterable[tuple[Mapping[Variable, Number], Number]],
    multipliers: Iterable[Number],
) -> tuple[dict[Variable, Fraction], Fraction]:
    """``sum multiplier * equation`` as ``(coeffs, const)``; zero coefficients dropped.

    Independent of :class:`LinearTable`, for re-checking explanations.

    >>> combine([({"x": 1, "y": -1}, 0), ({"y": 1, "z": -1}, Fraction(1, 2))], [1, 2])
    ({'x': Fraction(1, 1), 'y': Fraction(1, 1), 'z': Fraction(-2, 1)}, Fraction(1, 1))
    """
    coeffs: dict[Variable, Fraction] = {}
    const = Fraction(0)
    for (eq_coeffs, eq_const), m in zip(equations, multipliers, strict=True):
        m = Fraction(m)
        for v, c in eq_coeffs.items():
            coeffs[v] = coeffs.get(v, Fraction(0)) + m * c
        const += m * eq_const
    return {v: c for v, c in coeffs.items() if c}, const


def same_equation(
    e1: tuple[Mapping[Variable, Number], Number],
    e2: tuple[Mapping[Variable, Number], Number],
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
