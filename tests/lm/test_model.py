"""Tokenizer, micro model, training (loss falls, resumes after a kill), checkpoints, proposing.

Hermetic: the corpus is a fixture written here in the ``geoprover synth`` format.
"""
from __future__ import annotations

import gzip
import json
import math
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("sentencepiece")

from geometry.problem import parse_problem  # noqa: E402
from lm.data import corpus_lines, is_validation, read_examples, CorpusReadError  # noqa: E402
from lm.model import CheckpointError, build_model, load_checkpoint, save_checkpoint  # noqa: E402
from lm.proposer import LMProposer, load  # noqa: E402
from lm.serialize import clause_key, encode_continuation, encode_problem  # noqa: E402
from lm.tokenizer import Tokenizer, language_words, train_tokenizer  # noqa: E402
from lm.train import TrainConfig, carry_over, train  # noqa: E402

REPO = Path(__file__).resolve().parents[2]

_BASES = [
    ("a b c = triangle a b c", "abc"),
    ("a b c = iso_triangle a b c", "abc"),
    ("a b c d = quadrangle a b c d", "abcd"),
]


def _example(rng: random.Random, i: int) -> dict:
    base, pts = rng.choice(_BASES)
    x, y = rng.sample(pts, 2)
    rest = [p for p in pts if p not in (x, y)]
    z = rest[0]
    aux = f"m = midpoint m {x} {y}"
    goal = f"perp {z} n {x} {y}"  # about the statement's points only, as in a synth corpus
    if rng.random() < 0.5:
        aux_clauses = [aux]
        problem = f"{base}; n = foot n {z} {x} {y} | {aux} ? {goal}"
    else:
        aux_clauses = []
        problem = f"{base}; n = foot n {z} {x} {y}; {aux} ? {goal}"
    proof = [f"1 perp {z} n {x} {y} : given", f"2 coll n {x} {y} : given", f"3 {goal} : ar angle 1 2"]
    return {"problem": problem, "goal": goal, "aux": aux_clauses, "proof": proof, "proof_length": 1,
            "seed": 1000 + i, "key": str(i), "relabelled": False}


def _figure_seeds(n: int) -> list[int]:
    """Figure seeds with every fifth one on the validation side (the split hashes the seed)."""
    val = (s for s in range(10**6) if is_validation(s))
    train_ = (s for s in range(10**6) if not is_validation(s))
    return [next(val) if i % 5 == 0 else next(train_) for i in range(n)]


def write_corpus(root: Path, n: int = 240, seed: int = 0) -> Path:
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    with gzip.open(root / "shard-00000.jsonl.gz", "wt", encoding="utf-8") as f:
        for i, fig in enumerate(_figure_seeds(n)):
            f.write(json.dumps({**_example(rng, i), "seed": fig}) + "\n")
    (root / "manifest.json").write_text(json.dumps({"format": 1, "seed": seed, "examples": n,
                                                    "shards": [{"file": "shard-00000.jsonl.gz"}]}))
    return root


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="module")
def trained(tmp_path_factory, corpus) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("model")
    meta = train(TrainConfig(data=corpus, out=out, stage="pretrain", size="micro", steps=120, batch_size=16,
                             lr=3e-3, eval_every=60, progress=False))
    return out, meta


def test_split_is_by_figure(corpus):
    train_lines, val_lines = corpus_lines(corpus, "pretrain")
    assert train_lines and len(train_lines) + len(val_lines) == 240
    assert not {x.seed for x in train_lines} & {x.seed for x in val_lines}
    assert all(is_validation(x.seed) for x in val_lines)
    ft_train, ft_val = corpus_lines(corpus, "finetune")
    assert all(x.has_aux for x in ft_train + ft_val) and 0 < len(ft_train) < len(train_lines)
    # fine-tuning text stops after the aux clauses; the loss starts after '|'
    line = ft_train[0]
    assert "!" not in line.text.split() and line.text.split()[line.loss_from - 1] == "|"


def test_tokenizer_covers_the_language_and_round_trips(corpus):
    lines = [x.text for x in corpus_lines(corpus, "pretrain")[0]]
    tok = train_tokenizer(lines)
    for w in language_words():
        assert tok.word_id(w) != tok.unk_id, w
    text = lines[0]
    assert tok.decode(tok.encode(text, eos=True)) == text
    assert Tokenizer(tok.proto).encode(text) == tok.encode(text)


