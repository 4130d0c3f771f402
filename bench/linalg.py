"""Benchmark of ddar.linalg.LinearTable on a random sparse table.

Builds a seeded random table (default 1000 variables, 2000 equations with 2-4
terms and coefficients +-1; constants from a hidden solution in twelfths, so
the system is consistent, also modulo 1) and prints the time for the adds,
for 1000 ``implies`` queries and for 100 ``explain`` queries, median of 3 runs.

Queries: 40% sums of two input equations ("local": short explanations), 40%
differences of two variables with their true value ("global": in this
uniformly random table they need hundreds of reasons), 20% perturbed ones
(not implied). Explains take the implied queries in order (about half local,
half global), each kind timed separately.

    python bench/linalg.py [--vars N] [--eqs M] [--seed S] [--runs R] [--modulus]
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ddar.linalg import LinearTable

Query = tuple[str, dict, Fraction]


def random_system(n_vars: int, n_eqs: int, seed: int) -> tuple[list, list[Fraction]]:
    """Sparse equations with 2-4 terms, coefficients +-1, consistent by construction."""
    rng = random.Random(seed)
    solution = [Fraction(rng.randrange(12), 12) for _ in range(n_vars)]
    eqs = []
    for _ in range(n_eqs):
        xs = rng.sample(range(n_vars), rng.randint(2, 4))
        coeffs = {x: rng.choice((1, -1)) for x in xs}
        eqs.append((coeffs, sum(c * solution[x] for x, c in coeffs.items())))
    return eqs, solution


def random_queries(eqs: list, solution: list, count: int, seed: int) -> list[Query]:
    rng = random.Random(seed + 1)
    queries = []
    for i in range(count):
        if i % 5 in (0, 1):
            (c1, k1), (c2, k2) = rng.sample(eqs, 2)
            coeffs = dict(c1)
            for v, c in c2.items():
                coeffs[v] = coeffs.get(v, 0) + c
            queries.append(("local", coeffs, k1 + k2))
        else:
            a, b = rng.sample(range(len(solution)), 2)
            const = solution[a] - solution[b] + (Fraction(1, 7) if i % 5 == 4 else 0)
            queries.append(("global", {a: 1, b: -1}, const))
    return queries


def run_once(eqs: list, queries: list[Query], modulus: Fraction | None) -> dict:
    table = LinearTable(modulus)
    t0 = time.perf_counter()
    for i, (coeffs, const) in enumerate(eqs):
        table.add(coeffs, const, i)
    t1 = time.perf_counter()
    implied = [table.implies(coeffs, const) for _, coeffs, const in queries]
    t2 = time.perf_counter()
    result = {"adds": t1 - t0, "implies": t2 - t1, "rank": table.rank, "implied": sum(implied)}
    to_explain = [q for q, ok in zip(queries, implied, strict=True) if ok][:100]
    for kind in ("local", "global"):
        chosen = [(c, k) for kd, c, k in to_explain if kd == kind]
        t3 = time.perf_counter()
        sizes = [len(table.explain(c, k)) for c, k in chosen]
        result[kind] = (time.perf_counter() - t3, len(chosen), statistics.mean(sizes or [0]))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vars", type=int, default=1000)
    parser.add_argument("--eqs", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--modulus", action="store_true", help="work modulo 1 (angles)")
    args = parser.parse_args()
    eqs, solution = random_system(args.vars, args.eqs, args.seed)
    queries = random_queries(eqs, solution, 1000, args.seed)
    modulus = Fraction(1) if args.modulus else None
    runs = [run_once(eqs, queries, modulus) for _ in range(args.runs)]
    last = runs[-1]
    print(f"{args.vars} vars, {args.eqs} equations (rank {last['rank']}), modulus {modulus}, "
          f"median of {args.runs} runs")
    adds, implies = (statistics.median(r[key] for r in runs) for key in ("adds", "implies"))
    print(f"  {args.eqs} adds:           {adds * 1e3:8.1f} ms")
    print(f"  1000 implies:         {implies * 1e3:8.1f} ms  ({last['implied']} implied)")
    for kind in ("local", "global"):
        seconds = statistics.median(r[kind][0] for r in runs)
        _, count, size = last[kind]
        print(f"  {count:3d} {kind:6} explains:  {seconds * 1e3:8.1f} ms"
              f"  (mean {size:.1f} reasons)")


if __name__ == "__main__":
    main()
