"""Pretraining and fine-tuning with the ``transformers`` Trainer.

``geoprover train --data CORPUS --out DIR --stage pretrain|finetune`` runs
:func:`train`. The Trainer does what it does well: mixed precision (bf16) and
several GPUs (``torchrun`` / ``accelerate launch``) where there are GPUs,
checkpoints under ``DIR/checkpoints`` that a rerun of the same command resumes
from after a kill, evaluation on the validation split, a progress bar with the loss
(and here tokens per second). The finished model is written to ``DIR`` as a
checkpoint folder (:mod:`lm.model`).

Pretraining learns the tokenizer from the training split (kept in ``DIR`` first,
so a resumed run uses the same one) and trains on every example with its proof;
fine-tuning starts from ``--init`` (a pretrained checkpoint, its tokenizer kept)
and trains on the examples with auxiliary constructions, the loss on those only.
"""
from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

import torch
from torch.utils.data import Dataset

from .data import STAGES, Line, corpus_lines
from .model import (
    FORMAT,
    SIZES,
    WARM_START_FORMATS,
    CheckpointError,
    build_model,
    load_checkpoint,
    parameter_count,
    save_checkpoint,
)
from .tokenizer import PAD, Tokenizer, TokenizerError, language_words, train_tokenizer, vocabulary

__all__ = ["TrainConfig", "TrainError", "TokenDataset", "collate", "train"]

IGNORE = -100


class TrainError(ValueError):
    """Bad training input: a missing corpus, an unusable --init, a bad setting."""


@dataclass(frozen=True)
class TrainConfig:
    data: Path
    out: Path
    stage: str = "pretrain"
    init: Path | None = None
    size: str = "tiny"
    steps: int = 2000
    batch_size: int = 32
    lr: float | None = None  # default by stage
    warmup: int = 100
    seed: int = 0
    device: str = "auto"  # auto | cpu | cuda
    eval_every: int | None = None  # default: steps // 8
    save_every: int | None = None  # default: eval_every
    max_eval: int = 1000  # validation lines evaluated
    max_len: int | None = None  # tokens per sequence (longer proofs are cut); default: the model's context
    limit: int | None = None  # corpus examples read (for quick runs)
    workers: int = 0  # dataloader workers
    progress: bool = True
    extra_meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.stage not in STAGES:
            raise TrainError(f"--stage must be pretrain or finetune, got {self.stage!r}")
        if self.size not in SIZES:
            raise TrainError(f"--config must be one of {', '.join(s for s in SIZES if s != 'micro')}, got {self.size!r}")
        if self.steps < 1 or self.batch_size < 1:
            raise TrainError("--steps and --batch-size must be at least 1")
        if self.device not in ("auto", "cpu", "cuda"):
            raise TrainError(f"--device must be auto, cpu or cuda, got {self.device!r}")
        if self.stage == "finetune" and self.init is None:
            raise TrainError("--stage finetune needs --init DIR (the pretrained checkpoint)")