def test_training_lowers_the_loss(trained):
    out, meta = trained
    state = json.loads(next((out / "checkpoints").glob("checkpoint-*/trainer_state.json")).read_text())
    losses = [h["loss"] for h in state["log_history"] if "loss" in h]
    assert losses[-1] < 0.5 * losses[0], losses
    assert meta["eval_loss"] < 2.0 and meta["tokens_seen"] > 0
    assert (out / "model.safetensors").exists() and (out / "tokenizer.model").exists()


def test_save_then_load_gives_identical_logits(trained, tmp_path):
    out, _ = trained
    ckpt = load_checkpoint(out)
    ids = torch.tensor([ckpt.tokenizer.encode("triangle a b c ? cong a b a c |")])
    logits = ckpt.model(input_ids=ids).logits
    save_checkpoint(tmp_path / "copy", ckpt.model, ckpt.tokenizer, {"stage": "pretrain"})
    again = load_checkpoint(tmp_path / "copy")
    assert torch.equal(again.model(input_ids=ids).logits, logits)


def test_propose_returns_clauses_that_parse(trained):
    out, _ = trained
    proposer = load(out, beams=8)
    problem = parse_problem("t", "p q r = triangle p q r; s = foot s r p q ? perp r s p q")
    got = proposer.propose_clauses(problem, 8)
    assert got.clauses, f"no clause among 8 beams ({got.malformed} malformed)"
    assert len(got.clauses) <= 8
    base = problem.to_text().split(" ? ")[0]
    for clause, score in got.clauses:
        assert score <= 0.0
        assert clause.points[0] not in problem.points()
        parse_problem("t", f"{base} | {clause.to_text()} ? {problem.goal}")
    # the pattern of the corpus: a midpoint of two points of the figure
    assert any(c.constructions[0].name == "midpoint" for c, _ in got.clauses)


def test_search_interface(trained):
    """The search's adapter (prover.proposers.ModelProposer) turns the model's suggestions into
    proposals with the same clauses, in the same order, scored with their log-probabilities."""
    from prover.proposers import ModelProposer, Proposal, Proposer, SearchState

    model = load(trained[0], beams=4)
    proposer = ModelProposer(model)
    assert isinstance(proposer, Proposer)
    problem = parse_problem("t", "a b c = triangle a b c ? perp a b a c")
    props = proposer.propose(SearchState(problem, {}), 4)
    assert all(isinstance(p, Proposal) and " = " in p.clause for p in props)
    got = model.suggest(problem, 4)
    assert [(p.clause, p.score) for p in props] == [(s.clause, s.logprob) for s in got]
    assert all(p.score <= 0 for p in props) and sum(math.exp(p.score) for p in props) <= 1 + 1e-6


def _beam_totals(model, problem, beams):
    """Beam search's clauses for ``problem`` with their log-probabilities: their words' as
    ``generate`` itself computed them, plus the probability that the clause ends there."""
    from lm.serialize import MalformedClause, decode_clause, encode_problem

    ckpt = model.ckpt
    prompt = encode_problem(problem)
    ids = ckpt.tokenizer.encode(prompt.text, bos=True)
    with torch.inference_mode():
        gen = model._generate(ids, num_beams=beams, num_return_sequences=beams, do_sample=False,
                              output_scores=True, return_dict_in_generate=True)
        steps = ckpt.model.compute_transition_scores(gen.sequences, gen.scores, gen.beam_indices,
                                                     normalize_logits=False)
    out = []
    for seq, row in zip(gen.sequences, steps):
        new = [int(t) for t in seq[len(ids):]]
        cut = next((i for i, t in enumerate(new) if t in model._stop), None)
        if cut is None:
            continue
        try:
            clause = decode_clause(ckpt.tokenizer.decode(new[:cut]), prompt, problem)
        except MalformedClause:
            continue
        # the clause's words as generate scored them, then the end: any end marker after them
        full = torch.tensor([[int(t) for t in seq[: len(ids) + cut]]])
        with torch.inference_mode():
            last = torch.log_softmax(ckpt.model(full).logits[0, -1].float(), dim=-1)
        out.append((clause, float(row[:cut].sum() + torch.logsumexp(last[model._stop], dim=0))))
    return out


