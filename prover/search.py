"""Proof search: DD+AR first, then auxiliary constructions proposed and tried.

If DD+AR alone does not prove the goal, a beam search runs over states (the
problem plus the auxiliary clauses added so far). The root state is DD+AR's own
saturated engine (:func:`prover.prove.run_ddar`: the base DD+AR runs once). Each
state asks its proposer for ``k`` clauses; those that do not parse, cannot be built
in the figure, only rebuild a point the figure already has, or repeat a point already
tried are skipped and counted. Each survivor extends the saturated parent state
(:func:`geometry.diagram.extend_diagram` keeps the figure,
:func:`ddar.extend.extend_engine` keeps the facts) and DD+AR continues in a worker
process forked from the parent, which holds the saturated state warm. A worker
reports a typed :class:`CandidateResult`; the parent scores the unproven ones with
the configuration's :class:`StateValue` (by default :class:`NewFactsValue`, the new
facts a candidate gives about the original figure) and the best ``beam_size`` go on
to the next depth, up to ``depth`` clauses.

A proof counts only when the checker accepts it and it replays in fresh figures
(:func:`prover.prove.verify`, the one check-and-replay). One time budget covers the
whole problem: workers are killed when it is spent, whatever a single DD+AR call
does. The result does not depend on timing: when a candidate proves the goal, the
candidates ranked before it still finish, and the first in rank order wins, so the
same seed gives the same proof with any number of workers (timeouts aside).
"""
from __future__ import annotations

import copy
import ctypes
import enum
import math
import os
import pickle
import select
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Protocol

import numpy as np

from ddar.check import CheckResult, ReplayResult
from ddar.engine import Budget, Engine
from ddar.extend import extend_engine
from ddar.proof import Proof, traceback
from geometry.diagram import Diagram, extend_diagram
from geometry.errors import ProblemError
from geometry.problem import Problem
from lm.proposer import existing_points

from .proposers import Proposal, Proposer, SearchState
from .prove import Outcome, run_ddar, verify

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


@dataclass(frozen=True)
class SearchConfig:
    """Settings of one search (the command line's options) and its state value."""

    beam_size: int = 4
    depth: int = 2
    k: int = 256  # clauses asked of the proposer per state
    timeout: float = 60.0  # seconds for the whole problem, DD+AR included
    jobs: int = 1  # worker processes
    seed: int = 0
    candidate_timeout: float | None = None  # per DD+AR call; default from the base DD+AR's time
    value: StateValue = NewFactsValue()

    def __post_init__(self) -> None:
        if self.beam_size < 1 or self.depth < 0 or self.k < 1 or self.jobs < 1 or not self.timeout > 0:
            raise ValueError("beam_size, k and jobs must be >= 1, depth >= 0 and timeout > 0")

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

    @property
    def solved(self) -> bool:
        return self.status == "solved"

    @property
    def skipped(self) -> int:
        return self.unparseable + self.unrealisable + self.existing_points + self.duplicates


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

    def problem_aux(self) -> tuple[str, ...]:
        """Every clause the search added on the way to this candidate."""
        n = len(self.node.problem.aux) - len(self.node.aux)  # the problem's own auxiliary clauses
        return tuple(c.to_text() for c in self.problem.aux[n:])


@dataclass
class _Stats:
    tried: int = 0
    unparseable: int = 0
    unrealisable: int = 0
    existing_points: int = 0
    duplicates: int = 0
    rejected: int = 0
    errors: int = 0
    best: float = -math.inf
    seen: set = field(default_factory=set)

    @property
    def skipped(self) -> int:
        return self.unparseable + self.unrealisable + self.existing_points + self.duplicates

    def count(self, result: CandidateResult, value: float | None) -> None:
        """Count one finished candidate (``value``: its state value when unproven)."""
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


