"""Fuzzing the whole pipeline with mutated problem lines (test tooling: ``bench/fuzz.py``
runs it at scale, ``tests/prover/test_fuzz.py`` a fixed seed and count).

Real problem lines (the bundled examples, and the jgex benchmark where it is present)
are mutated token by token: deletions, insertions (from the language's own vocabulary
and from a list of junk tokens), swaps and replacements. Each mutated line runs
through parse, realise and prove (DD+AR, the real driver :func:`prover.prove.prove_ddar`)
in this process, under a per-line time limit, and lands in one :class:`Outcome`.

A clear error (a :class:`ProblemError` with a one-line message), a realised diagram,
a proof the checker accepts and an unproved goal are results; a crash (any other
exception, warnings included), a hang and a proof the checker rejects are bugs.

>>> m = Mutator(["a b c = triangle a b c ? coll a b c"], seed=3)
>>> m.line(0) == m.line(0)   # the same index gives the same line
True
>>> run_line("a b = segment a b ? cong a b").outcome
<Outcome.CLEAR_ERROR: 'clear error'>
"""
from __future__ import annotations

import enum
import random
import re
import traceback
import warnings
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from geometry.constructions import CATALOGUE
from geometry.diagram import realise
from geometry.errors import ProblemError
from geometry.predicates import ALIASES, ARITY, Arity, Kind, kind_of
from geometry.problem import parse_problem, split_problem_text
from geometry.workers import DeadlineExceeded, deadline
from prover.problem_sets import set_path
from prover.prove import prove_ddar

#: The bundled examples and jgex benchmark (package data).
EXAMPLES = set_path("examples")
JGEX = set_path("jgex")

#: Tokens that no problem should contain, or that sit in the wrong place.
JUNK = (
    "", "=", ";", ",", "?", "|", ":", "@", "#", "*", "'", "a'", "x'", "__", "_", "é", "∠",
    "x@1_2", "y@0_0", "z@1e9_1", "p@nan_1", "q@-0.5_3.25", "a@", "@1_2", "b@1_2_3",
    "0", "-0", "1", "-1", "2", "180", "360", "-7", "1.5", "1e9", "nan", "inf", "-inf",
    "1/0", "0/0", "0/5", "-1/2", "3/4", "1pi/0", "0pi/1", "pi", "2pi", "pi/2", "2pi/3",
    "30o", "0o", "180o", "-15o", "90.5o", "30oo", "o", "1/2o",
    "99999999999999999999", "1/99999999999999999999", "99999999999999999999o",
    "99999999999999999999pi/1", "123456789/1", "1" + "0" * 400,
    "A", "B", "Z1", "a1", "zz", "x_1", "None", "True", "__init__", "\\", "\t",
)
#: Literals of the language, of every kind.
LITERALS = ("1/2", "2/3", "3", "1", "15", "-15", "30o", "60o", "-15o", "1pi/3", "2pi/3", "1pi/12", "5/4")
#: Point names that a line may or may not define.
EXTRA_POINTS = ("a", "b", "c", "d", "o", "x", "y", "z", "p", "q", "m", "h", "a1", "t3", "i_b")

_TOKEN = re.compile(r"[;,?|=]|[^\s;,?|=]+")


class Outcome(enum.Enum):
    CLEAR_ERROR = "clear error"
    REALISED = "realised"
    PROVED = "proved"
    UNPROVED = "unproved"
    CRASH = "crash"
    HANG = "hang"
    REJECTED = "proof rejected"

    @property
    def is_bug(self) -> bool:
        return self in (Outcome.CRASH, Outcome.HANG, Outcome.REJECTED)


@dataclass(frozen=True)
class LineResult:
    outcome: Outcome
    detail: str = ""  # the error line, the crash's last frames, the checker's complaint


def tokens(line: str) -> list[str]:
    """The tokens of a problem line; separators are tokens of their own."""
    return _TOKEN.findall(line)


def vocabulary() -> tuple[str, ...]:
    """Names of the language: constructions, predicates, literals and common point names."""
    preds = [k.value for k in Kind] + list(ALIASES)
    return tuple(sorted(CATALOGUE)) + tuple(preds) + LITERALS + EXTRA_POINTS + ("=", ";", ",", "?", "|")


def problem_lines(jgex: Path | None = JGEX) -> list[str]:
    """Problem lines of the bundled examples, plus the jgex file's where it exists."""
    lines = [t for _, t in split_problem_text(EXAMPLES.read_text(encoding="utf-8"), str(EXAMPLES))]
    if jgex is not None and jgex.is_file():
        lines += [t for _, t in split_problem_text(jgex.read_text(encoding="utf-8"), str(jgex))]
    return lines


