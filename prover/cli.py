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
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, NoReturn, Sequence

from geometry.diagram import Diagram, realise
from geometry.errors import ProblemError, RealisationError, did_you_mean
from geometry.problem import Problem, parse_problem, split_problem_text
from prover import __version__

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
        Command("prove", "prove problems with DD+AR and print the proof", _prove_args, run_prove),
        Command("bench", "run DD+AR (or the search) on every problem of a file, one worker each",
                _bench_args, run_bench),
        Command("synth", "generate synthetic training data (or: synth stats DIR)", _synth_args, run_synth),
        Command(
            "constructions", "the construction catalogue: every construction, or one in full",
            _constructions_args, run_constructions,
        ),
        Command("train", "train the language model on a synthetic corpus (pretrain or finetune)", _train_args,
                run_train),
        Command("lm", "the language model: lm eval (accuracy on a corpus), lm propose (one problem)", _lm_args,
                run_lm),
        Command("serve", "the local web app: write a problem, see its figure, prove it, read the proof",
                _serve_args, run_serve),
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
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
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
    except BrokenPipeError:  # the reader went away (``geoprover constructions | head``)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _one_line(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------------- shared helpers
def read_problem_pairs(path: str) -> list[tuple[str, str]]:
    """The (name, problem text) pairs of a file, or of a bundled set named by ``path``
    (:mod:`prover.problem_sets`: ``jgex``, ``olympiad_dev``, ``examples``); file-level
    errors are raised."""
    from prover import problem_sets

    try:
        text = problem_sets.resolve(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(
            f"{path}: no such file (bundled problem sets: {problem_sets.describe()})"
            + did_you_mean(path, problem_sets.SETS)
        ) from None
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"cannot read {path}: {e}") from None
    pairs = split_problem_text(text, path)
    if not pairs:
        raise UsageError(f"{path}: no problems in the file (it is empty or holds only comments)")
    return pairs


def select(pairs: list[tuple[str, str]], name: str | None, path: str) -> list[tuple[str, str]]:
    """All pairs, or the one named ``name`` (which must exist)."""
    if name is None:
        return pairs
    chosen = [pair for pair in pairs if pair[0] == name]
    if not chosen:
        raise UsageError(f"{path}: no problem named {name!r}" + did_you_mean(name, (n for n, _ in pairs)))
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


#: What a FILE argument may be.
_FILE_HELP = "problem file (name line, problem line, ...) or a bundled set: jgex, olympiad_dev, examples"


def _add_file_args(p: argparse.ArgumentParser, name_required: bool) -> None:
    p.add_argument("file", metavar="FILE", help=_FILE_HELP)
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
    from prover.prove import classify_goal

    pairs = select(read_problem_pairs(args.file), args.name, args.file)
    ok = 0
    for name, text in pairs:
        try:
            problem = parse(name, text)
            realise(problem, seed=args.seed)
            cls = classify_goal(problem, seed=args.seed) if problem.goals else None
            if cls is not None and cls.status == "none":
                raise RealisationError(cls.describe(), problem=name, token=str(problem.goals[0]))
        except ProblemError as e:
            if args.name is not None:
                raise
            print(f"error {name}: {_reason(e)}")
            continue
        ok += 1
        note = f" ({cls.describe()})" if cls is not None and cls.status == "some" else ""
        print(f"ok  {name}{note}")
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
    """Draw ``diagram`` as the proof export does: capital labels, the goal highlighted and
    stated in words, auxiliary points in a second colour."""
    from prover.export import write_figure as export_figure

    try:
        export_figure(diagram, path)
    except OSError as e:
        raise UsageError(f"cannot write {path}: {e.strerror or e}") from None


def run_draw(args: argparse.Namespace) -> int:
    path = figure_path(args.out)
    problem = load_problem(args.file, args.name)
    diagram = realise(problem, seed=args.seed, with_aux=not args.no_aux)
    write_figure(diagram, path)
    print(f"wrote {path}")
    return 0


