"""Canonical form of a problem: points renamed a, b, c, ... and independent clauses ordered.

Two problems that differ only by the names of their points, or by the order of
clauses that do not depend on each other (or of the two loci of one
intersection), get the same canonical form, so one key identifies them.

>>> from geometry.problem import parse_problem
>>> p = parse_problem("p", "x y z = triangle x y z; m = midpoint m y z; k = midpoint k x y ? para m k x z")
>>> q = parse_problem("q", "a b c = triangle a b c; d = midpoint d a b; e = midpoint e b c ? para a c e d")
>>> canonical(p).text == canonical(q).text
True
>>> canonical(q).text
'a b c = triangle a b c; d = midpoint d a b; e = midpoint e b c ? para a c d e'
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from geometry.names import point_name
from geometry.problem import Clause, Problem


#: Bound on the tie branches explored (identical clause shapes over the same named points).
_MAX_BRANCHES = 64


@dataclass(frozen=True)
class Canonical:
    """A problem in canonical form, the renaming that produced it and its dedup key."""

    problem: Problem
    mapping: dict[str, str]  # original name -> canonical name

    @property
    def text(self) -> str:
        return self.problem.to_text()

    @property
    def key(self) -> str:
        return hashlib.blake2b(self.text.encode(), digest_size=12).hexdigest()


def canonical(problem: Problem) -> Canonical:
    """Rename points in order of appearance after ordering independent clauses canonically.

    The setup is ordered first, then the auxiliary clauses (which may use setup points).
    """
    best: tuple[str, list[Clause], list[Clause], dict[str, str]] | None = None
    for setup, mapping in _orders(list(problem.clauses), {}, 0):
        for aux, full in _orders(list(problem.aux), mapping, len(mapping)):
            renamed = Problem(
                problem.name,
                tuple(c.rename(full) for c in setup),
                tuple(c.rename(full) for c in aux),
                tuple(g.rename(full).canonical() for g in problem.goals),
            )
            text = renamed.to_text()
            if best is None or text < best[0]:
                best = (text, setup, aux, full)
    assert best is not None
    _, setup, aux, full = best
    return Canonical(
        Problem(
            problem.name,
            tuple(_sorted_items(c.rename(full)) for c in setup),
            tuple(_sorted_items(c.rename(full)) for c in aux),
            tuple(g.rename(full).canonical() for g in problem.goals),
        ),
        full,
    )


def _sorted_items(clause: Clause) -> Clause:
    """The constructions of an intersection in a fixed order."""
    calls = tuple(sorted(clause.constructions, key=str))
    return Clause(clause.decls, calls, clause.requirements)


def clause_inputs(clause: Clause) -> set[str]:
    """The existing points a clause's constructions take as inputs."""
    out: set[str] = set()
    for call in clause.constructions:
        out.update(a for f, a in call.binding().items() if f in call.signature.inputs and isinstance(a, str))
    return out


def _shape(clause: Clause, mapping: dict[str, str]) -> str:
    """The clause written with known names and ``#k`` for its k-th new point."""
    local = {p: f"#{i}" for i, p in enumerate(clause.points)}
    calls = sorted(str(c.rename({**mapping, **local})) for c in clause.constructions)
    return " ".join(local[p] for p in clause.points) + " = " + ", ".join(calls)


def _orders(clauses: Sequence[Clause], mapping: dict[str, str], start: int):
    """Canonical orders of ``clauses`` (ties branched, bounded), with the renaming each gives."""
    results: list[tuple[list[Clause], dict[str, str]]] = []

    def walk(todo: list[Clause], done: list[Clause], names: dict[str, str]) -> None:
        if len(results) >= _MAX_BRANCHES:
            return
        if not todo:
            results.append((done, names))
            return
        ready = [c for c in todo if clause_inputs(c) <= names.keys()]
        if not ready:  # inputs from outside (should not happen): keep the written order
            ready = todo[:1]
        shapes = [(_shape(c, names), i) for i, c in enumerate(ready)]
        low = min(s for s, _ in shapes)
        for s, i in shapes:
            if s != low:
                continue
            clause = ready[i]
            new = dict(names)
            for p in clause.points:
                new[p] = point_name(start + len(new) - len(mapping))
            walk([c for c in todo if c is not clause], done + [clause], new)

    walk(list(clauses), [], dict(mapping))
    return results
