"""Find-the-value goals: ``acompute``, ``rcompute``, ``lcompute``.

A compute goal asks for a value: the directed angle ∠(AB, CD) modulo 180°, the ratio
AB/CD, the length AB (where the problem fixes lengths). The value is read off figures
of the problem as a *candidate* (a rational multiple of 180°, a rational number, or the
square root of one) and stated as a constant goal (``aconst``, ``rconst``/``r2const``,
``lconst``/``l2const``), which DD+AR must then prove exactly: a value the engine cannot
prove is reported as not proven, never guessed.

Where the value depends on the configuration (the orientation of an equilateral
triangle makes a directed angle 60° or 120°), the candidate is taken from a figure in
which the first goal's angle is at most 90° (so that ∠BAD reads 30°, not 150°), and the
proof states the condition it reads off that figure, as every proof does.

>>> from geometry.predicates import Predicate
>>> goal = Predicate.parse("acompute b a a d".split())
>>> pts = {"a": 0j, "b": 1 + 0j, "d": complex(3 ** 0.5, 1)}
>>> str(candidate(goal, pts))
'aconst b a a d 1pi/6'
>>> Answer(goal, candidate(goal, pts)).value_text()
'30°'
"""
from __future__ import annotations

import cmath
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ddar.check import CheckResult, ReplayResult
from ddar.engine import Budget
from ddar.proof import Proof, traceback
from geometry.diagram import Diagram, drawn_at_seeds
from geometry.literals import Literal
from geometry.predicates import Kind, Predicate
from geometry.problem import Problem
from geometry.tolerance import ANGLE_TOL, NUMERIC_CHECK

from .outcome import Outcome

if TYPE_CHECKING:
    from prover.export.wording import Labels
    from prover.prove import DDARRun

#: The find-the-value kinds.
COMPUTE_KINDS = frozenset({Kind.ACOMPUTE, Kind.RCOMPUTE, Kind.LCOMPUTE})
#: The constant kinds that state a value found, by the compute kind they answer.
ANSWER_KINDS = {
    Kind.ACOMPUTE: (Kind.ACONST,),
    Kind.RCOMPUTE: (Kind.RCONST, Kind.R2CONST),
    Kind.LCOMPUTE: (Kind.LCONST, Kind.L2CONST),
}
#: Largest denominator of a candidate angle (units of 180°: half degrees) and of a ratio,
#: a length or their squares.
ANGLE_DENOMINATOR = 360
NUMBER_DENOMINATOR = 1000
#: How close (relative) a measured value must be to its candidate.
CANDIDATE_TOL = ANGLE_TOL


def is_compute(problem: Problem) -> bool:
    """Whether the problem asks for a value (some goal is ``acompute``/``rcompute``/``lcompute``)."""
    return any(g.kind in COMPUTE_KINDS for g in problem.goals)


# ---------------------------------------------------------------------- candidates
def _near_fraction(x: float, max_den: int) -> Fraction | None:
    f = Fraction(x).limit_denominator(max_den)
    return f if abs(float(f) - x) <= CANDIDATE_TOL * max(1.0, abs(x)) else None


def _number_statement(kind: Kind, squared: Kind, points: tuple[str, ...], x: float) -> Predicate | None:
    """``kind points p/q`` when ``x`` is rational, ``squared points p/q`` when ``x²`` is."""
    if not x > 0 or not math.isfinite(x):
        return None
    for k, value in ((kind, x), (squared, x * x)):
        f = _near_fraction(value, NUMBER_DENOMINATOR)
        if f is not None and f > 0:
            return Predicate(k, points + (Literal(_fraction_text(f)),))
    return None


def measure(goal: Predicate, pts: Mapping[str, complex]) -> float:
    """The value a compute goal asks for, measured in the figure ``pts``: an angle in units
    of 180° (in [0, 1)), a ratio, a length."""
    p = [pts[x] for x in goal.points]
    if goal.kind is Kind.ACOMPUTE:
        return ((cmath.phase(p[3] - p[2]) - cmath.phase(p[1] - p[0])) / math.pi) % 1.0
    if goal.kind is Kind.RCOMPUTE:
        return abs(p[1] - p[0]) / abs(p[3] - p[2])
    return abs(p[1] - p[0])


