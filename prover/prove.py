"""Proving one problem with DD+AR, and the plain-text rendering of a proof."""
from __future__ import annotations

from dataclasses import dataclass

from ddar.check import CheckResult, check_proof
from ddar.engine import Budget, Engine, Result
from ddar.proof import Proof, traceback
from ddar.rules import load_rules
from geometry.diagram import Diagram, realise
from geometry.errors import ProblemError
from geometry.problem import Problem


@dataclass(frozen=True)
class Outcome:
    problem: Problem
    diagram: Diagram
    status: str  # solved | unsolved | timeout
    facts: int
    seconds: float
    proof: Proof | None
    check: CheckResult | None


def prove_ddar(problem: Problem, *, seed: int = 0, timeout: float = 60.0) -> Outcome:
    """Realise ``problem``, run DD+AR on its goal and, if proven, trace back and check the proof."""
    if problem.goal is None:
        raise ProblemError("the problem has no goal ('? ...')", problem=problem.name)
    diagram = realise(problem, seed=seed)
    # The engine works on names given in order of appearance, so that its search, and
    # the proof it finds, do not depend on how the problem names its points.
    inner = {p: f"x{i:03d}" for i, p in enumerate(problem.points())}
    outer = {v: k for k, v in inner.items()}
    engine = Engine(diagram.rename(inner))
    result: Result = engine.prove(problem.goal.rename(inner), Budget(timeout=timeout))
    proof = check = None
    if result.solved and result.goal_fact is not None:
        proof = traceback(engine, result.goal_fact).rename(outer, problem)
        check = check_proof(proof, diagram.points)
    return Outcome(problem, diagram, result.status, result.facts, result.seconds, proof, check)


def _reason(line, rules) -> str:
    if line.kind == "given":
        return f"premise (clause {line.clause})"
    uses = ", ".join(str(u) for u in line.uses)
    if not line.uses:
        return f"{line.rule}, {rules[line.rule].name}" if line.rule in rules else str(line.rule)
    if line.kind == "ar":
        what = {
            "angle": "angle chasing",
            "angle2": "angle chasing (halving an angle, the figure fixes which half)",
            "ratio": "ratio chasing",
            "length": "length chasing",
        }[line.rule]
        return f"{what} from {uses}"
    rule = rules.get(line.rule)
    name = f"{line.rule}, {rule.name}" if rule else line.rule
    return f"{name} from {uses}"


def format_text(proof: Proof) -> str:
    """The proof as numbered lines: premises, then steps with their reasons."""
    rules = load_rules()
    width = max(len(str(line.pred)) for line in proof.lines)
    out = [f"Problem: {proof.problem.name}", f"Goal: {proof.goal}", "", "Premises:"]
    for line in proof.premises:
        out.append(f"  {line.number:>3}. {line.pred!s:<{width}}   [{_reason(line, rules)}]")
    out.append("Steps:")
    for line in proof.steps:
        out.append(f"  {line.number:>3}. {line.pred!s:<{width}}   [{_reason(line, rules)}]")
    aux = ", ".join(proof.aux_points) if proof.aux_points else "none"
    out += ["", f"Proved: {proof.goal}", f"Auxiliary points used: {aux}"]
    return "\n".join(out)
