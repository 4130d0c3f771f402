"""Numeric diagrams: seeded coordinates for every point of a problem.

Each clause is realised in turn: a determined construction gives its points, a
single locus is sampled, two loci are intersected. A draw that is degenerate
(points that nearly coincide, loci that miss each other, a failed precondition)
is retried. Where two loci meet twice, either point is taken at random: different
seeds give the different configurations of a problem.

>>> from geometry.problem import parse_problem
>>> p = parse_problem("t", "a b c = triangle a b c; h = orthocenter h a b c ? perp a h b c")
>>> d = realise(p, seed=1)
>>> sorted(d.points)
['a', 'b', 'c', 'h']
>>> d.holds(p.goals[0])
True
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from .constructions import DegenerateError
from .errors import ProblemError, RealisationError
from .numeric import Circle, Line, Ray, intersect, sample_on
from .predicates import Predicate
from .problem import Clause, ConstructionCall, Problem
from .tolerance import DRAW_TOL, MAX_SPREAD, MIN_SEPARATION, NUMERIC_CHECK, SCALE_FLOOR, ZERO_LENGTH

#: How often one clause is redrawn before the whole diagram is restarted.
CLAUSE_TRIES = 10
#: How many whole diagrams are tried before giving up.
ATTEMPTS = 60


@dataclass(frozen=True)
class Diagram:
    """Coordinates of a problem's points (complex numbers), with the problem they realise."""

    problem: Problem
    points: Mapping[str, complex]
    seed: int
    with_aux: bool = True

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
) -> Diagram:
    """Build coordinates for ``problem``; the same seed gives the same diagram.

    Only degenerate draws are redrawn: the figure is never redrawn to make the goal
    hold, since a goal that is false in some figures is a fact about the problem
    (see :func:`prover.prove.classify_goal`). With ``check_goals`` a goal that is
    false in the figure drawn is an error.

    Raises :class:`RealisationError` naming the clause that could not be realised,
    or (``check_goals``) the goal that is false in the figure.
    """
    rng = np.random.default_rng(seed)
    clauses = problem.all_clauses(with_aux)
    failures: Counter[tuple[int, str, str]] = Counter()
    for _ in range(attempts):
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
        return Diagram(problem, pts, seed, with_aux)
    (clause, token, reason), _ = failures.most_common(1)[0]
    raise RealisationError(
        f"cannot build a diagram after {attempts} tries: {reason}",
        problem=problem.name,
        clause=clause or None,
        token=token,
    )


def figure_where_goals_hold(problem: Problem, seed: int = 0, tries: int = 20) -> Diagram:
    """The first figure, among seeds ``seed``, ``seed + 1``, ..., in which the goals hold.

    For callers that ask for one configuration on purpose (tests of a rule, drawing a
    statement); the prover instead classifies the goal over several figures.
    Raises :class:`RealisationError` when no figure tried has the goals true.
    """
    for s in range(seed, seed + tries):
        d = realise(problem, seed=s)
        if all(d.holds(g) for g in problem.goals):
            return d
    raise RealisationError(
        f"the goal is false in each of {tries} figures drawn", problem=problem.name, token=str(problem.goals[0])
    )


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
        return max(cands, key=lambda z: min(abs(z - q) for q in pts.values()))
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
    return fresh[int(rng.integers(len(fresh)))] if len(fresh) > 1 else fresh[0]


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
    return Diagram(extended, pts, diagram.seed, True)


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
