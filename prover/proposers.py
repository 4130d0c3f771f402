"""Proposers of auxiliary constructions: a search state in, ranked clauses out.

Every proposer has one method, ``propose(state, k)``, returning at most ``k``
:class:`Proposal` values, best first. A proposal is one clause in the problem
language, in the problem's own point names (``"e = midpoint e a b"``); the search
parses and realises it, and skips (and counts) the ones that do not parse or
cannot be built in the figure, so a proposer may be wrong without harm.

* :class:`HeuristicProposer` reads candidates off the figure (midpoints, feet,
  circumcentres, intersections of lines and circles, reflections, parallels and
  perpendiculars through points meeting lines, tangents, ...) and ranks them by
  what the diagram says about the new point: one that lands on an existing line or
  circle it was not built from is far more promising. Numeric duplicates of an
  existing point or of a better candidate are dropped.
* :class:`FakeLM` returns clauses it was given (for tests).
* :class:`MixProposer` interleaves two proposers (language model and heuristics).
* :func:`make_proposer` builds one by name; the language model comes from the
  ``lm`` package (loaded on its first proposal), and asking for it where no model
  is installed raises :class:`ProposerUnavailable`.

>>> from geometry.problem import parse_problem
>>> from geometry.diagram import realise
>>> p = parse_problem("t", "a b c = triangle a b c; d = midpoint d b c ? cong a d b d")
>>> d = realise(p, seed=0, check_goals=False)
>>> props = HeuristicProposer().propose(SearchState(p, d.points), 3)
>>> len(props), all(" = " in x.clause for x in props)
(3, True)
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations, permutations
from typing import Protocol, runtime_checkable

import numpy as np

from geometry.predicates import circumcenter
from geometry.problem import Problem

__all__ = [
    "FakeLM",
    "HeuristicProposer",
    "MixProposer",
    "Proposal",
    "Proposer",
    "ProposerUnavailable",
    "SearchState",
    "fresh_name",
    "make_proposer",
]


@dataclass(frozen=True)
class Proposal:
    """One auxiliary clause, in the problem's point names, with the proposer's score."""

    clause: str
    score: float = 0.0
    source: str = ""


@dataclass(frozen=True)
class SearchState:
    """What a proposer sees: the problem so far (auxiliary clauses included) and its figure."""

    problem: Problem
    points: Mapping[str, complex]
    depth: int = 0  # auxiliary clauses the search has added so far
    deadline: float | None = None  # time.monotonic() by which the search needs the answer

    def text(self) -> str:
        """The problem as one line of the problem language."""
        return self.problem.to_text()


@runtime_checkable
class Proposer(Protocol):
    """Anything with a ``name`` and ``propose(state, k) -> list[Proposal]`` (best first)."""

    name: str

    def propose(self, state: SearchState, k: int) -> list[Proposal]: ...


class ProposerUnavailable(Exception):
    """The proposer asked for cannot run here (e.g. no language model is installed)."""


def fresh_name(used: set[str] | Sequence[str]) -> str:
    """A point name not in ``used``: a free letter, else ``a1``, ``b1``, ...

    >>> fresh_name({"a", "b"})
    'c'
    """
    used = set(used)
    letters = "abcdefghijklmnopqrstuvwxyz"
    for n in range(0, 100):
        for c in letters:
            name = c if n == 0 else f"{c}{n}"
            if name not in used:
                return name
    raise ValueError("no free point name")


# ---------------------------------------------------------------------- simple proposers
class FakeLM:
    """A stand-in for the language model: proposes the clauses it was given.

    ``responses`` is a list of clause texts (the same for every state) or a function
    from the state to such a list. Every state it was asked about is kept in ``asked``.
    """

    name = "fake"

    def __init__(self, responses: Sequence[str] | Callable[[SearchState], Sequence[str]]) -> None:
        self._responses = responses
        self.asked: list[str] = []

    def propose(self, state: SearchState, k: int) -> list[Proposal]:
        self.asked.append(state.text())
        texts = self._responses(state) if callable(self._responses) else self._responses
        return [Proposal(t, float(len(texts) - i), self.name) for i, t in enumerate(list(texts)[:k])]


class MixProposer:
    """Interleaves the proposals of several proposers (duplicate clauses once)."""

    name = "mix"

    def __init__(self, *parts: Proposer) -> None:
        self.parts = parts

    def propose(self, state: SearchState, k: int) -> list[Proposal]:
        lists = [p.propose(state, k) for p in self.parts]
        out: list[Proposal] = []
        seen: set[str] = set()
        for i in range(max((len(x) for x in lists), default=0)):
            for props in lists:
                if i < len(props) and props[i].clause not in seen:
                    seen.add(props[i].clause)
                    out.append(props[i])
        return out[:k]


def load_lm_proposer(model: str | None) -> Proposer:
    """The language-model proposer of the ``lm`` package (:func:`lm.proposer.load`), lazy:
    here only cheap checks run (the ``lm`` extra is installed, the model folder holds a
    checkpoint's files) and torch and the weights are loaded on its first proposal, so a
    problem DD+AR proves alone costs no more than with the heuristics.
    ProposerUnavailable where the extra or the model is missing."""
    from lm.proposer import load

    try:
        return load(model, lazy=True)
    except ImportError as e:  # the message is lm.proposer.LM_EXTRA, naming the missing module
        raise ProposerUnavailable(f"{e}; or use --proposer heuristic") from None
    except (OSError, ValueError) as e:
        raise ProposerUnavailable(f"cannot load the language model: {e}") from None


def make_proposer(name: str, model: str | None = None) -> Proposer:
    """``heuristic``, ``lm`` or ``mix`` (language model and heuristics interleaved)."""
    if name == "heuristic":
        return HeuristicProposer()
    if name == "lm":
        return load_lm_proposer(model)
    if name == "mix":
        return MixProposer(load_lm_proposer(model), HeuristicProposer())
    raise ProposerUnavailable(f"unknown proposer {name!r} (heuristic, lm or mix)")


# ---------------------------------------------------------------------- heuristics
@dataclass(frozen=True)
class _Line:
    members: tuple[str, ...]  # every existing point on it, in problem order
    p: complex
    d: complex  # unit direction

    @property
    def rep(self) -> tuple[str, str]:
        return self.members[0], self.members[1]


@dataclass(frozen=True)
class _Circle:
    members: tuple[str, ...]  # every existing point on it (>= 3)
    c: complex
    r: float


@dataclass
class _Candidate:
    construction: str  # e.g. "midpoint {x} a b" with {x} for the new point
    z: complex
    family: str
    lines: list[tuple[complex, complex]] = field(default_factory=list)  # loci it is built on (p, unit d)
    circles: list[tuple[complex, float]] = field(default_factory=list)  # (centre, radius)
    args: tuple[str, ...] = ()


#: A small preference between families (they are ranked mainly by coincidences).
_PRIOR = {
    "midpoint": 1.0,
    "foot": 0.8,
    "circumcentre": 0.7,
    "orthocentre": 0.5,
    "incentre": 0.4,
    "intersection": 0.6,
    "line-circle": 0.5,
    "mirror": 0.4,
    "reflection": 0.4,
    "parallelogram": 0.4,
    "parallel": 0.3,
    "perpendicular": 0.3,
    "bisector": 0.3,
}


class HeuristicProposer:
    """Constructions read off the figure, ranked by the coincidences of the new point.

    Score of a candidate: 2 per existing line and per existing circle (through three
    points) that the new point lies on without being built on it, 2 if it is the
    midpoint of two existing points it was not built from, 1 per circle about an
    existing centre through an existing point, 1 per such incidence with a line or
    circle through a point of the goal, plus a small preference per family.
    """

    name = "heuristic"

    def __init__(self, max_points: int = 26, max_lines: int = 30) -> None:
        self.max_points = max_points  # larger figures: only the first points are used
        # parallels/perpendiculars through a point meeting a line: only the figure's main lines
        self.max_lines = max_lines

    def propose(self, state: SearchState, k: int) -> list[Proposal]:
        pts = {n: complex(z) for n, z in state.points.items()}
        names = list(pts)[: self.max_points]
        if len(names) < 2:
            return []
        zs = np.array([pts[n] for n in names])
        centre = zs.mean()
        radius = max(float(np.abs(zs - centre).max()), 1e-9)
        tol = 1e-7 * radius
        lines = _lines(names, pts, tol)
        circles = _circles(names, pts, tol, radius)
        main = _main_lines(lines, state.problem)[: self.max_lines]
        cands = []
        for cand in _generate(names, pts, lines, main, circles, tol):
            cands.append(cand)
            if len(cands) % 4096 == 0 and state.deadline is not None and time.monotonic() > state.deadline:
                break  # out of time: rank what there is
        goal_pts = set(state.problem.goal.points) if state.problem.goal is not None else set()
        new = fresh_name(set(state.points) | set(state.problem.points()))
        ranked = _rank(cands, pts, names, lines, circles, goal_pts, centre, radius, tol)
        out = []
        for score, c in ranked[:k]:
            text = c.construction.format(x=new)
            out.append(Proposal(f"{new} = {text}", round(score, 3), f"{self.name}:{c.family}"))
        return out


def _unit(d: complex) -> complex:
    return d / abs(d)


def _on_line(z: complex, p: complex, d: complex, tol: float) -> bool:
    return abs(((z - p) * d.conjugate()).imag) <= tol


def _lines(names: list[str], pts: dict[str, complex], tol: float) -> list[_Line]:
    """Every line through two existing points, with all the points on it."""
    out: list[_Line] = []
    covered: set[tuple[str, str]] = set()
    for a, b in combinations(names, 2):
        if (a, b) in covered or abs(pts[b] - pts[a]) <= tol:
            continue
        d = _unit(pts[b] - pts[a])
        members = tuple(n for n in names if n in (a, b) or _on_line(pts[n], pts[a], d, tol))
        covered.update(combinations(members, 2))
        out.append(_Line(members, pts[a], d))
    return out


def _circles(names: list[str], pts: dict[str, complex], tol: float, radius: float) -> list[_Circle]:
    """Every circle through three existing points, with all the points on it."""
    out: list[_Circle] = []
    covered: set[frozenset[str]] = set()
    for tri in combinations(names, 3):
        if frozenset(tri) in covered:
            continue
        o = circumcenter(*(pts[t] for t in tri))
        if o is None:
            continue
        r = abs(pts[tri[0]] - o)
        if r > 50 * radius:
            continue
        members = tuple(n for n in names if abs(abs(pts[n] - o) - r) <= tol)
        covered.update(frozenset(t) for t in combinations(members, 3))
        out.append(_Circle(members, o, r))
    return out


def _main_lines(lines: list[_Line], problem: Problem) -> list[_Line]:
    """The lines with three or more points, then those through two points of one clause
    (a triangle's sides, a constructed segment), in the problem's order."""
    together = [set(c.points) | {a for call in c.constructions for a in call.args if isinstance(a, str)}
                for c in problem.all_clauses()]
    rich = [l for l in lines if len(l.members) >= 3]
    stated = [l for l in lines if len(l.members) < 3 and any(set(l.members) <= s for s in together)]
    return rich + stated


def _generate(names, pts, lines: list[_Line], main: list[_Line], circles: list[_Circle], tol: float):
    """Candidate constructions with the position of their new point."""
    P = pts
    # midpoints and mirror images
    for a, b in combinations(names, 2):
        yield _Candidate(f"midpoint {{x}} {a} {b}", (P[a] + P[b]) / 2, "midpoint", [(P[a], _unit(P[b] - P[a]))], [], (a, b))
    for a, b in permutations(names, 2):
        yield _Candidate(
            f"mirror {{x}} {a} {b}", 2 * P[b] - P[a], "mirror", [(P[a], _unit(P[b] - P[a]))], [(P[b], abs(P[a] - P[b]))], (a, b)
        )
    for line in lines:
        b, c = line.rep
        for a in names:
            if a in line.members:
                continue
            t = ((P[a] - line.p) * line.d.conjugate()).real
            f = line.p + t * line.d
            perp = (P[a], _unit(f - P[a]))
            yield _Candidate(f"foot {{x}} {a} {b} {c}", f, "foot", [(line.p, line.d), perp], [], (a, b, c))
            yield _Candidate(
                f"reflect {{x}} {a} {b} {c}", 2 * f - P[a], "reflection", [perp],
                [(P[b], abs(P[a] - P[b])), (P[c], abs(P[a] - P[c]))], (a, b, c),
            )
    # intersections of two existing lines
    for l1, l2 in combinations(lines, 2):
        z = _meet(l1.p, l1.d, l2.p, l2.d)
        if z is not None:
            a, b = l1.rep
            c, d = l2.rep
            yield _Candidate(f"intersection_ll {{x}} {a} {b} {c} {d}", z, "intersection", [(l1.p, l1.d), (l2.p, l2.d)], [], (a, b, c, d))
    # parallels and perpendiculars through a point, meeting an existing line
    for l1 in main:
        a, b = l1.rep
        for l2 in main:
            m, n = l2.rep
            for c in names:
                if c in l1.members:
                    continue
                if c not in l2.members and l2 is not l1:
                    z = _meet(l1.p, l1.d, P[c], l2.d)
                    if z is not None:
                        yield _Candidate(
                            f"intersection_lp {{x}} {a} {b} {c} {m} {n}", z, "parallel",
                            [(l1.p, l1.d), (P[c], l2.d)], [], (a, b, c, m, n),
                        )
                if l2 is not l1:
                    z = _meet(l1.p, l1.d, P[c], l2.d * 1j)
                    if z is not None:
                        yield _Candidate(
                            f"intersection_lt {{x}} {a} {b} {c} {m} {n}", z, "perpendicular",
                            [(l1.p, l1.d), (P[c], l2.d * 1j)], [], (a, b, c, m, n),
                        )
    # circumcentres, orthocentres, incentres of triangles of existing points
    for circ in circles:
        a, b, c = circ.members[:3]
        yield _Candidate(f"circle {{x}} {a} {b} {c}", circ.c, "circumcentre", [], [], (a, b, c))
    for a, b, c in combinations(names, 3):
        za, zb, zc = P[a], P[b], P[c]
        if abs(((zb - za) * (zc - za).conjugate()).imag) <= tol * max(abs(zb - za), abs(zc - za), 1e-12):
            continue
        h = _meet(za, (zc - zb) * 1j, zb, (zc - za) * 1j)
        if h is not None:
            yield _Candidate(f"orthocenter {{x}} {a} {b} {c}", h, "orthocentre", [], [], (a, b, c))
        la, lb, lc = abs(zb - zc), abs(zc - za), abs(za - zb)
        yield _Candidate(
            f"incenter {{x}} {a} {b} {c}", (la * za + lb * zb + lc * zc) / (la + lb + lc), "incentre", [], [], (a, b, c)
        )
        for u, v, w in ((a, b, c), (b, c, a), (c, a, b)):
            # parallelogram u v w x: x = u + w - v
            yield _Candidate(f"parallelogram {u} {v} {w} {{x}}", P[u] + P[w] - P[v], "parallelogram", [], [], (u, v, w))
            # the bisector of the angle at v meets the opposite side uw
            bis = _unit(P[u] - P[v]) + _unit(P[w] - P[v])
            if abs(bis) > 1e-9:
                z = _meet(P[v], bis, P[u], P[w] - P[u])
                if z is not None:
                    yield _Candidate(
                        f"angle_bisector {{x}} {u} {v} {w}, on_line {{x}} {u} {w}", z, "bisector",
                        [(P[u], _unit(P[w] - P[u])), (P[v], _unit(bis))], [], (u, v, w),
                    )
    # lines through a point of a circle meet the circle again
    for circ in circles:
        c0, c1, c2 = circ.members[:3]
        for a in circ.members:
            for b in names:
                if b == a:
                    continue
                d = P[b] - P[a]
                if abs(d) <= tol:
                    continue
                # second intersection of line ab with the circle through a
                u = _unit(d)
                t = -2 * ((P[a] - circ.c) * u.conjugate()).real
                if abs(t) <= 1e-6 * circ.r:
                    continue  # tangent
                z = P[a] + t * u
                yield _Candidate(
                    f"on_line {{x}} {a} {b}, on_circum {{x}} {c0} {c1} {c2}", z, "line-circle",
                    [(P[a], u)], [(circ.c, circ.r)], (a, b, c0, c1, c2),
                )
    # circles about an existing centre o through b, cut by a line through b
    for o in names:
        for b in names:
            if b == o:
                continue
            r = abs(P[b] - P[o])
            for a in names:
                if a in (o, b):
                    continue
                u = _unit(P[a] - P[b])
                t = -2 * ((P[b] - P[o]) * u.conjugate()).real
                if abs(t) <= 1e-6 * r:
                    continue
                yield _Candidate(
                    f"intersection_lc {{x}} {a} {o} {b}", P[b] + t * u, "line-circle", [(P[b], u)], [(P[o], r)], (a, o, b)
                )


def _meet(p1: complex, d1: complex, p2: complex, d2: complex) -> complex | None:
    """The intersection of two lines (None if they are parallel)."""
    den = (d1.conjugate() * d2).imag
    if abs(den) <= 1e-9 * abs(d1) * abs(d2):
        return None
    t = ((p2 - p1).conjugate() * d2).imag / den
    return p1 + t * d1


def _rank(cands, pts, names, lines, circles, goal_pts, centre, radius, tol):
    """Score the candidates, drop numeric duplicates, best first (stable on ties)."""
    existing = np.array([pts[n] for n in names])
    keep: list[_Candidate] = []
    for c in cands:
        z = c.z
        if not (math.isfinite(z.real) and math.isfinite(z.imag)) or abs(z - centre) > 10 * radius:
            continue
        keep.append(c)
    if not keep:
        return []
    Z = np.array([c.z for c in keep])
    far = np.abs(Z[:, None] - existing[None, :]).min(axis=1) >= 1e-3 * radius  # not an existing point
    keep = [c for c, ok in zip(keep, far) if ok]
    Z = Z[far]
    if not keep:
        return []
    # incidences with lines |cross(z - p, d)| and circles ||z - c| - r|: (m, L) and (m, C)
    LP = np.array([l.p for l in lines])
    LD = np.array([l.d for l in lines])
    on_line = np.abs(((Z[:, None] - LP[None, :]) * LD.conj()[None, :]).imag) <= 10 * tol
    if circles:
        CC = np.array([c.c for c in circles])
        CR = np.array([c.r for c in circles])
        on_circle = np.abs(np.abs(Z[:, None] - CC[None, :]) - CR[None, :]) <= 10 * tol
    else:
        on_circle = np.zeros((len(keep), 0), dtype=bool)
    # on a circle about an existing point o through another existing point: (m, n)
    n = len(names)
    D = np.abs(existing[:, None] - existing[None, :])  # (n, n)
    np.fill_diagonal(D, -1.0)
    DZ = np.abs(Z[:, None] - existing[None, :])  # (m, n)
    centred = (np.abs(D[None, :, :] - DZ[:, :, None]) <= 10 * tol).any(axis=2)
    # the midpoint of two existing points: (m,)
    iu = np.triu_indices(n, 1)
    sums = (existing[:, None] + existing[None, :])[iu]
    midpoint = (np.abs(sums[None, :] - 2 * Z[:, None]) <= 20 * tol).any(axis=1)
    pos = {x: i for i, x in enumerate(names)}
    line_hits, circle_hits, centre_hits = _by_row(on_line), _by_row(on_circle), _by_row(centred)
    mid = midpoint.tolist()
    scored: list[tuple[float, int, _Candidate]] = []
    best_at: dict[tuple[int, int], int] = {}
    for i, c in enumerate(keep):
        score = _PRIOR.get(c.family, 0.0) - 0.05 * len(c.args)
        goal_hits = 0
        for j in line_hits.get(i, ()):
            line = lines[j]
            if any(_same_line(line, p, d, tol) for p, d in c.lines):
                continue
            score += 2
            goal_hits += bool(goal_pts & set(line.members))
        for j in circle_hits.get(i, ()):
            circ = circles[j]
            if any(abs(circ.c - o) <= 10 * tol and abs(circ.r - r) <= 10 * tol for o, r in c.circles):
                continue
            score += 2
            goal_hits += bool(goal_pts & set(circ.members))
        if i in centre_hits:
            hits = set(centre_hits[i])
            if c.family in ("midpoint", "mirror", "reflection", "line-circle"):
                hits -= {pos[a] for a in c.args if a in pos}  # equal lengths by construction
            score += len(hits)
            goal_hits += sum(names[o] in goal_pts for o in hits)
        if c.family != "midpoint" and mid[i]:
            score += 2
        score += min(goal_hits, 3) + 0.25 * len(goal_pts & set(c.args))
        key = (round(c.z.real / radius * 1e5), round(c.z.imag / radius * 1e5))
        prev = best_at.get(key)
        if prev is not None and scored[prev][0] >= score:
            continue
        if prev is not None:
            scored[prev] = (-math.inf, prev, scored[prev][2])
        best_at[key] = len(scored)
        scored.append((score, len(scored), c))
    scored = [s for s in scored if s[0] > -math.inf]
    scored.sort(key=lambda s: (-s[0], s[1]))
    return [(s, c) for s, _, c in scored]


def _by_row(mask: np.ndarray) -> dict[int, list[int]]:
    """The true columns of each row of a boolean matrix (rows without any are left out)."""
    out: dict[int, list[int]] = {}
    for i, j in zip(*(x.tolist() for x in np.nonzero(mask))):
        out.setdefault(i, []).append(j)
    return out


def _same_line(line: _Line, p: complex, d: complex, tol: float) -> bool:
    return abs((line.d * d.conjugate()).imag) <= 1e-7 and _on_line(p, line.p, line.d, 10 * tol)
