"""What a bundle costs: DD+AR on N of the root's candidates at once against N single runs.

On the problems of a file that DD+AR alone leaves unproven, the heuristic proposer's first
``--candidates`` clauses are prepared as the search prepares them (``prover.search._prepare``)
and run through DD+AR from the saturated root, one at a time and then ``N`` at a time for each
``--sizes`` N (``prover.search.combine``: the search's bundles), each run in a forked worker.
CPU time (parent and workers) is measured with ``getrusage``, so the numbers do not depend on
what else runs on the machine. For each size the table gives the CPU seconds per candidate and
the runs that proved the goal (a bundle's proof may need several of its points together). Run:

    .venv/bin/python bench/bundles.py olympiad_dev --candidates 64 --sizes 8,16 --limit 10
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

# bench/ holds ddar.py: keep this folder off the path so that ``ddar`` is the package
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

import numpy as np  # noqa: E402

from ddar.engine import Budget  # noqa: E402
from ddar.extend import extend_engine  # noqa: E402
from geometry.errors import ProblemError  # noqa: E402
from geometry.problem import parse_problem, split_problem_text  # noqa: E402
from prover.problem_sets import resolve  # noqa: E402
from prover.proposers import HeuristicProposer, SearchState  # noqa: E402
from prover.prove import run_ddar  # noqa: E402
from prover.search import _Node, _prepare, _Stats, combine  # noqa: E402

from bench.search import cpu_seconds, forked  # noqa: E402  (CPU time with the workers', a forked run)


def measure(name: str, text: str, k: int, sizes: list[int], timeout: float) -> dict[int, tuple[int, float, int]] | None:
    """size -> (candidates, CPU seconds, runs that proved the goal); None if DD+AR proves it alone."""
    problem = parse_problem(name, text)
    base = run_ddar(problem, seed=0, timeout=timeout)
    if base.outcome.status != "unsolved" or base.engine is None:
        return None
    node = _Node(problem, base.inner, base.engine, ())
    props = HeuristicProposer().propose(SearchState(problem, node.outer_points()), k)
    stats = _Stats()
    cands = [c for r, p in enumerate(props) if (c := _prepare(node, p, np.random.default_rng([0, 1, 0, r]), stats))]
    goal = problem.goal.rename(base.inner)
    out = {}
    for size in [1, *sizes]:
        t0, proved = cpu_seconds(), 0
        for lo in range(0, len(cands), size):
            group = combine(node, cands[lo:lo + size])

            def run(group=group) -> bool:
                extend_engine(base.engine, group.diagram)  # the forked child's own copy
                return base.engine.prove(goal, Budget(timeout=timeout)).solved

            proved += forked(run)
        out[size] = (len(cands), cpu_seconds() - t0, proved)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file", help="problem file or set name (jgex, olympiad_dev, examples)")
    ap.add_argument("--candidates", type=int, default=64, help="heuristic candidates per problem (default 64)")
    ap.add_argument("--sizes", default="8,16", help="bundle sizes, comma-separated (default 8,16)")
    ap.add_argument("--timeout", type=float, default=20.0, help="seconds per DD+AR run (default 20)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N unproven problems")
    args = ap.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
    if not sizes or min(sizes) < 2:
        ap.error("--sizes: bundle sizes of at least 2")
    pairs = split_problem_text(resolve(args.file).read_text(encoding="utf-8"), args.file)
    total = {s: [0, 0.0, 0] for s in [1, *sizes]}
    problems = 0
    start = time.monotonic()
    head = "".join(f" {'s/cand@' + str(s):>11} {'proved':>6}" for s in total)
    print(f"{'problem':<36} {'cands':>5}{head}")
    for name, text in pairs:
        try:
            row = measure(name, text, args.candidates, sizes, args.timeout)
        except ProblemError:
            continue
        if row is None:
            continue
        problems += 1
        cells = ""
        for s, (n, cpu, proved) in row.items():
            total[s][0] += n
            total[s][1] += cpu
            total[s][2] += proved
            cells += f" {cpu / max(n, 1):>11.3f} {proved:>6}"
        print(f"{name[-36:]:<36} {row[1][0]:>5}{cells}", flush=True)
        if args.limit and problems >= args.limit:
            break
    if not problems:
        print("no unproven problems")
        return 0
    print(f"\n{problems} problems DD+AR leaves unproven ({time.monotonic() - start:.0f} s wall)")
    single = total[1][1] / max(total[1][0], 1)
    for s, (n, cpu, proved) in total.items():
        per = cpu / max(n, 1)
        print(f"{'single' if s == 1 else f'bundles of {s}':<14} {per:7.3f} CPU s per candidate "
              f"({per / single:4.2f}x single), {proved} runs proved the goal")
    return 0


if __name__ == "__main__":
    sys.exit(main())
