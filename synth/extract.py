"""From a sampled figure to verified, traceback-minimised examples.

For each fact DD+AR derives (not a premise, with a proof of at least
``min_proof_length`` steps):

1. trace back its minimal proof;
2. keep whole the clauses that define the goal's points and the points the used
   premises need (and everything those depend on); the clauses among them that
   the goal's own statement does not need are the auxiliary constructions;
3. rename canonically (the dedup key);
4. verify: the goal holds in a fresh diagram of the minimal problem, and the
   proof replays with the independent checker;
5. an example labelled auxiliary must need its auxiliary part: if DD+AR proves
   the goal from the statement alone, it is relabelled plain, with that proof.
"""
from __future__ import annotations

import time

from collections import defaultdict
from dataclasses import dataclass, field, replace

from ddar.check import check_proof
from ddar.engine import Budget, Engine
from ddar.facts import Fact, Given
from ddar.proof import Proof, traceback
from geometry.diagram import Diagram, realise
from geometry.errors import ProblemError
from geometry.predicates import Predicate
from geometry.problem import Clause, Problem, parse_problem

from .candidates import harvest, prove_fact
from .canon import canonical, clause_inputs
from .config import SynthConfig
from .example import Example, format_line
from .sampler import Figure, SamplingError, sample_figure

#: Whole diagrams tried when realising a minimal problem afresh (as its users will).
_FRESH_ATTEMPTS = 30
#: Fresh figures in which an example's goal must hold (it is dropped if it fails in any).
FRESH_FIGURES = 4


@dataclass
class Tally:
    """What happened to the facts of some figures (summed over a run)."""

    figures: int = 0
    failed_figures: int = 0
    proven: int = 0  # facts proven (candidates and rule facts)
    too_short: int = 0
    too_long: int = 0
    selected: int = 0
    emitted: int = 0
    aux: int = 0
    aux_candidates: int = 0  # proofs that used points beyond the goal's statement
    relabelled: int = 0  # of those, proven by DD+AR from the statement alone: relabelled plain
    aux_unchecked: int = 0  # of those, left out: their figure's max_aux_statements or figure_timeout were used up
    out_of_time: int = 0  # figures whose figure_timeout ran out before every candidate was looked at
    rejected_numeric: int = 0  # goal false in every fresh diagram of its minimal problem
    rejected_unrealisable: int = 0  # the minimal problem would not realise afresh
    configuration_dependent: int = 0  # dropped: the goal holds in some fresh figures only
    rejected_check: int = 0  # proof did not replay
    rejected_other: int = 0
    repros: list[dict] = field(default_factory=list)  # a few rejected examples, for engine bug reports

    def add(self, other: Tally) -> None:
        for k, v in vars(other).items():
            if k == "repros":
                self.repros.extend(v[: max(0, 20 - len(self.repros))])
            else:
                setattr(self, k, getattr(self, k) + v)

    def to_dict(self) -> dict:
        return dict(vars(self))


# ---------------------------------------------------------------------- clause bookkeeping
@dataclass(frozen=True)
class _Deps:
    """Which clause defines each point, and which clauses each clause depends on."""

    clauses: tuple[Clause, ...]
    defines: dict[str, int]
    needs: dict[int, frozenset[int]]

    @staticmethod
    def of(problem: Problem) -> _Deps:
        clauses = problem.all_clauses()
        defines = {p: i for i, c in enumerate(clauses) for p in c.points}
        needs = {}
        for i, c in enumerate(clauses):
            needs[i] = frozenset(defines[a] for a in clause_inputs(c))
        return _Deps(clauses, defines, needs)

    def closure(self, start: set[int]) -> frozenset[int]:
        out: set[int] = set()
        stack = list(start)
        while stack:
            i = stack.pop()
            if i not in out:
                out.add(i)
                stack.extend(self.needs[i])
        return frozenset(out)


@dataclass(frozen=True)
class _Minimal:
    statement: tuple[int, ...]  # clause indices (0-based) of the setup, in figure order
    aux: tuple[int, ...]

    def problem(self, deps: _Deps, goal: Predicate, with_aux: bool = True) -> Problem:
        return Problem(
            "synth",
            tuple(deps.clauses[i] for i in self.statement),
            tuple(deps.clauses[i] for i in self.aux) if with_aux else (),
            (goal,),
        )


def _minimal(deps: _Deps, proof: Proof) -> _Minimal:
    goal_clauses = {deps.defines[p] for p in proof.goal.points}
    used = {line.clause - 1 for line in proof.premises if line.clause is not None}
    needed = deps.closure(goal_clauses | used)
    stated = deps.closure(goal_clauses)
    return _Minimal(tuple(sorted(stated)), tuple(sorted(needed - stated)))


