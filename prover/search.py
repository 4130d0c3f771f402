"""Proof search: DD+AR first, then auxiliary constructions proposed and tried, best first.

If DD+AR alone does not prove the goal, the search runs over states (the problem
plus the auxiliary clauses added so far). The root state is DD+AR's own saturated
engine (:func:`prover.prove.run_ddar`: the base DD+AR runs once). A state asks its
proposer for clauses, ``k`` at a time; those that do not parse, cannot be built in
the figure, only rebuild a point the figure already has, or repeat a state already
tried are skipped and counted. Each survivor extends the saturated parent state
(:func:`geometry.diagram.extend_diagram` keeps the figure,
:func:`ddar.extend.extend_engine` keeps the facts) and DD+AR continues in a worker
process forked from the parent, which holds the saturated state warm. A worker
reports a typed :class:`CandidateResult`.

Every unproven candidate becomes an open state, valued by the configuration's
:class:`StateValue` (by default :class:`NewFactsValue`, the new facts it gives about
the original figure). A round expands the ``beam_size`` open states of highest
priority, each with its next ``k`` proposals: the first round is the root's first
``k``, the second the best four of their states (the old beam search's two depths);
later rounds go on while time remains, with further batches of a state's proposals
(each batch taken lowers its priority by ``batch_penalty``) and deeper states (the
depth limit starts at ``first_depth`` and grows to ``depth`` once every state below it
is used up). So the search ends ``unsolved`` before its budget only when every
candidate up to ``depth`` clauses has been tried; otherwise it ends ``timeout``.

A proof counts only when the checker accepts it and it replays in fresh figures
(:func:`prover.prove.verify`, the one check-and-replay). One time budget covers the
whole problem: workers are killed when it is spent, whatever a single DD+AR call
does. The result does not depend on timing: when a candidate proves the goal, the
candidates ranked before it in its round still finish, and the first in rank order
wins, so the same seed gives the same proof with any number of workers (timeouts aside).
"""
from __future__ import annotations

import enum
import heapq
import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, Protocol

import numpy as np

from ddar.check import CheckResult, ReplayResult
from ddar.engine import Budget, Engine, Result as EngineResult
from ddar.extend import extend_engine
from ddar.proof import Proof, traceback
from geometry.diagram import Diagram, choice_figures, existing_points, extend_diagram, figure_scale
from geometry.errors import ProblemError
from geometry.problem import Problem
from geometry.tolerance import MIN_SEPARATION, STATE_KEY_DIGITS
from geometry.workers import DeadlineExceeded, Failed, LocalWorkers, Ok, RayWorkers, Result, TimedOut, Workers, deadline

from .compute import constant_problem, is_compute
from .proposers import Proposal, Proposer, SearchState, fresh_name
from .prove import Outcome, run_ddar, state_choice, verify

__all__ = [
    "CandidateResult", "CandidateStatus", "NewFactsValue", "SearchConfig", "SearchOutcome", "SearchProgress",
    "StateValue", "prove", "search", "verify",
]


# ---------------------------------------------------------------------- values of states
class StateValue(Protocol):
    """How promising an unproven state is (higher is expanded first): a named, replaceable
    part of :class:`SearchConfig`. It sees what DD+AR derived for the candidate and the
    proposal that made it."""

    name: str

    def __call__(self, result: CandidateResult, proposal: Proposal) -> float: ...


@dataclass(frozen=True)
class NewFactsValue:
    """``log(1 + new facts about the original figure) + proposal_weight * proposal score``:
    a point that teaches DD+AR more about the problem's own points is more promising; the
    proposer's score breaks ties."""

    proposal_weight: float = 0.01
    name: str = "new_facts"

    def __call__(self, result: CandidateResult, proposal: Proposal) -> float:
        return math.log1p(result.new_facts) + self.proposal_weight * proposal.score


def is_prime(n: int) -> bool:
    return n >= 2 and all(n % d for d in range(2, math.isqrt(n) + 1))


@dataclass(frozen=True)
class SearchConfig:
    """Settings of one search (the command line's options) and its state value."""

    beam_size: int = 4  # states expanded together in a round
    depth: int = 4  # the most auxiliary clauses a proof may add
    k: int = 256  # clauses asked of the proposer per state
    timeout: float = 60.0  # seconds for the whole problem, DD+AR included
    jobs: int = 1  # worker processes
    seed: int = 0
    candidate_timeout: float | None = None  # per DD+AR call; default from the base DD+AR's time
    value: StateValue = NewFactsValue()
    first_depth: int = 2  # the depth limit starts here and grows to ``depth`` while time remains
    batch_penalty: float = 1.0  # a state's next batch of proposals ranks this much lower per batch taken
    #: where candidates run: "local" (``jobs`` processes forked here) or "ray" (Ray tasks on the
    #: cluster at ``address``, or on a local Ray of ``jobs`` CPUs started for the search)
    backend: str = "local"
    address: str | None = None
    #: combinations: the root's best ``bundle_reach`` candidates of each batch are also tried
    #: ``bundle`` at a time in one DD+AR run (0 or 1: never), so a proof that needs several of
    #: them together is found without trying each pair; a proof found so keeps only the clauses
    #: it needs (see :func:`_evaluate_bundle`)
    bundle: int = 8
    bundle_reach: int = 128
    #: pairs: the root's best ``cover ** 2`` candidates of its first batch are also tried in
    #: groups of ``cover`` (a prime; 0: never) that put every two of them together exactly
    #: once (:func:`cover_groups`): every pair of the best 49 in 56 bundles, whatever their
    #: ranks (the groups of ``bundle`` hold only neighbours in rank)
    cover: int = 7
    bundle_after: int = 64  # a round's bundles of neighbours run after its first this many single candidates

    def __post_init__(self) -> None:
        if self.beam_size < 1 or self.depth < 0 or self.k < 1 or self.jobs < 1 or not self.timeout > 0:
            raise ValueError("beam_size, k and jobs must be >= 1, depth >= 0 and timeout > 0")
        if self.backend not in ("local", "ray"):
            raise ValueError(f"backend must be 'local' or 'ray', not {self.backend!r}")
        if self.first_depth < 1:
            raise ValueError("first_depth must be >= 1")
        if self.bundle < 0 or self.bundle_reach < 0 or self.bundle_after < 0:
            raise ValueError("bundle, bundle_reach and bundle_after must be >= 0")
        if self.cover and not is_prime(self.cover):
            raise ValueError(f"cover must be 0 or a prime, not {self.cover}")

    def candidate_seconds(self, ddar_seconds: float) -> float:
        """The time limit of one candidate's DD+AR: 20 times the base DD+AR's, at least 5 s."""
        return self.candidate_timeout or min(max(5.0, 20 * ddar_seconds), self.timeout)


