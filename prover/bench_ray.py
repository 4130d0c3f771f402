"""``geoprover bench --backend ray``: the problems of a file spread over a Ray cluster.

Each problem is one Ray task (one CPU, :class:`geometry.workers.RayWorkers`) running the
same :func:`prover.bench.run_task` as the local backend, so rows are identical; a task
that outlives its problem's time limit (plus :data:`GRACE`) is cancelled with force.
Without ``address`` a local Ray is started with ``jobs`` CPUs. The output file is
started, resumed or refused by the same :func:`prover.bench.start_results` as with the
local backend, before Ray starts.
"""
from __future__ import annotations

from pathlib import Path

from geometry.workers import RayUnavailable, RayWorkers, require_ray

from .bench import Task, progress_bar, run_tasks, start_results

__all__ = ["GRACE", "RayUnavailable", "run_bench_ray"]

#: Seconds a task may run past its problem's time limit before it is cancelled.
GRACE = 10.0


def run_bench_ray(tasks: list[Task], out: Path | None, jobs: int, *, address: str | None = None,
                  progress: bool = True, overwrite: bool = False) -> list[dict]:
    """Run ``tasks`` as Ray tasks, at most ``jobs`` at once; returns every row (old and new).

    Raises :class:`RayUnavailable` when Ray is not installed or cannot be started or reached.
    """
    require_ray()
    sink = start_results(tasks, out, overwrite)  # refused here, before Ray starts
    done: dict[str, dict] = dict(sink.done) if sink else {}
    todo = [t for t in tasks if t.name not in done]
    try:
        workers: RayWorkers[str, dict] = RayWorkers(jobs, address=address, capacity=jobs)  # limits count from hand-over
    except RayUnavailable:
        if sink:
            sink.close()
        raise
    bar = progress_bar(len(tasks), len(tasks) - len(todo), progress)
    try:
        with workers:
            run_tasks(workers, todo, done, sink, bar, GRACE)
    finally:
        bar.close()
        if sink:
            sink.close()
    return [done[t.name] for t in tasks if t.name in done]
