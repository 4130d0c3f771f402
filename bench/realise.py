"""Time parsing and realising a whole benchmark file.

    python bench/realise.py [FILE] [--runs N] [--seed S]

FILE (a path or a set name) defaults to the bundled jgex set.
Prints the median over N runs (default 5) of the time to parse every problem and
to realise every problem, and the mean per problem. It never fails on timing.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from typing import Callable

from geometry.diagram import realise
from geometry.problem import Problem, parse_problem, split_problem_text
from prover.problem_sets import resolve, set_path  # noqa: E402

DEFAULT = set_path("jgex")  # the bundled benchmark (prover/benchmarks/)


def timed(fn: Callable[[], object], runs: int) -> float:
    """Median wall time of ``fn`` over ``runs`` runs, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", default=str(DEFAULT), help=f"problem file (default {DEFAULT})")
    parser.add_argument("--runs", type=int, default=5, help="runs to take the median of (default 5)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the diagrams (default 0)")
    args = parser.parse_args(argv)

    pairs = split_problem_text(resolve(args.file).read_text(encoding="utf-8"), args.file)
    n = len(pairs)
    problems: list[Problem] = [parse_problem(name, text) for name, text in pairs]

    parse_s = timed(lambda: [parse_problem(name, text) for name, text in pairs], args.runs)
    realise_s = timed(lambda: [realise(p, seed=args.seed) for p in problems], args.runs)
    print(f"file      {args.file} ({n} problems, median of {args.runs} runs)")
    print(f"parse     {parse_s * 1e3:8.1f} ms total  {parse_s / n * 1e3:7.3f} ms/problem")
    print(f"realise   {realise_s * 1e3:8.1f} ms total  {realise_s / n * 1e3:7.3f} ms/problem")
    return 0


if __name__ == "__main__":
    sys.exit(main())