@dataclass(frozen=True)
class SearchProgress:
    """Where a running search stands (for a progress line)."""

    depth: int
    tried: int  # candidates whose DD+AR finished
    skipped: int  # proposals dropped before DD+AR
    best: float  # best value of an unproven state so far
    elapsed: float
    queued: int = 0  # candidates waiting at this depth
    best_aux: tuple[str, ...] = ()  # the auxiliary clauses of the best unproven state so far


@dataclass(frozen=True)
class SearchReport:
    """How a search went: rounds of expansion, depth reached (auxiliary clauses of the deepest
    candidate tried), candidates tried per depth, the priority of the best state left open,
    and where the time went (seconds; the workers' share summed over workers)."""

    rounds: int = 0
    depth_reached: int = 0
    per_depth: tuple[int, ...] = ()  # candidates tried with 1, 2, ... auxiliary clauses
    best_open: float | None = None
    bundles: int = 0  # DD+AR runs on several of the root's candidates at once
    bundled: int = 0  # the candidates in them
    proposing: float = 0.0
    preparing: float = 0.0
    materialising: float = 0.0
    saturating: float = 0.0
    checking: float = 0.0

    def as_dict(self) -> dict:
        """For a bench row or JSON (seconds rounded to ms)."""
        return {
            "rounds": self.rounds, "depth_reached": self.depth_reached, "per_depth": list(self.per_depth),
            "best_open": None if self.best_open is None else round(self.best_open, 4),
            "bundles": self.bundles, "bundled": self.bundled,
            "seconds": {k: round(getattr(self, k), 3)
                        for k in ("proposing", "preparing", "materialising", "saturating", "checking")},
        }


@dataclass(frozen=True)
class SearchOutcome:
    """The result of :func:`search`; ``outcome`` is what the exporters render."""

    outcome: Outcome
    status: str  # solved | unsolved | timeout
    aux: tuple[str, ...] = ()  # clauses the search added (the problem's point names)
    tried: int = 0  # candidates run through DD+AR
    unparseable: int = 0
    unrealisable: int = 0
    duplicates: int = 0
    rejected: int = 0  # proofs the checker refused (they do not count)
    errors: int = 0  # candidates whose worker failed or was killed at its time limit
    seconds: float = 0.0
    ddar_seconds: float = 0.0
    existing_points: int = 0  # proposals whose new point is a point the state already has
    report: SearchReport = SearchReport()
    #: who proposed each of ``aux`` (a :class:`Proposal`'s source, e.g. "heuristic:tangent")
    aux_sources: tuple[str, ...] = ()

    @property
    def solved(self) -> bool:
        return self.status == "solved"

    @property
    def skipped(self) -> int:
        return self.unparseable + self.unrealisable + self.existing_points + self.duplicates

    def summary(self) -> dict:
        """The search in a bench row and in the JSON document: the clauses added and who
        proposed them, candidates tried and skipped (by reason), proofs rejected, and the
        report (rounds, depth reached, candidates per depth, best open state, time split)."""
        report = self.report.as_dict()
        report["seconds_split"] = report.pop("seconds")
        return {
            "status": self.status, "aux_clauses": list(self.aux), "aux_sources": list(self.aux_sources),
            "candidates": self.tried,
            "skipped": {"unparseable": self.unparseable, "unrealisable": self.unrealisable,
                        "existing_points": self.existing_points, "duplicates": self.duplicates},
            "rejected": self.rejected, "seconds": round(self.seconds, 3), "ddar_seconds": round(self.ddar_seconds, 3),
            **report,
        }


# ---------------------------------------------------------------------- candidate results
class CandidateStatus(enum.Enum):
    SOLVED = "solved"  # a proof the checker accepts and that replays
    REJECTED = "rejected"  # a proof the checker refused
    UNSOLVED = "unsolved"  # DD+AR reached its fixpoint without the goal
    TIMEOUT = "timeout"  # DD+AR ran out of its candidate time
    ERROR = "error"  # the worker failed, died or was killed


@dataclass(frozen=True)
class CandidateResult:
    """What DD+AR made of one candidate (computed in a worker, pickled back)."""

    status: CandidateStatus
    seconds: float = 0.0
    facts: int = 0
    new_facts: int = 0  # facts about the original figure's points derived after the extension
    proof: Proof | None = None
    check: CheckResult | None = None
    replayed: ReplayResult | None = None
    diagram: Diagram | None = None  # the extended figure, in the problem's names (with a proof)
    error: str = ""
    check_seconds: float = 0.0  # traceback, checker and replay
    #: a bundle's proof: the members (indices into the bundle, in rank order) whose clauses it keeps
    members: tuple[int, ...] = ()

    @classmethod
    def failed(cls, error: str) -> CandidateResult:
        return cls(CandidateStatus.ERROR, error=error)


