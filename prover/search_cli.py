"""The search options of ``geoprover prove`` and ``geoprover bench``, and the live progress line."""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from tqdm import tqdm

from .proposers import PROPOSERS, Proposer, ProposerUnavailable, make_proposer
from .search import SearchConfig, SearchProgress, is_prime, prove


def add_search_options(p: argparse.ArgumentParser, *, jobs: bool = True) -> None:
    """--proposer, --model, --beam-size, --depth, --candidates (and --jobs for prove)."""
    p.add_argument("--proposer", choices=PROPOSERS, default="heuristic",
                   help="who proposes auxiliary points: heuristic (default, no model), lm (the model's "
                        "clauses), ranked (heuristic and model clauses ordered by the model), or mix")
    p.add_argument("--model", metavar="DIR", help="language model folder (for --proposer lm, ranked or mix)")
    p.add_argument("--beam-size", type=_at_least_one, default=SearchConfig.beam_size,
                   help=f"states expanded together in a round (default {SearchConfig.beam_size})")
    p.add_argument("--depth", type=_at_least_one, default=SearchConfig.depth,
                   help=f"most auxiliary clauses added (default {SearchConfig.depth}; the search tries "
                        f"{SearchConfig.first_depth} first and goes deeper while time remains)")
    p.add_argument("--candidates", type=_at_least_one, default=SearchConfig.k,
                   help=f"clauses asked of the proposer per state (default {SearchConfig.k})")
    p.add_argument("--bundle", type=_whole, default=SearchConfig.bundle, metavar="N",
                   help=f"also try the root's best {SearchConfig.bundle_reach} candidates N at a time in one "
                        f"DD+AR run, for proofs that need several together (default {SearchConfig.bundle}; 0: never)")
    p.add_argument("--cover", type=_prime_or_zero, default=SearchConfig.cover, metavar="Q",
                   help=f"also try the root's best Q*Q candidates Q at a time, in groups that put every "
                        f"two of them together once, for proofs that need two of them (Q prime; default "
                        f"{SearchConfig.cover}; 0: never)")
    if jobs:
        p.add_argument("--jobs", type=_at_least_one, default=1,
                       help="worker processes of the search (default 1; with --backend ray: the local Ray's CPUs)")
        p.add_argument("--backend", choices=("local", "ray"), default="local",
                       help="where candidates run: local processes (default) or the tasks of a Ray cluster")
        p.add_argument("--address", metavar="ADDR", help="Ray cluster address (default: start a local Ray)")


