"""The rule file, parsed once into typed rules.

>>> rules = load_rules()
>>> rules["r03"].name
'inscribed angle theorem'
>>> [str(p) for p in rules["r03"].premises]
['cyclic A B P Q']
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import permutations, product

from geometry.literals import Literal, is_literal_token
from geometry.predicates import _EQ4, NUMERIC_ONLY, Kind, Predicate, kind_of

from .conditions import CONFIG_CHECKS, Condition


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    premises: tuple[Predicate, ...]  # over pattern variables (upper case)
    conclusions: tuple[Predicate, ...]

    @property
    def checks(self) -> tuple[Predicate, ...]:
        """Premises verified on the diagram only (non-degeneracy)."""
        return tuple(p for p in self.premises if p.kind in NUMERIC_ONLY)

    @property
    def facts(self) -> tuple[Predicate, ...]:
        """Premises that must be proven facts."""
        return tuple(p for p in self.premises if p.kind not in NUMERIC_ONLY)

    def __str__(self) -> str:
        return f"{self.id} ({self.name}): " + ", ".join(map(str, self.premises)) + " => " + ", ".join(
            map(str, self.conclusions)
        )


def _pattern(text: str) -> Predicate:
    toks = text.split()
    kind = kind_of(toks[0])
    if kind is None:
        raise ValueError(f"unknown predicate {toks[0]!r} in rule file")
    args = tuple(Literal(t) if is_literal_token(t) else t for t in toks[1:])
    return Predicate(kind, args)


def parse_rules(text: str) -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            rid, name, body = (s.strip() for s in line.split("|"))
            prem_text, concl_text = body.split("=>")
            premises = tuple(_pattern(p) for p in prem_text.split(",") if p.strip())
            conclusions = tuple(_pattern(p) for p in concl_text.split(",") if p.strip())
        except ValueError as e:
            raise ValueError(f"rules.txt line {n}: {e}") from None
        if rid in rules:
            raise ValueError(f"rules.txt line {n}: duplicate rule id {rid}")
        rules[rid] = Rule(rid, name, premises, conclusions)
    return rules


@lru_cache(maxsize=1)
def load_rules() -> dict[str, Rule]:
    """The packaged rule set (parsed once)."""
    text = resources.files("ddar").joinpath("rules.txt").read_text(encoding="utf-8")
    return parse_rules(text)


# ---------------------------------------------------------------------- rule instances
def variants(p: Predicate) -> Iterator[tuple]:
    """Argument tuples equivalent to ``p`` under its symmetries."""
    orbit = _VARIANTS.get(p.kind)
    if orbit is None:
        yield p.args
    else:
        yield from orbit(p.args)


def _two_pair_variants(a: tuple) -> Iterator[tuple]:
    for x, y in ((a[0:2], a[2:4]), (a[2:4], a[0:2])):
        for fx, fy in product((False, True), repeat=2):
            yield (x[::-1] if fx else x) + (y[::-1] if fy else y)


def _midp_variants(a: tuple) -> Iterator[tuple]:
    yield a
    yield (a[0], a[2], a[1])


def _circle_variants(a: tuple) -> Iterator[tuple]:
    for rest in permutations(a[1:]):
        yield (a[0],) + rest


def _eq4_variants(a: tuple) -> Iterator[tuple]:
    pairs = [a[i : i + 2] for i in range(0, 8, 2)]
    for perm in _EQ4:
        for flips in product((False, True), repeat=4):
            yield tuple(x for i, f in zip(perm, flips) for x in (pairs[i][::-1] if f else pairs[i]))


def _triangle_variants(a: tuple) -> Iterator[tuple]:
    for perm in permutations(range(3)):
        t1 = tuple(a[i] for i in perm)
        t2 = tuple(a[3 + i] for i in perm)
        yield t1 + t2
        yield t2 + t1


#: The symmetries of each kind a rule's pattern can name, as orderings of its arguments
#: (a kind absent here has one ordering).
_VARIANTS: dict[Kind, Callable[[tuple], Iterator[tuple]]] = {
    Kind.COLL: permutations,
    Kind.CYCLIC: permutations,
    **dict.fromkeys((Kind.PARA, Kind.PERP, Kind.CONG), _two_pair_variants),
    Kind.MIDP: _midp_variants,
    Kind.CIRCLE: _circle_variants,
    **dict.fromkeys((Kind.EQANGLE, Kind.EQRATIO), _eq4_variants),
    **dict.fromkeys((Kind.SIMTRI, Kind.SIMTRI2, Kind.CONTRI, Kind.CONTRI2), _triangle_variants),
}


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


def bindings(rule: Rule, cited: Sequence[Predicate], concl: Predicate) -> Iterator[dict]:
    """Every binding of the rule's pattern variables that turns ``cited`` into the rule's
    premises and ``concl`` into one of its conclusions (up to each predicate's symmetries)."""
    facts = rule.facts
    if len(cited) != len(facts):
        return
    target = concl.canonical()
    for cpat in rule.conclusions:
        if not _same_kind(cpat, target):
            continue
        for args in variants(target):
            b = _unify(Predicate(cpat.kind, cpat.args), args, {})
            if b is None:
                continue
            if all(_bound_by(f, b) for f in facts):
                # The conclusion fixes every variable (most rules): compare canonical forms.
                if sorted(map(_key, (_bind(f, b) for f in facts))) == sorted(map(_key, cited)):
                    yield b
                continue
            for full in _match_premises(list(facts), list(cited), b):
                if _bind(cpat, full).canonical() == target:
                    yield full


def _direct_binding(rule: Rule, cited: Sequence[Predicate], concl: Predicate) -> Iterator[dict]:
    """The binding read off ``cited`` as written, premise by premise (matchers usually write
    a rule's premises in its own order and spelling): one unification each, no search."""
    facts = rule.facts
    if len(cited) != len(facts):
        return
    b: dict | None = {}
    for pat, fact in zip(facts, cited):
        if pat.kind is not fact.kind:
            return
        b = _unify(pat, fact.args, b)
        if b is None:
            return
    target = concl.canonical()
    if any(_bound_by(c, b) and _bind(c, b).canonical() == target for c in rule.conclusions):
        yield b


def _chain(*its: Iterator[dict]) -> Iterator[dict]:
    for it in its:
        yield from it


def instance_checks(rule: Rule, binding: Mapping) -> tuple[list[Predicate], list[Condition]]:
    """The rule's numeric checks under ``binding``: non-degeneracy checks (true in every
    non-degenerate figure) and configuration checks (stated by the proof as conditions)."""
    ndg, config = [], []
    for c in rule.checks:
        bound = _bind(c, binding)
        if c.kind in CONFIG_CHECKS:
            config.append(Condition.check(bound))
        else:
            ndg.append(bound)
    return ndg, config


def rule_conditions(
    rule: Rule, cited: Sequence[Predicate], concl: Predicate, points: Mapping[str, complex]
) -> tuple[Condition, ...] | None:
    """Check a rule application at derivation time: ``cited => concl`` must be an instance
    of ``rule`` whose checks hold in the figure ``points``. Returns the configuration
    conditions the application reads off the figure (sorted), or None."""
    for b in _chain(_direct_binding(rule, cited, concl), bindings(rule, cited, concl)):
        ndg, config = instance_checks(rule, b)
        if all(p.holds(points) for p in ndg) and all(c.holds(points) for c in config):
            return tuple(sorted(set(config)))
    return None


def _bound_by(pattern: Predicate, binding: Mapping) -> bool:
    return all(not (isinstance(x, str) and x[:1].isupper()) or x in binding for x in pattern.args)


def _key(p: Predicate) -> tuple:
    c = p.canonical()
    return (c.kind.value, tuple(map(str, c.args)))


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
