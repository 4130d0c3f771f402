"""The rule file, parsed once into typed rules.

>>> rules = load_rules()
>>> rules["r03"].name
'inscribed angle theorem'
>>> [str(p) for p in rules["r03"].premises]
['cyclic A B P Q']
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from geometry.literals import Literal, is_literal_token
from geometry.predicates import NUMERIC_ONLY, Predicate, kind_of


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

