"""Proposers of auxiliary constructions: a search state in, ranked clauses out.

Every proposer has one method, ``propose(state, k)``, returning at most ``k``
:class:`Proposal` values, best first. A proposal is one clause in the problem
language, in the problem's own point names (``"e = midpoint e a b"``); the search
parses and realises it, and skips (and counts) the ones that do not parse or
cannot be built in the figure, so a proposer may be wrong without harm. Its score
is a natural-log probability on one scale for every proposer (see :class:`Proposal`).

* :class:`HeuristicProposer` reads candidates off the figure (midpoints, feet,
  circumcentres, intersections of lines and circles and of two circles, arc midpoints,
  antipodes, excentres, reflections, parallels and perpendiculars through points meeting
  lines, ...), each a construction
  of the catalogue that :func:`geometry.constructions.realise_construction` places,
  and ranks them by what the diagram says about the new point: one that lands on an
  existing line or circle it was not built from is far more promising. Numeric
  duplicates of an existing point or of a better candidate are dropped.
* :class:`ModelProposer` asks a language model (:class:`lm.proposer.LMProposer`)
  for clauses.
* :class:`FakeLM` returns clauses it was given (for tests).
* :class:`RankedProposer` orders the heuristic candidates and the model's own clauses by the
  model's log-probability of each, plus the heuristic's.
* :class:`MixProposer` interleaves two proposers (language model and heuristics).
* :func:`make_proposer` builds one by name; the language model comes from the
  ``lm`` package (loaded on its first proposal), and asking for it where no model
  is installed raises :class:`ProposerUnavailable`.

>>> from geometry.problem import parse_problem
>>> from geometry.diagram import realise
>>> p = parse_problem("t", "a b c = triangle a b c; d = midpoint d b c ? cong a d b d")
>>> d = realise(p, seed=0, check_goals=False)
>>> props = HeuristicProposer().propose(SearchState(p, d.points), 3)
>>> len(props), all(" = " in x.clause and x.score <= 0 for x in props)
(3, True)
"""
from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain, combinations, permutations
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from geometry.constructions import DegenerateError, realise_construction
from geometry.numeric import Locus, intersect
from geometry.predicates import circumcenter
from geometry.problem import Problem
from geometry.tolerance import (
    MIN_SEPARATION, ON_LOCUS, SCALE_FLOOR, SCREEN_ROUNDING, SCREEN_SLACK, SNAP_DIGITS, ZERO_LENGTH,
)

if TYPE_CHECKING:  # lm is imported when a model is asked for (its checks are cheap, its model is not)
    from lm.proposer import Proposed

__all__ = [
    "ClauseModel",
    "FakeLM",
    "HeuristicProposer",
    "MixProposer",
    "ModelProposer",
    "PROPOSERS",
    "RankedProposer",
    "Proposal",
    "Proposer",
    "ProposerUnavailable",
    "SearchState",
    "combine",
    "fresh_name",
    "make_proposer",
]


@dataclass(frozen=True)
class Proposal:
    """One auxiliary clause, in the problem's point names, with the proposer's score.

    ``score`` is the natural-log probability that the proposer gives this clause among
    its candidates for the state: ``<= 0``, higher is better, on one scale for every
    proposer, and the probabilities of one call's proposals sum to at most 1 (a
    :class:`MixProposer` keeps each part's score, so its sum is at most the number of
    parts). What each proposer's distribution is:

    * :class:`HeuristicProposer`: the softmax of its evidence (coincidences of the new
      point) over every candidate it ranked for the state, the ``k`` returned and the rest;
    * :class:`ModelProposer`: the model's probability of the clause's tokens, normalised
      over the beams that beam search returned (:meth:`lm.proposer.LMProposer.suggest`);
      the list keeps beam search's order (length-normalised), so these scores need not
      decrease along it;
    * :class:`FakeLM`: by rank alone, ``1, 1/2, 1/3, ...`` normalised over the clauses it was given.
    """

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
    #: what the proposer made and dropped before returning, by reason ("unparseable", "duplicates"):
    #: a proposer adds to it, the search counts it in its row
    dropped: dict[str, int] = field(default_factory=dict, compare=False)

    def drop(self, reason: str, n: int) -> None:
        if n:
            self.dropped[reason] = self.dropped.get(reason, 0) + n

    def text(self) -> str:
        """The problem as one line of the problem language."""
        return self.problem.to_text()


@runtime_checkable
class Proposer(Protocol):
    """Anything with a ``name`` and ``propose(state, k) -> list[Proposal]`` (best first).

    A proposer may also say ``parallel_safe = True``: it gives a state the same list whatever
    process asks (a forked copy of it), each list a prefix of any longer one, so the search may
    ask several states at once in forked workers, and ask for more than it needs now."""

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


def _log_softmax(values: Sequence[float]) -> list[float]:
    """``log(exp(v) / sum(exp(values)))`` for each value (each ``<= 0``).

    >>> [round(x, 3) for x in _log_softmax([0.0, 0.0])]
    [-0.693, -0.693]
    """
    if not values:
        return []
    log_z = _log_partition(values)
    return [min(v - log_z, 0.0) for v in values]


def _log_partition(values: Sequence[float]) -> float:
    """``log(sum(exp(values)))`` (0 for none)."""
    if not values:
        return 0.0
    top = max(values)
    return top + math.log(sum(math.exp(v - top) for v in values))


# ---------------------------------------------------------------------- simple proposers
class FakeLM:
    """A stand-in for the language model: proposes the clauses it was given.

    ``responses`` is a list of clause texts (the same for every state) or a function
    from the state to such a list. Every state it was asked about is kept in ``asked``.
    Scores follow the rank alone: the ``i``-th of ``n`` clauses (from 0) has probability
    ``(1 / (i + 1)) / H_n`` (``H_n = 1 + 1/2 + ... + 1/n``; Zipf's law over the list).
    """

    name = "fake"

    def __init__(self, responses: Sequence[str] | Callable[[SearchState], Sequence[str]]) -> None:
        self._responses = responses
        self.asked: list[str] = []

    def propose(self, state: SearchState, k: int) -> list[Proposal]:
        self.asked.append(state.text())
        texts = list(self._responses(state) if callable(self._responses) else self._responses)
        log_h = math.log(sum(1 / (i + 1) for i in range(len(texts))) or 1.0)
        return [Proposal(t, min(-math.log(i + 1) - log_h, 0.0), self.name) for i, t in enumerate(texts[:k])]


