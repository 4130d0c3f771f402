"""The bundled problem sets: named without a path, shipped with source and licence."""
from __future__ import annotations

from pathlib import Path

import pytest

from geometry.problem import read_problems
from prover import problem_sets
from prover.cli import main

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name, count", [("jgex", 231), ("olympiad_dev", 96)])
def test_each_benchmark_set_ships_with_its_problems(name: str, count: int) -> None:
    path = problem_sets.set_path(name)
    assert path.is_file() and path.parent == REPO / "prover" / "benchmarks"
    assert len(read_problems(path)) == count


def test_the_benchmark_folder_states_source_and_licence_of_each_file() -> None:
    folder = REPO / "prover" / "benchmarks"
    readme = (folder / "README.md").read_text(encoding="utf-8")
    for path in folder.glob("*.txt"):
        if path.name.startswith("LICENSE"):
            continue
        assert f"`{path.name}`" in readme, f"{path.name} is not described in benchmarks/README.md"
    assert "Apache License" in (folder / "LICENSE-Apache-2.0.txt").read_text(encoding="utf-8")
    assert "never train" in readme


def test_a_file_that_exists_is_read_as_a_file_even_when_named_like_a_set(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert problem_sets.resolve("jgex") == problem_sets.set_path("jgex")
    (tmp_path / "jgex").write_text("mine\na b c = triangle a b c ? perp a b a c\n", encoding="utf-8")
    assert problem_sets.resolve("jgex") == Path("jgex")


def test_commands_take_a_set_name(capsys) -> None:
    assert main(["check", "jgex", "examples/complete2/000/complete_007_7_Book_LLL_L194-2.gex"]) == 0
    assert "realised 1/1" in capsys.readouterr().out
    assert main(["prove", "examples", "orthocenter", "--no-search"]) == 0
    assert "This proves that CH ⊥ AB." in capsys.readouterr().out


def test_a_misspelt_set_name_gets_one_line_with_the_names(capsys) -> None:
    assert main(["check", "jgx"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0
    assert "jgx: no such file" in err and "olympiad_dev" in err and "did you mean `jgex`" in err


def test_an_unknown_problem_name_gets_did_you_mean(capsys) -> None:
    assert main(["prove", "examples", "orthocentre"]) == 2
    err = capsys.readouterr().err
    assert "no problem named 'orthocentre'" in err and "did you mean `orthocenter`" in err