def test_scores_agree_with_the_log_probabilities_of_beam_search(trained):
    model = load(trained[0], beams=6)
    for text in ("p q r = triangle p q r; s = foot s r p q ? perp r s p q",
                 "a b c d = quadrangle a b c d; e = foot e d a b ? perp d e a b"):
        problem = parse_problem("t", text)
        beams = _beam_totals(model, problem, 6)
        assert beams
        scores = model.score(problem, [c for c, _ in beams] + [c.to_text() for c, _ in beams], batch=4)
        for (_, total), got, again in zip(beams, scores, scores[len(beams):]):
            assert got == pytest.approx(total, abs=1e-3) and again == pytest.approx(total, abs=1e-3)
        # per token: the same divided by the clause's tokens (its words and its end)
        prompt = encode_problem(problem)
        per = model.score(problem, [c for c, _ in beams], per_token=True)
        for (clause, total), got in zip(beams, per):
            n = len(encode_continuation(clause, prompt, problem).split()) + 1
            assert got == pytest.approx(total / n, abs=1e-3)
    # what is not a clause over the problem's points scores -inf, and the rest are still scored
    problem = parse_problem("t", "p q r = triangle p q r ? perp p q p r")
    got = model.score(problem, ["x = midpoint x p z", "x = midpoint x p q"])
    assert got[0] == -math.inf and -math.inf < got[1] <= 0


def test_asked_again_the_model_keeps_proposing(trained):
    model = load(trained[0], beams=2)
    problem = parse_problem("t", "a b c d = quadrangle a b c d; e = foot e d a b ? perp d e a b")
    first = model.propose_clauses(problem, 2)
    assert len(first.clauses) == 2
    more = model.propose_clauses(problem, 6)
    assert len(more.clauses) > 2, "sampling found nothing beyond the beams"
    assert more.clauses[:2] == first.clauses  # it goes on where it stopped
    keys = {clause_key(c) for c, _ in more.clauses}
    assert len(keys) == len(more.clauses)
    assert sum(math.exp(s) for _, s in more.clauses) <= 1 + 1e-6
    # past its deadline it proposes only what it already has
    assert len(model.propose_clauses(problem, 50, deadline=0.0).clauses) == len(more.clauses)


def test_an_older_checkpoint_warm_starts_a_new_vocabulary(trained, corpus, tmp_path):
    """A checkpoint whose tokenizer lacks words of today's language (an older format) serves as
    --init: a new tokenizer is learnt and every word both know keeps its embedding."""
    from lm.tokenizer import _train, vocabulary

    out, _ = trained
    ckpt = load_checkpoint(out)
    words = [w for w in vocabulary(ckpt.tokenizer)[4:] if not w.startswith("*")]
    old_tok = _train(iter(sorted(words)), len(words))
    old_model = carry_over(ckpt.model, ckpt.tokenizer, old_tok)
    save_checkpoint(tmp_path / "old", old_model, old_tok, {"stage": "pretrain", "size": "micro"})
    meta_path = tmp_path / "old" / "geoprover_lm.json"
    meta_path.write_text(meta_path.read_text().replace('"format": 2', '"format": 1'))
    with pytest.raises(CheckpointError, match="format 1"):
        load_checkpoint(tmp_path / "old")
    train(TrainConfig(data=corpus, out=tmp_path / "new", stage="pretrain", init=tmp_path / "old", steps=2,
                      batch_size=4, lr=1e-9, progress=False))
    new = load_checkpoint(tmp_path / "new")
    assert new.meta["format"] == 2 and new.tokenizer.word_id("*1") != new.tokenizer.unk_id
    emb_old, emb_new = old_model.get_input_embeddings().weight, new.model.get_input_embeddings().weight
    for w in ("midpoint", "a", ";"):
        assert torch.allclose(emb_old[old_tok.word_id(w)], emb_new[new.tokenizer.word_id(w)], atol=1e-4)


def test_finetune_starts_from_the_pretrained_model(trained, corpus, tmp_path):
    out, _ = trained
    meta = train(TrainConfig(data=corpus, out=tmp_path / "ft", stage="finetune", init=out, steps=10, batch_size=8,
                             progress=False))
    assert meta["stage"] == "finetune" and meta["history"][0]["stage"] == "pretrain"
    ft = load_checkpoint(tmp_path / "ft")
    assert ft.tokenizer.proto == load_checkpoint(out).tokenizer.proto


