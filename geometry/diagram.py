"""Numeric diagrams: seeded coordinates for every point of a problem.

Each clause is realised in turn: a determined construction gives its points, a
single locus is sampled, two loci are intersected. A draw that is degenerate
(points that nearly coincide, loci that miss each other, a failed precondition)
is retried. Where two loci meet twice, either point is taken at random: different
seeds give the different configurations of a problem. Every such discrete choice (which
intersection, which side, which interval of a line or arc of a circle, which common
tangent, a mirrored free figure) is recorded with the figure and can be forced, and
:func:`choice_figures` draws every combination of them, so that no configuration is left
to chance.

>>> from geometry.problem import parse_problem
>>> p = parse_problem("t", "a b c = triangle a b c; h = orthocenter h a b c ? perp a h b c")
>>> d = realise(p, seed=1)
>>> sorted(d.points)
['a', 'b', 'c', 'h']
>>> d.holds(p.goals[0])
True
"""
from __future__ import annotations

import cmath
import math
from collections import Counter
from dataclasses import dataclass
from itertools import combinations, product
from typing import Mapping, Sequence

import numpy as np

from .constructions import Choice, ChoiceGenerator, DegenerateError, choose
from .errors import ProblemError, RealisationError
from .numeric import Circle, Line, Ray, intersect, sample_on
from .predicates import Predicate
from .problem import Clause, ConstructionCall, Problem
from .tolerance import DRAW_TOL, MAX_SPREAD, MIN_SEPARATION, NUMERIC_CHECK, SCALE_FLOOR, ZERO_LENGTH

#: How often one clause is redrawn before the whole diagram is restarted.
CLAUSE_TRIES = 10
#: How many whole diagrams are tried before giving up.
ATTEMPTS = 60
#: Every combination of a figure's discrete choices is drawn while there are at most this many.
EXHAUSTIVE_COMBINATIONS = 256
#: Beyond that, a cover: every combination of the alternatives of any COVER_STRENGTH choices.
COVER_STRENGTH = 3
#: Whole-figure tries for one combination of choices at one seed (some cannot be drawn at all).
CHOICE_ATTEMPTS = 10


@dataclass(frozen=True)
class Diagram:
    """Coordinates of a problem's points (complex numbers), with the problem they realise."""

    problem: Problem
    points: Mapping[str, complex]
    seed: int
    with_aux: bool = True
    #: the discrete choices made in drawing it (which intersection, which side, ...), by clause
    choices: tuple[Choice, ...] = ()

    @property
    def choice_vector(self) -> dict[tuple[int, int], int]:
        """The choices made, as ``realise(..., choices=)`` takes them: (clause, index) -> alternative."""
        return {c.key: c.value for c in self.choices}

    def holds(self, pred: Predicate, tol: float = NUMERIC_CHECK) -> bool:
        return pred.holds(self.points, tol)

    def xy(self, name: str) -> tuple[float, float]:
        z = self.points[name]
        return (z.real, z.imag)

    def rename(self, mapping: Mapping[str, str]) -> "Diagram":
        return Diagram(
            self.problem.rename(mapping),
            {mapping.get(k, k): v for k, v in self.points.items()},
            self.seed,
            self.with_aux,
            self.choices,
        )


class _Failure(Exception):
    def __init__(self, clause: int, token: str, reason: str) -> None:
        super().__init__(reason)
        self.clause, self.token, self.reason = clause, token, reason


