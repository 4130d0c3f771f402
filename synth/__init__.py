"""Synthetic data: random figures -> DD+AR -> traceback-minimised problems with auxiliaries.

>>> from synth import SynthConfig, Extractor
>>> examples, tally = Extractor(SynthConfig()).figure_examples(seed=3)
>>> all(ex.problem.endswith(" ? " + ex.goal) for ex in examples)
True
"""
from __future__ import annotations

from geometry.names import point_name

from .canon import Canonical, canonical
from .config import BENCHMARK_KINDS, ConfigError, SynthConfig
from .corpus import Corpus, CorpusError, read_corpus, read_manifest
from .example import Example, format_line, parse_line, proof_from_lines
from .extract import Extractor, Tally
from .job import JobOptions, figure_seed, make_backend, run_chunk, run_job
from .sampler import Figure, SamplingError, sample_figure

__all__ = [
    "BENCHMARK_KINDS",
    "Canonical",
    "ConfigError",
    "Corpus",
    "CorpusError",
    "Example",
    "Extractor",
    "Figure",
    "JobOptions",
    "SamplingError",
    "SynthConfig",
    "Tally",
    "canonical",
    "figure_seed",
    "format_line",
    "make_backend",
    "parse_line",
    "point_name",
    "proof_from_lines",
    "read_corpus",
    "read_manifest",
    "run_chunk",
    "run_job",
    "sample_figure",
]