# ---------------------------------------------------------------------- prove
def _prove_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", nargs="?", help=_FILE_HELP + "; omit with --text")
    p.add_argument("name", metavar="NAME", nargs="?", help="only this problem")
    p.add_argument("--text", metavar="PROBLEM", help="a problem given on the command line")
    p.add_argument(
        "--name", dest="text_name", metavar="TITLE", help="the title of the --text problem (default 'problem')"
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the numeric diagram (default 0)")
    p.add_argument(
        "--timeout", type=_positive, default=60.0, help="seconds per problem, DD+AR and search together (default 60)"
    )
    p.add_argument("--no-search", action="store_true", help="DD+AR only (no auxiliary points proposed)")
    from prover.search_cli import add_search_options

    add_search_options(p)
    p.add_argument("--out", metavar="PATH", help="write the proof(s) to PATH instead of stdout")
    p.add_argument(
        "--format",
        choices=("text", "markdown", "html", "json"),
        default="text",
        help="text (default), markdown, html (one page, figure inline) or json (replayable)",
    )
    p.add_argument(
        "--figure",
        metavar="PATH",
        help="also draw the figure, .svg or .png (Markdown embeds it; several problems: PATH-NAME.svg)",
    )


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be positive")
    return value


def run_prove(args: argparse.Namespace) -> int:
    """DD+AR on each selected problem; prints the proof (or says it could not prove it)
    in the chosen format, and draws the figures that ``--figure`` asks for."""
    from prover.export import render
    from prover.search_cli import prove_outcomes

    if args.text is not None:
        if args.file is not None:
            raise UsageError("give either FILE [NAME] or --text, not both")
        pairs = [(args.text_name or "problem", args.text)]
    elif args.text_name is not None:
        raise UsageError("--name titles a --text problem; with a file, give the problem's NAME after FILE")
    elif args.file is None:
        raise UsageError("prove needs FILE [NAME] or --text")
    else:
        pairs = select(read_problem_pairs(args.file), args.name, args.file)
    if args.figure is not None and Path(args.figure).suffix.lower() not in _FIGURE_SUFFIXES:
        raise UsageError(f"--figure {args.figure}: a figure is written as .svg or .png")
    many = args.name is None and args.text is None
    # DD+AR, then the search unless --no-search; in a whole file a bad problem does not stop the others
    run = prove_outcomes(pairs, args, parse, UsageError, keep_going=many)
    outcomes = run.outcomes
    solved = sum(out.status == "solved" for out in outcomes)  # a rejected proof proves nothing
    figures = _prove_figures(args, outcomes)
    text = render(outcomes, args.format, figures=figures, many=many) if outcomes else ""
    if args.format == "text" and len(pairs) > 1:
        errors = f", {run.errors} with errors" if run.errors else ""
        text += f"\nproved {solved}/{len(pairs)}{errors}\n"
    if args.out:
        _write_atomic(Path(args.out), text)
        print(f"wrote {args.out}")
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    for note in run.notes:
        print(note, file=sys.stderr)
    return 0 if solved == len(pairs) else 1


def _prove_figures(args: argparse.Namespace, outcomes: list) -> list[str | None]:
    """Draw each problem's figure where ``--figure`` says; the paths for Markdown to embed
    (relative to the ``--out`` file's folder)."""
    from prover.export import write_figure

    if args.figure is None:
        return [None] * len(outcomes)
    base = Path(args.figure)
    links: list[str | None] = []
    for out in outcomes:
        path = base if len(outcomes) == 1 else base.with_name(f"{base.stem}-{_file_safe(out.problem.name)}{base.suffix}")
        try:
            write_figure(out.diagram, path, out.proof.goal if out.proof else None)
        except OSError as e:
            raise UsageError(f"cannot write {path}: {e.strerror or e}") from None
        print(f"wrote {path}", file=sys.stdout if args.out else sys.stderr)
        where = Path(args.out).resolve().parent if args.out else Path.cwd()
        links.append(Path(os.path.relpath(path.resolve(), where)).as_posix())
    return links


def _file_safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "problem"


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as e:
        raise UsageError(f"cannot write {path}: {e.strerror or e}") from None


# ---------------------------------------------------------------------- bench
def _bench_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help=_FILE_HELP)
    p.add_argument("--mode", choices=("ddar", "search"), default="ddar", help="ddar (default) or search")
    p.add_argument("--timeout", type=_positive, default=60.0, help="seconds per problem (default 60)")
    p.add_argument("--jobs", type=int, default=1, help="problems run at once (default 1)")
    p.add_argument("--seed", type=int, default=0, help="seed of the numeric diagrams (default 0)")
    p.add_argument("--out", metavar="PATH",
                   help="JSON lines: the run's configuration, then one per problem; a rerun of the same "
                        "configuration resumes, another is refused")
    p.add_argument("--overwrite", action="store_true", help="start the --out file afresh (drop its rows)")
    p.add_argument("--quiet", action="store_true", help="no progress bar (it is shown only on a terminal)")
    from prover.search_cli import add_search_options

    add_search_options(p, jobs=False)  # --mode search: each problem's search runs one worker
    p.add_argument("--backend", choices=("local", "ray"), default="local", help="local processes (default) or Ray")
    p.add_argument("--address", metavar="ADDR", help="Ray cluster address (default: start a local Ray)")
    p.add_argument("--spread", choices=("problems", "candidates"), default="problems",
                   help="problems (default: --jobs problems at once, each search in one worker) or candidates "
                        "(--mode search: one problem at a time, its candidates on --jobs processes or on Ray)")


