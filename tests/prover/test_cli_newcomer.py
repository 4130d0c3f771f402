"""What a new user meets first on the command line: version, empty files, misspelt names, titles, figures."""
from __future__ import annotations

from pathlib import Path

import pytest

from prover import __version__
from prover.cli import main

ORTHOCENTER = (
    "a b c = triangle a b c; d = foot d a b c; e = foot e b c a; "
    "h = on_line h a d, on_line h b e ? perp c h a b"
)


def one_error_line(capsys) -> str:
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("geoprover: error: ")
    return lines[0]


def test_version(capsys) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"geoprover {__version__}"


@pytest.mark.parametrize("content", ["", "# only a comment\n\n# and another\n"], ids=["empty", "comments"])
@pytest.mark.parametrize(
    "command", [["check"], ["prove"], ["bench", "--quiet"], ["draw", "NAME", "--out", "x.svg"]],
    ids=["check", "prove", "bench", "draw"],
)
def test_a_file_without_problems_is_an_error(tmp_path: Path, capsys, content: str, command: list[str]) -> None:
    f = tmp_path / "none.txt"
    f.write_text(content, encoding="utf-8")
    argv = [command[0], str(f), *command[1:]]
    if command[0] == "draw":
        argv[-1] = str(tmp_path / "x.svg")
    assert main(argv) == 2
    assert "no problems" in one_error_line(capsys)
    assert not (tmp_path / "x.svg").exists()


def test_a_misspelt_construction_gets_the_closest_names(capsys) -> None:
    assert main(["prove", "--text", "a b c = triangel a b c ? perp a b a c"]) == 2
    line = one_error_line(capsys)
    assert "unknown construction" in line and "did you mean `triangle`" in line


def test_a_misspelt_predicate_gets_the_closest_names(capsys) -> None:
    assert main(["prove", "--text", "a b c = triangle a b c ? paral a b a c"]) == 2
    assert "did you mean `para`" in one_error_line(capsys)


def test_a_misspelt_construction_name_on_the_constructions_command(capsys) -> None:
    assert main(["constructions", "midpiont"]) == 2
    assert "did you mean `midpoint`" in one_error_line(capsys)


def test_a_text_problem_takes_its_title(capsys) -> None:
    assert main(["prove", "--text", ORTHOCENTER, "--name", "altitudes"]) == 0
    assert capsys.readouterr().out.startswith("Problem: altitudes\n")


def test_name_without_text_is_an_error(examples_path: Path, capsys) -> None:
    assert main(["prove", str(examples_path), "--name", "x"]) == 2
    assert "--name" in one_error_line(capsys)


def test_draw_labels_points_and_states_the_goal_in_words(examples_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "o.svg"
    assert main(["draw", str(examples_path), "orthocenter", "--out", str(out)]) == 0
    svg = out.read_text(encoding="utf-8")
    # matplotlib writes each text it draws as paths, preceded by the text in a comment
    assert "<!-- Prove that CH ⊥ AB. -->" in svg
    for label in "ABCDEH":
        assert f"<!-- {label} -->" in svg
    assert "perp c h a b" not in svg


def test_the_html_legend_names_only_what_the_figure_shows(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    assert main(["prove", "--text", ORTHOCENTER, "--format", "html", "--out", str(page)]) == 0
    text = page.read_text(encoding="utf-8")
    assert "red: the goal" in text
    assert "orange, dashed" not in text  # no auxiliary construction in this problem
    with_aux = "a b c = triangle a b c; d = parallelogram a b c d | m = midpoint m a c ? coll b m d"
    assert main(["prove", "--text", with_aux, "--format", "html", "--out", str(page)]) == 0
    assert "orange, dashed: auxiliary constructions" in page.read_text(encoding="utf-8")


def test_bench_prints_its_summary_once(tmp_path: Path, capsys) -> None:
    f = tmp_path / "two.txt"
    f.write_text(
        "midline\na b c = triangle a b c; m = midpoint m a b; n = midpoint n a c ? para m n b c\n"
        "altitudes\n" + ORTHOCENTER + "\n",
        encoding="utf-8",
    )
    assert main(["bench", str(f), "--quiet", "--timeout", "30"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["solved 2/2"]


def test_synth_stats_counts_diagrams_sampled() -> None:
    from synth.stats import format_stats

    manifest = {
        "examples": 3, "target": 3, "complete": True, "aux_examples": 1, "aux_fraction": 1 / 3,
        "relabelled": 0, "aux_candidates": 1, "relabelled_share": 0.0, "median_proof_length": 2,
        "mean_proof_length": 2.0, "benchmark_kind_share": 1.0, "goal_kinds": {"para": 3}, "figures": 7,
        "examples_per_core_minute": 1.0, "worker_seconds": 10.0, "wall_seconds": 5.0, "seed": 0, "version": 1,
        "shards": [], "tally": {"rejected_numeric": 0, "rejected_check": 0, "rejected_other": 0},
    }
    text = format_stats(manifest)
    assert "diagrams sampled    7" in text
    assert "figures" not in text


def test_a_misspelt_requirement_in_a_clause_gets_the_closest_names(capsys) -> None:
    assert main(["prove", "--text", "a b c = triangle a b c, ncol a b c ? perp a b a c"]) == 2
    assert "did you mean `ncoll`" in one_error_line(capsys)
