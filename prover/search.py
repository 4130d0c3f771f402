"""Proof search: DD+AR first, then auxiliary constructions proposed and tried.

If DD+AR alone does not prove the goal, a beam search runs over states (the
problem plus the auxiliary clauses added so far). Each state asks its proposer
for ``k`` clauses; those that do not parse, cannot be built in the figure, only
rebuild a point the figure already has, or repeat a point already tried are skipped
and counted. Each survivor extends the
saturated parent state (:func:`geometry.diagram.extend_diagram` keeps the figure,
:func:`ddar.extend.extend_engine` keeps the facts) and DD+AR continues in a
worker process forked from the parent, which holds the saturated state warm. The
best ``beam_size`` unproven states (scored by the new facts they give about the
original figure) go on to the next depth, up to ``depth`` clauses.

A proof counts only when the checker (:func:`ddar.check.check_proof`) accepts it.
One time budget covers the whole problem: workers are killed when it is spent,
whatever a single DD+AR call does. The result does not depend on timing: when a
candidate proves the goal, the candidates ranked before it still finish, and the
first in rank order wins, so the same seed gives the same proof with any
number of workers (timeouts aside).
"""
from __future__ import annotations

import copy
import ctypes
import math
import os
import pickle
import select
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from ddar.check import CheckResult, ReplayResult, check_proof, replay
from ddar.engine import Budget, Engine
from ddar.extend import extend_engine
from ddar.proof import Proof, traceback
from geometry.diagram import Diagram, extend_diagram, realise
from geometry.errors import ProblemError
from geometry.predicates import Predicate
from geometry.problem import Problem, parse_problem
from lm.proposer import existing_points

from .proposers import Proposal, Proposer, SearchState
from .prove import REPLAY_FIGURES, REPLAY_OFFSET, Outcome, prove_ddar

__all__ = ["SearchConfig", "SearchProgress", "SearchOutcome", "search", "prove"]


@dataclass(frozen=True)
class SearchConfig:
    """Settings of one search (the command line's options)."""

    beam_size: int = 4
    depth: int = 2
    k: int = 256  # clauses asked of the proposer per state
    timeout: float = 60.0  # seconds for the whole problem, DD+AR included
    jobs: int = 1  # worker processes
    seed: int = 0
    candidate_timeout: float | None = None  # per DD+AR call; default from the base DD+AR's time

    def __post_init__(self) -> None:
        if self.beam_size < 1 or self.depth < 0 or self.k < 1 or self.jobs < 1 or not self.timeout > 0:
            raise ValueError("beam_size, k and jobs must be >= 1, depth >= 0 and timeout > 0")


@dataclass(frozen=True)
class SearchProgress:
    """Where a running search stands (for a progress line)."""

    depth: int
    tried: int  # candidates whose DD+AR finished
    skipped: int  # proposals dropped before DD+AR
    best: float  # best score of an unproven state so far
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


def prove(problem: Problem, proposer: Proposer | None, config: SearchConfig = SearchConfig(),
          progress: Callable[[SearchProgress], None] | None = None, search_enabled: bool = True) -> SearchOutcome:
    """DD+AR on ``problem``, then (unless disabled or no proposer) the search."""
    if not search_enabled or proposer is None:
        start = time.monotonic()
        out = prove_ddar(problem, seed=config.seed, timeout=config.timeout)
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
    start = time.monotonic()
    deadline = start + config.timeout
    base = prove_ddar(problem, seed=config.seed, timeout=config.timeout)
    ddar_seconds = time.monotonic() - start
    stats = _Stats()

    def finish(outcome: Outcome, status: str, aux: tuple[str, ...] = ()) -> SearchOutcome:
        return SearchOutcome(
            outcome, status, aux, stats.tried, stats.unparseable, stats.unrealisable, stats.duplicates,
            stats.rejected, stats.errors, time.monotonic() - start, ddar_seconds,
            existing_points=stats.existing_points,
        )

    if _status(base) not in _SEARCHABLE or config.depth == 0:
        return finish(base, _status(base))
    goal = problem.goal
    assert goal is not None  # prove_ddar raised otherwise
    root = _root(problem, base.diagram, deadline)
    if root is None:
        return finish(base, "timeout")
    ctime = config.candidate_timeout or min(max(5.0, 20 * ddar_seconds), config.timeout)
    beam = [root]
    stats.seen.add(())
    for depth in range(1, config.depth + 1):
        cands = _candidates(beam, proposer, config, depth, stats, deadline)
        report = _reporter(progress, depth, stats, start)
        report(len(cands))
        results = _run_all(cands, goal, root, config.jobs, deadline, ctime, stats, report, config.seed)
        for i, res in sorted(results.items()):
            if res.get("status") == "solved":
                cand = cands[i]
                outcome = replace(
                    base, problem=res["problem"], diagram=res["diagram"], status="solved", facts=res["facts"],
                    seconds=res["seconds"], proof=res["proof"], check=res["check"], replayed=res["replayed"],
                )
                return finish(outcome, "solved", cand.problem_aux())
        if time.monotonic() >= deadline:
            return finish(base, "timeout")
        if depth == config.depth:
            break
        scored = sorted(
            ((res["score"], i) for i, res in results.items() if res.get("status") == "unsolved"),
            key=lambda t: (-t[0], t[1]),
        )
        beam = []
        for score, i in scored[: config.beam_size]:
            node = _materialise(cands[i], goal, ctime, deadline, score)
            if node is not None:
                beam.append(node)
        if not beam:
            break
    return finish(base, "timeout" if time.monotonic() >= deadline else "unsolved")