# ---------------------------------------------------------------------- states
@dataclass
class _Node:
    """A search state: the problem with its auxiliary clauses, and its saturated engine."""

    problem: Problem  # the problem's own names
    inner: dict[str, str]  # problem name -> engine name
    engine: Engine
    aux: tuple[str, ...]
    score: float = 0.0
    sources: tuple[str, ...] = ()  # the proposers' sources of ``aux``

    def outer_points(self) -> dict[str, complex]:
        back = {v: k for k, v in self.inner.items()}
        return {back[n]: z for n, z in self.engine.pts.items()}


@dataclass
class _Candidate:
    node: _Node
    proposal: Proposal
    problem: Problem  # extended, the problem's own names
    inner: dict[str, str]
    diagram: Diagram  # extended, engine names
    index: int = 0
    extra: tuple[Proposal, ...] = ()  # further proposals whose clauses this candidate adds at once
    #: a bundle: these candidates of one state (each adding one clause), tried together
    members: tuple[_Candidate, ...] = ()

    def problem_aux(self) -> tuple[str, ...]:
        """Every clause the search added on the way to this candidate."""
        n = len(self.node.problem.aux) - len(self.node.aux)  # the problem's own auxiliary clauses
        return tuple(c.to_text() for c in self.problem.aux[n:])

    def sources(self) -> tuple[str, ...]:
        """Who proposed each clause of :meth:`problem_aux`."""
        return self.node.sources + tuple(p.source for p in (self.proposal, *self.extra))

    def proving(self, res: CandidateResult) -> _Candidate:
        """The candidate whose clauses the proof in ``res`` uses: this one, or for a bundle the
        combination of the members the proof kept."""
        return combine(self.node, [self.members[i] for i in res.members]) if self.members else self


@dataclass
class _Stats:
    tried: int = 0
    unparseable: int = 0
    unrealisable: int = 0
    existing_points: int = 0
    duplicates: int = 0
    rejected: int = 0
    errors: int = 0
    bundles: int = 0
    bundled: int = 0
    best: float = -math.inf
    seen: set = field(default_factory=set)

    @property
    def skipped(self) -> int:
        return self.unparseable + self.unrealisable + self.existing_points + self.duplicates

    def count(self, cand: _Candidate, result: CandidateResult, value: float | None) -> None:
        """Count one finished candidate (``value``: its state value when unproven; a bundle has none)."""
        if cand.members:
            self.bundles += 1
            self.bundled += len(cand.members)
            if result.status is CandidateStatus.ERROR:
                self.errors += 1
            elif result.status is CandidateStatus.REJECTED:
                self.rejected += 1
            return
        self.tried += 1
        if result.status is CandidateStatus.REJECTED:
            self.rejected += 1
        elif result.status is CandidateStatus.UNSOLVED:
            assert value is not None
            self.best = max(self.best, value)
        elif result.status is not CandidateStatus.SOLVED:
            self.errors += 1


def prove(problem: Problem, proposer: Proposer | None, config: SearchConfig = SearchConfig(),
          progress: Callable[[SearchProgress], None] | None = None, search_enabled: bool = True) -> SearchOutcome:
    """DD+AR on ``problem``, then (unless disabled or no proposer) the search."""
    if not search_enabled or proposer is None:
        start = time.monotonic()
        out = run_ddar(problem, seed=config.seed, timeout=config.timeout).outcome
        return SearchOutcome(out, _status(out), seconds=time.monotonic() - start, ddar_seconds=out.seconds)
    return search(problem, proposer, config, progress)


def _status(out: Outcome) -> str:
    """solved (a proof the checker accepts), or DD+AR's own status (unsolved, timeout, false, ...)."""
    if out.proof is not None and out.check is not None and out.check.ok:
        return "solved"
    return "unsolved" if out.status == "solved" else out.status


#: DD+AR statuses after which the search runs (not: solved, timeout, false = not a theorem).
_SEARCHABLE = ("unsolved", "rejected")


def search(problem: Problem, proposer: Proposer, config: SearchConfig = SearchConfig(),
           progress: Callable[[SearchProgress], None] | None = None) -> SearchOutcome:
    """Prove ``problem``: DD+AR, then a beam search over auxiliary constructions.

    Raises :class:`ProblemError` for a problem without a goal or without a diagram.
    """
    return _Search(problem, proposer, config, progress).run()


@dataclass
class _Open:
    """An open state: expandable while its proposer has clauses left and its depth is below
    the depth limit. ``node`` is its saturated engine, built (from ``cand``) when first expanded."""

    value: float
    depth: int  # auxiliary clauses added
    node: _Node | None = None
    cand: _Candidate | None = None
    batches: int = 0  # batches of ``k`` proposals taken so far
    more: bool = False  # the last batch was full: the proposer may have more
    stock: list[Proposal] = field(default_factory=list)  # the proposer's list for the state so far
    ended: bool = False  # the proposer gave fewer than asked: it has no more

    def priority(self, penalty: float) -> float:
        return self.value - penalty * self.batches


@dataclass
class _Tally:
    """What the search spent its time on (seconds) and how deep it went."""

    proposing: float = 0.0
    preparing: float = 0.0  # parsing and realising proposals in the parent's figure
    materialising: float = 0.0  # re-saturating a state in the parent before expanding it
    saturating: float = 0.0  # in the workers: extending the engine and DD+AR
    checking: float = 0.0  # in the workers: traceback, checker and replay
    per_depth: dict[int, int] = field(default_factory=dict)  # candidates tried, by depth of the new state
    rounds: int = 0

    def add(self, res: CandidateResult, depth: int, bundle: bool = False) -> None:
        self.saturating += res.seconds
        self.checking += res.check_seconds
        if not bundle:
            self.per_depth[depth] = self.per_depth.get(depth, 0) + 1