def test_corrupt_checkpoints_are_one_clear_error(trained, tmp_path):
    out, _ = trained
    bad = tmp_path / "bad"
    bad.mkdir()
    for f in out.iterdir():
        if f.is_file():
            (bad / f.name).write_bytes(f.read_bytes())
    (bad / "model.safetensors").write_bytes((out / "model.safetensors").read_bytes()[:500])
    with pytest.raises(CheckpointError, match="cannot load the model weights"):
        load_checkpoint(bad)
    (bad / "tokenizer.model").write_bytes(b"junk")
    with pytest.raises(CheckpointError, match="not a sentencepiece model"):
        load_checkpoint(bad)
    (bad / "geoprover_lm.json").write_text("{")
    with pytest.raises(CheckpointError, match="unreadable"):
        load_checkpoint(bad)
    with pytest.raises(CheckpointError, match="no such model folder"):
        load_checkpoint(tmp_path / "missing")
    # a tokenizer from another checkpoint: vocabularies differ
    mixed = tmp_path / "mixed"
    m = build_model("micro", 50)
    save_checkpoint(mixed, m, load_checkpoint(out).tokenizer, {})
    (mixed / "config.json").write_text((mixed / "config.json").read_text().replace('"vocab_size": ', '"vocab_size": 1'))
    with pytest.raises(CheckpointError):
        load_checkpoint(mixed)
    r = subprocess.run([sys.executable, "-m", "prover", "lm", "propose", "--model", str(bad), "--text",
                        "a b c = triangle a b c ? perp a b a c"], capture_output=True, text=True, cwd=REPO)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("geoprover: error: ")


def test_corrupt_corpus_is_one_clear_error(tmp_path):
    root = write_corpus(tmp_path / "c", n=10)
    (root / "shard-00000.jsonl.gz").write_bytes(b"not gzip")
    with pytest.raises(CorpusReadError, match="corrupt shard"):
        list(read_examples(root))
    r = subprocess.run([sys.executable, "-m", "prover", "train", "--data", str(root), "--out", str(tmp_path / "m"),
                        "--config", "tiny", "--steps", "1"], capture_output=True, text=True, cwd=REPO)
    assert r.returncode == 2 and "corrupt shard" in r.stderr and r.stderr.count("\n") == 1


