"""Proving one problem with DD+AR, and the plain-text rendering of a proof.

A problem is proved in its configurations, not in one picture. Before proving,
:func:`classify_goal` checks the goal in several figures of the problem (seeds
``seed``, ``seed + 1``, ...): true in all, false in all (not a theorem), or true in
some only, where it looks for a simple condition on the figure that separates the
two. The proof is then searched in a figure where the goal holds, states the
configuration conditions its steps read off that figure, and counts only if the
checker accepts it in that figure and every line holds in fresh figures where its
conditions hold (:func:`ddar.check.replay`).
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from ddar.check import CheckResult, ReplayResult, check_proof, replay
from ddar.conditions import Condition
from ddar.engine import Budget, Engine, Result
from ddar.proof import Proof, traceback
from ddar.rules import load_rules
from geometry.diagram import Diagram, realise
from geometry.errors import ParseError, ProblemError, RealisationError
from geometry.predicates import degeneracy
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


def classify_goal(problem: Problem, *, seed: int = 0, figures: int = CLASSIFY_FIGURES) -> GoalClass:
    """Check the goal in ``figures`` figures of ``problem`` (seeds ``seed``, ``seed+1``, ...).

    Raises :class:`RealisationError` when no figure can be drawn; figures that fail to
    draw for one seed are skipped.
    """
    drawn: list[Diagram] = []
    error: RealisationError | None = None
    for s in range(seed, seed + figures):
        try:
            drawn.append(realise(problem, seed=s))
        except RealisationError as e:
            error = error or e
    if not drawn:
        assert error is not None
        raise error
    holds = tuple(all(d.holds(g) for g in problem.goals) for d in drawn)
    sep, negated = _separator(problem, drawn, holds) if any(holds) and not all(holds) else (None, False)
    return GoalClass(holds, tuple(drawn), sep, negated)


def _separator(problem: Problem, drawn: list[Diagram], holds: tuple[bool, ...]) -> tuple[Condition | None, bool]:
    """The simplest condition on the figure true exactly where the goal holds (or exactly
    where it fails): the order of three collinear points, or two points on one side of a
    line through two others."""
    names = problem.points()
    cands: list[Condition] = []
    for a, b, c in combinations(names, 3):
        if all(_collinear(d, a, b, c) for d in drawn):
            cands += [Condition.between(a, b, c), Condition.between(b, a, c), Condition.between(c, a, b)]
    for a, b in combinations(names, 2):
        for p, q in combinations([x for x in names if x not in (a, b)], 2):
            cands.append(Condition.side(p, q, a, b))
    for cand in cands:
        truth = tuple(cand.holds(d.points) for d in drawn)
        if truth == holds:
            return cand, False
        if all(t != h for t, h in zip(truth, holds)):
            return cand, True
    return None, False


def _collinear(d: Diagram, a: str, b: str, c: str) -> bool:
    from geometry.predicates import Kind, Predicate

    return Predicate(Kind.COLL, (a, b, c)).holds(d.points)


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
    # The engine works on names given in order of appearance, so that its search, and
    # the proof it finds, do not depend on how the problem names its points.
    inner = {p: f"x{i:03d}" for i, p in enumerate(problem.points())}
    cls = classify_goal(problem, seed=seed) if figure is None else None
    if cls is not None and cls.status == "none":
        return DDARRun(Outcome(problem, cls.figures[0], "false", 0, 0.0, None, None, cls), None, inner)
    diagram = figure if cls is None else next(d for d, ok in zip(cls.figures, cls.holds) if ok)
    outer = {v: k for k, v in inner.items()}
    engine = Engine(diagram.rename(inner))
    result: Result = engine.prove(problem.goal.rename(inner), Budget(timeout=timeout))
    proof = check = replayed = None
    status = result.status
    if result.solved and result.goal_fact is not None:
        proof = traceback(engine, result.goal_fact).rename(outer, problem)
        check, replayed = verify(proof, diagram.points, seed, replay_figures)
        if not check.ok:
            status = "rejected"
    outcome = Outcome(problem, diagram, status, result.facts, result.seconds, proof, check, cls, replayed)
    return DDARRun(outcome, engine, inner)


def verify(proof: Proof, points: dict[str, complex], seed: int,
           figures: int = REPLAY_FIGURES) -> tuple[CheckResult, ReplayResult]:
    """The one check of a proof: the checker in the figure it was found in (``points``), then
    a replay in ``figures`` fresh figures of its problem (seeds from ``seed + REPLAY_OFFSET``).
    A replay failure makes the check fail with the replay's reasons."""
    check = check_proof(proof, points)
    replayed = replay(proof, _fresh_figures(proof.problem, seed + REPLAY_OFFSET, figures))
    if not replayed.ok:
        check = CheckResult(False, check.errors + replayed.failures)
    return check, replayed


def _fresh_figures(problem: Problem, seed: int, count: int):
    for s in range(seed, seed + count):
        try:
            yield realise(problem, seed=s).points
        except ProblemError:
            continue


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