class _Search:
    """One problem's search: the base DD+AR, then rounds of best-first expansion.

    Every unproven candidate becomes an open state, valued by the configuration's
    :class:`StateValue`. A round expands the ``beam_size`` open states of highest
    priority (value, lowered by ``batch_penalty`` for each batch of proposals a state
    has already given), each with its next ``k`` proposals, interleaved by rank. The
    first two rounds are the old beam search's two depths; later rounds go on while time
    remains: further batches of the same states, deeper states (the depth limit grows from
    ``first_depth`` to ``depth`` once every state below it is used up). The search ends
    ``unsolved`` before its budget only when no open state has anything left to try.
    """

    def __init__(self, problem: Problem, proposer: Proposer, config: SearchConfig,
                 progress: Callable[[SearchProgress], None] | None) -> None:
        self.problem, self.proposer, self.config, self.progress = problem, proposer, config, progress
        self.start = time.monotonic()
        self.deadline = self.start + config.timeout
        self.stats = _Stats()
        self.tally = _Tally()
        self.depth = 0
        self.ddar_seconds = 0.0
        self.heap: list[tuple[float, int, _Open]] = []
        self.deferred: list[_Open] = []  # states at the depth limit, opened when it grows
        self.pushed = 0
        self.limit = min(config.first_depth, config.depth)
        self.ray: RayWorkers | None = None  # made at the first round of a Ray search, closed at its end
        self.searched = False  # whether the search went past DD+AR
        self.best_aux: tuple[str, ...] = ()  # the clauses of the best unproven state so far (progress)

    def run(self) -> SearchOutcome:
        try:
            return self._run()
        finally:
            if self.ray is not None:
                self.ray.close()

    def _workers(self) -> Workers:
        """A round's runner: local processes forked now (they inherit the round's engines), or the
        search's Ray tasks (as many at once as the cluster has CPUs)."""
        if self.config.backend == "local":
            return LocalWorkers(self.config.jobs)
        if self.ray is None:
            self.ray = RayWorkers(self.config.jobs, address=self.config.address)
            self.ray.capacity = self.ray.cpus  # a candidate's time limit counts from its hand-over
            _warm(self.ray, self.deadline)
        return _Borrowed(self.ray)

    def _run(self) -> SearchOutcome:
        base = run_ddar(self.problem, seed=self.config.seed, timeout=self.config.timeout)
        self.ddar_seconds = time.monotonic() - self.start
        self.base = base.outcome
        if _status(self.base) not in _SEARCHABLE or self.config.depth == 0:
            return self._finish(self.base, _status(self.base))
        assert self.problem.goal is not None  # run_ddar raised otherwise
        # a find-the-value goal is searched as the constant statement read off the figures
        # (prover.compute), and the proof found is given back as the answer to the question
        searched = constant_problem(self.problem, seed=self.config.seed) if is_compute(self.problem) else self.problem
        if base.engine is None or searched is None or len(searched.goals) != 1:
            return self._finish(self.base, _status(self.base))
        self.goal = searched.goal
        self.searched = True
        self.ctime = self.config.candidate_seconds(self.ddar_seconds)
        self.original = frozenset(base.engine.pts)  # the points whose new facts a candidate's value counts
        self.stats.seen.add(())
        self._push(_Open(math.inf, 0, node=_Node(searched, base.inner, base.engine, ())))
        while time.monotonic() < self.deadline:
            chosen = self._choose()
            if not chosen:
                return self._finish(self.base, "unsolved")  # every candidate up to the depth limit tried
            self.tally.rounds += 1
            self.depth = max(o.depth for o, _ in chosen) + 1
            cands = self._candidates(chosen)
            self._report(len(cands))
            results = self._run_all(cands)
            for i, res in sorted(results.items()):
                if res.status is CandidateStatus.SOLVED:
                    proving = cands[i].proving(res)
                    return self._finish(self._solved(res), "solved", proving.problem_aux(), proving.sources())
            self._open_children(cands, results)
            self._reopen([state for state, _ in chosen])
        return self._finish(self.base, "timeout")

    # ------------------------------------------------------------------ the open states
    def _push(self, state: _Open) -> None:
        if state.depth >= self.limit:
            self.deferred.append(state)
            return
        self.pushed += 1
        heapq.heappush(self.heap, (-state.priority(self.config.batch_penalty), self.pushed, state))

    def _choose(self) -> list[tuple[_Open, _Node]]:
        """The next round's states (up to ``beam_size``), each with its saturated engine."""
        chosen: list[tuple[_Open, _Node]] = []
        while len(chosen) < self.config.beam_size and time.monotonic() < self.deadline:
            if not self.heap:
                if chosen or not self._deepen():
                    break
                continue
            _, _, state = heapq.heappop(self.heap)
            node = state.node if state.node is not None else self._materialise(state)
            if node is not None:
                chosen.append((state, node))
        return chosen

    def _deepen(self) -> bool:
        """Raise the depth limit by one, opening the states held at it; False at ``depth``."""
        if self.limit >= self.config.depth:
            return False
        self.limit += 1
        held, self.deferred = self.deferred, []
        for state in held:
            self._push(state)
        return bool(self.heap) or self._deepen()

    def _open_children(self, cands: list[_Candidate], results: dict[int, CandidateResult]) -> None:
        self.child_values: dict[int, float] = {}  # id of the parent node -> its best child's value
        for i, res in sorted(results.items()):
            value = self._value(cands[i], res)
            if value is not None:
                self._push(_Open(value, len(cands[i].node.aux) + 1, cand=cands[i]))
                key = id(cands[i].node)
                self.child_values[key] = max(value, self.child_values.get(key, -math.inf))

    def _reopen(self, states: list[_Open]) -> None:
        """Put back the round's states whose proposers may have more; the root, which has no
        value of its own, is as promising as its best child."""
        for state in states:
            if state.more and time.monotonic() < self.deadline:
                if state.value == math.inf:
                    state.value = self.child_values.get(id(state.node), 0.0)
                self._push(state)

    def _solved(self, res: CandidateResult) -> Outcome:
        assert res.diagram is not None and res.proof is not None
        problem, proof = res.diagram.problem, res.proof
        if problem.goals != self.problem.goals:  # a find-the-value question, answered by the proof
            problem = replace(problem, goals=self.problem.goals)
            proof = replace(proof, problem=problem)
        return replace(
            self.base, problem=problem, diagram=res.diagram, status="solved", facts=res.facts,
            seconds=res.seconds, proof=proof, check=res.check, replayed=res.replayed,
        )

    def _finish(self, outcome: Outcome, status: str, aux: tuple[str, ...] = (),
                sources: tuple[str, ...] = ()) -> SearchOutcome:
        s, t = self.stats, self.tally
        best = max((-p for p, _, _ in self.heap if -p < math.inf), default=None)
        report = SearchReport(
            rounds=t.rounds, depth_reached=max(t.per_depth, default=0),
            per_depth=tuple(t.per_depth.get(d, 0) for d in range(1, max(t.per_depth, default=0) + 1)),
            best_open=best, proposing=t.proposing, preparing=t.preparing, materialising=t.materialising,
            saturating=t.saturating, checking=t.checking, bundles=s.bundles, bundled=s.bundled,
        )
        res = SearchOutcome(
            outcome, status, aux, s.tried, s.unparseable, s.unrealisable, s.duplicates, s.rejected, s.errors,
            time.monotonic() - self.start, self.ddar_seconds, existing_points=s.existing_points, report=report,
            aux_sources=sources,
        )
        if not self.searched:  # DD+AR settled it: no search ran
            return res
        return replace(res, outcome=replace(outcome, search=res.summary()))

    def _report(self, queued: int) -> None:
        if self.progress is not None:
            best = self.stats.best if self.stats.best > -math.inf else 0.0
            self.progress(SearchProgress(self.depth, self.stats.tried, self.stats.skipped, best,
                                         time.monotonic() - self.start, queued, self.best_aux))

    def _value(self, cand: _Candidate, res: CandidateResult) -> float | None:
        """The value of the state an unproven candidate opens (a bundle opens none)."""
        if res.status is not CandidateStatus.UNSOLVED or cand.members:
            return None
        return self.config.value(res, cand.proposal)

    # ------------------------------------------------------------------ candidates
    def _candidates(self, chosen: list[tuple[_Open, _Node]]) -> list[_Candidate]:
        """Each chosen state's next batch of proposals, parsed and realised, interleaved by rank;
        then the root's bundles."""
        self._stock_up(chosen)
        per_node: list[list[_Candidate]] = []
        bundles: list[_Candidate] = []
        covering: list[_Candidate] = []
        for n, (state, node) in enumerate(chosen):
            if time.monotonic() >= self.deadline:
                break
            props = self._proposals(state, node)
            t0 = time.monotonic()
            out = []
            for r, prop in enumerate(props):
                if time.monotonic() >= self.deadline:
                    break
                rng = np.random.default_rng([self.config.seed, self.tally.rounds, n, r])
                cand = _prepare(node, prop, rng, self.stats)
                if cand is not None:
                    out.append(cand)
            self.tally.preparing += time.monotonic() - t0
            per_node.append(out)
            if state.depth == 0:
                bundles += self._bundles(node, out)
                if state.batches == 1:  # the root's first batch: its best candidates, two by two
                    covering += self._covering(node, out, bundles)
        cands = [lst[r] for r in range(max(map(len, per_node), default=0)) for lst in per_node if r < len(lst)]
        # the bundles of neighbours after the round's best singles (they prove more per second
        # than the singles ranked lower), the covering groups after every single
        at = self.config.bundle_after
        cands = cands[:at] + bundles + cands[at:] + covering
        for i, c in enumerate(cands):
            c.index = i
        return cands

    def _bundles(self, node: _Node, cands: list[_Candidate]) -> list[_Candidate]:
        """The first ``bundle_reach`` of a batch's candidates, ``bundle`` at a time, in rank order."""
        size, reach = self.config.bundle, self.config.bundle_reach
        if size < 2:
            return []
        top = cands[:reach]
        groups = [_apart(node, top[i:i + size]) for i in range(0, len(top), size)]
        return [replace(combine(node, group), members=tuple(group)) for group in groups if len(group) > 1]

    def _covering(self, node: _Node, cands: list[_Candidate], bundles: list[_Candidate]) -> list[_Candidate]:
        """Bundles of the first ``cover ** 2`` of a batch's candidates in the groups of
        :func:`cover_groups`, but those within one of ``bundles`` (tried already)."""
        q = self.config.cover
        if q < 2:
            return []
        top = cands[: q * q]
        tried = [{id(m) for m in b.members} for b in bundles]
        out = []
        for group in cover_groups(q):
            members = _apart(node, [top[i] for i in group if i < len(top)])
            if len(members) > 1 and not any({id(m) for m in members} <= t for t in tried):
                out.append(replace(combine(node, members), members=tuple(members)))
        return out

    def _proposals(self, state: _Open, node: _Node) -> list[Proposal]:
        """The state's next ``k`` proposals; the state goes back to the open set if it may have more."""
        k, b = self.config.k, state.batches
        need = k * (b + 1)
        if len(state.stock) < need and not state.ended:
            t0 = time.monotonic()
            self._take(state, self._ask(node, state.depth, need), need)
            self.tally.proposing += time.monotonic() - t0
        state.node, state.batches = node, b + 1
        state.more = len(state.stock) > need or (len(state.stock) == need and not state.ended)
        return state.stock[k * b:need]

    def _asked(self, node: _Node, depth: int) -> SearchState:
        return SearchState(node.problem, node.outer_points(), depth, self.deadline)

    def _ask(self, node: _Node, depth: int, want: int) -> tuple[list[Proposal], dict[str, int], bool]:
        """The proposer's first ``want`` proposals for the state, what it dropped, and whether it failed."""
        asked = self._asked(node, depth)
        try:
            return list(self.proposer.propose(asked, want))[:want], dict(asked.dropped), False
        except Exception:  # a proposer bug must not end the search  # noqa: BLE001
            return [], dict(asked.dropped), True

    def _take(self, state: _Open, got: tuple[list[Proposal], dict[str, int], bool], want: int) -> None:
        """A state's new list of proposals (asked for ``want``), counted as the search's own skips are."""
        props, dropped, failed = got
        # what the proposer made and dropped itself counts as the search's own skips do
        self.stats.unparseable += dropped.get("unparseable", 0)
        self.stats.duplicates += dropped.get("duplicates", 0)
        self.stats.errors += failed
        state.stock, state.ended = props, len(props) < want

    def _stock_up(self, chosen: list[tuple[_Open, _Node]]) -> None:
        """Ask the proposer for the chosen states' next batches at once, each state in a forked
        worker, when there are several to ask and the proposer allows it (``parallel_safe``: the
        same state always gets the same list, a prefix of any longer one, so each state is asked
        for ``PREFETCH`` more batches than it needs now). Otherwise :meth:`_proposals` asks them
        one by one as before."""
        k, jobs = self.config.k, self.config.jobs
        asks = [(state, node, k * (state.batches + 1 + PREFETCH)) for state, node in chosen
                if len(state.stock) < k * (state.batches + 1) and not state.ended]
        if (len(asks) < 2 or jobs < 2 or self.config.backend != "local"
                or not getattr(self.proposer, "parallel_safe", False)):
            return
        t0 = time.monotonic()
        left = self.deadline - t0
        if left <= 0:
            return
        done: dict[int, Result] = {}
        with LocalWorkers(min(jobs, len(asks))) as workers:
            for i, (state, node, want) in enumerate(asks):
                workers.submit(i, partial(self._ask, node, state.depth, want), limit=left + 1.0)
            for res in workers.results():
                done[res.key] = res
        for i, (state, node, want) in enumerate(asks):
            res = done.get(i)
            if isinstance(res, Ok):
                self._take(state, res.value, want)
            # a state whose worker failed or ran out of time is asked again in this process
        self.tally.proposing += time.monotonic() - t0

    def _materialise(self, state: _Open) -> _Node | None:
        """The saturated engine of a candidate's state, rebuilt in this process."""
        cand = state.cand
        assert cand is not None
        left = self.deadline - time.monotonic()
        if left <= 0:
            return None
        t0 = time.monotonic()
        engine = cand.node.engine.copy()
        extend_engine(engine, cand.diagram)
        res = engine.prove(self.goal.rename(cand.inner), Budget(timeout=min(self.ctime, left)))
        self.tally.materialising += time.monotonic() - t0
        if res.status == "timeout":
            return None
        state.cand = None  # the parent's engine is no longer needed through it
        return _Node(cand.problem, cand.inner, engine, cand.node.aux + (cand.proposal.clause,), state.value,
                     cand.sources())

    # ------------------------------------------------------------------ evaluation
    def _run_all(self, cands: list[_Candidate]) -> dict[int, CandidateResult]:
        """DD+AR on the candidates, ``jobs`` at a time, in rank order; stops early (deterministically)
        once a candidate is proven and every candidate ranked before it has finished."""
        results: dict[int, CandidateResult] = {}
        solved_at: int | None = None
        with self._workers() as workers:
            # the job holds the candidate and these values only (a Ray task pickles it, not the search)
            goal, original, ctime, seed = self.goal, self.original, self.ctime, self.config.seed
            local = self.config.backend == "local"
            stored: dict[int, tuple[Any, _Node]] = {}  # a state's engine goes to Ray's object store once
            for i, cand in enumerate(cands):
                limit = (BUNDLE_LIMIT + 1 if cand.members else 1) * ctime + 2.0
                if local:
                    workers.submit(i, partial(_evaluate, cand, goal, original, ctime, seed), limit=limit)
                    continue
                if id(cand.node) not in stored:
                    assert self.ray is not None
                    stored[id(cand.node)] = (self.ray.put(cand.node.engine), replace(cand.node, engine=None))
                ref, bare = stored[id(cand.node)]
                shipped = replace(cand, node=bare, members=tuple(replace(m, node=bare) for m in cand.members))
                # the task keeps its own time (Ray's hand-over to a busy cluster is not its start)
                workers.submit(i, partial(_evaluate_within, limit, ref, shipped, goal, original, ctime, seed),
                               limit=limit + RAY_SLACK)
            while len(workers) and (left := self.deadline - time.monotonic()) > 0:
                for done in workers.wait(min(0.05, left)):
                    i, res = done.key, _candidate_result(done)
                    results[i] = res
                    value = self._value(cands[i], res)
                    if value is not None and value > self.stats.best:
                        self.best_aux = cands[i].problem_aux()
                    self.stats.count(cands[i], res, value)
                    self.tally.add(res, len(cands[i].node.aux) + 1, bundle=bool(cands[i].members))
                    if res.status is CandidateStatus.SOLVED:
                        solved_at = i if solved_at is None else min(solved_at, i)
                    self._report(workers.queued)
                if solved_at is not None:
                    # the last first: a queued candidate is dropped from the queue, where killing a
                    # running one first would start (fork) the next queued one only to kill it
                    for i in reversed(range(solved_at + 1, len(cands))):
                        if i not in results:
                            workers.kill(i)
        return results


