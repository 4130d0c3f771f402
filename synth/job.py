"""A synthetic-data job: chunks of figures farmed out to workers, committed in order.

Figure ``i`` of a run with seed ``S`` has the seed :func:`figure_seed` ``(S, i)``;
chunk ``c`` holds figures ``c*F .. c*F+F-1``. Workers extract examples from
whole chunks; the coordinator takes the results *in chunk order*, drops
examples whose key it has seen (dedup across workers and across resumed runs),
and commits them with the position reached. So the same seed, config and count
give the same corpus whatever the number of workers or the backend, and a run
killed at any moment resumes from its last commit as if never stopped.

Two backends run the chunks through :mod:`geometry.workers`: ``local`` (forked
children, all cores by default; one worker runs the chunks in this process) and
``ray`` (a Ray cluster, ``ray.init(address)``, or a local Ray).
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from itertools import count
from pathlib import Path
from typing import Protocol

import numpy as np
from tqdm import tqdm

from geometry.workers import Died, Failed, LocalWorkers, Ok, RayUnavailable, RayWorkers, Result, Workers

from .config import SynthConfig
from .corpus import Corpus, Cursor, code_fingerprint, version
from .example import Example
from .extract import Extractor, Tally

#: Figures per chunk (the unit of work and of resumption).
CHUNK_FIGURES = 4
#: Chunks in flight per worker: results are taken in order, so while one slow chunk is
#: awaited the other workers go on with the ones after it.
_WINDOW = 6


def figure_seed(run_seed: int, index: int) -> int:
    """The seed of figure ``index`` of a run (``sample_figure(seed, config)`` rebuilds it)."""
    return int(np.random.SeedSequence([run_seed, index]).generate_state(1, dtype=np.uint64)[0] >> 1)


@dataclass(frozen=True)
class ChunkResult:
    chunk: int
    examples: list[Example]
    tally: Tally
    seconds: float


def run_chunk(run_seed: int, chunk: int, config: dict, chunk_figures: int) -> ChunkResult:
    """Extract the examples of one chunk of figures (runs inside a worker)."""
    start = time.process_time()
    extractor = Extractor(SynthConfig.from_dict(config))
    tally = Tally()
    examples: list[Example] = []
    seen: set[str] = set()
    for i in range(chunk * chunk_figures, (chunk + 1) * chunk_figures):
        found, t = extractor.figure_examples(figure_seed(run_seed, i))
        tally.add(t)
        for ex in found:
            if ex.key not in seen:
                seen.add(ex.key)
                examples.append(ex)
    return ChunkResult(chunk, examples, tally, time.process_time() - start)


# ---------------------------------------------------------------------- backends
class Backend(Protocol):
    """Runs chunks and yields their results in chunk order, from ``start`` on, until closed."""

    name: str
    workers: int

    def results(self, task: Callable[[int], tuple], start: int) -> Iterator[ChunkResult]: ...

    def close(self) -> None: ...


class InlineBackend:
    """One worker: the chunks run in this process (``--jobs 1``)."""

    name = "local"
    workers = 1

    def results(self, args_of: Callable[[int], tuple], start: int) -> Iterator[ChunkResult]:
        chunk = start
        while True:
            yield run_chunk(*args_of(chunk))
            chunk += 1

    def close(self) -> None:
        pass


class WorkersBackend:
    """Chunks as the jobs of a :mod:`geometry.workers` runner, put back in chunk order.

    ``local``: children forked from this process, ``workers`` at a time; ``ray``: Ray
    tasks (a chunk's arguments are pickled). A chunk that failed ends the job with a
    :class:`BackendError` when its turn comes.
    """

    def __init__(self, name: str, runner: Workers[int, ChunkResult], workers: int) -> None:
        self.name = name
        self.workers = workers
        self._runner = runner

    def results(self, args_of: Callable[[int], tuple], start: int) -> Iterator[ChunkResult]:
        done: dict[int, Result[int, ChunkResult]] = {}
        nxt = start
        for chunk in count(start):
            while nxt < chunk + _WINDOW * self.workers:
                self._runner.submit(nxt, partial(run_chunk, *args_of(nxt)))
                nxt += 1
            while chunk not in done:
                done.update((res.key, res) for res in self._runner.wait())
            yield _chunk(done.pop(chunk))

    def close(self) -> None:
        self._runner.close()


def _chunk(res: Result[int, ChunkResult]) -> ChunkResult:
    match res:
        case Ok(value=result):
            return result
        case Failed(error=error):
            raise BackendError(f"chunk {res.key} failed: {error}")
        case Died(exitcode=code):
            raise BackendError(f"chunk {res.key}: worker died (exit {code})")
    raise BackendError(f"chunk {res.key}: {res!r}")


class BackendError(Exception):
    """The asked-for backend cannot run here, or a chunk failed in it."""


def make_backend(name: str, jobs: int | None, address: str | None = None) -> Backend:
    if name == "local":
        n = jobs or os.cpu_count() or 1
        return InlineBackend() if n == 1 else WorkersBackend("local", LocalWorkers(n), n)
    if name == "ray":
        try:
            # Ray queues the window itself; a worker that dies is retried, as Ray does by default
            ray: RayWorkers[int, ChunkResult] = RayWorkers(jobs, address=address, retries=3)
        except RayUnavailable as e:
            raise BackendError(str(e)) from None
        return WorkersBackend("ray", ray, ray.cpus)
    raise BackendError(f"unknown backend {name!r} (local or ray)")


# ---------------------------------------------------------------------- the job
@dataclass(frozen=True)
class JobOptions:
    out: Path
    count: int
    seed: int = 0
    jobs: int | None = None  # None: every core (local) / every CPU of the cluster (ray)
    backend: str = "local"
    address: str | None = None
    config: SynthConfig = field(default_factory=SynthConfig)
    progress: bool = True
    commit_seconds: float = 20.0  # commit at least this often
    shard_size: int = 5000  # ... and whenever this many examples wait


def run_job(opts: JobOptions) -> Corpus:
    """Generate until the corpus in ``opts.out`` holds ``opts.count`` examples (resuming it if there)."""
    if opts.count < 1:
        raise ValueError("--count must be at least 1")
    corpus = Corpus.open(opts.out, opts.seed, opts.config, CHUNK_FIGURES)
    corpus.target = opts.count
    if corpus.stats.examples >= opts.count:
        corpus.write_manifest()
        return corpus
    backend = make_backend(opts.backend, opts.jobs, opts.address)
    corpus.runs.append({"backend": backend.name, "workers": backend.workers, "started": time.time(),
                        "code": code_fingerprint(), "version": version()})
    config = opts.config.to_dict()
    bar = tqdm(total=opts.count, initial=corpus.stats.examples, disable=not opts.progress, unit="ex",
               dynamic_ncols=True, smoothing=0.05)
    pending: list[Example] = []
    pending_tally = Tally()
    pending_seconds = 0.0
    last_commit = time.monotonic()
    cursor = Cursor(corpus.cursor.chunk, corpus.cursor.offset)
    total = corpus.stats.examples

    def commit() -> None:
        nonlocal pending, pending_tally, pending_seconds, last_commit
        now = time.monotonic()
        corpus.commit(pending, cursor, pending_tally, pending_seconds, now - last_commit)
        pending, pending_tally, pending_seconds, last_commit = [], Tally(), 0.0, now

    try:
        args_of = lambda c: (opts.seed, c, config, CHUNK_FIGURES)
        for result in backend.results(args_of, cursor.chunk):
            skip, cursor.offset = cursor.offset, 0
            for i, ex in enumerate(result.examples[skip:], start=skip):
                if total >= opts.count:
                    cursor.offset = i  # the rest of this chunk waits for a larger --count
                    break
                if ex.key in corpus.keys:
                    continue
                corpus.keys.add(ex.key)
                corpus.stats.add(ex)
                pending.append(ex)
                total += 1
                bar.update(1)
            if skip == 0:  # a chunk's tally is counted once, when first taken
                pending_tally.add(result.tally)
                pending_seconds += result.seconds
            if total >= opts.count and cursor.offset:
                cursor.chunk = result.chunk
            else:
                cursor.chunk, cursor.offset = result.chunk + 1, 0
            s = corpus.stats
            bar.set_postfix(aux=f"{s.aux / max(1, s.examples):.1%}", figures=corpus.tally.figures + pending_tally.figures,
                            refresh=False)
            if total >= opts.count or len(pending) >= opts.shard_size or time.monotonic() - last_commit > opts.commit_seconds:
                commit()
            if total >= opts.count:
                break
    except KeyboardInterrupt:
        commit()
        raise
    finally:
        backend.close()
        bar.close()
    return corpus
