"""Traceback: the minimal proof of a derived fact, and the auxiliary points it needs.

A :class:`Proof` lists the premises the goal needs (numbered first) and then
the derivation steps in dependency order; each step names its rule (or the AR
table) and the earlier lines it uses. Only facts on a path to the goal appear.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction

from geometry.predicates import Predicate
from geometry.problem import Problem

from .conditions import Condition
from .engine import Engine
from .facts import ARApp, Given, RuleApp


@dataclass(frozen=True)
class ProofLine:
    number: int
    pred: Predicate
    kind: str  # "given" | "rule" | "ar"
    rule: str | None = None  # rule id for "rule"; the AR table (a ddar.equations.Table) for "ar"
    uses: tuple[int, ...] = ()  # line numbers
    multipliers: tuple[Fraction, ...] = ()
    clause: int | None = None  # for givens
    conditions: tuple[Condition, ...] = ()  # what the step reads off the figure


@dataclass(frozen=True)
class Proof:
    problem: Problem
    goal: Predicate
    lines: tuple[ProofLine, ...]
    aux_points: tuple[str, ...]  # points the proof needs beyond the goal's statement
    points: tuple[str, ...]  # every point the proof mentions

    def rename(self, mapping: dict[str, str], problem: Problem) -> Proof:
        """The same proof with point names mapped (statements put back in canonical form)."""
        lines = tuple(
            replace(
                line,
                pred=line.pred.rename(mapping).canonical(),
                conditions=tuple(sorted({c.rename(mapping) for c in line.conditions})),
            )
            for line in self.lines
        )
        return Proof(
            problem,
            self.goal.rename(mapping),
            lines,
            tuple(mapping.get(p, p) for p in self.aux_points),
            tuple(mapping.get(p, p) for p in self.points),
        )

    @property
    def conditions(self) -> tuple[Condition, ...]:
        """The configuration hypotheses of the proof: every condition a step reads off the
        figure, once each, in order of first use. Empty: the proof holds in every figure."""
        seen: dict[Condition, None] = {}
        for line in self.lines:
            for c in line.conditions:
                seen.setdefault(c, None)
        return tuple(seen)

    @property
    def premises(self) -> tuple[ProofLine, ...]:
        return tuple(line for line in self.lines if line.kind == "given")

    @property
    def steps(self) -> tuple[ProofLine, ...]:
        return tuple(line for line in self.lines if line.kind != "given")

    @property
    def aux_clauses(self) -> tuple[int, ...]:
        """1-based numbers of the clauses that construct the auxiliary points."""
        clauses = self.problem.all_clauses()
        aux = set(self.aux_points)
        return tuple(i for i, c in enumerate(clauses, start=1) if aux & set(c.points))


def statement_points(problem: Problem, goal: Predicate) -> set[str]:
    """The goal's points and every point their constructions depend on."""
    defined_by: dict[str, set[str]] = {}
    for clause in problem.all_clauses():
        deps: set[str] = set()
        for call in clause.constructions:
            deps.update(a for f, a in call.binding().items() if f in call.signature.inputs)
        for p in clause.points:
            defined_by[p] = deps
    need: set[str] = set()
    stack = list(goal.points)
    while stack:
        p = stack.pop()
        if p in need:
            continue
        need.add(p)
        stack.extend(defined_by.get(p, ()))
    return need


def traceback(engine: Engine, fact_id: int, *more: int) -> Proof:
    """The proof DAG of one fact (of several: ``more``, the values of a problem with several
    compute goals): only the facts the goals depend on, numbered. The goal of the proof is
    the goal fact that comes last (a fact can only cite earlier ones, so the last line is a
    goal); the other goals are lines of it."""
    needed: set[int] = set()
    stack = [fact_id, *more]
    while stack:
        fid = stack.pop()
        if fid in needed:
            continue
        needed.add(fid)
        reason = engine.reason(fid)
        if not isinstance(reason, Given):
            stack.extend(reason.premises)
    facts = [engine.facts[i] for i in needed]
    givens = sorted((f for f in facts if isinstance(f.reason, Given)), key=lambda f: (f.reason.clause, f.id))
    derived = sorted((f for f in facts if not isinstance(f.reason, Given)), key=lambda f: f.id)
    number: dict[int, int] = {}
    lines: list[ProofLine] = []
    for f in givens + derived:
        number[f.id] = len(lines) + 1
        r = f.reason
        if isinstance(r, Given):
            lines.append(ProofLine(number[f.id], f.pred, "given", clause=r.clause))
        elif isinstance(r, RuleApp):
            lines.append(
                ProofLine(
                    number[f.id], f.pred, "rule", r.rule, tuple(number[i] for i in r.premises), conditions=r.conditions
                )
            )
        else:
            assert isinstance(r, ARApp)
            lines.append(
                ProofLine(
                    number[f.id],
                    f.pred,
                    "ar",
                    r.table,
                    tuple(number[i] for i in r.premises),
                    r.multipliers,
                    conditions=r.conditions,
                )
            )
    goal = engine.facts[fact_id].pred
    if more:
        goals = {fact_id, *more}
        goal = next(engine.facts[f.id].pred for f in reversed(givens + derived) if f.id in goals)
    problem = engine.diagram.problem
    points = sorted({p for line in lines for p in line.pred.points}, key=_order(problem))
    stated = statement_points(problem, goal)
    aux = tuple(p for p in points if p not in stated)
    return Proof(problem, goal, tuple(lines), aux, tuple(points))


def _order(problem: Problem):
    pos = {p: i for i, p in enumerate(problem.points())}
    return lambda p: pos.get(p, len(pos))
