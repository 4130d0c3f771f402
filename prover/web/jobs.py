"""Proofs run by the web app: one process per Prove, its progress, its documents, its cancel.

A Prove becomes a :class:`ProveRequest` (checked against the server's :class:`Limits`)
and runs :func:`run_job` in a process of its own, started from a fork server that has
the prover already imported (so a Prove starts in milliseconds, not the second an
import takes). The job does what ``geoprover prove --text`` does: parse, build the
proposer and the search configuration from the same options
(:func:`prover.search_cli.proposer_from_args`, :func:`~prover.search_cli.config_from_args`),
:func:`prover.search.prove` with its progress callback, and :func:`prover.export.render`
in every format. It sends what happens down a pipe: ``stage``, ``progress``
(:class:`prover.search.SearchProgress`), then ``done`` with the documents, or ``error``
with one line.

The job makes itself a process group, and the search's workers (forked by
:class:`geometry.workers.LocalWorkers`) are in it; :meth:`Jobs.cancel` kills the whole
group, so a cancelled search leaves no process behind. :class:`Jobs` keeps at most one
running proof per browser tab (a new Prove cancels the tab's old one), at most
``Limits.running`` at once, and the finished ones' documents for a while.

>>> limits = Limits()
>>> req = ProveRequest.from_json({"text": "a b c = triangle a b c ? perp a b b c", "timeout": 5}, limits)
>>> req.name, req.timeout, req.search, req.proposer
('problem', 5.0, True, 'heuristic')
>>> ProveRequest.from_json({"text": "x", "timeout": 10_000}, limits)
Traceback (most recent call last):
...
prover.web.jobs.RequestError: timeout: at most 300 seconds here (asked 10000)
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import secrets
import signal
import sys
import time
import traceback
from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from typing import Any

from geometry.errors import ProblemError
from geometry.problem import parse_problem
from geometry.workers import die_with_parent
from prover.export import FORMATS, render
from prover.proposers import PROPOSERS
from prover.search import SearchConfig, SearchOutcome, SearchProgress, prove
from prover.search_cli import config_from_args, proposer_from_args

from .preview import error_line


class RequestError(ValueError):
    """A request the server refuses: one line saying what is wrong."""


@dataclass(frozen=True)
class Limits:
    """What one request may ask of the server."""

    body: int = 16_384  # bytes of a request body
    text: int = 4_000  # characters of a problem
    name: int = 200  # characters of a problem's name
    timeout: float = 300.0  # seconds of one proof
    jobs: int = max(1, os.cpu_count() or 1)  # search workers of one proof
    running: int = 2  # proofs running at once, over all tabs
    candidates: int = 1024
    beam_size: int = 16
    depth: int = 6
    kept: int = 32  # finished proofs whose documents are kept for download


@dataclass(frozen=True)
class ProveRequest:
    """One Prove: the problem and the options of ``geoprover prove``."""

    text: str
    name: str = "problem"
    seed: int = 0
    timeout: float = 60.0
    search: bool = True
    proposer: str = "heuristic"
    beam_size: int = SearchConfig.beam_size
    depth: int = SearchConfig.depth
    candidates: int = SearchConfig.k
    jobs: int = 1
    tab: str = ""

    @classmethod
    def from_json(cls, data: Any, limits: Limits) -> ProveRequest:
        """The request in ``data`` (a JSON object), or :class:`RequestError` naming the bad field."""
        if not isinstance(data, dict):
            raise RequestError("the request is not a JSON object")
        unknown = sorted(set(data) - set(_KINDS))
        if unknown:
            raise RequestError(f"unknown field {unknown[0]!r}")
        values = {name: _typed(name, value, _KINDS[name]) for name, value in data.items()}
        if "text" not in values or not values["text"].strip():
            raise RequestError("text: the problem is empty")
        values.setdefault("name", "problem")
        values["name"] = values["name"].strip() or "problem"
        req = cls(**values)
        req.check(limits)
        return req

    def check(self, limits: Limits) -> None:
        """Refuse what is over the server's limits (one line naming the field)."""
        if len(self.text) > limits.text:
            raise RequestError(f"text: a problem has at most {limits.text} characters here ({len(self.text)})")
        if len(self.name) > limits.name or len(self.tab) > 100:
            raise RequestError(f"name: at most {limits.name} characters")
        if self.proposer not in PROPOSERS:
            raise RequestError(f"proposer: one of {', '.join(PROPOSERS)} (not {self.proposer!r})")
        if not 0 < self.timeout <= limits.timeout:
            raise RequestError(f"timeout: at most {limits.timeout:g} seconds here (asked {self.timeout:g})")
        for name, top in (("jobs", limits.jobs), ("candidates", limits.candidates), ("beam_size", limits.beam_size),
                          ("depth", limits.depth)):
            value = getattr(self, name)
            if not 1 <= value <= top:
                raise RequestError(f"{name}: from 1 to {top} here (asked {value})")
        if not 0 <= self.seed < 2**32:
            raise RequestError("seed: from 0 to 2^32 - 1")

    def args(self) -> argparse.Namespace:
        """The options as ``geoprover prove`` parses them (for the command line's own helpers)."""
        return argparse.Namespace(proposer=self.proposer, model=None, beam_size=self.beam_size, depth=self.depth,
                                  candidates=self.candidates, timeout=self.timeout, jobs=self.jobs, seed=self.seed)