class TokenDataset(Dataset):
    """Encoded lines; labels are the ids, with the words before ``loss_from`` masked."""

    def __init__(self, lines: Sequence[Line], tokenizer: Tokenizer, max_len: int) -> None:
        self.items: list[tuple[list[int], int]] = []
        for line in lines:
            ids = tokenizer.encode(line.text, bos=True, eos=True)[:max_len]
            self.items.append((ids, line.loss_from + 1))  # +1: the BOS token
        self.tokens = sum(len(ids) for ids, _ in self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> dict[str, list[int]]:
        ids, start = self.items[i]
        labels = [IGNORE] * min(start, len(ids)) + ids[start:]
        return {"input_ids": ids, "labels": labels}


def collate(batch: Sequence[dict[str, list[int]]]) -> dict[str, torch.Tensor]:
    """Pad a batch on the right: pad ids, attention mask 0, labels ignored."""
    n = max(len(b["input_ids"]) for b in batch)
    ids = torch.full((len(batch), n), PAD, dtype=torch.long)
    labels = torch.full((len(batch), n), IGNORE, dtype=torch.long)
    mask = torch.zeros((len(batch), n), dtype=torch.long)
    for i, b in enumerate(batch):
        k = len(b["input_ids"])
        ids[i, :k] = torch.tensor(b["input_ids"])
        labels[i, :k] = torch.tensor(b["labels"])
        mask[i, :k] = 1
    return {"input_ids": ids, "attention_mask": mask, "labels": labels}


def _device(cfg: TrainConfig) -> tuple[bool, bool]:
    """(use_cpu, bf16)."""
    cuda = torch.cuda.is_available()
    if cfg.device == "cuda" and not cuda:
        raise TrainError("--device cuda: no CUDA device is visible")
    if cfg.device == "cpu" or not cuda:
        return True, False
    return False, torch.cuda.is_bf16_supported()


def _corpus_summary(data: Path) -> dict[str, Any]:
    try:
        m = json.loads((data / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    keys = ("examples", "aux_examples", "seed", "version", "target", "complete")
    return {k: m.get(k) for k in keys} | {"code": [r.get("code") for r in m.get("runs", [])][-1:]}


def train(cfg: TrainConfig) -> dict[str, Any]:
    """Train one stage; returns the metadata written beside the final model."""
    from transformers.trainer_utils import get_last_checkpoint

    started = time.time()
    try:
        train_lines, val_lines = corpus_lines(cfg.data, cfg.stage, cfg.limit)
    except ValueError as e:
        raise TrainError(str(e)) from None
    if not train_lines:
        what = "examples with auxiliary constructions" if cfg.stage == "finetune" else "examples"
        raise TrainError(f"{cfg.data}: no training {what} in the corpus")
    cfg.out.mkdir(parents=True, exist_ok=True)
    tokenizer, model, size = _model_and_tokenizer(cfg, train_lines)
    max_len = min(cfg.max_len or model.config.max_position_embeddings, model.config.max_position_embeddings)
    train_ds = TokenDataset(train_lines, tokenizer, max_len)
    val_ds = TokenDataset(val_lines[: cfg.max_eval], tokenizer, max_len) if val_lines else None
    use_cpu, bf16 = _device(cfg)
    lr = cfg.lr if cfg.lr is not None else (1e-3 if cfg.stage == "pretrain" else 5e-5)
    ckpt_dir = cfg.out / "checkpoints"
    args = _training_arguments(cfg, ckpt_dir, lr, use_cpu, bf16, evaluate=val_ds is not None)
    trainer = _TokenRateTrainer(model=model, args=args, train_dataset=train_ds, eval_dataset=val_ds,
                                data_collator=collate)
    last = get_last_checkpoint(str(ckpt_dir)) if ckpt_dir.is_dir() else None
    if cfg.progress:
        print(f"{cfg.stage}: {len(train_ds)} training / {len(val_lines)} validation lines "
              f"({train_ds.tokens} tokens), {size} model with {parameter_count(model) / 1e6:.2f}M parameters, "
              f"{'GPU' if not use_cpu else 'CPU'}{' bf16' if bf16 else ''}"
              + (f"; resuming from {last}" if last else ""), file=sys.stderr)
    result = trainer.train(resume_from_checkpoint=last)
    metrics: dict[str, Any] = {"train_loss": result.training_loss}
    if val_ds is not None:
        metrics["eval_loss"] = trainer.evaluate()["eval_loss"]
    if not trainer.is_world_process_zero():
        return metrics
    meta = {
        "stage": cfg.stage, "size": size, "steps": cfg.steps, "batch_size": cfg.batch_size, "learning_rate": lr,
        "seed": cfg.seed, "max_len": max_len, "data": str(cfg.data), "corpus": _corpus_summary(cfg.data),
        "train_lines": len(train_ds), "validation_lines": len(val_lines),
        "tokens_seen": int(trainer.state.num_input_tokens_seen), "parameters": parameter_count(model),
        "init": str(cfg.init) if cfg.init else None, "history": _history(cfg.init),
        "seconds": round(time.time() - started, 1), **metrics, **cfg.extra_meta,
    }
    save_checkpoint(cfg.out, trainer.model, tokenizer, meta)
    return meta


def _model_and_tokenizer(cfg: TrainConfig, train_lines: list) -> tuple[Tokenizer, Any, str]:
    """The tokenizer, model and size to train: those of ``--init``, or new ones (a resumed run
    keeps the tokenizer it started with)."""
    if cfg.init is not None:
        try:
            init = load_checkpoint(cfg.init, formats=WARM_START_FORMATS)
        except CheckpointError as e:
            raise TrainError(f"--init: {e}") from None
        size = init.meta.get("size", cfg.size)
        if init.meta.get("format") == FORMAT and not _missing_words(init.tokenizer):
            init.model.train()
            return init.tokenizer, init.model, size
        # an older checkpoint: a tokenizer for today's language, the weights carried over
        try:
            tokenizer = Tokenizer.load(cfg.out)  # a resumed run keeps the tokenizer it started with
        except TokenizerError:
            tokenizer = train_tokenizer(chain((line.text for line in train_lines), vocabulary(init.tokenizer)[4:]))
            tokenizer.save(cfg.out)
        torch.manual_seed(cfg.seed)
        model = carry_over(init.model, init.tokenizer, tokenizer)
        model.train()
        return tokenizer, model, size
    try:
        tokenizer = Tokenizer.load(cfg.out)
    except TokenizerError:
        tokenizer = train_tokenizer(line.text for line in train_lines)
        tokenizer.save(cfg.out)
    torch.manual_seed(cfg.seed)
    return tokenizer, build_model(cfg.size, len(tokenizer)), cfg.size


def _missing_words(tokenizer: Tokenizer) -> list[str]:
    """Words of today's language that ``tokenizer`` does not know."""
    return [w for w in language_words() if tokenizer.word_id(w) == tokenizer.unk_id]


def carry_over(model: Any, old: Tokenizer, new: Tokenizer) -> Any:
    """``model`` (trained with the tokenizer ``old``) with the vocabulary of ``new``: every weight
    kept, the embedding of each word both vocabularies know copied to its new id (the output layer
    is tied to it), new words started at the mean embedding plus a little noise."""
    old_words = {w: i for i, w in enumerate(vocabulary(old))}
    emb = model.get_input_embeddings().weight.detach()
    rows = emb.mean(dim=0, keepdim=True).repeat(len(new), 1)
    rows += 0.02 * emb.std() * torch.randn_like(rows)
    for j, w in enumerate(vocabulary(new)):
        if w in old_words:
            rows[j] = emb[old_words[w]]
    model.resize_token_embeddings(len(new), mean_resizing=False)
    with torch.no_grad():
        model.get_input_embeddings().weight.copy_(rows)
    model.tie_weights()
    return model


def _training_arguments(cfg: TrainConfig, ckpt_dir: Path, lr: float, use_cpu: bool, bf16: bool,
                        evaluate: bool) -> Any:
    """The Trainer's arguments: cosine schedule, checkpoints every evaluation, length-grouped batches."""
    from transformers import TrainingArguments

    eval_every = cfg.eval_every or max(1, cfg.steps // 8)
    return TrainingArguments(
        output_dir=str(ckpt_dir),
        max_steps=cfg.steps,
        per_device_train_batch_size=cfg.batch_size,
        per_device_eval_batch_size=max(cfg.batch_size, 64),
        learning_rate=lr,
        lr_scheduler_type="cosine",
        warmup_steps=min(cfg.warmup, cfg.steps // 10),
        weight_decay=0.01,
        max_grad_norm=1.0,
        logging_steps=max(1, min(50, cfg.steps // 20)),
        eval_strategy="steps" if evaluate else "no",
        eval_steps=eval_every,
        save_strategy="steps",
        save_steps=cfg.save_every or eval_every,
        save_total_limit=2,
        seed=cfg.seed,
        data_seed=cfg.seed,
        use_cpu=use_cpu,
        bf16=bf16,
        dataloader_num_workers=cfg.workers,
        report_to="none",
        disable_tqdm=not cfg.progress,
        include_num_input_tokens_seen="non_padding",
        remove_unused_columns=False,
        **_group_by_length(TrainingArguments),  # batches of similar length: little padding
    )


def _group_by_length(args_cls: type) -> dict[str, Any]:
    """The option that batches sequences of similar length (its name changed in transformers 5)."""
    import inspect

    params = inspect.signature(args_cls).parameters
    if "train_sampling_strategy" in params:
        return {"train_sampling_strategy": "group_by_length"}
    return {"group_by_length": True} if "group_by_length" in params else {}


def _history(init: Path | None) -> list[dict[str, Any]]:
    """The stages an --init checkpoint went through (so the bundled model says how it was made)."""
    if init is None:
        return []
    try:
        m = json.loads((Path(init) / "geoprover_lm.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    own = {k: m.get(k) for k in ("stage", "size", "steps", "data", "corpus", "seed", "eval_loss", "tokens_seen",
                                 "seconds", "command")}
    return [*m.get("history", []), own]


try:
    from transformers import Trainer as _Trainer
except ImportError:  # pragma: no cover - the lm extra is not installed
    _Trainer = object  # type: ignore[misc,assignment]


class _TokenRateTrainer(_Trainer):  # type: ignore[misc,valid-type]
    """The Trainer, with tokens per second added to each training log line."""

    _rate_mark: tuple[float, int] | None = None

    def log(self, logs: dict[str, float], *args: Any, **kwargs: Any) -> None:
        now, seen = time.time(), int(self.state.num_input_tokens_seen)
        if "loss" in logs:
            if self._rate_mark is not None and now > self._rate_mark[0]:
                logs["tokens_per_second"] = round((seen - self._rate_mark[1]) / (now - self._rate_mark[0]), 1)
            self._rate_mark = (now, seen)
        super().log(logs, *args, **kwargs)