class MixProposer:
    """Interleaves the proposals of several proposers (duplicate clauses once), each with
    the score its own proposer gave it."""

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


class ClauseModel(Protocol):
    """What :class:`ModelProposer` needs of a model (:class:`lm.proposer.LMProposer`):
    clauses for a problem, best first, with their log-probabilities; and the log-probability of
    given clauses (``-inf`` for one that is not a clause of the problem)."""

    def propose_clauses(self, problem: Problem, k: int, deadline: float | None = None,
                        sample: bool = True) -> Proposed: ...

    def score(self, problem: Problem, clauses: Sequence[str], per_token: bool = False) -> list[float]: ...


class ModelProposer:
    """A language model as a search proposer: its suggestions for the state's problem,
    each scored with the log-probability the model gives it (see :class:`Proposal`).

    The model is loaded when the first proposal is asked for (:attr:`loaded`), so a
    problem DD+AR proves alone never pays for it.
    """

    name = "lm"

    def __init__(self, model: ClauseModel) -> None:
        self.model = model

    @property
    def loaded(self) -> bool:
        """Whether the model is in memory (a model that does not say is taken as loaded)."""
        return bool(getattr(self.model, "loaded", True))

    def propose(self, state: SearchState, k: int) -> list[Proposal]:
        got = self.model.propose_clauses(state.problem, k, state.deadline)
        state.drop("unparseable", got.malformed)
        state.drop("duplicates", got.duplicates)
        return [Proposal(c.to_text(), lp, self.name) for c, lp in got.clauses]


#: How much the heuristic's log-probability weighs beside the model's mean log-probability per
#: token in :class:`RankedProposer` (chosen with bench/rank_weight.py: docs/lm.md, "The
#: model-ranked proposer").
RANK_WEIGHT = 1.0


class RankedProposer:
    """The heuristic candidates and the model's own clauses, ordered by the model.

    For a state it takes the heuristic proposer's ``pool`` best candidates (more when the search
    asks for more: only the new ones are scored) and the model's ``generated`` beams, and ranks them all by
    ``model + weight * heuristic``: the model's mean log-probability per token of the clause
    (:meth:`lm.proposer.LMProposer.score` with ``per_token``; the total would favour short
    clauses) plus ``weight`` times the heuristic's log-probability (a clause the heuristics did
    not propose gets their lowest). The score of each proposal is the
    log-softmax of that over the ranked list (:class:`Proposal`). Lists are kept per state, so
    asking again for more goes on down the same order.
    """

    name = "ranked"

    def __init__(self, model: ClauseModel, heuristic: Proposer | None = None, weight: float = RANK_WEIGHT,
                 pool: int = 256, generated: int = 16, remember: int = 64) -> None:
        self.model = model
        self.heuristic = heuristic if heuristic is not None else HeuristicProposer()
        self.weight, self.pool, self.generated, self.remember = weight, pool, generated, remember
        self._ranked: dict[str, tuple[int, list[Proposal]]] = {}  # state -> (heuristic pool asked, ranking)
        self._scores: dict[str, dict[str, float]] = {}  # state -> clause -> the model's score

    @property
    def loaded(self) -> bool:
        return bool(getattr(self.model, "loaded", True))

    def propose(self, state: SearchState, k: int) -> list[Proposal]:
        key = state.text()
        asked, ranked = self._ranked.pop(key, (0, []))
        want = max(k, self.pool)
        if asked < want and (asked == 0 or len(ranked) >= asked):  # the heuristics may have more
            asked = max(want, 2 * asked)
            ranked = self._rank(state, asked)
        self._ranked[key] = (asked, ranked)
        while len(self._ranked) > self.remember:
            self._scores.pop(next(iter(self._ranked)), None)
            self._ranked.pop(next(iter(self._ranked)))
        return ranked[:k]

    def _rank(self, state: SearchState, n: int) -> list[Proposal]:
        heur = self.heuristic.propose(state, n)
        # beam search's clauses only: sampling more would cost the search its time
        got = self.model.propose_clauses(state.problem, self.generated, state.deadline, sample=False)
        state.drop("unparseable", got.malformed)
        state.drop("duplicates", got.duplicates)
        texts = [p.clause for p in heur] + [c.to_text() for c, _ in got.clauses]
        known = self._scores.setdefault(state.text(), {})
        new = [t for t in dict.fromkeys(texts) if t not in known]  # asked again: only the new ones
        if new:
            known.update(zip(new, self.model.score(state.problem, new, per_token=True)))
        scores = [known[t] for t in texts]
        return combine(heur, scores[:len(heur)], list(zip(texts[len(heur):], scores[len(heur):])),
                       self.weight, self.name)


def combine(heuristic: Sequence[Proposal], model_scores: Sequence[float], generated: Sequence[tuple[str, float]],
            weight: float, name: str = RankedProposer.name) -> list[Proposal]:
    """:class:`RankedProposer`'s order: the heuristic proposals (with the model's score of each)
    and the model's own ``(clause, model score)`` by ``model + weight * heuristic``
    (the heuristics' lowest for a clause they did not propose), best first, scored by the
    log-softmax of that. A heuristic candidate the model cannot read (``-inf``: a word it lacks,
    a prompt too long for its context) keeps its place among them with the model's lowest score,
    so where the model reads nothing the heuristic order stands."""
    floor = min((p.score for p in heuristic), default=0.0)
    finite = [m for m in model_scores if m > -math.inf]
    lowest = min(finite, default=0.0)
    model_scores = [m if m > -math.inf else lowest for m in model_scores]
    items = [(m + weight * p.score, p.clause, p.source) for p, m in zip(heuristic, model_scores)]
    known = {p.clause for p in heuristic}
    items += [(lp + weight * floor, c, "lm") for c, lp in generated if c not in known]
    items = [x for x in items if x[0] > -math.inf]
    items.sort(key=lambda x: -x[0])  # stable: the heuristic order breaks ties
    scores = _log_softmax([x[0] for x in items])
    return [Proposal(c, sc, f"{name}:{src}") for sc, (_, c, src) in zip(scores, items)]


