"""The result of proving one problem with DD+AR: a value the exporters render.

:class:`Outcome` and :class:`GoalClass` are made by the prove driver (:mod:`prover.prove`)
and read back from proof documents (:func:`prover.export.read_outcome`); they live here so
that rendering or reading a proof does not need the driver.
"""
from __future__ import annotations

from dataclasses import dataclass

from ddar.check import CheckResult, ReplayResult
from ddar.conditions import Condition
from ddar.proof import Proof
from geometry.diagram import Diagram
from geometry.problem import Problem


@dataclass(frozen=True)
class GoalClass:
    """Where the goal holds among figures of the problem drawn with seeds seed, seed+1, ..."""

    holds: tuple[bool, ...]  # per figure drawn
    figures: tuple[Diagram, ...]
    separator: Condition | None = None  # a condition true exactly where the goal holds
    separator_negated: bool = False  # the goal holds exactly where the separator fails

    @property
    def status(self) -> str:
        """"all" (a theorem, as far as the figures tell), "none" (not a theorem), "some"."""
        if all(self.holds):
            return "all"
        return "some" if any(self.holds) else "none"

    def describe(self, words=None) -> str:
        """In words; ``words`` (a function of a :class:`Condition`) words the separator."""
        n, k = len(self.holds), sum(self.holds)
        if k == n:
            return f"the goal holds in all {n} figures drawn"
        if k == 0:
            return f"the goal is false in every figure drawn ({n}): this is not a theorem"
        text = f"the goal holds in {k} of the {n} figures drawn, so it depends on the configuration"
        if self.separator is not None:
            sep = words(self.separator) if words is not None else f"'{self.separator}'"
            text += f"; it holds exactly in the figures where {'it is not the case that ' if self.separator_negated else ''}{sep}"
        return text


@dataclass(frozen=True)
class Outcome:
    """One problem's DD+AR result: its status, the proof (None unless one was found), the
    checker's verdict, and where the goal holds among the figures drawn."""

    problem: Problem
    diagram: Diagram
    status: str  # solved | unsolved | timeout | false (not a theorem) | rejected (the checker said no)
    facts: int
    seconds: float
    proof: Proof | None
    check: CheckResult | None
    goal_class: GoalClass | None = None
    replayed: ReplayResult | None = None

    @property
    def conditions(self) -> tuple[Condition, ...]:
        """The configuration hypotheses of the proof (empty: it holds in every figure)."""
        return self.proof.conditions if self.proof is not None else ()
