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
import math
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
CHECKPOINT_FORMAT = 2


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
    the natural log of the model's probability of the clause's tokens and its end marker after
    the prompt (:meth:`LMProposer.score`; ``<= 0``; the suggestions for one problem are distinct
    clauses, so they sum to at most 1 in probability)."""

    clause: str
    logprob: float


@dataclass
class Proposed:
    """What one call proposed: clauses (problem names) with their log-probabilities (as
    :attr:`Suggestion.logprob`), and what it dropped since the last call about the problem."""

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

    def __init__(self, checkpoint: Checkpoint | str | Path, beams: int = 32, max_new_tokens: int = 24,
                 samples: int = 32, temperature: float = 1.0, barren_rounds: int = 3, remember: int = 64,
                 sample_seconds: float = 5.0) -> None:
        self.beams = beams
        self.max_new_tokens = max_new_tokens
        self.samples = samples  # clauses sampled per round once beam search's are used up
        self.temperature = temperature
        self.barren_rounds = barren_rounds  # sampling stops after this many rounds in a row with nothing new
        self.remember = remember  # problems whose proposals are kept, so asking again goes on
        # seconds of sampling per call: a model that keeps repeating itself must not take the
        # search's whole budget before a single candidate runs
        self.sample_seconds = sample_seconds
        self._found: dict[str, _Found] = {}
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

    def propose_clauses(self, problem: Problem, k: int, deadline: float | None = None,
                        sample: bool = True) -> Proposed:
        """At most ``k`` distinct auxiliary clauses for ``problem``, each with its log-probability
        (:class:`Suggestion`): beam search's, in its order (length-normalised score), then, while
        fewer than ``k`` and before ``deadline`` (``time.monotonic()``), clauses sampled at
        :attr:`temperature`, in the order found, for at most :attr:`sample_seconds` a call. Asked
        again about the same problem, it goes on
        where it stopped (the last :attr:`remember` problems are kept), so a search that asks for
        more gets more for as long as the model has any. Without ``sample``, beam search's only."""
        start = time.perf_counter()
        out = Proposed()
        if problem.goal is None or k < 1:
            return out
        from .serialize import encode_problem

        prompt = encode_problem(problem)
        key = prompt.text + " " + " ".join(f"{a}={b}" for a, b in sorted(prompt.names.items()))
        found = self._found.pop(key, None) or _Found()
        self._found[key] = found  # most recently used last
        while len(self._found) > self.remember:
            self._found.pop(next(iter(self._found)))
        ids = self.ckpt.tokenizer.encode(prompt.text, bos=True)
        if not found.beams_done:  # with sampling to follow, all the beams; else only k of them
            self._collect(found, prompt, problem, self._beams(ids, self.beams if sample else min(k, self.beams)))
            found.beams_done = True
        stop = time.monotonic() + self.sample_seconds
        if deadline is not None:
            stop = min(stop, deadline)
        while sample and len(found.clauses) < k and found.barren < self.barren_rounds and time.monotonic() < stop:
            before = len(found.clauses)
            self._collect(found, prompt, problem, self._samples(ids, found.rounds))
            found.rounds += 1
            found.barren = found.barren + 1 if len(found.clauses) == before else 0
        out.clauses = found.clauses[:k]
        out.malformed, out.duplicates = found.malformed - found.told[0], found.duplicates - found.told[1]
        found.told = (found.malformed, found.duplicates)
        out.seconds = time.perf_counter() - start
        return out

    def _collect(self, found: _Found, prompt, problem: Problem, seqs: list[list[int]]) -> None:
        """Parse the generated token sequences into ``found``'s clauses (new ones scored)."""
        from .serialize import MalformedClause, clause_key, decode_clause

        tok = self.ckpt.tokenizer
        fresh: list[Clause] = []
        for new in seqs:
            cut = next((i for i, t in enumerate(new) if t in self._stop), None)
            if cut is None:  # ran out of tokens inside a clause
                found.malformed += 1
                continue
            text = tok.decode(new[:cut])
            if "<unk>" in text:
                found.malformed += 1
                continue
            try:
                clause = decode_clause(text, prompt, problem)
            except MalformedClause:
                found.malformed += 1
                continue
            key = clause_key(clause)
            if key in found.seen:
                found.duplicates += 1
                continue
            found.seen.add(key)
            fresh.append(clause)
        for clause, lp in zip(fresh, self.score(problem, fresh)):
            found.clauses.append((clause, lp))

    def _generate(self, ids: list[int], **kw):
        ckpt = self.ckpt
        import torch

        return ckpt.model.generate(
            torch.tensor([ids]),
            attention_mask=torch.ones((1, len(ids)), dtype=torch.long),
            max_new_tokens=min(self.max_new_tokens, ckpt.model.config.max_position_embeddings - len(ids)),
            eos_token_id=self._stop,
            pad_token_id=ckpt.tokenizer.pad_id,
            begin_suppress_tokens=self._stop,
            **kw,
        )

    def _room(self, ids: list[int]) -> bool:
        return self.ckpt.model.config.max_position_embeddings - len(ids) >= 4

    def _beams(self, ids: list[int], beams: int) -> list[list[int]]:
        """Beam search after the prompt ``ids``: each beam's new tokens, in beam search's order.
        No beams when the prompt leaves no room."""
        if not self._room(ids):
            return []
        import torch

        with torch.inference_mode():
            gen = self._generate(ids, num_beams=beams, num_return_sequences=beams, do_sample=False)
        return [[int(t) for t in seq[len(ids):]] for seq in gen]

    def _samples(self, ids: list[int], round_: int) -> list[list[int]]:
        """:attr:`samples` clauses sampled at :attr:`temperature` after the prompt ``ids`` (the
        same for the same prompt and round)."""
        if not self._room(ids):
            return []
        import torch

        torch.manual_seed(round_ * 1_000_003 + len(ids))
        with torch.inference_mode():
            gen = self._generate(ids, do_sample=True, temperature=self.temperature, top_k=0,
                                 num_return_sequences=self.samples, num_beams=1)
        return [[int(t) for t in seq[len(ids):]] for seq in gen]

    def score(self, problem: Problem, clauses: Sequence[Clause | str], batch: int = 64,
              per_token: bool = False) -> list[float]:
        """The log-probability of each clause as ``problem``'s next auxiliary clause: the sum of
        the natural-log probabilities of its tokens, teacher-forced after the prompt, and of its
        end (any end marker: ``;``, ``!`` or the end of text); for beam search's clauses, the
        words' part is ``generate``'s own. The prompt is run once and its cache repeated over batches of ``batch`` clauses.
        A clause that is not a clause over the problem's points, or has a word the tokenizer
        lacks, or does not fit the context, gets ``-inf``. With ``per_token`` each is divided by
        the clause's number of tokens (its words and its end): the mean log-probability per
        token, which does not favour short clauses."""
        from .serialize import SEP, MalformedClause, encode_continuation, encode_problem

        out = [-math.inf] * len(clauses)
        if problem.goal is None or not clauses:
            return out
        ckpt = self.ckpt
        tok = ckpt.tokenizer
        prompt = encode_problem(problem)
        ids = tok.encode(prompt.text, bos=True)
        room = ckpt.model.config.max_position_embeddings - len(ids)
        todo: list[tuple[int, list[int]]] = []
        for i, clause in enumerate(clauses):
            try:
                cont = tok.encode(encode_continuation(clause, prompt, problem), bos=False)
            except MalformedClause:
                continue
            if tok.unk_id not in cont and len(cont) < room:
                todo.append((i, cont + [tok.eos_id]))  # the end: any of self._stop, summed below
        if not todo:
            return out
        import copy

        import torch

        todo.sort(key=lambda x: len(x[1]))  # alike lengths batched together: little padding
        with torch.inference_mode():
            first = ckpt.model(torch.tensor([ids]), use_cache=True)
            head = torch.log_softmax(first.logits[0, -1].float(), dim=-1)
            for lo in range(0, len(todo), batch):
                part = todo[lo:lo + batch]
                width = max(len(c) for _, c in part)
                x = torch.full((len(part), width), tok.pad_id, dtype=torch.long)
                for r, (_, c) in enumerate(part):
                    x[r, :len(c)] = torch.tensor(c)
                total = head[x[:, 0]]
                if width > 1:
                    cache = copy.deepcopy(first.cache)
                    cache.batch_repeat_interleave(len(part))
                    logits = ckpt.model(x[:, :-1], cache=cache, use_cache=False,
                                        attention_mask=torch.ones((len(part), len(ids) + width - 1),
                                                                  dtype=torch.long)).logits
                    logp = torch.log_softmax(logits.float(), dim=-1)
                    steps = logp.gather(2, x[:, 1:, None])[..., 0]
                    lengths = torch.tensor([len(c) for _, c in part])
                    # the clause ends: the log of the probability of any end marker after its last word
                    ends = torch.logsumexp(logp[:, :, self._stop], dim=-1)
                    last = torch.arange(1, width)[None, :] == (lengths[:, None] - 1)
                    steps = torch.where(last, ends, steps)
                    steps = steps.masked_fill(torch.arange(1, width)[None, :] >= lengths[:, None], 0.0)
                    total = total + steps.sum(dim=1)
                for (i, cont), lp in zip(part, total.tolist()):
                    out[i] = min(float(lp), 0.0) / (len(cont) if per_token else 1)
        return out

    def suggest(self, problem: Problem, k: int, deadline: float | None = None) -> list[Suggestion]:
        """:meth:`propose_clauses` as text: at most ``k`` clauses for ``problem``, with their
        log-probabilities."""
        return [Suggestion(c.to_text(), s) for c, s in self.propose_clauses(problem, k, deadline).clauses]


@dataclass
class _Found:
    """What the model has proposed for one prompt so far."""

    clauses: list[tuple[Clause, float]] = field(default_factory=list)
    seen: set[frozenset[str]] = field(default_factory=set)
    beams_done: bool = False
    rounds: int = 0  # sampling rounds run
    barren: int = 0  # sampling rounds in a row that found nothing new
    malformed: int = 0
    duplicates: int = 0
    told: tuple[int, int] = (0, 0)  # malformed and duplicates already reported


def warm_imports() -> None:
    """Import torch, transformers and the model code now: a process that forks a worker per
    problem (``geoprover bench``) imports them once for all its workers, instead of each worker
    paying for it (about 10 s on two busy cores). Nothing is loaded or run, so forking stays
    safe; without the ``lm`` extra it does nothing (the proposer reports what is missing)."""
    if missing_extra() is not None:
        return
    import torch  # noqa: F401
    import transformers  # noqa: F401

    from . import model  # noqa: F401


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