def load_lm_proposer(model: str | None) -> ModelProposer:
    """The language model of the ``lm`` package (:func:`lm.proposer.load`) as a proposer, lazy:
    here only cheap checks run (the ``lm`` extra is installed, the model folder holds a
    checkpoint's files) and torch and the weights are loaded on its first proposal, so a
    problem DD+AR proves alone costs no more than with the heuristics.
    ProposerUnavailable where the extra or the model is missing."""
    from lm.proposer import load

    try:
        return ModelProposer(load(model, lazy=True))
    except ImportError as e:  # the message is lm.proposer.LM_EXTRA, naming the missing module
        raise ProposerUnavailable(f"{e}; or use --proposer heuristic") from None
    except (OSError, ValueError) as e:
        raise ProposerUnavailable(f"cannot load the language model: {e}") from None


#: The proposers :func:`make_proposer` builds, by name.
PROPOSERS = ("heuristic", "lm", "ranked", "mix")


def make_proposer(name: str, model: str | None = None) -> Proposer:
    """``heuristic``, ``lm``, ``ranked`` (heuristic and model candidates ordered by the model)
    or ``mix`` (language model and heuristics interleaved)."""
    if name == "heuristic":
        return HeuristicProposer()
    if name == "lm":
        return load_lm_proposer(model)
    if name == "ranked":
        return RankedProposer(load_lm_proposer(model).model)
    if name == "mix":
        return MixProposer(load_lm_proposer(model), HeuristicProposer())
    raise ProposerUnavailable(f"unknown proposer {name!r} ({', '.join(PROPOSERS)})")


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


#: States whose whole ranked lists a heuristic proposer keeps.
_CACHED_STATES = 8

#: The new point in a candidate's construction text.
_X = "{x}"


@dataclass
class _Candidate:
    construction: str  # constructions of the catalogue, e.g. "midpoint {x} a b", with {x} for the new point
    family: str
    lines: list[tuple[complex, complex]] = field(default_factory=list)  # loci it is built on (p, unit d)
    circles: list[tuple[complex, float]] = field(default_factory=list)  # (centre, radius)
    args: tuple[str, ...] = ()
    z: complex = 0j  # the new point, where the catalogue puts it (set by _generate)
    # existing points at the centres of the circles it is built on: equal lengths from them are by construction
    centres: tuple[str, ...] = ()


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
    # kinds a geometer adds on circles (no higher than their nearest old kin above)
    "circle-circle": 0.5,  # as line-circle
    "arc-midpoint": 0.4,  # a line-circle point on the bisector of an angle
    "antipode": 0.4,  # as mirror
    "excentre": 0.3,  # below incentre
    # tangents, chords, isogonal and isotomic partners, spiral centres
    "tangent": 0.4,  # a tangent at a point of a circle meeting a line or another tangent
    "tangent-point": 0.3,  # where a tangent from a point touches a circle about a centre
    "chord": 0.3,  # as parallel / perpendicular, ending on a circle
    "isogonal": 0.3,  # as bisector
    "isotomic": 0.2,
    "spiral": 0.4,  # as circle-circle
}


class HeuristicProposer:
    """Constructions read off the figure, ranked by the coincidences of the new point.

    Evidence for a candidate: 2 per existing line and per existing circle (through three
    points) that the new point lies on without being built on it, 2 if it is the
    midpoint of two existing points it was not built from, 1 per circle about an
    existing centre through an existing point, 1 per such incidence with a line or
    circle through a point of the goal, plus a small preference per family. Its score
    is the log-softmax of the evidence over every candidate ranked for the state
    (:class:`Proposal`): two more coincidences make a candidate ``e^4`` times likelier.
    """

    name = "heuristic"
    parallel_safe = True  # deterministic and stateless but for caches (see :class:`Proposer`)

    def __init__(self, max_points: int = 26, max_lines: int = 30, max_circles: int = 40,
                 max_triangles: int = 40, max_tangent_circles: int = 12) -> None:
        self.max_points = max_points  # larger figures: the goal's, the added and the first points
        # parallels/perpendiculars through a point meeting a line: only the figure's main lines
        self.max_lines = max_lines
        # second intersections of two circles, arc midpoints, antipodes: only the main circles
        self.max_circles = max_circles
        self.max_triangles = max_triangles  # excentres: only the figure's stated triangles
        # tangents, chords and tangent points: only the first main circles
        self.max_tangent_circles = max_tangent_circles
        # the whole ranked lists of the last states asked (the search asks a state again for more)
        self._cache: OrderedDict[tuple, _Ranked] = OrderedDict()

    def propose(self, state: SearchState, k: int) -> list[Proposal]:
        return [proposal for proposal, _ in self.ranked(state, k)]

    def ranked(self, state: SearchState, k: int) -> list[tuple[Proposal, complex]]:
        """The proposals of :meth:`propose`, best first, each with where the figure puts its
        new point (``state.points``' coordinates), for tools that compare candidates with points
        drawn elsewhere (``bench/aux_rank.py``). A state asked again is answered from memory."""
        key = (state.text(), tuple((n, round(z.real, 9), round(z.imag, 9)) for n, z in state.points.items()))
        if key in self._cache:
            self._cache.move_to_end(key)
            return self._cache[key].head(k)
        ranked = self._ranked(state)
        if ranked is None:
            return []
        self._cache[key] = ranked
        while len(self._cache) > _CACHED_STATES:
            self._cache.popitem(last=False)
        return ranked.head(k)

    def _ranked(self, state: SearchState) -> _Ranked | None:
        """Every candidate of the state, ranked; None when the state's deadline passed first."""
        pts = {n: complex(z) for n, z in state.points.items()}
        names = _chosen(list(pts), state.problem, self.max_points)
        if len(names) < 2:
            return _Ranked(self.name, "", [], [])
        zs = np.array([pts[n] for n in names])
        centre = zs.mean()
        radius = max(float(np.abs(zs - centre).max()), SCALE_FLOOR)
        tol = ON_LOCUS * radius
        lines = _lines(names, pts, tol)
        circles = _circles(names, pts, tol, radius)
        main = _main_lines(lines, state.problem)[: self.max_lines]
        rings = _main_circles(circles, state.problem)[: self.max_circles]
        triangles = _stated_triangles(names, pts, state.problem, tol)[: self.max_triangles]
        cands = []
        for cand in _generate(names, pts, lines, main, circles, tol, rings, triangles,
                              rings[: self.max_tangent_circles]):
            cands.append(cand)
            if len(cands) % 4096 == 0 and state.deadline is not None and time.monotonic() > state.deadline:
                return None  # out of time: the search can use nothing now
        goal_pts = set(state.problem.goal.points) if state.problem.goal is not None else set()
        new = fresh_name(set(state.points) | set(state.problem.points()))
        ranked = _rank(cands, pts, names, lines, circles, goal_pts, centre, radius, tol, state.deadline)
        if ranked is None:  # the deadline passed while ranking: the search can use nothing now
            return None
        # evidence is a sum of multiples of 0.05: rounded, equal evidence gives equal scores (not float noise)
        return _Ranked(self.name, new, [round(evidence, 6) for evidence, _ in ranked], [c for _, c in ranked])