def candidate(goal: Predicate, pts: Mapping[str, complex]) -> Predicate | None:
    """The constant statement that answers ``goal`` in the figure ``pts``, or None when the
    measured value is not of a form DD+AR proves (a rational multiple of 180°; a rational
    ratio or length, or the square root of one)."""
    x = measure(goal, pts)
    if goal.kind is Kind.ACOMPUTE:
        f = _near_fraction(x, ANGLE_DENOMINATOR)
        if f is None:
            return None
        f %= 1
        return Predicate(Kind.ACONST, goal.points + (Literal(f"{f.numerator}pi/{f.denominator}"),))
    kinds = (Kind.RCONST, Kind.R2CONST) if goal.kind is Kind.RCOMPUTE else (Kind.LCONST, Kind.L2CONST)
    return _number_statement(*kinds, goal.points, x)


def constant_in(goal: Predicate, figures: Sequence[Mapping[str, complex]]) -> bool:
    """Whether the value ``goal`` asks for is the same in every figure (numerically)."""
    xs = [measure(goal, pts) for pts in figures]
    if goal.kind is Kind.ACOMPUTE:  # angles wrap around at 180°
        return all(min(abs(x - xs[0]) % 1.0, 1.0 - abs(x - xs[0]) % 1.0) <= NUMERIC_CHECK for x in xs)
    return all(abs(x - xs[0]) <= NUMERIC_CHECK * max(1.0, abs(xs[0])) for x in xs)


def _preference(statement: Predicate) -> tuple:
    """Order of candidates when figures disagree: an angle of at most 90° first (smaller
    first), then the others; ratios and lengths in order of value."""
    v = statement.literals[0]
    if statement.kind is Kind.ACONST:
        a = v.angle
        return (0 if 0 < a <= Fraction(1, 2) else 1, a)
    return (0, v.ratio)


@dataclass(frozen=True)
class Reading:
    """The candidates of every goal in each figure drawn, and the choice made.

    ``figure`` is the index of the figure the values were read from (None: no figure gives
    every compute goal a candidate); ``statements`` are the problem's goals with each compute
    goal replaced by its constant statement there.
    """

    per_figure: tuple[tuple[Predicate | None, ...], ...]
    figure: int | None
    statements: tuple[Predicate, ...] = ()

    @property
    def varies(self) -> bool:
        """Whether the figures give different values (or some give none): the value depends
        on the configuration, or on the figure."""
        return len({tuple(map(_key, row)) for row in self.per_figure}) > 1


def _key(p: Predicate | None) -> object:
    return None if p is None else p.canonical()


def read_values(goals: Sequence[Predicate], figures: Sequence[Mapping[str, complex]]) -> Reading:
    """Candidates for the compute goals among ``goals`` in each figure; the values are read
    from the figure where the first compute goal has its preferred candidate (and every
    compute goal has one)."""
    rows = tuple(
        tuple(candidate(g, pts) if g.kind in COMPUTE_KINDS else g for g in goals) for pts in figures
    )
    complete = [i for i, row in enumerate(rows) if all(s is not None for s in row)]
    if not complete:
        return Reading(rows, None)
    first = next(i for i, g in enumerate(goals) if g.kind in COMPUTE_KINDS)
    best = min(complete, key=lambda i: (_preference(rows[i][first]), i))  # type: ignore[arg-type]
    return Reading(rows, best, tuple(s for s in rows[best] if s is not None))