def realise(
    problem: Problem,
    seed: int = 0,
    *,
    with_aux: bool = True,
    check_goals: bool = False,
    attempts: int = ATTEMPTS,
    choices: Mapping[tuple[int, int], int] | None = None,
) -> Diagram:
    """Build coordinates for ``problem``; the same seed gives the same diagram.

    Each discrete choice of the drawing (which of two intersection points, which side an
    equilateral triangle is put on, which interval of a line or arc of a circle a point is put
    in, which common tangent is named first, whether a free figure is mirrored) is random
    (the last three: as drawn, or the first) unless
    ``choices`` forces it: (clause number, index of the choice in the clause) -> alternative,
    as :attr:`Diagram.choice_vector` gives them. Forcing a choice leaves the other random draws
    as they are, so figures of one seed differ only in the choices forced.

    Only degenerate draws are redrawn: the figure is never redrawn to make the goal
    hold, since a goal that is false in some figures is a fact about the problem
    (see :func:`prover.prove.classify_goal`). With ``check_goals`` a goal that is
    false in the figure drawn is an error.

    Raises :class:`RealisationError` naming the clause that could not be realised,
    or (``check_goals``) the goal that is false in the figure.
    """
    rng = ChoiceGenerator(seed, choices)
    clauses = problem.all_clauses(with_aux)
    failures: Counter[tuple[int, str, str]] = Counter()
    for _ in range(attempts):
        rng.restart()
        try:
            pts = _attempt(clauses, rng)
        except _Failure as f:
            failures[(f.clause, f.token, f.reason)] += 1
            continue
        if check_goals:
            bad = [g for g in problem.goals if not g.holds(pts)]
            if bad:
                raise RealisationError(
                    "the goal is false in the figure drawn", problem=problem.name, token=str(bad[0])
                )
        made = tuple(sorted(rng.made.values(), key=lambda c: c.key))
        return Diagram(problem, pts, seed, with_aux, made)
    (clause, token, reason), _ = failures.most_common(1)[0]
    raise RealisationError(
        f"cannot build a diagram after {attempts} tries: {reason}",
        problem=problem.name,
        clause=clause or None,
        token=token,
    )


def drawn_at_seeds(problem: Problem, seed: int, count: int) -> list[Diagram]:
    """Figures of ``problem`` at seeds ``seed``, ..., ``seed + count - 1``; a seed that does not
    draw is skipped, and when none draws the first :class:`RealisationError` is raised."""
    drawn: list[Diagram] = []
    error: RealisationError | None = None
    for s in range(seed, seed + count):
        try:
            drawn.append(realise(problem, seed=s))
        except RealisationError as e:
            error = error or e
    if not drawn:
        assert error is not None
        raise error
    return drawn


def figure_where_goals_hold(problem: Problem, seed: int = 0, tries: int = 20) -> Diagram:
    """The first figure, among seeds ``seed``, ``seed + 1``, ..., in which the goals hold.

    For callers that ask for one configuration on purpose (tests of a rule, drawing a
    statement); the prover instead classifies the goal over several figures. When none of
    those seeds has the goals true, the figures of every combination of the drawing's choices
    (:func:`choice_figures`) are tried in turn.
    Raises :class:`RealisationError` when no figure tried has the goals true.
    """
    drawn = []
    for s in range(seed, seed + tries):
        d = realise(problem, seed=s)
        if all(d.holds(g) for g in problem.goals):
            return d
        drawn.append(d)
    chosen = choice_figures(problem, seed, known=drawn)
    for d in chosen.figures:
        if all(d.holds(g) for g in problem.goals):
            return d
    every = "every" if chosen.exhaustive else f"each of {chosen.combinations} combinations of the"
    raise RealisationError(
        f"the goal is false in each of {tries} figures drawn and for {every} choice of the constructions",
        problem=problem.name, token=str(problem.goals[0]),
    )


# ---------------------------------------------------------------------- choices
@dataclass(frozen=True)
class ChoiceDraw:
    """Figures of a problem drawn for the combinations of its discrete choices
    (:func:`choice_figures`).

    ``choices`` are the choice points (one :class:`Choice` each, its ``value`` meaningless),
    ``figures`` the figures drawn, ``combinations`` how many combinations were tried, ``total``
    how many there are (the product of the alternatives), ``exhaustive`` whether all were tried,
    ``undrawable`` how many of those tried could not be drawn at any seed tried.
    """

    choices: tuple[Choice, ...]
    figures: tuple[Diagram, ...]
    combinations: int
    total: int
    exhaustive: bool
    undrawable: int = 0


