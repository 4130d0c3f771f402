"""Where the auxiliary point of each synthetic example falls in the heuristic proposer's ranking.

    .venv/bin/python bench/aux_rank.py CORPUS [--limit N] [--jobs J] [--out FILE.jsonl] [--max-candidates 5000] [--timeout 60]

For every example of a ``geoprover synth`` corpus that has auxiliary clauses, the whole
problem (auxiliary clauses included) is drawn (:func:`geometry.diagram.realise`, seed 0, else
1, 2: a problem none of them draws counts as failed), and the heuristic proposer
(:meth:`prover.proposers.HeuristicProposer.ranked`) is asked for its first
``--max-candidates`` clauses for the problem without its auxiliary clauses, in that figure's
positions of the other points. The example's rank (from 1) is that of the first proposal
whose new point is a point of the first auxiliary clause (the same position, at
``NUMERIC_CHECK`` of the figure's scale); "absent" when none of them is. A rank says how
far down its list a search that tries the heuristics in order reaches the point the data
used; an absent example needs a point the heuristics do not build (or rank beyond K).

Prints the number of aux examples (and of their figures: a figure's examples often share
their auxiliary point, so they are far from independent), the ranks in buckets, the median
rank of those found, the share absent, and the constructions of the first auxiliary clause that are most often
absent: the kinds of point the heuristics cannot express. ``--out`` writes one JSON line per
example (``seed``, ``key``, ``rank`` (null when not found), ``candidates`` (how many the
proposer returned), ``construction``, ``status``: found, absent, failed or timeout).

Each example has ``--timeout`` seconds (a slower one counts as "timeout"); ``--jobs`` > 1
runs them in forked workers (:class:`geometry.workers.LocalWorkers`).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

# bench/ holds ddar.py: keep this folder off the path so that ``ddar`` is the package
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from geometry.diagram import figure_scale, realise  # noqa: E402
from geometry.errors import ProblemError  # noqa: E402
from geometry.problem import Problem, parse_problem  # noqa: E402
from geometry.tolerance import NUMERIC_CHECK  # noqa: E402
from geometry.workers import DeadlineExceeded, Died, Failed, LocalWorkers, Ok, TimedOut, deadline  # noqa: E402
from lm.data import CorpusReadError, read_examples  # noqa: E402
from prover.proposers import HeuristicProposer, SearchState  # noqa: E402

#: The seeds the whole problem is drawn with, in turn, until one draws it.
SEEDS = (0, 1, 2)
#: The rank buckets printed: (label, lowest rank, highest rank).
BUCKETS = (("rank 1", 1, 1), ("rank 2-5", 2, 5), ("rank 6-20", 6, 20), ("rank 21-100", 21, 100),
           ("rank 101-1000", 101, 1000), ("rank >1000", 1001, None))


def aux_examples(corpus: Path, limit: int = 0) -> Iterator[dict]:
    """The records of ``corpus`` with auxiliary clauses, in order (at most ``limit``; 0: all).

    A corpus still being written may end in a shard that cannot be read yet: the examples
    before it are kept, and a note goes to stderr."""
    n = 0
    try:
        for rec in read_examples(corpus):
            if not rec.get("aux"):
                continue
            yield rec
            n += 1
            if limit and n >= limit:
                return
    except CorpusReadError as e:
        print(f"bench/aux_rank.py: stopped reading at: {e}", file=sys.stderr)


def construction_of(problem: Problem) -> str:
    """The construction names of the first auxiliary clause (``"foot"``, ``"on_circle, on_line"``:
    sorted, so that one pair of loci is one kind)."""
    return ", ".join(sorted(call.name for call in problem.aux[0].constructions))


def aux_rank(problem: Problem, max_candidates: int) -> dict:
    """``{"rank", "candidates", "status"}`` of ``problem``'s first auxiliary point among the
    heuristic proposals for the problem without its auxiliary clauses (see the module's docstring).

    ProblemError when no seed of :data:`SEEDS` draws the whole problem."""
    error: ProblemError | None = None
    for seed in SEEDS:
        try:
            diagram = realise(problem, seed=seed, check_goals=False)
            break
        except ProblemError as e:
            error = e
    else:
        assert error is not None
        raise error
    base = problem.points(with_aux=False)
    points = {n: diagram.points[n] for n in base}
    targets = [diagram.points[n] for n in problem.aux[0].points]
    tol = NUMERIC_CHECK * figure_scale(points)
    state = SearchState(replace(problem, aux=()), points, deadline=None)
    ranked = HeuristicProposer().ranked(state, max_candidates)
    rank = next((i for i, (_, z) in enumerate(ranked, start=1) if any(abs(z - t) <= tol for t in targets)), None)
    return {"rank": rank, "candidates": len(ranked), "status": "absent" if rank is None else "found"}


def _measure(text: str, max_candidates: int) -> dict:
    """:func:`aux_rank` of a problem text, with a failure as a row (status "failed", ``error``)."""
    try:
        return aux_rank(parse_problem("aux_rank", text), max_candidates)
    except ProblemError as e:
        return {"rank": None, "candidates": None, "status": "failed", "error": f"{type(e).__name__}: {e}"}


def measure_all(texts: list[str], max_candidates: int, jobs: int = 1, timeout: float = 60.0,
                progress: bool = False) -> list[dict]:
    """The row of :func:`_measure` of each text, in order: in this process with a
    :func:`geometry.workers.deadline` (``jobs`` 1) or in forked workers, each with ``timeout``
    seconds (status "timeout" past it)."""
    rows: list[dict | None] = [None] * len(texts)
    timed_out = {"rank": None, "candidates": None, "status": "timeout"}
    start = time.monotonic()

    def done(i: int, row: dict) -> None:
        rows[i] = row
        finished = sum(r is not None for r in rows)
        if progress and (finished % 50 == 0 or finished == len(texts)):
            print(f"  {finished}/{len(texts)} examples, {time.monotonic() - start:.0f} s", file=sys.stderr, flush=True)

    if jobs <= 1:
        for i, text in enumerate(texts):
            try:
                with deadline(timeout):
                    row = _measure(text, max_candidates)
            except DeadlineExceeded:
                row = dict(timed_out)
            done(i, row)
    else:
        with LocalWorkers(jobs) as workers:
            for i, text in enumerate(texts):
                workers.submit(i, lambda text=text: _measure(text, max_candidates), limit=timeout)
            for result in workers.results():
                if isinstance(result, Ok):
                    done(result.key, result.value)
                elif isinstance(result, TimedOut):
                    done(result.key, dict(timed_out))
                elif isinstance(result, Failed):
                    done(result.key, {"rank": None, "candidates": None, "status": "failed", "error": result.error})
                elif isinstance(result, Died):
                    done(result.key, {"rank": None, "candidates": None, "status": "failed",
                                      "error": f"died ({result.exitcode})"})
    return [r for r in rows if r is not None]


def summary(rows: list[dict], top: int = 10) -> str:
    """The printed report of the rows of :func:`main` (each with ``construction``)."""
    status = Counter(r["status"] for r in rows)
    ranks = [r["rank"] for r in rows if r["status"] == "found"]
    measured = status["found"] + status["absent"]
    total = len(rows)

    def pct(n: int, of: int) -> str:
        return f"{100 * n / of:5.1f}%" if of else "    -"

    figures = len({r["seed"] for r in rows})  # a figure's examples share their aux points: far from independent
    out = [f"aux examples: {total} (from {figures} figures)"]
    for label, lo, hi in BUCKETS:
        n = sum(lo <= r and (hi is None or r <= hi) for r in ranks)
        out.append(f"  {label:<16}{n:>6}  {pct(n, total)}")
    out.append(f"  {'absent':<16}{status['absent']:>6}  {pct(status['absent'], total)}")
    bad = status["failed"] + status["timeout"]
    out.append(f"  {'failed/timeout':<16}{bad:>6}  {pct(bad, total)}  "
               f"(failed {status['failed']}, timeout {status['timeout']})")
    out.append(f"median rank among found: {statistics.median(ranks):g}" if ranks else "median rank among found: -")
    absent = [r for r in rows if r["status"] == "absent"]
    out.append(f"absent: {status['absent']} of {measured} measured ({pct(status['absent'], measured).strip()}), "
               f"in {len({r['seed'] for r in absent})} figures")
    if absent:
        capped = sum(r["candidates"] == r.get("limit") for r in absent)
        if capped:
            out.append(f"  of them {capped} with the list cut at --max-candidates (the point may rank below it)")
        out.append(f"absent by first aux construction (top {top}):")
        for name, n in Counter(r["construction"] for r in absent).most_common(top):
            out.append(f"  {name:<40}{n:>6}")
    return "\n".join(out)


def write_jsonl(rows: list[dict], path: Path) -> None:
    """The rows as JSON lines, atomically (a temporary file, then renamed)."""
    fields = ("seed", "key", "rank", "candidates", "construction", "status")
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("".join(json.dumps({f: r.get(f) for f in fields}) + "\n" for r in rows), encoding="utf-8")
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", help="a geoprover synth corpus folder")
    ap.add_argument("--limit", type=int, default=0, help="only the first N aux examples (default: all)")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes (default 1: in this process)")
    ap.add_argument("--out", default=None, help="write one JSON line per example here")
    ap.add_argument("--max-candidates", type=int, default=5000,
                    help="heuristic proposals looked at per example (default 5000)")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per example (default 60)")
    ap.add_argument("--quiet", action="store_true", help="no progress lines on stderr")
    args = ap.parse_args(argv)
    corpus = Path(args.corpus)
    if not corpus.is_dir():
        print(f"bench/aux_rank.py: no corpus folder {corpus}", file=sys.stderr)
        return 2
    start = time.monotonic()
    rows: list[dict] = []
    texts: list[str] = []
    for rec in aux_examples(corpus, args.limit):
        row = {"seed": rec.get("seed"), "key": rec.get("key"), "construction": None, "limit": args.max_candidates}
        try:
            row["construction"] = construction_of(parse_problem("aux_rank", rec["problem"]))
        except ProblemError:
            pass  # measured as failed
        rows.append(row)
        texts.append(rec["problem"])
    results = measure_all(texts, args.max_candidates, args.jobs, args.timeout, progress=not args.quiet)
    for row, got in zip(rows, results):
        row.update(got)
    print(summary(rows))
    print(f"{time.monotonic() - start:.1f} s wall, {args.jobs} job(s)")
    if args.out:
        write_jsonl(rows, Path(args.out))
        print(f"{len(rows)} rows written to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
