"""How good a model is at the one thing it is for: the first auxiliary clause.

On the validation split of a corpus (figures never trained on):

* validation loss of the fine-tuning text (the loss on the auxiliary clauses);
* top-1 / top-k exact match of the first auxiliary clause, up to renaming and
  argument symmetry (:func:`lm.serialize.clause_key`), and the same at the level of
  construction kinds (``midpoint``, ``on_line+on_circle``, ...);
* top-k match of any of the example's auxiliary clauses (the search adds them in
  any order), and the exact top-k averaged over figures: one figure gives many
  examples, and the validation split has few figures with auxiliary points, so the
  per-figure average says how much one figure weighs in the plain one;
* the share of beams that parse as a clause, and of those, the share that realise
  in the example's figure;
* a no-model baseline that proposes construction kinds by their frequency in the
  training split, scored on the same kind-level match.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

import torch

from geometry.diagram import extend_diagram, realise
from geometry.errors import ProblemError
from geometry.problem import Clause, Problem, parse_problem

from .data import is_validation, read_examples, to_line
from .model import Checkpoint
from .proposer import LMProposer
from .serialize import clause_key
from .train import TokenDataset, collate

__all__ = ["EvalReport", "evaluate", "format_report", "realised"]


@dataclass
class EvalReport:
    examples: int = 0
    figures: int = 0
    k: int = 8
    validation_loss: float = float("nan")
    top1: float = 0.0
    topk: float = 0.0
    kind_top1: float = 0.0
    kind_topk: float = 0.0
    any_topk: float = 0.0
    figure_topk: float = 0.0
    baseline_kind_top1: float = 0.0
    baseline_kind_topk: float = 0.0
    parsed_share: float = 0.0
    realised_share: float = 0.0
    ms_per_call: float = 0.0


def clause_kind(clause: Clause) -> str:
    return "+".join(sorted(c.name for c in clause.constructions))


def realised(problem: Problem, clauses: list[Clause], figure_seed: int, seed: int = 0) -> int | None:
    """How many of ``clauses`` can be built in ``problem``'s figure (None: the figure does not draw)."""
    try:
        diagram = realise(problem, seed=figure_seed % (2**32), check_goals=False)
    except ProblemError:
        return None
    count = 0
    for c in clauses:
        try:
            extend_diagram(diagram, [c], seed=seed)
            count += 1
        except ProblemError:
            pass
    return count


def evaluate(ckpt: Checkpoint, data: str | Path, k: int = 8, limit: int | None = 200, seed: int = 0) -> EvalReport:
    """Score ``ckpt`` on the validation aux examples of the corpus at ``data``."""
    val: list[tuple[Problem, tuple[Clause, ...], int]] = []
    kinds: Counter[str] = Counter()
    val_lines = []
    for rec in read_examples(data):
        if not rec.get("aux"):
            continue
        problem = parse_problem("example", rec["problem"])
        if is_validation(int(rec["seed"])):
            val_lines.append(to_line(rec, "finetune"))
            bare = Problem(problem.name, problem.clauses, (), problem.goals)
            val.append((bare, tuple(problem.aux), int(rec["seed"])))
        else:
            kinds[clause_kind(problem.aux[0])] += 1
    if limit is not None:
        val, val_lines = val[:limit], val_lines[:limit]
    report = EvalReport(examples=len(val), k=k)
    if not val:
        return report
    report.validation_loss = _loss(ckpt, val_lines)
    ranked_kinds = [kind for kind, _ in kinds.most_common()]
    proposer = LMProposer(ckpt, beams=max(k, 8))
    hits = Counter()
    per_figure: dict[int, list[bool]] = {}
    parsed = malformed = built_total = tried = 0
    seconds = 0.0
    for bare, aux, fig_seed in val:
        truth = aux[0]
        got = proposer.propose_clauses(bare, k)
        seconds += got.seconds
        parsed += len(got.clauses) + got.duplicates
        malformed += got.malformed
        clauses = [c for c, _ in got.clauses]
        keys = [clause_key(c) for c in clauses]
        kinds_got = list(dict.fromkeys(clause_kind(c) for c in clauses))
        t_key, t_kind = clause_key(truth), clause_kind(truth)
        hits["top1"] += bool(keys[:1] == [t_key])
        hits["topk"] += t_key in keys[:k]
        per_figure.setdefault(fig_seed, []).append(t_key in keys[:k])
        hits["any_topk"] += bool({clause_key(c) for c in aux} & set(keys[:k]))
        hits["kind_top1"] += bool(kinds_got[:1] == [t_kind])
        hits["kind_topk"] += t_kind in kinds_got[:k]
        hits["base_top1"] += bool(ranked_kinds[:1] == [t_kind])
        hits["base_topk"] += t_kind in ranked_kinds[:k]
        built = realised(bare, clauses, fig_seed, seed)
        if built is not None:
            tried += len(clauses)
            built_total += built
    n = len(val)
    report.top1, report.topk = hits["top1"] / n, hits["topk"] / n
    report.kind_top1, report.kind_topk = hits["kind_top1"] / n, hits["kind_topk"] / n
    report.any_topk = hits["any_topk"] / n
    report.figures = len(per_figure)
    report.figure_topk = sum(sum(v) / len(v) for v in per_figure.values()) / len(per_figure)
    report.baseline_kind_top1, report.baseline_kind_topk = hits["base_top1"] / n, hits["base_topk"] / n
    report.parsed_share = parsed / max(parsed + malformed, 1)
    report.realised_share = built_total / max(tried, 1)
    report.ms_per_call = 1000 * seconds / n
    return report


def _loss(ckpt: Checkpoint, lines) -> float:  # noqa: ANN001 - list[lm.data.Line]
    ds = TokenDataset(lines, ckpt.tokenizer, ckpt.model.config.max_position_embeddings)
    total = count = 0.0
    with torch.inference_mode():
        for i in range(0, len(ds), 32):
            batch = collate([ds[j] for j in range(i, min(i + 32, len(ds)))])
            logits = ckpt.model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
            labels = batch["labels"][:, 1:]
            loss = torch.nn.functional.cross_entropy(
                logits[:, :-1].reshape(-1, logits.shape[-1]).float(), labels.reshape(-1), ignore_index=-100,
                reduction="sum",
            )
            total += float(loss)
            count += int((labels != -100).sum())
    return total / count if count else math.nan


def format_report(r: EvalReport, model: str) -> str:
    pct = lambda x: f"{100 * x:.1f}%"  # noqa: E731
    rows = [
        f"model {model}: {r.examples} validation examples with auxiliary constructions "
        f"({r.figures} figures), k = {r.k}",
        f"validation loss (aux clauses)  {r.validation_loss:.3f}",
        f"first aux clause, exact        top-1 {pct(r.top1)}   top-{r.k} {pct(r.topk)}",
        f"any aux clause, exact          top-{r.k} {pct(r.any_topk)}",
        f"first aux clause, per figure   top-{r.k} {pct(r.figure_topk)} (exact, averaged over figures)",
        f"first aux clause, kind         top-1 {pct(r.kind_top1)}   top-{r.k} {pct(r.kind_topk)}",
        f"baseline (kinds by frequency)  top-1 {pct(r.baseline_kind_top1)}   top-{r.k} {pct(r.baseline_kind_topk)}",
        f"beams that parse               {pct(r.parsed_share)}; of those proposed, realise {pct(r.realised_share)}",
        f"propose                        {r.ms_per_call:.0f} ms per call",
    ]
    return "\n".join(rows)


def report_dict(r: EvalReport) -> dict:
    return asdict(r)

