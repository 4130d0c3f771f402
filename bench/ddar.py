"""Time DD+AR on every problem of a benchmark file, inside one process.

    python bench/ddar.py [FILE] [--timeout 60] [--seed 0] [--limit N] [--match TEXT]
                         [--check] [--profile] [--top 25] [--sort cumulative] [--jsonl OUT]

For each problem: realise, prove, trace back and check with the driver that
``geoprover prove`` uses (:func:`prover.prove.prove_ddar`), with a per-problem time
budget; ``--check`` reports the independent checker's verdict. Prints one line per problem that is not solved (and,
with ``-v``, every problem), then the solved count, median / mean / p90 solve time
(over solved problems), and the total. ``--profile`` runs cProfile over the whole
run and prints the top functions by cumulative time.

The engine checks its budget between rule matchers; a hard alarm at
``timeout + grace`` seconds stops a matcher that runs away, and counts the problem
as a timeout. The file defaults to the bundled ``jgex`` set
(a set name or a path). Benchmarks print numbers; they never fail on timing.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from geometry.errors import ProblemError  # noqa: E402
from geometry.problem import Problem, parse_problem, split_problem_text  # noqa: E402
from geometry.workers import DeadlineExceeded, deadline  # noqa: E402
from prover.prove import prove_ddar  # noqa: E402
from prover.problem_sets import resolve, set_path  # noqa: E402

DEFAULT_FILE = set_path("jgex")  # the bundled benchmark (prover/benchmarks/)


@dataclass
class Row:
    name: str
    status: str  # solved | unsolved | timeout | error, or another status of prove_ddar
    seconds: float  # engine time (realisation excluded)
    facts: int = 0
    steps: int = 0
    aux: tuple[str, ...] = ()
    checked: bool | None = None
    error: str = ""


def run_one(problem: Problem, timeout: float, seed: int, check: bool, grace: float) -> Row:
    """Realise and prove one problem with :func:`prover.prove.prove_ddar`; never raises.

    The proof is always checked (the driver does it); ``check`` only decides whether
    the verdict is reported.
    """
    start = time.perf_counter()
    try:
        with deadline(timeout + grace):
            out = prove_ddar(problem, seed=seed, timeout=timeout)
        row = Row(problem.name, out.status, out.seconds, out.facts)
        if out.proof is not None:
            row.steps, row.aux = len(out.proof.steps), tuple(out.proof.aux_points)
            if check and out.check is not None:
                row.checked = out.check.ok
                if not out.check.ok:
                    row.error = "; ".join(out.check.errors[:3])
        return row
    except DeadlineExceeded:
        return Row(problem.name, "timeout", time.perf_counter() - start, error="hard alarm")
    except ProblemError as e:  # the problem does not realise
        return Row(problem.name, "error", 0.0, error=f"realise: {e}")
    except Exception as e:  # an engine bug: report it, keep going
        return Row(problem.name, "error", time.perf_counter() - start, error=f"{type(e).__name__}: {e}")


def percentile(values: list[float], q: float) -> float:
    """The q-quantile (0..1) by linear interpolation; 0 for an empty list."""
    if not values:
        return 0.0
    v = sorted(values)
    pos = q * (len(v) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (pos - lo)


def summarise(rows: list[Row], wall: float) -> str:
    solved = [r for r in rows if r.status == "solved"]
    times = [r.seconds for r in solved]
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.status] = counts.get(r.status, 0) + 1
    others = ", ".join(f"{s} {n}" for s, n in sorted(counts.items()) if s != "solved")
    lines = [f"solved {counts.get('solved', 0)}/{len(rows)}" + (f"  ({others})" if others else "")]
    if times:
        lines.append(
            f"solve time over solved: median {statistics.median(times):.3f}s  mean {statistics.mean(times):.3f}s  "
            f"p90 {percentile(times, 0.9):.3f}s  max {max(times):.3f}s"
        )
    checked = [r for r in solved if r.checked is not None]
    if checked:
        bad = [r.name for r in checked if not r.checked]
        lines.append(f"proofs replayed by the checker: {len(checked) - len(bad)}/{len(checked)} accepted")
        lines += [f"  REJECTED: {n}" for n in bad]
    with_aux = sum(bool(r.aux) for r in solved)
    lines.append(f"solved with auxiliary points in the proof: {with_aux}")
    engine_total = sum(r.seconds for r in rows)
    lines.append(f"engine time total {engine_total:.1f}s; wall time total {wall:.1f}s")
    return "\n".join(lines)


def load(path: Path, match: str | None, limit: int | None) -> list[Problem]:
    pairs = split_problem_text(path.read_text(encoding="utf-8"), str(path))
    if match:
        pairs = [(n, t) for n, t in pairs if match in n]
    if limit:
        pairs = pairs[:limit]
    return [parse_problem(n, t) for n, t in pairs]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file", nargs="?", type=resolve, default=DEFAULT_FILE, help="problem file or set name (default jgex)")
    ap.add_argument("--timeout", type=float, default=60.0, help="per-problem engine budget in seconds (default 60)")
    ap.add_argument("--grace", type=float, default=30.0, help="hard alarm after timeout+grace seconds (default 30)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--limit", type=int, default=None, help="only the first N problems")
    ap.add_argument("--match", default=None, help="only problems whose name contains TEXT")
    ap.add_argument("--check", action="store_true", help="trace back and replay every proof with the checker")
    ap.add_argument("--profile", action="store_true", help="cProfile the whole run; print the top functions")
    ap.add_argument("--top", type=int, default=25, help="how many profile rows to print (default 25)")
    ap.add_argument("--sort", default="cumulative", help="profile sort key: cumulative (default), tottime, ncalls")
    ap.add_argument("--jsonl", type=Path, default=None, help="also write one JSON line per problem here")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every problem, not only the failures")
    args = ap.parse_args(argv)
    if not args.file.is_file():
        print(f"benchmark file not found: {args.file}", file=sys.stderr)
        return 2
    problems = load(args.file, args.match, args.limit)
    profiler = cProfile.Profile() if args.profile else None
    rows: list[Row] = []
    t0 = time.perf_counter()
    if profiler:
        profiler.enable()
    try:
        for p in problems:
            row = run_one(p, args.timeout, args.seed, args.check, args.grace)
            rows.append(row)
            if args.verbose or row.status != "solved" or row.checked is False:
                extra = f"  {row.error}" if row.error else ""
                print(f"{row.status:8s} {row.seconds:7.2f}s facts={row.facts:<6d} {row.name}{extra}", flush=True)
    finally:
        if profiler:
            profiler.disable()
    wall = time.perf_counter() - t0
    if args.jsonl:
        with args.jsonl.open("w", encoding="utf-8") as f:
            for r in rows:
                f.write(json.dumps(r.__dict__ | {"aux": list(r.aux)}) + "\n")
    print()
    print(summarise(rows, wall))
    if profiler:
        buf = io.StringIO()
        stats = pstats.Stats(profiler, stream=buf).sort_stats(args.sort)
        stats.print_stats(args.top)
        print(buf.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
