"""Proving one problem with DD+AR, and the plain-text rendering of a proof.

A problem is proved in its configurations, not in one picture. Before proving,
:func:`classify_goal` checks the goal in several figures of the problem (seeds
``seed``, ``seed + 1``, ...) and in one figure for each combination of its discrete
choices (which of two intersection points, which side an equilateral triangle is put
on, whether a free figure is mirrored: :func:`geometry.diagram.choice_figures`): true
in all, false in all (not a theorem: false for every choice), or true in some only,
where it looks for a simple condition on the figure that separates the two. The proof
is then searched in a figure where the goal holds, states the configuration conditions
its steps read off that figure (and, where those do not exclude the figures drawn in
which it fails, a condition that does: :func:`state_choice`), and counts only if the
checker accepts it in that figure and every line holds in fresh figures, random ones
and one per combination of the choices, where its conditions hold
(:func:`ddar.check.replay`).
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import combinations
from typing import Iterator, Mapping, Sequence

from ddar.check import CheckResult, ReplayResult, check_proof, replay
from ddar.conditions import Condition
from ddar.engine import Budget, Engine, Result
from ddar.proof import Proof, traceback
from ddar.rules import load_rules
from geometry.diagram import ChoiceDraw, Diagram, choice_figures, drawn_at_seeds, realise
from geometry.errors import ParseError, ProblemError
from geometry.predicates import Kind, Predicate, degeneracy
from geometry.problem import Problem

from .export.wording import ar_reason

# The result values live in prover.outcome (the exporters read them without this driver);
# they are re-exported here, where callers have always imported them from.
from .outcome import GoalClass, Outcome

#: Figures in which the goal is checked before proving.
CLASSIFY_FIGURES = 8
#: Fresh figures in which a proof is replayed.
REPLAY_FIGURES = 10
#: Seeds of the replay figures start this far from the proving seed.
REPLAY_OFFSET = 1000
#: At most this many hypotheses are added to tell a proof's configuration from the others.
CHOICE_HYPOTHESES = 3


def classify_goal(problem: Problem, *, seed: int = 0, figures: int = CLASSIFY_FIGURES,
                  choices: bool = True) -> GoalClass:
    """Check the goal in ``figures`` figures of ``problem`` (seeds ``seed``, ``seed+1``, ...)
    and, with ``choices``, in the figures of every combination of its discrete choices
    (:func:`geometry.diagram.choice_figures`): the goal is called false in every figure
    ("none", not a theorem) only when it is false for every choice.

    Raises :class:`RealisationError` when no figure can be drawn; figures that fail to
    draw for one seed are skipped.
    """
    drawn = drawn_at_seeds(problem, seed, figures)
    holds = tuple(all(d.holds(g) for g in problem.goals) for d in drawn)
    chosen: ChoiceDraw | None = choice_figures(problem, seed, known=drawn) if choices else None
    chosen_holds = tuple(all(d.holds(g) for g in problem.goals) for d in chosen.figures) if chosen else ()
    every, every_holds = drawn + list(chosen.figures if chosen else ()), holds + chosen_holds
    some = any(every_holds) and not all(every_holds)
    sep, negated = _separator(problem, every, every_holds) if some else (None, False)
    return GoalClass(holds, tuple(drawn), sep, negated, chosen, chosen_holds)


def _separator(problem: Problem, drawn: Sequence[Diagram], holds: tuple[bool, ...]) -> tuple[Condition | None, bool]:
    """The simplest condition on the figure true exactly where the goal holds (or exactly
    where it fails): the order of three collinear points, or two points on one side of a
    line through two others."""
    names = problem.points()
    # Figures where the goal holds and fails alternate, so that a candidate fails early.
    order = _interleave([i for i, h in enumerate(holds) if h], [i for i, h in enumerate(holds) if not h])
    for cand in _candidates(names, [d.points for d in drawn]):
        same = opposite = True
        for i in order:
            t = cand.holds(drawn[i].points)
            same, opposite = same and t == holds[i], opposite and t != holds[i]
            if not (same or opposite):
                break
        if same:
            return cand, False
        if opposite:
            return cand, True
    return None, False


def _interleave(xs: list[int], ys: list[int]) -> list[int]:
    out = [v for pair in zip(xs, ys) for v in pair]
    return out + xs[len(ys):] + ys[len(xs):]


def _candidates(names: Sequence[str], figures: Sequence[Mapping[str, complex]],
                first: Sequence[str] = (), opposite: bool = False) -> Iterator[Condition]:
    """Conditions on the figure, simplest first: the order of three points collinear in every
    figure of ``figures``, two points on one side of a line through two others (and, with
    ``opposite``, on opposite sides: the orientations of two triangles). Those naming a point
    of ``first`` come first."""
    def rank(cond: Condition) -> int:
        return 0 if any(x in first for x in cond.points) else 1

    for stage in ((0, 1) if first else (1,)):
        for a, b, c in combinations(names, 3):
            if all(Predicate(Kind.COLL, (a, b, c)).holds(pts) for pts in figures):
                for cand in (Condition.between(a, b, c), Condition.between(b, a, c), Condition.between(c, a, b)):
                    if not first or rank(cand) == stage:
                        yield cand
        for a, b in combinations(names, 2):
            for p, q in combinations([x for x in names if x not in (a, b)], 2):
                cands = [Condition.side(p, q, a, b)]
                if opposite:  # p and q on opposite sides of ab: triangles abp and baq turn the same way
                    cands.append(Condition.check(Predicate(Kind.SAMECLOCK, (a, b, p, b, a, q))))
                for cand in cands:
                    if not first or rank(cand) == stage:
                        yield cand


def state_choice(proof: Proof, figures: Sequence[Diagram], points: Mapping[str, complex]) -> Proof:
    """``proof`` (found in the figure ``points``), with hypotheses added to its last line where
    its own conditions do not exclude every figure of ``figures`` in which one of its lines is
    false: conditions true in ``points`` that together fail in each such figure (one, true
    exactly where the lines hold, if there is one; else at most :data:`CHOICE_HYPOTHESES`,
    chosen greedily), naming first the points whose construction chose differently (which
    intersection, which side). Unchanged when its conditions already separate the figures, or
    when no such conditions are found (the replay then rejects it).
    """
    conds = proof.conditions
    last = proof.lines[-1] if proof.lines else None
    if last is None or last.kind == "given":
        return proof
    applicable = [d for d in figures if all(c.holds(d.points) for c in conds)]
    bad = [d.points for d in applicable if not all(line.pred.holds(d.points) for line in proof.lines)]
    if not bad:
        return proof
    good = [d.points for d in applicable if all(line.pred.holds(d.points) for line in proof.lines)]
    here = _choice_map(figures, points)
    first = sorted({p for d in figures for c in d.choices if here.get(c.key, c.value) != c.value
                    for p in _clause_points(proof.problem, c.clause)})
    names = proof.problem.points()
    cands = [c for c in _candidates(names, [points] + bad, first, opposite=True) if c.holds(points)]
    added: list[Condition] = []
    exact = next((c for c in cands if not any(c.holds(q) for q in bad) and all(c.holds(g) for g in good)), None)
    if exact is not None:
        added.append(exact)
    else:
        left = bad
        while left and len(added) < CHOICE_HYPOTHESES:
            best = max(cands, key=lambda c: sum(not c.holds(q) for q in left), default=None)
            if best is None or all(best.holds(q) for q in left):
                return proof
            added.append(best)
            left = [q for q in left if best.holds(q)]
        if left:
            return proof
    lines = proof.lines[:-1] + (replace(last, conditions=last.conditions + tuple(added)),)
    return replace(proof, lines=lines)


def _choice_map(figures: Sequence[Diagram], points: Mapping[str, complex]) -> dict[tuple[int, int], int]:
    """The choices of the figure among ``figures`` whose coordinates are ``points`` ({} if none is)."""
    for d in figures:
        if d.points is points or d.points == points:
            return d.choice_vector
    return {}


def _clause_points(problem: Problem, clause: int) -> tuple[str, ...]:
    clauses = problem.all_clauses()
    return clauses[clause - 1].points if 0 < clause <= len(clauses) else ()


@dataclass(frozen=True)
class DDARRun:
    """:func:`run_ddar`'s result: the outcome the exporters render, and the engine it saturated
    (names ``x000``, ``x001``, ... given by ``inner``), which the search extends instead of
    saturating again. ``engine`` is None when the goal is false in every figure drawn."""

    outcome: Outcome
    engine: Engine | None
    inner: dict[str, str]


def prove_ddar(
    problem: Problem, *, seed: int = 0, timeout: float = 60.0, replay_figures: int = REPLAY_FIGURES,
    figure: Diagram | None = None,
) -> Outcome:
    """Classify the goal, run DD+AR in a figure where it holds and, if proven, trace back,
    check the proof in that figure and replay it in fresh figures (:func:`run_ddar`'s outcome).

    ``figure`` runs DD+AR in that figure instead, with the goal not classified (the
    soundness bench hands it goals that are false there).
    """
    return run_ddar(problem, seed=seed, timeout=timeout, replay_figures=replay_figures, figure=figure).outcome


def run_ddar(
    problem: Problem, *, seed: int = 0, timeout: float = 60.0, replay_figures: int = REPLAY_FIGURES,
    figure: Diagram | None = None,
) -> DDARRun:
    """:func:`prove_ddar`, keeping the saturated engine.

    A degenerate goal (:func:`geometry.predicates.degeneracy`: true by its form alone, false
    whatever the figure, or naming an ill-defined object) raises :class:`ParseError`, as the
    parser does, so a goal is never "proved" as a statement true by itself.
    """
    if problem.goal is None:
        raise ProblemError("the problem has no goal ('? ...')", problem=problem.name)
    for goal in problem.goals:  # the parser's rule, for problems built without it
        why = degeneracy(goal)
        if why:
            raise ParseError(f"goal: degenerate: {why}", problem=problem.name, token=str(goal))
    # --- find-the-value goals (acompute, rcompute, lcompute): prover.compute reads each value
    # off the figures and proves it as a constant goal through this function (issue 25)
    from .compute import is_compute, run_compute

    if is_compute(problem):
        found = run_compute(problem, run_ddar, verify, seed=seed, timeout=timeout, replay_figures=replay_figures,
                            figure=figure)
        return DDARRun(found.outcome, found.engine, found.inner)
    # --- end of find-the-value goals
    # The engine works on names given in order of appearance, so that its search, and
    # the proof it finds, do not depend on how the problem names its points.
    inner = {p: f"x{i:03d}" for i, p in enumerate(problem.points())}
    cls = classify_goal(problem, seed=seed) if figure is None else None
    if cls is not None and cls.status == "none":
        return DDARRun(Outcome(problem, cls.all_figures[0], "false", 0, 0.0, None, None, cls), None, inner)
    # the first random figure where the goal holds, else the first drawn for a choice of the constructions
    diagram = figure if cls is None else next(d for d, ok in zip(cls.all_figures, cls.all_holds) if ok)
    outer = {v: k for k, v in inner.items()}
    engine = Engine(diagram.rename(inner))
    result: Result = engine.prove(problem.goal.rename(inner), Budget(timeout=timeout))
    proof = check = replayed = None
    status = result.status
    if result.solved and result.goal_fact is not None:
        proof = traceback(engine, result.goal_fact).rename(outer, problem)
        if cls is not None:
            proof = state_choice(proof, cls.all_figures, diagram.points)
        check, replayed = verify(proof, diagram.points, seed, replay_figures)
        if not check.ok:
            status = "rejected"
    outcome = Outcome(problem, diagram, status, result.facts, result.seconds, proof, check, cls, replayed)
    return DDARRun(outcome, engine, inner)


def verify(proof: Proof, points: dict[str, complex], seed: int,
           figures: int = REPLAY_FIGURES) -> tuple[CheckResult, ReplayResult]:
    """The one check of a proof: the checker in the figure it was found in (``points``), then
    a replay in ``figures`` fresh figures of its problem (seeds from ``seed + REPLAY_OFFSET``)
    and in one figure for each combination of its discrete choices (at the first of those
    seeds), so that every configuration of the choices is met. A replay failure makes the
    check fail with the replay's reasons."""
    check = check_proof(proof, points)
    replayed = replay(proof, _fresh_figures(proof.problem, seed + REPLAY_OFFSET, figures))
    if not replayed.ok:
        check = CheckResult(False, check.errors + replayed.failures)
    return check, replayed


def _fresh_figures(problem: Problem, seed: int, count: int) -> Iterator[dict[str, complex]]:
    drawn = []
    for s in range(seed, seed + count):
        try:
            drawn.append(realise(problem, seed=s))
        except ProblemError:
            continue
        yield drawn[-1].points
    for d in choice_figures(problem, seed, seeds=1, known=drawn).figures:
        yield dict(d.points)


def _reason(line, rules) -> str:
    if line.kind == "given":
        return f"premise (clause {line.clause})"
    uses = ", ".join(str(u) for u in line.uses)
    if not line.uses:
        return f"{line.rule}, {rules[line.rule].name}" if line.rule in rules else str(line.rule)
    if line.kind == "ar":
        return f"{ar_reason(line.rule)} from {uses}"
    rule = rules.get(line.rule)
    name = f"{line.rule}, {rule.name}" if rule else line.rule
    return f"{name} from {uses}"


def format_text(proof: Proof) -> str:
    """The proof as numbered lines: premises, then steps with their reasons."""
    rules = load_rules()
    width = max(len(str(line.pred)) for line in proof.lines)
    out = [f"Problem: {proof.problem.name}", f"Goal: {proof.goal}", "", "Premises:"]
    for line in proof.premises:
        out.append(f"  {line.number:>3}. {line.pred!s:<{width}}   [{_reason(line, rules)}]")
    out.append("Steps:")
    for line in proof.steps:
        out.append(f"  {line.number:>3}. {line.pred!s:<{width}}   [{_reason(line, rules)}]")
    aux = ", ".join(proof.aux_points) if proof.aux_points else "none"
    out += ["", f"Proved: {proof.goal}", f"Auxiliary points used: {aux}"]
    return "\n".join(out)
