"""The language model as a proposer of auxiliary constructions.

:func:`load` gives the search (:mod:`prover.search`) a proposer built on a
checkpoint folder (the bundled model when none is named). :meth:`LMProposer.propose_clauses`
prompts the model with the problem (premises, goal and the auxiliary clauses so
far), runs beam search through ``generate`` and returns the distinct clauses it
wrote, best first, each parsed back into the problem's own point names; text that
is not a clause of the language is dropped and counted, never raised.

This module imports without torch: ``load(..., lazy=True)`` checks only that the
``lm`` extra is installed (:func:`missing_extra`) and that the folder holds a
checkpoint's files (:func:`model_folder`); torch, transformers and the weights are
loaded when the first proposal is asked for, so a problem DD+AR proves alone never
pays for them. :func:`existing_points` and :func:`coincidences` tell which proposed
clauses only rebuild a point the figure already has.

>>> import lm.proposer as m
>>> m.bundled_model_dir().name
'model'
"""
from __future__ import annotations

import importlib.util
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from geometry.diagram import existing_points, extend_diagram, figure_scale, realise
from geometry.errors import ProblemError
from geometry.problem import Clause, Problem
from geometry.tolerance import NUMERIC_CHECK

# lm.serialize (networkx, a quarter of a second) and lm.model (torch) are imported when
# the model runs: every geoprover command imports this module through lm.cli.
if TYPE_CHECKING:
    from .model import Checkpoint

__all__ = [
    "CHECKPOINT_FILES",
    "CHECKPOINT_FORMAT",
    "LM_EXTRA",
    "Coincident",
    "LMProposer",
    "ModelFolderError",
    "Proposed",
    "Suggestion",
    "bundled_model_dir",
    "coincidences",
    "existing_points",
    "load",
    "missing_extra",
    "model_folder",
]

#: What to tell a user without the language-model stack (as the README says it).
LM_EXTRA = "the language model needs the lm extra: pip install -e '.[lm]'"
#: The modules of the ``lm`` extra that proposing needs (looked up, not imported).
EXTRA_MODULES = ("torch", "transformers", "sentencepiece", "safetensors")
#: The files of a checkpoint folder (lm.model.META_FILE, the weights and config that
#: ``save_pretrained`` writes, lm.tokenizer.TOKENIZER_FILE).
CHECKPOINT_FILES = ("geoprover_lm.json", "config.json", "model.safetensors", "tokenizer.model")
#: The checkpoint format this version reads (lm.model.FORMAT, the "format" of geoprover_lm.json).
CHECKPOINT_FORMAT = 1


class ModelFolderError(ValueError):
    """A model folder that is missing or lacks a checkpoint's files (found without loading it)."""


def bundled_model_dir() -> Path:
    """The model shipped inside the package."""
    return Path(__file__).resolve().parent / "model"


def missing_extra() -> str | None:
    """The first module of the ``lm`` extra that is not installed (None: all are); imports none of them."""
    for name in EXTRA_MODULES:
        try:
            if importlib.util.find_spec(name) is None:
                return name
        except (ImportError, ValueError):
            return name
    return None


def model_folder(model: str | Path | None = None) -> Path:
    """The checkpoint folder ``model`` names (default: the bundled model), checked without loading
    it: the files are there and the metadata is of this version's format (the weights and the
    tokenizer are read only by :func:`lm.model.load_checkpoint`).

    Raises :class:`ModelFolderError` with one line naming what is missing.
    """
    path = Path(model) if model is not None else bundled_model_dir()
    if model is None and not (path / CHECKPOINT_FILES[0]).exists():
        raise ModelFolderError(f"no bundled model in {path} (train one with geoprover train, or pass --model DIR)")
    if not path.is_dir():
        raise ModelFolderError(f"{path}: no such model folder")
    if not (path / CHECKPOINT_FILES[0]).is_file():
        raise ModelFolderError(f"{path}: not a geoprover model folder (no {CHECKPOINT_FILES[0]})")
    for name in CHECKPOINT_FILES[1:]:
        if not (path / name).is_file():
            raise ModelFolderError(f"{path}: incomplete checkpoint (no {name})")
    meta_path = path / CHECKPOINT_FILES[0]
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ModelFolderError(f"{meta_path}: unreadable ({e})") from None
    found = meta.get("format") if isinstance(meta, dict) else "?"
    if found != CHECKPOINT_FORMAT:
        raise ModelFolderError(f"{meta_path}: checkpoint format {found} is not {CHECKPOINT_FORMAT} "
                               "(retrain or use a matching geoprover)")
    return path