class _Ranked:
    """A state's ranked candidates, made into proposals only as far down as they are asked for
    (a figure has up to hundreds of thousands; a search uses the first few hundred)."""

    def __init__(self, source: str, new: str, evidence: list[float], cands: list[_Candidate]) -> None:
        self.source, self.new, self.evidence, self.cands = source, new, evidence, cands
        self.log_z = _log_partition(evidence)
        self.made: list[tuple[Proposal, complex]] = []

    def head(self, k: int) -> list[tuple[Proposal, complex]]:
        """The first ``k`` proposals, each with where the figure puts its new point."""
        new, log_z = self.new, self.log_z
        for i in range(len(self.made), min(k, len(self.cands))):
            c = self.cands[i]
            self.made.append((Proposal(f"{new} = {c.construction.replace(_X, new)}",
                                       min(self.evidence[i] - log_z, 0.0), f"{self.source}:{c.family}"), c.z))
        return self.made[:k]


def _chosen(names: list[str], problem: Problem, cap: int) -> list[str]:
    """The points a state's candidates are built from, in the figure's order: every point, or in
    a figure of more than ``cap`` points the goal's points and the auxiliary points first (what a
    proof is about and what the search has just added, both named late in a problem), then the
    others in order up to ``cap``."""
    if len(names) <= cap:
        return names
    first = set(problem.goal.points) if problem.goal is not None else set()
    first.update(p for clause in problem.aux for p in clause.points)
    ahead = [n for n in names if n in first][:cap]
    chosen = set(ahead) | set([n for n in names if n not in first][: cap - len(ahead)])
    return [n for n in names if n in chosen]


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


def _together(problem: Problem) -> list[set[str]]:
    """The points of each clause: its new points and the points its constructions use."""
    return [set(c.points) | {a for call in c.constructions for a in call.args if isinstance(a, str)}
            for c in problem.all_clauses()]


def _main_lines(lines: list[_Line], problem: Problem) -> list[_Line]:
    """The lines with three or more points, then those through two points of one clause
    (a triangle's sides, a constructed segment), in the problem's order."""
    together = _together(problem)
    rich = [l for l in lines if len(l.members) >= 3]
    stated = [l for l in lines if len(l.members) < 3 and any(set(l.members) <= s for s in together)]
    return rich + stated


def _main_circles(circles: list[_Circle], problem: Problem) -> list[_Circle]:
    """The circles with four or more points, then those through three points of one clause
    (a triangle's circumcircle), then the others, in the problem's order (callers cap it)."""
    together = _together(problem)
    rich = [c for c in circles if len(c.members) >= 4]
    stated = [c for c in circles if len(c.members) < 4 and any(set(c.members) <= s for s in together)]
    chosen = {id(c) for c in rich + stated}
    return rich + stated + [c for c in circles if id(c) not in chosen]


def _stated_triangles(names: list[str], P: dict[str, complex], problem: Problem,
                      tol: float) -> list[tuple[str, str, str]]:
    """Triangles of three existing points of one clause (``a b c = triangle a b c``, the
    points of a construction), in the problem's order, collinear ones left out."""
    order = {n: i for i, n in enumerate(names)}
    seen: set[tuple[str, str, str]] = set()
    for s in _together(problem):
        for tri in combinations(sorted((n for n in s if n in order), key=order.__getitem__), 3):
            if tri not in seen and not _collinear(*(P[t] for t in tri), tol):
                seen.add(tri)
    return sorted(seen, key=lambda t: tuple(order[n] for n in t))


def _collinear(za: complex, zb: complex, zc: complex, tol: float) -> bool:
    return abs(((zb - za) * (zc - za).conjugate()).imag) <= tol * max(abs(zb - za), abs(zc - za), ZERO_LENGTH)


# ---------------------------------------------------------------------- candidates
def _generate(names: list[str], pts: dict[str, complex], lines: list[_Line], main: list[_Line],
              circles: list[_Circle], tol: float, rings: Sequence[_Circle] = (),
              triangles: Sequence[tuple[str, str, str]] = (),
              touching: Sequence[_Circle] = ()) -> Iterator[_Candidate]:
    """The candidate constructions, family by family, each with its new point where the
    construction catalogue puts it; those it cannot place in this figure are left out.
    ``rings`` are the main circles (two circles' second intersections, arc midpoints,
    antipodes are read off them), ``triangles`` the stated ones (excentres, isogonal
    partners), ``touching`` the first main circles (tangents, chords, tangent points)."""
    rng = np.random.default_rng(0)  # the constructions used here draw nothing at random
    loci: dict[str, Locus] = {}  # the loci realised so far, by construction text (many candidates share one)
    families = chain(
        _midpoints(names, pts),
        _feet(names, pts, lines),
        _line_meets(lines, main, names, pts),
        _triangle_centres(names, pts, circles, tol),
        _line_circle(names, pts, circles, tol),
        _circle_circle(pts, rings, tol),
        _arc_midpoints(pts, rings, tol),
        _antipodes(pts, rings, tol),
        _excentres(triangles),
        _tangents(names, pts, touching, main, tol),
        _tangent_points(names, pts, touching, tol),
        _chords(pts, touching, main),
        _isogonal(names, pts, triangles, tol),
        _isotomic(main),
        _spirals(pts, lines, tol),
    )
    for cand in families:
        z = _position(cand.construction, pts, rng, 10 * tol, loci)
        if z is not None:
            cand.z = z
            yield cand