# ---------------------------------------------------------------------- extraction
class Extractor:
    """Turns figures into examples under one config."""

    def __init__(self, config: SynthConfig) -> None:
        self.config = config
        self.kinds = frozenset(config.goal_kinds)

    def figure_examples(self, seed: int) -> tuple[list[Example], Tally]:
        """Sample the figure of ``seed`` and extract its examples."""
        tally = Tally(figures=1)
        try:
            figure = sample_figure(seed, self.config)
        except SamplingError:
            tally.failed_figures += 1
            return [], tally
        try:
            return self.extract(figure, tally), tally
        except Exception as e:  # noqa: BLE001 - an engine bug on one figure must not stop a long run
            failed = Tally(figures=1, failed_figures=1)
            failed.repros.append({"seed": seed, "figure": figure.text, "goal": None, "why": f"{type(e).__name__}: {e}"})
            return [], failed

    def extract(self, figure: Figure, tally: Tally) -> list[Example]:
        cfg = self.config
        engine = Engine(figure.diagram)
        engine.prove(None, Budget(cfg.saturation_timeout, cfg.max_facts))
        proven = harvest(engine, self.kinds, cfg.max_candidates)
        givens = {f.pred for f in engine.facts if _is_given(f)}
        tally.proven += len(proven)
        deps = _Deps.of(figure.problem)
        plain_engines: dict[tuple[int, ...], Engine] = {}
        aux_items: list[_Item] = []
        plain_items: list[_Item] = []
        maybe_aux: list[_Item] = []
        spent = time.monotonic() + cfg.figure_timeout
        for pred, fid in proven.items():
            if time.monotonic() > spent:
                tally.out_of_time += 1
                break
            if pred in givens:
                continue
            proof = traceback(engine, fid)
            if not self._length_ok(proof, tally):
                continue
            minimal = _minimal(deps, proof)
            if not minimal.aux:
                plain_items.append(_Item(proof, minimal, False))
                continue
            tally.aux_candidates += 1
            maybe_aux.append(_Item(proof, minimal, False))
        # Checking an aux label saturates DD+AR on the goal's statement alone, the dearest step on a
        # large figure: the preferred candidates first (kinds balanced, longest proofs), and at most
        # max_aux_statements statements per figure.
        cap = cfg.max_aux_statements or len(maybe_aux)
        for cand in _select(maybe_aux, len(maybe_aux)):
            proof, minimal = cand.proof, cand.minimal
            if minimal.statement not in plain_engines and (len(plain_engines) >= cap or time.monotonic() > spent):
                tally.aux_unchecked += 1
                continue
            item = self._need_aux(figure, deps, proof, minimal, plain_engines)
            if item.relabelled:
                tally.relabelled += 1
                if not self._length_ok(item.proof, tally):
                    continue
                plain_items.append(item)
            else:
                aux_items.append(item)
        chosen = _select(aux_items, cfg.max_aux_per_figure) + _select(plain_items, cfg.max_plain_per_figure)
        tally.selected += len(chosen)
        out: list[Example] = []
        seen: set[str] = set()
        for item in chosen:
            example = self._checked(figure, deps, item, tally)
            if example is not None and example.key not in seen:
                seen.add(example.key)
                out.append(example)
        tally.emitted += len(out)
        tally.aux += sum(e.has_aux for e in out)
        return out

    def _length_ok(self, proof: Proof, tally: Tally) -> bool:
        n = len(proof.steps)
        if n < self.config.min_proof_length:
            tally.too_short += 1
            return False
        if n > self.config.max_proof_length:
            tally.too_long += 1
            return False
        return True

    def _need_aux(
        self, figure: Figure, deps: _Deps, proof: Proof, minimal: _Minimal, plain: dict[tuple[int, ...], Engine]
    ) -> _Item:
        """The aux label stands if DD+AR on the statement alone fails; else the plain proof, relabelled."""
        engine = plain.get(minimal.statement)
        if engine is None:
            engine = plain[minimal.statement] = self._plain_engine(figure, deps, minimal)
        fid = prove_fact(engine, proof.goal)
        if fid is None:
            return _Item(proof, minimal, False)
        proof = _in_figure_numbering(traceback(engine, fid), minimal.statement)
        minimal = _minimal(deps, proof)
        assert not minimal.aux
        return _Item(proof, minimal, True)

    def _checked(self, figure: Figure, deps: _Deps, item: _Item, tally: Tally) -> Example | None:
        try:
            return self._verified(figure, deps, item.proof, item.minimal, item.relabelled, tally)
        except (ProblemError, ValueError, KeyError, AssertionError) as e:  # a bug: count it, keep going
            tally.rejected_other += 1
            _repro(tally, figure, item.proof, f"{type(e).__name__}: {e}")
            return None

    def _plain_engine(self, figure: Figure, deps: _Deps, minimal: _Minimal) -> Engine:
        """DD+AR on the statement alone (same coordinates), saturated within the aux budget."""
        problem = Problem("synth", tuple(deps.clauses[i] for i in minimal.statement))
        names = set(problem.points())
        diagram = Diagram(problem, {p: z for p, z in figure.diagram.points.items() if p in names}, figure.seed)
        engine = Engine(diagram)
        engine.prove(None, Budget(self.config.aux_check_timeout, self.config.max_facts))
        return engine

    def _verified(
        self, figure: Figure, deps: _Deps, proof: Proof, minimal: _Minimal, relabelled: bool, tally: Tally
    ) -> Example | None:
        problem = minimal.problem(deps, proof.goal)
        canon = canonical(problem)
        names = canon.mapping
        renamed = canon.problem
        # The text must read back as the same problem.
        if parse_problem("synth", canon.text).to_text() != canon.text:
            raise ValueError(f"the example text does not read back: {canon.text}")
        # The goal holds numerically: in the figure, and in a fresh diagram of the minimal problem.
        goal = renamed.goals[0]
        pts = {names[p]: z for p, z in figure.diagram.points.items() if p in names}
        verdict = _fresh_verdict(renamed, figure.seed)
        if verdict is not None or not goal.holds(pts):
            if verdict == "unrealisable":
                tally.rejected_unrealisable += 1
            elif verdict == "configuration":
                tally.configuration_dependent += 1
            else:
                tally.rejected_numeric += 1
                _repro(tally, figure, proof, verdict or "goal false in the figure")
            return None
        # The proof replays with the checker, against the minimal problem.
        number = {orig: new for new, orig in enumerate(minimal.statement + minimal.aux, start=1)}
        lines = tuple(
            replace(
                line,
                pred=line.pred.rename(names),
                clause=number.get((line.clause or 0) - 1),
                conditions=tuple(sorted({c.rename(names) for c in line.conditions})),
            )
            for line in proof.lines
        )
        aux_points = tuple(names[p] for i in minimal.aux for p in deps.clauses[i].points)
        rproof = Proof(renamed, goal, lines, aux_points, tuple(sorted({p for ln in lines for p in ln.pred.points})))
        result = check_proof(rproof, pts)
        if not result.ok:
            tally.rejected_check += 1
            _repro(tally, figure, proof, "; ".join(result.errors[:3]))
            return None
        return Example(
            problem=canon.text,
            goal=str(goal),
            aux=tuple(c.to_text() for c in renamed.aux),
            proof=tuple(format_line(line) for line in lines),
            proof_length=len(rproof.steps),
            seed=figure.seed,
            key=canon.key,
            relabelled=relabelled,
        )


