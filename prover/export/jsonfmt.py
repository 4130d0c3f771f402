"""JSON: a proof as data a program can consume, and replay with the proof checker.

The layout is documented, and validated in the tests, by the JSON Schema
``prover/schema/proof.schema.json`` (:func:`schema`). In short::

    {"format": "geoprover-proof", "version": 1, "status": "proved",
     "problem": {"name", "text", "statement", "goal"},      # text: the problem language
     "seed": 0,
     "points": [{"name", "label", "x", "y", "aux"}],        # the diagram
     "goal": PREDICATE,
     "premises": [{"index", "clause", "aux", "statement", "words", "shown_as"}],
     "aux": [{"clause", "points", "construction", "words"}],
     "steps": [{"index", "kind", "rule", "reason", "premises", "multipliers",
                "conclusion", "words", "shown_as", "folded_into"}],
     "aux_points": [...], "check": {"ok", "errors"}}

A PREDICATE is typed: ``{"kind": "eqangle", "args": ["a", "b", ...], "points": [...],
"literals": [...], "text": "eqangle a b ..."}``; ``args`` in order is what counts
(``points`` and ``literals`` are conveniences). ``index`` numbers premises and steps
together, as the engine's proof does, and a step's ``premises`` cite those indices. Every line
of the engine's proof is there (folded ones too, with ``folded_into`` naming the
shown line that restates them), so that :func:`replay` can check it:
``export -> JSON -> replay`` is the round trip the tests run.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from importlib import resources
from typing import Any

from ddar.check import CheckResult, check_proof
from ddar.conditions import Condition
from ddar.proof import Proof, ProofLine
from ddar.rules import load_rules
from geometry.diagram import Diagram
from geometry.predicates import Predicate
from geometry.problem import parse_problem
from prover.compute import answers as compute_answers
from prover.compute import is_compute
from prover.outcome import Outcome

from .document import ProofDoc
from .wording import Labels, ar_reason, clause_sentence, goal_sentence, rule_reason, say

FORMAT = "geoprover-proof"
VERSION = 1


def predicate_json(p: Predicate) -> dict[str, Any]:
    """A predicate as typed JSON."""
    return {
        "kind": p.name,
        "args": [str(a) for a in p.args],
        "points": list(p.points),
        "literals": [str(x) for x in p.literals],
        "text": str(p),
    }


def parse_predicate(data: Mapping[str, Any]) -> Predicate:
    """The predicate of :func:`predicate_json` (raises ValueError when malformed)."""
    kind, args = data["kind"], data["args"]
    p = Predicate.parse([kind, *args])
    if p.name != kind:  # Predicate.parse reads 5-argument eqangle as aconst: not ours
        raise ValueError(f"predicate kind {kind!r} read as {p.name!r}")
    return p


def _points(diagram: Diagram, labels: Labels, aux: set[str]) -> list[dict[str, Any]]:
    return [
        {"name": n, "label": labels(n), "x": z.real, "y": z.imag, "aux": n in aux}
        for n, z in diagram.points.items()
    ]


def proof_json(doc: ProofDoc, diagram: Diagram, check: CheckResult | None = None) -> dict[str, Any]:
    """The JSON document of a proof (``doc`` supplies the words and display numbers)."""
    proof, problem, L = doc.proof, doc.problem, doc.labels
    clauses = problem.all_clauses()
    n_main = len(problem.clauses)
    aux_set = {p for c in problem.aux for p in c.points}
    premises = [
        {
            "index": line.number,
            "clause": line.clause,
            "aux": (line.clause or 0) > n_main,
            "statement": predicate_json(line.pred),
            "words": say(line.pred, L),
            "shown_as": doc.shown.get(line.number),
        }
        for line in proof.premises
    ]
    reasons = {x.source: x.reason for x in doc.lines}
    hyp_number = {c: i for i, c in enumerate(proof.conditions, start=1)}
    steps = []
    for line in proof.steps:
        folded = doc.folded.get(line.number)
        steps.append(
            {
                "index": line.number,
                "kind": line.kind,
                "rule": line.rule,
                "reason": reasons.get(line.number) or _reason(line),
                "premises": list(line.uses),
                "multipliers": [str(m) for m in line.multipliers],
                "conclusion": predicate_json(line.pred),
                "words": say(line.pred, L),
                "shown_as": doc.shown.get(line.number),
                "folded_into": folded,
                "hypotheses": [hyp_number[c] for c in line.conditions],
            }
        )
    aux = [
        {
            "clause": i,
            "points": list(c.points),
            "construction": c.to_text(),
            "words": clause_sentence(c, L, diagram.points),
        }
        for i, c in enumerate(clauses, start=1)
        if i > n_main
    ]
    out: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "status": "proved",
        "problem": _problem_json(problem, L, diagram, proof.goal),
        "seed": diagram.seed,
        "points": _points(diagram, L, aux_set),
        "goal": predicate_json(proof.goal),
        "premises": premises,
        "aux": aux,
        "steps": steps,
        "aux_points": list(proof.aux_points),
        "hypotheses": [{**c.to_json(), "words": h.text} for c, h in zip(proof.conditions, doc.hypotheses)],
    }
    if doc.answers:  # a problem that asks for values: "Find the value of ...", and the values found
        out["problem"]["goal"] = doc.goal.text
        out["answers"] = [a.to_json(L) for a in compute_answers(proof)]
    if check is not None:
        out["check"] = {"ok": check.ok, "errors": list(check.errors)}
    return out


def _reason(line: ProofLine) -> str:
    return ar_reason(line.rule) if line.kind == "ar" else rule_reason(line.rule, load_rules())


def _problem_json(problem, L: Labels, diagram: Diagram | None, goal: Predicate | None) -> dict[str, Any]:
    points = diagram.points if diagram is not None else None
    goals = [goal] if goal is not None else list(problem.goals if is_compute(problem) else problem.goals[:1])
    return {
        "name": problem.name,
        "text": problem.to_text(),
        "statement": " ".join(clause_sentence(c, L, points) for c in problem.clauses),
        "goal": goal_sentence(goals, L) if goals else "",
    }


def unsolved_json(problem, diagram: Diagram | None, status: str, facts: int, seconds: float) -> dict[str, Any]:
    """The JSON document of a problem that was not proven."""
    L = Labels(problem.points())
    out: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "status": status,
        "problem": _problem_json(problem, L, diagram, None),
        "facts": facts,
        "seconds": round(seconds, 4),
    }
    if problem.goal is not None:
        out["goal"] = predicate_json(problem.goal)
    if diagram is not None:
        out["seed"] = diagram.seed
        out["points"] = _points(diagram, L, {p for c in problem.aux for p in c.points})
    return out


# ---------------------------------------------------------------------- reading back
@dataclass(frozen=True)
class Replayable:
    """A proof read back from JSON, with the diagram's coordinates."""

    proof: Proof
    points: dict[str, complex]


