"""Errors raised for bad problem input.

Every error names the problem, the clause (1-based, as written) and the token at
fault, so that the command line can print it as one line.
"""
from __future__ import annotations

import difflib
from typing import Iterable


class GeometryError(Exception):
    """Base class of all geoprover input errors."""


class ProblemError(GeometryError):
    """A problem text that cannot be parsed or a diagram that cannot be built.

    >>> str(ProblemError("unknown construction", problem="p1", clause=2, token="foo"))
    "p1: clause 2: unknown construction (at 'foo')"
    """

    def __init__(
        self,
        message: str,
        *,
        problem: str | None = None,
        clause: int | None = None,
        token: str | None = None,
    ) -> None:
        self.message = message
        self.problem = problem
        self.clause = clause
        self.token = token
        super().__init__(str(self))

    def with_problem(self, problem: str) -> "ProblemError":
        """The same error, labelled with a problem name."""
        err = type(self)(self.message, problem=problem, clause=self.clause, token=self.token)
        return err

    def __str__(self) -> str:
        parts = []
        if self.problem is not None:
            parts.append(f"{self.problem}:")
        if self.clause is not None:
            parts.append(f"clause {self.clause}:")
        parts.append(self.message)
        text = " ".join(parts)
        if self.token is not None:
            text += f" (at {self.token!r})"
        return text


class ParseError(ProblemError):
    """The text does not follow the problem language."""


class RealisationError(ProblemError):
    """No numeric diagram could be built for a problem."""


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """A hint naming the known words closest to a misspelt one ("" when none is close).

    >>> did_you_mean("triangel", ["triangle", "segment", "free"])
    ' (did you mean `triangle`?)'
    >>> did_you_mean("xyz", ["triangle"])
    ''
    """
    close = difflib.get_close_matches(word, sorted(set(known)), n=3, cutoff=0.6)
    if not close:
        return ""
    return " (did you mean " + " or ".join(f"`{w}`" for w in close) + "?)"
