"""Goals to harvest from a saturated figure: every fact that holds numerically and may be proven.

The engine materialises the facts its rules derive, but most facts that angle
and ratio chasing imply are never written down. The diagram says where to look:
collinear triples on its lines, concyclic quadruples, midpoints, parallel,
perpendicular and congruent segment pairs (found by hashing directions and
lengths), equal angles at vertices, equal side ratios, similar triangles. The
engine then decides, cheaply, which of them it proves.
"""
from __future__ import annotations

import cmath
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import combinations
from typing import Any

from ddar.engine import Engine
from ddar.index import close_groups
from geometry.predicates import Kind, Predicate
from geometry.tolerance import SYNTH_GROUPING


def _sweep(items: Sequence[tuple[float, Any]], period: float | None = None) -> list[list[Any]]:
    """Groups (of two or more) of items whose values agree within ``SYNTH_GROUPING`` (modulo ``period`` if given)."""
    return close_groups(items, SYNTH_GROUPING, floor=1.0, period=period, least=2)


class Candidates:
    """Numerically true predicates of one diagram, by kind."""

    def __init__(self, engine: Engine, max_group: int = 40) -> None:
        self.engine = engine
        self.max_group = max_group  # at most this many members of one class of equal angles/ratios
        self.pts = engine.pts
        self.index = engine.index
        self.names = list(self.index.names)
        self.segments = list(combinations(self.names, 2))

    def line_id(self, a: str, b: str) -> tuple[str, ...]:
        """The numeric line through a and b (maximal collinear set, or the pair)."""
        line = self.index.line_of.get((a, b))
        return line if line is not None and len(line) >= 3 else tuple(sorted((a, b)))

    def _direction(self, s: tuple[str, str]) -> float:
        a, b = s
        return cmath.phase(self.pts[b] - self.pts[a]) % math.pi

    def _length(self, s: tuple[str, str]) -> float:
        a, b = s
        return abs(self.pts[b] - self.pts[a])

    # ------------------------------------------------------------------ kinds
    def coll(self) -> Iterator[Predicate]:
        for line in self.index.lines:
            for tri in combinations(line, 3):
                yield Predicate(Kind.COLL, tri)

    def cyclic(self) -> Iterator[Predicate]:
        for circ in self.index.circles:
            for quad in combinations(circ, 4):
                yield Predicate(Kind.CYCLIC, quad)

    def midp(self) -> Iterator[Predicate]:
        for m, a, b in self.index.midpoints:
            yield Predicate(Kind.MIDP, (m, a, b))

    def _line_reps(self) -> list[tuple[str, str]]:
        """One segment per numeric line (para/perp of other segments of a line say the same)."""
        seen: set[tuple[str, ...]] = set()
        reps = []
        for s in self.segments:
            lid = self.line_id(*s)
            if lid not in seen:
                seen.add(lid)
                reps.append(s)
        return reps

    def para(self) -> Iterator[Predicate]:
        reps = self._line_reps()
        for group in _sweep([(self._direction(s), s) for s in reps], period=math.pi):
            for s, t in combinations(group, 2):
                yield Predicate(Kind.PARA, s + t)  # type: ignore[operator]

    def perp(self) -> Iterator[Predicate]:
        reps = self._line_reps()
        dirs = [(self._direction(s), s) for s in reps]
        turned = [((d + math.pi / 2) % math.pi, ("~",) + s) for d, s in dirs]  # type: ignore[operator]
        for group in _sweep(dirs + turned, period=math.pi):
            plain = [g for g in group if g[0] != "~"]  # type: ignore[index]
            rot = [g[1:] for g in group if g[0] == "~"]  # type: ignore[index]
            for s in plain:
                for t in rot:
                    if s < t:
                        yield Predicate(Kind.PERP, s + t)  # type: ignore[operator]

    def cong(self) -> Iterator[Predicate]:
        for group in _sweep([(math.log(self._length(s)), s) for s in self.segments]):
            for s, t in combinations(group, 2):
                yield Predicate(Kind.CONG, s + t)  # type: ignore[operator]

    def eqangle(self) -> Iterator[Predicate]:
        """Equal directed angles between pairs of lines (one segment standing for each line)."""
        reps = self._line_reps()
        dirs = {s: self._direction(s) for s in reps}
        items = []
        for s, t in combinations(reps, 2):
            d = (dirs[t] - dirs[s]) % math.pi
            if SYNTH_GROUPING < d < math.pi - SYNTH_GROUPING:  # parallel lines make no angle
                items.append((d, s + t))
                items.append(((math.pi - d) % math.pi, t + s))
        for group in _sweep(items, period=math.pi):
            group = group[: self.max_group]
            for s, t in combinations(group, 2):
                if {s[:2], s[2:]} == {t[:2], t[2:]}:  # type: ignore[index]
                    continue  # an angle and its supplement on the same lines
                yield Predicate(Kind.EQANGLE, s + t)  # type: ignore[operator]

    def eqratio(self) -> Iterator[Predicate]:
        """Equal ratios of lengths (ratio 1 is a congruence, found by :meth:`cong`)."""
        lengths = {s: math.log(self._length(s)) for s in self.segments}
        items = []
        for s, t in combinations(self.segments, 2):
            r = lengths[s] - lengths[t]
            if abs(r) > SYNTH_GROUPING:
                items.append((r, s + t))
                items.append((-r, t + s))
        for group in _sweep(items):
            group = group[: self.max_group]
            for s, t in combinations(group, 2):
                if {s[:2], s[2:]} & {t[:2], t[2:]}:  # type: ignore[index]
                    continue
                yield Predicate(Kind.EQRATIO, s + t)  # type: ignore[operator]

    def triangles(self) -> Iterator[Predicate]:
        for t, u, mirrored in self.index.similar_triangles():
            con = Predicate(Kind.CONTRI2 if mirrored else Kind.CONTRI, t + u)
            if con.holds(self.pts):
                yield con
            yield Predicate(Kind.SIMTRI2 if mirrored else Kind.SIMTRI, t + u)

    def of_kinds(self, kinds: Iterable[str]) -> list[Predicate]:
        """Candidates of the given kinds, canonical and without repeats, in a fixed order."""
        makers: dict[str, Callable[[], Iterator[Predicate]]] = {
            "coll": self.coll, "cyclic": self.cyclic, "midp": self.midp, "para": self.para,
            "perp": self.perp, "cong": self.cong, "eqangle": self.eqangle, "eqratio": self.eqratio,
        }
        want = set(kinds)
        out: dict[Predicate, None] = {}
        for name, make in makers.items():
            if name in want:
                for p in make():
                    out.setdefault(p.canonical())
        if want & {"simtri", "simtri2", "contri", "contri2"}:
            for p in self.triangles():
                if p.kind.value in want:
                    out.setdefault(p.canonical())
        for f in self.engine.facts:  # facts the rules wrote down (aconst, rconst, circle, ...)
            if f.pred.kind.value in want:
                out.setdefault(f.pred)
        return list(out)


def harvest(engine: Engine, kinds: Iterable[str], limit: int = 0) -> dict[Predicate, int]:
    """Every candidate the engine proves, with its fact id (proving may add facts to the engine).

    With ``limit`` > 0, at most that many candidates are tried, spread evenly over the list.
    """
    candidates = Candidates(engine).of_kinds(kinds)
    if 0 < limit < len(candidates):
        candidates = [candidates[i * len(candidates) // limit] for i in range(limit)]
    proven: dict[Predicate, int] = {}
    for pred in candidates:
        fid = prove_fact(engine, pred)
        if fid is not None:
            proven[pred] = fid
    return proven


_BUNDLES = frozenset({Kind.SIMTRI, Kind.SIMTRI2, Kind.CONTRI, Kind.CONTRI2})


def prove_fact(engine: Engine, pred: Predicate) -> int | None:
    """The fact id of ``pred`` if the (saturated) engine proves it, else None."""
    if pred.kind in _BUNDLES:
        return engine.fact_id(pred)
    if not engine.implied(pred):
        return None
    return engine.fact_id(pred)
