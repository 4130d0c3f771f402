"""An independent proof checker: replays a proof line by line.

* a premise must be a premise of the problem;
* a rule step must be an instance of its rule: some binding of the rule's
  pattern variables turns the cited lines into the rule's premises and the
  step's statement into one of its conclusions (up to the symmetries of each
  predicate); the rule's non-degeneracy checks hold in the diagram, and its
  configuration checks (sameclock, sameside) are conditions the step states;
* an AR step must follow linearly from the lines it cites (checked in a fresh
  table), and hold in the diagram. A length step uses the order of collinear
  points only where it states it (``between`` conditions); a half-angle step
  (twice the statement follows) must state which half (``angle_case``), a
  third-angle step (three times) which third (``angle_case3``);
* every stated condition holds in the diagram.

:func:`replay` then checks a proof in other figures of the same problem: in each
figure where the proof's conditions hold, every line must hold.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations

from geometry.predicates import NUMERIC_ONLY, Kind, Predicate

from .algebra import Table, angle_equations, between_equation, ratio_equations, square_equations
from .conditions import Condition
from .engine import _normalise_given
from .linalg import LinearTable
from .proof import Proof, ProofLine
from .rules import Rule, bindings, instance_checks, load_rules


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    errors: tuple[str, ...]


def check_proof(proof: Proof, points: Mapping[str, complex] | None = None) -> CheckResult:
    """Replay every line of ``proof``; ``points`` (the diagram) enables the numeric checks."""
    rules = load_rules()
    givens = {q.canonical() for p in proof.problem.premises() for q in _normalise_given(p)}
    names = proof.problem.points()
    errors: list[str] = []
    by_number: dict[int, ProofLine] = {}
    for line in proof.lines:
        for u in line.uses:
            if u not in by_number:
                errors.append(f"line {line.number} cites line {u}, which does not come before it")
        cited = [by_number[u].pred for u in line.uses if u in by_number]
        problem = _check_line(line, cited, givens, rules, points, names)
        if problem:
            errors.append(f"line {line.number} ({line.pred}): {problem}")
        by_number[line.number] = line
    if not proof.lines or proof.lines[-1].pred.canonical() != proof.goal.canonical():
        errors.append("the last line is not the goal")
    return CheckResult(not errors, tuple(errors))


def _check_line(
    line: ProofLine, cited: list[Predicate], givens: set, rules: dict[str, Rule], points, names: tuple[str, ...]
) -> str | None:
    if line.kind == "given":
        return None if line.pred.canonical() in givens else "not a premise of the problem"
    if points is not None and not line.pred.holds(points):
        return "false in the diagram"
    if points is not None:
        for c in line.conditions:
            if not c.holds(points):
                return f"its condition '{c}' does not hold in the diagram"
    if line.kind == "ar":
        return _check_ar(line, cited, points, names)
    if line.rule == "refl":
        return None if not cited and _identity(line.pred) else "not a statement true by itself"
    rule = rules.get(line.rule or "")
    if rule is None:
        return f"unknown rule {line.rule!r}"
    if not is_instance(rule, cited, line.pred, points, line.conditions):
        return f"not an instance of {rule.id} ({rule.name}) with the conditions it states"
    return None


def is_instance(
    rule: Rule,
    cited: list[Predicate],
    concl: Predicate,
    points: Mapping[str, complex] | None = None,
    conditions: Iterable[Condition] | None = None,
) -> bool:
    """Whether ``cited => concl`` is an instance of ``rule``: its non-degeneracy checks hold
    in ``points`` (when given) and its configuration checks are among ``conditions``
    (when given; None accepts them when they hold in ``points``)."""
    stated = None if conditions is None else set(conditions)
    for b in bindings(rule, cited, concl):
        ndg, config = instance_checks(rule, b)
        if points is not None and not all(p.holds(points) for p in ndg):
            continue
        if stated is not None and not all(c in stated for c in config):
            continue
        if stated is None and points is not None and not all(c.holds(points) for c in config):
            continue
        return True
    return False


def _identity(pred: Predicate) -> bool:
    """True statements of the form X = X (every equation they assert is 0 = 0).

    Only proof steps are such statements (a rule's premise ``cong a b a b``, "AB = AB"):
    a goal true by itself is refused by the parser (:func:`geometry.predicates.degeneracy`).
    """
    eqs = angle_equations(pred) + ratio_equations(pred)
    return bool(eqs) and all(not c and k % 1 == 0 for c, k in eqs)


def _check_ar(line: ProofLine, cited: list[Predicate], points, names: tuple[str, ...]) -> str | None:
    check = _AR_CHECKS.get(line.rule or "")  # a proof read back from JSON names its table by a plain str
    if check is None:
        return f"unknown table {line.rule!r}"
    return check(line, cited, names)


def _check_multiple_angle(line: ProofLine, cited: list[Predicate], names: tuple[str, ...]) -> str | None:
    """Twice (three times) the statement follows by angle chasing; the step states which
    case of the multiple angle holds."""
    n = 3 if line.rule == Table.ANGLE3 else 2
    if Condition.angle_case(line.pred, n) not in line.conditions:
        what = "half of the doubled" if n == 2 else "third of the tripled"
        return f"a multiple-angle step must state which {what} angle it takes"
    table = _table(cited, angle_equations, Fraction(1))
    target = [({v: n * x for v, x in c.items()}, n * k % 1) for c, k in angle_equations(line.pred) if c]
    if not target:
        return f"{line.pred.name} is not an angle statement"
    if not all(table.implies(c, k) for c, k in target):
        return f"{'twice' if n == 2 else 'three times'} the statement does not follow from the cited lines by angle chasing"
    return None


def _check_length(line: ProofLine, cited: list[Predicate], names: tuple[str, ...]) -> str | None:
    """Collinear points add up only in the orders the step states (``between`` conditions)."""
    stated = [c for c in line.conditions if c.kind == "between"]

    def eqs_of(p: Predicate) -> list:
        if p.kind is Kind.COLL:
            on = set(p.points)
            return [between_equation(c) for c in stated if set(c.points) <= on]
        return _length_equations(p)

    table = _table(cited, eqs_of, None)
    if line.pred.kind is Kind.COLL:
        on = set(line.pred.points)
        target = [between_equation(c) for c in stated if set(c.points) <= on]
        if {frozenset(c.points) for c in stated if set(c.points) <= on} != set(map(frozenset, combinations(on, 3))):
            return "a collinearity by length chasing must state the order of its points"
    else:
        target = [(c, k) for c, k in _length_equations(line.pred) if c]
    if not target:
        return f"{line.pred.name} is not a statement of the length table"
    if not all(table.implies(c, k) for c, k in target):
        return "does not follow from the cited lines by length chasing (with the orders it states)"
    return None


def _check_square(line: ProofLine, cited: list[Predicate], names: tuple[str, ...]) -> str | None:
    """Squared lengths: the median equations of a midpoint are written for every point of the problem."""
    table = _table(cited, lambda p: square_equations(p, names), None)
    target = [(c, k) for c, k in square_equations(line.pred) if c]
    if not target:
        return f"{line.pred.name} is not a statement of the squared-length table"
    if not all(table.implies(c, k) for c, k in target):
        return "does not follow from the cited lines by computing with squared lengths"
    return None


def _check_angle(line: ProofLine, cited: list[Predicate], names: tuple[str, ...]) -> str | None:
    if line.pred.kind is not Kind.COLL:
        return _check_linear(line, cited, angle_equations, Fraction(1))
    # equal directions from one hub point make the points collinear (r28)
    table = _table(cited, angle_equations, Fraction(1))
    pts = list(dict.fromkeys(line.pred.points))
    for hub in pts:
        rest = [x for x in pts if x != hub]
        para = [Predicate(Kind.PARA, (hub, rest[0], hub, x)) for x in rest[1:]]
        if all(table.implies(c, k) for p in para for c, k in angle_equations(p) if c):
            return None
    return "the points are not shown to lie on one line"


def _check_ratio(line: ProofLine, cited: list[Predicate], names: tuple[str, ...]) -> str | None:
    return _check_linear(line, cited, ratio_equations, None)


def _check_linear(line: ProofLine, cited: list[Predicate], eqs_of, modulus: Fraction | None) -> str | None:
    """The statement's equations follow from the cited lines' in one table."""
    table = _table(cited, eqs_of, modulus)
    target = [(c, k) for c, k in eqs_of(line.pred) if c]
    if not target:
        return f"{line.pred.name} is not a statement of the {line.rule} table"
    for c, k in target:
        if not table.implies(c, k):
            return f"does not follow from the cited lines by {line.rule} chasing"
    return None


#: How a step of each AR table is checked: from the cited lines alone, in a fresh table.
_AR_CHECKS = {
    Table.ANGLE: _check_angle,
    Table.ANGLE2: _check_multiple_angle,
    Table.ANGLE3: _check_multiple_angle,
    Table.RATIO: _check_ratio,
    Table.LENGTH: _check_length,
    Table.SQUARE: _check_square,
}


def _table(cited: list[Predicate], eqs_of, modulus: Fraction | None) -> LinearTable:
    table = LinearTable(modulus=modulus)
    for i, p in enumerate(cited):
        for j, (c, k) in enumerate(eqs_of(p)):
            if c:
                table.add(c, k, (i, j))
    return table


def _length_equations(p: Predicate) -> list:
    """The length table's equations that need no order of points (cong, midp, constants)."""
    from .algebra import length_equations

    return [] if p.kind is Kind.COLL else length_equations(p, {})


# ---------------------------------------------------------------------- other figures
@dataclass(frozen=True)
class ReplayResult:
    """A proof replayed in other figures of its problem."""

    figures: int  # figures drawn
    applicable: int  # figures where the proof's conditions hold
    failures: tuple[str, ...]  # "figure K: line N (statement) is false there"

    @property
    def ok(self) -> bool:
        return not self.failures


def replay(proof: Proof, figures: Iterable[Mapping[str, complex]]) -> ReplayResult:
    """Check every line of ``proof`` numerically in each figure where its conditions hold."""
    conditions = proof.conditions
    drawn = applicable = 0
    failures: list[str] = []
    for k, pts in enumerate(figures):
        drawn += 1
        if not all(c.holds(pts) for c in conditions):
            continue
        applicable += 1
        for line in proof.lines:
            if not line.pred.holds(pts):
                failures.append(f"figure {k}: line {line.number} ({line.pred}) is false there")
                break
    return ReplayResult(drawn, applicable, tuple(failures))


__all__ = ["NUMERIC_ONLY", "CheckResult", "ReplayResult", "check_proof", "is_instance", "replay"]
