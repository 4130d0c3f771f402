"""Training text from a synthetic corpus (a ``geoprover synth`` folder).

The corpus is read as text (manifest + gzip JSON-lines shards); nothing of the
engine is needed. Examples are split into training and validation by figure: the
figure seed decides, so no figure has examples on both sides, and the split is the
same on every machine and every run.

* ``pretrain``: every example, with its proof (premises ? goal | aux ! proof).
* ``finetune``: the examples that need auxiliary constructions, without the proof;
  the loss is taken on the auxiliary clauses only (the model learns to write them,
  not to repeat the premises).
"""
from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from geometry.errors import ProblemError
from geometry.predicates import Predicate
from geometry.problem import parse_problem

from .serialize import AUX, encode_example

__all__ = ["CorpusReadError", "Line", "RANKS_FILE", "STAGES", "corpus_lines", "hard_keys", "is_validation",
           "read_examples"]

STAGES = ("pretrain", "finetune")
MANIFEST = "manifest.json"
VALIDATION_PERMILLE = 20  # 2% of the figures


class CorpusReadError(ValueError):
    """A corpus folder or shard that cannot be read."""


@dataclass(frozen=True)
class Line:
    """One serialised example and where the loss starts (word index of ``|`` + 1, or 0)."""

    text: str
    loss_from: int
    seed: int
    has_aux: bool


def is_validation(figure_seed: int, permille: int = VALIDATION_PERMILLE) -> bool:
    """Whether a figure belongs to the validation split (a hash of its seed)."""
    h = hashlib.blake2b(str(figure_seed).encode(), digest_size=8).digest()
    return int.from_bytes(h, "big") % 1000 < permille


def read_examples(root: str | Path) -> Iterator[dict]:
    """The example records of a corpus folder, in order; unreadable data is one clear error."""
    root = Path(root)
    path = root / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        shards = [s["file"] for s in manifest["shards"]]
    except FileNotFoundError:
        raise CorpusReadError(f"{root}: no {MANIFEST} (not a synth corpus folder)") from None
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise CorpusReadError(f"{path}: unreadable manifest ({type(e).__name__}: {e})") from None
    for name in shards:
        shard = root / name
        try:
            with gzip.open(shard, "rt", encoding="utf-8") as f:
                for number, raw in enumerate(f, start=1):
                    if not raw.strip():
                        continue
                    try:
                        rec = json.loads(raw)
                        rec["problem"], rec["proof"], rec["seed"]  # noqa: B018 - the fields training reads
                    except (ValueError, KeyError, TypeError) as e:
                        raise CorpusReadError(f"{shard}:{number}: corrupt example ({e})") from None
                    yield rec
        except (OSError, EOFError, gzip.BadGzipFile) as e:
            raise CorpusReadError(f"{shard}: corrupt shard ({type(e).__name__}: {e})") from None


def _derived(proof: Sequence[str], goal: str) -> list[Predicate]:
    """The statements a proof derives (given lines and the goal itself left out)."""
    out = []
    for line in proof:
        head, _, why = line.partition(" : ")
        if why.split()[:1] == ["given"]:
            continue
        words = head.split()[1:]
        if " ".join(words) == goal:
            continue
        out.append(Predicate.parse(words))
    return out


def to_line(rec: dict, stage: str) -> Line | None:
    """One record as training text for ``stage`` (None when the stage does not use it)."""
    has_aux = bool(rec.get("aux"))
    if stage == "finetune" and not has_aux:
        return None
    try:
        problem = parse_problem("example", rec["problem"])
        goal = str(problem.goal)
        text = encode_example(problem, _derived(rec["proof"], goal) if stage == "pretrain" else (),
                              with_proof=stage == "pretrain")
    except (ProblemError, ValueError) as e:
        raise CorpusReadError(f"example of figure {rec.get('seed')}: {e}") from None
    loss_from = text.split().index(AUX) + 1 if stage == "finetune" else 0
    return Line(text, loss_from, int(rec["seed"]), has_aux)


#: ``bench/aux_rank.py --out CORPUS/aux_ranks.jsonl`` ranks each aux example's point in the
#: heuristic proposer's list; fine-tuning sees the examples ranked below LOW_RANK (or absent)
#: HARD_REPEAT times, so the model learns most from what the heuristics would try late or never.
RANKS_FILE = "aux_ranks.jsonl"
LOW_RANK = 20
HARD_REPEAT = 3


def hard_keys(root: str | Path) -> set[str] | None:
    """The keys of the examples the heuristics rank low or cannot build (None: no ranks file)."""
    path = Path(root) / RANKS_FILE
    if not path.is_file():
        return None
    out: set[str] = set()
    try:
        for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if raw.strip():
                row = json.loads(raw)
                if row["status"] == "absent" or (row["status"] == "found" and row["rank"] > LOW_RANK):
                    out.add(str(row["key"]))
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise CorpusReadError(f"{path}:{number}: unreadable rank ({type(e).__name__}: {e})") from None
    return out


def corpus_lines(root: str | Path, stage: str, limit: int | None = None) -> tuple[list[Line], list[Line]]:
    """(train, validation) lines of a corpus for ``stage``; for fine-tuning, the training lines
    of the examples the heuristics rank low (:func:`hard_keys`) come ``HARD_REPEAT`` times."""
    if stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r} (pretrain or finetune)")
    hard = hard_keys(root) if stage == "finetune" else None
    train: list[Line] = []
    val: list[Line] = []
    for rec in read_examples(root):
        line = to_line(rec, stage)
        if line is None:
            continue
        if is_validation(line.seed):
            val.append(line)
        else:
            train.extend([line] * (HARD_REPEAT if hard and str(rec.get("key")) in hard else 1))
        if limit is not None and len(train) + len(val) >= limit:
            break
    return train, val
