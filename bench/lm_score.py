"""Speed of the language model's clause scores: what ranking a search state's candidates costs.

    python bench/lm_score.py [--model DIR] [FILE] [-n 100 1000] [--limit N] [--batch B]

For each problem (default: the bundled olympiad dev set) the heuristic proposer's first ``n``
candidates are scored by the model (:meth:`lm.proposer.LMProposer.score`: teacher-forced, the
prompt run once and its cache shared by batches of clauses). Prints, per ``n``, the milliseconds
per call (median, p90, max) and per clause, and the prompt lengths. One torch thread: one core,
as in the search.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:] = [str(REPO)] + [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from geometry.diagram import realise  # noqa: E402
from geometry.errors import ProblemError  # noqa: E402
from geometry.problem import read_problems  # noqa: E402
from prover.problem_sets import resolve, set_path  # noqa: E402
from prover.proposers import HeuristicProposer, SearchState  # noqa: E402

DEFAULT = set_path("olympiad_dev")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file", nargs="?", default=str(DEFAULT))
    ap.add_argument("--model", default=None)
    ap.add_argument("-n", type=int, nargs="+", default=[100, 1000], help="clauses per call (default 100 1000)")
    ap.add_argument("--limit", type=int, default=12, help="problems (default 12)")
    ap.add_argument("--batch", type=int, default=64, help="clauses per forward pass (default 64)")
    args = ap.parse_args(argv)
    import torch

    from lm.proposer import load
    from lm.serialize import encode_problem

    torch.set_num_threads(1)
    model = load(args.model)
    tok = model.ckpt.tokenizer
    heuristic = HeuristicProposer()
    times: dict[int, list[float]] = {n: [] for n in args.n}
    prompts: list[int] = []
    scored: dict[int, int] = {n: 0 for n in args.n}
    for problem in read_problems(resolve(args.file))[: args.limit]:
        try:
            points = realise(problem, seed=0, check_goals=False).points
        except ProblemError:
            continue
        cands = [p.clause for p in heuristic.propose(SearchState(problem, points), max(args.n))]
        prompts.append(len(tok.encode(encode_problem(problem).text)))
        model.score(problem, cands[:8])  # warm
        for n in args.n:
            t0 = time.perf_counter()
            got = model.score(problem, cands[:n], batch=args.batch)
            times[n].append(time.perf_counter() - t0)
            scored[n] += len(got)
    print(f"model {model.path}; {len(prompts)} problems, prompt {min(prompts)}-{max(prompts)} tokens "
          f"(median {statistics.median(prompts):.0f}); one torch thread, batch {args.batch}")
    for n in args.n:
        ms = sorted(1000 * t for t in times[n])
        p90 = ms[min(len(ms) - 1, int(0.9 * len(ms)))]
        per = 1000 * sum(times[n]) / max(scored[n], 1)
        print(f"n={n:5d}: median {statistics.median(ms):7.0f} ms, p90 {p90:7.0f} ms, max {ms[-1]:7.0f} ms per call; "
              f"{per:.2f} ms per clause ({scored[n] / len(ms):.0f} clauses per call)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