def _position(construction: str, pts: dict[str, complex], rng: np.random.Generator, near: float,
              loci: dict[str, Locus]) -> complex | None:
    """Where the catalogue puts the new point ``{x}`` of ``construction`` in the figure ``pts``:
    the point of a determined construction, or the meeting point of two loci that is not
    (within ``near``) one of the points they are built from. None when it cannot be placed.
    ``loci`` keeps the loci realised so far (by construction text) for the next calls."""
    parts = construction.split(", ")
    got: list[Locus | dict[str, complex]] = []
    try:
        for part in parts:
            done = loci.get(part)
            if done is None:
                name, *args = part.split()
                done = realise_construction(name, tuple(args), pts, rng)
                if not isinstance(done, dict):
                    loci[part] = done
            got.append(done)
    except (DegenerateError, ArithmeticError, ValueError):
        return None
    if len(got) == 1:
        return got[0][_X] if isinstance(got[0], dict) else None
    if len(got) == 2 and not isinstance(got[0], dict) and not isinstance(got[1], dict):
        used = [pts[a] for part in parts for a in part.split()[1:] if a != _X]
        for z in intersect(*got):
            if min(abs(z - q) for q in used) > near:
                return z
    return None


def _midpoints(names: list[str], P: dict[str, complex]) -> Iterator[_Candidate]:
    """Midpoints of two points, and mirror images of a point in another."""
    for a, b in combinations(names, 2):
        yield _Candidate(f"midpoint {_X} {a} {b}", "midpoint", [(P[a], _unit(P[b] - P[a]))], [], (a, b))
    for a, b in permutations(names, 2):
        yield _Candidate(f"mirror {_X} {a} {b}", "mirror", [(P[a], _unit(P[b] - P[a]))], [(P[b], abs(P[a] - P[b]))],
                         (a, b))


def _feet(names: list[str], P: dict[str, complex], lines: list[_Line]) -> Iterator[_Candidate]:
    """Feet of the perpendiculars from a point to a line, and its reflections in the line."""
    for line in lines:
        b, c = line.rep
        for a in names:
            if a in line.members:
                continue
            perp = (P[a], line.d * 1j)
            yield _Candidate(f"foot {_X} {a} {b} {c}", "foot", [(line.p, line.d), perp], [], (a, b, c))
            yield _Candidate(f"reflect {_X} {a} {b} {c}", "reflection", [perp],
                             [(P[b], abs(P[a] - P[b])), (P[c], abs(P[a] - P[c]))], (a, b, c))


def _line_meets(lines: list[_Line], main: list[_Line], names: list[str], P: dict[str, complex]) -> Iterator[_Candidate]:
    """Intersections of two lines; parallels and perpendiculars through a point meeting a main line."""
    for l1, l2 in combinations(lines, 2):
        (a, b), (c, d) = l1.rep, l2.rep
        yield _Candidate(f"intersection_ll {_X} {a} {b} {c} {d}", "intersection", [(l1.p, l1.d), (l2.p, l2.d)], [],
                         (a, b, c, d))
    for l1 in main:
        a, b = l1.rep
        for l2 in main:
            m, n = l2.rep
            for c in names:
                if c in l1.members or l2 is l1:
                    continue
                if c not in l2.members:
                    yield _Candidate(f"intersection_lp {_X} {a} {b} {c} {m} {n}", "parallel",
                                     [(l1.p, l1.d), (P[c], l2.d)], [], (a, b, c, m, n))
                yield _Candidate(f"intersection_lt {_X} {a} {b} {c} {m} {n}", "perpendicular",
                                 [(l1.p, l1.d), (P[c], l2.d * 1j)], [], (a, b, c, m, n))


def _triangle_centres(names: list[str], P: dict[str, complex], circles: list[_Circle],
                      tol: float) -> Iterator[_Candidate]:
    """Circumcentres of the figure's circles; orthocentres, incentres, fourth vertices of
    parallelograms and feet of angle bisectors of its triangles."""
    for circ in circles:
        a, b, c = circ.members[:3]
        yield _Candidate(f"circle {_X} {a} {b} {c}", "circumcentre", [], [], (a, b, c))
    for a, b, c in combinations(names, 3):
        if _collinear(P[a], P[b], P[c], tol):
            continue
        yield _Candidate(f"orthocenter {_X} {a} {b} {c}", "orthocentre", [], [], (a, b, c))
        yield _Candidate(f"incenter {_X} {a} {b} {c}", "incentre", [], [], (a, b, c))
        for u, v, w in ((a, b, c), (b, c, a), (c, a, b)):
            yield _Candidate(f"parallelogram {u} {v} {w} {_X}", "parallelogram", [], [], (u, v, w))
            # the bisector of the angle at v meets the opposite side uw
            bis = _unit(P[u] - P[v]) + _unit(P[w] - P[v])
            if abs(bis) > SCALE_FLOOR:
                yield _Candidate(f"angle_bisector {_X} {u} {v} {w}, on_line {_X} {u} {w}", "bisector",
                                 [(P[u], _unit(P[w] - P[u])), (P[v], _unit(bis))], [], (u, v, w))


def _line_circle(names: list[str], P: dict[str, complex], circles: list[_Circle], tol: float) -> Iterator[_Candidate]:
    """Second intersections of a line through a point of a circle with the circle: the
    figure's circles through three points, then circles about a point through another."""
    for circ in circles:
        c0, c1, c2 = circ.members[:3]
        for a in circ.members:
            for b in names:
                if b != a and abs(P[b] - P[a]) > tol:
                    yield _Candidate(f"on_line {_X} {a} {b}, on_circum {_X} {c0} {c1} {c2}", "line-circle",
                                     [(P[a], _unit(P[b] - P[a]))], [(circ.c, circ.r)], (a, b, c0, c1, c2))
    for o in names:
        for b in names:
            if b == o:
                continue
            r = abs(P[b] - P[o])
            for a in names:
                if a not in (o, b):
                    yield _Candidate(f"intersection_lc {_X} {a} {o} {b}", "line-circle",
                                     [(P[b], _unit(P[a] - P[b]))], [(P[o], r)], (a, o, b))


def _centres(circ: _Circle, P: dict[str, complex], tol: float) -> tuple[str, ...]:
    """The existing points at the centre of ``circ``."""
    return tuple(n for n, z in P.items() if abs(z - circ.c) <= 10 * tol)


def _circle_circle(P: dict[str, complex], rings: Sequence[_Circle], tol: float) -> Iterator[_Candidate]:
    """Second intersections of two main circles through one common point ``a``: ``on_circum
    x a b c, on_circum x a d e`` (circles with two common points, or none, are left out: they
    meet at no new point, or at two)."""
    for c1, c2 in combinations(rings, 2):
        common = set(c1.members) & set(c2.members)
        if len(common) != 1:
            continue
        (a,) = common
        b, c = [m for m in c1.members if m != a][:2]
        d, e = [m for m in c2.members if m != a][:2]
        yield _Candidate(f"on_circum {_X} {a} {b} {c}, on_circum {_X} {a} {d} {e}", "circle-circle", [],
                         [(c1.c, c1.r), (c2.c, c2.r)], (a, b, c, d, e),
                         centres=_centres(c1, P, tol) + _centres(c2, P, tol))


