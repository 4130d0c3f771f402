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
from geometry.constructions import Choice
from geometry.diagram import ChoiceDraw, Diagram
from geometry.problem import Problem


@dataclass(frozen=True)
class GoalClass:
    """Where the goal holds among figures of the problem drawn with seeds seed, seed+1, ...,
    and among the figures drawn for each combination of its discrete choices (``chosen``)."""

    holds: tuple[bool, ...]  # per figure drawn at random
    figures: tuple[Diagram, ...]
    separator: Condition | None = None  # a condition true exactly where the goal holds
    separator_negated: bool = False  # the goal holds exactly where the separator fails
    chosen: ChoiceDraw | None = None  # figures drawn for the combinations of the choices
    chosen_holds: tuple[bool, ...] = ()  # per figure of ``chosen``

    @property
    def all_figures(self) -> tuple[Diagram, ...]:
        """The random figures, then those of the choice combinations."""
        return self.figures + (self.chosen.figures if self.chosen is not None else ())

    @property
    def all_holds(self) -> tuple[bool, ...]:
        return self.holds + self.chosen_holds

    @property
    def status(self) -> str:
        """"all" (a theorem, as far as the figures tell), "none" (not a theorem), "some"."""
        if all(self.all_holds):
            return "all"
        return "some" if any(self.all_holds) else "none"

    def choices_text(self) -> str:
        """The discrete choices of the problem's figure, in words ("" when it has none)."""
        if self.chosen is None or not self.chosen.choices:
            return ""
        problem = self.figures[0].problem if self.figures else self.chosen.figures[0].problem
        return "; ".join(choice_words(c, problem) for c in self.chosen.choices)

    def _tried(self) -> str:
        """What was drawn, in words: the random figures and the choice combinations."""
        text = f"{len(self.holds)} at random"
        ch = self.chosen
        if ch is None or not ch.choices:
            return text + "; the figure has no two-way choice"
        if len(ch.choices) == 1:
            text += ", and for both alternatives of the choice"
        elif ch.exhaustive:
            text += f", and for each of the {ch.combinations} combinations of the choices"
        else:
            text += f", and for {ch.combinations} of the {ch.total} combinations of the choices (every combination of any three)"
        if ch.undrawable:
            text += f", {ch.undrawable} of which cannot be drawn"
        return text

    def describe(self, words=None) -> str:
        """In words; ``words`` (a function of a :class:`Condition`) words the separator."""
        n, k = len(self.holds), sum(self.holds)
        m, j = len(self.chosen_holds), sum(self.chosen_holds)
        if k == n and j == m:
            return f"the goal holds in all {n} figures drawn"
        if k == 0 and j == 0:
            text = f"the goal is false in every figure drawn ({self._tried()})"
            ch = self.chosen
            if ch is None or not ch.choices:
                return text + ": this is not a theorem"
            if not ch.exhaustive:
                return (text + f", the choices being those of: {self.choices_text()}: it is not a theorem as far as "
                        "these figures tell, but not every combination of the choices was tried")
            return text + f", so it is false for every choice of: {self.choices_text()}: this is not a theorem"
        if m == 0:
            text = f"the goal holds in {k} of the {n} figures drawn, so it depends on the configuration"
        else:
            text = (f"the goal holds in {k} of the {n} figures drawn at random and in {j} of the {m} drawn for "
                    f"the choices of: {self.choices_text()}, so it depends on the configuration")
        if self.separator is not None:
            sep = words(self.separator) if words is not None else f"'{self.separator}'"
            text += f"; it holds exactly in the figures where {'it is not the case that ' if self.separator_negated else ''}{sep}"
        return text


def choice_words(c: Choice, problem: Problem) -> str:
    """One choice point in words, with the clause it is made in.

    >>> from geometry.problem import parse_problem
    >>> p = parse_problem("t", "a b = segment a b; c = eq_triangle c a b ? perp a b a c")
    >>> choice_words(Choice(2, 0, 0, 2, "side"), p)
    'the side of ab on which c is put (clause 2: c = eq_triangle c a b)'
    """
    clauses = problem.all_clauses()
    clause = clauses[c.clause - 1] if 0 < c.clause <= len(clauses) else None
    where = f"clause {c.clause}" + (f": {clause.to_text()}" if clause is not None else "")
    pts = " ".join(clause.points) if clause is not None else "?"
    if c.what == "mirror":
        return f"the orientation of {pts} ({where})"
    if c.what == "side" and clause is not None:
        call = clause.constructions[0]
        used = [a for a in call.args if isinstance(a, str) and a not in clause.points]
        return f"the side of {''.join(used)} on which {pts} is put ({where})"
    if c.what == "intersection":
        return f"which of the two intersection points is {pts} ({where})"
    if c.what == "tangents" and clause is not None:
        return f"which of the two common tangents is {' '.join(clause.points[:2])} ({where})"
    if c.what == "place" and c.among:
        if c.n == len(c.among):  # a circle: one arc between each two points on it
            return f"which arc of its circle between {', '.join(c.among)} {pts} lies on ({where})"
        if len(c.among) == 1:
            return f"which side of {c.among[0]} {pts} lies on, on its line ({where})"
        return f"where {pts} lies on its line relative to {', '.join(c.among)} ({where})"
    return f"{c.what} ({where})"


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
    #: how the search for auxiliary points went, when one ran (:meth:`prover.search.SearchOutcome.summary`)
    search: dict | None = None

    @property
    def conditions(self) -> tuple[Condition, ...]:
        """The configuration hypotheses of the proof (empty: it holds in every figure)."""
        return self.proof.conditions if self.proof is not None else ()
