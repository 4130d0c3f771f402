"""Random figures: reproducible, realisable, built from the weighted action space."""
from __future__ import annotations

from geometry.diagram import realise
from synth import SynthConfig, sample_figure


def test_the_same_seed_gives_the_same_figure() -> None:
    cfg = SynthConfig()
    for seed in range(5):
        a, b = sample_figure(seed, cfg), sample_figure(seed, cfg)
        assert a.text == b.text
        assert a.diagram.points == b.diagram.points


def test_figures_realise_and_respect_sizes() -> None:
    cfg = SynthConfig(min_steps=2, max_steps=4, max_points=10)
    for seed in range(10):
        fig = sample_figure(seed, cfg)
        assert len(fig.problem.points()) <= 10
        assert set(fig.diagram.points) == set(fig.problem.points())
        realise(fig.problem, seed=seed + 100, check_goals=False)  # also from its text alone


def test_weights_choose_the_constructions() -> None:
    cfg = SynthConfig(base_weights={"quadrangle": 1.0}, step_weights={"midpoint": 1.0}, min_steps=2, max_steps=2)
    fig = sample_figure(1, cfg)
    names = [c.constructions[0].name for c in fig.problem.clauses]
    assert names == ["quadrangle", "midpoint", "midpoint"]