# ---------------------------------------------------------------------- answers
@dataclass(frozen=True)
class Answer:
    """A compute goal and the constant statement that gives its value."""

    goal: Predicate  # as asked: acompute / rcompute / lcompute
    statement: Predicate  # aconst / rconst / r2const / lconst / l2const

    @property
    def squared(self) -> bool:
        """The statement gives the square of the value (the value is a square root)."""
        return self.statement.kind in (Kind.R2CONST, Kind.L2CONST)

    @property
    def exact(self) -> Fraction:
        """The constant of the statement: the angle in units of 180°, or the ratio or length
        (its square when :attr:`squared`)."""
        lit = self.statement.literals[0]
        return lit.angle if self.statement.kind is Kind.ACONST else lit.ratio

    def value_text(self) -> str:
        """The value in words: ``30°``, ``1/2``, ``√2``, ``5``."""
        from prover.export.wording import degrees

        if self.statement.kind is Kind.ACONST:
            return degrees(self.exact)
        return root_text(self.exact) if self.squared else _fraction_text(self.exact)

    def words(self, L: Labels) -> str:
        """The answer as a geometer writes it: ``∠BAD = 30°``, ``AB : AC = 1 : 2``, ``AC = 5``."""
        from prover.export.wording import angle_text

        pts = self.goal.points
        if self.goal.kind is Kind.ACOMPUTE:
            return f"{angle_text(pts[0:2], pts[2:4], L)} = {self.value_text()}"
        if self.goal.kind is Kind.RCOMPUTE:
            return f"{L.join(*pts[0:2])} : {L.join(*pts[2:4])} = {_ratio_text(self.exact, self.squared)}"
        return f"{L.join(*pts[0:2])} = {self.value_text()}"

    def to_json(self, L: Labels) -> dict[str, Any]:
        """``{"goal", "statement", "quantity", "exact", "squared", "value", "text"}``: the value
        exactly (``exact``: the constant as a fraction, in units of 180° for an angle; with
        ``squared`` the value is its square root) and in words."""
        quantity = {Kind.ACOMPUTE: "angle", Kind.RCOMPUTE: "ratio", Kind.LCOMPUTE: "length"}[self.goal.kind]
        return {
            "goal": str(self.goal),
            "statement": str(self.statement),
            "quantity": quantity,
            "exact": str(self.exact),
            "squared": self.squared,
            "value": self.value_text(),
            "text": self.words(L),
        }


def _fraction_text(x: Fraction) -> str:
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


def _square_free(n: int) -> tuple[int, int]:
    """``n = k² · m`` with ``m`` square-free: ``(k, m)``."""
    k, m, f = 1, n, 2
    while f * f <= m:
        while m % (f * f) == 0:
            m //= f * f
            k *= f
        f += 1
    return k, m


def root_text(x: Fraction) -> str:
    """√x in simplest form: ``4`` -> ``2``, ``8`` -> ``2√2``, ``1/2`` -> ``√2/2``.

    >>> [root_text(Fraction(n, d)) for n, d in ((4, 1), (8, 1), (1, 2), (3, 4))]
    ['2', '2√2', '√2/2', '√3/2']
    """
    k, m = _square_free(x.numerator * x.denominator)  # √(p/q) = √(pq)/q
    q = x.denominator
    whole = Fraction(k, q)
    num = "" if whole.numerator == 1 and m != 1 else str(whole.numerator)
    body = num + (f"√{m}" if m != 1 else "")
    return body if whole.denominator == 1 else f"{body}/{whole.denominator}"


def _ratio_text(x: Fraction, squared: bool) -> str:
    """``1 : 2``; a square root ``√2 : 1``, ``√3 : 2``."""
    if not squared:
        return f"{x.numerator} : {x.denominator}"
    kp, mp = _square_free(x.numerator)
    kq, mq = _square_free(x.denominator)

    def side(k: int, m: int) -> str:
        return str(k) if m == 1 else (f"{k}√{m}" if k != 1 else f"√{m}")

    return f"{side(kp, mp)} : {side(kq, mq)}"


def answers(proof: Proof) -> tuple[Answer, ...]:
    """The values a proof gives for its problem's compute goals (in the goals' order): the
    constant statements among its lines that answer them."""
    out = []
    for goal in proof.problem.goals:
        kinds = ANSWER_KINDS.get(goal.kind)
        if kinds is None:
            continue
        for line in proof.lines:
            p = line.pred
            if p.kind in kinds and _same_objects(goal, p):
                out.append(Answer(goal, _oriented(goal, p)))
                break
    return tuple(out)


def _same_objects(goal: Predicate, statement: Predicate) -> bool:
    g = Predicate(goal.kind, goal.points).canonical()
    s = Predicate(goal.kind, statement.points).canonical()
    return g == s


def _oriented(goal: Predicate, statement: Predicate) -> Predicate:
    """The statement with the goal's points in the goal's order (the same value: an angle's
    lines and a ratio's segments stay in order under canonical forms)."""
    return Predicate(statement.kind, goal.points + statement.literals)


