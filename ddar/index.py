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
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Sequence, TypeVar
from itertools import combinations

import numpy as np

from geometry.predicates import circumcenter, collinear
from geometry.tolerance import (
    CENTRE_MATCH, FLAT_TRIANGLE, HUGE_RADIUS, NUMERIC_CHECK, SCALE_FLOOR, SCREEN_ROUNDING, SCREEN_SLACK, ZERO_LENGTH,
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

    def __getstate__(self) -> dict:
        """The state without the cached candidate lists (a copy recomputes them when asked)."""
        return {k: v for k, v in self.__dict__.items() if not isinstance(getattr(type(self), k, None), cached_property)}

    @cached_property
    def _coords(self) -> np.ndarray:
        """The points' coordinates, in the order of :attr:`names`."""
        return np.array([self.pts[x] for x in self.names], dtype=complex)

    @cached_property
    def _triples(self) -> np.ndarray:
        """Every triple of point positions (rows ``i < j < k``, in the order of ``combinations``)."""
        return np.array(list(combinations(range(len(self.names)), 3)), dtype=np.intp).reshape(-1, 3)

    def order(self, names) -> tuple[str, ...]:
        pos = {n: i for i, n in enumerate(self.names)}
        return tuple(sorted(names, key=pos.__getitem__))

    # ------------------------------------------------------------------ lines
    def _build_lines(self) -> None:
        P, names = self.pts, self.names
        pos = {x: i for i, x in enumerate(names)}
        seen: set[tuple[str, str]] = set()
        self.lines, self.line_of = [], {}
        near = self._collinear_screen()
        for a, b in combinations(names, 2):
            if (a, b) in seen:
                continue
            thirds = near.get((pos[a], pos[b]), ())
            members = [a, b] + [names[k] for k in thirds if collinear(P[a], P[b], P[names[k]])]
            line = self.order(members)
            for x, y in combinations(line, 2):
                seen.add((x, y) if pos[x] < pos[y] else (y, x))
                self.line_of[(x, y)] = line
                self.line_of[(y, x)] = line
            if len(line) >= 3:
                self.lines.append(line)

    def _collinear_screen(self) -> dict[tuple[int, int], list[int]]:
        """For each pair i < j of points, the other points k (in order) that may be collinear
        with them: every k that ``collinear(P[i], P[j], P[k])`` accepts, and a few more (the
        screen's tolerance is wider by SCREEN_SLACK and SCREEN_ROUNDING); pairs with none are
        left out. One numpy pass over every triple; the exact test then decides."""
        n = len(self.names)
        if n < 3:
            return {}
        z = self._coords
        u = z[None, :] - z[:, None]  # u[i, j] = P[j] - P[i]
        length = np.abs(u)
        cross = u.real[:, :, None] * u.imag[:, None, :] - u.imag[:, :, None] * u.real[:, None, :]  # u[i,j] x u[i,k]
        bound = NUMERIC_CHECK * (1 + SCREEN_SLACK) * length[:, :, None] * length[:, None, :]
        tiny = ZERO_LENGTH * (1 + SCREEN_SLACK) + SCREEN_ROUNDING
        size = np.abs(z).max() + 1.0
        maybe = (np.abs(cross) <= bound + SCREEN_ROUNDING * size * size) | (length[:, :, None] <= tiny) | (
            length[:, None, :] <= tiny)
        idx = np.arange(n)
        maybe[:, idx, idx] = False  # k = j
        maybe[idx, :, idx] = False  # k = i
        maybe &= (idx[:, None] < idx[None, :])[:, :, None]
        out: dict[tuple[int, int], list[int]] = {}
        for i, j, k in zip(*np.nonzero(maybe)):
            out.setdefault((int(i), int(j)), []).append(int(k))
        return out

    def collinear(self, a: str, b: str, c: str) -> bool:
        """``c`` is on the line ``ab`` (False when ``a`` and ``b`` are one point: no line)."""
        line = self.line_of.get((a, b))
        return line is not None and c in line

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
        direction = np.array([cmath.phase(P[g[0][1]] - P[g[0][0]]) % math.pi for g in groups])
        # the pairs of groups (in the order of ``combinations``) whose directions differ by a right angle
        right = np.abs(np.abs(direction[:, None] - direction[None, :]) - math.pi / 2) <= NUMERIC_CHECK
        out = []
        for i, j in zip(*np.nonzero(np.triu(right, 1))):
            out.extend((l1, l2) for l1 in groups[i] for l2 in groups[j])
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
        for a, b, c in self._concyclic_screen():
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

    def _concyclic_screen(self) -> list[tuple[str, str, str]]:
        """The triples (in the order of ``combinations``) whose circle may pass through a
        fourth point: every triple the exact test in :meth:`_build_circles` keeps, and a few
        more (distances to the centre compared with a tolerance wider by SCREEN_SLACK and
        SCREEN_ROUNDING; collinear triples, whose centre is far or undefined, always pass)."""
        names = self.names
        n = len(names)
        if n < 4:
            return []
        z, tri = self._coords, self._triples
        a, ba, ca = z[tri[:, 0]], z[tri[:, 1]] - z[tri[:, 0]], z[tri[:, 2]] - z[tri[:, 0]]
        d = 2 * (ba.real * ca.imag - ba.imag * ca.real)
        flat = np.abs(d) < 2 * ZERO_LENGTH * np.maximum(np.abs(ba), np.abs(ca)) ** 2 + SCREEN_ROUNDING
        safe = np.where(flat, 1.0, d)
        nb, nc = np.abs(ba) ** 2, np.abs(ca) ** 2
        o = a + ((ca.imag * nb - ba.imag * nc) + 1j * (ba.real * nc - ca.real * nb)) / safe
        r = np.abs(a - o)
        size = np.abs(z).max() + r + 1.0
        off = np.abs(np.abs(z[None, :] - o[:, None]) - r[:, None])
        on = off <= (NUMERIC_CHECK * np.maximum(r, SCALE_FLOOR) * (1 + SCREEN_SLACK) + SCREEN_ROUNDING * size)[:, None]
        keep = flat | (on.sum(axis=1) >= 4)
        return [tuple(names[k] for k in t) for t in tri[keep]]  # type: ignore[misc]

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
        """For each triangle ABC (in the order of ``combinations``), directly then mirrored, the
        orderings PQR of the other triangles whose shape (C-A)/(B-A) is within ``NUMERIC_CHECK``
        (relative) of ABC's, in the order of ``combinations`` and permutations; a pair met again
        from its other side is kept once. Vectorised: shapes sorted by real part, and each
        triangle's window looked up with ``searchsorted``."""
        names = self.names
        n = len(names)
        if n < 3:
            return []
        z, tri = self._coords, self._triples
        u, v = z[tri[:, 1]] - z[tri[:, 0]], z[tri[:, 2]] - z[tri[:, 0]]
        nu, nv = np.abs(u), np.abs(v)
        with np.errstate(divide="ignore", invalid="ignore"):
            sine = np.abs(u.real * v.imag - u.imag * v.real) / (nu * nv)
        flat = (nu < ZERO_LENGTH) | (nv < ZERO_LENGTH) | ~(sine >= FLAT_TRIANGLE)
        tri = tri[~flat]
        if len(tri) < 2:
            return []
        perms = np.array(((0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0)), dtype=np.intp)
        orders = tri[:, perms].reshape(-1, 3)  # triangle k's orderings are rows 6k .. 6k+5, the first its own
        shape = (z[orders[:, 2]] - z[orders[:, 0]]) / (z[orders[:, 1]] - z[orders[:, 0]])
        by_real = np.argsort(shape.real, kind="stable")
        real = shape.real[by_real]
        own = shape[::6]
        queries = np.concatenate([own, own.conj()])  # query q: triangle q % T, mirrored if q >= T
        width = NUMERIC_CHECK * np.maximum(1.0, np.abs(queries))
        lo = np.searchsorted(real, queries.real - width, "left")
        hi = np.searchsorted(real, queries.real + width, "right")
        counts = hi - lo
        q = np.repeat(np.arange(len(queries)), counts)
        starts = np.repeat(lo - (np.cumsum(counts) - counts), counts)
        row = by_real[np.arange(len(q)) + starts]
        keep = (np.abs(shape[row] - queries[q]) <= width[q]) & (row // 6 != q % len(tri))
        q, row = q[keep], row[keep]
        t_of = q % len(tri)
        # the loop order: triangle, then direct before mirrored, then the other's orderings in order
        order = np.lexsort((row, q >= len(tri), t_of))
        out = []
        seen: set[tuple] = set()
        for i in order:
            t = tuple(names[k] for k in tri[t_of[i]])
            w = tuple(names[k] for k in orders[row[i]])
            mirrored = bool(q[i] >= len(tri))
            key = ((t, w) if t < w else (w, t), mirrored)
            if key in seen:
                continue
            seen.add(key)
            out.append((t, w, mirrored))
        return out

    # ------------------------------------------------------------------ angle bisectors
    @cached_property
    def bisector_centres(self) -> list[tuple[str, tuple[str, str, str]]]:
        """(X, ABC): X on a bisector (internal or external) of each angle of the non-degenerate
        triangle ABC, off its side lines, in the figure; triangles in the order of
        ``combinations``, X in the order of the names. Vectorised over every pair."""
        names = self.names
        n = len(names)
        if n < 4:
            return []
        pos = {x: i for i, x in enumerate(names)}
        coll = np.zeros((n, n, n), dtype=bool)  # coll[i, j, k]: k on the line through i and j
        for (p, q), line in self.line_of.items():
            coll[pos[p], pos[q], [pos[x] for x in line]] = True
        idx = np.arange(n)
        tri = self._triples
        a, b, c = tri[:, 0], tri[:, 1], tri[:, 2]
        tri = tri[~coll[a, b, c]]
        a, b, c = tri[:, 0:1], tri[:, 1:2], tri[:, 2:3]
        x = idx[None, :]
        ok = (x != a) & (x != b) & (x != c) & ~coll[a, b, x] & ~coll[b, c, x] & ~coll[c, a, x]
        z = self._coords

        def bisects(v, p, q):  # line V-X bisects the angle between VP and VQ
            d, e, f = z[x] - z[v], z[p] - z[v], z[q] - z[v]
            w = np.conj(d * d) * e * f
            return (d != 0) & (e != 0) & (f != 0) & (np.abs(w.imag) <= NUMERIC_CHECK * np.abs(w))

        ok &= bisects(a, b, c) & bisects(b, a, c) & bisects(c, a, b)
        return [(names[j], tuple(names[k] for k in tri[i])) for i, j in zip(*np.nonzero(ok))]  # type: ignore[misc]
