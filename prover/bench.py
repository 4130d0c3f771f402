"""``geoprover bench``: every problem of a file in its own worker, with a hard time limit.

Results go to a JSON-lines file as they arrive: a first line with the run's
configuration, then one line per problem (name, status solved|unsolved|timeout|error,
seconds, steps, facts, aux). A rerun with the same output file and configuration
skips the problems already there; see :mod:`prover.results`.
"""
from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from tqdm import tqdm

from geometry.errors import ProblemError
from geometry.problem import parse_problem
from geometry.workers import Died, Failed, LocalWorkers, Ok, Result, TimedOut, Workers

from .results import ResultsFile, bench_config, open_results
from .search import SearchConfig

#: Address-space limit of one worker (bytes).
MEMORY_LIMIT = 4 * 1024**3
#: Seconds a worker may run past its problem's time limit before it is killed.
GRACE = 5.0


@dataclass(frozen=True)
class Task:
    name: str
    text: str
    timeout: float
    seed: int
    mode: str = "ddar"  # or "search" (DD+AR, then auxiliary points proposed)
    proposer: str = "heuristic"
    model: str | None = None
    beam_size: int = SearchConfig.beam_size
    depth: int = SearchConfig.depth
    k: int = SearchConfig.k  # clauses asked of the proposer per search state
    bundle: int = SearchConfig.bundle  # the root's candidates tried this many at a time (0: never)
    cover: int = SearchConfig.cover  # the root's best cover**2 tried two by two in groups of cover (0: never)
    # --spread candidates: the problem's candidates run on ``jobs`` local processes or on Ray
    jobs: int = 1
    backend: str = "local"
    address: str | None = None


def run_task(task: Task) -> dict:
    """Prove one problem (inside a worker process)."""
    from prover.prove import prove_ddar
    from prover.search_cli import answer_texts

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
            if out.status == "solved" and (values := answer_texts(out.proof)):
                row["values"] = values  # find-the-value goals: the values proven
            if out.replayed is not None:
                row["replayed"] = out.replayed.applicable
    except ProblemError as e:
        row.update(status="error", error=str(e))
    except Exception as e:  # a bug: report it, keep the run going
        row.update(status="error", error=f"{type(e).__name__}: {e}")
    row["seconds"] = round(time.monotonic() - start, 4)
    return row


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
    Each task runs in a forked worker (:class:`geometry.workers.LocalWorkers`) with
    :data:`MEMORY_LIMIT` and :data:`GRACE` seconds past its own time limit.
    """
    sink = start_results(tasks, out, overwrite)
    import prover.prove  # noqa: F401  (imported once here, so forked workers start warm)

    done: dict[str, dict] = dict(sink.done) if sink else {}
    todo = [t for t in tasks if t.name not in done]
    if any(t.mode == "search" and t.proposer != "heuristic" for t in todo):
        from lm.proposer import warm_imports  # the model's stack too (each problem's worker loads only weights)

        warm_imports()
    bar = progress_bar(len(tasks), len(tasks) - len(todo), progress)
    try:
        with LocalWorkers(jobs, memory=MEMORY_LIMIT) as workers:
            run_tasks(workers, todo, done, sink, bar)
    finally:
        bar.close()
        if sink:
            sink.close()
    return [done[t.name] for t in tasks if t.name in done]


def run_bench_per_problem(tasks: list[Task], out: Path | None, progress: bool = True,
                          overwrite: bool = False) -> list[dict]:
    """``--spread candidates``: the problems one after another in this process, each search's
    candidates spread over the tasks' ``jobs`` local processes or their Ray cluster (started
    once here, before the first problem, so that its start-up is not any problem's time)."""
    from prover.search import start_ray

    sink = start_results(tasks, out, overwrite)
    done: dict[str, dict] = dict(sink.done) if sink else {}
    todo = [t for t in tasks if t.name not in done]
    bar = progress_bar(len(tasks), len(tasks) - len(todo), progress)
    ray = start_ray(todo[0].jobs, todo[0].address) if todo and todo[0].backend == "ray" else None
    try:
        for task in todo:
            row = run_task(task)
            done[task.name] = row
            if sink:
                sink.write(row)
            bar.update(1)
            bar.set_postfix(solved=sum(r.get("status") == "solved" for r in done.values()))
    finally:
        bar.close()
        if sink:
            sink.close()
        if ray is not None:
            ray.close()
    return [done[t.name] for t in tasks if t.name in done]


def run_tasks(workers: Workers[str, dict], todo: list[Task], done: dict[str, dict], sink: ResultsFile | None,
              bar, grace: float = GRACE) -> None:
    """Run ``todo`` on ``workers`` (local or Ray), each killed ``grace`` seconds past its time
    limit; every row goes into ``done`` and, as it arrives, into the results file."""
    for task in todo:
        workers.submit(task.name, partial(run_task, task), limit=task.timeout + grace)
    for res in workers.results():
        row = result_row(res)
        done[row["name"]] = row
        if sink:
            sink.write(row)
        bar.update(1)
        bar.set_postfix(solved=sum(r.get("status") == "solved" for r in done.values()))


def result_row(res: Result[str, dict]) -> dict:
    """The row of a problem whose worker did not return one (or the row it returned)."""
    match res:
        case Ok(value=row):
            return row
        case Failed(key=name, error=error, seconds=seconds):
            return {"name": name, "status": "error", "error": error, "seconds": round(seconds, 4)}
        case Died(key=name, exitcode=code, seconds=seconds):
            died = f"worker died (exit {code})"
            return {"name": name, "status": "error", "error": died, "seconds": round(seconds, 4)}
        case TimedOut(key=name, seconds=seconds):
            return {"name": name, "status": "timeout", "seconds": round(seconds, 4)}
    raise TypeError(f"not a worker result: {res!r}")


def summary(rows: Iterable[dict], total: int) -> str:
    solved = sum(r.get("status") == "solved" for r in rows)
    return f"solved {solved}/{total}"