@dataclass(frozen=True)
class Suggestion:
    """One clause the model suggests, as text in the problem's point names, with ``logprob``:
    the natural log of the model's probability of the clause, normalised over the beams of
    its call (``<= 0``; the suggestions of one call sum to at most 1 in probability)."""

    clause: str
    logprob: float


@dataclass
class Proposed:
    """What one call proposed: clauses (problem names) with their log-probabilities (as
    :attr:`Suggestion.logprob`), and the rest."""

    clauses: list[tuple[Clause, float]] = field(default_factory=list)
    malformed: int = 0  # beams whose text is not a clause over the problem's points
    duplicates: int = 0  # beams that repeat an earlier clause up to argument symmetry
    seconds: float = 0.0


class LMProposer:
    """Beam search over the model's next auxiliary clause.

    Built on a loaded :class:`lm.model.Checkpoint`, or on a checkpoint folder, which is
    then loaded (torch, transformers, the weights) the first time :attr:`ckpt` is needed.
    """

    name = "lm"

    def __init__(self, checkpoint: Checkpoint | str | Path, beams: int = 32, max_new_tokens: int = 24) -> None:
        self.beams = beams
        self.max_new_tokens = max_new_tokens
        self._ckpt: Checkpoint | None = None
        self._error: Exception | None = None  # why loading failed (not retried)
        if isinstance(checkpoint, (str, Path)):
            self.path = Path(checkpoint)
        else:
            self.path = Path(checkpoint.path)
            self._use(checkpoint)

    def _use(self, checkpoint: Checkpoint) -> None:
        from .serialize import END_AUX, SEP

        tok = checkpoint.tokenizer
        self._stop = [tok.word_id(SEP), tok.word_id(END_AUX), tok.eos_id]
        self._ckpt = checkpoint

    @property
    def loaded(self) -> bool:
        """Whether the model is in memory (a lazy proposer loads it on the first proposal)."""
        return self._ckpt is not None

    @property
    def ckpt(self) -> Checkpoint:
        """The checkpoint, loaded on first use; raises :class:`lm.model.CheckpointError`
        (a ValueError) or ImportError when it cannot be, each time it is asked for."""
        if self._ckpt is None:
            if self._error is not None:
                raise self._error
            try:
                import torch

                from .model import load_checkpoint

                # The search runs DD+AR in worker processes beside it: one thread keeps torch from
                # spinning against them (and a small model decodes no slower on one core).
                torch.set_num_threads(1)
                self._use(load_checkpoint(self.path))
            except (ImportError, ValueError, OSError) as e:
                self._error = e
                raise
        assert self._ckpt is not None
        return self._ckpt

    def propose_clauses(self, problem: Problem, k: int) -> Proposed:
        """At most ``k`` distinct auxiliary clauses for ``problem``, in beam search's order
        (length-normalised score), each with its log-probability (:class:`Suggestion`)."""
        start = time.perf_counter()
        out = Proposed()
        if problem.goal is None or k < 1:
            return out
        from .serialize import MalformedClause, clause_key, decode_clause, encode_problem

        prompt = encode_problem(problem)
        tok = self.ckpt.tokenizer
        ids = tok.encode(prompt.text, bos=True)
        seen: set[frozenset[str]] = set()
        for new, logprob in self._beams(ids, max(1, min(k, self.beams))):
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
            out.clauses.append((clause, logprob))
            if len(out.clauses) >= k:
                break
        out.seconds = time.perf_counter() - start
        return out

    def _beams(self, ids: list[int], beams: int) -> list[tuple[list[int], float]]:
        """Beam search after the prompt ``ids``: each beam's new tokens, in beam search's order,
        with the natural log of its probability (the sum of its tokens' log-probabilities)
        normalised over the beams returned. No beams when the prompt leaves no room."""
        ckpt = self.ckpt
        room = ckpt.model.config.max_position_embeddings - len(ids)
        if room < 4:
            return []
        import torch

        with torch.inference_mode():
            gen = ckpt.model.generate(
                torch.tensor([ids]),
                attention_mask=torch.ones((1, len(ids)), dtype=torch.long),
                num_beams=beams,
                num_return_sequences=beams,
                max_new_tokens=min(self.max_new_tokens, room),
                do_sample=False,
                eos_token_id=self._stop,
                pad_token_id=ckpt.tokenizer.pad_id,
                begin_suppress_tokens=self._stop,
                output_scores=True,
                return_dict_in_generate=True,
            )
            if beams > 1:  # per-token log-probabilities of each beam (0 after its end)
                steps = ckpt.model.compute_transition_scores(gen.sequences, gen.scores, gen.beam_indices,
                                                             normalize_logits=False)
                totals = steps.sum(dim=1)
                logprobs = (totals - torch.logsumexp(totals, dim=0)).clamp(max=0.0).tolist()
            else:  # one beam (greedy decoding) holds all the mass
                logprobs = [0.0]
        return [([int(t) for t in seq[len(ids):]], float(lp)) for seq, lp in zip(gen.sequences, logprobs)]

    def suggest(self, problem: Problem, k: int) -> list[Suggestion]:
        """:meth:`propose_clauses` as text: at most ``k`` clauses for ``problem``, in beam
        search's order, with their log-probabilities."""
        return [Suggestion(c.to_text(), s) for c, s in self.propose_clauses(problem, k).clauses]


