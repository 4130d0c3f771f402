"""One training example and its JSON form.

An example is a problem in the problem language (setup, then ``| aux`` when it
has auxiliary constructions, then ``? goal``), the proof of its goal, and where
it came from. Proof lines are written ``N pred : reason`` where the reason is
``given``, a rule id, or ``ar`` and an AR table, followed by the numbers of the lines used:

    1 perp a d b c : given
    3 eqangle a b a d c b c d : r03 2
    4 para a b c d : ar angle 1 2

>>> line = ProofLine(4, Predicate.parse("para a b c d".split()), "ar", "angle", (1, 2))
>>> format_line(line)
'4 para a b c d : ar angle 1 2'
>>> parse_line(format_line(line)) == line
True
"""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from ddar.conditions import Condition
from ddar.proof import Proof, ProofLine
from geometry.predicates import Predicate
from geometry.problem import Problem, parse_problem


@dataclass(frozen=True)
class Example:
    """A traceback-minimised problem with its proof (JSON keys are the field names)."""

    problem: str  # full text: setup [| aux] ? goal
    goal: str
    aux: tuple[str, ...]  # auxiliary clauses, empty for a plain example
    proof: tuple[str, ...]  # proof lines, see :func:`format_line`
    proof_length: int  # derivation steps (premises not counted)
    seed: int  # the figure seed: ``sample_figure(seed, config)`` rebuilds the figure
    key: str  # dedup key: equal for examples equal up to renaming and clause order
    relabelled: bool = False  # its figure's proof used aux points that DD+AR turned out not to need

    @property
    def has_aux(self) -> bool:
        return bool(self.aux)

    @property
    def kind(self) -> str:
        return self.goal.split()[0]

    def parsed(self, name: str = "example") -> Problem:
        return parse_problem(name, self.problem)

    def to_json(self) -> str:
        d = asdict(self)
        d["aux"] = list(self.aux)
        d["proof"] = list(self.proof)
        return json.dumps(d, separators=(",", ":"))

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Example:
        return cls(
            d["problem"], d["goal"], tuple(d["aux"]), tuple(d["proof"]), int(d["proof_length"]), int(d["seed"]),
            d["key"], bool(d.get("relabelled", False)),
        )


def format_line(line: ProofLine) -> str:
    if line.kind == "given":
        why = "given"
    else:
        head = ["ar", line.rule or "?"] if line.kind == "ar" else [line.rule or "?"]
        why = " ".join([*head, *(str(u) for u in line.uses)])
        if line.conditions:  # configuration hypotheses the step reads off the figure
            why += " | " + " ; ".join(map(str, line.conditions))
    return f"{line.number} {line.pred} : {why}"


def parse_line(text: str) -> ProofLine:
    """The inverse of :func:`format_line` (AR multipliers are not kept: checking does not need them)."""
    head, _, why = text.partition(" : ")
    why, _, conds = why.partition(" | ")
    conditions = tuple(Condition.parse(c) for c in conds.split(" ; ")) if conds else ()
    number, *pred = head.split()
    reason = why.split()
    p = Predicate.parse(pred)
    if reason == ["given"]:
        return ProofLine(int(number), p, "given")
    kind = "rule"
    if reason[0] == "ar":
        kind, reason = "ar", reason[1:]
    rule, *uses = reason
    return ProofLine(int(number), p, kind, rule, tuple(int(u) for u in uses), conditions=conditions)


def proof_from_lines(problem: Problem, lines: Sequence[str]) -> Proof:
    """A :class:`Proof` of ``problem``'s goal rebuilt from example proof lines (for re-checking)."""
    parsed = tuple(parse_line(t) for t in lines)
    assert problem.goal is not None
    points = tuple(sorted({p for line in parsed for p in line.pred.points}))
    return Proof(problem, problem.goal, parsed, (), points)
