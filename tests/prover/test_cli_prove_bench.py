"""The prove and bench subcommands, as a user runs them."""
from __future__ import annotations

from pathlib import Path

import pytest

from prover.cli import main
from prover.results import read_results

EXAMPLES = Path(__file__).resolve().parents[2] / "prover" / "examples" / "examples.txt"

PROBLEMS = """\
midline
a b c = triangle a b c; m = midpoint m a b; n = midpoint n a c ? para m n b c
bisector_feet
a b c = triangle a b c; d = angle_bisector d a b c, on_dia d b c; e = angle_bisector e b a c, on_dia e a c ? para d e a b
impossible
a b = segment a b; c = on_line c a b; d = on_pline d c a b, on_line d a b ? coll a b d
"""


@pytest.fixture()
def problems(tmp_path: Path) -> Path:
    path = tmp_path / "problems.txt"
    path.write_text(PROBLEMS, encoding="utf-8")
    return path


def test_prove_prints_a_numbered_proof(capsys) -> None:
    assert main(["prove", str(EXAMPLES), "orthocenter"]) == 0
    out = capsys.readouterr().out
    assert "Given:" in out and "Proof:" in out  # the readable text format (prover/export)
    assert "This proves that CH ⊥ AB." in out


def test_prove_says_when_ddar_finds_no_proof(problems: Path, capsys) -> None:
    assert main(["prove", str(problems), "bisector_feet", "--no-search"]) == 1
    out = capsys.readouterr().out
    assert "DD+AR found no proof" in out and "facts derived" in out


def test_prove_text_option_and_out_file(tmp_path: Path, capsys) -> None:
    out = tmp_path / "proof.txt"
    text = "a b c = triangle a b c; m = midpoint m a b; n = midpoint n a c ? para m n b c"
    assert main(["prove", "--text", text, "--out", str(out)]) == 0
    assert "This proves that MN ∥ BC." in out.read_text(encoding="utf-8")
    assert not list(tmp_path.glob("*.tmp"))


@pytest.mark.parametrize(
    "argv",
    [
        ["prove", "no/such/file.txt", "x"],
        ["prove"],
        ["prove", "--text", "a b = segment a b; c = frobnicate c a b ? coll a b c"],
        ["prove", "--text", "a b c = triangle a b c"],  # no goal
        ["prove", "--text", "a b = segment a b ? coll a b a", "--timeout", "-1"],
        ["prove", "--text", "a b = segment a b ? coll a b a", "--bundle", "-1"],
        ["prove", "--text", "a b = segment a b ? coll a b a", "--bundle", "eight"],
    ],
)
def test_prove_bad_input_is_one_line_and_exit_2(argv: list[str], capsys) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("geoprover: error: ")


def test_prove_names_the_unrealisable_problem(problems: Path, capsys) -> None:
    assert main(["prove", str(problems), "impossible"]) == 2
    err = capsys.readouterr().err
    assert "impossible" in err and "clause 3" in err


def _rows(path: Path) -> dict[str, dict]:
    return {r["name"]: r for r in read_results(path)[1]}  # after the configuration line


def test_bench_writes_a_row_per_problem_and_resumes(problems: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "results.jsonl"
    assert main(["bench", str(problems), "--jobs", "2", "--timeout", "20", "--out", str(out), "--quiet"]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == "solved 1/3"
    rows = _rows(out)
    assert rows["midline"]["status"] == "solved" and rows["midline"]["checked"] is True
    assert rows["bisector_feet"]["status"] == "unsolved"
    assert rows["impossible"]["status"] == "error" and "clause 3" in rows["impossible"]["error"]
    assert all(isinstance(r["seconds"], float) for r in rows.values())

    # a killed run leaves a truncated last line; the rerun drops it and redoes that problem only
    lines = out.read_text(encoding="utf-8").splitlines()
    out.write_text("\n".join(lines[:-1]) + "\n" + lines[-1][: len(lines[-1]) // 2], encoding="utf-8")
    # (the same configuration: --jobs is not part of it)
    assert main(["bench", str(problems), "--timeout", "20", "--out", str(out), "--quiet"]) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == "solved 1/3"
    again = out.read_text(encoding="utf-8").splitlines()
    assert len(again) == 4 and set(_rows(out)) == set(rows)  # the configuration and a row per problem


def test_bench_is_the_same_with_one_or_two_jobs(problems: Path, tmp_path: Path) -> None:
    def run(jobs: int) -> dict[str, tuple]:
        out = tmp_path / f"r{jobs}.jsonl"
        main(["bench", str(problems), "--jobs", str(jobs), "--out", str(out), "--quiet"])
        return {n: (r["status"], r.get("steps"), r.get("facts")) for n, r in _rows(out).items()}

    assert run(1) == run(2)


@pytest.mark.parametrize(
    "argv",
    [
        ["bench", "no/such/file.txt"],
        ["bench", "FILE", "--mode", "search", "--proposer", "lm", "--model", "no/such/model"],  # no such model
        ["bench", "FILE", "--jobs", "0"],
        ["bench", "FILE", "--mode", "search", "--bundle", "-2"],
    ],
)
def test_bench_bad_input(argv: list[str], problems: Path, capsys) -> None:
    argv = [str(problems) if a == "FILE" else a for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("geoprover: error: ")


def test_prove_file_reports_a_bad_problem_and_proves_the_others(tmp_path: Path, capsys) -> None:
    path = tmp_path / "mixed.txt"
    path.write_text(
        "first\na b c = triangle a b c; m = midpoint m a b; n = midpoint n a c ? para m n b c\n"
        "broken\na b c = triangle a b c; d = no_such_construction d a b ? para a b c d\n"
        "last\na b c = triangle a b c; d = foot d a b c; e = foot e b c a; h = on_line h a d, on_line h b e"
        " ? perp c h a b\n",
        encoding="utf-8",
    )
    assert main(["prove", str(path), "--no-search"]) == 1  # one problem failed
    captured = capsys.readouterr()
    assert captured.out.count("∎") == 2  # the problems on both sides of the bad one are proved
    assert "proved 2/3, 1 with errors" in captured.out
    assert captured.err.strip().splitlines() == [
        "error broken: clause 2: unknown construction (at 'no_such_construction')"
    ]
    # named alone, the same problem is bad input: one error line, exit 2
    assert main(["prove", str(path), "broken"]) == 2
