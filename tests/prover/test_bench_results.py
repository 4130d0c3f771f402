"""``geoprover bench --out``: the results file records its configuration, and a rerun
resumes only the same configuration (issue 22: a DD+AR rerun reused search rows)."""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

import prover
from prover.bench import Task, progress_bar, start_results
from prover.cli import main
from prover.results import ResultsError, bench_config, open_results, read_results

PROBLEMS = """\
midline
a b c = triangle a b c; m = midpoint m a b; n = midpoint n a c ? para m n b c
impossible
a b = segment a b; c = on_line c a b; d = on_pline d c a b, on_line d a b ? coll a b d
"""
NAMES = ["midline", "impossible"]
ADVICE = "use another --out, or --overwrite to start it afresh"


@pytest.fixture()
def problems(tmp_path: Path) -> Path:
    path = tmp_path / "problems.txt"
    path.write_text(PROBLEMS, encoding="utf-8")
    return path


def bench(problems: Path, out: Path, *extra: str) -> int:
    return main(["bench", str(problems), "--timeout", "10", "--out", str(out), "--quiet", *extra])


def refusal(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("geoprover: error: "), err
    return err[0]


def written(out: Path, config: dict, rows: list[dict]) -> bytes:
    """A results file as a run of ``config`` leaves it."""
    with open_results(out, config, [r["name"] for r in rows], overwrite=True) as f:
        for row in rows:
            f.write(row)
    return out.read_bytes()


def search_config(**fields) -> dict:
    task = dict(name="x", text="", timeout=10.0, seed=0, mode="search", proposer="heuristic")
    task.update(fields)
    return bench_config(Task(**task))


def test_the_configuration_is_the_first_line(problems: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "r.jsonl"
    assert bench(problems, out, "--proposer", "lm") == 0  # ddar mode: proposer settings do not matter
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert first == {"config": {"mode": "ddar", "timeout": 10.0, "seed": 0, "version": prover.__version__}}
    config, rows = read_results(out)
    assert config == first["config"] and sorted(r["name"] for r in rows) == sorted(NAMES)


def test_search_records_its_settings_and_the_model() -> None:
    assert search_config() == {"mode": "search", "proposer": "heuristic", "beam_size": 4, "depth": 4,
                               "candidates": 256, "bundle": 8, "cover": 7, "timeout": 10.0, "seed": 0,
                               "version": prover.__version__}
    assert search_config(bundle=0)["bundle"] == 0  # a run without bundles is another run
    assert search_config(cover=0)["cover"] == 0
    lm = search_config(proposer="lm")  # the bundled model
    assert Path(lm["model"]) == (Path(prover.__file__).parents[1] / "lm" / "model").resolve()
    assert len(lm["model_sha256"]) == 64 and search_config(proposer="mix")["model_sha256"] == lm["model_sha256"]


def test_the_same_configuration_resumes(problems: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "r.jsonl"
    assert bench(problems, out) == 0
    config, rows = read_results(out)
    kept = dict(rows[0], marker=1)  # a row that is kept is not run again
    written(out, config, [kept])
    assert bench(problems, out) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == "solved 1/2"
    again, rows = read_results(out)
    assert again == config and rows[0] == kept and len(rows) == 2 and "marker" not in rows[1]


@pytest.mark.parametrize(
    ("argv", "before", "after"),
    [
        (["--mode", "search"], "--mode ddar", "--mode search"),
        (["--timeout", "5"], "--timeout 10", "--timeout 5"),
        (["--seed", "3"], "--seed 0", "--seed 3"),
    ],
)
def test_another_ddar_configuration_is_refused(problems: Path, tmp_path: Path, capsys, argv, before, after) -> None:
    out = tmp_path / "r.jsonl"
    assert bench(problems, out) == 0
    capsys.readouterr()
    kept = out.read_bytes()
    assert main(["bench", str(problems), "--timeout", "10", "--out", str(out), "--quiet", *argv]) == 2
    assert refusal(capsys) == (f"geoprover: error: {out} was written with {before}, this run asks {after}: {ADVICE}")
    assert out.read_bytes() == kept


@pytest.mark.parametrize(
    ("fields", "argv", "named"),
    [
        ({"mode": "search"}, ["--mode", "ddar"], "--mode search, this run asks --mode ddar"),
        ({"proposer": "lm"}, ["--proposer", "heuristic"], "--proposer lm, this run asks --proposer heuristic"),
        ({"beam_size": 2}, ["--beam-size", "4"], "--beam-size 2, this run asks --beam-size 4"),
        ({"depth": 1}, ["--depth", "2"], "--depth 1, this run asks --depth 2"),
        ({"k": 16}, ["--candidates", "256"], "--candidates 16, this run asks --candidates 256"),
    ],
)
def test_another_search_configuration_is_refused(problems: Path, tmp_path: Path, capsys, fields, argv, named) -> None:
    out = tmp_path / "r.jsonl"
    kept = written(out, search_config(**fields), [{"name": "midline", "status": "solved"}])
    assert bench(problems, out, "--mode", "search", *argv) == 2
    assert refusal(capsys) == f"geoprover: error: {out} was written with {named}: {ADVICE}"
    assert out.read_bytes() == kept


def test_another_geoprover_version_is_refused(problems: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "r.jsonl"
    config = {"mode": "ddar", "timeout": 10.0, "seed": 0, "version": "0.0.1"}
    kept = written(out, config, [{"name": "midline", "status": "solved"}])
    assert bench(problems, out) == 2
    assert f"was written with geoprover 0.0.1, this run asks geoprover {prover.__version__}" in refusal(capsys)
    assert out.read_bytes() == kept


def test_another_model_is_another_configuration(tmp_path: Path) -> None:
    bundled = Path(search_config(proposer="lm")["model"])
    copy, retrained = tmp_path / "copy", tmp_path / "retrained"
    shutil.copytree(bundled, copy)
    shutil.copytree(bundled, retrained)
    with open(retrained / "model.safetensors", "r+b") as f:  # one byte of the weights differs
        f.seek(-1, 2)
        last = f.read(1)
        f.seek(-1, 2)
        f.write(bytes([last[0] ^ 1]))
    base = search_config(proposer="lm", model=str(bundled))
    out = tmp_path / "r.jsonl"
    written(out, base, [{"name": "midline", "status": "solved"}])
    # the same weights in another folder resume; other weights are refused, naming --model
    with start_results([Task("midline", "", 10.0, 0, "search", "lm", str(copy))], out) as resumed:
        assert resumed.done
    with pytest.raises(ResultsError) as err:
        start_results([Task("midline", "", 10.0, 0, "search", "lm", str(retrained))], out)
    message = str(err.value)
    assert f"was written with --model {copy.resolve()} (sha256 {base['model_sha256'][:12]})" in message
    assert f"this run asks --model {retrained.resolve()} (sha256 " in message


def test_overwrite_starts_afresh(problems: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "r.jsonl"
    written(out, search_config(), [{"name": "midline", "status": "solved", "aux_clauses": []}])
    assert bench(problems, out, "--overwrite") == 0
    config, rows = read_results(out)
    assert config["mode"] == "ddar" and len(rows) == 2 and not any("aux_clauses" in r for r in rows)
    assert not list(tmp_path.glob("*.tmp"))


def test_overwrite_needs_an_out_file(problems: Path, capsys) -> None:
    assert main(["bench", str(problems), "--overwrite", "--quiet"]) == 2
    assert "--overwrite" in refusal(capsys)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ('{"name": "midline", "status": "solved"}\n', "has no configuration header (written by an older geoprover)"),
        ('{"config": {"mode": "dd', "does not start with a configuration header"),
        ("not json\n", "does not start with a configuration header"),
    ],
)
def test_a_file_without_a_good_header_is_refused(problems: Path, tmp_path: Path, capsys, text: str, why: str) -> None:
    out = tmp_path / "r.jsonl"
    out.write_text(text, encoding="utf-8")
    assert bench(problems, out) == 2
    line = refusal(capsys)
    assert line.startswith(f"geoprover: error: {out} {why}") and line.endswith(ADVICE)
    assert out.read_text(encoding="utf-8") == text


def test_a_damaged_row_before_the_last_is_refused(problems: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "r.jsonl"
    config = bench_config(Task("midline", "", 10.0, 0))
    written(out, config, [{"name": "midline", "status": "solved"}])
    text = out.read_text(encoding="utf-8") + "garbage\n" + '{"name": "impossible", "status": "error"}\n'
    out.write_text(text, encoding="utf-8")
    assert bench(problems, out) == 2
    assert f"{out} line 3 is not a result row (the file is damaged)" in refusal(capsys)


def test_a_truncated_last_line_is_dropped_and_run_again(problems: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "r.jsonl"
    assert bench(problems, out) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 3
    out.write_text("\n".join(lines[:2]) + "\n" + lines[2][: len(lines[2]) // 2], encoding="utf-8")
    assert bench(problems, out) == 0
    assert capsys.readouterr().out.strip().splitlines()[-1] == "solved 1/2"
    config, rows = read_results(out)
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3 and sorted(r["name"] for r in rows) == sorted(NAMES)
    assert not list(tmp_path.glob("*.tmp"))


def test_an_empty_file_is_started(problems: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    out.touch()
    assert bench(problems, out) == 0
    assert read_results(out)[0]["mode"] == "ddar"


def test_ray_uses_the_same_check_before_starting_ray(problems: Path, tmp_path: Path, monkeypatch) -> None:
    ray = pytest.importorskip("ray")
    from prover import bench_ray

    calls = []
    monkeypatch.setattr(bench_ray, "start_results", lambda *a: calls.append(a) or start_results(*a))
    out = tmp_path / "r.jsonl"
    kept = written(out, search_config(), [{"name": "midline", "status": "solved"}])
    with pytest.raises(ResultsError, match="--mode search, this run asks --mode ddar"):
        bench_ray.run_bench_ray([Task("midline", "", 10.0, 0)], out, 1, progress=False)
    assert calls and not ray.is_initialized() and out.read_bytes() == kept


@pytest.mark.slow
def test_ray_resumes_and_refuses_as_local(problems: Path, tmp_path: Path, capsys) -> None:
    pytest.importorskip("ray")
    out = tmp_path / "r.jsonl"
    assert bench(problems, out, "--backend", "ray") == 0
    config, rows = read_results(out)
    written(out, config, [dict(rows[0], marker=1)])
    assert bench(problems, out, "--backend", "ray") == 0
    assert read_results(out)[1][0]["marker"] == 1 and len(read_results(out)[1]) == 2
    capsys.readouterr()
    assert bench(problems, out, "--backend", "ray", "--seed", "1") == 2
    assert "--seed 0, this run asks --seed 1" in refusal(capsys)


class _Terminal:
    def __init__(self, tty: bool) -> None:
        self.tty, self.text = tty, ""

    def isatty(self) -> bool:
        return self.tty

    def write(self, s: str) -> None:
        self.text += s

    def flush(self) -> None:
        pass


@pytest.mark.parametrize(("tty", "progress", "shown"), [(True, True, True), (False, True, False), (True, False, False)])
def test_the_bar_is_shown_only_on_a_terminal(monkeypatch, tty: bool, progress: bool, shown: bool) -> None:
    stderr = _Terminal(tty)
    monkeypatch.setattr(sys, "stderr", stderr)
    bar = progress_bar(2, 0, progress)
    bar.update(1)
    bar.close()
    assert bool(stderr.text) is shown


def test_bench_without_quiet_writes_no_bar_into_a_redirected_stderr(problems: Path, tmp_path: Path, capsys) -> None:
    assert main(["bench", str(problems), "--timeout", "10", "--out", str(tmp_path / "r.jsonl")]) == 0
    assert capsys.readouterr().err == ""
