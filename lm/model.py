"""The model: a Llama-style decoder (RMSNorm, SwiGLU, rotary positions) from ``transformers``.

Named sizes (:data:`SIZES`): ``tiny`` trains usefully on two CPU cores in about an
hour; ``small`` and ``base`` are for a GPU. A checkpoint is one folder written by
``save_pretrained`` (``model.safetensors`` + ``config.json``), with the tokenizer
(``tokenizer.model``) and ``geoprover_lm.json`` (what it was trained on, how)
beside them; :func:`load_checkpoint` reads it with one call and says in one line
what is wrong with a folder that is not a usable checkpoint.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from transformers import LlamaConfig, LlamaForCausalLM

from .tokenizer import BOS, EOS, PAD, Tokenizer, TokenizerError

__all__ = ["CheckpointError", "FORMAT", "META_FILE", "WARM_START_FORMATS", "SIZES", "Checkpoint", "build_model", "load_checkpoint",
           "save_checkpoint"]

META_FILE = "geoprover_lm.json"
#: of META_FILE; a checkpoint of another format is refused (2: auxiliary points written ``*1, *2, ...``;
#: 1 named them as the problem's next points). An older format serves only as ``train --init`` (its
#: weights carried over to the new vocabulary, :func:`lm.train.carry_over`).
FORMAT = 2
WARM_START_FORMATS = (1, 2)


@dataclass(frozen=True)
class Size:
    hidden: int
    layers: int
    heads: int
    ffn: int
    max_len: int = 512


SIZES: dict[str, Size] = {
    "micro": Size(hidden=32, layers=2, heads=2, ffn=64, max_len=256),  # tests only
    "tiny": Size(hidden=256, layers=4, heads=4, ffn=704),  # ~3.3M parameters
    "small": Size(hidden=512, layers=8, heads=8, ffn=1408),  # ~25M
    "base": Size(hidden=768, layers=12, heads=12, ffn=2048),  # ~85M
}


class CheckpointError(ValueError):
    """A model folder that is missing, corrupt, or not of this version."""


@dataclass
class Checkpoint:
    model: LlamaForCausalLM
    tokenizer: Tokenizer
    meta: dict[str, Any]
    path: Path


def build_model(size: str, vocab_size: int) -> LlamaForCausalLM:
    if size not in SIZES:
        raise ValueError(f"unknown model size {size!r} (choose from {', '.join(s for s in SIZES if s != 'micro')})")
    s = SIZES[size]
    config = LlamaConfig(
        vocab_size=vocab_size,
        hidden_size=s.hidden,
        intermediate_size=s.ffn,
        num_hidden_layers=s.layers,
        num_attention_heads=s.heads,
        num_key_value_heads=s.heads,
        max_position_embeddings=s.max_len,
        rms_norm_eps=1e-5,
        tie_word_embeddings=True,
        pad_token_id=PAD,
        bos_token_id=BOS,
        eos_token_id=EOS,
    )
    return LlamaForCausalLM(config)


def save_checkpoint(folder: str | Path, model: LlamaForCausalLM, tokenizer: Tokenizer, meta: dict[str, Any],
                    dtype: torch.dtype | None = None) -> Path:
    """Write a complete checkpoint folder (weights last written is the metadata file)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    to_save = model
    if dtype is not None and dtype != next(model.parameters()).dtype:
        import copy
        to_save = copy.deepcopy(model).to(dtype)
    to_save.save_pretrained(folder, safe_serialization=True)
    tokenizer.save(folder)
    data = {"format": FORMAT, **meta, "vocab_size": len(tokenizer)}
    tmp = folder / (META_FILE + ".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
    tmp.replace(folder / META_FILE)
    return folder


def load_checkpoint(folder: str | Path, device: str = "cpu", formats: tuple[int, ...] = (FORMAT,)) -> Checkpoint:
    """The model, tokenizer and metadata of a checkpoint folder (float32, eval mode), of one of
    ``formats`` (training from an older checkpoint passes :data:`WARM_START_FORMATS`)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CheckpointError(f"{folder}: no such model folder")
    meta_path = folder / META_FILE
    if not meta_path.exists():
        raise CheckpointError(f"{folder}: not a geoprover model folder (no {META_FILE})")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as e:
        raise CheckpointError(f"{meta_path}: unreadable ({e})") from None
    if not isinstance(meta, dict) or meta.get("format") not in formats:
        raise CheckpointError(f"{meta_path}: checkpoint format {meta.get('format') if isinstance(meta, dict) else '?'} "
                              f"is not {FORMAT} (retrain or use a matching geoprover)")
    try:
        tokenizer = Tokenizer.load(folder)
    except TokenizerError as e:
        raise CheckpointError(str(e)) from None
    for name in ("config.json", "model.safetensors"):
        if not (folder / name).exists():
            raise CheckpointError(f"{folder}: incomplete checkpoint (no {name})")
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # no "Loading weights" bar inside a proof's output
        model = LlamaForCausalLM.from_pretrained(folder, dtype=torch.float32)
    except Exception as e:  # transformers/safetensors raise many kinds for a bad file
        raise CheckpointError(f"{folder}: cannot load the model weights ({type(e).__name__}: "
                              f"{' '.join(str(e).split())[:200]})") from None
    if model.config.vocab_size != len(tokenizer):
        raise CheckpointError(f"{folder}: model vocabulary ({model.config.vocab_size}) does not match its "
                              f"tokenizer ({len(tokenizer)} words); the folder mixes two checkpoints")
    model.to(device)
    model.eval()
    return Checkpoint(model, tokenizer, meta, folder)


def parameter_count(model: torch.nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())

