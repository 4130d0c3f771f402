"""Bad synth settings fail at once with one clear line."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from prover.cli import main
from synth import ConfigError, SynthConfig


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"min_steps": 5, "max_steps": 2}, "max_steps (2) must be at least min_steps (5)"),
        ({"intersect_prob": 1.5}, "intersect_prob must be a number in [0.0, 1.0]"),
        ({"max_points": 2}, "max_points (2) must be at least 4"),
        ({"max_candidates": -1}, "max_candidates must be an integer >= 0"),
        ({"saturation_timeout": 0}, "saturation_timeout must be a positive number of seconds"),
        ({"min_proof_length": "3"}, "min_proof_length must be an integer >= 1"),
        ({"step_weights": {"no_such_thing": 1.0}}, "unknown construction 'no_such_thing'"),
        ({"step_weights": {"triangle": 1.0}}, "'triangle' is a free figure"),
        ({"base_weights": {"midpoint": 1.0}}, "'midpoint' is not a free figure"),
        ({"step_weights": {"midpoint": -1.0}}, "weight of 'midpoint' must be a non-negative number"),
        ({"step_weights": {"midpoint": 0.0}}, "at least one weight must be positive"),
        ({"step_weights": {"s_angle": 1.0}}, "'s_angle' cannot be sampled"),
        ({"goal_kinds": ["sameside"]}, "goal kind 'sameside' is not one the engine proves"),
        ({"max_step": 3}, "unknown setting 'max_step'"),
    ],
)
def test_bad_values_are_named(overrides: dict, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        SynthConfig.from_dict(overrides)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_defaults_round_trip_through_json() -> None:
    cfg = SynthConfig(min_steps=4, max_steps=4)
    assert SynthConfig.from_dict(json.loads(json.dumps(cfg.to_dict()))) == cfg


def test_cli_reports_a_bad_config_file_on_one_line(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"intersect_prob": 3}', encoding="utf-8")
    assert main(["synth", "--out", str(tmp_path / "c"), "--count", "5", "--config", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["geoprover: error: synth config: intersect_prob must be a number in [0.0, 1.0], got 3"]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["synth", "--count", "5"], "synth needs --out DIR"),
        (["synth", "--out", "X", "--count", "0"], "--count must be at least 1"),
        (["synth", "--out", "X", "--jobs", "0"], "--jobs must be at least 1"),
        (["synth", "stats"], "expected 'synth --out DIR [...]' or 'synth stats DIR'"),
    ],
)
def test_cli_bad_arguments(argv: list[str], message: str, capsys, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_a_manifest_gives_back_its_config(tmp_path: Path) -> None:
    cfg = SynthConfig(min_steps=4, max_steps=4, intersect_prob=0.5)
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"format": 1, "seed": 0, "config": cfg.to_dict()}), encoding="utf-8")
    assert SynthConfig.load(manifest) == cfg
