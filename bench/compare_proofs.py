"""Snapshot the proofs the prover finds, and compare two snapshots (a refactoring's check).

    python bench/compare_proofs.py snapshot jgex olympiad_dev --out before.json [--mode ddar|search]
        [--timeout 30] [--jobs 2] [--seed 0]
    python bench/compare_proofs.py diff before.json after.json

``snapshot`` proves every problem of the files (paths or set names) in worker processes
and records, per problem, the status and the proof as plain numbered lines
(:func:`prover.prove.format_text`: predicates, rules and premises, independent of the
exporters' wording of statements; an AR step is named as every format names it,
:data:`prover.export.wording.CHASING`), with the auxiliary clauses of a search proof. ``diff`` prints every
problem whose status or proof differs, and counts them; it exits 1 when a proof differs or
a problem solved in one snapshot is not solved in the other. A timeout in one snapshot and
``unsolved`` in the other is reported apart (timing, not behaviour).
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import sys
import time
from pathlib import Path

_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(_HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE]

from geometry.errors import ProblemError  # noqa: E402
from geometry.problem import parse_problem, split_problem_text  # noqa: E402
from prover.problem_sets import resolve  # noqa: E402


def _one(job: tuple[str, str, str, str, float, int]) -> dict:
    file, name, text, mode, timeout, seed = job
    from prover.prove import format_text, prove_ddar

    row: dict = {"key": f"{file}/{name}"}
    start = time.monotonic()
    try:
        problem = parse_problem(name, text)
        if mode == "search":
            from prover.proposers import make_proposer
            from prover.search import SearchConfig, prove

            res = prove(problem, make_proposer("heuristic"), SearchConfig(timeout=timeout, seed=seed))
            out, row["status"], row["aux"] = res.outcome, res.status, list(res.aux)
        else:
            out = prove_ddar(problem, seed=seed, timeout=timeout)
            row["status"] = "solved" if out.status == "solved" and out.check and out.check.ok else out.status
        if out.proof is not None and row["status"] == "solved":
            row["proof"] = format_text(out.proof)
    except ProblemError as e:
        row.update(status="error", error=str(e))
    row["seconds"] = round(time.monotonic() - start, 3)
    return row


def snapshot(args: argparse.Namespace) -> int:
    jobs = []
    for f in args.files:
        path = resolve(f)
        for name, text in split_problem_text(path.read_text(encoding="utf-8"), str(path)):
            jobs.append((f, name, text, args.mode, args.timeout, args.seed))
    rows = {}
    with mp.get_context("fork").Pool(args.jobs, maxtasksperchild=1) as pool:
        for i, row in enumerate(pool.imap(_one, jobs), 1):
            rows[row.pop("key")] = row
            print(f"\r{i}/{len(jobs)}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    meta = {"mode": args.mode, "timeout": args.timeout, "seed": args.seed, "files": args.files}
    Path(args.out).write_text(json.dumps({"config": meta, "rows": rows}, indent=1), encoding="utf-8")
    solved = sum(r["status"] == "solved" for r in rows.values())
    print(f"wrote {args.out}: {solved}/{len(rows)} solved ({args.mode}, {args.timeout:g} s)")
    return 0


def diff(args: argparse.Namespace) -> int:
    a, b = (json.loads(Path(p).read_text(encoding="utf-8")) for p in (args.before, args.after))
    if a["config"] != b["config"]:
        print(f"note: the snapshots were taken with different settings: {a['config']} / {b['config']}")
    ra, rb = a["rows"], b["rows"]
    same = timing = 0
    bad = []
    for key in sorted(set(ra) | set(rb)):
        x, y = ra.get(key, {}), rb.get(key, {})
        sx, sy = x.get("status"), y.get("status")
        if sx == sy and x.get("proof") == y.get("proof") and x.get("aux") == y.get("aux"):
            same += 1
        elif {sx, sy} == {"timeout", "unsolved"}:
            timing += 1
            print(f"timing   {key}: {sx} -> {sy}")
        else:
            what = "status" if sx != sy else "proof"
            bad.append(key)
            print(f"{what:8} {key}: {sx} -> {sy}")
    print(f"same {same}, timing only {timing}, different {len(bad)} (of {len(set(ra) | set(rb))})")
    return 1 if bad else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("snapshot")
    s.add_argument("files", nargs="+", help="problem files or set names")
    s.add_argument("--out", required=True)
    s.add_argument("--mode", choices=("ddar", "search"), default="ddar")
    s.add_argument("--timeout", type=float, default=30.0)
    s.add_argument("--jobs", type=int, default=2)
    s.add_argument("--seed", type=int, default=0)
    d = sub.add_parser("diff")
    d.add_argument("before")
    d.add_argument("after")
    args = ap.parse_args(argv)
    return snapshot(args) if args.cmd == "snapshot" else diff(args)


if __name__ == "__main__":
    sys.exit(main())
