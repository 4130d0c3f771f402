"""No benchmark statement in a training corpus: the check ``geoprover train`` runs first.

A corpus example (its premises and goal, auxiliary clauses left out) equals a benchmark
problem when their canonical forms are equal (:func:`synth.canon.canonical`: points renamed in
order of appearance, independent clauses in a fixed order, the goal in canonical form), so a
renamed or reordered copy is caught too. The bundled benchmark sets (jgex, olympiad_dev) are
the ones checked. The verdict is kept in the corpus folder (``benchmark_check.json``, keyed by a
hash of the manifest), so a corpus is read once however often it is trained on.

>>> from geometry.problem import parse_problem
>>> a = parse_problem("a", "p q r = triangle p q r; m = midpoint m q r ? cong p m q m")
>>> b = parse_problem("b", "a b c = triangle a b c; d = midpoint d b c ? cong a d b d")
>>> statement_key(a) == statement_key(b)
True
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from geometry.errors import ProblemError
from geometry.problem import Problem, parse_problem, read_problems
from lm.data import MANIFEST, read_examples
from synth.canon import canonical

from .problem_sets import set_path

__all__ = ["BENCHMARK_SETS", "CHECK_FILE", "Overlap", "benchmark_keys", "check_corpus", "overlaps", "statement_key"]

BENCHMARK_SETS = ("jgex", "olympiad_dev")
CHECK_FILE = "benchmark_check.json"


@dataclass(frozen=True)
class Overlap:
    """A corpus example (its figure seed and index in the corpus) equal to a benchmark problem."""

    seed: int
    index: int
    benchmark: str


def statement_key(problem: Problem) -> str:
    """The canonical text of the problem's premises and first goal (auxiliary clauses left out)."""
    return canonical(Problem(problem.name, problem.clauses, (), problem.goals[:1])).text


def benchmark_keys(sets: tuple[str, ...] = BENCHMARK_SETS) -> dict[str, str]:
    """Canonical statement -> ``set/name`` for every problem of the bundled benchmark sets."""
    out: dict[str, str] = {}
    for name in sets:
        for p in read_problems(set_path(name)):
            try:
                out.setdefault(statement_key(p), f"{name}/{p.name}")
            except (ProblemError, ValueError):
                continue
    return out


def overlaps(corpus: str | Path, keys: dict[str, str] | None = None) -> list[Overlap]:
    """The corpus examples equal to a benchmark problem up to renaming."""
    keys = benchmark_keys() if keys is None else keys
    out = []
    for i, rec in enumerate(read_examples(corpus)):
        try:
            key = statement_key(parse_problem("example", rec["problem"]))
        except (ProblemError, ValueError):
            continue  # training reports a malformed example itself
        if key in keys:
            out.append(Overlap(int(rec["seed"]), i, keys[key]))
    return out


def check_corpus(corpus: str | Path) -> list[Overlap]:
    """:func:`overlaps` of ``corpus``, read from its ``benchmark_check.json`` when the manifest
    has not changed since, else computed and written there."""
    root = Path(corpus)
    digest = hashlib.sha256((root / MANIFEST).read_bytes()).hexdigest()
    path = root / CHECK_FILE
    try:
        kept = json.loads(path.read_text(encoding="utf-8"))
        if kept.get("manifest") == digest and kept.get("sets") == list(BENCHMARK_SETS):
            return [Overlap(**o) for o in kept["overlaps"]]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        pass
    found = overlaps(root)
    tmp = path.with_suffix(".tmp")
    try:
        tmp.write_text(json.dumps({"manifest": digest, "sets": list(BENCHMARK_SETS),
                                   "overlaps": [vars(o) for o in found]}), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass  # a read-only corpus is checked each time
    return found
