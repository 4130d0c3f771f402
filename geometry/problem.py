"""Problems as values, and the parser/printer of the problem language.

>>> p = parse_problem("ex", "a b c = triangle a b c; h = orthocenter h a b c ? perp a h b c")
>>> [c.points for c in p.clauses]
[('a', 'b', 'c'), ('h',)]
>>> str(p.goals[0])
'perp a h b c'
>>> p.to_text()
'a b c = triangle a b c; h = orthocenter h a b c ? perp a h b c'
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Mapping, Sequence, Union

from .constructions import CATALOGUE, Construction, Signature, instantiate
from .errors import ParseError, did_you_mean
from .literals import Literal, is_literal_token
from .predicates import NUMERIC_ONLY, Predicate, degeneracy, kind_of

Arg = Union[str, Literal]
#: A point name: a letter, then letters, digits or ``_``, then primes (``b'``, ``o1``, ``p2'``, Newclid's habit).
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*'*$")
#: The literal slot of each construction that has one holds a ratio, unless listed here.
_LITERAL_ROLE = {"s_angle": "angle", "aconst": "angle", "lconst": "length", "l2const": "length"}
_FIXED = re.compile(r"^(-?\d+(?:\.\d+)?)_(-?\d+(?:\.\d+)?)$")


@dataclass(frozen=True)
class PointDecl:
    """A new point on the left of ``=``, optionally with fixed coordinates (``x@1.5_-2``)."""

    name: str
    fixed: tuple[str, str] | None = None  # the coordinates as written

    @property
    def position(self) -> complex | None:
        if self.fixed is None:
            return None
        return complex(float(self.fixed[0]), float(self.fixed[1]))

    def __str__(self) -> str:
        return self.name if self.fixed is None else f"{self.name}@{self.fixed[0]}_{self.fixed[1]}"


@dataclass(frozen=True)
class ConstructionCall:
    """One construction applied to arguments, as written (shorthand expanded)."""

    name: str
    args: tuple[Arg, ...]
    signature: Signature  # the dialect's signature the arguments follow

    @property
    def definition(self) -> Construction:
        return CATALOGUE[self.name]

    def binding(self) -> dict[str, Arg]:
        """Formal parameter -> actual argument."""
        return dict(zip(self.signature.params, self.args))

    def premises(self) -> tuple[Predicate, ...]:
        b = self.binding()
        return tuple(instantiate(t, b) for t in self.definition.premises)

    def preconditions(self) -> tuple[Predicate, ...]:
        b = self.binding()
        return tuple(instantiate(t, b) for t in self.definition.preconditions)

    def rename(self, mapping: Mapping[str, str]) -> "ConstructionCall":
        args = tuple(mapping.get(a, a) if isinstance(a, str) else a for a in self.args)
        return replace(self, args=args)

    def __str__(self) -> str:
        return " ".join([self.name, *(str(a) for a in self.args)])


@dataclass(frozen=True)
class Clause:
    """``points = construction, construction`` plus numeric requirements (Newclid)."""

    decls: tuple[PointDecl, ...]
    constructions: tuple[ConstructionCall, ...]
    requirements: tuple[Predicate, ...] = ()

    @property
    def points(self) -> tuple[str, ...]:
        return tuple(d.name for d in self.decls)

    def premises(self) -> tuple[Predicate, ...]:
        return tuple(p for c in self.constructions for p in c.premises())

    def rename(self, mapping: Mapping[str, str]) -> "Clause":
        return Clause(
            tuple(replace(d, name=mapping.get(d.name, d.name)) for d in self.decls),
            tuple(c.rename(mapping) for c in self.constructions),
            tuple(r.rename(mapping) for r in self.requirements),
        )

    def to_text(self) -> str:
        items = [str(c) for c in self.constructions] + [str(r) for r in self.requirements]
        return " ".join(str(d) for d in self.decls) + " = " + ", ".join(items)


@dataclass(frozen=True)
class Problem:
    """A named problem: setup clauses, optional auxiliary clauses, goals."""

    name: str
    clauses: tuple[Clause, ...]
    aux: tuple[Clause, ...] = ()
    goals: tuple[Predicate, ...] = ()

    @property
    def goal(self) -> Predicate | None:
        return self.goals[0] if self.goals else None

    def all_clauses(self, with_aux: bool = True) -> tuple[Clause, ...]:
        return self.clauses + self.aux if with_aux else self.clauses

    def points(self, with_aux: bool = True) -> tuple[str, ...]:
        return tuple(p for c in self.all_clauses(with_aux) for p in c.points)

    def premises(self, with_aux: bool = True) -> tuple[Predicate, ...]:
        return tuple(p for c in self.all_clauses(with_aux) for p in c.premises())

    def rename(self, mapping: Mapping[str, str]) -> "Problem":
        return Problem(
            self.name,
            tuple(c.rename(mapping) for c in self.clauses),
            tuple(c.rename(mapping) for c in self.aux),
            tuple(g.rename(mapping) for g in self.goals),
        )

    def to_text(self) -> str:
        text = "; ".join(c.to_text() for c in self.clauses)
        if self.aux:
            text += " | " + "; ".join(c.to_text() for c in self.aux)
        if self.goals:
            text += " ? " + "; ".join(str(g) for g in self.goals)
        return text

    def with_aux_clause(self, clause: str) -> "Problem":
        """This problem with ``clause`` (one clause's text, in the problem's point names)
        appended as its last auxiliary clause.

        Raises :class:`ParseError` naming the clause (numbered after the problem's) when the
        text is not one clause over the problem's points.

        >>> p = parse_problem("t", "a b c = triangle a b c ? cong a b a c")
        >>> p.with_aux_clause("m = midpoint m b c").to_text()
        'a b c = triangle a b c | m = midpoint m b c ? cong a b a c'
        >>> p.with_aux_clause("m = midpoint m b d")
        Traceback (most recent call last):
        geometry.errors.ParseError: t: clause 2: point 'd' is not defined (at 'd')
        """
        number = len(self.clauses) + len(self.aux) + 1
        for sep in ";|?":
            if sep in clause:
                raise ParseError("an auxiliary clause is one clause", problem=self.name, clause=number, token=sep)
        try:
            added = _parse_clause(clause, set(self.points()))
        except ParseError as e:
            raise ParseError(e.message, problem=self.name, clause=number, token=e.token) from None
        return replace(self, aux=self.aux + (added,))


# ---------------------------------------------------------------------- parsing
def parse_problem(name: str, text: str) -> Problem:
    """Parse one problem line; raises :class:`ParseError` naming clause and token."""
    text = text.strip()
    if not text:
        raise ParseError("empty problem", problem=name)
    body, _, goal_text = _split_once(text, "?", name)
    setup_text, _, aux_text = _split_once(body, "|", name)
    defined: set[str] = set()
    clauses: list[Clause] = []
    number = 0
    for part_text, sink in ((setup_text, clauses), (aux_text, None)):
        if sink is None:
            aux: list[Clause] = []
            sink = aux
        if not part_text.strip():
            if part_text is setup_text:
                raise ParseError("no clauses before the goal", problem=name)
            continue
        for clause_text in part_text.split(";"):
            number += 1
            try:
                sink.append(_parse_clause(clause_text, defined))
            except ParseError as e:
                raise ParseError(e.message, problem=name, clause=number, token=e.token) from None
    goals = []
    if goal_text.strip():
        for g in goal_text.split(";"):
            try:
                goals.append(_parse_goal(g, defined))
            except ParseError as e:
                raise ParseError("goal: " + e.message, problem=name, token=e.token) from None
    elif "?" in text:
        raise ParseError("empty goal after '?'", problem=name)
    return Problem(name, tuple(clauses), tuple(aux), tuple(goals))


def _split_once(text: str, sep: str, name: str) -> tuple[str, str, str]:
    """Split on the first ``sep`` token (with or without surrounding blanks)."""
    if text.count(sep) > 1:
        raise ParseError(f"more than one {sep!r} section", problem=name, token=sep)
    left, found, right = text.partition(sep)
    return left, found, right


def _parse_goal(text: str, defined: set[str]) -> Predicate:
    tokens = text.split()
    if not tokens:
        raise ParseError("empty goal")
    try:
        pred = Predicate.parse(tokens)
    except ValueError as e:
        raise ParseError(str(e), token=tokens[0]) from None
    for p in pred.points:
        if p not in defined:
            raise ParseError(f"point {p!r} is not defined", token=p)
    why = degeneracy(pred)
    if why:
        raise ParseError(f"degenerate: {why}", token=str(pred))
    return pred


def _parse_decl(token: str) -> PointDecl:
    name, at, coords = token.partition("@")
    if not _NAME.match(name):
        raise ParseError("bad point name", token=token)
    if not at:
        return PointDecl(name)
    m = _FIXED.match(coords)
    if not m:
        raise ParseError("malformed fixed coordinates, expected name@x_y", token=token)
    return PointDecl(name, (m.group(1), m.group(2)))


def _parse_clause(text: str, defined: set[str]) -> Clause:
    left, eq, right = text.partition("=")
    if not eq:
        left, eq, right = text.partition(":")
    if not eq:
        raise ParseError("clause has no '='", token=text.strip() or ";")
    decls = tuple(_parse_decl(t) for t in left.split())
    if not decls:
        raise ParseError("no new point before '='", token=text.strip())
    new = [d.name for d in decls]
    for i, n in enumerate(new):
        if n in defined:
            raise ParseError(f"point {n!r} is already defined", token=n)
        if n in new[:i]:
            raise ParseError(f"point {n!r} is declared twice", token=n)
    calls: list[ConstructionCall] = []
    reqs: list[Predicate] = []
    for item in right.split(","):
        tokens = item.split()
        if not tokens:
            raise ParseError("empty construction", token=text.strip())
        kind = kind_of(tokens[0])
        if tokens[0] not in CATALOGUE and kind in NUMERIC_ONLY:
            reqs.append(_parse_requirement(tokens, defined | set(new)))
        else:
            calls.append(_parse_call(tokens, new, defined))
    if not calls:
        raise ParseError("clause has no construction", token=text.strip())
    _check_intersection(calls)
    covered = {a for c in calls for a, f in zip(c.args, c.signature.params) if f in c.signature.outputs}
    for n in new:
        if n not in covered:
            raise ParseError(f"new point {n!r} is not constructed", token=n)
    defined.update(new)
    return Clause(decls, tuple(calls), tuple(reqs))


def _parse_requirement(tokens: list[str], known: set[str]) -> Predicate:
    try:
        pred = Predicate.parse(tokens)
    except ValueError as e:
        raise ParseError(str(e), token=tokens[0]) from None
    for p in pred.points:
        if p not in known:
            raise ParseError(f"point {p!r} is not defined", token=p)
    return pred


def _check_intersection(calls: Sequence[ConstructionCall]) -> None:
    if len(calls) == 1:
        return
    if len(calls) > 2:
        raise ParseError("at most two constructions can be intersected", token=calls[2].name)
    for c in calls:
        if not c.definition.kind.intersectable:
            raise ParseError(
                f"{c.name} does not give a line or circle, so it cannot be intersected", token=c.name
            )
        if len(c.signature.outputs) != 1:
            raise ParseError(f"{c.name} cannot be intersected", token=c.name)
    a0 = calls[0].binding()[calls[0].signature.outputs[0]]
    a1 = calls[1].binding()[calls[1].signature.outputs[0]]
    if a0 != a1:
        raise ParseError("intersected constructions must define the same point", token=str(a1))


def _parse_call(tokens: list[str], new: list[str], defined: set[str]) -> ConstructionCall:
    name, *args = tokens
    cons = CATALOGUE.get(name)
    if cons is None:
        # a clause item is a construction or a requirement checked on the figure (ncoll, diff, ...)
        known = [*CATALOGUE, *(k.value for k in NUMERIC_ONLY)]
        raise ParseError("unknown construction" + did_you_mean(name, known), token=name)
    # Shorthand (AG): new points omitted at the front of the argument list.
    nparams = len(cons.signature.params)
    if len(args) < nparams and nparams - len(args) == len(new):
        args = new + args
    if len(args) != nparams:
        raise ParseError(f"{name} takes {nparams} arguments, got {len(args)}", token=name)
    errors: list[ParseError] = []
    for sig in cons.signatures:
        try:
            return ConstructionCall(name, _bind(sig, args, new, defined, name), sig)
        except ParseError as e:
            errors.append(e)
    raise errors[0]


def _bind(sig: Signature, args: list[str], new: list[str], defined: set[str], name: str) -> tuple[Arg, ...]:
    out: list[Arg] = []
    for formal, tok in zip(sig.params, args):
        if formal in sig.literals:
            if not is_literal_token(tok):
                raise ParseError(f"{name}: expected a constant", token=tok)
            try:
                lit = Literal(tok)
                lit.check(_LITERAL_ROLE.get(name, "ratio"))
            except ValueError as e:
                raise ParseError(f"{name}: {e}", token=tok) from None
            out.append(lit)
            continue
        if is_literal_token(tok) or not _NAME.match(tok):
            raise ParseError(f"{name}: expected a point name", token=tok)
        if formal in sig.outputs:
            if tok not in new:
                raise ParseError(f"{name}: {tok!r} must be a new point of this clause", token=tok)
        elif tok not in defined:
            if tok in new:
                raise ParseError(f"{name}: new point {tok!r} used as an input", token=tok)
            raise ParseError(f"point {tok!r} is not defined", token=tok)
        out.append(tok)
    outs = [a for f, a in zip(sig.params, out) if f in sig.outputs]
    if len(set(outs)) != len(outs):
        raise ParseError(f"{name}: the same new point fills two output slots", token=name)
    ins = [a for f, a in zip(sig.params, out) if f in sig.inputs]
    del ins  # inputs may repeat (e.g. on_tline x a a b)
    return tuple(out)


# ---------------------------------------------------------------------- files
@dataclass(frozen=True)
class ProblemFile:
    path: str
    problems: tuple[Problem, ...] = field(default_factory=tuple)

    def get(self, name: str) -> Problem:
        for p in self.problems:
            if p.name == name:
                return p
        raise KeyError(name)


def split_problem_text(text: str, source: str = "<text>") -> list[tuple[str, str]]:
    """Pair up name lines and problem lines; comments and blank lines are skipped."""
    lines = [ln.strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    if len(lines) % 2:
        raise ParseError(
            f"{source}: odd number of lines ({len(lines)}): every problem needs a name line "
            "and a problem line",
            token=lines[-1][:60],
        )
    pairs = [(lines[i], lines[i + 1]) for i in range(0, len(lines), 2)]
    seen: set[str] = set()
    for name, _ in pairs:
        if name in seen:
            raise ParseError(f"{source}: duplicate problem name", token=name)
        seen.add(name)
    return pairs


def read_problems(path: str | Path) -> list[Problem]:
    """Read and parse every problem of a file (raises on the first bad one)."""
    text = Path(path).read_text(encoding="utf-8")
    return [parse_problem(n, t) for n, t in split_problem_text(text, str(path))]


def iter_problem_lines(path: str | Path) -> Iterable[tuple[str, str]]:
    return split_problem_text(Path(path).read_text(encoding="utf-8"), str(path))
