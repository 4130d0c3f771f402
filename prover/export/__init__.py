"""Proofs people can read: text, Markdown, HTML with the figure, and JSON.

:func:`render` lays out the outcomes of :func:`prover.prove.prove_ddar` in one of
:data:`FORMATS`. Every format is built from the same :class:`ProofDoc`
(:func:`build_document`): the statement in sentences, the premises it uses, and
the steps in words, each with its reason and the lines it cites.

>>> from geometry.problem import parse_problem
>>> from prover.prove import prove_ddar
>>> out = prove_ddar(parse_problem("midline", "a b c = triangle a b c; m = midpoint m a b; "
...                                "n = midpoint n a c ? para m n b c"))
>>> print(render([out], "text"))  # doctest: +NORMALIZE_WHITESPACE
Problem: midline
<BLANKLINE>
Let ABC be a triangle. Let M be the midpoint of AB. Let N be the midpoint of AC.
Prove that MN ∥ BC.
<BLANKLINE>
Given:
  1. M is the midpoint of AB   definition of M
  2. N is the midpoint of AC   definition of N
<BLANKLINE>
Proof:
  3. MN ∥ BC                   midline theorem [1, 2]
<BLANKLINE>
This proves that MN ∥ BC.  ∎
<BLANKLINE>
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from prover.compute import is_compute
from prover.outcome import Outcome

from . import html as html_format
from . import markdown as markdown_format
from . import text as text_format
from .document import AuxIntro, Line, ProofDoc, Sentence
from .document import build as build_document
from .figures import aux_points, page_figure, write_figure
from .jsonfmt import (
    dumps,
    proof_json,
    read_outcome,
    read_proof,
    replay,
    schema,
    unsolved_json,
)
from .wording import Labels, clause_sentence, goal_sentence, say

#: The formats of ``geoprover prove --format``.
FORMATS = ("text", "markdown", "html", "json")

__all__ = [
    "FORMATS", "AuxIntro", "Labels", "Line", "ProofDoc", "Sentence", "aux_points", "build_document",
    "document_json", "read_outcome", "read_proof", "render", "replay", "say", "schema", "write_figure",
]


def _notes(out: Outcome) -> tuple[str, ...]:
    notes = []
    cls = getattr(out, "goal_class", None)
    if cls is not None and cls.status == "some":
        notes.append(f"Note: {_describe(out)}.")
    if out.check is not None and not out.check.ok:
        notes.append("REJECTED: the proof checker rejected this proof, so it proves nothing: " + "; ".join(out.check.errors))
    return tuple(notes)


def _failure(out: Outcome) -> str:
    if is_compute(out.problem):
        return _compute_failure(out)
    cls = getattr(out, "goal_class", None)
    if out.status == "false" and cls is not None:
        return cls.describe()[0].upper() + cls.describe()[1:] + "."
    reason = "ran out of time" if out.status == "timeout" else "found no proof"
    text = f"DD+AR {reason} ({out.facts} facts derived in {out.seconds:.2f} s)."
    if cls is not None and cls.status == "some":
        text += f" Note: {_describe(out)}."
    return text


def _compute_failure(out: Outcome) -> str:
    """Why a problem that asks for values has no answer: no figure shows a value of a form
    DD+AR proves, or DD+AR could not prove the value (never guessed)."""
    L = Labels(out.problem.points())
    asked = " and ".join(say(g, L) for g in out.problem.goals)
    if out.status == "false":
        return (f"No value to find: {asked} changes from figure to figure, so the problem does not fix it "
                "(the figures drawn show no value of a form DD+AR proves: a rational multiple of 180°, a "
                "rational number or the square root of one).")
    reason = "ran out of time" if out.status == "timeout" else "found no proof"
    text = f"DD+AR {reason} ({out.facts} facts derived in {out.seconds:.2f} s). Not proven: {asked}."
    if out.status == "rejected" and out.check is not None:
        text += " The proof checker rejected the proof found: " + "; ".join(out.check.errors)
    return text


def _describe(out: Outcome) -> str:
    from .configuration import hypothesis_text

    L = Labels(out.problem.points())
    return out.goal_class.describe(lambda c: hypothesis_text(c, L))


def _statement(out: Outcome) -> tuple[list[str], str]:
    problem = out.problem
    L = Labels(problem.points())
    points = out.diagram.points if out.diagram is not None else None
    setup = [clause_sentence(c, L, points) for c in problem.clauses]
    return setup, goal_sentence(problem.goals[:1], L) if problem.goals else ""


def document_json(out: Outcome) -> dict[str, Any]:
    """The JSON document of one outcome (see :mod:`prover.export.jsonfmt`)."""
    if out.proof is None:
        status = out.status if out.status in ("timeout", "false") else "unsolved"
        data = unsolved_json(out.problem, out.diagram, status, out.facts, out.seconds)
    else:
        doc = build_document(out.proof, out.diagram.points)
        data = proof_json(doc, out.diagram, out.check)
        if out.status == "rejected":
            data["status"] = "rejected"
        cls = getattr(out, "goal_class", None)
        if cls is not None:
            data["configuration"] = _describe(out)
    if getattr(out, "search", None) is not None:
        data["search"] = out.search
    return data


def render(
    outcomes: Sequence[Outcome],
    fmt: str,
    *,
    figures: Sequence[str | None] | None = None,
    many: bool | None = None,
) -> str:
    """The outcomes as one document in ``fmt`` (one of :data:`FORMATS`).

    ``figures`` gives, per outcome, the path or URL of its figure for Markdown to
    embed (HTML always inlines its figures). For JSON, ``many`` chooses an array
    over a single object (default: an array when there is more than one outcome).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}")
    figs = list(figures) if figures is not None else [None] * len(outcomes)
    if fmt == "json":
        docs = [document_json(o) for o in outcomes]
        many = len(docs) != 1 if many is None else many
        return dumps(docs if many else docs[0])
    if fmt == "html":
        return _html(outcomes)
    chunks = []
    for out, fig in zip(outcomes, figs):
        if out.proof is None:
            setup, goal = _statement(out)
            if fmt == "text":
                chunks.append(text_format.render_unsolved(out.problem.name, " ".join(setup), goal, _failure(out)))
            else:
                chunks.append(
                    markdown_format.render_unsolved(out.problem.name, " ".join(setup), goal, _failure(out), fig)
                )
            continue
        doc = build_document(out.proof, out.diagram.points)
        if fmt == "text":
            chunks.append(text_format.render(doc, _notes(out)))
        else:
            chunks.append(markdown_format.render(doc, fig, _notes(out)))
    sep = "\n\n" if fmt == "text" else "\n---\n\n"
    return sep.join(chunks) + ("\n" if fmt == "text" else "")


def _html(outcomes: Sequence[Outcome]) -> str:
    sections = []
    for i, out in enumerate(outcomes, start=1):
        anchor = f"p{i}"
        figure = page_figure(out.diagram, f"{anchor}-", out.proof.goal if out.proof else None) if out.diagram else None
        if out.proof is None:
            setup, goal = _statement(out)
            sections.append(
                html_format.message_section(
                    out.problem.name, out.problem.clauses, setup, goal, _failure(out), figure, anchor
                )
            )
        else:
            doc = build_document(out.proof, out.diagram.points)
            sections.append(html_format.proof_section(doc, figure, anchor, _notes(out)))
    title = outcomes[0].problem.name if len(outcomes) == 1 else f"{len(outcomes)} problems"
    return html_format.page(sections, f"geoprover: {title}")