@pytest.mark.slow  # a subprocess killed mid-run; flaky timing on a loaded two-core machine
def test_training_resumes_after_a_kill(corpus, tmp_path):
    out = tmp_path / "m"
    cmd = [sys.executable, "-c",
           "import sys; from pathlib import Path; from lm.train import TrainConfig, train; "
           f"train(TrainConfig(data=Path({str(corpus)!r}), out=Path({str(out)!r}), size='micro', steps=120, "
           "batch_size=8, save_every=5, eval_every=20, progress=False))"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300  # imports are slow on a loaded machine
    while time.time() < deadline and not list((out / "checkpoints").glob("checkpoint-10")):
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert list((out / "checkpoints").glob("checkpoint-*")), "no checkpoint written before the kill"
    assert not (out / "model.safetensors").exists()
    r = subprocess.run(cmd[:2] + [cmd[2].replace("progress=False", "progress=True")], cwd=REPO, env=env,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "resuming from" in r.stderr
    assert (out / "model.safetensors").exists()
    state = json.loads((out / "checkpoints" / "checkpoint-120" / "trainer_state.json").read_text())
    assert state["global_step"] == 120


def test_encoded_prompt_fits_the_model(trained):
    ckpt = load_checkpoint(trained[0])
    p = parse_problem("t", "a b c = triangle a b c ? perp a b a c")
    assert len(ckpt.tokenizer.encode(encode_problem(p).text)) < ckpt.model.config.max_position_embeddings
    assert isinstance(LMProposer(ckpt).propose_clauses(p, 0).clauses, list)


def test_prove_with_the_model_in_the_search(trained, tmp_path, capsys):
    """``--proposer lm`` and ``mix`` run the search with a real (micro) checkpoint; mix still proves
    what the heuristics prove (the model's proposals are interleaved, not in the way)."""
    from prover.cli import main

    problems = tmp_path / "p.txt"
    problems.write_text("bisectors\na b c = triangle a b c; d = angle_bisector d a b c, on_dia d b c; "
                        "e = angle_bisector e b a c, on_dia e a c ? para d e a b\n", encoding="utf-8")
    assert main(["prove", str(problems), "bisectors", "--proposer", "mix", "--model", str(trained[0]),
                 "--timeout", "60"]) == 0
    out = capsys.readouterr().out
    assert "Auxiliary construction" in out and "This proves that" in out
    code = main(["prove", str(problems), "bisectors", "--proposer", "lm", "--model", str(trained[0]),
                 "--timeout", "20", "--depth", "1"])
    assert code in (0, 1)  # the micro model may or may not find it; it never crashes the search


def test_lm_eval_and_propose_from_the_command_line(trained, corpus, tmp_path, capsys):
    from prover.cli import main

    report = tmp_path / "eval.json"
    assert main(["lm", "eval", "--model", str(trained[0]), "--data", str(corpus), "-k", "4",
                 "--json", str(report)]) == 0
    out = capsys.readouterr().out
    assert "validation loss" in out and "baseline (kinds by frequency)" in out
    numbers = json.loads(report.read_text())
    assert numbers["examples"] > 0 and 0.0 <= numbers["topk"] <= 1.0 and numbers["top1"] <= numbers["topk"]
    # matching any aux clause is weaker than matching the first; the figures are counted
    assert numbers["topk"] <= numbers["any_topk"] <= 1.0
    assert 1 <= numbers["figures"] <= numbers["examples"] and 0.0 <= numbers["figure_topk"] <= 1.0
    # every validation example's first aux clause is a midpoint: the model learnt the kind
    assert numbers["kind_topk"] > 0.5
    assert main(["lm", "propose", "--model", str(trained[0]), "--text",
                 "a b c = triangle a b c; d = foot d c a b ? perp c d a b", "-k", "4"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines and all(" = " in line for line in lines)
    assert main(["lm", "propose", "--model", str(trained[0]), "--text", "a b c = triangle a b c"]) == 2


def test_the_bundled_model_loads_and_proposes(examples_path):
    """The package ships a trained model: ``--proposer lm`` works with no --model and no download."""
    from geometry.problem import read_problems
    from lm.proposer import bundled_model_dir

    proposer = load(None, beams=8)
    assert proposer.ckpt.path == bundled_model_dir()
    assert proposer.ckpt.meta["stage"] == "finetune" and proposer.ckpt.meta["history"][0]["stage"] == "pretrain"
    total = 0
    for problem in read_problems(examples_path):
        got = proposer.propose_clauses(problem, 8)
        total += len(got.clauses)
        base = problem.to_text().split(" ? ")[0]
        joiner = "; " if " | " in base else " | "
        for clause, _ in got.clauses:
            parse_problem("t", f"{base}{joiner}{clause.to_text()} ? {problem.goal}")
    assert total > 0


def test_finetuning_repeats_the_examples_the_heuristics_rank_low(corpus, tmp_path):
    import shutil

    from lm.data import HARD_REPEAT, RANKS_FILE

    root = tmp_path / "ranked"
    shutil.copytree(corpus, root)
    base, _ = corpus_lines(root, "finetune")
    recs = [r for r in read_examples(root) if r["aux"] and not is_validation(int(r["seed"]))]
    rows = [{"seed": recs[0]["seed"], "key": recs[0]["key"], "rank": 57, "status": "found"},
            {"seed": recs[1]["seed"], "key": recs[1]["key"], "rank": None, "status": "absent"},
            {"seed": recs[2]["seed"], "key": recs[2]["key"], "rank": 1, "status": "found"}]
    (root / RANKS_FILE).write_text("".join(json.dumps(r) + "\n" for r in rows))
    weighted, _ = corpus_lines(root, "finetune")
    assert len(weighted) == len(base) + 2 * (HARD_REPEAT - 1)
    assert len(corpus_lines(root, "pretrain")[0]) == len(corpus_lines(corpus, "pretrain")[0])  # pretraining unweighted
    (root / RANKS_FILE).write_text("{not json\n")
    with pytest.raises(CorpusReadError, match="aux_ranks.jsonl:1"):
        corpus_lines(root, "finetune")
