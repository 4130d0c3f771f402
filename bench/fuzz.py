"""Fuzz parse, realise and prove with N mutated problem lines.

    python bench/fuzz.py N [--seed S] [--timeout T] [--hang-after H] [--log PATH] [--no-jgex]

Mutates the lines of the bundled examples and of the bundled jgex set and runs
each in this process (see bench/fuzzing.py). Prints
counts per outcome (clear error, realised, proved, unproved, crash, hang, proof
rejected), the first offending lines, and the run time. With --log, every line's
outcome is appended to a JSON-lines file and a rerun with the same arguments resumes
after the last line logged. Exit status 1 when some line crashed, hung or had its
proof rejected.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

# bench/ holds scripts named like the packages (bench/ddar.py): import the packages.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [str(_HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE]

from bench.fuzzing import JGEX, LineResult, Mutator, Outcome, fuzz, problem_lines  # noqa: E402


def _resume(log: Path, seed: int) -> tuple[int, Counter[Outcome], list[dict]]:
    """Lines already run (they are logged in order), their counts and their bugs."""
    counts: Counter[Outcome] = Counter()
    bugs: list[dict] = []
    done = 0
    if not log.exists():
        return 0, counts, bugs
    for raw in log.read_text(encoding="utf-8").splitlines():
        try:
            row = json.loads(raw)
        except json.JSONDecodeError:
            break  # a line cut short by a kill: run it again
        if row.get("seed") != seed or row.get("i") != done:
            raise SystemExit(f"{log}: written by another run (seed or order differs); use a new --log")
        counts[Outcome(row["outcome"])] += 1
        if Outcome(row["outcome"]).is_bug:
            bugs.append(row)
        done += 1
    return done, counts, bugs


def _print_report(counts: Counter[Outcome], bugs: list[dict], ran: int, seconds: float, cpu: float, keep: int) -> None:
    total = sum(counts.values())
    print(f"lines {total}; this run: {ran} lines, {seconds:.0f} s wall, {cpu:.0f} s CPU ({1000 * cpu / max(ran, 1):.1f} ms per line)")
    for o in Outcome:
        print(f"  {o.value:<15} {counts.get(o, 0)}")
    for row in bugs[:keep]:
        print(f"{row['outcome']} #{row['i']}: {row['line']}\n    {row['detail']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, metavar="N", help="mutated lines to run")
    parser.add_argument("--seed", type=int, default=0, help="seed of the mutations (default 0)")
    parser.add_argument("--timeout", type=float, default=1.0, help="DD+AR seconds per line (default 1)")
    parser.add_argument("--hang-after", type=float, default=20.0, help="a line over this many seconds hangs (20)")
    parser.add_argument("--log", metavar="PATH", help="JSON lines, one per fuzzed line; a rerun resumes")
    parser.add_argument("--no-jgex", action="store_true", help="mutate the bundled examples only")
    parser.add_argument("--show", type=int, default=20, help="offending lines to print (default 20)")
    parser.add_argument("--progress", type=int, default=1000, help="print counts every K lines (0: never)")
    args = parser.parse_args(argv)

    lines = problem_lines(None if args.no_jgex else JGEX)
    mutator = Mutator(lines, seed=args.seed)
    log = Path(args.log) if args.log else None
    start, counts, bugs = _resume(log, args.seed) if log else (0, Counter(), [])
    if start:
        print(f"resuming after {start} lines of {log}", file=sys.stderr)
    sink = log.open("a", encoding="utf-8") if log else None
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        for i, text, res in fuzz(mutator, args.count, start=start, timeout=args.timeout, hang_after=args.hang_after):
            counts[res.outcome] += 1
            row = _row(args.seed, i, text, res)
            if res.outcome.is_bug:
                bugs.append(row)
                print(f"{res.outcome.value} #{i}: {text}\n    {res.detail}", file=sys.stderr, flush=True)
            if sink:
                sink.write(json.dumps(row) + "\n")
                sink.flush()
            if args.progress and (i + 1) % args.progress == 0:
                done = ", ".join(f"{o.value} {counts.get(o, 0)}" for o in Outcome)
                print(f"[{i + 1}/{args.count}] {time.perf_counter() - t0:.0f} s: {done}", file=sys.stderr, flush=True)
    finally:
        if sink:
            sink.close()
    _print_report(counts, bugs, args.count - start, time.perf_counter() - t0, time.process_time() - c0, args.show)
    return 1 if any(o.is_bug for o in counts.elements()) else 0


def _row(seed: int, i: int, text: str, res: LineResult) -> dict:
    row: dict = {"seed": seed, "i": i, "outcome": res.outcome.value}
    if res.outcome.is_bug:
        row.update(line=text, detail=res.detail)
    return row


if __name__ == "__main__":
    sys.exit(main())