class _Borrowed:
    """The search's Ray runner for one round: leaving the round kills its unfinished candidates
    and keeps Ray up for the next round."""

    def __init__(self, ray: RayWorkers) -> None:
        self._ray = ray
        self._keys: set = set()

    def submit(self, key, fn, *, limit: float | None = None) -> None:
        self._keys.add(key)
        self._ray.submit(key, fn, limit=limit)

    def wait(self, timeout: float | None = None) -> list[Result]:
        return self._ray.wait(timeout)

    def kill(self, key) -> None:
        self._ray.kill(key)

    def __len__(self) -> int:
        return len(self._ray)

    @property
    def queued(self) -> int:
        return self._ray.queued

    def __enter__(self) -> _Borrowed:
        return self

    def __exit__(self, *exc: object) -> None:
        for key in self._keys:
            self._ray.kill(key)


def _candidate_result(done: Result) -> CandidateResult:
    """A worker's result as a candidate's: its value, or an error saying what happened."""
    if isinstance(done, Ok):
        value = done.value
        return value if isinstance(value, CandidateResult) else CandidateResult.failed("bad result")
    if isinstance(done, Failed):
        return CandidateResult.failed(done.error)
    if isinstance(done, TimedOut):
        return CandidateResult.failed("time limit")
    return CandidateResult.failed(f"worker died (exit {done.exitcode})")