def _reporter(progress, depth: int, stats: _Stats, start: float) -> Callable[[int], None]:
    def report(queued: int) -> None:
        if progress is not None:
            skipped = stats.unparseable + stats.unrealisable + stats.existing_points + stats.duplicates
            best = stats.best if stats.best > -math.inf else 0.0
            progress(SearchProgress(depth, stats.tried, skipped, best, time.monotonic() - start, queued))

    return report


def _root(problem: Problem, diagram: Diagram, deadline: float) -> _Node | None:
    """The saturated state of the problem in DD+AR's figure (engine names as :func:`prove_ddar` uses)."""
    inner = {p: f"x{i:03d}" for i, p in enumerate(problem.points())}
    engine = Engine(diagram.rename(inner))
    left = deadline - time.monotonic()
    if left <= 0:
        return None
    res = engine.prove(problem.goal.rename(inner), Budget(timeout=left))  # type: ignore[union-attr]
    if res.status == "timeout":
        return None
    return _Node(problem, inner, engine, ())


# ---------------------------------------------------------------------- candidates
def _with_aux(problem: Problem, clause: str) -> str:
    """The problem's text with one more auxiliary clause."""
    main = "; ".join(c.to_text() for c in problem.clauses)
    aux = [c.to_text() for c in problem.aux] + [clause.strip()]
    goals = "; ".join(str(g) for g in problem.goals)
    return f"{main} | {'; '.join(aux)} ? {goals}"


def _candidates(beam: list[_Node], proposer: Proposer, config: SearchConfig, depth: int,
                stats: _Stats, deadline: float) -> list[_Candidate]:
    """Each state's proposals, parsed and realised, interleaved by rank across states."""
    per_node: list[list[_Candidate]] = []
    for n, node in enumerate(beam):
        if time.monotonic() >= deadline:
            break
        state = SearchState(node.problem, node.outer_points(), depth - 1, deadline)
        try:
            props = list(proposer.propose(state, config.k))[: config.k]
        except Exception:  # a proposer bug must not end the search  # noqa: BLE001
            props = []
            stats.errors += 1
        out = []
        for r, prop in enumerate(props):
            if time.monotonic() >= deadline:
                break
            rng = np.random.default_rng([config.seed, depth, n, r])
            cand = _prepare(node, prop, rng, stats)
            if cand is not None:
                out.append(cand)
        per_node.append(out)
    cands = []
    for r in range(max((len(x) for x in per_node), default=0)):
        for lst in per_node:
            if r < len(lst):
                cands.append(lst[r])
    for i, c in enumerate(cands):
        c.index = i
    return cands