def _arc_midpoints(P: dict[str, complex], rings: Sequence[_Circle], tol: float) -> Iterator[_Candidate]:
    """Midpoints of the arcs of the main circles: the bisector of the angle ``a v b`` at a
    point ``v`` of the circle meets it again at the midpoint of the arc ``ab`` away from
    ``v`` (``angle_bisector x a v b, on_circum x a v b``); one ``v`` per side of the chord."""
    for circ in rings:
        centres = _centres(circ, P, tol)
        for a, b in combinations(circ.members, 2):
            sides: set[bool] = set()
            for v in circ.members:
                if v in (a, b):
                    continue
                side = ((P[v] - P[a]) * (P[b] - P[a]).conjugate()).imag > 0
                if side in sides:
                    continue
                sides.add(side)
                bis = _unit(P[a] - P[v]) + _unit(P[b] - P[v])
                if abs(bis) <= SCALE_FLOOR:
                    continue
                yield _Candidate(f"angle_bisector {_X} {a} {v} {b}, on_circum {_X} {a} {v} {b}", "arc-midpoint",
                                 [(P[v], _unit(bis))], [(circ.c, circ.r)], (a, v, b), centres=centres)


def _antipodes(P: dict[str, complex], rings: Sequence[_Circle], tol: float) -> Iterator[_Candidate]:
    """The other end of the diameter of a main circle through each of its points ``a``: the
    perpendicular to ``ab`` at another point ``b`` of the circle meets it there
    (``on_tline x b b a, on_circum x a b c``). Built on the diameter too (a centre in the
    figure is on it by construction)."""
    for circ in rings:
        centres = _centres(circ, P, tol)
        for a in circ.members:
            b, c = [m for m in circ.members if m != a][:2]
            yield _Candidate(f"on_tline {_X} {b} {b} {a}, on_circum {_X} {a} {b} {c}", "antipode",
                             [(P[b], _unit(P[a] - P[b]) * 1j), (P[a], _unit(circ.c - P[a]))], [(circ.c, circ.r)],
                             (a, b, c), centres=centres)


def _excentres(triangles: Sequence[tuple[str, str, str]]) -> Iterator[_Candidate]:
    """The three excentres of each stated triangle (``excenter x a b c``: opposite ``a``)."""
    for a, b, c in triangles:
        for u, v, w in ((a, b, c), (b, c, a), (c, a, b)):
            yield _Candidate(f"excenter {_X} {u} {v} {w}", "excentre", [], [], (u, v, w))


def _tangent_line(circ: _Circle, a: str, P: dict[str, complex], tol: float) -> tuple[str, complex]:
    """The tangent at ``a`` (a point of ``circ``) as a locus of the catalogue, with its unit
    direction: perpendicular to the radius where the centre is a point of the figure
    (``lc_tangent x a o``), else by the tangent-chord angle through two other points ``b``,
    ``c`` of the circle: the angle from CB to CA is the angle from AB to the tangent
    (``on_aline0 x c b c a a b a``)."""
    d = _unit(P[a] - circ.c) * 1j
    centres = _centres(circ, P, tol)
    if centres:
        return f"lc_tangent {_X} {a} {centres[0]}", d
    b, c = [m for m in circ.members if m != a][:2]
    return f"on_aline0 {_X} {c} {b} {c} {a} {a} {b} {a}", d


def _tangents(names: list[str], P: dict[str, complex], touching: Sequence[_Circle], main: list[_Line],
              tol: float) -> Iterator[_Candidate]:
    """The tangent at a point of a circle meeting a main line not through the point, and two
    tangents of one circle meeting (the pole of the chord between their points)."""
    for circ in touching:
        tangents = {a: _tangent_line(circ, a, P, tol) for a in circ.members}
        for a, (locus, d) in tangents.items():
            for line in main:
                if a in line.members or abs((line.d * d.conjugate()).imag) <= ON_LOCUS:
                    continue
                m, n = line.rep
                yield _Candidate(f"{locus}, on_line {_X} {m} {n}", "tangent", [(P[a], d), (line.p, line.d)],
                                 [], (a, m, n))
        for a, b in combinations(circ.members, 2):
            (la, da), (lb, db) = tangents[a], tangents[b]
            if abs((da * db.conjugate()).imag) > ON_LOCUS:  # not a diameter's ends
                yield _Candidate(f"{la}, {lb}", "tangent", [(P[a], da), (P[b], db)], [], (a, b))


def _tangent_points(names: list[str], P: dict[str, complex], touching: Sequence[_Circle],
                    tol: float) -> Iterator[_Candidate]:
    """Where a tangent from a point outside a circle whose centre is in the figure touches
    it: the circle meets the circle on the segment from the point to the centre as
    diameter (``on_circle x o m, on_dia x a o``; of the two touch points, the one the
    figure draws)."""
    for circ in touching:
        centres = _centres(circ, P, tol)
        if not centres:
            continue
        o, m = centres[0], circ.members[0]
        for a in names:
            if a != o and abs(P[a] - circ.c) > circ.r + 10 * tol:
                yield _Candidate(f"on_circle {_X} {o} {m}, on_dia {_X} {a} {o}", "tangent-point", [],
                                 [(circ.c, circ.r), ((P[a] + P[o]) / 2, abs(P[a] - P[o]) / 2)], (a, o, m),
                                 centres=(o,))


def _chords(P: dict[str, complex], touching: Sequence[_Circle], main: list[_Line]) -> Iterator[_Candidate]:
    """The parallel and the perpendicular to a main line through a point of a circle,
    meeting the circle again (``on_pline x c m n, on_circum x ...``)."""
    for circ in touching:
        c0, c1, c2 = circ.members[:3]
        for c in circ.members:
            for line in main:
                if c in line.members:
                    continue
                m, n = line.rep
                yield _Candidate(f"on_pline {_X} {c} {m} {n}, on_circum {_X} {c0} {c1} {c2}", "chord",
                                 [(P[c], line.d)], [(circ.c, circ.r)], (c, m, n, c0, c1, c2))
                yield _Candidate(f"on_tline {_X} {c} {m} {n}, on_circum {_X} {c0} {c1} {c2}", "chord",
                                 [(P[c], line.d * 1j)], [(circ.c, circ.r)], (c, m, n, c0, c1, c2))


