"""The ``geoprover`` command line (also ``python -m prover``).

Each subcommand is a :class:`Command`: a name, a function that declares its
arguments and a function that runs it and returns the exit status. They are all
listed in :func:`commands`; a new subcommand is one more entry there.

Exit status: 0 success, 1 the work ran but found problems (e.g. ``check`` found a
problem that does not realise), 2 bad input. Bad input is reported as exactly
one line on stderr, ``geoprover: error: <message>``, naming the problem, clause
and token at fault; never a traceback.

>>> main(["check", "prover/examples/examples.txt", "orthocenter"])  # doctest: +SKIP
ok  orthocenter
realised 1/1
0
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, NoReturn, Sequence

from geometry.diagram import Diagram, realise
from geometry.errors import ProblemError
from geometry.problem import Problem, parse_problem, split_problem_text

PROG = "geoprover"


class UsageError(Exception):
    """Bad input that is not a problem text: a missing file, a bad option value."""


@dataclass(frozen=True)
class Command:
    """One subcommand: ``configure`` declares its arguments, ``run`` does the work."""

    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def commands() -> tuple[Command, ...]:
    """Every subcommand, in the order ``--help`` lists them."""
    return (
        Command("check", "parse and realise problems; report the ones with errors", _check_args, run_check),
        Command("draw", "draw the figure of one problem (SVG or PNG)", _draw_args, run_draw),
        # Further subcommands (prove, bench, synth, train) are registered here:
        # Command("prove", "...", _prove_args, run_prove),
    )


# ---------------------------------------------------------------------- entry point
class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (no usage block)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="A neuro-symbolic prover for olympiad plane geometry.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for cmd in commands():
        p = sub.add_parser(cmd.name, help=cmd.help, description=cmd.help)
        cmd.configure(p)
        p.set_defaults(run=cmd.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    try:
        args = build_parser().parse_args(argv)
        return args.run(args)
    except (UsageError, ProblemError) as e:
        print(f"{PROG}: error: {_one_line(str(e))}", file=sys.stderr)
        return 2
    except SystemExit as e:  # --help, --version
        return e.code if isinstance(e.code, int) else 0


def _one_line(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------------- shared helpers
def read_problem_pairs(path: str) -> list[tuple[str, str]]:
    """The (name, problem text) pairs of a file; file-level errors are raised."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"cannot read {path}: {e}") from None
    return split_problem_text(text, path)


def select(pairs: list[tuple[str, str]], name: str | None, path: str) -> list[tuple[str, str]]:
    """All pairs, or the one named ``name`` (which must exist)."""
    if name is None:
        return pairs
    chosen = [pair for pair in pairs if pair[0] == name]
    if not chosen:
        raise UsageError(f"{path}: no problem named {name!r}")
    return chosen


def load_problem(path: str, name: str) -> Problem:
    """Parse the problem ``name`` of the file at ``path``."""
    (pair,) = select(read_problem_pairs(path), name, path)
    return parse(*pair)


def parse(name: str, text: str) -> Problem:
    """:func:`parse_problem`, with every error labelled with the problem's name."""
    try:
        return parse_problem(name, text)
    except ProblemError as e:
        raise (e if e.problem is not None else e.with_problem(name)) from None


def _add_file_args(p: argparse.ArgumentParser, name_required: bool) -> None:
    p.add_argument("file", metavar="FILE", help="problem file (name line, problem line, ...)")
    if name_required:
        p.add_argument("name", metavar="NAME", help="the problem's name line")
    else:
        p.add_argument("name", metavar="NAME", nargs="?", help="only this problem")
    p.add_argument("--seed", type=int, default=0, help="seed of the numeric diagram (default 0)")


def _reason(err: ProblemError) -> str:
    """The error's text without the problem name (it is printed beside it)."""
    return _one_line(str(type(err)(err.message, clause=err.clause, token=err.token)))


# ---------------------------------------------------------------------- check
def _check_args(p: argparse.ArgumentParser) -> None:
    _add_file_args(p, name_required=False)


def run_check(args: argparse.Namespace) -> int:
    """Parse and realise each problem: ``ok  NAME`` or ``error NAME: reason``, then a total.

    Checking one named problem that fails is bad input (status 2); in a whole
    file each failure is reported on its line and the others still run.
    """
    pairs = select(read_problem_pairs(args.file), args.name, args.file)
    ok = 0
    for name, text in pairs:
        try:
            realise(parse(name, text), seed=args.seed)
        except ProblemError as e:
            if args.name is not None:
                raise
            print(f"error {name}: {_reason(e)}")
            continue
        ok += 1
        print(f"ok  {name}")
    print(f"realised {ok}/{len(pairs)}")
    return 0 if ok == len(pairs) else 1


# ---------------------------------------------------------------------- draw
_FIGURE_SUFFIXES = (".svg", ".png")


def _draw_args(p: argparse.ArgumentParser) -> None:
    _add_file_args(p, name_required=True)
    p.add_argument("--out", required=True, metavar="PATH", help="output figure, .svg or .png")
    p.add_argument("--no-aux", action="store_true", help="leave out the auxiliary section ( | ...)")


def figure_path(out: str) -> Path:
    """Check that ``out`` names an SVG or PNG file."""
    path = Path(out)
    if path.suffix.lower() not in _FIGURE_SUFFIXES:
        raise UsageError(f"--out {out}: a figure is written as .svg or .png")
    return path


def write_figure(diagram: Diagram, path: Path) -> None:
    """Draw ``diagram`` with its goal highlighted and its auxiliary points in a second colour."""
    from geometry.figure import draw

    problem = diagram.problem
    aux = [p for c in problem.aux for p in c.points] if diagram.with_aux else []
    try:
        draw(diagram, path, highlight=problem.goals, aux_points=aux)
    except OSError as e:
        raise UsageError(f"cannot write {path}: {e.strerror or e}") from None


def run_draw(args: argparse.Namespace) -> int:
    path = figure_path(args.out)
    problem = load_problem(args.file, args.name)
    diagram = realise(problem, seed=args.seed, with_aux=not args.no_aux)
    write_figure(diagram, path)
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
