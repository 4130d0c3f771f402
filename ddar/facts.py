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


@dataclass(frozen=True)
class LazyAR:
    """A fact the AR table ``table`` implied when it was recorded (``Table.ANGLE2`` or
    ``Table.ANGLE3``: a multiple-angle step), not yet explained. Most derived facts never
    reach a proof, and finding the rows that combine into one is the dear part of recording
    it, so :meth:`ddar.engine.Engine.reason` explains it when a traceback first asks, from the
    facts before it only, and replaces it by the :class:`ARApp` it would have been."""

    table: Table


Reason = Union[Given, RuleApp, ARApp, LazyAR]


@dataclass(frozen=True)
class Fact:
    id: int
    pred: Predicate
    reason: Reason

    @property
    def premises(self) -> tuple[int, ...]:
        """The facts it follows from (an unexplained AR fact: :meth:`Engine.reason` first)."""
        if isinstance(self.reason, LazyAR):
            raise ValueError(f"fact {self.id} is not explained yet: ask Engine.reason({self.id})")
        return () if isinstance(self.reason, Given) else self.reason.premises

    @property
    def derived(self) -> bool:
        """Whether it follows from other facts (not a given, not an identity such as AB = AB)."""
        return isinstance(self.reason, LazyAR) or (not isinstance(self.reason, Given) and bool(self.reason.premises))
