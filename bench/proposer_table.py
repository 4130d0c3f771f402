"""One table from several search runs: how many each proposer proves, how early, how fast.

    python bench/proposer_table.py LABEL=RESULTS.jsonl [LABEL=RESULTS.jsonl ...] [--markdown]

Each RESULTS is a ``geoprover bench --mode search --out`` file (the first line its
configuration). Per run: problems solved of those in the file, the median number of
candidates tried up to the one that proved it (the proving candidate's rank in the order the
search tried them) over the problems it proved with auxiliary points, the median time to proof,
and, against the first run, the same median rank over the problems both proved with
auxiliary points (so runs are compared on the same problems).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
from pathlib import Path


def _rows(path: Path) -> tuple[dict, dict[str, dict]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    config = json.loads(lines[0]).get("config", {}) if lines else {}
    rows = {}
    for line in lines[1:]:
        if line.strip():
            row = json.loads(line)
            rows[row["name"]] = row
    return config, rows


def _median(xs: list[float]) -> str:
    return f"{statistics.median(xs):.1f}" if xs else "-"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("runs", nargs="+", metavar="LABEL=RESULTS")
    ap.add_argument("--markdown", action="store_true", help="a Markdown table")
    args = ap.parse_args(argv)
    runs = []
    for item in args.runs:
        label, _, path = item.partition("=")
        if not path:
            label, path = Path(item).stem, item
        config, rows = _rows(Path(path))
        runs.append((label, config, rows))
    base = runs[0][2]
    head = ["run", "proposer", "timeout", "solved", "with aux", "median rank", "median time to proof",
            f"median rank on both-with-aux ({runs[0][0]} / this)"]
    table = []
    for label, config, rows in runs:
        solved = [r for r in rows.values() if r.get("status") == "solved"]
        aux = [r for r in solved if r.get("aux_clauses")]
        both = [n for n, r in rows.items() if r.get("status") == "solved" and r.get("aux_clauses")
                and base.get(n, {}).get("status") == "solved" and base[n].get("aux_clauses")]
        pair = (f"{_median([base[n]['candidates'] for n in both])} / {_median([rows[n]['candidates'] for n in both])}"
                f" ({len(both)} problems)")
        table.append([label, str(config.get("proposer", "?")), f"{config.get('timeout', '?')}",
                      f"{len(solved)}/{len(rows)}", str(len(aux)), _median([r["candidates"] for r in aux]),
                      _median([r["time_to_proof"] for r in solved if r.get("time_to_proof") is not None]) + " s",
                      pair])
    if args.markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for row in table:
            print("| " + " | ".join(row) + " |")
    else:
        widths = [max(len(r[i]) for r in [head] + table) for i in range(len(head))]
        for row in [head] + table:
            print("  ".join(c.ljust(w) for c, w in zip(row, widths)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
