"""Numeric index of a diagram: the candidate facts that rules may conclude.

Every fact the engine derives is true in the diagram, so the diagram tells where
to look: maximal collinear sets, concyclic sets and their centres, equal lengths
seen from a point, midpoints, similar triangles. The engine then proves or
rejects each candidate symbolically; no rule enumerates k-tuples of points where
the index can answer.
"""
from __future__ import annotations

import cmath
import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Sequence, TypeVar
from itertools import combinations

from geometry.predicates import circumcenter, collinear
from geometry.tolerance import (
    CENTRE_MATCH, FLAT_TRIANGLE, HUGE_RADIUS, NUMERIC_CHECK, SCALE_FLOOR, SNAP_DIGITS,
)

T = TypeVar("T")


def close_groups(
    items: Sequence[tuple[float, T]],
    tol: float = NUMERIC_CHECK,
    *,
    floor: float = SCALE_FLOOR,
    period: float | None = None,
    least: int = 1,
) -> list[list[T]]:
    """Groups of items whose values agree, by sorting and one sweep.

    Neighbours join a group when they differ by at most ``tol * max(|v|, |w|, floor)``
    (relative, or absolute below ``floor``). With a ``period`` the values are angles
    modulo it, and the first and last groups meet across the wrap-around. Only groups
    of at least ``least`` items are kept.

    >>> close_groups([(1.0, "a"), (2.0, "b"), (1.0 + 1e-9, "c")])
    [['a', 'c'], ['b']]
    >>> close_groups([(0.0, "a"), (3.1, "b"), (3.14159265, "c")], 1e-6, floor=1.0, period=3.14159265, least=2)
    [['a', 'c']]
    """
    items = sorted(items, key=lambda t: t[0])
    groups: list[list[T]] = []
    last = None
    for v, obj in items:
        if last is not None and abs(v - last) <= tol * max(abs(v), abs(last), floor):
            groups[-1].append(obj)
        else:
            groups.append([obj])
        last = v
    if period is not None and len(groups) > 1:
        if abs(items[0][0] + period - items[-1][0]) <= tol * max(floor, period):
            groups[0].extend(groups.pop())
    return [g for g in groups if len(g) >= least]


