"""The text the language model reads and writes: one compact line per example.

A problem is written with its points renamed ``a, b, c, ...`` in order of
appearance (so the model sees one naming of each figure), the points of its
auxiliary clauses ``*1, *2, ...`` in order (so a new point's name never depends on
the size of the problem, and never collides with one of its points), the ``x =`` of
a clause left out when it only repeats the new points its constructions list, and
every separator as a word of its own::

    triangle a b c ; midpoint d b c ? cong a d b d | on_line *1 a d ; ... ! perp a d b c ; ...

Premises, then ``?`` and the goal, then ``|`` and the auxiliary clauses separated by
``;``, then optionally ``!`` and the proof (the statements it derives, in order),
each ``;``-separated. At inference the model is prompted with everything up to and
including ``|`` (or the last ``;`` of the auxiliary clauses added so far) and
writes one auxiliary clause, which :func:`decode_clause` turns back into the
problem's own point names.

This module knows the problem language (:mod:`geometry.problem`) and nothing of
the engine or of torch.

>>> from geometry.problem import parse_problem
>>> p = parse_problem("t", "x y z = triangle x y z; m = midpoint m y z ? cong x m y m")
>>> s = encode_problem(p)
>>> s.text
'triangle a b c ; midpoint d b c ? cong a d b d |'
>>> s.names  # canonical -> original
{'a': 'x', 'b': 'y', 'c': 'z', 'd': 'm'}
>>> decode_clause("on_line *1 a d", s, p).to_text()
'a = on_line a x m'
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from networkx.utils import UnionFind

from geometry.errors import ProblemError
from geometry.names import fresh_point_name, point_name
from geometry.predicates import Kind, Predicate
from geometry.problem import Clause, Problem, parse_problem

__all__ = [
    "AUX",
    "NEW",
    "END_AUX",
    "GOAL",
    "SEP",
    "Serialized",
    "MalformedClause",
    "canonical_names",
    "clause_key",
    "decode_clause",
    "encode_clause",
    "encode_continuation",
    "encode_example",
    "encode_problem",
    "parse_serialized",
]

#: separators, each a word of its own
SEP, GOAL, AUX, END_AUX, ITEM = ";", "?", "|", "!", ","
#: the prefix of the names of auxiliary points: ``*1`` is the first point the auxiliary clauses build
NEW = "*"
#: auxiliary point names the tokenizer knows (a search adds a few points; a clause builds at most four)
MAX_NEW_POINTS = 16

_NEW_NAME = re.compile(r"\*[1-9][0-9]*")


def new_point(i: int) -> str:
    """The name of the ``i``-th point (from 1) that the auxiliary clauses build.

    >>> new_point(1)
    '*1'
    """
    return f"{NEW}{i}"

_WORDS = re.compile(r"\s+")


class MalformedClause(ValueError):
    """Text the model wrote that is not one clause of the problem language over the problem's points."""


@dataclass(frozen=True)
class Serialized:
    """A problem in the model's words, and how its names map back."""

    text: str  # the prompt: premises ? goal | [aux ; ...]
    names: dict[str, str]  # canonical name -> the problem's own name

    @property
    def words(self) -> list[str]:
        return self.text.split()


def canonical_names(problem: Problem) -> dict[str, str]:
    """Original name -> canonical name: the setup's points ``a, b, c, ...`` in order of appearance,
    then the auxiliary clauses' points ``*1, *2, ...``."""
    mapping: dict[str, str] = {}
    for p in problem.points(with_aux=False):
        if p not in mapping:
            mapping[p] = point_name(len(mapping))
    n = len(mapping)
    for p in problem.points(with_aux=True):
        if p not in mapping:
            mapping[p] = new_point(len(mapping) - n + 1)
    return mapping


def encode_clause(clause: Clause, defined: Iterable[str]) -> str:
    """One clause (already in canonical names) in compact form.

    ``x = c1, c2`` is written ``c1 , c2`` when ``x`` (and any further new points) are exactly
    the not-yet-defined points the constructions list, in order, and the clause has no fixed
    coordinates or numeric requirements; otherwise in full.
    """
    items = [" ".join(str(c).split()) for c in clause.constructions]
    body = f" {ITEM} ".join(items)
    if clause.requirements or any(d.fixed is not None for d in clause.decls) or \
            _implied_points(clause, set(defined)) != clause.points:
        extra = "".join(f" {ITEM} {r}" for r in clause.requirements)
        return " ".join(str(d) for d in clause.decls) + " = " + body + extra
    return body


def _implied_points(clause: Clause, defined: set[str]) -> tuple[str, ...]:
    out: list[str] = []
    for call in clause.constructions:
        for a in call.args:
            if isinstance(a, str) and a not in defined and a not in out:
                out.append(a)
    return tuple(out)


def _encode_clauses(clauses: Sequence[Clause], defined: set[str]) -> list[str]:
    out = []
    for c in clauses:
        out.append(encode_clause(c, defined))
        defined.update(c.points)
    return out


