"""Numeric loci and their intersections (points are complex numbers ``x + iy``).

>>> l1 = Line(0j, 1 + 0j); l2 = Line(1j, 1j)
>>> intersect(l1, Line(2 + 0j, 1j))
[(2+0j)]
>>> sorted(round(p.real, 9) for p in intersect(Circle(0j, 1.0), l1))
[-1.0, 1.0]
"""
from __future__ import annotations

import cmath
import math
from dataclasses import dataclass
from typing import Union

import numpy as np

from .tolerance import LOCUS_EPS, ON_LOCUS


@dataclass(frozen=True)
class Line:
    """The line through ``p`` with direction ``d`` (nonzero)."""

    p: complex
    d: complex

    def contains(self, z: complex, tol: float = ON_LOCUS) -> bool:
        u = self.d / abs(self.d)
        return abs(((z - self.p) / u).imag) <= tol * max(1.0, abs(z - self.p))

    def admits(self, z: complex) -> bool:
        """Whether a point of the full line is kept (rays keep one side)."""
        return True


@dataclass(frozen=True)
class Ray(Line):
    """The half-line from ``p`` in direction ``d``."""

    def admits(self, z: complex) -> bool:
        return ((z - self.p) / self.d).real > -LOCUS_EPS


@dataclass(frozen=True)
class Circle:
    c: complex
    r: float

    def contains(self, z: complex, tol: float = ON_LOCUS) -> bool:
        return abs(abs(z - self.c) - self.r) <= tol * max(1.0, self.r)

    def admits(self, z: complex) -> bool:
        return True


Locus = Union[Line, Circle]


def line_through(a: complex, b: complex) -> Line:
    return Line(a, b - a)


def foot(p: complex, line: Line) -> complex:
    """Orthogonal projection of ``p`` on ``line``."""
    u = line.d / abs(line.d)
    t = ((p - line.p) / u).real
    return line.p + t * u


def reflect_in_line(p: complex, line: Line) -> complex:
    return 2 * foot(p, line) - p


def rotate(z: complex, angle: float, about: complex = 0j) -> complex:
    return about + (z - about) * cmath.exp(1j * angle)


def _ll(l1: Line, l2: Line) -> list[complex]:
    # p1 + t d1 = p2 + s d2
    det = (l1.d.conjugate() * l2.d).imag
    if abs(det) <= LOCUS_EPS * abs(l1.d) * abs(l2.d):
        return []
    t = ((l2.p - l1.p).conjugate() * l2.d).imag / det
    return [l1.p + t * l1.d]


def _lc(l: Line, c: Circle) -> list[complex]:
    f = foot(c.c, l)
    h2 = c.r * c.r - abs(f - c.c) ** 2
    if h2 < -LOCUS_EPS * max(1.0, c.r * c.r):
        return []
    u = l.d / abs(l.d)
    if h2 <= LOCUS_EPS * max(1.0, c.r * c.r):
        return [f]
    h = math.sqrt(h2)
    return [f - h * u, f + h * u]


def _cc(c1: Circle, c2: Circle) -> list[complex]:
    d = abs(c2.c - c1.c)
    if d <= LOCUS_EPS:
        return []
    a = (c1.r**2 - c2.r**2 + d * d) / (2 * d)
    h2 = c1.r**2 - a * a
    if h2 < -LOCUS_EPS * max(1.0, c1.r**2):
        return []
    u = (c2.c - c1.c) / d
    m = c1.c + a * u
    if h2 <= LOCUS_EPS * max(1.0, c1.r**2):
        return [m]
    h = math.sqrt(h2)
    return [m + 1j * h * u, m - 1j * h * u]


def intersect(a: Locus, b: Locus) -> list[complex]:
    """Common points of two loci, filtered by ray directions."""
    if isinstance(a, Line) and isinstance(b, Line):
        pts = _ll(a, b)
    elif isinstance(a, Line):
        pts = _lc(a, b)  # type: ignore[arg-type]
    elif isinstance(b, Line):
        pts = _lc(b, a)
    else:
        pts = _cc(a, b)
    return [p for p in pts if a.admits(p) and b.admits(p)]


def sample_on(locus: Locus, rng: np.random.Generator, centre: complex, radius: float) -> complex:
    """A random point of ``locus`` near the disc (centre, radius) of the figure."""
    if isinstance(locus, Circle):
        return locus.c + locus.r * cmath.exp(1j * rng.uniform(0, 2 * math.pi))
    u = locus.d / abs(locus.d)
    t0 = ((centre - locus.p) / u).real  # parameter of the point nearest the centre
    span = max(radius, abs(u)) * 1.0
    if isinstance(locus, Ray):
        lo = max(0.0, t0 - span)
        hi = max(lo + 0.2 * span, t0 + span)
        t = rng.uniform(lo, hi)
    else:
        t = rng.uniform(t0 - span, t0 + span)
    return locus.p + t * u