# ---------------------------------------------------------------------- candidates
def _prepare(node: _Node, prop: Proposal, rng: np.random.Generator, stats: _Stats) -> _Candidate | None:
    """Parse and realise one proposal in the state's figure; None (counted) if it fails."""
    text = prop.clause if isinstance(prop.clause, str) else ""
    try:
        ext = node.problem.with_aux_clause(text)
    except ProblemError:
        stats.unparseable += 1
        return None
    added = ext.aux[-1:]
    inner = dict(node.inner)
    for c in added:
        for p in c.points:
            inner[p] = f"x{len(inner):03d}"
    renamed = [c.rename(inner) for c in added]
    try:
        diagram = extend_diagram(node.engine.diagram, renamed, rng)
    except (ProblemError, ArithmeticError, ValueError, KeyError):
        # the figure refuses a point on top of an existing one: say so apart from the rest
        if existing_points(node.engine.diagram, renamed, rng):
            stats.existing_points += 1
        else:
            stats.unrealisable += 1
        return None
    key = _state_key(node, diagram)
    if key in stats.seen:
        stats.duplicates += 1
        return None
    stats.seen.add(key)
    return _Candidate(node, prop, ext, inner, diagram)


def _apart(node: _Node, members: Sequence[_Candidate]) -> list[_Candidate]:
    """The members whose new points keep ``MIN_SEPARATION`` of the figure's radius from the new
    points of the members kept before them, as each keeps from the figure's points. Two
    proposals can land a hair apart (distinct points, the same place to the eye): lines through
    both are then numerically arbitrary, and DD+AR on a bundle with both wastes its time."""
    gap = MIN_SEPARATION * figure_scale(node.engine.diagram.points)
    kept: list[_Candidate] = []
    placed: list[complex] = []
    for m in members:
        zs = [m.diagram.points[m.inner[p]] for p in m.problem.aux[-1].points]
        if all(abs(z - w) >= gap for z in zs for w in placed):
            kept.append(m)
            placed += zs
    return kept


