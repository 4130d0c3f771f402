"""Shared settings of the synth tests: small figures, so that a job takes seconds."""
from __future__ import annotations

import pytest

from synth import SynthConfig


@pytest.fixture(scope="session")
def aux_seed() -> int:
    """A figure seed whose figure is quick and yields examples that need an auxiliary point."""
    return 104


@pytest.fixture(scope="session")
def small_config() -> SynthConfig:
    """Figures of 2-3 constructions after the base: a job of a few dozen examples runs in seconds."""
    return SynthConfig(min_steps=2, max_steps=3, max_points=9, saturation_timeout=2.0, max_plain_per_figure=6)
