"""``geoprover bench``: every problem of a file in its own worker, with a hard time limit.

Results go to a JSON-lines file as they arrive: a first line with the run's
configuration, then one line per problem (name, status solved|unsolved|timeout|error,
seconds, steps, facts, aux). A rerun with the same output file and configuration
skips the problems already there; see :mod:`prover.results`.
"""
from __future__ import annotations

import multiprocessing as mp
import resource
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from geometry.errors import ProblemError
from geometry.problem import parse_problem

from .results import ResultsFile, bench_config, open_results

#: Address-space limit of one worker (bytes).
MEMORY_LIMIT = 4 * 1024**3


@dataclass(frozen=True)
class Task:
    name: str
    text: str
    timeout: float
    seed: int
    mode: str = "ddar"  # or "search" (DD+AR, then auxiliary points proposed)
    proposer: str = "heuristic"
    model: str | None = None
    beam_size: int = 4
    depth: int = 2
    k: int = 256  # clauses asked of the proposer per search state


def run_task(task: Task) -> dict:
    """Prove one problem (inside a worker process)."""
    from prover.prove import prove_ddar

    if task.mode == "search":
        from prover.search_cli import run_search_task

        return run_search_task(task)

    start = time.monotonic()
    row: dict = {"name": task.name}
    try:
        problem = parse_problem(task.name, task.text)
        out = prove_ddar(problem, seed=task.seed, timeout=task.timeout)
        row["status"] = out.status  # "solved" only when the checker accepts the proof
        row["facts"] = out.facts
        if out.goal_class is not None:
            row["goal"] = out.goal_class.status  # holds in all / some / none of the figures drawn
        if out.proof is not None:
            row["steps"] = len(out.proof.steps)
            row["aux"] = list(out.proof.aux_points)
            row["checked"] = bool(out.check and out.check.ok)
            row["conditions"] = [str(c) for c in out.proof.conditions]
            if out.replayed is not None:
                row["replayed"] = out.replayed.applicable
    except ProblemError as e:
        row.update(status="error", error=str(e))
    except Exception as e:  # a bug: report it, keep the run going
        row.update(status="error", error=f"{type(e).__name__}: {e}")
    row["seconds"] = round(time.monotonic() - start, 4)
    return row


def _worker(task: Task, conn) -> None:
    try:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    except (ValueError, OSError):
        pass
    try:
        conn.send(run_task(task))
    except MemoryError:
        conn.send({"name": task.name, "status": "error", "error": "out of memory"})
    finally:
        conn.close()


def start_results(tasks: list[Task], out: Path | None, overwrite: bool = False) -> ResultsFile | None:
    """The results file of a run of ``tasks`` (both backends): started, or resumed when it was
    written with the same configuration; :class:`prover.results.ResultsError` otherwise."""
    if out is None or not tasks:
        return None
    return open_results(out, bench_config(tasks[0]), [t.name for t in tasks], overwrite=overwrite)


def progress_bar(total: int, initial: int, progress: bool) -> tqdm:
    """The run's bar on stderr, shown only where stderr is a terminal (and not ``progress=False``)."""
    return tqdm(total=total, initial=initial, disable=None if progress else True, unit="problem")


def run_bench(tasks: list[Task], out: Path | None, jobs: int, progress: bool = True,
              overwrite: bool = False) -> list[dict]:
    """Run ``tasks`` with ``jobs`` concurrent workers; returns every row (old and new).

    ``out`` is resumed (or refused) by :func:`start_results` before any worker starts.
    """
    sink = start_results(tasks, out, overwrite)
    import prover.prove  # noqa: F401  (imported once here, so forked workers start warm)

    done: dict[str, dict] = dict(sink.done) if sink else {}
    todo = [t for t in tasks if t.name not in done]
    ctx = mp.get_context("fork")
    bar = progress_bar(len(tasks), len(tasks) - len(todo), progress)
    running: list[tuple[Task, mp.Process, object, float]] = []
    queue = list(reversed(todo))
    try:
        while queue or running:
            while queue and len(running) < jobs:
                task = queue.pop()
                recv, send = ctx.Pipe(duplex=False)
                proc = ctx.Process(target=_worker, args=(task, send), daemon=True)
                proc.start()
                send.close()
                running.append((task, proc, recv, time.monotonic()))
            time.sleep(0.005)
            still = []
            for task, proc, recv, started in running:
                row = _poll(task, proc, recv, started)
                if row is None:
                    still.append((task, proc, recv, started))
                    continue
                done[task.name] = row
                if sink:
                    sink.write(row)
                bar.update(1)
                bar.set_postfix(solved=sum(r.get("status") == "solved" for r in done.values()))
            running = still
    finally:
        for _, proc, _, _ in running:
            proc.kill()
        bar.close()
        if sink:
            sink.close()
    return [done[t.name] for t in tasks if t.name in done]


def _poll(task: Task, proc, recv, started: float) -> dict | None:
    elapsed = time.monotonic() - started
    if recv.poll():
        try:
            row = recv.recv()
        except EOFError:
            row = {"name": task.name, "status": "error", "error": "worker died"}
        proc.join(timeout=1)
        return row
    if not proc.is_alive():
        code = proc.exitcode
        return {"name": task.name, "status": "error", "error": f"worker died (exit {code})", "seconds": round(elapsed, 4)}
    if elapsed > task.timeout + 5:
        proc.kill()
        proc.join()
        return {"name": task.name, "status": "timeout", "seconds": round(elapsed, 4)}
    return None


def summary(rows: Iterable[dict], total: int) -> str:
    solved = sum(r.get("status") == "solved" for r in rows)
    return f"solved {solved}/{total}"