def read_proof(data: Mapping[str, Any]) -> Replayable:
    """Rebuild the engine's proof from its JSON (the problem is re-parsed from its text)."""
    if data.get("format") != FORMAT or data.get("status") != "proved":
        raise ValueError("not a geoprover proof document")
    problem = parse_problem(data["problem"]["name"], data["problem"]["text"])
    hypotheses = [condition_from_json(h) for h in data.get("hypotheses", ())]
    lines = [
        ProofLine(p["index"], parse_predicate(p["statement"]), "given", clause=p["clause"])
        for p in data["premises"]
    ]
    lines += [
        ProofLine(
            s["index"],
            parse_predicate(s["conclusion"]),
            s["kind"],
            s["rule"],
            tuple(s["premises"]),
            tuple(Fraction(m) for m in s["multipliers"]),
            conditions=tuple(hypotheses[i - 1] for i in s.get("hypotheses", ())),
        )
        for s in data["steps"]
    ]
    lines.sort(key=lambda line: line.number)
    mentioned = {p for line in lines for p in line.pred.points}
    order = [p["name"] for p in data["points"]]
    proof = Proof(
        problem=problem,
        goal=parse_predicate(data["goal"]),
        lines=tuple(lines),
        aux_points=tuple(data.get("aux_points", ())),
        points=tuple(p for p in order if p in mentioned),
    )
    points = {p["name"]: complex(p["x"], p["y"]) for p in data["points"]}
    return Replayable(proof, points)


def condition_from_json(data: Mapping[str, Any]) -> Condition:
    """A configuration hypothesis read back (raises ValueError/KeyError when malformed)."""
    kind, pts = data["kind"], list(data["points"])
    if kind == "between" and len(pts) == 3:
        return Condition.between(*pts)
    if kind == "side" and len(pts) == 4:
        return Condition.side(*pts)
    if kind in ("angle_case", "angle_case3"):
        return Condition.angle_case(Predicate.parse(data["statement"].split()), 3 if kind == "angle_case3" else 2)
    if kind in ("sameclock", "sameside", "nsameside") and len(pts) == 6 or kind == "npara" and len(pts) == 4:
        return Condition.check(Predicate.parse([kind, *pts]))
    raise ValueError(f"unknown hypothesis {data!r}")


def read_outcome(data: Mapping[str, Any]) -> Outcome:
    """A proof document read back as a :class:`prover.outcome.Outcome` (re-checked), ready to render."""
    r = read_proof(data)
    diagram = Diagram(r.proof.problem, r.points, int(data.get("seed", 0)))
    return Outcome(r.proof.problem, diagram, "solved", 0, 0.0, r.proof, check_proof(r.proof, r.points))


def replay(data: Mapping[str, Any]) -> CheckResult:
    """Check the proof in a JSON document with the independent proof checker."""
    r = read_proof(data)
    return check_proof(r.proof, r.points)


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The JSON Schema of the documents (package data)."""
    text = resources.files("prover").joinpath("schema/proof.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def dumps(data: Any) -> str:
    """A document (or a list of them) as JSON text: one line per point, premise and step."""
    if isinstance(data, list):
        return "[\n" + ",\n".join(_document_text(d, "  ") for d in data) + "\n]\n"
    return _document_text(data, "") + "\n"


def _document_text(doc: Mapping[str, Any], pad: str) -> str:
    one = lambda v: json.dumps(v, ensure_ascii=False)
    parts = []
    for key, value in doc.items():
        if isinstance(value, list) and value and all(isinstance(x, dict) for x in value):
            rows = ",\n".join(f"{pad}  {one(x)}" for x in value)
            parts.append(f"{pad} {one(key)}: [\n{rows}\n{pad} ]")
        else:
            parts.append(f"{pad} {one(key)}: {one(value)}")
    return f"{pad}{{\n" + ",\n".join(parts) + f"\n{pad}}}"


__all__ = [
    "FORMAT", "VERSION", "Replayable", "dumps", "parse_predicate", "predicate_json", "proof_json",
    "read_outcome", "read_proof", "replay", "schema", "unsolved_json",
]