def cover_groups(q: int) -> list[list[int]]:
    """Groups of ``q`` of the positions ``0 .. q*q - 1`` (``q`` prime) in which every two positions
    are together exactly once: the lines of the affine plane of order ``q`` over the grid of
    positions ``q * r + c``, the lines ``c = m r + k (mod q)`` for each slope ``m`` then the rows,
    each group in increasing order (rank order, for a bundle).

    >>> cover_groups(2)
    [[0, 2], [1, 3], [0, 3], [1, 2], [0, 1], [2, 3]]
    """
    lines = [sorted(q * r + (m * r + k) % q for r in range(q)) for m in range(q) for k in range(q)]
    return lines + [list(range(q * r, q * r + q)) for r in range(q)]


def combine(node: _Node, members: Sequence[_Candidate]) -> _Candidate:
    """One candidate adding the clauses of ``members`` (candidates of ``node``, one clause each)
    at once, in their order: their new points renamed apart (two proposals may name their new
    points alike), each where its own figure put it."""
    problem, inner = node.problem, dict(node.inner)
    start = node.engine.diagram
    points = dict(start.points)
    used = set(problem.points())
    added = []
    for m in members:
        clause = m.problem.aux[-1]
        outer: dict[str, str] = {}
        for p in clause.points:
            outer[p] = p if p not in used else fresh_name(used)
            used.add(outer[p])
        clause = clause.rename(outer)
        problem = replace(problem, aux=problem.aux + (clause,))
        for p, q in outer.items():
            inner[q] = f"x{len(inner):03d}"
            points[inner[q]] = m.diagram.points[m.inner[p]]
        added.append(clause.rename(inner))
    base = start.problem
    extended = Problem(base.name, base.clauses, (base.aux if start.with_aux else ()) + tuple(added), base.goals)
    diagram = Diagram(extended, points, start.seed, True, start.choices)
    return _Candidate(node, members[0].proposal, problem, inner, diagram, extra=tuple(m.proposal for m in members[1:]))


def _state_key(node: _Node, diagram: Diagram) -> tuple:
    """The added points' positions (rounded): two states adding the same points are one."""
    base = node.engine.diagram.problem.clauses
    main = {p for c in base for p in c.points}
    zs = [z for n, z in diagram.points.items() if n not in main]
    scale = max((abs(z) for z in diagram.points.values()), default=1.0) or 1.0
    digits = STATE_KEY_DIGITS
    return tuple(sorted((round(z.real / scale, digits), round(z.imag / scale, digits)) for z in zs))


def start_ray(jobs: int, address: str | None = None) -> RayWorkers:
    """Start (or join, at ``address``) the Ray cluster that searches with ``backend="ray"`` use,
    and load the engine in its workers; :meth:`RayWorkers.close` shuts a Ray started here down.
    :class:`geometry.workers.RayUnavailable` says why it cannot be."""
    ray = RayWorkers(jobs, address=address)
    _warm(ray)
    return ray


