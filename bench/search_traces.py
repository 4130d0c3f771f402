"""Search traces as training data: the clauses of checked search proofs, as a corpus to fine-tune on.

    python bench/val_aux.py out/corpus --split train --out out/train_hard.txt --limit 300
    geoprover bench out/train_hard.txt --mode search --proposer ranked --timeout 30 --jobs 2 --out out/traces.jsonl
    python bench/search_traces.py out/traces.jsonl out/train_hard.txt --out out/traces
    geoprover train --data out/traces --out out/ft_traces --stage finetune --init lm/model --steps 200 --seed 0

The first command writes the statements of training figures that DD+AR cannot prove alone
(never a benchmark's: they come from ``geoprover synth`` figures, named ``train_aux/SEED-I``);
the search proves some; this script keeps every solved row whose proof needed auxiliary clauses
(``geoprover bench`` rows are written only after the proof passed the checker in its figure and
replayed in fresh ones) and writes them as a corpus folder in the synth format (one gzip shard
and a manifest), each example ``statement | the search's clauses ? goal``, with the figure seed
its name carries (so the training/validation split by figure stays the synth corpus's). A
statement that is not a training figure's (a name without a seed) is refused: benchmark
problems never enter a corpus.
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:] = [str(REPO)] + [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from geometry.errors import ProblemError  # noqa: E402
from geometry.problem import read_problems  # noqa: E402
from lm.data import is_validation  # noqa: E402

_NAME = re.compile(r"train_aux/(\d+)-\d+")


def traces(results: Path, problems: Path) -> tuple[list[dict], dict[str, int]]:
    """The examples of the solved rows with auxiliary clauses, and counts of what was left out."""
    by_name = {p.name: p for p in read_problems(problems)}
    lines = results.read_text(encoding="utf-8").splitlines()
    counts = {"rows": 0, "solved": 0, "with_aux": 0, "validation": 0, "kept": 0}
    out: list[dict] = []
    for line in lines[1:]:  # the first line is the run's {"config": ...}
        if not line.strip():
            continue
        row = json.loads(line)
        counts["rows"] += 1
        if row.get("status") != "solved":
            continue
        counts["solved"] += 1
        aux = row.get("aux_clauses") or []
        if not aux:
            continue
        counts["with_aux"] += 1
        m = _NAME.fullmatch(row["name"])
        if m is None:
            raise SystemExit(f"bench/search_traces.py: {row['name']!r} is not a training figure's statement "
                             "(train_aux/SEED-I): only synthetic statements enter a corpus")
        seed = int(m.group(1))
        if is_validation(seed):
            counts["validation"] += 1  # a held-out figure: never trained on
            continue
        problem = by_name[row["name"]]
        try:
            for clause in aux:
                problem = problem.with_aux_clause(clause)
        except ProblemError as e:
            raise SystemExit(f"bench/search_traces.py: {row['name']}: {e}") from None
        out.append({"problem": problem.to_text(), "goal": str(problem.goal), "aux": list(aux), "proof": [],
                    "seed": seed, "key": row["name"], "relabelled": False, "source": "search"})
        counts["kept"] += 1
    return out, counts


def write_corpus(root: Path, examples: list[dict], source: dict) -> None:
    root.mkdir(parents=True, exist_ok=True)
    shard = root / "shard-00000.jsonl.gz"
    tmp = shard.with_suffix(".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8") as f:
        for ex in examples:
            f.write(json.dumps(ex) + "\n")
    tmp.replace(shard)
    manifest = {"format": 1, "examples": len(examples), "aux_examples": len(examples), "complete": True,
                "target": len(examples), "source": source, "shards": [{"file": shard.name, "examples": len(examples)}]}
    tmp = root / "manifest.json.tmp"
    tmp.write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    tmp.replace(root / "manifest.json")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("results", type=Path, help="a geoprover bench --mode search --out file")
    ap.add_argument("problems", type=Path, help="the problem file it ran on (bench/val_aux.py --split train)")
    ap.add_argument("--out", type=Path, required=True, help="corpus folder to write")
    args = ap.parse_args(argv)
    examples, counts = traces(args.results, args.problems)
    write_corpus(args.out, examples, {"results": str(args.results), "problems": str(args.problems)})
    print(f"{counts['rows']} rows, {counts['solved']} solved, {counts['with_aux']} with auxiliary clauses, "
          f"{counts['validation']} of held-out figures left out; {counts['kept']} examples written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
