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

>>> sorted(map(str, premise_channels(Predicate.parse("eqangle a b c d e f g h".split()))))
['angle']
>>> sorted(map(str, premise_channels(Predicate.parse("midp m a b".split()))))
['angle', 'length', 'midp', 'ratio']
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from geometry.predicates import Kind, Predicate

from .equations import Table
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

_ANGLE, _RATIO_LENGTH = frozenset({Table.ANGLE}), frozenset({Table.RATIO, Table.LENGTH})
#: The AR tables whose facts can make a premise of each kind newly provable: those
#: :meth:`Engine.implied` consults for it (a collinearity is also proven by length chasing);
#: for a circle and a midpoint, those of the facts they are made of (equal radii;
#: collinearity and equal halves). A kind absent here (numeric-only, a bundle of triangles
#: or concyclic points) reads no table.
_TABLES_READ: dict[Kind, frozenset[str]] = {
    Kind.COLL: frozenset({Table.ANGLE, Table.LENGTH}),
    **dict.fromkeys((Kind.PARA, Kind.PERP, Kind.EQANGLE, Kind.ACONST, Kind.AEQUATION), _ANGLE),
    **dict.fromkeys(
        (Kind.CONG, Kind.EQRATIO, Kind.RCONST, Kind.LCONST, Kind.R2CONST, Kind.L2CONST, Kind.LEQUATION), _RATIO_LENGTH
    ),
    Kind.CIRCLE: _RATIO_LENGTH,
    Kind.MIDP: _ANGLE | _RATIO_LENGTH,
}

#: The channels a premise of each kind reads: its tables and its bundle.
PREMISE_CHANNELS: dict[Kind, frozenset[str]] = {
    k: _TABLES_READ.get(k, frozenset()) | ({BUNDLES[k]} if k in BUNDLES else frozenset()) for k in Kind
}


def premise_channels(p: Predicate) -> frozenset[str]:
    """The channels whose facts can make a premise of this kind newly provable
    (the tables :meth:`Engine.implied` consults for it, and its bundle)."""
    return PREMISE_CHANNELS[p.kind]


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