def _isogonal(names: list[str], P: dict[str, complex], triangles: Sequence[tuple[str, str, str]],
              tol: float) -> Iterator[_Candidate]:
    """Isogonal partners in a stated triangle ABC of a point P on none of its sides: the
    reflection of AP in the bisector at A (``on_aline0 x a p a c a b a``: the angle from AB
    to AX is the angle from AP to AC) meets that of BP at the isogonal conjugate, and the
    opposite side at the foot of the isogonal cevian."""
    for tri in triangles:
        for p in names:
            if p in tri or any(_collinear(P[p], P[u], P[v], tol) for u, v in combinations(tri, 2)):
                continue
            a, b, c = tri
            cevians = {}
            for u, v, w in ((a, b, c), (b, c, a), (c, a, b)):
                d = _unit(P[v] - P[u]) * _unit(P[w] - P[u]) / _unit(P[p] - P[u])  # dir(UV) + dir(UW) - dir(UP)
                cevians[u] = (f"on_aline0 {_X} {u} {p} {u} {w} {u} {v} {u}", d)
                yield _Candidate(f"{cevians[u][0]}, on_line {_X} {v} {w}", "isogonal",
                                 [(P[u], d), (P[v], _unit(P[w] - P[v]))], [], (u, v, w, p))
            yield _Candidate(f"{cevians[a][0]}, {cevians[b][0]}", "isogonal",
                             [(P[a], cevians[a][1]), (P[b], cevians[b][1])], [], (a, b, c, p))


def _isotomic(main: list[_Line]) -> Iterator[_Candidate]:
    """The isotomic partner of a point D on a main line between two of its points B, C:
    ``shift x b c d`` (x = B + C - D, as far from B as D is from C)."""
    for line in main:
        for b, c in combinations(line.members, 2):
            for d in line.members:
                if d not in (b, c):
                    yield _Candidate(f"shift {_X} {b} {c} {d}", "isotomic", [(line.p, line.d)], [], (b, c, d))


def _spirals(P: dict[str, complex], lines: list[_Line], tol: float) -> Iterator[_Candidate]:
    """Centres of spiral similarities: for two lines meeting at a point X of the figure,
    A, C on one and B, D on the other, the circles XAB and XCD meet again at the centre of
    the spiral similarity taking AC to BD (``on_circum x x a b, on_circum x x c d``)."""
    through: dict[str, list[_Line]] = {}
    for line in lines:
        if len(line.members) <= 5:
            for m in line.members:
                through.setdefault(m, []).append(line)
    for x, ls in through.items():
        for l1, l2 in combinations(ls, 2):
            for a, c in combinations([m for m in l1.members if m != x], 2):
                for b, d in permutations([m for m in l2.members if m != x], 2):
                    o1, o2 = circumcenter(P[x], P[a], P[b]), circumcenter(P[x], P[c], P[d])
                    if o1 is None or o2 is None:
                        continue
                    yield _Candidate(f"on_circum {_X} {x} {a} {b}, on_circum {_X} {x} {c} {d}", "spiral", [],
                                     [(o1, abs(P[x] - o1)), (o2, abs(P[x] - o2))], (x, a, b, c, d))


# ---------------------------------------------------------------------- ranking
def _rank(cands: list[_Candidate], pts: dict[str, complex], names: list[str], lines: list[_Line],
          circles: list[_Circle], goal_pts: set[str], centre: complex, radius: float,
          tol: float, deadline: float | None = None) -> list[tuple[float, _Candidate]] | None:
    """The candidates with their evidence, best first (stable on ties), without numeric
    duplicates: a candidate at an existing point, or where a better one already is. None
    when ``deadline`` (``time.monotonic()``) passes first (a 300,000-candidate figure takes
    seconds)."""
    existing = np.array([pts[n] for n in names])
    keep = [c for c in cands
            if math.isfinite(c.z.real) and math.isfinite(c.z.imag) and abs(c.z - centre) <= 10 * radius]
    if not keep:
        return []
    Z = np.array([c.z for c in keep])
    far = np.abs(Z[:, None] - existing[None, :]).min(axis=1) >= MIN_SEPARATION * radius  # not an existing point
    keep = [c for c, ok in zip(keep, far) if ok]
    Z = Z[far]
    if not keep:
        return []
    parts = []
    for lo in range(0, len(keep), _CHUNK):
        if deadline is not None and time.monotonic() > deadline:
            return None
        parts.append(_evidence(keep[lo:lo + _CHUNK], Z[lo:lo + _CHUNK], existing, lines, circles, names, goal_pts, tol))
    scores = np.concatenate(parts)
    # one candidate per point (rounded): the best, the first of equals; then best first, stable
    keys = np.round(np.stack([Z.real, Z.imag], axis=1) / radius * 10**SNAP_DIGITS)
    order = np.lexsort((np.arange(len(keep)), -scores))
    _, first = np.unique(keys[order], axis=0, return_index=True)
    winners = order[np.sort(first)]
    return list(zip(scores[winners].tolist(), [keep[i] for i in winners]))


#: Candidates whose evidence is computed at once (bounds the (rows, lines or circles) arrays:
#: a 30-point figure has thousands of circles and a hundred thousand candidates).
_CHUNK = 1024

#: Families whose new point is at equal distances from points of its construction by construction.
_EQUIDISTANT_FAMILIES = frozenset({"midpoint", "mirror", "reflection", "line-circle"})


def _on_lines(Z: np.ndarray, LP: np.ndarray, LD: np.ndarray, eps: float) -> tuple[np.ndarray, np.ndarray]:
    """The (point, line) pairs with the point ``Z[i]`` within ``eps`` of the line through
    ``LP[j]`` with unit direction ``LD[j]``. The distance is linear in the point's coordinates, so
    one matrix product screens every pair (with a margin for its rounding, bounded by the
    largest coordinates) and the few pairs it keeps are tested as ``|Im((z - p) conj(d))| <= eps``."""
    A = np.stack([Z.real, Z.imag, np.ones(len(Z))], axis=1)
    B = np.stack([-LD.imag, LD.real, -(LP * LD.conj()).imag])
    margin = eps * (1 + SCREEN_SLACK) + SCREEN_ROUNDING * (np.abs(Z).max(initial=0.0) + np.abs(LP) + 1.0)
    rows, cols = np.nonzero(np.abs(A @ B) <= margin[None, :])
    exact = np.abs(((Z[rows] - LP[cols]) * LD[cols].conj()).imag) <= eps
    return rows[exact], cols[exact]