def _whole_number(least: int):
    """An argparse type: a whole number of at least ``least``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < least:
            raise argparse.ArgumentTypeError(f"{text!r} must be at least {least}")
        return value

    return parse


_whole = _whole_number(0)


def _prime_or_zero(text: str) -> int:
    """An argparse type: 0 or a prime."""
    n = _whole(text)
    if n and not is_prime(n):
        raise argparse.ArgumentTypeError(f"must be 0 or a prime, not {n}")
    return n
_at_least_one = _whole_number(1)


def proposer_from_args(args: argparse.Namespace, usage_error: type[Exception]) -> Proposer:
    """The proposer asked for; a missing language model is one clear usage error."""
    try:
        return make_proposer(args.proposer, getattr(args, "model", None))
    except ProposerUnavailable as e:
        raise usage_error(f"--proposer {args.proposer}: {e}") from None


def config_from_args(args: argparse.Namespace, jobs: int | None = None) -> SearchConfig:
    return SearchConfig(
        beam_size=args.beam_size,
        depth=args.depth,
        k=args.candidates,
        timeout=args.timeout,
        jobs=jobs if jobs is not None else getattr(args, "jobs", 1),
        seed=args.seed,
        backend=getattr(args, "backend", "local"),
        address=getattr(args, "address", None),
        bundle=getattr(args, "bundle", SearchConfig.bundle),
        cover=getattr(args, "cover", SearchConfig.cover),
    )


class ProgressLine:
    """One live line on stderr per problem: depth, candidates tried, best score, elapsed.

    Shown only where stderr is a terminal (tqdm's ``disable=None``).
    """

    def __init__(self, name: str) -> None:
        self.bar = tqdm(desc=name[-40:], unit="cand", file=sys.stderr, leave=False, disable=None, dynamic_ncols=True)

    def __call__(self, p: SearchProgress) -> None:
        self.bar.total = p.tried + p.queued
        self.bar.n = p.tried
        self.bar.set_postfix_str(f"depth {p.depth}, skipped {p.skipped}, best {p.best:.2f}", refresh=False)
        self.bar.refresh()

    def close(self) -> None:
        self.bar.close()


@dataclass
class ProveRun:
    """What ``prove`` did over its problems: the outcomes to render, and the lines for stderr
    (problems that could not be read or drawn, searches that found no proof), printed after
    the document so that they never come before it."""

    outcomes: list = field(default_factory=list)
    errors: int = 0  # problems reported as errors (not in ``outcomes``)
    notes: list[str] = field(default_factory=list)


def prove_outcomes(pairs, args: argparse.Namespace, parse: Callable, usage_error: type[Exception],
                   keep_going: bool = False) -> ProveRun:
    """``prove``'s work: for each (name, text), DD+AR, then the search unless ``--no-search``.
    The proposer is built (or refused) first. With ``keep_going`` (a whole file) a problem
    that cannot be read or drawn is one note and the others still run; otherwise its error
    is raised."""
    config = config_from_args(args)
    proposer = None if args.no_search else proposer_from_args(args, usage_error)
    run = ProveRun()
    ray = None
    if proposer is not None and config.backend == "ray":
        from geometry.workers import RayUnavailable

        from .search import start_ray

        try:  # started before the first problem: its start-up is no problem's time
            ray = start_ray(config.jobs, config.address)
        except RayUnavailable as e:
            raise usage_error(str(e)) from None
    try:
        _prove_all(pairs, parse, config, proposer, keep_going, run)
    finally:
        if ray is not None:
            ray.close()
    return run


def _prove_all(pairs, parse: Callable, config: SearchConfig, proposer: Proposer | None, keep_going: bool,
               run: ProveRun) -> None:
    from geometry.errors import ProblemError

    for name, text in pairs:
        line = None
        try:
            problem = parse(name, text)
            line = ProgressLine(name) if proposer is not None else None
            result = prove(problem, proposer, config, progress=line, search_enabled=proposer is not None)
        except ProblemError as e:
            if not keep_going:
                raise
            run.errors += 1
            labelled = e if e.problem is not None else e.with_problem(name)
            run.notes.append(f"error {' '.join(str(labelled).split())}")
            continue
        finally:
            if line is not None:
                line.close()
        if proposer is not None and not result.solved and result.status in ("unsolved", "timeout"):
            run.notes.append(
                f"search: no proof of {name} ({result.status}) after {result.tried} candidates, "
                f"{result.skipped} proposals skipped, {result.seconds:.1f} s"
            )
        run.outcomes.append(result.outcome)


def answer_texts(proof) -> list[str]:
    """The values a proof of a find-the-value problem establishes, in words ("∠BAD = 30°");
    [] for other proofs (a bench row's ``values``)."""
    from prover.compute import answers
    from prover.export.wording import Labels

    return [a.words(Labels(proof.problem.points())) for a in answers(proof)]


def run_search_task(task) -> dict:
    """One ``bench --mode search`` row (inside a bench worker): status, seconds, the clauses
    the search added, candidates tried and skipped, time to proof, checker verdict."""
    import time

    from geometry.errors import ProblemError
    from geometry.problem import parse_problem

    start = time.monotonic()
    row: dict = {"name": task.name}
    try:
        problem = parse_problem(task.name, task.text)
        proposer = make_proposer(task.proposer, task.model)
        config = SearchConfig(beam_size=task.beam_size, depth=task.depth, k=task.k, timeout=task.timeout,
                              jobs=task.jobs, seed=task.seed, backend=task.backend, address=task.address,
                              bundle=task.bundle, cover=task.cover)
        res = prove(problem, proposer, config)
        out = res.outcome
        row["status"] = res.status
        row["facts"] = out.facts
        row["aux_clauses"] = list(res.aux)
        row["aux_sources"] = list(res.aux_sources)  # who proposed each, e.g. "heuristic:tangent"
        row["candidates"] = res.tried
        row["skipped"] = {"unparseable": res.unparseable, "unrealisable": res.unrealisable,
                          "existing_points": res.existing_points, "duplicates": res.duplicates}
        row["rejected"] = res.rejected
        row["search"] = res.report.as_dict()  # rounds, depth reached, candidates per depth, time split
        row["ddar_seconds"] = round(res.ddar_seconds, 4)
        if out.proof is not None:
            row["steps"] = len(out.proof.steps)
            row["aux"] = list(out.proof.aux_points)
            row["checked"] = bool(out.check and out.check.ok)
            row["conditions"] = [str(c) for c in getattr(out.proof, "conditions", ())]
            if res.solved and (values := answer_texts(out.proof)):
                row["values"] = values  # find-the-value goals: the values proven
        if res.solved:
            row["time_to_proof"] = round(res.seconds, 4)
    except ProposerUnavailable as e:
        row.update(status="error", error=str(e))
    except ProblemError as e:
        row.update(status="error", error=str(e))
    except Exception as e:  # a bug: report it, keep the run going  # noqa: BLE001
        row.update(status="error", error=f"{type(e).__name__}: {e}")
    row["seconds"] = round(time.monotonic() - start, 4)
    return row
