"""The ``geoprover synth`` subcommand (registered in :mod:`prover.cli`)."""
from __future__ import annotations

import argparse
from pathlib import Path

from .config import ConfigError, SynthConfig
from .corpus import CorpusError
from .job import BackendError, JobOptions, run_job
from .stats import format_stats, run_stats


def synth_main(args: argparse.Namespace, usage_error: type[Exception]) -> int:
    """Run ``synth``; bad input is raised as ``usage_error`` (printed as one line by the CLI)."""
    try:
        if args.action:
            return _stats(args, usage_error)
        return _generate(args, usage_error)
    except (ConfigError, CorpusError, BackendError) as e:
        raise usage_error(str(e)) from None


def _stats(args: argparse.Namespace, usage_error: type[Exception]) -> int:
    if args.action[0] != "stats" or len(args.action) != 2:
        raise usage_error("synth: expected 'synth --out DIR [...]' or 'synth stats DIR'")
    root = Path(args.action[1])
    if not root.is_dir():
        raise usage_error(f"{root}: no such folder")
    text, png = run_stats(root, Path(args.png) if args.png else None)
    print(text)
    print(f"wrote {png}")
    return 0


def _generate(args: argparse.Namespace, usage_error: type[Exception]) -> int:
    if not args.out:
        raise usage_error("synth needs --out DIR")
    if args.count < 1:
        raise usage_error("--count must be at least 1")
    if args.jobs is not None and args.jobs < 1:
        raise usage_error("--jobs must be at least 1")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise usage_error(f"--out {out}: not a folder")
    config = SynthConfig.load(args.config) if args.config else SynthConfig()
    opts = JobOptions(out=out, count=args.count, seed=args.seed, jobs=args.jobs, backend=args.backend,
                      address=args.address, config=config, progress=not args.quiet)
    try:
        corpus = run_job(opts)
    except KeyboardInterrupt:
        print(f"interrupted; committed work is kept in {out} (rerun the same command to resume)")
        return 130
    print(format_stats(corpus.manifest()))
    return 0