def _warm(ray: RayWorkers, until: float | None = None) -> None:
    """Start the cluster's workers and load the engine in them (a cold worker spends seconds on
    it, which would count against a candidate's limit), by ``until`` (``time.monotonic()``)."""
    for i in range(ray.cpus):
        ray.submit(("warm", i), _warm_worker)
    while len(ray) and (until is None or time.monotonic() < until):
        ray.wait(None if until is None else min(0.5, until - time.monotonic()))
    for i in range(ray.cpus):
        ray.kill(("warm", i))  # those not done by ``until``


# ---------------------------------------------------------------------- evaluation
#: Seconds a Ray candidate may take beyond its own limit before the driver gives up on it
#: (handing over to the cluster, a worker restarting).
RAY_SLACK = 30.0


def _warm_worker() -> int:
    """A Ray task that only loads the engine in its worker."""
    return os.getpid()


def _evaluate_within(limit: float, engine_ref: Any, cand: _Candidate, *args) -> CandidateResult:
    """:func:`_evaluate` in a Ray task: the state's engine fetched from the object store (the
    task's own copy), and a time limit kept in the worker."""
    import ray

    try:
        with deadline(limit):
            engine = ray.get(engine_ref).copy()  # writable: the store's may share memory
            cand.node.engine = engine
            for m in cand.members:
                m.node.engine = engine
            return _evaluate(cand, *args)
    except DeadlineExceeded:
        return CandidateResult.failed("time limit")


#: Batches of proposals asked beyond a state's next one when several states are asked at once in
#: workers (``_Search._stock_up``): a state expanded again later takes them without asking again.
PREFETCH = 3

#: A bundle stops dropping clauses from its proof after this many candidate time limits; its
#: job (DD+AR on the bundle, the shrinking, the proof of what is left) may take one more.
BUNDLE_LIMIT = 3


def _evaluate_bundle(cand: _Candidate, goal, original: frozenset[str], ctime: float, seed: int) -> CandidateResult:
    """DD+AR on a bundle: the state extended by every member's clause at once. When it proves
    the goal, only the members whose points the proof names are kept, then each kept member is
    dropped in turn (the lowest-ranked first) while DD+AR still proves the goal without it; what
    is left is proven and checked as one candidate (:func:`_evaluate`), and the result says which
    members it kept. An unproven bundle opens no state."""
    t0 = time.monotonic()
    members, state = cand.members, cand.node.engine
    needed, res = _needed(state, cand, goal, ctime)
    if needed is None:
        status = CandidateStatus.TIMEOUT if res.status == "timeout" else CandidateStatus.UNSOLVED
        return CandidateResult(status, time.monotonic() - t0, res.facts)
    keep = needed or [0]  # a proof naming no member's point: any one member proves it as well
    for j in reversed(list(keep)):
        left = (BUNDLE_LIMIT - 1) * ctime - (time.monotonic() - t0)
        if len(keep) == 1 or left <= 0:
            break
        if j not in keep:
            continue
        trial = [i for i in keep if i != j]
        got, _ = _needed(state, combine(cand.node, [members[i] for i in trial]), goal, min(ctime, left))
        if got:
            keep = [trial[i] for i in got]
    spent = time.monotonic() - t0
    out = _evaluate(combine(cand.node, [members[i] for i in keep]), goal, original, ctime, seed)
    return replace(out, members=tuple(keep), seconds=spent + out.seconds)


def _needed(state: Engine, cand: _Candidate, goal, limit: float) -> tuple[list[int] | None, EngineResult]:
    """DD+AR on ``state`` (left as it is) extended by ``cand``'s clauses; when it proves the goal,
    the positions (among the clauses added) of those whose points the proof names."""
    engine = state.copy()
    extend_engine(engine, cand.diagram)
    res = engine.prove(goal.rename(cand.inner), Budget(timeout=limit))
    if not res.solved or res.goal_fact is None:
        return None, res
    named = set(traceback(engine, res.goal_fact).points)
    added = cand.diagram.problem.aux[len(cand.diagram.problem.aux) - 1 - len(cand.extra):]
    return [j for j, clause in enumerate(added) if named & set(clause.points)], res


def _evaluate(cand: _Candidate, goal, original: frozenset[str], ctime: float, seed: int) -> CandidateResult:
    """DD+AR on one candidate, in a worker (the engine is the worker's own copy); a bundle goes
    to :func:`_evaluate_bundle`."""
    if cand.members:
        return _evaluate_bundle(cand, goal, original, ctime, seed)
    t0 = time.monotonic()
    engine = cand.node.engine
    before = len(engine.facts)
    extend_engine(engine, cand.diagram)
    res = engine.prove(goal.rename(cand.inner), Budget(timeout=ctime))
    seconds = time.monotonic() - t0
    if res.solved and res.goal_fact is not None:
        outer = {v: k for k, v in cand.inner.items()}
        diagram = cand.diagram.rename(outer)
        proof = traceback(engine, res.goal_fact).rename(outer, diagram.problem)
        try:  # hypotheses that tell the figure's choices (which intersection, which side) from the others
            proof = state_choice(proof, choice_figures(diagram.problem, seed).figures, diagram.points)
        except ProblemError:
            pass  # no figure of a choice draws: the replay decides as it is
        check, replayed = verify(proof, diagram.points, seed)
        status = CandidateStatus.SOLVED if check.ok else CandidateStatus.REJECTED
        return CandidateResult(status, seconds, res.facts, proof=proof, check=check, replayed=replayed,
                               diagram=diagram, check_seconds=time.monotonic() - t0 - seconds)
    if res.status == "timeout":
        return CandidateResult(CandidateStatus.TIMEOUT, seconds, res.facts)
    new = sum(1 for f in engine.facts[before:] if set(f.pred.points) <= original and f.derived)
    return CandidateResult(CandidateStatus.UNSOLVED, seconds, res.facts, new_facts=new)
