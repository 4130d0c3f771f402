"""Speed and validity of the language model's proposals on a problem file.

    python bench/lm_propose.py [--model DIR] [FILE] [-k 8 32] [--limit N]

Loads the model (default: the bundled one), then for each problem and each k asks
for k auxiliary clauses (beam search, k beams) and prints, per k, the milliseconds
per call (median, p90), how many beams were malformed or duplicates, and how many
clauses realise in the problem's figure. Default FILE: the bundled jgex
set. One torch thread, as in the search.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:] = [str(REPO)] + [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from geometry.problem import read_problems  # noqa: E402
from prover.problem_sets import resolve, set_path  # noqa: E402

DEFAULT = set_path("jgex")  # the bundled benchmark (prover/benchmarks/)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file", nargs="?", default=str(DEFAULT))
    ap.add_argument("--model", default=None)
    ap.add_argument("-k", type=int, nargs="+", default=[8, 32])
    ap.add_argument("--limit", type=int, default=60, help="problems (default 60)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    from lm.evaluate import realised as built_in_figure
    from lm.proposer import load

    proposer = load(args.model)
    print(f"model {proposer.ckpt.path}: loaded (with torch and transformers imported) in "
          f"{time.perf_counter() - t0:.2f} s")
    problems = [p for p in read_problems(resolve(args.file)) if p.goal is not None][: args.limit]
    for k in args.k:
        proposer.beams = k
        ms: list[float] = []
        clauses = malformed = dupes = realised = 0
        for p in problems:
            got = proposer.propose_clauses(p, k)
            ms.append(1000 * got.seconds)
            clauses += len(got.clauses)
            malformed += got.malformed
            dupes += got.duplicates
            realised += built_in_figure(p, [c for c, _ in got.clauses], figure_seed=0) or 0
        ms.sort()
        beams = len(problems) * k
        print(f"k={k:<3} {len(problems)} problems: {statistics.median(ms):.0f} ms median, "
              f"{ms[int(0.9 * (len(ms) - 1))]:.0f} ms p90 per call; of {beams} beams {malformed} malformed, "
              f"{dupes} duplicates, {clauses} distinct clauses ({realised} realise in the figure)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