def load(model: str | Path | None = None, beams: int = 32, lazy: bool = False) -> LMProposer:
    """A proposer on the checkpoint at ``model`` (default: the bundled model).

    With ``lazy`` only the cheap checks run here (the extra is installed, the folder holds
    a checkpoint's files) and the model is loaded on the first proposal.
    Raises :class:`ModelFolderError` or :class:`lm.model.CheckpointError` (ValueErrors)
    with one line naming what is wrong, ImportError without the ``lm`` extra.
    """
    missing = missing_extra()
    if missing is not None:
        raise ImportError(f"{LM_EXTRA} (missing: {missing})", name=missing)
    proposer = LMProposer(model_folder(model), beams=beams)
    if not lazy:
        proposer.ckpt  # noqa: B018 - loads it now
    return proposer


# ---------------------------------------------------------------------- points the figure has
@dataclass(frozen=True)
class Coincident:
    """Why a proposed clause adds no point: its new point is ``existing`` (a point of the
    problem), or the point of the ``earlier`` proposal (its index)."""

    existing: str | None = None
    earlier: int | None = None


def coincidences(problem: Problem, clauses: Sequence[Clause], seed: int = 0) -> list[Coincident | None]:
    """For each proposed clause (one at a time on ``problem``): None when it adds a new
    point, else the :class:`Coincident` it repeats (a point of the problem, or an earlier
    proposal's point). Everything is None when the problem cannot be drawn."""
    try:
        diagram = realise(problem, seed=seed)
    except ProblemError:
        return [None] * len(clauses)
    tol = NUMERIC_CHECK * figure_scale(diagram.points)
    placed: list[tuple[int, complex]] = []
    out: list[Coincident | None] = []
    for i, clause in enumerate(clauses):
        rng = np.random.default_rng([seed, i])
        try:
            ext = extend_diagram(diagram, [clause], rng)
        except (ProblemError, ArithmeticError, ValueError, KeyError):
            hit = existing_points(diagram, [clause], rng)
            out.append(Coincident(existing=next(iter(hit.values()))) if hit else None)
            continue
        zs = [ext.points[p] for p in clause.points]
        earlier = next((j for j, w in placed if any(abs(z - w) <= tol for z in zs)), None)
        if earlier is not None:
            out.append(Coincident(earlier=earlier))
            continue
        placed.extend((i, z) for z in zs)
        out.append(None)
    return out
