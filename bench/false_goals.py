"""Soundness sweep: numerically false goals must never be proven.

    python bench/false_goals.py [FILE] [--variants 5] [--jobs 2] [--timeout 10] [--seed 0]

For every problem of the file (default the bundled ``jgex`` set
beside the repository) the diagram of the *original* problem is realised; then
false goals are made by replacing one point of the goal by another point of the
problem, keeping only variants that are false in the diagram with a clear margin
(the predicate fails even at tolerance 1e-3). Up to ``--variants`` of them per
problem (chosen with a seeded RNG) are handed to :func:`prover.prove.prove_ddar`
(the driver of ``geoprover prove``) in that figure, with a budget of ``--timeout``
seconds per false goal. Problems run in ``--jobs`` worker
processes.

Prints how many false goals were tried and how many were proven (this must be
0), and lists every proven one with its proof. Exit status 1 if any was proven.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
import zlib
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from geometry.diagram import realise  # noqa: E402
from geometry.variants import false_variants  # noqa: E402
from geometry.problem import parse_problem, split_problem_text  # noqa: E402
from geometry.workers import DeadlineExceeded, LocalWorkers, Ok, deadline  # noqa: E402
from prover.prove import format_text, prove_ddar  # noqa: E402
from prover.problem_sets import resolve, set_path  # noqa: E402

DEFAULT_FILE = set_path("jgex")  # the bundled benchmark (prover/benchmarks/)
@dataclass
class Outcome:
    name: str
    tried: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    proven: list[tuple[str, str]] = field(default_factory=list)  # (false goal, proof text)
    error: str = ""
    seconds: float = 0.0


def sweep_problem(args: tuple[str, str, int, float, int]) -> Outcome:
    """Realise one problem and try its false variants (runs in a worker)."""
    name, text, limit, timeout, seed = args
    out = Outcome(name)
    start = time.perf_counter()
    try:
        problem = parse_problem(name, text)
        diagram = realise(problem, seed=seed)
        variants = false_variants(problem, diagram.points, limit, random.Random(zlib.crc32(name.encode()) ^ seed))
    except Exception as e:
        out.error = f"{type(e).__name__}: {e}"
        return out
    for goal in variants:
        out.tried += 1
        status = "error"
        try:
            with deadline(timeout + 30):
                # the driver of ``geoprover prove``, in the original problem's figure
                result = prove_ddar(replace(problem, goals=(goal,)), figure=diagram, timeout=timeout, seed=seed)
            status = result.status
            if result.proof is not None:  # derived by the engine, whatever the checker said
                out.proven.append((str(goal), f"[{status}]\n" + format_text(result.proof)))
        except DeadlineExceeded:
            status = "timeout"
        except Exception as e:
            out.error = f"{goal}: {type(e).__name__}: {e}"
        out.statuses[status] = out.statuses.get(status, 0) + 1
    out.seconds = time.perf_counter() - start
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file", nargs="?", type=resolve, default=DEFAULT_FILE, help="problem file or set name (default jgex)")
    ap.add_argument("--variants", type=int, default=5, help="false goals per problem (default 5)")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument("--timeout", type=float, default=10.0, help="engine budget per false goal, seconds (default 10)")
    ap.add_argument("--seed", type=int, default=0, help="diagram seed and variant choice")
    ap.add_argument("--limit", type=int, default=None, help="only the first N problems")
    args = ap.parse_args(argv)
    if not args.file.is_file():
        print(f"benchmark file not found: {args.file}", file=sys.stderr)
        return 2
    pairs = split_problem_text(args.file.read_text(encoding="utf-8"), str(args.file))[: args.limit]
    tasks = [(n, t, args.variants, args.timeout, args.seed) for n, t in pairs]
    t0 = time.perf_counter()
    outcomes: list[Outcome] = []
    if args.jobs > 1:
        workers: LocalWorkers[int, Outcome] = LocalWorkers(args.jobs)
        with workers:
            for i, task in enumerate(tasks):
                workers.submit(i, partial(sweep_problem, task))
            for res in workers.results():
                o = res.value if isinstance(res, Ok) else Outcome(tasks[res.key][0], error=f"worker: {res}")
                outcomes.append(o)
                _progress(o)
    else:
        for task in tasks:
            o = sweep_problem(task)
            outcomes.append(o)
            _progress(o)
    wall = time.perf_counter() - t0
    tried = sum(o.tried for o in outcomes)
    proven = [(o.name, g, proof) for o in outcomes for g, proof in o.proven]
    statuses: dict[str, int] = {}
    for o in outcomes:
        for s, n in o.statuses.items():
            statuses[s] = statuses.get(s, 0) + n
    no_variant = [o.name for o in outcomes if not o.tried and not o.error]
    errors = [o for o in outcomes if o.error]
    print()
    print(f"problems {len(outcomes)}; with false variants {sum(o.tried > 0 for o in outcomes)}; "
          f"none found {len(no_variant)}; errors {len(errors)}")
    print("false goals tried: " + str(tried) + "  (" + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())) + ")")
    print(f"false goals proven: {len(proven)}")
    for name, goal, proof in proven:
        print(f"\nPROVEN FALSE GOAL in {name}: {goal}\n{proof}")
    for o in errors:
        print(f"error in {o.name}: {o.error}")
    print(f"wall time {wall:.1f}s with {args.jobs} worker(s)")
    return 1 if proven else 0


def _progress(o: Outcome) -> None:
    flag = "  PROVEN: " + "; ".join(g for g, _ in o.proven) if o.proven else ""
    if flag or o.error:
        print(f"{o.name}: tried {o.tried}{flag}{'  error: ' + o.error if o.error else ''}", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