#: The type of each field of a :class:`ProveRequest` (as JSON gives it; an int is a float too).
_KINDS: dict[str, type] = {
    "text": str, "name": str, "seed": int, "timeout": float, "search": bool, "proposer": str, "beam_size": int,
    "depth": int, "candidates": int, "jobs": int, "tab": str,
}


def _typed(name: str, value: Any, kind: type) -> Any:
    if kind is bool:
        if isinstance(value, bool):
            return value
    elif kind is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value == value:
            return float(value)
    elif kind is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif isinstance(value, str):
        return value
    raise RequestError(f"{name}: expected {kind.__name__}, got {type(value).__name__}")


# ---------------------------------------------------------------------- the job's process
def run_job(req: ProveRequest, conn) -> None:  # pragma: no cover - runs in the job's process
    """Prove ``req`` (in its own process) and send what happens down ``conn``."""
    os.setpgid(0, 0)  # a process group of its own: a cancel kills it and its search workers together
    die_with_parent(os.getppid())  # the fork server, which ends with the server, even a killed one
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C stops the server, which stops its jobs
    try:
        conn.send(("stage", {"stage": "ddar"}))
        result = _prove(req, _Progress(conn))
        conn.send(("stage", {"stage": "writing"}))
        conn.send(("done", summary(req, result) | {"documents": documents(result)}))
    except _JobError as e:
        conn.send(("error", {"message": str(e)}))
    except ProblemError as e:
        conn.send(("error", {"message": error_line(e)}))
    except Exception as e:  # a bug: one line for the page, the traceback for the server's console  # noqa: BLE001
        traceback.print_exc(file=sys.stderr)
        conn.send(("error", {"message": f"internal error: {type(e).__name__}: {e}"}))
    finally:
        conn.close()


class _JobError(Exception):
    """A proof that cannot start (a proposer that is not available)."""


def _prove(req: ProveRequest, progress: _Progress) -> SearchOutcome:
    """``geoprover prove --text``'s work on one problem, with live progress."""
    args = req.args()
    problem = parse_problem(req.name, req.text)
    proposer = proposer_from_args(args, _JobError) if req.search else None
    return prove(problem, proposer, config_from_args(args), progress=progress, search_enabled=proposer is not None)


@dataclass
class _Progress:
    """The search's progress callback: sends at most ten updates a second (and never loses the last
    word: the ``done`` message carries the totals)."""

    conn: Any
    last: float = 0.0

    def __call__(self, p: SearchProgress) -> None:
        now = time.monotonic()
        if now - self.last >= 0.1:
            self.last = now
            self.conn.send(("progress", {"stage": "search"} | asdict(p)))


def summary(req: ProveRequest, res: SearchOutcome) -> dict:
    """What the page says of a finished proof, besides the documents."""
    out = res.outcome
    data: dict[str, Any] = {
        "status": res.status, "seconds": round(res.seconds, 3), "ddar_seconds": round(res.ddar_seconds, 3),
        "tried": res.tried, "skipped": res.skipped, "aux": list(res.aux), "facts": out.facts,
        "steps": len(out.proof.steps) if out.proof is not None else 0,
        "conditions": len(out.conditions),
        "checked": bool(out.check is not None and out.check.ok),
    }
    if req.search and not res.solved and res.status in ("unsolved", "timeout"):  # the command line's note
        data["note"] = (f"search: no proof of {req.name} ({res.status}) after {res.tried} candidates, "
                        f"{res.skipped} proposals skipped, {res.seconds:.1f} s")
    return data


