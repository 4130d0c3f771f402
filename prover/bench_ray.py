"""``geoprover bench --backend ray``: the problems of a file spread over a Ray cluster.

Each problem is one Ray task (one CPU) running the same :func:`prover.bench.run_task`
as the local backend, so rows are identical; a task that outlives its problem's
time limit (plus a grace) is cancelled with force. Without ``address`` a local Ray is
started with ``jobs`` CPUs. The output file is started, resumed or refused by the same
:func:`prover.bench.start_results` as with the local backend.
"""
from __future__ import annotations

import time
from pathlib import Path

from .bench import Task, progress_bar, run_task, start_results

#: Seconds a task may run past its problem's time limit before it is cancelled.
GRACE = 10.0


class RayUnavailable(Exception):
    """Ray is not installed, or the cluster cannot be reached."""


def _run(task: Task) -> dict:
    return run_task(task)


def run_bench_ray(tasks: list[Task], out: Path | None, jobs: int, *, address: str | None = None,
                  progress: bool = True, overwrite: bool = False) -> list[dict]:
    """Run ``tasks`` as Ray tasks, at most ``jobs`` at once; returns every row (old and new)."""
    try:
        import ray
    except ImportError:
        raise RayUnavailable("--backend ray needs Ray: pip install 'geoprover[ray]'") from None
    sink = start_results(tasks, out, overwrite)  # refused here, before Ray starts
    done: dict[str, dict] = dict(sink.done) if sink else {}
    todo = [t for t in tasks if t.name not in done]
    started_ray = False
    if not ray.is_initialized():
        kwargs = {"include_dashboard": False, "log_to_driver": False, "configure_logging": False}
        try:
            if address:
                ray.init(address=address, **kwargs)
            else:
                ray.init(num_cpus=jobs, **kwargs)
        except (ConnectionError, RuntimeError, ValueError) as e:
            if sink:
                sink.close()
            raise RayUnavailable(f"cannot start or reach Ray: {e}") from None
        started_ray = True
    remote = ray.remote(num_cpus=1, max_retries=0)(_run)
    bar = progress_bar(len(tasks), len(tasks) - len(todo), progress)
    queue = list(reversed(todo))
    running: dict = {}  # ObjectRef -> (task, started)
    try:
        while queue or running:
            while queue and len(running) < jobs:
                task = queue.pop()
                running[remote.remote(task)] = (task, time.monotonic())
            ready, _ = ray.wait(list(running), num_returns=1, timeout=0.1)
            rows = []
            for ref in ready:
                task, started = running.pop(ref)
                try:
                    rows.append(ray.get(ref))
                except Exception as e:  # noqa: BLE001 - a worker that died: one error row
                    rows.append({"name": task.name, "status": "error", "error": f"ray task failed: {type(e).__name__}",
                                 "seconds": round(time.monotonic() - started, 4)})
            now = time.monotonic()
            for ref, (task, started) in list(running.items()):
                if now - started > task.timeout + GRACE:
                    ray.cancel(ref, force=True)
                    del running[ref]
                    rows.append({"name": task.name, "status": "timeout", "seconds": round(now - started, 4)})
            for row in rows:
                done[row["name"]] = row
                if sink:
                    sink.write(row)
                bar.update(1)
    finally:
        for ref in running:
            ray.cancel(ref, force=True)
        bar.close()
        if sink:
            sink.close()
        if started_ray:
            ray.shutdown()
    return [done[t.name] for t in tasks if t.name in done]
