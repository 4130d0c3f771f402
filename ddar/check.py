"""An independent proof checker: replays a proof line by line.

* a premise must be a premise of the problem;
* a rule step must be an instance of its rule: some binding of the rule's
  pattern variables turns the cited lines into the rule's premises and the
  step's statement into one of its conclusions (up to the symmetries of each
  predicate), and the rule's non-degeneracy conditions hold in the diagram;
* an AR step must follow linearly from the lines it cites (checked in a fresh
  table), and hold in the diagram.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from itertools import permutations, product

from geometry.predicates import NUMERIC_ONLY, Kind, Predicate

from .algebra import angle_equations, length_equations, ratio_equations
from .engine import _normalise_given
from .linalg import LinearTable
from .proof import Proof, ProofLine
from .rules import Rule, load_rules


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    errors: tuple[str, ...]


def check_proof(proof: Proof, points: Mapping[str, complex] | None = None) -> CheckResult:
    """Replay every line of ``proof``; ``points`` (the diagram) enables the numeric checks."""
    rules = load_rules()
    givens = {q.canonical() for p in proof.problem.premises() for q in _normalise_given(p)}
    errors: list[str] = []
    by_number: dict[int, ProofLine] = {}
    for line in proof.lines:
        for u in line.uses:
            if u not in by_number:
                errors.append(f"line {line.number} cites line {u}, which does not come before it")
        cited = [by_number[u].pred for u in line.uses if u in by_number]
        problem = _check_line(line, cited, givens, rules, points)
        if problem:
            errors.append(f"line {line.number} ({line.pred}): {problem}")
        by_number[line.number] = line
    if not proof.lines or proof.lines[-1].pred.canonical() != proof.goal.canonical():
        errors.append("the last line is not the goal")
    return CheckResult(not errors, tuple(errors))


def _check_line(line: ProofLine, cited: list[Predicate], givens: set, rules: dict[str, Rule], points) -> str | None:
    if line.kind == "given":
        return None if line.pred.canonical() in givens else "not a premise of the problem"
    if points is not None and not line.pred.holds(points):
        return "false in the diagram"
    if line.kind == "ar":
        return _check_ar(line, cited, points)
    if line.rule == "refl":
        return None if not cited and _identity(line.pred) else "not a statement true by itself"
    rule = rules.get(line.rule or "")
    if rule is None:
        return f"unknown rule {line.rule!r}"
    if not is_instance(rule, cited, line.pred, points):
        return f"not an instance of {rule.id} ({rule.name})"
    return None


def _identity(pred: Predicate) -> bool:
    """True statements of the form X = X (every equation they assert is 0 = 0)."""
    eqs = angle_equations(pred) + ratio_equations(pred)
    return bool(eqs) and all(not c and k % 1 == 0 for c, k in eqs)


def _check_ar(line: ProofLine, cited: list[Predicate], points) -> str | None:
    if line.rule == "length" and points is None:
        return "length steps need the diagram to order collinear points"
    if line.rule == "angle2":
        # twice the statement follows by angle chasing; the diagram picks the half
        if points is None or not line.pred.holds(points):
            return "a half-angle step needs the diagram, where the statement must hold"
        eqs_of = {"angle2": lambda p: [({v: 2 * x for v, x in c.items()}, 2 * k % 1) for c, k in angle_equations(p)]}[
            line.rule
        ]
        table = LinearTable(modulus=Fraction(1))
        for i, p in enumerate(cited):
            for j, (c, k) in enumerate(angle_equations(p)):
                if c:
                    table.add(c, k, (i, j))
        target = [(c, k) for c, k in eqs_of(line.pred) if c]
        if not target:
            return f"{line.pred.name} is not an angle statement"
        for c, k in target:
            if not table.implies(c, k):
                return "twice the statement does not follow from the cited lines by angle chasing"
        return None
    eqs_of = {
        "angle": angle_equations,
        "ratio": ratio_equations,
        "length": lambda p: length_equations(p, points),
    }.get(line.rule or "")
    if eqs_of is None:
        return f"unknown table {line.rule!r}"
    table = LinearTable(modulus=Fraction(1) if line.rule == "angle" else None)
    for i, p in enumerate(cited):
        for j, (c, k) in enumerate(eqs_of(p)):
            if c:
                table.add(c, k, (i, j))
    if line.pred.kind is Kind.COLL and line.rule == "angle":
        # equal directions from one hub point make the points collinear (r28)
        pts = list(dict.fromkeys(line.pred.points))
        for hub in pts:
            rest = [x for x in pts if x != hub]
            para = [Predicate(Kind.PARA, (hub, rest[0], hub, x)) for x in rest[1:]]
            if all(table.implies(c, k) for p in para for c, k in angle_equations(p) if c):
                return None
        return "the points are not shown to lie on one line"
    target = [(c, k) for c, k in eqs_of(line.pred) if c]
    if not target:
        return f"{line.pred.name} is not a statement of the {line.rule} table"
    for c, k in target:
        if not table.implies(c, k):
            return f"does not follow from the cited lines by {line.rule} chasing"
    return None


# ---------------------------------------------------------------------- rule instances
def variants(p: Predicate) -> Iterator[tuple]:
    """Argument tuples equivalent to ``p`` under its symmetries."""
    k, a = p.kind, p.args
    if k in (Kind.COLL, Kind.CYCLIC):
        yield from permutations(a)
    elif k in (Kind.PARA, Kind.PERP, Kind.CONG):
        for x, y in ((a[0:2], a[2:4]), (a[2:4], a[0:2])):
            for fx, fy in product((False, True), repeat=2):
                yield (x[::-1] if fx else x) + (y[::-1] if fy else y)
    elif k is Kind.MIDP:
        yield a
        yield (a[0], a[2], a[1])
    elif k is Kind.CIRCLE:
        for rest in permutations(a[1:]):
            yield (a[0],) + rest
    elif k in (Kind.EQANGLE, Kind.EQRATIO):
        from geometry.predicates import _EQ4

        pairs = [a[i : i + 2] for i in range(0, 8, 2)]
        for perm in _EQ4:
            for flips in product((False, True), repeat=4):
                yield tuple(x for i, f in zip(perm, flips) for x in (pairs[i][::-1] if f else pairs[i]))
    elif k in (Kind.SIMTRI, Kind.SIMTRI2, Kind.CONTRI, Kind.CONTRI2):
        for perm in permutations(range(3)):
            t1 = tuple(a[i] for i in perm)
            t2 = tuple(a[3 + i] for i in perm)
            yield t1 + t2
            yield t2 + t1
    else:
        yield a


def _unify(pattern: Predicate, args: tuple, binding: dict) -> dict | None:
    if len(pattern.args) != len(args):
        return None
    out = dict(binding)
    for pv, x in zip(pattern.args, args):
        if not isinstance(pv, str) or not pv[:1].isupper():
            if pv != x:
                return None
            continue
        if out.setdefault(pv, x) != x:
            return None
    return out


def _bind(rule_pattern: Predicate, binding: Mapping) -> Predicate:
    return Predicate(
        rule_pattern.kind, tuple(binding.get(x, x) if isinstance(x, str) else x for x in rule_pattern.args)
    )


def _same_kind(pattern: Predicate, fact: Predicate) -> bool:
    return pattern.canonical().kind is fact.canonical().kind


def is_instance(rule: Rule, cited: list[Predicate], concl: Predicate, points=None) -> bool:
    """Whether ``cited => concl`` is an instance of ``rule``."""
    facts = rule.facts
    if len(cited) != len(facts):
        return False
    target = concl.canonical()
    for cpat in rule.conclusions:
        if not _same_kind(cpat, target):
            continue
        for args in variants(target):
            b = _unify(Predicate(cpat.kind, cpat.args), args, {})
            if b is None:
                continue
            for full in _match_premises(list(facts), cited, b):
                if _bind(cpat, full).canonical() != target:
                    continue
                if points is None or all(_bind(c, full).holds(points) for c in rule.checks):
                    return True
    return False


def _match_premises(patterns: list[Predicate], facts: list[Predicate], binding: dict) -> Iterator[dict]:
    if not patterns:
        yield binding
        return
    pat, rest = patterns[0], patterns[1:]
    for i, f in enumerate(facts):
        if not _same_kind(pat, f):
            continue
        for args in variants(f.canonical()):
            b = _unify(pat, args, binding)
            if b is not None:
                yield from _match_premises(rest, facts[:i] + facts[i + 1 :], b)


__all__ = ["NUMERIC_ONLY", "CheckResult", "check_proof", "is_instance"]
