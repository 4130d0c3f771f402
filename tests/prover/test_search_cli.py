"""``geoprover prove`` with the search, and ``geoprover bench --mode search``, as a user runs them."""
from __future__ import annotations

from pathlib import Path

import pytest

from prover.cli import main
from prover.results import read_results

PROBLEMS = """\
bisectors
a b c = triangle a b c; d = angle_bisector d a b c, on_dia d b c; e = angle_bisector e b a c, on_dia e a c ? para d e a b
midline
a b c = triangle a b c; m = midpoint m a b; n = midpoint n a c ? para m n b c
"""


@pytest.fixture()
def problems(tmp_path: Path) -> Path:
    path = tmp_path / "problems.txt"
    path.write_text(PROBLEMS, encoding="utf-8")
    return path


def test_prove_searches_when_ddar_fails_and_states_the_auxiliary_point(problems: Path, capsys) -> None:
    assert main(["prove", str(problems), "bisectors", "--timeout", "60"]) == 0
    out = capsys.readouterr().out
    assert "Auxiliary construction: Let F be" in out
    assert "This proves that" in out


def test_no_search_is_ddar_alone(problems: Path, capsys) -> None:
    assert main(["prove", str(problems), "bisectors", "--no-search"]) == 1
    assert "DD+AR found no proof" in capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["markdown", "json", "html"])
def test_every_format_states_the_construction(problems: Path, tmp_path: Path, fmt: str, capsys) -> None:
    out = tmp_path / f"proof.{fmt}"
    assert main(["prove", str(problems), "bisectors", "--format", fmt, "--out", str(out)]) == 0
    assert "foot of the perpendicular from C to AB" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("proposer", ["lm", "mix"])
def test_the_language_model_missing_is_one_clear_error(problems: Path, proposer: str, tmp_path: Path,
                                                       capsys) -> None:
    missing = str(tmp_path / "no-model")
    assert main(["prove", str(problems), "bisectors", "--proposer", proposer, "--model", missing]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("geoprover: error: --proposer") and "language model" in err[0]
    assert "no-model" in err[0]
    assert main(["bench", str(problems), "--mode", "search", "--proposer", proposer, "--model", missing]) == 2


@pytest.mark.parametrize("option", ["--beam-size", "--depth", "--jobs", "--candidates"])
def test_bad_search_options_are_one_line(problems: Path, option: str, capsys) -> None:
    assert main(["prove", str(problems), "bisectors", option, "0"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and option in err[0]


def test_bench_search_rows(problems: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "rows.jsonl"
    assert main(["bench", str(problems), "--mode", "search", "--timeout", "60", "--out", str(out), "--quiet"]) == 0
    rows = {r["name"]: r for r in read_results(out)[1]}
    assert capsys.readouterr().out.strip().endswith("solved 2/2")
    hard, easy = rows["bisectors"], rows["midline"]
    assert hard["status"] == "solved" and hard["checked"]
    assert hard["aux_clauses"] and hard["candidates"] >= 1 and hard["time_to_proof"] > 0
    assert easy["status"] == "solved" and easy["aux_clauses"] == [] and easy["candidates"] == 0


@pytest.mark.slow
def test_bench_on_a_local_ray(problems: Path, tmp_path: Path, capsys) -> None:
    pytest.importorskip("ray")
    out = tmp_path / "rows.jsonl"
    argv = ["bench", str(problems), "--mode", "search", "--backend", "ray", "--jobs", "2", "--timeout", "60",
            "--out", str(out), "--quiet"]
    assert main(argv) == 0
    rows = read_results(out)[1]
    assert sorted(r["name"] for r in rows) == ["bisectors", "midline"]
    assert all(r["status"] == "solved" for r in rows)


def test_spread_candidates_needs_the_search(problems: Path, capsys) -> None:
    assert main(["bench", str(problems), "--spread", "candidates", "--quiet"]) == 2
    assert "--spread candidates" in capsys.readouterr().err


def test_bench_spreads_one_problems_candidates_over_local_processes(problems: Path, tmp_path: Path) -> None:
    out = tmp_path / "rows.jsonl"
    argv = ["bench", str(problems), "--mode", "search", "--spread", "candidates", "--jobs", "2", "--timeout", "60",
            "--out", str(out), "--quiet"]
    assert main(argv) == 0
    config, rows = read_results(out)
    assert config["candidate_jobs"] == 2  # a run with another number of workers per problem is another run
    assert {r["name"]: r["status"] for r in rows} == {"bisectors": "solved", "midline": "solved"}
    assert {r["name"]: r["aux_sources"] for r in rows}["bisectors"] == ["heuristic:foot"]


def test_one_problems_candidates_on_a_local_ray_give_the_local_proof(problems: Path, tmp_path: Path) -> None:
    """Ray runs the same candidates in the same rank order: the same proof for a seed."""
    pytest.importorskip("ray")
    from geometry.problem import parse_problem
    from prover.export import render
    from prover.proposers import HeuristicProposer
    from prover.search import SearchConfig, search, start_ray

    text = PROBLEMS.splitlines()[1]
    problem = parse_problem("bisectors", text)
    local = search(problem, HeuristicProposer(), SearchConfig(timeout=60, jobs=2))
    # a proof that only a bundle finds (two midpoints together; see tests/prover/test_search.py)
    from prover.proposers import FakeLM

    midpoints = ["f = midpoint f a b", "f = midpoint f a c", "f = midpoint f b c"]
    bundled = search(problem, FakeLM(midpoints), SearchConfig(timeout=60, depth=1, jobs=2))
    ray = start_ray(2)
    try:
        remote = search(problem, HeuristicProposer(), SearchConfig(timeout=60, jobs=2, backend="ray"))
        remote_bundled = search(problem, FakeLM(midpoints), SearchConfig(timeout=60, depth=1, jobs=2, backend="ray"))
    finally:
        ray.close()
    assert local.solved and remote.solved
    assert remote.aux == local.aux
    assert render([remote.outcome], "text") == render([local.outcome], "text")
    assert bundled.solved and bundled.report.bundles == 1 and len(bundled.aux) == 2
    assert remote_bundled.solved and remote_bundled.aux == bundled.aux
    assert render([remote_bundled.outcome], "text") == render([bundled.outcome], "text")


def test_the_json_document_says_how_the_search_went(problems: Path, tmp_path: Path) -> None:
    import json

    import jsonschema

    from prover.export.jsonfmt import schema

    out = tmp_path / "proof.json"
    assert main(["prove", str(problems), "bisectors", "--timeout", "60", "--format", "json", "--out", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))  # one problem: one document
    jsonschema.validate(doc, schema())
    search = doc["search"]
    assert search["status"] == "solved" and search["aux_clauses"] == ["f = foot f c a b"]
    assert search["aux_sources"] == ["heuristic:foot"] and search["depth_reached"] == 1
    assert search["candidates"] == sum(search["per_depth"]) >= 1
    assert set(search["seconds_split"]) == {"proposing", "preparing", "materialising", "saturating", "checking"}
    # DD+AR alone settles the midline: no search ran, and the document says none
    assert main(["prove", str(problems), "midline", "--format", "json", "--out", str(out)]) == 0
    assert "search" not in json.loads(out.read_text(encoding="utf-8"))
