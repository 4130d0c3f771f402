"""Configuration conditions: what a proof step reads off the figure.

Most steps hold in every figure of a problem. A few read the figure: which of the
two cases a doubled angle leaves (``angle_case``), the order of three points on a
line in length chasing (``between``), whether two triangles have the same
orientation or two points lie on the same side (the ``sameclock``/``sameside``
checks of some rules). Each such step records a :class:`Condition`; a proof lists
its conditions as hypotheses about the configuration, and holds in every figure of
the problem where they hold.

>>> c = Condition.between("m", "b", "a")
>>> str(c)
'between m a b'
>>> c.holds({"a": 0j, "b": 2 + 0j, "m": 1 + 0j}), c.holds({"a": 0j, "b": 2 + 0j, "m": 3 + 0j})
(True, False)
>>> from geometry.predicates import Predicate
>>> case = Condition.angle_case(Predicate.parse("para a b c d".split()))
>>> case.holds({"a": 0j, "b": 1 + 0j, "c": 1j, "d": 2 + 1j}), case.holds({"a": 0j, "b": 1 + 0j, "c": 0j, "d": 1j})
(True, False)
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

from geometry.predicates import Kind, Predicate, _cross
from geometry.tolerance import ANGLE_TOL, NUMERIC_CHECK, POSITIVE_FLOOR

from .equations import angle_equations, holds_numerically

#: The condition kinds, and the rule checks that become conditions (the others are
#: non-degeneracy checks, true in every non-degenerate figure).
KINDS = ("between", "side", "sameclock", "sameside", "nsameside", "npara", "angle_case", "angle_case3")
CONFIG_CHECKS = frozenset({Kind.SAMECLOCK, Kind.SAMESIDE, Kind.NSAMESIDE, Kind.NPARA})


@dataclass(frozen=True, order=True)
class Condition:
    """One hypothesis about the configuration.

    * ``between``: ``points = (m, a, b)``, M lies strictly between A and B (on a line the
      proof has shown to contain them);
    * ``side``: ``points = (p, q, a, b)``, P and Q lie strictly on the same side of line AB
      (used to describe where a goal holds, not by proof steps);
    * ``sameclock`` / ``sameside`` / ``nsameside`` / ``npara``: ``pred`` is the numeric
      predicate of the problem language (orientation of two triangles; a point
      inside/outside a segment exactly when another is; two lines not parallel);
    * ``angle_case``: ``pred`` is an angle statement of which twice the angle was proven;
      the condition is that the statement's alternative (the angle plus 90 degrees)
      does not hold, so the statement itself does;
    * ``angle_case3``: ``pred`` is an angle statement of which three times the angle was
      proven (an equilateral triangle's 60 degrees); the condition is that neither
      alternative (the angle plus 60 or 120 degrees) holds: the orientation of the figure.
    """

    kind: str
    points: tuple[str, ...]
    pred: Predicate | None = None

    # ------------------------------------------------------------------ constructors
    @staticmethod
    def between(m: str, a: str, b: str) -> Condition:
        a, b = sorted((a, b))
        return Condition("between", (m, a, b))

    @staticmethod
    def side(p: str, q: str, a: str, b: str) -> Condition:
        p, q = sorted((p, q))
        a, b = sorted((a, b))
        return Condition("side", (p, q, a, b))

    @staticmethod
    def check(pred: Predicate) -> Condition:
        """A rule's configuration check (sameclock, sameside, nsameside, npara) as a condition."""
        assert pred.kind in CONFIG_CHECKS, pred
        key = _canonical_check(pred)
        return Condition(pred.kind.value, key.points, key)

    @staticmethod
    def angle_case(pred: Predicate, fold: int = 2) -> Condition:
        """The case of ``pred`` among those ``fold`` times the angle leaves (2 or 3)."""
        key = pred.canonical()
        return Condition(_CASE_KINDS[fold], key.points, key)

    @property
    def fold(self) -> int | None:
        """For an angle case: the multiple of the angle that was proven (2 or 3)."""
        return _CASE_FOLDS.get(self.kind)

    # ------------------------------------------------------------------ values
    def rename(self, mapping: Mapping[str, str]) -> Condition:
        if self.kind == "between":
            m, a, b = (mapping.get(x, x) for x in self.points)
            return Condition.between(m, a, b)
        if self.kind == "side":
            p, q, a, b = (mapping.get(x, x) for x in self.points)
            return Condition.side(p, q, a, b)
        assert self.pred is not None
        pred = self.pred.rename(mapping)
        if self.fold is not None:
            return Condition.angle_case(pred, self.fold)
        return Condition.check(pred)

    def holds(self, pts: Mapping[str, complex]) -> bool:
        """Whether the figure ``pts`` is in this configuration."""
        if self.kind == "between":
            m, a, b = (pts[x] for x in self.points)
            d = b - a
            if abs(d) == 0:
                return False
            t = (m - a) / d
            return abs(t.imag) <= NUMERIC_CHECK * max(1.0, abs(t)) and NUMERIC_CHECK < t.real < 1 - NUMERIC_CHECK
        if self.kind == "side":
            p, q, a, b = (pts[x] for x in self.points)
            d = b - a
            u, v = _cross(d, p - a), _cross(d, q - a)
            scale = abs(d) * max(abs(p - a), abs(q - a), POSITIVE_FLOOR)
            return u * v > 0 and min(abs(u), abs(v)) > NUMERIC_CHECK * scale
        assert self.pred is not None
        if self.fold is not None:
            return not any(_off_by(self.pred, pts, Fraction(j, self.fold)) for j in range(1, self.fold))
        return self.pred.holds(pts)

    def __str__(self) -> str:
        if self.kind in ("between", "side"):
            return f"{self.kind} " + " ".join(self.points)
        if self.fold is not None:
            return f"{_CASE_WORDS[self.fold]} {self.pred}"
        return str(self.pred)

    @staticmethod
    def parse(text: str) -> Condition:
        """The inverse of ``str``: ``between m a b``, ``side p q a b``, ``case para a b c d``,
        ``sameclock a b c x y z`` (raises ValueError when malformed)."""
        head, *rest = text.split()
        if head == "between" and len(rest) == 3:
            return Condition.between(*rest)
        if head == "side" and len(rest) == 4:
            return Condition.side(*rest)
        if head in _CASE_HEADS and rest:
            return Condition.angle_case(Predicate.parse(rest), _CASE_HEADS[head])
        pred = Predicate.parse([head, *rest])
        if pred.kind not in CONFIG_CHECKS:
            raise ValueError(f"not a configuration condition: {text!r}")
        return Condition.check(pred)

    def to_json(self) -> dict:
        out: dict = {"kind": self.kind, "points": list(self.points)}
        if self.pred is not None:
            out["statement"] = str(self.pred)
        return out


def _canonical_check(pred: Predicate) -> Predicate:
    """One spelling per check: ``sameclock A B C X Y Z`` is unchanged by cycling or reversing
    both triangles together and by swapping them; ``sameside A B C X Y Z`` (A outside
    segment BC exactly when X is outside YZ) by swapping B, C or Y, Z and the triples."""
    if pred.kind is Kind.NPARA:
        return pred.canonical()
    a = pred.points
    t1, t2 = a[:3], a[3:]
    forms = []
    if pred.kind is Kind.SAMECLOCK:
        for u, v in ((t1, t2), (t1[::-1], t2[::-1])):
            for i in range(3):
                uu, vv = u[i:] + u[:i], v[i:] + v[:i]
                forms += [uu + vv, vv + uu]
    else:
        for u in (t1, (t1[0], t1[2], t1[1])):
            for v in (t2, (t2[0], t2[2], t2[1])):
                forms += [u + v, v + u]
    return Predicate(pred.kind, min(forms))


def _off_by(pred: Predicate, pts: Mapping[str, complex], turn: Fraction) -> bool:
    """Whether the angle statement is off by ``turn`` (units of 180 degrees) in the figure."""
    return all(holds_numerically(c, k + turn, pts, tol=ANGLE_TOL) for c, k in angle_equations(pred))


#: Angle cases by the multiple of the angle proven: the condition's kind and how it is written.
_CASE_KINDS = {2: "angle_case", 3: "angle_case3"}
_CASE_FOLDS = {k: n for n, k in _CASE_KINDS.items()}
_CASE_WORDS = {2: "case", 3: "case3"}
_CASE_HEADS = {w: n for n, w in _CASE_WORDS.items()}
