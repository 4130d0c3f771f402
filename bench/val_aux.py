"""Held-out synthetic problems that need auxiliary points: a problem file for the search.

    python bench/val_aux.py [CORPUS] [--out out/val_aux.txt] [--limit 400] [--timeout 20] [--per-figure 1] [--split validation|train]

Takes the auxiliary examples of a ``geoprover synth`` corpus that lie in the language
model's validation split (by figure, :func:`lm.data.is_validation`: the model never trained
on these figures), drops their auxiliary clauses, keeps each statement once, and runs today's
DD+AR on each. Those it still cannot prove are written as a problem file (name line, problem
line), so the proposers can be compared in distribution:

    geoprover bench out/val_aux.txt --mode search --proposer heuristic|lm|mix --timeout 30

The jgex problems are a different distribution (hand-made figures); this is the one the
model was trained for. Prints counts; never fails on them.
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from geometry.errors import ProblemError  # noqa: E402
from geometry.problem import parse_problem  # noqa: E402
from lm.data import is_validation, read_examples  # noqa: E402
from prover.prove import prove_ddar  # noqa: E402


def held_out_statements(corpus: Path, limit: int, per_figure: int, split: str = "validation"):
    """(figure seed, index within the figure, statement without aux clauses ? goal) of the
    aux examples of ``split``: distinct, at most ``per_figure`` of each figure (so one
    figure's many goals do not fill the set)."""
    seen: set[str] = set()
    per: Counter[int] = Counter()
    for rec in read_examples(corpus):
        seed = int(rec["seed"])
        if not rec.get("aux") or is_validation(seed) != (split == "validation") or per[seed] >= per_figure:
            continue
        statement = rec["problem"].split("|")[0].split("?")[0].strip()
        text = f"{statement} ? {rec['goal']}"
        if text in seen:
            continue
        seen.add(text)
        per[seed] += 1
        yield seed, per[seed], text
        if len(seen) >= limit:
            return


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(REPO / "out" / "corpus"))
    ap.add_argument("--out", default=str(REPO / "out" / "val_aux.txt"))
    ap.add_argument("--limit", type=int, default=400, help="distinct validation statements tried")
    ap.add_argument("--timeout", type=float, default=20.0, help="DD+AR seconds per statement")
    ap.add_argument("--per-figure", type=int, default=1, help="statements kept per figure (default 1)")
    ap.add_argument("--split", choices=("validation", "train"), default="validation",
                    help="the held-out figures (default), or training ones (how hard the data is)")
    args = ap.parse_args()
    corpus = Path(args.corpus)
    if not corpus.is_dir():
        sys.exit(f"bench/val_aux.py: no corpus folder {corpus}")
    tried = proven = errors = 0
    kept: list[tuple[str, str]] = []
    for seed, index, text in held_out_statements(corpus, args.limit, args.per_figure, args.split):
        tried += 1
        name = f"{'val' if args.split == 'validation' else 'train'}_aux/{seed}-{index}"
        try:
            out = prove_ddar(parse_problem(name, text), timeout=args.timeout)
        except ProblemError as e:
            errors += 1
            print(f"  {name}: {e}", file=sys.stderr)
            continue
        if out.proof is not None:
            proven += 1
            continue
        kept.append((name, text))
    out_path = Path(args.out)
    tmp = out_path.with_suffix(out_path.suffix + ".tmp")
    tmp.write_text("".join(f"{n}\n{t}\n" for n, t in kept), encoding="utf-8")
    tmp.replace(out_path)
    print(f"{args.split} aux statements tried {tried}; DD+AR proves {proven} without aux points; "
          f"errors {errors}; {len(kept)} written to {out_path}")


if __name__ == "__main__":
    main()
