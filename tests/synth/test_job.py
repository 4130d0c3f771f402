"""Jobs: shards and manifest on disk, dedup across workers, resume after a kill, both backends."""
from __future__ import annotations

import gzip
import json
import multiprocessing as mp
import os
import signal
import time
from pathlib import Path

import pytest

from ddar.check import check_proof
from geometry.diagram import realise
from geometry.problem import parse_problem
from prover.cli import main
from synth import (
    CorpusError,
    JobOptions,
    SynthConfig,
    proof_from_lines,
    read_corpus,
    read_manifest,
    run_job,
)


def _keys(root: Path) -> list[str]:
    return [ex.key for ex in read_corpus(root)]


def test_a_tiny_local_job_writes_shards_and_manifest(tmp_path: Path, small_config: SynthConfig) -> None:
    out = tmp_path / "corpus"
    run_job(JobOptions(out=out, count=30, seed=3, jobs=2, config=small_config, progress=False))
    m = read_manifest(out)
    examples = list(read_corpus(out))
    assert m["examples"] == len(examples) == 30 and m["complete"]
    assert len({ex.key for ex in examples}) == 30
    assert m["seed"] == 3 and m["version"] and SynthConfig.from_dict(m["config"]) == small_config
    assert m["runs"][-1]["code"] and m["runs"][-1]["backend"] == "local"
    assert sum(m["proof_length_histogram"].values()) == 30
    assert m["aux_fraction"] == round(sum(bool(ex.aux) for ex in examples) / 30, 4)
    for i, ex in enumerate(examples[:8]):  # verified: the goal holds afresh and the proof replays
        problem = parse_problem("ex", ex.problem)
        diagram = realise(problem, seed=50 + i)
        assert check_proof(proof_from_lines(problem, ex.proof), diagram.points).ok
    for shard in m["shards"]:
        with gzip.open(out / shard["file"], "rt") as f:
            rows = [json.loads(line) for line in f]
        assert len(rows) == shard["examples"]
        assert {"problem", "goal", "aux", "proof", "proof_length", "seed"} <= set(rows[0])
    # one worker gives the same corpus as two
    solo = tmp_path / "solo"
    run_job(JobOptions(out=solo, count=30, seed=3, jobs=1, config=small_config, progress=False))
    assert _keys(solo) == _keys(out)


def _killed_run(out: Path, config: SynthConfig) -> None:
    """Start a run of 60 examples, committing after every chunk, and SIGKILL it after a commit."""
    opts = JobOptions(out=out, count=60, seed=5, jobs=1, config=config, progress=False, commit_seconds=0.0)
    proc = mp.get_context("fork").Process(target=run_job, args=(opts,))
    proc.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if 0 < read_manifest(out)["examples"] < 60:
                break
        except CorpusError:
            pass
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.join()


def test_resuming_after_a_kill_loses_and_duplicates_nothing(tmp_path: Path, small_config: SynthConfig) -> None:
    whole = tmp_path / "whole"
    run_job(JobOptions(out=whole, count=60, seed=5, jobs=1, config=small_config, progress=False))
    killed = tmp_path / "killed"
    _killed_run(killed, small_config)
    before = read_manifest(killed)["examples"]
    assert 0 < before < 60
    # a shard written but not yet in the manifest (killed between the two renames) is dropped
    (killed / f"shard-{len(read_manifest(killed)['shards']):05d}.jsonl.gz").write_bytes(gzip.compress(b"junk\n"))
    run_job(JobOptions(out=killed, count=60, seed=5, jobs=2, config=small_config, progress=False))
    assert _keys(killed) == _keys(whole)
    assert read_manifest(killed)["examples"] == 60


def test_a_larger_count_extends_a_finished_run(tmp_path: Path, small_config: SynthConfig) -> None:
    out = tmp_path / "grow"
    run_job(JobOptions(out=out, count=12, seed=8, jobs=1, config=small_config, progress=False))
    run_job(JobOptions(out=out, count=25, seed=8, jobs=1, config=small_config, progress=False))
    straight = tmp_path / "straight"
    run_job(JobOptions(out=straight, count=25, seed=8, jobs=1, config=small_config, progress=False))
    assert _keys(out) == _keys(straight)


def test_another_seed_or_config_in_the_same_folder_is_refused(tmp_path: Path, small_config: SynthConfig) -> None:
    out = tmp_path / "c"
    run_job(JobOptions(out=out, count=5, seed=1, jobs=1, config=small_config, progress=False))
    with pytest.raises(CorpusError, match="seed 1, not 2"):
        run_job(JobOptions(out=out, count=5, seed=2, jobs=1, config=small_config, progress=False))
    with pytest.raises(CorpusError, match="different config"):
        run_job(JobOptions(out=out, count=5, seed=1, jobs=1, config=SynthConfig(), progress=False))


def test_cli_synth_and_stats(tmp_path: Path, small_config: SynthConfig, capsys) -> None:
    cfg = tmp_path / "small.json"
    cfg.write_text(json.dumps(small_config.to_dict()), encoding="utf-8")
    out = tmp_path / "cli"
    assert main(["synth", "--out", str(out), "--count", "10", "--jobs", "1", "--seed", "4",
                 "--config", str(cfg), "--quiet"]) == 0
    assert "examples            10 (target 10, complete)" in capsys.readouterr().out
    png = tmp_path / "hist.png"
    assert main(["synth", "stats", str(out), "--png", str(png)]) == 0
    text = capsys.readouterr().out
    assert "with aux" in text and "median" in text and f"wrote {png}" in text
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_ray_backend_runs_the_same_job(tmp_path: Path, small_config: SynthConfig) -> None:
    pytest.importorskip("ray", reason="Ray is not installed (pip install 'geoprover[ray]')")
    local = tmp_path / "local"
    run_job(JobOptions(out=local, count=15, seed=6, jobs=1, config=small_config, progress=False))
    ray_out = tmp_path / "ray"
    run_job(JobOptions(out=ray_out, count=15, seed=6, jobs=2, backend="ray", config=small_config, progress=False))
    assert _keys(ray_out) == _keys(local)
    assert read_manifest(ray_out)["runs"][-1]["backend"] == "ray"
