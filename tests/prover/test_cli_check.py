"""The command line: ``check`` and ``draw``, and one-line errors with exit status 2."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from geometry.problem import read_problems
from prover.cli import commands, main


def test_check_examples(examples_path: Path, capsys) -> None:
    assert main(["check", str(examples_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    names = [p.name for p in read_problems(examples_path)]
    assert lines == [f"ok  {n}" for n in names] + [f"realised {len(names)}/{len(names)}"]


def test_check_one_problem(examples_path: Path, capsys) -> None:
    assert main(["check", str(examples_path), "thales", "--seed", "3"]) == 0
    assert capsys.readouterr().out == "ok  thales\nrealised 1/1\n"


def test_check_benchmark(jgex_path: Path, capsys) -> None:
    assert main(["check", str(jgex_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 232
    assert lines[-1] == "realised 231/231"


def test_check_reports_bad_problems_on_their_line_and_goes_on(tmp_path: Path, capsys) -> None:
    f = tmp_path / "mixed.txt"
    f.write_text(
        "good\na b c = triangle a b c; m = midpoint m a b ? midp m a b\n"
        "unknown\na b c = triangle a b c; d = foo d a b\n"
        "false_goal\na b c = triangle a b c; m = midpoint m a b ? perp c m a b\n"
        "also_good\na b = segment a b; c = on_circle c a b ? cong a b a c\n",
        encoding="utf-8",
    )
    assert main(["check", str(f)]) == 1
    out, err = capsys.readouterr()
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == "ok  good"
    assert lines[1] == "error unknown: clause 2: unknown construction (did you mean `foot`?) (at 'foo')"
    assert lines[2].startswith("error false_goal: ") and "goal is false" in lines[2]
    assert lines[3] == "ok  also_good"
    assert lines[4] == "realised 2/4"


@pytest.mark.parametrize("suffix, magic", [(".svg", b"<?xml"), (".png", b"\x89PNG"), (".PNG", b"\x89PNG")])
def test_draw_writes_a_figure(examples_path: Path, tmp_path: Path, capsys, suffix: str, magic: bytes) -> None:
    out = tmp_path / f"fig{suffix}"
    assert main(["draw", str(examples_path), "hypotenuse_midpoint", "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"wrote {out}\n"
    data = out.read_bytes()
    assert data.startswith(magic) and len(data) > 1000


def test_draw_svg_names_the_points(examples_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "fig.svg"
    assert main(["draw", str(examples_path), "orthocenter", "--out", str(out), "--seed", "2"]) == 0
    assert "</svg>" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "argv, message",
    [
        ([], "required: COMMAND"),
        (["prove-it"], "invalid choice: 'prove-it'"),
        (["check"], "required: FILE"),
        (["check", "{examples}", "--seed", "x"], "invalid int value: 'x'"),
        (["check", "{tmp}/missing.txt"], "missing.txt: no such file"),
        (["check", "{tmp}"], "cannot read"),
        (["check", "{examples}", "no_such_problem"], "no problem named 'no_such_problem'"),
        (["draw", "{examples}", "thales"], "required: --out"),
        (["draw", "{examples}", "thales", "--out", "{tmp}/fig.jpg"], "a figure is written as .svg or .png"),
        (["draw", "{examples}", "thales", "--out", "{tmp}/no/such/dir/fig.svg"], "cannot write"),
        (["draw", "{examples}", "no_such_problem", "--out", "{tmp}/fig.svg"], "no problem named"),
    ],
)
def test_bad_arguments_exit_2_with_one_line(
    argv: list[str], message: str, examples_path: Path, tmp_path: Path, capsys
) -> None:
    argv = [a.format(examples=examples_path, tmp=tmp_path) for a in argv]
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("geoprover: error: ")
    assert message in err


def test_help_lists_every_command(capsys) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for cmd in commands():
        assert cmd.name in out


def test_python_dash_m_prover_is_the_same_entry_point(examples_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "prover", "check", str(examples_path), "midline"],
        capture_output=True, text=True, timeout=60,
    )
    assert (run.returncode, run.stdout, run.stderr) == (0, "ok  midline\nrealised 1/1\n", "")
    bad = subprocess.run(
        [sys.executable, "-m", "prover", "check", str(examples_path), "nothing"],
        capture_output=True, text=True, timeout=60,
    )
    assert bad.returncode == 2 and bad.stdout == "" and bad.stderr.count("\n") == 1
