"""Soundness across configurations: replay every DD+AR proof in fresh figures.

    python bench/soundness.py [FILE] [--figures 10] [--jobs 2] [--timeout 60] [--seed 0]

For each problem of FILE (a path or a set name; default: the bundled jgex set), the
prover classifies the goal, proves it in a figure where it holds, and replays the
proof in ``--figures`` fresh figures of the problem: in each figure where the
proof's configuration hypotheses hold, every line must hold. Prints, per outcome,
the counts, the proofs that fail in some figure (none is the target), how many
proofs are conditional (state hypotheses) and how many fresh figures they were
replayed in.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from geometry.errors import ProblemError  # noqa: E402
from geometry.problem import parse_problem  # noqa: E402
from prover.cli import read_problem_pairs  # noqa: E402
from prover.prove import prove_ddar  # noqa: E402
from prover.problem_sets import resolve, set_path  # noqa: E402

DEFAULT = set_path("jgex")  # the bundled benchmark (prover/benchmarks/)


def one(task: tuple[str, str, int, float, int]) -> dict:
    name, text, figures, timeout, seed = task
    try:
        out = prove_ddar(parse_problem(name, text), seed=seed, timeout=timeout, replay_figures=figures)
    except ProblemError as e:
        return {"name": name, "status": "error", "error": str(e)}
    row: dict = {"name": name, "status": out.status, "goal": out.goal_class.status if out.goal_class else None}
    if out.proof is not None:
        row["conditions"] = [str(c) for c in out.proof.conditions]
        row["applicable"] = out.replayed.applicable if out.replayed else 0
        row["replay_failures"] = list(out.replayed.failures) if out.replayed else []
        row["check_errors"] = [e for e in (out.check.errors if out.check else ()) if not e.startswith("figure ")]
    return row


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("file", nargs="?", default=str(DEFAULT))
    ap.add_argument("--figures", type=int, default=10, help="fresh figures per proof (default 10)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    if not resolve(args.file).is_file():
        print(f"no such file: {args.file}", file=sys.stderr)
        return 2
    pairs = read_problem_pairs(args.file)
    tasks = [(n, t, args.figures, args.timeout, args.seed) for n, t in pairs]
    start = time.monotonic()
    with mp.get_context("fork").Pool(args.jobs, maxtasksperchild=20) as pool:
        rows = pool.map(one, tasks, chunksize=1)
    wall = time.monotonic() - start
    status = Counter(r["status"] for r in rows)
    proofs = [r for r in rows if "conditions" in r]
    failing = [r for r in proofs if r["replay_failures"]]
    conditional = [r for r in proofs if r["conditions"]]
    goals = Counter(r.get("goal") for r in rows)
    print(f"problems {len(rows)}: " + ", ".join(f"{k} {v}" for k, v in sorted(status.items())))
    print(f"goals: true in every figure drawn {goals['all']}, in some {goals['some']}, in none {goals['none']}")
    print(f"proofs found {len(proofs)}; conditional (state hypotheses) {len(conditional)}")
    print(f"replayed in {sum(r['applicable'] for r in proofs)} fresh figures where their hypotheses hold "
          f"({args.figures} drawn per proof)")
    print(f"proofs with a line false in a fresh figure: {len(failing)}")
    for r in failing[:10]:
        print(f"  {r['name']}: {r['replay_failures'][0]}")
    rejected = [r for r in proofs if r["check_errors"]]
    print(f"proofs rejected by the checker in their own figure: {len(rejected)}")
    for r in rejected[:10]:
        print(f"  {r['name']}: {r['check_errors'][0]}")
    print(f"wall {wall:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
