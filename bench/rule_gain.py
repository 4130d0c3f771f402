"""What the engine's rules prove that the engine which made a corpus could not.

    python bench/rule_gain.py [CORPUS] [--limit 300] [--timeout 20] [--seed 0]

The auxiliary examples of a synthetic corpus (``geoprover synth``) are problems whose
proof, under the engine that generated them, needed points that the statement does not
construct. This runs today's DD+AR on each of them *without* those points and prints how
many it now proves, and which rules or tables (of a list of recently added ones) the new
proofs cite: a rule earns its place by such problems (and by jgex ones, see ``bench/ddar.py``).
CORPUS defaults to ``out/corpus``. Prints numbers; never fails on them.
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ddar.equations import Table  # noqa: E402
from geometry.errors import ProblemError  # noqa: E402
from geometry.problem import parse_problem  # noqa: E402
from prover.prove import prove_ddar  # noqa: E402

#: Rules and AR tables added after the first corpus was made (the ones to account for).
RECENT = ("r43", "r44", "r45", "r46", "r50", "r51", "r52", "r53", Table.SQUARE)


def aux_examples(corpus: Path, limit: int):
    """(problem text without its auxiliary clauses, goal) of the first ``limit`` aux examples."""
    n = 0
    for shard in sorted(corpus.glob("shard-*.jsonl.gz")):
        with gzip.open(shard, "rt", encoding="utf-8") as f:
            for line in f:
                ex = json.loads(line)
                if not ex.get("aux"):
                    continue
                statement = ex["problem"].split("|")[0].split("?")[0].strip()
                yield f"{statement} ? {ex['goal']}"
                n += 1
                if n >= limit:
                    return


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(REPO / "out" / "corpus"))
    ap.add_argument("--limit", type=int, default=300)
    ap.add_argument("--timeout", type=float, default=20.0)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    corpus = Path(args.corpus)
    if not corpus.is_dir():
        sys.exit(f"bench/rule_gain.py: no corpus folder {corpus}")
    tried = proven = errors = 0
    cited: Counter[str] = Counter()
    alone: Counter[str] = Counter()
    for i, text in enumerate(aux_examples(corpus, args.limit)):
        tried += 1
        try:
            out = prove_ddar(parse_problem(f"aux{i}", text), seed=args.seed, timeout=args.timeout)
        except ProblemError:
            errors += 1
            continue
        if out.proof is None:
            continue
        proven += 1
        used = sorted({ln.rule for ln in out.proof.steps} & set(RECENT))
        cited.update(used)
        alone[" ".join(used) or "(none of them)"] += 1
    print(f"aux examples tried {tried}; proven now without their aux points {proven} ({proven / max(tried, 1):.1%}); errors {errors}")
    print("recent rules cited by those proofs (a proof may cite several):")
    for rid in RECENT:
        print(f"  {rid:8s} {cited[rid]}")
    print("by the set of recent rules cited:")
    for key, n in alone.most_common():
        print(f"  {n:5d}  {key}")


if __name__ == "__main__":
    main()
