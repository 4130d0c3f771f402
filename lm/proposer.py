"""The language model as a proposer of auxiliary constructions.

:func:`load` gives the search (:mod:`prover.search`) a proposer built on a
checkpoint folder (the bundled model when none is named). :meth:`LMProposer.propose_clauses`
prompts the model with the problem (premises, goal and the auxiliary clauses so
far), runs beam search through ``generate`` and returns the distinct clauses it
wrote, best first, each parsed back into the problem's own point names; text that
is not a clause of the language is dropped and counted, never raised.

>>> import lm.proposer as m
>>> m.bundled_model_dir().name
'model'
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import torch

from geometry.problem import Clause, Problem

from .model import Checkpoint, CheckpointError, load_checkpoint
from .serialize import END_AUX, SEP, MalformedClause, clause_key, decode_clause, encode_problem

__all__ = ["LMProposer", "Proposed", "bundled_model_dir", "load"]


def bundled_model_dir() -> Path:
    """The model shipped inside the package."""
    return Path(__file__).resolve().parent / "model"


@dataclass
class Proposed:
    """What one call proposed: clauses (problem names) with log-probability scores, and the rest."""

    clauses: list[tuple[Clause, float]] = field(default_factory=list)
    malformed: int = 0  # beams whose text is not a clause over the problem's points
    duplicates: int = 0  # beams that repeat an earlier clause up to argument symmetry
    seconds: float = 0.0


class LMProposer:
    """Beam search over the model's next auxiliary clause."""

    name = "lm"

    def __init__(self, checkpoint: Checkpoint, beams: int = 32, max_new_tokens: int = 24) -> None:
        self.ckpt = checkpoint
        self.beams = beams
        self.max_new_tokens = max_new_tokens
        tok = checkpoint.tokenizer
        self._stop = [tok.word_id(SEP), tok.word_id(END_AUX), tok.eos_id]

    def propose_clauses(self, problem: Problem, k: int) -> Proposed:
        """At most ``k`` distinct auxiliary clauses for ``problem``, best first."""
        start = time.perf_counter()
        out = Proposed()
        if problem.goal is None or k < 1:
            return out
        prompt = encode_problem(problem)
        tok = self.ckpt.tokenizer
        ids = tok.encode(prompt.text, bos=True)
        room = self.ckpt.model.config.max_position_embeddings - len(ids)
        if room < 4:
            return out
        beams = max(1, min(k, self.beams))
        with torch.inference_mode():
            gen = self.ckpt.model.generate(
                torch.tensor([ids]),
                attention_mask=torch.ones((1, len(ids)), dtype=torch.long),
                num_beams=beams,
                num_return_sequences=beams,
                max_new_tokens=min(self.max_new_tokens, room),
                do_sample=False,
                eos_token_id=self._stop,
                pad_token_id=tok.pad_id,
                begin_suppress_tokens=self._stop,
                output_scores=True,
                return_dict_in_generate=True,
            )
        scores = gen.sequences_scores.tolist() if gen.sequences_scores is not None else [0.0] * len(gen.sequences)
        seen: set[frozenset[str]] = set()
        for seq, score in zip(gen.sequences, scores):
            new = [int(t) for t in seq[len(ids):]]
            cut = next((i for i, t in enumerate(new) if t in self._stop), None)
            if cut is None:  # ran out of tokens inside a clause
                out.malformed += 1
                continue
            text = tok.decode(new[:cut])
            if "<unk>" in text:
                out.malformed += 1
                continue
            try:
                clause = decode_clause(text, prompt, problem)
            except MalformedClause:
                out.malformed += 1
                continue
            key = clause_key(clause)
            if key in seen:
                out.duplicates += 1
                continue
            seen.add(key)
            out.clauses.append((clause, float(score)))
            if len(out.clauses) >= k:
                break
        out.seconds = time.perf_counter() - start
        return out

    def propose(self, state, k: int):  # noqa: ANN001 - prover.proposers.SearchState
        """The search's interface: a state in, :class:`prover.proposers.Proposal` values out."""
        from prover.proposers import Proposal

        got = self.propose_clauses(state.problem, k)
        return [Proposal(c.to_text(), s, self.name) for c, s in got.clauses]


def load(model: str | Path | None = None, beams: int = 32) -> LMProposer:
    """A proposer on the checkpoint at ``model`` (default: the bundled model).

    Raises :class:`lm.model.CheckpointError` (a ValueError) with one line naming what is wrong.
    """
    path = Path(model) if model is not None else bundled_model_dir()
    if model is None and not (path / "geoprover_lm.json").exists():
        raise CheckpointError(f"no bundled model in {path} (train one: geoprover train ...; or pass --model DIR)")
    # The search runs DD+AR in worker processes beside it: one thread keeps torch from
    # spinning against them (and a small model decodes no slower on one core).
    torch.set_num_threads(1)
    return LMProposer(load_checkpoint(path), beams=beams)