class Mutator:
    """Mutated copies of real problem lines; line ``i`` depends only on the seed and ``i``."""

    def __init__(self, lines: Sequence[str], seed: int = 0) -> None:
        if not lines:
            raise ValueError("no problem lines to mutate")
        self.lines = list(lines)
        self.seed = seed
        self.vocab = vocabulary()

    def line(self, index: int) -> str:
        rng = random.Random(f"{self.seed}:{index}")
        base = rng.choice(self.lines)
        toks = tokens(base)
        points = sorted({t for t in toks if t[:1].isalpha() and t not in CATALOGUE and kind_of(t) is None})
        count = 1 + min(int(rng.expovariate(1.2)), 5)
        for _ in range(count):
            self._mutate(toks, rng, points)
        return " ".join(t for t in toks)

    def _pick(self, rng: random.Random, points: list[str]) -> str:
        r = rng.random()
        if r < 0.35 and points:
            return rng.choice(points)
        if r < 0.75:
            return rng.choice(self.vocab)
        return rng.choice(JUNK)

    def _mutate(self, toks: list[str], rng: random.Random, points: list[str]) -> None:
        op = rng.choices(_OPS, _WEIGHTS)[0]
        if not toks:
            op = "insert"
        i = rng.randrange(len(toks)) if toks else 0
        if op == "delete":
            del toks[i]
        elif op == "insert":
            toks.insert(rng.randrange(len(toks) + 1), self._pick(rng, points))
        elif op == "swap":
            j = rng.randrange(len(toks))
            toks[i], toks[j] = toks[j], toks[i]
        elif op == "point" and points:
            # another point of the same line: repeated points, wrong order, used too early
            where = [k for k, t in enumerate(toks) if t in points]
            toks[rng.choice(where)] = rng.choice(points)
        elif op == "nogoal" and "?" in toks:
            del toks[toks.index("?") :]
        elif op == "goal" and points:
            toks[:] = toks[: toks.index("?")] if "?" in toks else toks
            toks += ["?", *self._goal(rng, points)]
        else:
            toks[i] = self._pick(rng, points)

    def _goal(self, rng: random.Random, points: list[str]) -> list[str]:
        """A random predicate over the line's points, with a literal where one belongs."""
        kind = rng.choice(list(Kind))
        arity = ARITY.get(kind, Arity(rng.randint(2, 6)))
        n = arity.points + (rng.randint(0, 2) if arity.variadic else 0)
        args = [rng.choice(points) for _ in range(n)]
        lits = [rng.choice(LITERALS + JUNK[-30:]) for _ in range(arity.literals or (1 if kind in _EQUATIONS else 0))]
        return [kind.value, *args, *lits]


_OPS = ("delete", "insert", "swap", "replace", "point", "goal", "nogoal")
_WEIGHTS = (2, 2, 1, 2, 4, 2, 1)
_EQUATIONS = (Kind.LEQUATION, Kind.AEQUATION)


# ---------------------------------------------------------------------- running one line
def run_line(text: str, *, timeout: float = 1.0, hang_after: float = 20.0, seed: int = 0) -> LineResult:
    """Parse, realise and (when there is a goal) prove ``text``; classify what happened.

    ``timeout`` is the DD+AR budget; the whole line gets ``hang_after`` seconds.
    Warnings are errors here, as in the test suite.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with deadline(hang_after):
                problem = parse_problem("fuzz", text)
                if problem.goal is None:
                    realise(problem, seed=seed)
                    return LineResult(Outcome.REALISED)
                out = prove_ddar(problem, seed=seed, timeout=timeout)
    except DeadlineExceeded:
        return LineResult(Outcome.HANG, f"over {hang_after:g} s")
    except ProblemError as e:
        msg = str(e)
        if "\n" in msg or not msg.strip():
            return LineResult(Outcome.CRASH, f"error message is not one line: {msg!r}")
        return LineResult(Outcome.CLEAR_ERROR, msg)
    except Exception as e:  # noqa: BLE001 - anything else is the bug being hunted
        frames = traceback.extract_tb(e.__traceback__)[-3:]
        where = " <- ".join(f"{Path(f.filename).name}:{f.lineno}" for f in reversed(frames))
        return LineResult(Outcome.CRASH, f"{type(e).__name__}: {e} [{where}]")
    if out.proof is None:
        return LineResult(Outcome.UNPROVED, out.status)
    if out.check is None or not out.check.ok:
        errors = out.check.errors if out.check is not None else ("not checked",)
        return LineResult(Outcome.REJECTED, "; ".join(errors[:2]))
    return LineResult(Outcome.PROVED)


@dataclass
class Report:
    """Counts per outcome and the first offending lines of each bug kind."""

    counts: Counter[Outcome]
    bugs: list[tuple[int, str, LineResult]]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def bug_count(self) -> int:
        return sum(n for o, n in self.counts.items() if o.is_bug)


def fuzz(
    mutator: Mutator,
    count: int,
    *,
    start: int = 0,
    timeout: float = 1.0,
    hang_after: float = 20.0,
) -> Iterator[tuple[int, str, LineResult]]:
    """Run lines ``start .. count-1`` of ``mutator``; yields (index, line, result)."""
    for i in range(start, count):
        text = mutator.line(i)
        yield i, text, run_line(text, timeout=timeout, hang_after=hang_after)


def summarise(results: Iterator[tuple[int, str, LineResult]], keep: int = 20) -> Report:
    """Collect counts and the first ``keep`` bug lines."""
    report = Report(Counter(), [])
    for i, text, res in results:
        report.counts[res.outcome] += 1
        if res.outcome.is_bug and len(report.bugs) < keep:
            report.bugs.append((i, text, res))
    return report


__all__ = ["Mutator", "Outcome", "LineResult", "Report", "fuzz", "run_line", "problem_lines", "summarise", "tokens"]