def _fresh_verdict(problem: Problem, seed: int) -> str | None:
    """Realise ``problem`` afresh, as its users will, in :data:`FRESH_FIGURES` figures: None
    when the goal holds in all of them; "unrealisable"; "goal false in every fresh
    diagram"; or "configuration" when it holds in some only (such a goal is a theorem
    of one configuration, not of the problem as stated: the example is dropped)."""
    holds = []
    for k in range(1, FRESH_FIGURES + 1):
        try:
            d = realise(problem, seed=seed + k, attempts=_FRESH_ATTEMPTS)
        except ProblemError:
            continue
        holds.append(problem.goals[0].holds(d.points))
    if not holds:
        return "unrealisable"
    if all(holds):
        return None
    return "configuration" if any(holds) else "goal false in every fresh diagram"


def _in_figure_numbering(proof: Proof, statement: tuple[int, ...]) -> Proof:
    """A proof found on the statement alone, its premises renumbered as clauses of the figure."""
    lines = tuple(
        replace(line, clause=statement[line.clause - 1] + 1) if line.clause is not None else line
        for line in proof.lines
    )
    return replace(proof, lines=lines)


def _is_given(fact: Fact) -> bool:
    return isinstance(fact.reason, Given)


@dataclass(frozen=True)
class _Item:
    proof: Proof
    minimal: _Minimal
    relabelled: bool


def _select(items: list[_Item], limit: int) -> list[_Item]:
    """At most ``limit`` items, balanced over goal kinds, longest proofs first within a kind."""
    by_kind: dict[str, list[_Item]] = defaultdict(list)
    for it in sorted(items, key=lambda it: (-len(it.proof.steps), str(it.proof.goal))):
        by_kind[it.proof.goal.kind.value].append(it)
    out: list[_Item] = []
    queues = [by_kind[k] for k in sorted(by_kind)]
    while len(out) < limit and any(queues):
        for q in queues:
            if q and len(out) < limit:
                out.append(q.pop(0))
    return out


def _repro(tally: Tally, figure: Figure, proof: Proof, why: str) -> None:
    if len(tally.repros) < 20:
        tally.repros.append({"seed": figure.seed, "figure": figure.text, "goal": str(proof.goal), "why": why})


__all__ = ["Extractor", "Tally"]
