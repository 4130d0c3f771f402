"""Candidates evaluated per core-second: extending a saturated state vs starting over.

On the problems of a file that DD+AR alone leaves unproven, the heuristic proposer's
first ``--candidates`` clauses are evaluated twice, each in a forked worker as the
search does it:

* extension: the new point is computed in the existing figure (``extend_diagram``)
  and DD+AR continues from the saturated parent (``extend_engine``);
* from scratch: the extended problem is parsed, realised and saturated anew.

CPU time (parent and workers) is measured with ``getrusage``, so the numbers depend
little on what else runs on the machine (caches and shared cores still weigh: measure
before and after alone). The extension's CPU time is also split by the phase of a
candidate's life, measured in the child: extending the figure, extending the engine
(the numeric index and the new givens), saturating, tracing a proof back; what is left is
the fork and the parent's share. Run:

    .venv/bin/python bench/search.py jgex --candidates 40
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

# bench/ holds ddar.py: keep this folder off the path so that ``ddar`` is the package
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
sys.path.insert(0, str(_HERE.parent))

from ddar.engine import Budget, Engine  # noqa: E402
from ddar.extend import extend_engine  # noqa: E402
from ddar.proof import traceback  # noqa: E402
from geometry.diagram import extend_diagram, realise  # noqa: E402
from geometry.errors import ProblemError  # noqa: E402
from geometry.problem import parse_problem, split_problem_text  # noqa: E402
from geometry.workers import LocalWorkers, Ok  # noqa: E402
from prover.proposers import HeuristicProposer, SearchState  # noqa: E402
from prover.prove import prove_ddar  # noqa: E402
from prover.problem_sets import resolve  # noqa: E402


def cpu_seconds() -> float:
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def forked_value(fn):
    """Run ``fn`` in a forked child (:class:`geometry.workers.LocalWorkers`, reaped, so its CPU
    time counts in ``RUSAGE_CHILDREN``) and return what it returns; None if it failed."""
    with LocalWorkers(1) as workers:
        workers.submit(0, fn)
        (done,) = list(workers.results())
    return done.value if isinstance(done, Ok) else None


def forked(fn) -> bool:
    """Run ``fn`` (returning a bool) in a forked child; whether it returned True."""
    return forked_value(fn) is True


#: The phases of an extended candidate's life that :func:`measure` times in the child.
PHASES = ("figure", "engine", "saturate", "traceback")


def measure(name: str, text: str, k: int, timeout: float, phases: dict[str, float]) -> tuple[int, float, float, int, int] | None:
    """(candidates, extension CPU s, scratch CPU s, solved by extension, solved from scratch);
    adds the extended candidates' CPU seconds per phase (:data:`PHASES`, inside the child) to
    ``phases``."""
    problem = parse_problem(name, text)
    base = prove_ddar(problem, seed=0, timeout=timeout)
    if base.status != "unsolved":
        return None
    inner = {p: f"x{i:03d}" for i, p in enumerate(problem.points())}
    engine = Engine(base.diagram.rename(inner))
    goal = problem.goal.rename(inner)
    engine.prove(goal, Budget(timeout=timeout))
    props = HeuristicProposer().propose(SearchState(problem, base.diagram.points), k)
    ready = []
    for prop in props:
        try:
            ext = problem.with_aux_clause(prop.clause)
        except ProblemError:
            continue
        mapping = dict(inner)
        for p in ext.aux[-1].points:
            mapping[p] = f"x{len(mapping):03d}"
        ready.append((ext, mapping))
    t0 = cpu_seconds()
    ext_solved = 0
    for ext, mapping in ready:
        def extension(ext=ext, mapping=mapping) -> tuple[bool, list[float]]:
            clock = [time.process_time()]
            grown = extend_diagram(engine.diagram, [ext.aux[-1].rename(mapping)], seed=0)
            clock.append(time.process_time())
            extend_engine(engine, grown)
            clock.append(time.process_time())
            res = engine.prove(goal, Budget(timeout=timeout))
            clock.append(time.process_time())
            if res.solved and res.goal_fact is not None:
                traceback(engine, res.goal_fact)
            clock.append(time.process_time())
            return res.solved, [b - a for a, b in zip(clock, clock[1:])]

        got = forked_value(extension)
        if got is not None:
            ext_solved += got[0]
            for phase, sec in zip(PHASES, got[1]):
                phases[phase] += sec
    t1 = cpu_seconds()
    scratch_solved = 0
    for ext, mapping in ready:
        def scratch(ext=ext, mapping=mapping) -> bool:
            again = parse_problem(name, ext.to_text())
            d = realise(again, seed=0).rename(mapping)
            return Engine(d).prove(goal, Budget(timeout=timeout)).solved

        scratch_solved += forked(scratch)
    t2 = cpu_seconds()
    return len(ready), t1 - t0, t2 - t1, ext_solved, scratch_solved


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file", help="problem file or set name (jgex, olympiad_dev, examples)")
    ap.add_argument("--candidates", type=int, default=40, help="heuristic candidates per problem (default 40)")
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds per DD+AR call (default 30)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N unproven problems")
    args = ap.parse_args(argv)
    pairs = split_problem_text(resolve(args.file).read_text(encoding="utf-8"), args.file)
    total = [0, 0.0, 0.0, 0, 0]
    phases = dict.fromkeys(PHASES, 0.0)
    problems = 0
    start = time.monotonic()
    print(f"{'problem':<44} {'cands':>5} {'ext/s':>8} {'scratch/s':>9} {'x':>6}")
    for name, text in pairs:
        try:
            row = measure(name, text, args.candidates, args.timeout, phases)
        except ProblemError:
            continue
        if row is None:
            continue
        problems += 1
        n, te, ts, se, ss = row
        for i, v in enumerate(row):
            total[i] += v
        print(f"{name[-44:]:<44} {n:>5} {n / te:>8.1f} {n / ts:>9.1f} {ts / te:>6.2f}", flush=True)
        if args.limit and problems >= args.limit:
            break
    n, te, ts, se, ss = total
    if not n:
        print("no unproven problems")
        return 0
    print(f"\n{problems} problems DD+AR leaves unproven, {n} candidates ({time.monotonic() - start:.0f} s wall)")
    print(f"extension:    {n / te:8.1f} candidates per core-second ({se} proofs)")
    print(f"from scratch: {n / ts:8.1f} candidates per core-second ({ss} proofs)")
    print(f"speed-up:     {ts / te:8.2f}x")
    inside = sum(phases.values())
    print("an extended candidate, CPU ms (share of the extension's CPU time): " + ", ".join(
        f"{p} {1000 * v / n:.1f} ({v / te:.0%})" for p, v in phases.items())
        + f"; fork and the rest {1000 * (te - inside) / n:.1f} ({(te - inside) / te:.0%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