def _on_circles(Z: np.ndarray, CC: np.ndarray, CR: np.ndarray, eps: float) -> tuple[np.ndarray, np.ndarray]:
    """The (point, circle) pairs with ``||Z[i] - CC[j]| - CR[j]| <= eps``. The power of a point,
    ``|z|^2 - 2 Re(z conj c) + |c|^2 - r^2``, is linear in ``(|z|^2, x, y, 1)``: one matrix
    product screens every pair (a point within ``eps`` of the circle has power at most
    ``eps (2r + eps)``, plus a margin for rounding) and the kept pairs are tested exactly."""
    A = np.stack([np.abs(Z) ** 2, Z.real, Z.imag, np.ones(len(Z))], axis=1)
    B = np.stack([np.ones(len(CC)), -2 * CC.real, -2 * CC.imag, np.abs(CC) ** 2 - CR ** 2])
    size = (np.abs(Z) ** 2).max(initial=0.0) + np.abs(CC) ** 2 + CR ** 2
    margin = eps * (2 * CR + eps) * (1 + SCREEN_SLACK) + SCREEN_ROUNDING * (size + 1.0)
    rows, cols = np.nonzero(np.abs(A @ B) <= margin[None, :])
    exact = np.abs(np.abs(Z[rows] - CC[cols]) - CR[cols]) <= eps
    return rows[exact], cols[exact]


def _evidence(cands: list[_Candidate], Z: np.ndarray, existing: np.ndarray, lines: list[_Line],
              circles: list[_Circle], names: list[str], goal_pts: set[str], tol: float) -> np.ndarray:
    """The evidence for each candidate (see :class:`HeuristicProposer`), its new point at ``Z``
    (``existing``: the figure's points, in the order of ``names``).

    Per candidate: 2 for each line of the figure through the new point that it is not built on,
    2 for each circle through three points likewise, 1 for each existing point equidistant from
    it and another existing point (not a centre it is built about), 2 for being the midpoint of
    two existing points (other than as a midpoint), one more per such incidence involving a goal
    point (at most 3), a quarter per goal point it is built from, and the family's prior."""
    m, n = len(Z), len(existing)
    score = np.array([_PRIOR.get(c.family, 0.0) - 0.05 * len(c.args) + 0.25 * len(goal_pts & set(c.args))
                      for c in cands])
    goal_hits = np.zeros(m)
    # lines |cross(z - p, d)|, less the lines the candidate is built on (checked on the few hits)
    if lines:
        LP, LD = np.array([l.p for l in lines]), np.array([l.d for l in lines])
        rows, cols = _on_lines(Z, LP, LD, 10 * tol)
        keep = np.ones(len(rows), dtype=bool)
        for k in range(max((len(c.lines) for c in cands), default=0)):
            p = np.array([c.lines[k][0] if len(c.lines) > k else np.nan for c in cands], dtype=complex)[rows]
            d = np.array([c.lines[k][1] if len(c.lines) > k else np.nan for c in cands], dtype=complex)[rows]
            parallel = np.abs((LD[cols] * d.conj()).imag) <= ON_LOCUS
            through = np.abs(((p - LP[cols]) * LD[cols].conj()).imag) <= 10 * tol
            keep &= ~(parallel & through)
        rows, cols = rows[keep], cols[keep]
        score += 2 * np.bincount(rows, minlength=m)
        goal_lines = np.array([bool(goal_pts & set(l.members)) for l in lines], dtype=float)
        goal_hits += np.bincount(rows, weights=goal_lines[cols], minlength=m)
    # circles ||z - c| - r|, less the circles the candidate is built on
    if circles:
        CC, CR = np.array([c.c for c in circles]), np.array([c.r for c in circles])
        rows, cols = _on_circles(Z, CC, CR, 10 * tol)
        keep = np.ones(len(rows), dtype=bool)
        for k in range(max((len(c.circles) for c in cands), default=0)):
            o = np.array([c.circles[k][0] if len(c.circles) > k else np.nan for c in cands], dtype=complex)[rows]
            r = np.array([c.circles[k][1] if len(c.circles) > k else np.nan for c in cands])[rows]
            keep &= ~((np.abs(CC[cols] - o) <= 10 * tol) & (np.abs(CR[cols] - r) <= 10 * tol))
        rows, cols = rows[keep], cols[keep]
        score += 2 * np.bincount(rows, minlength=m)
        goal_circles = np.array([bool(goal_pts & set(c.members)) for c in circles], dtype=float)
        goal_hits += np.bincount(rows, weights=goal_circles[cols], minlength=m)
    # on a circle about an existing point o through another existing point: |o z| is one of o's
    # sorted distances to the other points (nearest neighbours by binary search)
    if n > 1:
        D = np.abs(existing[:, None] - existing[None, :])
        others = np.sort(D[~np.eye(n, dtype=bool)].reshape(n, n - 1), axis=1)
        DZ = np.abs(Z[:, None] - existing[None, :])
        centred = np.zeros((m, n), dtype=bool)
        for j in range(n):
            at = np.searchsorted(others[j], DZ[:, j])
            below = np.abs(others[j][np.clip(at - 1, 0, n - 2)] - DZ[:, j]) <= 10 * tol
            above = np.abs(others[j][np.clip(at, 0, n - 2)] - DZ[:, j]) <= 10 * tol
            centred[:, j] = below | above
        pos = {x: i for i, x in enumerate(names)}
        for i, c in enumerate(cands):  # equal lengths by construction are no evidence
            built = c.centres + (c.args if c.family in _EQUIDISTANT_FAMILIES else ())
            centred[i, [pos[a] for a in built if a in pos]] = False
        score += centred.sum(axis=1)
        goal_hits += centred @ np.array([x in goal_pts for x in names], dtype=float)
    # the midpoint of two existing points
    iu = np.triu_indices(n, 1)
    sums = (existing[:, None] + existing[None, :])[iu]
    midpoint = (np.abs(sums[None, :] - 2 * Z[:, None]) <= 20 * tol).any(axis=1)
    midpoint &= np.array([c.family != "midpoint" for c in cands])
    score += 2 * midpoint
    return score + np.minimum(goal_hits, 3)