class _Search:
    """One problem's search: the base DD+AR, then depth after depth of candidates."""

    def __init__(self, problem: Problem, proposer: Proposer, config: SearchConfig,
                 progress: Callable[[SearchProgress], None] | None) -> None:
        self.problem, self.proposer, self.config, self.progress = problem, proposer, config, progress
        self.start = time.monotonic()
        self.deadline = self.start + config.timeout
        self.stats = _Stats()
        self.depth = 0
        self.ddar_seconds = 0.0

    def run(self) -> SearchOutcome:
        base = run_ddar(self.problem, seed=self.config.seed, timeout=self.config.timeout)
        self.ddar_seconds = time.monotonic() - self.start
        self.base = base.outcome
        if _status(self.base) not in _SEARCHABLE or self.config.depth == 0:
            return self._finish(self.base, _status(self.base))
        assert self.problem.goal is not None and base.engine is not None  # run_ddar raised otherwise
        self.goal = self.problem.goal
        self.ctime = self.config.candidate_seconds(self.ddar_seconds)
        self.original = frozenset(base.engine.pts)  # the points whose new facts a candidate's value counts
        beam = [_Node(self.problem, base.inner, base.engine, ())]
        self.stats.seen.add(())
        for depth in range(1, self.config.depth + 1):
            self.depth = depth
            cands = self._candidates(beam)
            self._report(len(cands))
            results = self._run_all(cands)
            for i, res in sorted(results.items()):
                if res.status is CandidateStatus.SOLVED:
                    return self._finish(self._solved(res), "solved", cands[i].problem_aux())
            if time.monotonic() >= self.deadline:
                return self._finish(self.base, "timeout")
            if depth == self.config.depth:
                break
            beam = self._next_beam(cands, results)
            if not beam:
                break
        return self._finish(self.base, "timeout" if time.monotonic() >= self.deadline else "unsolved")

    def _solved(self, res: CandidateResult) -> Outcome:
        assert res.diagram is not None
        return replace(
            self.base, problem=res.diagram.problem, diagram=res.diagram, status="solved", facts=res.facts,
            seconds=res.seconds, proof=res.proof, check=res.check, replayed=res.replayed,
        )

    def _finish(self, outcome: Outcome, status: str, aux: tuple[str, ...] = ()) -> SearchOutcome:
        s = self.stats
        return SearchOutcome(
            outcome, status, aux, s.tried, s.unparseable, s.unrealisable, s.duplicates, s.rejected, s.errors,
            time.monotonic() - self.start, self.ddar_seconds, existing_points=s.existing_points,
        )

    def _report(self, queued: int) -> None:
        if self.progress is not None:
            best = self.stats.best if self.stats.best > -math.inf else 0.0
            self.progress(SearchProgress(self.depth, self.stats.tried, self.stats.skipped, best,
                                         time.monotonic() - self.start, queued))

    def _value(self, cand: _Candidate, res: CandidateResult) -> float | None:
        return self.config.value(res, cand.proposal) if res.status is CandidateStatus.UNSOLVED else None

    def _next_beam(self, cands: list[_Candidate], results: dict[int, CandidateResult]) -> list[_Node]:
        """The ``beam_size`` most valuable unproven candidates, saturated again in this process."""
        scored = sorted(
            ((value, i) for i, res in results.items() if (value := self._value(cands[i], res)) is not None),
            key=lambda t: (-t[0], t[1]),
        )
        beam = []
        for value, i in scored[: self.config.beam_size]:
            node = self._materialise(cands[i], value)
            if node is not None:
                beam.append(node)
        return beam

    # ------------------------------------------------------------------ candidates
    def _candidates(self, beam: list[_Node]) -> list[_Candidate]:
        """Each state's proposals, parsed and realised, interleaved by rank across states."""
        per_node: list[list[_Candidate]] = []
        for n, node in enumerate(beam):
            if time.monotonic() >= self.deadline:
                break
            state = SearchState(node.problem, node.outer_points(), self.depth - 1, self.deadline)
            try:
                props = list(self.proposer.propose(state, self.config.k))[: self.config.k]
            except Exception:  # a proposer bug must not end the search  # noqa: BLE001
                props = []
                self.stats.errors += 1
            out = []
            for r, prop in enumerate(props):
                if time.monotonic() >= self.deadline:
                    break
                rng = np.random.default_rng([self.config.seed, self.depth, n, r])
                cand = _prepare(node, prop, rng, self.stats)
                if cand is not None:
                    out.append(cand)
            per_node.append(out)
        cands = [lst[r] for r in range(max(map(len, per_node), default=0)) for lst in per_node if r < len(lst)]
        for i, c in enumerate(cands):
            c.index = i
        return cands

    def _materialise(self, cand: _Candidate, value: float) -> _Node | None:
        """The saturated state of a candidate, rebuilt in this process (for the next depth)."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            return None
        engine = copy.deepcopy(cand.node.engine)
        extend_engine(engine, cand.diagram)
        res = engine.prove(self.goal.rename(cand.inner), Budget(timeout=min(self.ctime, left)))
        if res.status == "timeout":
            return None
        return _Node(cand.problem, cand.inner, engine, cand.node.aux + (cand.proposal.clause,), value)

    # ------------------------------------------------------------------ evaluation
    def _run_all(self, cands: list[_Candidate]) -> dict[int, CandidateResult]:
        """DD+AR on the candidates, ``jobs`` at a time, in rank order; stops early (deterministically)
        once a candidate is proven and every candidate ranked before it has finished."""
        results: dict[int, CandidateResult] = {}
        running: dict[int, _Worker] = {}
        nxt = 0
        solved_at: int | None = None
        try:
            while time.monotonic() < self.deadline:
                while nxt < len(cands) and len(running) < self.config.jobs and solved_at is None:
                    cand = cands[nxt]
                    running[nxt] = _spawn(lambda cand=cand: _evaluate(cand, self.goal, self.original, self.ctime,
                                                                       self.config.seed))
                    nxt += 1
                if not running:
                    break
                for i, res in _collect(running, self.ctime + 2.0):
                    results[i] = res
                    self.stats.count(res, self._value(cands[i], res))
                    if res.status is CandidateStatus.SOLVED:
                        solved_at = i if solved_at is None else min(solved_at, i)
                    self._report(len(cands) - nxt)
                if solved_at is not None:
                    for i in [i for i in running if i > solved_at]:
                        _kill(running.pop(i))
                    if not running:
                        break
        finally:
            for w in running.values():
                _kill(w)
        return results


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


def _state_key(node: _Node, diagram: Diagram) -> tuple:
    """The added points' positions (rounded): two states adding the same points are one."""
    base = node.engine.diagram.problem.clauses
    main = {p for c in base for p in c.points}
    zs = [z for n, z in diagram.points.items() if n not in main]
    scale = max((abs(z) for z in diagram.points.values()), default=1.0) or 1.0
    return tuple(sorted((round(z.real / scale, 6), round(z.imag / scale, 6)) for z in zs))


