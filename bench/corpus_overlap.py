"""How many corpus problems equal a benchmark problem up to renaming of points.

    python bench/corpus_overlap.py CORPUS [FILE ...]

A corpus problem (its premises and goal, auxiliary clauses left out) and a benchmark
problem are equal when their canonical forms are (:func:`synth.canon.canonical`:
points renamed in order of appearance, independent clauses in a fixed order, the
goal in canonical form; :mod:`prover.corpus_check`, which ``geoprover train`` runs and which
refuses a corpus with any). Also prints the overlap of premises alone (same figure, any goal).
Default FILEs: the bundled benchmark sets (jgex and olympiad_dev).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:] = [str(REPO)] + [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from geometry.problem import Problem, parse_problem, read_problems  # noqa: E402
from lm.data import read_examples  # noqa: E402
from prover.corpus_check import statement_key  # noqa: E402
from prover.problem_sets import resolve, set_path  # noqa: E402
from synth.canon import canonical  # noqa: E402

DEFAULT = [str(set_path(name)) for name in ("jgex", "olympiad_dev")]  # prover/benchmarks/


def _keys(p: Problem) -> tuple[str, str]:
    return statement_key(p), canonical(Problem(p.name, p.clauses, (), ())).text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus")
    ap.add_argument("files", nargs="*", default=DEFAULT, help="problem files or set names")
    args = ap.parse_args(argv)
    bench: dict[str, tuple[str, str]] = {}
    for f in args.files:
        for p in read_problems(resolve(f)):
            bench[f"{Path(f).stem}/{p.name}"] = _keys(p)
    whole = {k[0]: n for n, k in bench.items()}
    setups = {k[1]: n for n, k in bench.items()}
    n = same = same_setup = 0
    hit_names: set[str] = set()
    hit_setups: set[str] = set()
    for rec in read_examples(args.corpus):
        n += 1
        k = _keys(parse_problem("example", rec["problem"]))
        if k[0] in whole:
            same += 1
            hit_names.add(whole[k[0]])
        if k[1] in setups:
            same_setup += 1
            hit_setups.add(setups[k[1]])
    print(f"corpus {args.corpus}: {n} examples; benchmark problems: {len(bench)}")
    print(f"equal to a benchmark problem up to renaming: {same} examples ({100 * same / max(n, 1):.2f}%), "
          f"covering {len(hit_names)} of {len(bench)} benchmark problems")
    print(f"same premises as a benchmark problem (any goal): {same_setup} examples, "
          f"covering {len(hit_setups)} benchmark figures")
    for name in sorted(hit_names)[:20]:
        print(f"  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
