"""The public API of ``synth`` is pinned, and its docstring examples run."""
from __future__ import annotations

import doctest
import importlib

import pytest

import synth

MODULES = ["synth", "synth.canon", "synth.config", "synth.example", "synth.sampler"]


def test_public_api_is_pinned() -> None:
    assert sorted(synth.__all__) == [
        "BENCHMARK_KINDS", "Canonical", "ConfigError", "Corpus", "CorpusError", "Example", "Extractor",
        "Figure", "JobOptions", "SamplingError", "SynthConfig", "Tally", "canonical", "figure_seed",
        "format_line", "make_backend", "parse_line", "point_name", "proof_from_lines", "read_corpus",
        "read_manifest", "run_chunk", "run_job", "sample_figure",
    ]
    for name in synth.__all__:
        assert hasattr(synth, name)


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0 and result.attempted > 0