def _parts(problem: Problem) -> tuple[dict[str, str], str, list[str]]:
    """(original -> canonical names, ``premises ? goal |``, compact aux clauses)."""
    if problem.goal is None:
        raise ValueError(f"problem {problem.name!r} has no goal")
    mapping = canonical_names(problem)
    renamed = problem.rename(mapping)
    defined: set[str] = set()
    setup = _encode_clauses(renamed.clauses, defined)
    aux = _encode_clauses(renamed.aux, defined)
    return mapping, f" {SEP} ".join(setup) + f" {GOAL} {renamed.goal} {AUX}", aux


def encode_problem(problem: Problem, with_aux: bool = True) -> Serialized:
    """The prompt for ``problem``: premises ``?`` goal ``|`` and its auxiliary clauses so far.

    With ``with_aux`` the problem's auxiliary clauses follow ``|`` (each closed by ``;``),
    so the model continues with the next one; the goal must be present.
    """
    mapping, text, aux = _parts(problem)
    if with_aux and aux:
        text += " " + " ".join(f"{c} {SEP}" for c in aux)
    return Serialized(text, {v: k for k, v in mapping.items()})


def encode_example(problem: Problem, proof: Sequence[Predicate] = (), with_proof: bool = True) -> str:
    """A whole training line: premises ? goal | aux ; aux [! proof ; proof].

    ``problem`` carries its auxiliary clauses in ``problem.aux``; ``proof`` lists the
    statements the proof derives (in the problem's own names), in order.

    >>> from geometry.problem import parse_problem
    >>> p = parse_problem("t", "a b c = triangle a b c | d = midpoint d b c ? cong a d b d")
    >>> encode_example(p, [Predicate.parse("perp a d b c".split())])
    'triangle a b c ? cong a *1 b *1 | midpoint *1 b c ! perp a *1 b c'
    """
    mapping, text, aux = _parts(problem)
    if aux:
        text += " " + f" {SEP} ".join(aux)
    if with_proof:
        text += f" {END_AUX}"
        if proof:
            text += " " + f" {SEP} ".join(str(p.rename(mapping)) for p in proof)
    return text


def _clause_text(words: Sequence[str], defined: set[str]) -> str:
    """A compact clause back in the problem language (``x = ...``)."""
    text = " ".join(words)
    if "=" in words:
        return text
    items = [part.split() for part in text.split(f" {ITEM} ")]
    new: list[str] = []
    for item in items:
        for a in item[1:]:
            if (_NEW_NAME.fullmatch(a) or re.fullmatch(r"[a-z][a-z0-9']*", a)) and a not in defined and a not in new:
                new.append(a)
    if not new:
        raise MalformedClause(f"clause {text!r} builds no new point")
    return " ".join(new) + " = " + ", ".join(" ".join(i) for i in items)


def parse_serialized(text: str, name: str = "example") -> tuple[Problem, list[Predicate]]:
    """The inverse of :func:`encode_example` (in canonical names): the problem and its proof.

    >>> p, proof = parse_serialized("triangle a b c ? cong a d b d | midpoint d b c ! perp a d b c")
    >>> p.to_text(), [str(x) for x in proof]
    ('a b c = triangle a b c | d = midpoint d b c ? cong a d b d', ['perp a d b c'])
    """
    words = text.split()
    if GOAL not in words or AUX not in words:
        raise MalformedClause(f"{text!r}: expected 'premises ? goal | ...'")
    g, a = words.index(GOAL), words.index(AUX)
    end = words.index(END_AUX) if END_AUX in words else len(words)
    defined: set[str] = set()
    clauses = []
    for part in (_split(words[:g]), _split(words[a + 1:end])):
        texts = []
        for item in part:
            t = _clause_text(item, defined)
            defined.update(d.split("@")[0] for d in t.split(" = ")[0].split())
            texts.append(t)
        clauses.append("; ".join(texts))
    line = clauses[0] + (f" | {clauses[1]}" if clauses[1] else "") + " ? " + " ".join(words[g + 1:a])
    problem = parse_problem(name, _plain_names(line, words[:g]))
    proof = [Predicate.parse(_plain_names(" ".join(item), words[:g]).split()) for item in _split(words[end + 1:])]
    return problem, proof


def _plain_names(text: str, setup: Iterable[str] | None = None) -> str:
    """``text`` with the auxiliary points ``*k`` named as the canonical points that follow the
    setup's (the canonical names among ``setup``'s words, by default ``text``'s own): ``*1``
    after ``a .. d`` is ``e``, so the text parses in the problem language.

    >>> _plain_names("a b c = triangle a b c | *1 = midpoint *1 b c ? cong a *1 b *1")
    'a b c = triangle a b c | d = midpoint d b c ? cong a d b d'
    """
    words = text.split()
    names = {w for w in (words if setup is None else setup) if re.fullmatch(r"[a-z][0-9]*", w)}
    n = 0
    while point_name(n) in names:
        n += 1
    return " ".join(point_name(n + int(w[1:]) - 1) if _NEW_NAME.fullmatch(w) else w for w in words)


