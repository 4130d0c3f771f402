"""A proof as a document: what every format shows, decided once.

:func:`build` turns a traced-back :class:`~ddar.proof.Proof` into a
:class:`ProofDoc`: the statement in sentences, the premises it uses, and the
steps in words with their reasons, renumbered for reading:

* steps that only restate a line they cite (a midpoint's collinearity, a centre's
  equal radii, a symmetric or degenerate form of a fact already shown) are folded
  into that line, and whatever cites them cites it instead;
* each auxiliary construction (the clauses after ``|``) is introduced in words,
  with the premises it brings, just before the first step that needs it, or with
  the givens when a configuration hypothesis names its points: every auxiliary
  point is introduced before anything mentions it;
* the last line is written as the goal was written.

The renderers (text, Markdown, HTML) only lay the document out.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import combinations
from typing import Union

from ddar.proof import Proof, ProofLine
from ddar.rules import load_rules
from geometry.predicates import Kind, Predicate
from geometry.problem import Problem
from prover.compute import answers as compute_answers
from prover.compute import is_compute

from .configuration import hypothesis_text
from .wording import (
    ANGLE_CONVENTION,
    SAME_SEGMENT,
    TRIVIAL,
    Labels,
    ar_reason,
    clause_sentence,
    goal_sentence,
    is_trivial,
    points_phrase,
    restate,
    rule_reason,
    say,
)


@dataclass(frozen=True)
class Sentence:
    """A sentence of the statement, with the points it is about."""

    text: str
    points: tuple[str, ...]


@dataclass(frozen=True)
class Line:
    """A numbered line of the proof as shown."""

    number: int  # as displayed
    source: int  # the line's number in the engine's proof
    pred: Predicate  # as displayed (the premise or goal as written, when it is one)
    text: str
    kind: str  # given | rule | ar
    reason: str
    rule: str | None  # rule id or AR table
    uses: tuple[int, ...]  # displayed numbers of the lines it cites
    aux: bool = False  # a premise of an auxiliary construction
    hypotheses: tuple[int, ...] = ()  # the configuration hypotheses it reads (1 = H1)

    @property
    def points(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.pred.points))


@dataclass(frozen=True)
class AuxIntro:
    """An auxiliary construction, introduced before anything mentions its points."""

    clause: int  # 1-based, counted over all clauses
    points: tuple[str, ...]
    text: str


Item = Union[Line, AuxIntro]


@dataclass(frozen=True)
class ProofDoc:
    name: str
    problem: Problem
    proof: Proof
    labels: Labels
    setup: tuple[Sentence, ...]
    goal: Sentence
    givens: tuple[Line, ...]
    body: tuple[Item, ...]  # the proof: its steps, and the auxiliary constructions where they enter
    #: every engine line that is shown -> its displayed number
    shown: Mapping[int, int] = field(default_factory=dict)
    #: every engine line that is folded away -> the displayed line it restates
    folded: Mapping[int, int] = field(default_factory=dict)
    convention: str | None = None  # the angle convention, where the document has angles
    #: configuration hypotheses H1, H2, ... (what the steps read off the figure); none:
    #: the proof holds in every figure of the problem
    hypotheses: tuple[Sentence, ...] = ()
    #: the auxiliary constructions that a hypothesis names, with their premises: shown
    #: after the givens and before the hypotheses (earlier auxiliary clauses come too)
    constructions: tuple[Item, ...] = ()
    #: a problem that asks for values (``acompute``, ...): each value found, in words
    #: (``∠BAD = 30°``), in the order of the goals; the document ends with them
    answers: tuple[str, ...] = ()

    @property
    def items(self) -> tuple[Item, ...]:
        """Every numbered line and construction, in reading order (the hypotheses stand
        between the constructions and the body)."""
        return self.givens + self.constructions + self.body

    @property
    def lines(self) -> tuple[Line, ...]:
        return tuple(i for i in self.items if isinstance(i, Line))

    @property
    def aux_intros(self) -> tuple[AuxIntro, ...]:
        return tuple(i for i in self.items if isinstance(i, AuxIntro))

    @property
    def aux_points(self) -> tuple[str, ...]:
        return tuple(p for i in self.aux_intros for p in i.points)


# ---------------------------------------------------------------------- folding
def _key(p: Predicate) -> Predicate:
    return restate(p).canonical()


def says(cited: Predicate, step: Predicate) -> bool:
    """Whether ``step`` only restates (part of) ``cited``.

    >>> says(Predicate.parse("midp m a b".split()), Predicate.parse("coll a b m".split()))
    True
    >>> says(Predicate.parse("circle o a b c".split()), Predicate.parse("cong o a o c".split()))
    True
    >>> says(Predicate.parse("para a b c d".split()), Predicate.parse("perp a b c d".split()))
    False
    """
    c, s = restate(cited).canonical(), _key(step)
    if c == s:
        return True
    if c.kind is Kind.MIDP:
        m, a, b = c.points
        return s in (Predicate(Kind.COLL, (m, a, b)).canonical(), Predicate(Kind.CONG, (m, a, m, b)).canonical())
    if c.kind is Kind.CIRCLE:
        o, *rest = c.points
        return s in {Predicate(Kind.CONG, (o, x, o, y)).canonical() for x, y in combinations(rest, 2)}
    if c.kind in (Kind.COLL, Kind.CYCLIC) and s.kind is c.kind:
        return set(s.points) <= set(c.points)
    return False


def _fold(proof: Proof) -> dict[int, int]:
    """Engine line -> the earlier engine line it restates (the last line is never folded)."""
    by_number = {line.number: line for line in proof.lines}
    folded: dict[int, int] = {}
    first_with_key: dict[Predicate, int] = {}
    last = proof.lines[-1].number if proof.lines else None

    def target(n: int) -> int:
        while n in folded:
            n = folded[n]
        return n

    for line in proof.lines:
        key = _key(line.pred)
        if line.kind != "given" and line.number != last:
            if key in first_with_key:
                folded[line.number] = first_with_key[key]
                continue
            cited = {target(u) for u in line.uses}
            if len(cited) == 1:
                (u,) = cited
                if says(by_number[u].pred, line.pred):
                    folded[line.number] = u
                    continue
        first_with_key.setdefault(key, line.number)
    return {n: target(n) for n in folded}


# ---------------------------------------------------------------------- building
def build(proof: Proof, points: Mapping[str, complex] | None = None) -> ProofDoc:
    """The document of ``proof``; ``points`` (the diagram) refines a few sentences."""
    return _Builder(proof, points).document()


class _Builder:
    """Numbers the lines in reading order and words them (one use: :func:`build`)."""

    def __init__(self, proof: Proof, points: Mapping[str, complex] | None) -> None:
        self.proof, self.points = proof, points
        self.problem = problem = proof.problem
        self.L = Labels(problem.points())
        self.clauses = problem.all_clauses()
        self.n_main = len(problem.clauses)
        self.rules = load_rules()
        self.folded = _fold(proof)
        self.by_number = {line.number: line for line in proof.lines}
        self.goal = _as_written(proof.goal, problem.goals) or proof.goal
        self.shown: dict[int, int] = {}  # engine line -> displayed number
        self.body: list[Item] = []
        self.introduced: set[int] = set()
        self.aux_lines: dict[int, list[ProofLine]] = {}
        for line in proof.premises:
            if self._is_aux(line.clause):
                self.aux_lines.setdefault(line.clause or 0, []).append(line)
        mentioned = set(proof.points) | {p for c in proof.conditions for p in c.points}
        self.aux_clauses = sorted(
            set(self.aux_lines)
            | {i for i in range(self.n_main + 1, len(self.clauses) + 1) if mentioned & set(self.clauses[i - 1].points)}
        )
        self.aux_point_clause = {p: i for i in self.aux_clauses for p in self.clauses[i - 1].points}
        self.hypothesis_number = {c: i for i, c in enumerate(proof.conditions, start=1)}

    def _is_aux(self, clause: int | None) -> bool:
        return (clause or 0) > self.n_main

    def document(self) -> ProofDoc:
        L, problem = self.L, self.problem
        setup = tuple(Sentence(clause_sentence(c, L, self.points), c.points) for c in problem.clauses)
        found = compute_answers(self.proof) if is_compute(problem) else ()
        asked = list(problem.goals) if found else [self.goal]  # "Find the value of ..."
        goal = Sentence(goal_sentence(asked, L), tuple(dict.fromkeys(p for g in asked for p in g.points)))
        givens = tuple(self.line(x) for x in self.proof.premises if not self._is_aux(x.clause))
        # The hypotheses are stated before the proof: the constructions they name come first.
        named = [self.aux_point_clause.get(p) for c in self.proof.conditions for p in c.points]
        named = [k for k in named if k is not None]
        if named:
            self.introduce(max(named))
        constructions, self.body = tuple(self.body), []
        for line in self.proof.steps:
            if line.number in self.folded:
                continue
            needs = [self.by_number[self.folded.get(u, u)].clause for u in line.uses]
            needs += [self.aux_point_clause.get(p) for p in line.pred.points]
            needs = [k for k in needs if self._is_aux(k) and k not in self.introduced]
            if needs:
                self.introduce(max(needs))  # type: ignore[type-var]
            self.body.append(self.line(line))
        hypotheses = tuple(Sentence(hypothesis_text(c, L), c.points) for c in self.proof.conditions)
        texts = [x.text for x in givens + constructions + tuple(self.body) if isinstance(x, Line)]
        texts += [goal.text] + [s.text for s in setup] + [h.text for h in hypotheses]
        return ProofDoc(
            name=problem.name,
            problem=problem,
            proof=self.proof,
            labels=L,
            setup=setup,
            goal=goal,
            givens=givens,
            body=tuple(self.body),
            shown=dict(self.shown),
            folded={n: self.shown[t] for n, t in self.folded.items() if t in self.shown},
            convention=ANGLE_CONVENTION if any("∠" in t for t in texts) else None,
            hypotheses=hypotheses,
            constructions=constructions,
            answers=tuple(a.words(L) for a in found),
        )

    def introduce(self, upto: int) -> None:
        """Introduce the auxiliary clauses up to ``upto`` (earlier ones first: they may be needed)."""
        for k in self.aux_clauses:
            if k > upto or k in self.introduced:
                continue
            self.introduced.add(k)
            clause = self.clauses[k - 1]
            self.body.append(AuxIntro(k, clause.points, clause_sentence(clause, self.L, self.points)))
            self.body.extend(self.line(x) for x in self.aux_lines.get(k, ()))

    def line(self, line: ProofLine) -> Line:
        """The next displayed line."""
        number = self.shown[line.number] = len(self.shown) + 1
        L, pred = self.L, line.pred
        if line.kind == "given":
            clause = self.clauses[(line.clause or 1) - 1]
            if pred.kind in _WRITTEN_FORM:  # angles and ratios read best in the problem's own order
                pred = _as_written(pred, clause.premises()) or pred
            aux = self._is_aux(line.clause)
            reason = f"{'construction' if aux else 'definition'} of {points_phrase(clause.points, L)}"
            return Line(number, line.number, pred, say(pred, L), "given", reason, None, (), aux)
        if line is self.proof.lines[-1]:
            pred = self.goal
        uses = tuple(sorted({self.shown[self.folded.get(u, u)] for u in line.uses}))
        reason = ar_reason(line.rule) if line.kind == "ar" else rule_reason(line.rule, self.rules)
        if line.kind == "ar" and not line.uses and is_trivial(line.pred):
            # e.g. FO = FO, "derived" by ratio chasing from nothing (a common side)
            reason = SAME_SEGMENT if line.pred.kind is Kind.CONG else TRIVIAL
        hyps = tuple(self.hypothesis_number[c] for c in line.conditions)
        return Line(number, line.number, pred, say(pred, L), line.kind, reason, line.rule, uses, hypotheses=hyps)


_WRITTEN_FORM = frozenset({Kind.EQANGLE, Kind.EQRATIO, Kind.ACONST, Kind.RCONST, Kind.AEQUATION})


def _as_written(pred: Predicate, candidates) -> Predicate | None:
    """The candidate (e.g. a premise as its construction states it) equal to ``pred`` up to symmetry."""
    key = pred.canonical()
    for c in candidates:
        if c.canonical() == key:
            return c
    return None
