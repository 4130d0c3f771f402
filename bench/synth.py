"""Benchmark of synthetic data generation: rate, aux fraction, proof lengths, goal kinds.

Runs a real job (the same code path as ``geoprover synth``) into a temporary folder
and prints the manifest's figures. The rate is examples per core-minute of worker
CPU time, so it does not depend on how busy the machine is.

    python bench/synth.py [--count 2000] [--jobs 2] [--seed 0] [--backend local|ray]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

# This file is named like the package it measures: put the repository first on the path.
REPO = Path(__file__).resolve().parents[1]
sys.path[:] = [str(REPO)] + [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from synth import JobOptions, SynthConfig, read_manifest, run_job  # noqa: E402
from synth.stats import format_stats  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--jobs", type=int, default=None)
    ap.add_argument("--seed", type=int, default=12345)
    ap.add_argument("--backend", default="local", choices=("local", "ray"))
    ap.add_argument("--config", help="JSON overrides of the default config")
    ap.add_argument("--out", help="keep the corpus here (default: a temporary folder)")
    args = ap.parse_args()
    config = SynthConfig.load(args.config) if args.config else SynthConfig()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(args.out) if args.out else Path(tmp) / "corpus"
        start = time.monotonic()
        run_job(JobOptions(out=out, count=args.count, seed=args.seed, jobs=args.jobs, backend=args.backend,
                           config=config, progress=True))
        wall = time.monotonic() - start
        m = read_manifest(out)
    print(format_stats(m))
    print(f"wall time           {wall:.1f} s")
    print(
        f"SUMMARY rate={m['examples_per_core_minute']}/core-min aux={m['aux_fraction']:.3f} "
        f"median_len={m['median_proof_length']} benchmark_kinds={m['benchmark_kind_share']:.3f} "
        f"relabelled_share={m['relabelled_share']:.3f}"
    )


if __name__ == "__main__":
    main()
