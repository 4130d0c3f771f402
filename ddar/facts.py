"""Facts and why they hold."""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Union

from geometry.predicates import Predicate

from .conditions import Condition
from .equations import Table


@dataclass(frozen=True)
class Given:
    """A premise of the problem, asserted by a clause (1-based, as written)."""

    clause: int


@dataclass(frozen=True)
class RuleApp:
    """An instance of a rule of ``rules.txt`` applied to earlier facts."""

    rule: str
    premises: tuple[int, ...]
    conditions: tuple[Condition, ...] = ()  # configuration checks the rule read off the figure


@dataclass(frozen=True)
class ARApp:
    """A linear combination of earlier facts in one AR table."""

    table: Table
    premises: tuple[int, ...]
    multipliers: tuple[Fraction, ...]
    conditions: tuple[Condition, ...] = ()  # orders of points / the half of a doubled angle


Reason = Union[Given, RuleApp, ARApp]


@dataclass(frozen=True)
class Fact:
    id: int
    pred: Predicate
    reason: Reason

    @property
    def premises(self) -> tuple[int, ...]:
        return () if isinstance(self.reason, Given) else self.reason.premises
