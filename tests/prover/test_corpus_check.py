"""No benchmark statement (up to renaming) enters training: geoprover train refuses such a corpus."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

from geometry.problem import read_problems
from prover.cli import main
from prover.corpus_check import CHECK_FILE, check_corpus
from prover.problem_sets import set_path


def _corpus(root: Path, problems: list[str]) -> Path:
    root.mkdir(parents=True)
    with gzip.open(root / "shard-00000.jsonl.gz", "wt", encoding="utf-8") as f:
        for i, text in enumerate(problems):
            f.write(json.dumps({"problem": text, "goal": text.split(" ? ")[1], "aux": [], "proof": [],
                                "seed": 100 + i, "key": str(i)}) + "\n")
    (root / "manifest.json").write_text(json.dumps({"format": 1, "examples": len(problems),
                                                    "shards": [{"file": "shard-00000.jsonl.gz"}]}))
    return root


def _renamed(problem) -> str:
    names = {p: f"{p}x" if len(p) == 1 else p + "q" for p in problem.points()}
    return problem.rename(names).to_text()


def test_a_renamed_benchmark_problem_is_found_and_training_refused(tmp_path, capsys) -> None:
    olympiad = read_problems(set_path("olympiad_dev"))[3]
    jgex = read_problems(set_path("jgex"))[10]
    clean = "a b c = triangle a b c; d = midpoint d b c; e = midpoint e a c ? para d e a b"
    root = _corpus(tmp_path / "c", [clean, _renamed(olympiad), clean.replace("para", "perp"), _renamed(jgex)])
    found = check_corpus(root)
    assert [(o.index, o.benchmark) for o in found] == [(1, f"olympiad_dev/{olympiad.name}"), (3, f"jgex/{jgex.name}")]
    assert (root / CHECK_FILE).exists() and check_corpus(root) == found  # kept, read back
    assert main(["train", "--data", str(root), "--out", str(tmp_path / "m"), "--steps", "1"]) == 2
    err = capsys.readouterr().err
    assert "equal a benchmark problem" in err and olympiad.name in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "m").exists()


def test_a_synthetic_corpus_has_no_benchmark_statement(tmp_path) -> None:
    from synth import SynthConfig
    from synth.extract import Extractor

    examples = []
    for seed in range(3):
        found, _ = Extractor(SynthConfig(min_steps=2, max_steps=3, max_points=9, saturation_timeout=2.0)).figure_examples(seed)
        examples += [e.problem for e in found]
    assert examples
    assert check_corpus(_corpus(tmp_path / "s", examples)) == []
