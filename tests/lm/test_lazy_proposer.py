"""The model costs nothing where it is not used: ``--proposer lm|mix`` loads it on the first
proposal, ``geoprover lm`` checks its arguments before importing torch, and proposals that
only rebuild a point of the figure are dropped and named."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import lm.cli as lm_cli
import lm.proposer as lm_proposer
from geometry.problem import parse_problem
from lm.proposer import (
    CHECKPOINT_FILES,
    LM_EXTRA,
    Coincident,
    LMProposer,
    Proposed,
    bundled_model_dir,
    coincidences,
    model_folder,
)
from prover.proposers import MixProposer, ModelProposer, ProposerUnavailable, make_proposer
from prover.search import SearchConfig, prove

REPO = Path(__file__).resolve().parents[2]
MIDS = ("a b c = triangle a b c; d = midpoint d b c; e = midpoint e c a; f = midpoint f a b; "
        "h = foot h a b c ? cyclic d e f h")

needs_extra = pytest.mark.skipif(lm_proposer.missing_extra() is not None, reason="the lm extra is not installed")
needs_model = pytest.mark.skipif(not (bundled_model_dir() / CHECKPOINT_FILES[0]).exists(), reason="no bundled model")


def _clause(problem_text: str, clause: str):
    main, goal = problem_text.split(" ? ")
    return parse_problem("t", f"{main} | {clause} ? {goal}").aux[-1]


@needs_extra
@needs_model
@pytest.mark.parametrize("name", ["lm", "mix"])
def test_a_problem_ddar_proves_never_loads_the_model(examples_path: Path, name: str) -> None:
    from geometry.problem import read_problems

    proposer = make_proposer(name)
    adapter = proposer.parts[0] if isinstance(proposer, MixProposer) else proposer
    assert isinstance(adapter, ModelProposer) and not adapter.loaded
    lm = adapter.model
    assert isinstance(lm, LMProposer) and not lm.loaded
    (problem,) = [p for p in read_problems(examples_path) if p.name == "orthocenter"]
    res = prove(problem, proposer, SearchConfig(timeout=60))
    assert res.solved and not res.aux
    assert not lm.loaded and lm._ckpt is None


@needs_extra
@needs_model
def test_the_command_line_imports_no_torch_when_it_needs_no_model(examples_path: Path, tmp_path: Path) -> None:
    """In a fresh interpreter: prove --proposer lm|mix on a problem DD+AR proves, and every
    argument error of geoprover lm, leave torch and transformers unimported."""
    problems = tmp_path / "p.txt"
    problems.write_text(f"mids\n{MIDS}\n", encoding="utf-8")
    runs = [
        (["prove", str(examples_path), "orthocenter", "--proposer", "lm"], 0),
        (["prove", str(examples_path), "orthocenter", "--proposer", "mix"], 0),
        (["prove", str(examples_path), "orthocenter", "--proposer", "lm", "--model", str(tmp_path / "none")], 2),
        (["lm", "propose", str(tmp_path / "nosuchfile.txt"), "x"], 2),
        (["lm", "propose", str(problems), "nosuch"], 2),
        (["lm", "propose", str(problems), "mids", "-k", "0"], 2),
        (["lm", "propose", str(problems), "mids", "--model", str(tmp_path / "none")], 2),
        (["lm", "propose", "--text", "a b c = triangle a b c"], 2),
        (["lm", "eval", "--data", str(tmp_path / "nodata")], 2),
        (["lm", "export", "--model", str(bundled_model_dir()), "--out", str(bundled_model_dir())], 2),
    ]
    code = (
        "import json, sys\n"
        "from prover.cli import main\n"
        "out = []\n"
        f"for argv in {json.dumps([a for a, _ in runs])}:\n"
        "    try:\n"
        "        rc = main(argv)\n"
        "    except SystemExit as e:\n"
        "        rc = e.code\n"
        "    out.append([rc, 'torch' in sys.modules, 'transformers' in sys.modules])\n"
        "print(json.dumps(out))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    got = json.loads(r.stdout.strip().splitlines()[-1])
    assert got == [[rc, False, False] for _, rc in runs], r.stderr


def test_a_missing_or_incomplete_model_folder_is_refused_before_any_work(tmp_path: Path) -> None:
    with pytest.raises(ProposerUnavailable, match="no such model folder"):
        make_proposer("lm", str(tmp_path / "none"))
    folder = tmp_path / "m"
    folder.mkdir()
    with pytest.raises(ProposerUnavailable, match="not a geoprover model folder"):
        make_proposer("mix", str(folder))
    (folder / CHECKPOINT_FILES[0]).write_text("{}")
    with pytest.raises(ProposerUnavailable, match="incomplete checkpoint"):
        make_proposer("lm", str(folder))
    with pytest.raises(ValueError, match="incomplete checkpoint"):
        model_folder(folder)
    for name in CHECKPOINT_FILES[1:]:
        (folder / name).write_text("")
    with pytest.raises(ProposerUnavailable, match="format None is not"):
        make_proposer("lm", str(folder))
    (folder / CHECKPOINT_FILES[0]).write_text("{")
    with pytest.raises(ProposerUnavailable, match="unreadable"):
        make_proposer("lm", str(folder))


def test_without_the_extra_the_hint_is_the_readmes(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    hint = LM_EXTRA.split(": ", 1)[1]
    assert hint in readme and "pip install" in hint
    assert lm_cli.LM_EXTRA is LM_EXTRA
    monkeypatch.setattr(lm_proposer, "missing_extra", lambda: "torch")
    monkeypatch.setattr(lm_cli, "missing_extra", lambda: "torch")
    with pytest.raises(ProposerUnavailable) as err:
        make_proposer("lm")
    assert str(err.value).startswith(LM_EXTRA) and "torch" in str(err.value)
    from prover.cli import main

    assert main(["lm", "propose", "--text", MIDS]) == 2
    assert LM_EXTRA in capsys.readouterr().err


@needs_extra
def test_the_checkpoint_files_are_those_the_model_writes() -> None:
    pytest.importorskip("torch")
    from lm.model import FORMAT, META_FILE
    from lm.tokenizer import TOKENIZER_FILE

    assert CHECKPOINT_FILES[0] == META_FILE and TOKENIZER_FILE in CHECKPOINT_FILES
    assert lm_proposer.CHECKPOINT_FORMAT == FORMAT
    assert {"config.json", "model.safetensors"} <= set(CHECKPOINT_FILES)


def test_coincidences_name_the_existing_point_and_the_earlier_proposal() -> None:
    problem = parse_problem("mids", MIDS)
    texts = [
        "g = midpoint g a b",  # f
        "g = circle g a b c",  # new
        "g = foot g a b c",  # h
        "g = circle g b c a",  # the circumcentre again
        "g = midpoint g c b",  # d
        "g = intersection_ll g a d b e",  # the centroid: new
        "g = intersection_ll g a b a b",  # not a point at all: not a coincidence
    ]
    got = coincidences(problem, [_clause(MIDS, t) for t in texts])
    assert got == [Coincident(existing="f"), None, Coincident(existing="h"), Coincident(earlier=1),
                   Coincident(existing="d"), None, None]


class _Fixed:
    """A stand-in for LMProposer in ``lm propose``: fixed clauses, no model."""

    texts: list[str] = []

    def __init__(self, ckpt, beams: int = 32) -> None:  # noqa: ANN001
        self.beams = beams

    def propose_clauses(self, problem, k: int) -> Proposed:  # noqa: ANN001
        out = Proposed()
        out.clauses = [(_clause(MIDS, t), -float(i)) for i, t in enumerate(self.texts)][:k]
        return out


def test_lm_propose_drops_and_names_existing_points(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    _Fixed.texts = ["g = midpoint g a b", "g = midpoint g a c", "g = foot g a b c", "g = circle g a b c",
                    "g = midpoint g b c", "g = circle g c a b", "g = midpoint g a h"]
    monkeypatch.setattr(lm_proposer, "LMProposer", _Fixed)
    assert lm_cli._propose(None, parse_problem("mids", MIDS), 2) == 0
    out, err = capsys.readouterr()
    assert [line.split(None, 1)[1] for line in out.strip().splitlines()] == [
        "g = circle g a b c", "g = midpoint g a h"]
    assert "dropped 4: same point as an existing one (f, e, h, d)" in err
    assert "dropped 1: same point as an earlier proposal" in err
    assert err.startswith("2 clauses")