@dataclass
class NumericIndex:
    """Candidate structures read off the coordinates ``pts`` (names in problem order)."""

    pts: Mapping[str, complex]
    names: list[str] = field(init=False)
    lines: list[tuple[str, ...]] = field(init=False)  # maximal collinear sets, >= 3 points
    line_of: dict[tuple[str, str], tuple[str, ...]] = field(init=False)
    circles: list[tuple[str, ...]] = field(init=False)  # maximal concyclic sets, >= 4 points
    centre_of: dict[tuple[str, ...], str | None] = field(init=False)
    equidistant: dict[str, list[tuple[str, ...]]] = field(init=False)  # centre -> groups (>= 2)
    midpoints: list[tuple[str, str, str]] = field(init=False)  # (m, a, b), a < b

    def __post_init__(self) -> None:
        self.names = list(self.pts)
        self._build_lines()
        self._build_circles()
        self._build_equidistant()
        self._build_midpoints()

    def order(self, names) -> tuple[str, ...]:
        pos = {n: i for i, n in enumerate(self.names)}
        return tuple(sorted(names, key=pos.__getitem__))

    # ------------------------------------------------------------------ lines
    def _build_lines(self) -> None:
        P, names = self.pts, self.names
        seen: set[tuple[str, str]] = set()
        self.lines, self.line_of = [], {}
        for a, b in combinations(names, 2):
            if (a, b) in seen:
                continue
            members = [a, b] + [c for c in names if c not in (a, b) and collinear(P[a], P[b], P[c])]
            line = self.order(members)
            for x, y in combinations(line, 2):
                seen.add((x, y) if names.index(x) < names.index(y) else (y, x))
                self.line_of[(x, y)] = line
                self.line_of[(y, x)] = line
            if len(line) >= 3:
                self.lines.append(line)

    def collinear(self, a: str, b: str, c: str) -> bool:
        return c in self.line_of[(a, b)]

    @cached_property
    def all_lines(self) -> list[tuple[str, ...]]:
        """Every line through two named points, with the named points on it (maximal sets)."""
        return list(dict.fromkeys(self.line_of[(a, b)] for a, b in combinations(self.names, 2)))

    @cached_property
    def perpendicular_lines(self) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
        """Pairs of lines (of :attr:`all_lines`) perpendicular in the figure."""
        P = self.pts
        items = []
        for line in self.all_lines:
            d = P[line[1]] - P[line[0]]
            items.append((cmath.phase(d) % math.pi, line))
        groups = close_groups(items, NUMERIC_CHECK, floor=1.0, period=math.pi)
        direction = {g[0]: cmath.phase(P[g[0][1]] - P[g[0][0]]) % math.pi for g in groups}
        out = []
        for g1, g2 in combinations(groups, 2):
            diff = abs(direction[g1[0]] - direction[g2[0]])
            if abs(diff - math.pi / 2) <= NUMERIC_CHECK:
                out.extend((l1, l2) for l1 in g1 for l2 in g2)
        return out

    @cached_property
    def equal_segments(self) -> list[list[tuple[str, str]]]:
        """Groups of segments (pairs of named points) of one length in the figure."""
        P = self.pts
        items = [(abs(P[b] - P[a]), (a, b)) for a, b in combinations(self.names, 2)]
        return close_groups(items, least=2)  # type: ignore[arg-type]

    # ------------------------------------------------------------------ circles
    def _build_circles(self) -> None:
        P, names = self.pts, self.names
        found: dict[tuple[str, ...], None] = {}
        covered: set[frozenset[str]] = set()
        for a, b, c in combinations(names, 3):
            key = frozenset((a, b, c))
            if key in covered:
                continue
            o = circumcenter(P[a], P[b], P[c])
            if o is None:
                continue
            r = abs(P[a] - o)
            if r > HUGE_RADIUS:
                continue
            members = [x for x in names if abs(abs(P[x] - o) - r) <= NUMERIC_CHECK * max(r, SCALE_FLOOR)]
            if len(members) < 4:
                continue
            circ = self.order(members)
            for t in combinations(circ, 3):
                covered.add(frozenset(t))
            found[circ] = None
        self.circles = list(found)
        self.centre_of = {}
        for circ in self.circles:
            o = circumcenter(P[circ[0]], P[circ[1]], P[circ[2]])
            self.centre_of[circ] = next(
                (x for x in names if o is not None and abs(P[x] - o) <= CENTRE_MATCH * max(1.0, abs(o))), None
            )

    # ------------------------------------------------------------------ equal lengths
    def _build_equidistant(self) -> None:
        P = self.pts
        self.equidistant = {}
        for o in self.names:
            items = [(abs(P[x] - P[o]), x) for x in self.names if x != o]
            groups = [self.order(g) for g in close_groups(items, least=2)]  # type: ignore[arg-type]
            if groups:
                self.equidistant[o] = groups

    def _build_midpoints(self) -> None:
        P = self.pts
        self.midpoints = []
        for a, b in combinations(self.names, 2):
            mid = (P[a] + P[b]) / 2
            scale = abs(P[a] - P[b])
            for m in self.names:
                if m not in (a, b) and abs(P[m] - mid) <= NUMERIC_CHECK * scale:
                    self.midpoints.append((m, a, b))

    # ------------------------------------------------------------------ triangles
    def similar_triangles(self) -> list[tuple[tuple[str, str, str], tuple[str, str, str], bool]]:
        """Pairs (ABC, PQR, mirrored) of distinct non-degenerate triangles with A~P, B~Q, C~R
        (computed once per figure)."""
        return list(self._similar_triangles)

    @cached_property
    def _similar_triangles(self) -> list[tuple[tuple[str, str, str], tuple[str, str, str], bool]]:
        P = self.pts
        shapes: dict[tuple[int, int], list[tuple[str, str, str]]] = defaultdict(list)
        tris = []
        for t in combinations(self.names, 3):
            a, b, c = (P[x] for x in t)
            if collinear(a, b, c, FLAT_TRIANGLE):
                continue
            tris.append(t)
            for perm in ((0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0)):
                u = tuple(t[i] for i in perm)
                shapes[self._shape_key(u)].append(u)  # type: ignore[arg-type]
        out = []
        seen: set[tuple] = set()
        for t in tris:
            z = self._shape(t)
            for mirrored, zz in ((False, z), (True, z.conjugate())):
                for u in self._near(shapes, zz):
                    if set(u) == set(t):
                        continue
                    pair = (t, u) if t < u else (u, t)
                    k = (pair, mirrored) if t < u else ((u, t), mirrored)
                    if k in seen:
                        continue
                    seen.add(k)
                    out.append((t, u, mirrored))
        return out

    def _near(self, shapes: dict, z: complex) -> list[tuple[str, str, str]]:
        """Triangles whose shape equals ``z`` (keys on both sides of a rounding boundary)."""
        kx, ky = self._key(z)
        out = []
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for u in shapes.get((kx + dx, ky + dy), ()):
                    if abs(self._shape(u) - z) <= NUMERIC_CHECK * max(1.0, abs(z)):
                        out.append(u)
        return out

    def _shape(self, t: tuple[str, ...]) -> complex:
        a, b, c = (self.pts[x] for x in t)
        return (c - a) / (b - a)

    @staticmethod
    def _key(z: complex) -> tuple[int, int]:
        return (round(z.real * 10**SNAP_DIGITS), round(z.imag * 10**SNAP_DIGITS))

    def _shape_key(self, t: tuple[str, ...]) -> tuple[int, int]:
        return self._key(self._shape(t))
