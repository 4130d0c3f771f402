"""Mutated problem lines never crash, hang or get a proof the checker rejects.

A fixed seed and count of the fuzzer of ``bench/fuzz.py`` (the big run stays a
benchmark), plus the two reproducers of issue 13 on the command line.
"""
from __future__ import annotations

import doctest

import pytest

import bench.fuzzing as fuzz_module
from bench.fuzzing import Mutator, Outcome, fuzz, problem_lines, run_line, summarise, tokens
from prover.cli import main

#: Lines run by the regression test: a few thousand, with a short DD+AR budget.
COUNT = 3000
SEED = 13


def test_fuzzed_lines_have_no_bug_outcome() -> None:
    report = summarise(fuzz(Mutator(problem_lines(), seed=SEED), COUNT, timeout=0.3, hang_after=30.0))
    assert report.total == COUNT
    shown = "\n".join(f"{r.outcome.value} #{i}: {text}\n    {r.detail}" for i, text, r in report.bugs)
    assert report.bug_count() == 0, shown
    # the mutations reach every stage, not only the parser
    for stage in (Outcome.CLEAR_ERROR, Outcome.REALISED, Outcome.PROVED, Outcome.UNPROVED):
        assert report.counts[stage] > 0, report.counts


def test_mutator_is_reproducible_and_mutates() -> None:
    lines = problem_lines(None)
    a, b = Mutator(lines, seed=1), Mutator(lines, seed=1)
    assert [a.line(i) for i in range(50)] == [b.line(i) for i in range(50)]
    originals = {" ".join(tokens(t)) for t in lines}
    assert sum(a.line(i) not in originals for i in range(50)) >= 45


def test_docstring_examples() -> None:
    """bench/ is not doctested with the packages: run the fuzzer's examples here."""
    result = doctest.testmod(fuzz_module)
    assert result.attempted > 0 and result.failed == 0


def test_outcomes_of_known_lines() -> None:
    assert run_line("a b c = triangle a b c; h = orthocenter h a b c ? perp a h b c").outcome is Outcome.PROVED
    assert run_line("a b c = triangle a b c; d = midpoint d a b").outcome is Outcome.REALISED
    err = run_line("a b = segment a b; c = between_bound c a b ? coll a a c")
    assert err.outcome is Outcome.CLEAR_ERROR and "coll needs 3 distinct points" in err.detail


def test_a_crash_and_a_hang_are_outcomes(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr(fuzz_module, "realise", boom)
    res = run_line("a b = segment a b")
    assert res.outcome is Outcome.CRASH and "KeyError" in res.detail

    def forever(*args: object, **kwargs: object) -> None:
        while True:
            pass

    monkeypatch.setattr(fuzz_module, "realise", forever)
    assert run_line("a b = segment a b", hang_after=0.2).outcome is Outcome.HANG


@pytest.mark.parametrize(
    "text, token",
    [
        ("a b c d = isquare a b c d; o = intersection_ll o a c b d ? r2const a b a o 30o", "30o"),
        ("a b = segment a b; c = between_bound c a b ? coll a a c", "coll a a c"),
    ],
)
def test_issue_13_reproducers_are_one_error_line(text: str, token: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prove", "--text", text]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert err.startswith("geoprover: error: ") and token in err


def _bench_script():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "bench" / "fuzz.py"
    spec = importlib.util.spec_from_file_location("bench_fuzz", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_script_logs_and_resumes(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    script = _bench_script()
    log = tmp_path / "fuzz.jsonl"
    args = ["--no-jgex", "--timeout", "0.2", "--progress", "0", "--log", str(log)]
    assert script.main(["12", *args]) == 0
    assert script.main(["20", *args]) == 0  # runs lines 12..19 only
    rows = [json.loads(x) for x in log.read_text(encoding="utf-8").splitlines()]
    assert [r["i"] for r in rows] == list(range(20))
    out = capsys.readouterr().out
    assert "lines 20; this run: 8 lines" in out and "clear error" in out and "proof rejected" in out
    with pytest.raises(SystemExit, match="another run"):
        script.main(["30", "--seed", "1", *args])
