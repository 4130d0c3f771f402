"""The ``geoprover train`` and ``geoprover lm`` subcommands (registered in :mod:`prover.cli`).

torch and transformers are imported only when one of these runs, after its arguments
(files, problem, ``-k``, model folder) are checked; where the ``lm`` extra is not
installed that is one clear error line (:data:`lm.proposer.LM_EXTRA`).
"""
from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

from .proposer import LM_EXTRA, ModelFolderError, coincidences, missing_extra, model_folder

__all__ = ["LM_EXTRA", "lm_args", "run_lm", "run_train", "train_args"]


def train_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", required=True, metavar="DIR", help="a geoprover synth corpus folder")
    p.add_argument("--out", required=True, metavar="DIR", help="model folder; a rerun resumes from its checkpoints")
    p.add_argument("--stage", choices=("pretrain", "finetune"), default="pretrain")
    p.add_argument("--init", metavar="DIR", help="start from this checkpoint (finetune: the pretrained model)")
    p.add_argument("--config", default="tiny", metavar="SIZE", help="model size: tiny (default), small, base")
    p.add_argument("--steps", type=int, default=2000, help="optimiser steps (default 2000)")
    p.add_argument("--batch-size", type=int, default=32, help="sequences per step and device (default 32)")
    p.add_argument("--lr", type=float, default=None, help="peak learning rate (default 1e-3 pretrain, 5e-5 finetune)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto",
                   help="auto: a GPU (bf16) when there is one, else the CPU")
    p.add_argument("--limit", type=int, default=None, help="read at most this many corpus examples")
    p.add_argument("--max-len", type=int, default=None, help="tokens per sequence; longer ones are cut (default 512)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def run_train(args: argparse.Namespace, usage_error: type[Exception]) -> int:
    try:
        from .train import TrainConfig, TrainError, train
    except ImportError as e:
        raise usage_error(f"{LM_EXTRA} ({e})") from None
    data = Path(args.data)
    if not data.is_dir():
        raise usage_error(f"--data {data}: no such folder")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise usage_error(f"--out {out}: not a folder")
    command = "geoprover train " + " ".join(shlex.quote(a) for a in sys.argv[2:])
    try:
        cfg = TrainConfig(
            data=data, out=out, stage=args.stage, init=Path(args.init) if args.init else None, size=args.config,
            steps=args.steps, batch_size=args.batch_size, lr=args.lr, seed=args.seed, device=args.device,
            limit=args.limit, max_len=args.max_len, progress=not args.quiet, extra_meta={"command": command},
        )
        meta = train(cfg)
    except TrainError as e:
        raise usage_error(str(e)) from None
    except KeyboardInterrupt:
        print(f"interrupted; checkpoints are kept in {out / 'checkpoints'} (rerun the same command to resume)")
        return 130
    loss = meta.get("eval_loss")
    print(f"wrote {out}: {meta.get('stage')} {meta.get('size')}, {meta.get('steps')} steps, "
          f"{meta.get('tokens_seen')} tokens, train loss {meta.get('train_loss', float('nan')):.3f}"
          + (f", validation loss {loss:.3f}" if loss is not None else ""))
    return 0


def lm_args(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="lm_command", metavar="ACTION", required=True)
    ev = sub.add_parser("eval", help="validation loss and first-aux-clause accuracy on a corpus")
    ev.add_argument("--model", metavar="DIR", help="model folder (default: the bundled model)")
    ev.add_argument("--data", required=True, metavar="DIR", help="a geoprover synth corpus folder")
    ev.add_argument("-k", type=int, default=8, help="proposals per problem (default 8)")
    ev.add_argument("--limit", type=int, default=200, help="validation examples scored (default 200)")
    ev.add_argument("--json", metavar="PATH", help="also write the numbers as JSON")
    ex = sub.add_parser("export", help="copy a checkpoint's model (no Trainer state), e.g. into lm/model to bundle it")
    ex.add_argument("--model", required=True, metavar="DIR")
    ex.add_argument("--out", required=True, metavar="DIR")
    ex.add_argument("--half", action="store_true", help="store the weights in float16 (half the size)")
    pr = sub.add_parser("propose", help="the model's auxiliary constructions for one problem")
    pr.add_argument("file", nargs="?", metavar="FILE")
    pr.add_argument("name", nargs="?", metavar="NAME")
    pr.add_argument("--text", metavar="PROBLEM", help="a problem given inline")
    pr.add_argument("--model", metavar="DIR", help="model folder (default: the bundled model)")
    pr.add_argument("-k", type=int, default=8, help="proposals (default 8)")


def run_lm(args: argparse.Namespace, usage_error: type[Exception], load_problem, parse) -> int:  # noqa: ANN001
    # Every argument is checked before torch is imported or the model loaded (seconds).
    if getattr(args, "k", 1) < 1:
        raise usage_error("-k must be at least 1")
    missing = missing_extra()
    if missing is not None:
        raise usage_error(f"{LM_EXTRA} (missing: {missing})")
    try:
        model = model_folder(args.model)
    except ModelFolderError as e:
        raise usage_error(str(e)) from None
    problem = None
    if args.lm_command == "export":
        out = Path(args.out)
        if out.resolve() == model.resolve():
            raise usage_error("--out must differ from --model")
    elif args.lm_command == "eval":
        if not Path(args.data).is_dir():
            raise usage_error(f"--data {args.data}: no such folder")
    else:  # propose
        if args.text is not None:
            if args.file:
                raise usage_error("give FILE NAME or --text, not both")
            problem = parse("problem", args.text)
        else:
            if not (args.file and args.name):
                raise usage_error("lm propose needs FILE NAME or --text PROBLEM")
            problem = load_problem(args.file, args.name)
        if problem.goal is None:
            raise usage_error("the problem has no goal ('? ...') to propose for")
    try:
        from .model import CheckpointError, load_checkpoint
    except ImportError as e:
        raise usage_error(f"{LM_EXTRA} ({e})") from None
    try:
        ckpt = load_checkpoint(model)
    except CheckpointError as e:
        raise usage_error(str(e)) from None
    if args.lm_command == "export":
        import torch

        from .model import save_checkpoint

        save_checkpoint(out, ckpt.model, ckpt.tokenizer, {k: v for k, v in ckpt.meta.items() if k != "format"},
                        dtype=torch.float16 if args.half else None)
        print(f"wrote {out}")
        return 0
    if args.lm_command == "eval":
        from .data import CorpusReadError
        from .evaluate import evaluate, format_report, report_dict

        try:
            report = evaluate(ckpt, args.data, k=args.k, limit=args.limit)
        except CorpusReadError as e:
            raise usage_error(str(e)) from None
        print(format_report(report, str(model)))
        if args.json:
            Path(args.json).write_text(json.dumps(report_dict(report), indent=1), encoding="utf-8")
        return 0
    return _propose(ckpt, problem, args.k)


def _propose(ckpt, problem, k: int) -> int:  # noqa: ANN001 - lm.model.Checkpoint, geometry Problem
    """``lm propose``: the first ``k`` clauses that add a point the figure does not have yet;
    those that only rebuild an existing point (or an earlier proposal's) are dropped and named."""
    from .proposer import LMProposer

    beams = max(k, 8)
    got = LMProposer(ckpt, beams=beams).propose_clauses(problem, beams)  # the extra beams fill in for drops
    clauses = [c for c, _ in got.clauses]
    verdicts = coincidences(problem, clauses)
    kept: list[tuple[str, float]] = []
    existing: list[str] = []
    repeats = 0
    for (clause, score), verdict in zip(got.clauses, verdicts):
        if len(kept) >= k:
            break
        if verdict is None:
            kept.append((clause.to_text(), score))
        elif verdict.existing is not None:
            existing.append(verdict.existing)
        else:
            repeats += 1
    for text, score in kept:
        print(f"{score:8.3f}  {text}")
    print(f"{len(kept)} clause{'' if len(kept) == 1 else 's'}, {got.malformed} malformed and {got.duplicates} "
          f"duplicate beams dropped, {1000 * got.seconds:.0f} ms", file=sys.stderr)
    if existing:
        names = ", ".join(dict.fromkeys(existing))
        print(f"dropped {len(existing)}: same point as an existing one ({names})", file=sys.stderr)
    if repeats:
        print(f"dropped {repeats}: same point as an earlier proposal", file=sys.stderr)
    return 0