# ---------------------------------------------------------------------- evaluation
def _evaluate(cand: _Candidate, goal, original: frozenset[str], ctime: float, seed: int) -> CandidateResult:
    """DD+AR on one candidate, in a worker (the engine is the worker's own copy)."""
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
        check, replayed = verify(proof, diagram.points, seed)
        status = CandidateStatus.SOLVED if check.ok else CandidateStatus.REJECTED
        return CandidateResult(status, seconds, res.facts, proof=proof, check=check, replayed=replayed,
                               diagram=diagram)
    if res.status == "timeout":
        return CandidateResult(CandidateStatus.TIMEOUT, seconds, res.facts)
    new = sum(1 for f in engine.facts[before:] if set(f.pred.points) <= original and f.premises)
    return CandidateResult(CandidateStatus.UNSOLVED, seconds, res.facts, new_facts=new)


@dataclass
class _Worker:
    pid: int
    fd: int
    started: float
    chunks: list[bytes] = field(default_factory=list)


_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Ask Linux to kill this process when its parent dies (no orphans after a hard kill)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(1)


def _spawn(fn: Callable[[], CandidateResult]) -> _Worker:
    """Run ``fn`` in a forked child; its pickled result comes back through a pipe."""
    parent = os.getpid()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 0
        try:
            os.close(r)
            _die_with_parent(parent)
            try:
                data = pickle.dumps(fn())
            except BaseException as e:  # noqa: BLE001 - reported to the parent as an error result
                data = pickle.dumps(CandidateResult.failed(f"{type(e).__name__}: {e}"))
            view = memoryview(data)
            while view:
                n = os.write(w, view)
                view = view[n:]
        except BaseException:  # noqa: BLE001
            code = 1
        finally:
            os._exit(code)
    os.close(w)
    return _Worker(pid, r, time.monotonic())


def _kill(worker: _Worker) -> None:
    try:
        os.kill(worker.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    _reap(worker)


def _reap(worker: _Worker) -> None:
    try:
        os.close(worker.fd)
    except OSError:
        pass
    try:
        os.waitpid(worker.pid, 0)
    except ChildProcessError:
        pass


def _collect(running: dict[int, _Worker], limit: float):
    """Wait briefly for the running workers; yield ``(index, result)`` for each that finished,
    and kill (reporting an error) each that ran past ``limit`` seconds."""
    ready, _, _ = select.select([w.fd for w in running.values()], [], [], 0.05)
    ready_fds = set(ready)
    for i, w in list(running.items()):
        if w.fd in ready_fds:
            chunk = os.read(w.fd, 1 << 20)
            if chunk:
                w.chunks.append(chunk)
                continue
            _reap(w)
            del running[i]
            yield i, _decode(b"".join(w.chunks))
        elif time.monotonic() - w.started > limit:
            _kill(w)
            del running[i]
            yield i, CandidateResult.failed("time limit")


def _decode(data: bytes) -> CandidateResult:
    try:
        res = pickle.loads(data)
    except Exception:  # noqa: BLE001 - a worker that died mid-write
        return CandidateResult.failed("worker died")
    return res if isinstance(res, CandidateResult) else CandidateResult.failed("bad result")
