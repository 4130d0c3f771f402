"""Which kinds of auxiliary points the proofs of search runs use.

    python bench/kinds.py RESULTS.jsonl [RESULTS.jsonl ...] [--markdown]

Each RESULTS is a ``geoprover bench --mode search --out`` file. A row's ``aux_sources`` says
who proposed each clause the search added (``heuristic:tangent``, ``lm``, ...); a proof
counts once for every kind among its clauses. Rows written before ``aux_sources`` existed
count as ``unknown``.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path


def kinds(paths: list[Path]) -> tuple[Counter, Counter, int]:
    """Proofs using each kind, clauses of each kind, and proofs with auxiliary points."""
    proofs: Counter = Counter()
    clauses: Counter = Counter()
    solved = 0
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines()[1:]:
            row = json.loads(line) if line.strip() else {}
            if row.get("status") != "solved" or not row.get("aux_clauses"):
                continue
            solved += 1
            sources = row.get("aux_sources") or ["unknown"] * len(row["aux_clauses"])
            clauses.update(sources)
            proofs.update(set(sources))
    return proofs, clauses, solved


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("results", nargs="+", type=Path)
    ap.add_argument("--markdown", action="store_true", help="a Markdown table")
    args = ap.parse_args(argv)
    missing = [str(p) for p in args.results if not p.is_file()]
    if missing:
        print(f"kinds: no such results file: {', '.join(missing)}", file=sys.stderr)
        return 2
    proofs, clauses, solved = kinds(args.results)
    rows = sorted(proofs, key=lambda k: (-proofs[k], k))
    if args.markdown:
        print("| kind | proofs using it | clauses |\n|---|---:|---:|")
        for k in rows:
            print(f"| {k} | {proofs[k]} | {clauses[k]} |")
    else:
        print(f"{'kind':<28} {'proofs':>7} {'clauses':>8}")
        for k in rows:
            print(f"{k:<28} {proofs[k]:>7} {clauses[k]:>8}")
    print(f"{solved} proofs with auxiliary points")
    return 0


if __name__ == "__main__":
    sys.exit(main())
