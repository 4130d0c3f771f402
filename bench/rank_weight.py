"""Where the model-ranked proposer puts the clause that proved a problem, for several weights.

    python bench/rank_weight.py RESULTS [FILE] [--model DIR] [--weights 0 0.25 0.5 1 2 4]

RESULTS is a search run's rows: a ``geoprover bench --mode search --out`` file, or a
``bench/compare_proofs.py snapshot`` file. For every problem it proved with auxiliary clauses,
the first of them (a clause of the root state) is located among the root's candidates: the
heuristic candidates whose new point is where that clause's point is (the same point, however
named). Each weight ``w`` orders the candidates as :class:`prover.proposers.RankedProposer`
does (``model + w * heuristic``, the model's mean log-probability per token unless
``--total``, with the model's own clauses) and the script prints, per
weight and for the heuristic order alone, the median rank of the proving candidate, its mean
log2 rank, and how many are in the first 1, 10 and 50. The weight with the lowest mean log2
rank is the one to choose. The proofs were found in the heuristic's order, which favours it:
a clause the heuristics rank low was seldom reached.
"""
from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:] = [str(REPO)] + [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import numpy as np  # noqa: E402

from geometry.diagram import extend_diagram, figure_scale, realise  # noqa: E402
from geometry.errors import ProblemError  # noqa: E402
from geometry.problem import read_problems  # noqa: E402
from geometry.tolerance import NUMERIC_CHECK  # noqa: E402
from prover.problem_sets import resolve  # noqa: E402
from prover.proposers import HeuristicProposer, SearchState, combine  # noqa: E402


def proving_clauses(path: str) -> dict[str, str]:
    """Problem name -> the first auxiliary clause of its proof, from a results or snapshot file."""
    text = Path(path).read_text(encoding="utf-8")
    rows: dict[str, dict] = {}
    if text.lstrip().startswith("{\"config\"") and "\n" in text.strip():  # bench results: JSON lines
        for line in text.splitlines()[1:]:
            if line.strip():
                row = json.loads(line)
                rows[row["name"]] = row
    else:
        rows = json.loads(text)["rows"]
    out = {}
    for name, row in rows.items():
        aux = row.get("aux_clauses", row.get("aux"))
        if row.get("status") == "solved" and isinstance(aux, list) and aux:
            out[name] = aux[0]
    return out


def _rank(order: list[str], proving: set[str]) -> int | None:
    return next((i + 1 for i, c in enumerate(order) if c in proving), None)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("results")
    ap.add_argument("file", nargs="?", default="olympiad_dev")
    ap.add_argument("--model", default=None)
    ap.add_argument("--weights", type=float, nargs="+", default=[0.0, 0.25, 0.5, 1.0, 2.0, 4.0])
    ap.add_argument("--pool", type=int, default=2048, help="heuristic candidates ranked (default 2048)")
    ap.add_argument("--generated", type=int, default=32, help="the model's own clauses (default 32)")
    ap.add_argument("--total", action="store_true",
                    help="the model's total log-probability (default: per token, as RankedProposer)")
    args = ap.parse_args(argv)
    import torch

    from lm.proposer import load

    torch.set_num_threads(1)
    model = load(args.model)
    clauses = proving_clauses(args.results)
    problems = {p.name: p for p in read_problems(resolve(args.file))}
    heuristic = HeuristicProposer()
    ranks: dict[str, list[int | None]] = {"heuristic": []} | {f"w={w:g}": [] for w in args.weights}
    used = 0
    for name, clause in sorted(clauses.items()):
        # a snapshot names a problem FILE/NAME, a results file NAME
        problem = problems.get(name) or next((p for n, p in problems.items() if name.endswith("/" + n)), None)
        if problem is None:
            continue
        try:
            diagram = realise(problem, seed=0, check_goals=False)
            ext = extend_diagram(diagram, [problem.with_aux_clause(clause).aux[-1]], np.random.default_rng(0))
        except (ProblemError, ArithmeticError, ValueError, KeyError) as e:
            print(f"{name}: skipped ({type(e).__name__}: {e})", file=sys.stderr)
            continue
        target = [ext.points[p] for p in ext.points if p not in diagram.points]
        tol = 10 * NUMERIC_CHECK * figure_scale(diagram.points)
        state = SearchState(problem, diagram.points)
        cands = heuristic.ranked(state, args.pool)
        proving = {p.clause for p, z in cands if any(abs(z - t) <= tol for t in target)}
        heur = [p for p, _ in cands]
        own_texts = [c.to_text() for c, _ in model.propose_clauses(problem, args.generated).clauses]
        scores = model.score(problem, [p.clause for p in heur] + own_texts, per_token=not args.total)
        own = list(zip(own_texts, scores[len(heur):]))
        scores = scores[:len(heur)]
        proving |= {c for c, _ in own if c == clause}
        used += 1
        ranks["heuristic"].append(_rank([p.clause for p in heur], proving))
        for w in args.weights:
            ranks[f"w={w:g}"].append(_rank([p.clause for p in combine(heur, scores, own, w)], proving))
        print(f"{name}: {clause}; heuristic rank {ranks['heuristic'][-1]}, "
              + ", ".join(f"{k} {v[-1]}" for k, v in ranks.items() if k != "heuristic"), file=sys.stderr)
    print(f"{used} problems proved with an auxiliary clause ({args.results}); model {model.path}")
    print(f"{'order':>10}  {'found':>5}  {'median':>6}  {'mean log2':>9}  {'top1':>4}  {'top10':>5}  {'top50':>5}")
    for key, rs in ranks.items():
        found = [r for r in rs if r is not None]
        missing = len(rs) - len(found)
        logs = [math.log2(r) for r in found] + [math.log2(args.pool + args.generated)] * missing
        med = statistics.median(found) if found else float("nan")
        print(f"{key:>10}  {len(found):>5}  {med:>6.1f}  {statistics.fmean(logs) if logs else float('nan'):>9.2f}  "
              f"{sum(r <= 1 for r in found):>4}  {sum(r <= 10 for r in found):>5}  {sum(r <= 50 for r in found):>5}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