def choice_figures(
    problem: Problem,
    seed: int = 0,
    *,
    seeds: int = 2,
    known: Sequence[Diagram] = (),
    with_aux: bool = True,
    limit: int = EXHAUSTIVE_COMBINATIONS,
) -> ChoiceDraw:
    """Draw ``problem`` once for each combination of its discrete choices (at seeds ``seed``,
    ..., ``seed + seeds - 1`` each), not at random: both intersections, both sides, both
    orientations.

    The choice points are those made in the figures ``known`` and in a figure drawn at
    ``seed``; a forced combination can reach a choice the others did not (an intersection
    that has two fresh points only in one configuration), and the combinations are extended
    with it. With more than ``limit`` combinations a deterministic cover is drawn instead:
    every combination of the alternatives of any :data:`COVER_STRENGTH` choices
    (``exhaustive`` is then False). A combination that cannot be drawn at any seed tried is
    counted in ``undrawable``; so is, without being drawn, every combination that makes the
    same choices up to the clause where an undrawable one failed.

    >>> from geometry.problem import parse_problem
    >>> p = parse_problem("t", "a b = segment a b; c = eq_triangle c a b ? perp a b a c")
    >>> draw = choice_figures(p)
    >>> [c.what for c in draw.choices], draw.combinations, draw.exhaustive
    (['mirror', 'side'], 4, True)
    """
    points: dict[tuple[int, int], Choice] = {}
    for d in known:
        points.update({c.key: c for c in d.choices if c.key not in points})
    try:
        first = realise(problem, seed=seed, with_aux=with_aux)
        points.update({c.key: c for c in first.choices if c.key not in points})
    except RealisationError:
        pass
    figures: list[Diagram] = []
    tried: set[tuple] = set()
    dead: set[tuple] = set()  # choices up to a clause where a combination could not be drawn
    undrawable = 0
    exhaustive = True
    while True:
        keys = sorted(points)
        grown = False
        vectors, complete = _combinations([points[k].n for k in keys], limit)
        exhaustive, combinations_tried = exhaustive and complete, len(vectors)
        for values in vectors:
            vec = dict(zip(keys, values))
            ident = tuple(sorted(vec.items()))
            if ident in tried:
                continue
            tried.add(ident)
            if any(tuple((k, v) for k, v in ident if k[0] <= c) in dead for c in {k[0] for k in vec}):
                undrawable += 1
                continue
            drawn, failed_at = False, None
            for s in range(seed, seed + seeds):
                try:
                    d = realise(problem, seed=s, with_aux=with_aux, choices=vec, attempts=CHOICE_ATTEMPTS)
                except RealisationError as e:
                    failed_at = e.clause if failed_at is None or e.clause == failed_at else 0
                    continue
                drawn = True
                figures.append(d)
                for c in d.choices:
                    if c.key not in points:
                        points[c.key] = c
                        grown = True
            if not drawn:
                undrawable += 1
                if failed_at:  # the same clause failed at every seed: so will any combination agreeing up to it
                    dead.add(tuple((k, v) for k, v in ident if k[0] <= failed_at))
        if not grown:
            break
    keys = sorted(points)
    total = 1
    for k in keys:
        total *= points[k].n
    return ChoiceDraw(tuple(points[k] for k in keys), tuple(figures), combinations_tried, total,
                      exhaustive and combinations_tried >= total, undrawable)


def _combinations(sizes: Sequence[int], limit: int) -> tuple[list[tuple[int, ...]], bool]:
    """Every combination of alternatives (sizes[i] for choice i) when there are at most ``limit``
    (True), else a deterministic cover of every combination of any COVER_STRENGTH choices (False).

    >>> _combinations([2, 2], 8)
    ([(0, 0), (0, 1), (1, 0), (1, 1)], True)
    >>> rows, complete = _combinations([2] * 12, 64)
    >>> complete, len(rows) <= 64
    (False, True)
    >>> all({(r[i], r[j], r[k]) for r in rows} == set(product((0, 1), repeat=3))
    ...     for i, j, k in combinations(range(12), 3))
    True
    """
    total = 1
    for n in sizes:
        total *= n
    if total <= limit:
        return list(product(*(range(n) for n in sizes))), True
    return _cover(sizes, limit), False