def run_bench(args: argparse.Namespace) -> int:
    from prover.bench import Task, run_bench as bench, summary
    from prover.results import ResultsError
    from prover.search_cli import proposer_from_args

    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if args.mode == "search":
        proposer_from_args(args, UsageError)  # a missing language model is reported before any work
    pairs = read_problem_pairs(args.file)
    per_problem = args.spread == "candidates"
    if per_problem and args.mode != "search":
        raise UsageError("--spread candidates spreads a search's candidates: use it with --mode search")
    tasks = [
        Task(name, text, args.timeout, args.seed, args.mode, args.proposer, args.model, args.beam_size,
             args.depth, args.candidates, args.bundle, args.cover,
             *((args.jobs, args.backend, args.address) if per_problem else ()))
        for name, text in pairs
    ]
    out = Path(args.out) if args.out else None
    if out is not None and out.exists() and out.is_dir():
        raise UsageError(f"--out {out}: is a directory")
    if args.overwrite and out is None:
        raise UsageError("--overwrite starts an --out file afresh; give --out PATH")
    try:  # a results file of another configuration is refused before any work
        if per_problem:
            from prover.bench import run_bench_per_problem
            from geometry.workers import RayUnavailable

            try:
                rows = run_bench_per_problem(tasks, out, progress=not args.quiet, overwrite=args.overwrite)
            except RayUnavailable as e:
                raise UsageError(str(e)) from None
        elif args.backend == "ray":
            from prover.bench_ray import RayUnavailable, run_bench_ray

            try:
                rows = run_bench_ray(tasks, out, args.jobs, address=args.address, progress=not args.quiet,
                                     overwrite=args.overwrite)
            except RayUnavailable as e:
                raise UsageError(str(e)) from None
        else:
            rows = bench(tasks, out, args.jobs, progress=not args.quiet, overwrite=args.overwrite)
    except ResultsError as e:
        raise UsageError(str(e)) from None
    others: dict[str, int] = {}  # the problems not solved, by status
    for r in rows:
        if r["status"] != "solved":
            others[r["status"]] = others.get(r["status"], 0) + 1
    if others:
        print(", ".join(f"{k} {v}" for k, v in sorted(others.items())))
    print(summary(rows, len(tasks)))
    return 0