def _prepare(node: _Node, prop: Proposal, rng: np.random.Generator, stats: _Stats) -> _Candidate | None:
    """Parse and realise one proposal in the state's figure; None (counted) if it fails."""
    text = prop.clause if isinstance(prop.clause, str) else ""
    if not text.strip() or "?" in text or "|" in text:
        stats.unparseable += 1
        return None
    try:
        ext = parse_problem(node.problem.name, _with_aux(node.problem, text))
    except ProblemError:
        stats.unparseable += 1
        return None
    added = ext.aux[len(node.problem.aux):]
    if not added or [c.to_text() for c in ext.clauses] != [c.to_text() for c in node.problem.clauses]:
        stats.unparseable += 1
        return None
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
def verify(proof: Proof, points: dict[str, complex], seed: int) -> tuple[CheckResult, ReplayResult]:
    """As :func:`prove_ddar` checks its proofs: the checker in the figure, then a replay in
    fresh figures of the (extended) problem."""
    check = check_proof(proof, points)
    figures = []
    for s in range(seed + REPLAY_OFFSET, seed + REPLAY_OFFSET + REPLAY_FIGURES):
        try:
            figures.append(realise(proof.problem, seed=s).points)
        except ProblemError:
            continue
    replayed = replay(proof, figures)
    if not replayed.ok:
        check = CheckResult(False, check.errors + replayed.failures)
    return check, replayed


def _evaluate(cand: _Candidate, goal: Predicate, root: _Node, ctime: float, seed: int) -> dict:
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
        return {
            "status": "solved" if check.ok else "rejected", "proof": proof, "check": check, "diagram": diagram,
            "problem": diagram.problem, "facts": res.facts, "seconds": seconds, "replayed": replayed,
        }
    original = set(root.engine.pts)
    new = [f for f in engine.facts[before:] if set(f.pred.points) <= original and f.premises]
    score = math.log1p(len(new)) + 0.01 * cand.proposal.score
    return {"status": "unsolved" if res.status != "timeout" else "timeout", "score": score, "seconds": seconds}


def _materialise(cand: _Candidate, goal: Predicate, ctime: float, deadline: float, score: float) -> _Node | None:
    """The saturated state of a candidate, rebuilt in this process (for the next depth)."""
    left = deadline - time.monotonic()
    if left <= 0:
        return None
    engine = copy.deepcopy(cand.node.engine)
    extend_engine(engine, cand.diagram)
    res = engine.prove(goal.rename(cand.inner), Budget(timeout=min(ctime, left)))
    if res.status == "timeout":
        return None
    return _Node(cand.problem, cand.inner, engine, cand.node.aux + (cand.proposal.clause,), score)


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


def _spawn(fn: Callable[[], dict]) -> _Worker:
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
            except BaseException as e:  # noqa: BLE001 - reported to the parent as an error row
                data = pickle.dumps({"status": "error", "error": f"{type(e).__name__}: {e}"})
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


def _run_all(cands: list[_Candidate], goal: Predicate, root: _Node, jobs: int, deadline: float,
             ctime: float, stats: _Stats, report: Callable[[int], None], seed: int) -> dict[int, dict]:
    """DD+AR on the candidates, ``jobs`` at a time, in rank order; stops early (deterministically)
    once a candidate is proven and every candidate ranked before it has finished."""
    results: dict[int, dict] = {}
    running: dict[int, _Worker] = {}
    nxt = 0
    solved_at: int | None = None
    try:
        while True:
            now = time.monotonic()
            if now >= deadline:
                break
            while nxt < len(cands) and len(running) < jobs and solved_at is None:
                cand = cands[nxt]
                running[nxt] = _spawn(lambda cand=cand: _evaluate(cand, goal, root, ctime, seed))
                nxt += 1
            if not running:
                break
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
                    results[i] = _decode(b"".join(w.chunks))
                elif time.monotonic() - w.started > ctime + 2.0:
                    _kill(w)
                    del running[i]
                    results[i] = {"status": "error", "error": "time limit"}
                else:
                    continue
                res = results[i]
                status = res.get("status")
                stats.tried += 1
                if status == "solved":
                    solved_at = i if solved_at is None else min(solved_at, i)
                elif status == "rejected":
                    stats.rejected += 1
                elif status == "unsolved":
                    stats.best = max(stats.best, res["score"])
                else:
                    stats.errors += 1
                report(len(cands) - nxt)
            if solved_at is not None:
                for i in [i for i in running if i > solved_at]:
                    _kill(running.pop(i))
                if not running:
                    break
    finally:
        for w in running.values():
            _kill(w)
    return results


def _decode(data: bytes) -> dict:
    try:
        res = pickle.loads(data)
    except Exception:  # noqa: BLE001 - a worker that died mid-write
        return {"status": "error", "error": "worker died"}
    return res if isinstance(res, dict) else {"status": "error", "error": "bad result"}