# ---------------------------------------------------------------------- proving
#: Figures the values are read from (seeds ``seed``, ``seed + 1``, ...), as many as the prove
#: driver classifies a goal in.
VALUE_FIGURES = 8


def _figures(problem: Problem, seed: int, count: int = VALUE_FIGURES) -> list[Diagram]:
    """The figures the values are read from (seeds ``seed``, ``seed + 1``, ...)."""
    return drawn_at_seeds(problem, seed, count)


def constant_problem(problem: Problem, *, seed: int = 0) -> Problem | None:
    """The problem with each compute goal replaced by the constant statement read off its
    figures (as :func:`run_compute` proves it), or None when no figure gives every compute
    goal a value: what a search for auxiliary points should try to prove."""
    reading = read_values(problem.goals, [d.points for d in _figures(problem, seed)])
    return None if reading.figure is None else replace(problem, goals=reading.statements)


@dataclass(frozen=True)
class ComputeRun:
    """:func:`run_compute`'s result: the fields of :class:`prover.prove.DDARRun` (the outcome,
    the engine that proved the values, the inner names), which the driver wraps."""

    outcome: Outcome
    engine: Any
    inner: dict[str, str]


def run_compute(
    problem: Problem, ddar: Callable[..., DDARRun], verify: Callable[..., tuple[CheckResult, ReplayResult]], *,
    seed: int = 0, timeout: float = 60.0, replay_figures: int = 10, figure: Diagram | None = None,
) -> ComputeRun:
    """DD+AR on a problem with compute goals: read the values off the figures, prove the
    constant statements (each in turn, in one engine), and return the outcome with the
    problem as asked (its proof's problem too), so that the documents say "Find the value
    of ..." and end with the value.

    ``ddar`` is the prove driver's :func:`prover.prove.run_ddar` (it proves the first constant
    goal, checked and replayed), ``verify`` its :func:`prover.prove.verify` (for the proof of
    several goals); they are passed in, so that this module does not import the driver.

    Status: ``solved`` when every value is proven; ``false`` when no figure gives every
    compute goal a candidate value and some value changes from figure to figure (the problem
    does not fix it); ``unsolved`` when the values are fixed but not of a form DD+AR states
    (an angle that is no rational multiple of 180°), or the engine does not prove them;
    otherwise the status of the constant goals' proof.
    """
    start = time.monotonic()
    drawn = [figure] if figure is not None else _figures(problem, seed)
    reading = read_values(problem.goals, [d.points for d in drawn])
    if reading.figure is None:  # no value of a form DD+AR proves: not fixed at all ("false"), or not proven
        fixed = all(constant_in(g, [d.points for d in drawn]) for g in problem.goals if g.kind in COMPUTE_KINDS)
        status = "unsolved" if fixed else "false"
        return ComputeRun(Outcome(problem, drawn[0], status, 0, time.monotonic() - start, None, None), None, {})
    concrete = replace(problem, goals=reading.statements)
    run = ddar(concrete, seed=seed, timeout=timeout, replay_figures=replay_figures, figure=figure)
    out, engine = run.outcome, run.engine
    proof, check, replayed, status = out.proof, out.check, out.replayed, out.status
    if status == "solved" and len(concrete.goals) > 1 and engine is not None:
        outer = {v: k for k, v in run.inner.items()}
        ids = [engine.fact_id(concrete.goals[0].rename(run.inner))]
        for goal in concrete.goals[1:]:
            left = max(timeout - (time.monotonic() - start), 0.1)
            res = engine.prove(goal.rename(run.inner), Budget(timeout=left))
            ids.append(res.goal_fact if res.solved else None)
        if all(i is not None for i in ids):
            proof = traceback(engine, *ids).rename(outer, concrete)  # type: ignore[arg-type]
            check, replayed = verify(proof, out.diagram.points, seed, replay_figures)
            status = "solved" if check.ok else "rejected"
        else:
            status, proof, check, replayed = "unsolved", None, None, None
    if proof is not None:
        proof = replace(proof, problem=problem)
    facts = len(engine.facts) if engine is not None else out.facts
    final = Outcome(problem, out.diagram, status, facts, time.monotonic() - start, proof, check, out.goal_class,
                    replayed)
    return ComputeRun(final, engine, run.inner)