def documents(res: SearchOutcome) -> dict[str, str]:
    """The proof (or why there is none) in every export format."""
    return {fmt: render([res.outcome], fmt) for fmt in FORMATS}


# ---------------------------------------------------------------------- the server's side
@dataclass
class Job:
    """A Prove the server started: its process, what it said so far, and how it ended."""

    id: str
    tab: str
    request: ProveRequest
    process: Any
    conn: Any
    started: float = field(default_factory=time.monotonic)
    state: str = "running"  # running | done | error | cancelled
    events: list[tuple[str, dict]] = field(default_factory=list)  # stage, then done, failed or cancelled
    progress: dict | None = None  # the latest progress
    progress_seq: int = 0
    documents: dict[str, str] = field(default_factory=dict)
    ended: float | None = None

    @property
    def elapsed(self) -> float:
        return (self.ended or time.monotonic()) - self.started

    def pump(self) -> None:
        """Read what the job sent (without waiting); notice a job that ended without a word."""
        if self.state != "running":
            return
        try:
            while self.conn.poll():
                kind, data = self.conn.recv()
                if kind == "progress":
                    self.progress, self.progress_seq = data, self.progress_seq + 1
                    continue
                if kind == "done":
                    self.documents = data.pop("documents")
                self.events.append((kind if kind != "error" else "failed", data))
                if kind in ("done", "error"):
                    self._end("done" if kind == "done" else "error")
                    return
        except (EOFError, OSError):
            pass
        if not self.process.is_alive():
            code = self.process.exitcode
            self.events.append(("failed", {"message": f"the prover's process ended unexpectedly (exit code {code})"}))
            self._end("error")

    def kill(self) -> None:
        """Kill the job's process group (the job and its search workers)."""
        if self.state != "running":
            return
        pid = self.process.pid
        for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
            try:
                kill()
            except (ProcessLookupError, PermissionError):
                pass
        self.events.append(("cancelled", {"message": "cancelled"}))
        self._end("cancelled")

    def _end(self, state: str) -> None:
        self.state, self.ended = state, time.monotonic()
        self.conn.close()
        self.process.join(timeout=2)


class Busy(RequestError):
    """Too many proofs running."""


#: Imported once, in the fork server, so that a proof starts warm: the prover, and the matplotlib
#: modules its figures draw with (geometry.figure imports them at the first figure: ~0.4 s).
PRELOAD = (__name__, "matplotlib.figure", "matplotlib.backends.backend_agg", "matplotlib.backends.backend_svg",
           "matplotlib.patches")


class Jobs:
    """The server's proofs: at most one running per tab and ``limits.running`` in all."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.ctx = multiprocessing.get_context("forkserver")
        self.ctx.set_forkserver_preload(list(PRELOAD))
        self.jobs: OrderedDict[str, Job] = OrderedDict()

    def warm(self) -> None:
        """Start the fork server now (it imports the prover), not at the first Prove."""
        p = self.ctx.Process(target=_noop)
        p.start()
        p.join()

    def start(self, req: ProveRequest) -> Job:
        for job in self.jobs.values():  # one running proof per tab: a new Prove cancels the old one
            if job.tab and job.tab == req.tab:
                job.kill()
        running = [j for j in self.jobs.values() if j.state == "running"]
        for j in running:
            j.pump()
        if sum(j.state == "running" for j in running) >= self.limits.running:
            raise Busy(f"{self.limits.running} proofs are running already (in other tabs): cancel one, or wait")
        recv, send = self.ctx.Pipe(duplex=False)
        process = self.ctx.Process(target=run_job, args=(req, send), daemon=True, name="geoprover-prove")
        process.start()
        send.close()
        job = Job(secrets.token_urlsafe(12), req.tab, req, process, recv)
        self.jobs[job.id] = job
        self._forget()
        return job

    def get(self, job_id: str) -> Job | None:
        return self.jobs.get(job_id)

    def _forget(self) -> None:
        """Keep the documents of the latest ``limits.kept`` finished proofs only."""
        done = [k for k, j in self.jobs.items() if j.state != "running"]
        for k in done[: max(0, len(done) - self.limits.kept)]:
            del self.jobs[k]

    def close(self) -> None:
        """Kill every running proof (the server is stopping)."""
        for job in self.jobs.values():
            job.kill()


def _noop() -> None:  # pragma: no cover - runs in the fork server's child
    pass