def _cover(sizes: Sequence[int], limit: int) -> list[tuple[int, ...]]:
    """Rows (at most ``limit``) such that any COVER_STRENGTH columns show every combination of
    their alternatives, as far as ``limit`` rows allow: greedy, from a fixed-seed pool."""
    k = len(sizes)
    t = min(COVER_STRENGTH, k)
    groups = list(combinations(range(k), t))
    missing = {(g, vals) for g in groups for vals in product(*(range(sizes[i]) for i in g))}
    pool_rng = np.random.default_rng(0)
    rows: list[tuple[int, ...]] = [tuple(0 for _ in sizes)]
    while len(rows) < limit:
        for g in groups:
            missing.discard((g, tuple(rows[-1][i] for i in g)))
        if not missing:
            break
        pool = [tuple(int(pool_rng.integers(n)) for n in sizes) for _ in range(max(8, 20_000 // len(groups)))]
        best = max(pool, key=lambda r: sum((g, tuple(r[i] for i in g)) in missing for g in groups))
        rows.append(best)
    return rows


def _attempt(clauses: tuple[Clause, ...], rng: np.random.Generator) -> dict[str, complex]:
    pts: dict[str, complex] = {}
    for number, clause in enumerate(clauses, start=1):
        pts.update(_draw(clause, number, pts, rng))
    return pts


def _draw(clause: Clause, number: int, pts: dict[str, complex], rng: np.random.Generator) -> dict[str, complex]:
    """The new points of ``clause`` in the figure ``pts``, redrawing a degenerate draw up to
    ``CLAUSE_TRIES`` times; :class:`_Failure` (clause ``number``) when no draw is good.

    A draw is degenerate when it raises :class:`DegenerateError` (unless marked final:
    redrawing cannot fix it) or a numeric error (``ArithmeticError``, ``ValueError``:
    a division by a zero length, a square root of a negative number). Any other
    exception is a bug and propagates.
    """
    reason, token = "cannot be realised", clause.constructions[0].name if clause.constructions else ""
    for _ in range(CLAUSE_TRIES):
        if isinstance(rng, ChoiceGenerator):
            rng.begin(number)
        try:
            new = _realise_clause(clause, pts, rng)
        except DegenerateError as e:
            reason = str(e)
            if getattr(e, "final", False):
                break
            continue
        except (ArithmeticError, ValueError) as e:
            reason = f"numeric failure ({e})"
            continue
        if all(n in new for n in clause.points):
            return new
    raise _Failure(number, token, reason)


def _final(message: str) -> DegenerateError:
    """A failure that redrawing this clause cannot fix (it depends on earlier points only)."""
    err = DegenerateError(message)
    err.final = True  # type: ignore[attr-defined]
    return err


def _bound(call: ConstructionCall, pts: Mapping[str, complex]) -> dict:
    v: dict = {}
    for formal, actual in call.binding().items():
        if formal in call.signature.outputs:
            continue
        v[formal] = actual if not isinstance(actual, str) else pts[actual]
    return v


def _realise_clause(clause: Clause, pts: dict[str, complex], rng: np.random.Generator) -> dict[str, complex]:
    for call in clause.constructions:
        for pre in call.preconditions():
            if not pre.holds(pts):
                raise _final(f"precondition '{pre}' of {call.name} fails")
    calls = clause.constructions
    if len(calls) == 1 and not calls[0].definition.kind.intersectable:
        call = calls[0]
        out = call.definition.realise(_bound(call, pts), rng)
        assert isinstance(out, dict)
        binding = call.binding()
        new = {binding[f]: z for f, z in out.items()}
    else:
        loci = [c.definition.realise(_bound(c, pts), rng) for c in calls]
        name = clause.points[0]
        new = {name: _place_on(loci, pts, rng)}
    for d in clause.decls:
        if d.position is not None:
            new[d.name] = d.position
    _check_new(new, pts)
    merged = {**pts, **new}
    for call in clause.constructions:
        for prem in call.premises():
            if not prem.holds(merged, tol=DRAW_TOL):
                raise DegenerateError(f"premise '{prem}' fails numerically")
    for req in clause.requirements:
        if not req.holds(merged):
            raise DegenerateError(f"requirement '{req}' fails")
    return new


def _frame(pts: Mapping[str, complex]) -> tuple[complex, float]:
    if not pts:
        return 0j, 1.0
    zs = list(pts.values())
    centre = sum(zs) / len(zs)
    radius = max((abs(z - centre) for z in zs), default=1.0)
    return centre, max(radius, 1.0 if len(zs) == 1 else radius)


def _place_on(loci: list, pts: dict[str, complex], rng: np.random.Generator) -> complex:
    for locus in loci:
        if not isinstance(locus, (Line, Circle)):
            raise DegenerateError("not a locus")
        if isinstance(locus, Line) and abs(locus.d) < ZERO_LENGTH:
            raise _final("the line is undefined (two of its points coincide)")
        if isinstance(locus, Circle) and locus.r < SCALE_FLOOR:
            raise _final("the circle has zero radius")
    centre, radius = _frame(pts)
    if len(loci) == 1:
        # AlphaGeometry's habit: of a few random candidates keep the one farthest from the figure.
        cands = [sample_on(loci[0], rng, centre, radius) for _ in range(5)]
        if not pts:
            return cands[0]
        z = max(cands, key=lambda z: min(abs(z - q) for q in pts.values()))
        return _placed(loci[0], z, pts, rng, radius) if isinstance(rng, ChoiceGenerator) else z
    sols = intersect(loci[0], loci[1])
    if not sols and any(isinstance(l, Ray) for l in loci):
        # AlphaGeometry intersects rays, Newclid full lines: the premises (directed
        # angles mod 180 degrees) hold either way, so fall back to the full lines.
        sols = intersect(*(Line(l.p, l.d) if isinstance(l, Ray) else l for l in loci))
    if not sols:
        kinds = sorted("line" if isinstance(l, Line) else "circle" for l in loci)
        what = {("line", "line"): "the two lines", ("circle", "circle"): "the two circles"}.get(
            tuple(kinds), "the line and the circle"  # type: ignore[arg-type]
        )
        raise _final(f"{what} do not meet")
    scale = radius or 1.0
    fresh = [z for z in sols if all(abs(z - q) > NUMERIC_CHECK * scale for q in pts.values())]
    if not fresh:
        raise _final("the loci meet only at existing points")
    return fresh[choose(rng, len(fresh), "intersection")] if len(fresh) > 1 else fresh[0]


def _placed(locus: Line | Circle, z: complex, pts: Mapping[str, complex], rng: ChoiceGenerator,
            radius: float) -> complex:
    """``z``, a point drawn on ``locus``; or, where ``rng`` forces another, a point of another of the
    intervals (arcs, for a circle) into which the figure's points on ``locus`` cut it.

    Which interval a point on a line or circle lies in is a choice of the figure (the order of
    points on a line, the arc of a circle): it is recorded as such (``"place"``, among the points
    on the locus, in order), without a draw from the main stream, which stays as it was.
    """
    scale = radius or 1.0
    tol = NUMERIC_CHECK * scale
    if isinstance(locus, Circle):
        def param(q: complex) -> float:
            return cmath.phase(q - locus.c) % (2 * math.pi)

        on = [(param(q), n) for n, q in pts.items() if abs(abs(q - locus.c) - locus.r) <= tol]
    else:
        u = locus.d / abs(locus.d)

        def param(q: complex) -> float:
            return ((q - locus.p) / u).real

        on = [(param(q), n) for n, q in pts.items()
              if abs(((q - locus.p) / u).imag) <= tol and locus.admits(q)]
        if isinstance(locus, Ray):  # the vertex bounds the ray: it is no mark
            on = [(t, n) for t, n in on if t > MIN_SEPARATION * scale]
    marks: list[tuple[float, str]] = []
    for t, n in sorted(on):
        if not marks or t - marks[-1][0] > MIN_SEPARATION * scale / (locus.r if isinstance(locus, Circle) else 1.0):
            marks.append((t, n))
    m = len(marks)
    circle = isinstance(locus, Circle)
    if m < (2 if circle else 1):
        return z
    n_regions = m if circle else m + 1
    here = sum(t < param(z) for t, _ in marks)
    if circle:
        here %= m  # past the last mark is the arc that wraps round to the first
    value = rng.take(here, n_regions, "place", tuple(n for _, n in marks))
    if value == here:
        return z
    ts = [t for t, _ in marks]
    f = float(rng.aside.uniform(0.2, 0.8))
    if circle:
        lo = ts[value - 1] - (2 * math.pi if value == 0 else 0.0)
        hi = ts[value]
        return locus.c + locus.r * cmath.exp(1j * (lo + f * (hi - lo)))
    lo = ts[value - 1] if value > 0 else (0.0 if isinstance(locus, Ray) else None)
    hi = ts[value] if value < m else None
    reach = scale * (0.3 + f)
    if lo is None:
        t = ts[0] - reach
    elif hi is None:
        t = ts[-1] + reach
    else:
        t = lo + f * (hi - lo)
    return locus.p + t * u


def _check_new(new: Mapping[str, complex], pts: Mapping[str, complex]) -> None:
    centre, radius = _frame(pts)
    everything = list(pts.values())
    for name, z in new.items():
        if not (np.isfinite(z.real) and np.isfinite(z.imag)):
            raise DegenerateError(f"point {name} is not finite")
        if pts and abs(z - centre) > MAX_SPREAD * radius:
            raise DegenerateError(f"point {name} lands too far from the figure")
        for q in everything:
            if abs(z - q) < MIN_SEPARATION * radius:
                raise DegenerateError(f"point {name} nearly coincides with an existing point")
        everything.append(z)


# ---------------------------------------------------------------------- extension
def extend_diagram(
    diagram: Diagram,
    clauses: Sequence[Clause],
    seed: int | np.random.Generator = 0,
) -> Diagram:
    """``diagram`` with ``clauses`` appended to its problem as auxiliary clauses.

    The existing points keep their coordinates; only the new points are computed,
    in the figure as it stands (the proof search adds auxiliary points this way).
    Raises :class:`RealisationError` naming the clause (numbered as in the extended
    problem) when a new clause cannot be realised in this figure.

    >>> from geometry.problem import parse_problem
    >>> p = parse_problem("t", "a b c = triangle a b c ? perp a b a c")
    >>> d = realise(p, seed=1, check_goals=False)
    >>> m = parse_problem("t", "a b c = triangle a b c; m = midpoint m b c").clauses[1]
    >>> e = extend_diagram(d, [m])
    >>> e.points["a"] == d.points["a"], abs(e.points["m"] - (d.points["b"] + d.points["c"]) / 2) < 1e-12
    (True, True)
    """
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    problem = diagram.problem
    base = problem.all_clauses(diagram.with_aux)
    pts: dict[str, complex] = dict(diagram.points)
    for offset, clause in enumerate(clauses, start=1):
        number = len(base) + offset
        wrong = _wrong_name(clause, pts)
        if wrong:
            message, token = wrong
            raise RealisationError(message, problem=problem.name, clause=number, token=token)
        try:
            pts.update(_draw(clause, number, pts, rng))
        except _Failure as f:
            raise RealisationError(f.reason, problem=problem.name, clause=number, token=f.token) from None
    aux = (problem.aux if diagram.with_aux else ()) + tuple(clauses)
    extended = Problem(problem.name, problem.clauses, aux, problem.goals)
    return Diagram(extended, pts, diagram.seed, True, diagram.choices)


def _wrong_name(clause: Clause, pts: Mapping[str, complex]) -> tuple[str, str] | None:
    """(message, point) when ``clause`` cannot be drawn in the figure ``pts`` whatever the draw:
    it defines a point the figure has, or builds from (or requires) a point it lacks."""
    for p in clause.points:
        if p in pts:
            return f"point {p!r} is already defined", p
    used = [a for call in clause.constructions for a in call.args if isinstance(a, str)]
    for q in used + [q for r in clause.requirements for q in r.points]:
        if q not in pts and q not in clause.points:
            return f"point {q!r} is not in the figure", q
    return None


# ---------------------------------------------------------------------- coincidences
def figure_scale(points: Mapping[str, complex]) -> float:
    """The figure's radius about its centroid: coordinates are compared at NUMERIC_CHECK of it."""
    zs = list(points.values())
    if len(zs) < 2:
        return 1.0
    centre = sum(zs) / len(zs)
    return max(abs(z - centre) for z in zs) or 1.0


def _same(z: complex, points: Mapping[str, complex], tol: float) -> str | None:
    """The first point of ``points`` within ``tol`` of ``z``."""
    return next((n for n, w in points.items() if abs(z - w) <= tol), None)


def existing_points(diagram: Diagram, clauses: Sequence[Clause],
                    seed: int | np.random.Generator = 0) -> dict[str, str]:
    """The new points of ``clauses`` that land on a point ``diagram`` already has (new -> existing).

    :func:`extend_diagram` refuses a point that (nearly) coincides with
    an existing one, so the clauses are drawn among only the points they are built from
    and their points compared with the whole figure, at NUMERIC_CHECK of its scale. Clauses that
    cannot be drawn even so give nothing.
    """
    new_names = {p for c in clauses for p in c.points}
    used = {a for c in clauses for call in c.constructions for a in call.args if isinstance(a, str)}
    base = {n: z for n, z in diagram.points.items() if n in used and n not in new_names}
    try:
        drawn = extend_diagram(Diagram(diagram.problem, base, diagram.seed, diagram.with_aux), clauses, seed)
    except (ProblemError, ArithmeticError, ValueError, KeyError):
        return {}
    tol = NUMERIC_CHECK * figure_scale(diagram.points)
    out = {}
    for p in (p for c in clauses for p in c.points):
        hit = _same(drawn.points[p], diagram.points, tol) if p in drawn.points else None
        if hit is not None:
            out[p] = hit
    return out