def _split(words: Sequence[str]) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for w in words:
        if w == SEP:
            out.append([])
        else:
            out[-1].append(w)
    return [x for x in out if x]


def decode_clause(text: str, prompt: Serialized, problem: Problem) -> Clause:
    """One generated clause (canonical names) as a clause of ``problem`` in its own names.

    New points get names the problem does not use. Raises :class:`MalformedClause` when the
    text is not a clause that parses after ``problem``'s clauses.
    """
    words = text.split()
    while words and words[-1] in (SEP, END_AUX):
        words = words[:-1]
    if not words or any(w in (SEP, GOAL, AUX, END_AUX) for w in words):
        raise MalformedClause(f"{text!r} is not one clause")
    known = set(prompt.names)
    clause = _clause_text(words, known)
    new = clause.split(" = ")[0].split()
    used = set(problem.points(with_aux=True))
    mapping = dict(prompt.names)
    for n in new:
        if n in known:
            raise MalformedClause(f"{text!r} redefines point {n!r}")
        if not _NEW_NAME.fullmatch(n):
            raise MalformedClause(f"{text!r} builds {n!r}, not a new point ({NEW}1, {NEW}2, ...)")
        mapping[n] = fresh_point_name(used | set(mapping.values()))
    renamed = " ".join(mapping.get(w, w) for w in clause.split())
    try:
        return problem.with_aux_clause(renamed).aux[-1]
    except ProblemError as e:
        raise MalformedClause(str(e)) from None


def encode_continuation(clause: Clause | str, prompt: Serialized, problem: Problem) -> str:
    """One auxiliary clause of ``problem`` (a :class:`Clause` or its text, in the problem's own
    names) in the model's words, as it follows ``prompt`` (:func:`encode_problem` of ``problem``):
    the inverse of :func:`decode_clause`. Raises :class:`MalformedClause` when the text is not a
    clause over the problem's points.

    >>> from geometry.problem import parse_problem
    >>> p = parse_problem("t", "x y z = triangle x y z ? perp x y x z")
    >>> encode_continuation("m = midpoint m y z", encode_problem(p), p)
    'midpoint *1 b c'
    """
    if isinstance(clause, str):
        try:
            clause = problem.with_aux_clause(clause).aux[-1]
        except ProblemError as e:
            raise MalformedClause(str(e)) from None
    mapping = {orig: canon for canon, orig in prompt.names.items()}
    made = sum(_NEW_NAME.fullmatch(c) is not None for c in prompt.names)
    for p in clause.points:
        if p not in mapping:
            made += 1
            mapping[p] = new_point(made)
    return encode_clause(clause.rename(mapping), prompt.names)


def clause_key(clause: Clause, new_names: Mapping[str, str] | None = None) -> frozenset[str]:
    """What a clause asserts, up to argument symmetry: its premises in canonical form.

    The clause's new points are renamed (by default to ``#0``, ``#1``, ... in order), so
    two clauses that build their point under different names compare equal.

    >>> from geometry.problem import parse_problem
    >>> c1 = parse_problem("t", "a b c = triangle a b c | d = midpoint d b c").aux[0]
    >>> c2 = parse_problem("t", "a b c = triangle a b c | x = midpoint x c b").aux[0]
    >>> clause_key(c1) == clause_key(c2) == clause_key(c2, {"x": "#0"})
    True
    """
    mapping = dict(new_names) if new_names is not None else {p: f"#{i}" for i, p in enumerate(clause.points)}
    return _closed_key([p.rename(mapping).canonical() for p in clause.premises()])


def _closed_key(facts: Sequence[Predicate]) -> frozenset[str]:
    """Canonical premises as strings, with equal segments merged into classes.

    ``cong`` is transitive, so ``circle x a b c`` (``|xa| = |xb|, |xb| = |xc|``) and
    ``circle x b c a`` (``|xb| = |xc|, |xa| = |xc|``) assert the same thing in different
    pairs; written as one class of equal segments they give one key.

    >>> from geometry.problem import parse_problem
    >>> def key(t):
    ...     return clause_key(parse_problem("t", "a b c d = quadrangle a b c d | " + t).aux[0])
    >>> key("x = circle x a b c") == key("y = circle y c a b") != key("x = circle x a b d")
    True
    """
    equal = UnionFind()
    out: set[str] = set()
    for f in facts:
        if f.kind is Kind.CONG:
            a, b, c, d = (str(x) for x in f.args)
            equal.union(tuple(sorted((a, b))), tuple(sorted((c, d))))
        else:
            out.add(str(f))
    out.update("cong= " + " , ".join(sorted(" ".join(s) for s in segs)) for segs in equal.to_sets())
    return frozenset(out)