# ---------------------------------------------------------------------- synth
def _synth_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("action", nargs="*", metavar="stats DIR", help="print a corpus's statistics (and its histogram PNG)")
    p.add_argument("--out", metavar="DIR", help="corpus folder: gzip JSONL shards + manifest.json; a rerun resumes")
    p.add_argument("--count", type=int, default=1000, help="examples wanted (default 1000)")
    p.add_argument("--jobs", type=int, default=None, help="workers (default: every core, or the Ray cluster's CPUs)")
    p.add_argument("--seed", type=int, default=0, help="seed of the run (default 0)")
    p.add_argument("--backend", choices=("local", "ray"), default="local", help="local processes (default) or Ray")
    p.add_argument("--address", metavar="ADDR", help="Ray cluster address (default: start a local Ray)")
    p.add_argument("--config", metavar="FILE.json", help="settings overriding the defaults (see synth/config.py)")
    p.add_argument("--png", metavar="PATH", help="stats: where to write the histogram (default DIR/proof_lengths.png)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def run_synth(args: argparse.Namespace) -> int:
    """``synth --out DIR ...`` generates (resuming); ``synth stats DIR`` reports on a corpus."""
    from synth.cli import synth_main

    return synth_main(args, UsageError)


# ---------------------------------------------------------------------- train, lm
def _train_args(p: argparse.ArgumentParser) -> None:
    from lm.cli import train_args

    train_args(p)


def run_train(args: argparse.Namespace) -> int:
    from lm.cli import run_train as run
    from lm.data import CorpusReadError

    from .corpus_check import check_corpus

    data = Path(args.data)
    if (data / "manifest.json").is_file():  # else lm's run_train says what is wrong
        try:
            found = check_corpus(data)
        except CorpusReadError as e:
            raise UsageError(str(e)) from None
        if found:
            o = found[0]
            raise UsageError(f"--data {data}: {len(found)} example(s) equal a benchmark problem up to renaming "
                             f"(example {o.index}, figure {o.seed}: {o.benchmark}); benchmark statements are "
                             "never trained on")
    return run(args, UsageError)


def _lm_args(p: argparse.ArgumentParser) -> None:
    from lm.cli import lm_args

    lm_args(p)


def run_lm(args: argparse.Namespace) -> int:
    from lm.cli import run_lm as run

    return run(args, UsageError, load_problem, parse)


# ---------------------------------------------------------------------- constructions
def _constructions_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", metavar="NAME", nargs="?", help="one construction, in full (default: a line each)")


def run_constructions(args: argparse.Namespace) -> int:
    """The catalogue as ``docs/constructions.md`` shows it: a line per construction, or one entry."""
    from geometry.constructions import CATALOGUE
    from geometry.errors import did_you_mean
    from prover.reference import construction_entry, one_line

    if args.name is None:
        for name in sorted(CATALOGUE):
            print(one_line(name))
        return 0
    if args.name not in CATALOGUE:
        raise UsageError(f"unknown construction {args.name!r}" + did_you_mean(args.name, CATALOGUE))
    print(construction_entry(args.name))
    return 0


# ---------------------------------------------------------------------- serve
def _serve_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 opens it to the network)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    p.add_argument("--max-timeout", type=_positive, default=300.0,
                   help="the most seconds a Prove from the page may ask (default 300)")


def run_serve(args: argparse.Namespace) -> int:
    """Serve the web app (:mod:`prover.web`) until Ctrl+C."""
    from prover.web import WebUnavailable, serve

    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: from 0 to 65535")
    try:
        serve(args.host, args.port, announce=lambda line: print(line, flush=True), timeout=args.max_timeout)
    except WebUnavailable as e:
        raise UsageError(str(e)) from None
    except OSError as e:
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {e.strerror or e}") from None
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
