"""The rule matchers the engine runs, tied to the rules of ``rules.txt`` they apply.

A :class:`Matcher` names the rules it fires; what it reads follows from their
premises: the *channels* of the facts that can make a premise newly true (a table of
algebraic reasoning, or a bundle such as concyclic quadruples). When the engine
records a fact it notes the channels the fact enters, and wakes only the matchers
that read one of them, so a saturation never reruns a matcher whose inputs have not
changed.

The engine and the matchers know each other only through this module: the matchers
module registers the default matchers (in the order saturation runs them, cheap and
productive ones first) and the provers of bundles that :meth:`Engine.fact_id` builds
on demand (similar and congruent triangles); the engine reads them from here.

>>> sorted(premise_channels(Predicate.parse("eqangle a b c d e f g h".split())))
['angle']
>>> sorted(premise_channels(Predicate.parse("midp m a b".split())))
['angle', 'length', 'midp', 'ratio']
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from geometry.predicates import NUMERIC_ONLY, Kind, Predicate

from .algebra import ANGLE_KINDS, RATIO_KINDS
from .rules import load_rules

#: Channels a fact of each bundle kind enters besides its AR tables.
BUNDLES = {
    Kind.CYCLIC: "cyclic",
    Kind.MIDP: "midp",
    Kind.CIRCLE: "circle",
    Kind.SIMTRI: "triangle",
    Kind.SIMTRI2: "triangle",
    Kind.CONTRI: "triangle",
    Kind.CONTRI2: "triangle",
}


def premise_channels(p: Predicate) -> frozenset[str]:
    """The channels whose facts can make a premise of this kind newly provable
    (the tables :meth:`Engine.implied` consults for it, and its bundle)."""
    k = p.kind
    if k in NUMERIC_ONLY:
        return frozenset()
    out: set[str] = set()
    if k in ANGLE_KINDS:
        out.add("angle")
    if k is Kind.COLL:
        out.add("length")
    if k in RATIO_KINDS or k is Kind.CIRCLE:
        out.update(("ratio", "length"))
    if k is Kind.MIDP:
        out.update(("angle", "ratio", "length"))
    if k in BUNDLES:
        out.add(BUNDLES[k])
    return frozenset(out)


@dataclass(frozen=True)
class Matcher:
    """One family of rules, applied to the candidates the numeric index offers."""

    run: Callable[[Any], int]  # engine -> number of new facts
    rules: tuple[str, ...]  # the rules of rules.txt it fires
    extra: frozenset[str] = frozenset()  # channels read beyond its rules' premises

    @property
    def name(self) -> str:
        return self.run.__name__

    @property
    def reads(self) -> frozenset[str]:
        return _reads(self.rules, self.extra)


@lru_cache(maxsize=None)
def _reads(rule_ids: tuple[str, ...], extra: frozenset[str]) -> frozenset[str]:
    rules = load_rules()
    chans = set(extra)
    for rid in rule_ids:
        for prem in rules[rid].facts:
            chans |= premise_channels(prem)
    return frozenset(chans)


_MATCHERS: list[Matcher] = []
_ON_DEMAND: dict[Kind, Callable[[Any, Predicate], int]] = {}


def register(matchers: Sequence[Matcher], on_demand: Iterable[tuple[Kind, Callable[[Any, Predicate], int]]]) -> None:
    """Install the default matchers (replacing any) and the on-demand provers of bundles."""
    known = load_rules()
    for m in matchers:
        missing = [r for r in m.rules if r not in known]
        if missing:
            raise ValueError(f"matcher {m.name} names rules that rules.txt lacks: {missing}")
    _MATCHERS[:] = list(matchers)
    _ON_DEMAND.update(on_demand)


def default_matchers() -> tuple[Matcher, ...]:
    return tuple(_MATCHERS)


def on_demand(kind: Kind) -> Callable[[Any, Predicate], int] | None:
    """The prover that derives a bundle of this kind on demand (None if there is none)."""
    return _ON_DEMAND.get(kind)
