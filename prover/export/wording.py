"""Geometry in words: point labels, predicates, constructions and rule names.

Everything a proof document says is produced here, as plain Unicode text that
every format (text, Markdown, HTML, JSON) can carry. Point ``a`` is written
``A``, ``a1`` is ``A₁``; statements read as a geometer writes them:

>>> from geometry.predicates import Predicate
>>> L = Labels("abcdm")
>>> say(Predicate.parse("para a b c d".split()), L)
'AB ∥ CD'
>>> say(Predicate.parse("cyclic a b c d".split()), L)
'A, B, C, D lie on one circle'
>>> say(Predicate.parse("midp m a b".split()), L)
'M is the midpoint of AB'

Angles are directed angles between lines, modulo 180°: ``eqangle a b c d e f g h``
says ∠(AB, CD) = ∠(EF, GH). When the two lines of an angle share a named point the
angle is written ∠XVY (the angle that turns line VX onto line VY), and of the eight
equivalent ways to write an equality of angles the one with the most such angles is
chosen:

>>> say(Predicate.parse("eqangle a b a c d a d c".split()), L)
'∠BAC = ∠ADC'
>>> say(Predicate.parse("eqangle a d a d a c d m".split()), L)  # ∠(AD, AD) = 0
'AC ∥ DM'
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction

from ddar.equations import Table
from geometry.literals import Literal
from geometry.predicates import _EQ4, NUMERIC_ONLY, Kind, Predicate, equation_terms
from geometry.problem import Clause, ConstructionCall

#: The reading convention every document states once.
ANGLE_CONVENTION = (
    "Angles are directed angles between lines, modulo 180°: "
    "∠XVY is the angle from line VX to line VY, ∠(AB, CD) the angle from line AB to line CD."
)

_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _label(name: str) -> str:
    base = name.rstrip("'")
    primes = "\u2032" * (len(name) - len(base))  # b' -> B′
    m = re.fullmatch(r"([A-Za-z])(\d*)", base)
    if m:
        return m.group(1).upper() + m.group(2).translate(_SUBSCRIPT) + primes
    # a multi-letter name keeps its tail in lower case, so that juxtaposed
    # labels (AB, ∠ABC) still split where each label's capital starts
    return base[0].upper() + base[1:].lower() + primes


class Labels:
    """How point names are written: ``a`` -> ``A``, ``a1`` -> ``A₁``, ``i_b`` -> ``I_b``.

    Falls back to the names as they are when two of them would get the same label.
    """

    def __init__(self, names: Iterable[str]) -> None:
        names = list(dict.fromkeys(names))
        labels = {n: _label(n) for n in names}
        if len(set(labels.values())) < len(labels):
            labels = {n: n for n in names}
        self._labels = labels

    def __call__(self, name: str) -> str:
        return self._labels.get(name) or _label(name)

    def join(self, *names: str) -> str:
        """Juxtaposed labels: a segment ``AB``, a triangle ``ABC``."""
        return "".join(self(n) for n in names)

    def listing(self, names: Iterable[str]) -> str:
        """``A, B, C``."""
        return ", ".join(self(n) for n in names)

    def mapping(self) -> dict[str, str]:
        return dict(self._labels)


# ---------------------------------------------------------------------- numbers
def degrees(angle: Fraction) -> str:
    """An angle given in units of 180° as degrees: ``Fraction(1, 2)`` -> ``90°``."""
    d = angle * 180
    if d.denominator == 1:
        text = str(d.numerator)
    else:
        text = f"{float(d):.6g}"
        text = text if Fraction(text) == d else f"{d.numerator}/{d.denominator}"
    return text.replace("-", "−") + "°"


def number(x: Fraction) -> str:
    return str(x.numerator) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


# ---------------------------------------------------------------------- normal forms
def _same_line(p: Sequence[str], q: Sequence[str]) -> bool:
    return set(p) == set(q)


def _eq4_forms(args: Sequence[str]) -> list[list[tuple[str, str]]]:
    """The eight equivalent orders of the four pairs of an eqangle / eqratio."""
    pairs = [(args[i], args[i + 1]) for i in range(0, 8, 2)]
    forms = [[pairs[i] for i in perm] for perm in _EQ4]
    identity = [pairs[i] for i in range(4)]
    forms.remove(identity)
    return [identity] + forms  # the form as given first: ties keep it


def restate(p: Predicate) -> Predicate:
    """``p`` said more simply when it is degenerate; otherwise ``p`` itself.

    ∠(l, l) = ∠(m, n) says m ∥ n; AB/AB = EF/GH says EF = GH.

    >>> str(restate(Predicate.parse("eqangle a d a d a e d f".split())))
    'para a e d f'
    >>> str(restate(Predicate.parse("eqratio a b c d a b c d".split())))
    'eqratio a b c d a b c d'
    """
    if p.kind in (Kind.EQANGLE, Kind.EQANGLE6, Kind.EQRATIO, Kind.EQRATIO6) and len(p.args) == 8:
        angle = p.kind in (Kind.EQANGLE, Kind.EQANGLE6)
        for form in _eq4_forms(p.args):  # type: ignore[arg-type]
            if _same_line(form[0], form[1]) and not _same_line(form[2], form[3]):
                return Predicate(Kind.PARA if angle else Kind.CONG, form[2] + form[3])
    return p


# ---------------------------------------------------------------------- predicates
def _seg(L: Labels, s: Sequence[str]) -> str:
    return L.join(*s)


def _shared_first(s: tuple[str, str], t: tuple[str, str]) -> tuple[tuple[str, str], tuple[str, str]]:
    """Two segments, a common endpoint written first in both (``OA = OB``)."""
    common = set(s) & set(t)
    if len(common) == 1 and s != t:
        (v,) = common
        s = (v, s[0] if s[1] == v else s[1])
        t = (v, t[0] if t[1] == v else t[1])
    return s, t


def angle_text(l1: Sequence[str], l2: Sequence[str], L: Labels) -> str:
    """The directed angle from line ``l1`` to line ``l2``: ``∠XVY`` or ``∠(AB, CD)``."""
    common = set(l1) & set(l2)
    if len(common) == 1 and len(set(l1)) == 2 and len(set(l2)) == 2:
        (v,) = common
        x = l1[0] if l1[1] == v else l1[1]
        y = l2[0] if l2[1] == v else l2[1]
        return f"∠{L.join(x, v, y)}"
    return f"∠({_seg(L, l1)}, {_seg(L, l2)})"


def _is_vertex_angle(l1: Sequence[str], l2: Sequence[str]) -> bool:
    return len(set(l1) & set(l2)) == 1 and len(set(l1)) == 2 and len(set(l2)) == 2


def best_angle_form(args: Sequence[str]) -> list[tuple[str, str]]:
    """Of the eight ways to write ∠(l1, l2) = ∠(l3, l4), the one with most ∠XVY angles."""
    forms = _eq4_forms(args)
    return max(forms, key=lambda f: _is_vertex_angle(f[0], f[1]) + _is_vertex_angle(f[2], f[3]))


def _eqangle(p: Predicate, L: Labels) -> str:
    f = best_angle_form(p.args)  # type: ignore[arg-type]
    return f"{angle_text(f[0], f[1], L)} = {angle_text(f[2], f[3], L)}"


def _eqratio(p: Predicate, L: Labels) -> str:
    f = _eq4_forms(p.args)[0]  # type: ignore[arg-type]
    return f"{_seg(L, f[0])}/{_seg(L, f[1])} = {_seg(L, f[2])}/{_seg(L, f[3])}"


def _signed_sum(parts: list[tuple[Fraction, str]]) -> str:
    text = ""
    for i, (c, t) in enumerate(parts):
        sign = "−" if c < 0 else "+"
        mag = abs(c)
        body = t if mag == 1 else f"{number(mag)}·{t}"
        text += (("−" + body) if c < 0 else body) if i == 0 else f" {sign} {body}"
    return text or "0"


def _aequation(p: Predicate, L: Labels) -> str:
    parts = []
    for coef, pts in equation_terms(p.args):
        if len(pts) == 4:
            parts.append((coef, angle_text(pts[0:2], pts[2:4], L)))
    return f"{_signed_sum(parts)} = {degrees(p.args[-1].angle)}"  # type: ignore[union-attr]


def _lequation(p: Predicate, L: Labels) -> str:
    parts = []
    for coef, pts in equation_terms(p.args):
        segs = [_seg(L, pts[i : i + 2]) for i in range(0, len(pts) - 1, 2)]
        parts.append((coef, "·".join(segs) or "1"))
    const = p.args[-1].ratio  # type: ignore[union-attr]
    if len(parts) == 2 and const == 0 and parts[0][0] * parts[1][0] < 0:
        # two products of opposite signs (Menelaus, Ceva): say they are equal
        (c1, t1), (c2, t2) = parts
        return f"{_signed_sum([(abs(c1), t1)])} = {_signed_sum([(abs(c2), t2)])}"
    return f"{_signed_sum(parts)} = {number(const)}"


def say(p: Predicate, L: Labels) -> str:
    """The predicate as a geometer writes it (degenerate forms restated)."""
    p = restate(p)
    return SAY[p.kind](p, L)


def _points_that(what: str) -> Callable[[Predicate, Labels], str]:
    """``A, B and C <what>`` (each point once)."""
    return lambda p, L: f"{L.listing(dict.fromkeys(p.points))} {what}"


#: The relation of two lines or segments, as written between them.
_RELATION = {Kind.PARA: "∥", Kind.PERP: "⊥", Kind.CONG: "=", Kind.NPARA: "∦", Kind.NPERP: "is not perpendicular to"}


def _two_lines(p: Predicate, L: Labels) -> str:
    a = p.args
    s, t = _shared_first((a[0], a[1]), (a[2], a[3]))  # type: ignore[arg-type]
    return f"{_seg(L, s)} {_RELATION[p.kind]} {_seg(L, t)}"


def _triangles(p: Predicate, L: Labels) -> str:
    k, pts = p.kind, p.points
    what = "similar" if k in (Kind.SIMTRI, Kind.SIMTRI2) else "congruent"
    mirror = " (with opposite orientation)" if k in (Kind.SIMTRI2, Kind.CONTRI2) else ""
    return f"triangles {L.join(*pts[:3])} and {L.join(*pts[3:])} are {what}{mirror}"


def _eqratio3(p: Predicate, L: Labels) -> str:
    a = p.args
    return f"{L.join(a[0], a[2])}/{L.join(a[1], a[3])} = {L.join(a[4], a[0])}/{L.join(a[5], a[1])}"  # type: ignore[arg-type]


def _s_angle(p: Predicate, L: Labels) -> str:
    pts = p.points
    what = "line" if p.literals[0].newclid_angle else "ray"  # Newclid's spelling (30o): lines
    return (f"the angle from {what} {L.join(pts[1], pts[0])} to {what} {L.join(pts[1], pts[2])} is "
            f"{degrees(p.literals[0].angle)}")


def _sameside(p: Predicate, L: Labels) -> str:
    pts = p.points
    same = "" if p.kind is Kind.SAMESIDE else "not "
    return (
        f"{L(pts[0])} is {same}between {L(pts[1])} and {L(pts[2])} exactly when "
        f"{L(pts[3])} is between {L(pts[4])} and {L(pts[5])}"
    )


def _lines(p: Predicate) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The first two pairs of points: two lines (or segments)."""
    return p.points[0:2], p.points[2:4]


#: How each kind of predicate is said (after :func:`restate`).
SAY: dict[Kind, Callable[[Predicate, Labels], str]] = {
    Kind.COLL: _points_that("are collinear"),
    Kind.NCOLL: _points_that("are not collinear"),
    Kind.CYCLIC: _points_that("lie on one circle"),
    **dict.fromkeys((Kind.PARA, Kind.PERP, Kind.CONG, Kind.NPARA, Kind.NPERP), _two_lines),
    Kind.MIDP: lambda p, L: f"{L(p.args[0])} is the midpoint of {L.join(p.args[1], p.args[2])}",  # type: ignore[arg-type]
    Kind.CIRCLE: lambda p, L: f"{L(p.args[0])} is the centre of the circle through {L.listing(p.args[1:])}",  # type: ignore[arg-type]
    Kind.EQANGLE: _eqangle,
    Kind.EQANGLE6: _eqangle,
    Kind.EQRATIO: _eqratio,
    Kind.EQRATIO6: _eqratio,
    Kind.EQRATIO3: _eqratio3,
    **dict.fromkeys((Kind.SIMTRI, Kind.SIMTRI2, Kind.CONTRI, Kind.CONTRI2), _triangles),
    Kind.ACONST: lambda p, L: f"{angle_text(*_lines(p), L)} = {degrees(p.literals[0].angle)}",
    Kind.S_ANGLE: _s_angle,
    Kind.RCONST: lambda p, L: f"{_seg(L, p.points[0:2])}/{_seg(L, p.points[2:4])} = {number(p.literals[0].ratio)}",
    Kind.R2CONST: lambda p, L: f"{_seg(L, p.points[0:2])}²/{_seg(L, p.points[2:4])}² = {number(p.literals[0].ratio)}",
    Kind.LCONST: lambda p, L: f"{_seg(L, p.points[0:2])} = {number(p.literals[0].ratio)}",
    Kind.L2CONST: lambda p, L: f"{_seg(L, p.points[0:2])}² = {number(p.literals[0].ratio)}",
    Kind.ACOMPUTE: lambda p, L: f"the value of {angle_text(*_lines(p), L)}",
    Kind.RCOMPUTE: lambda p, L: f"the value of {_seg(L, p.points[0:2])}/{_seg(L, p.points[2:4])}",
    Kind.LCOMPUTE: lambda p, L: f"the length {_seg(L, p.points[0:2])}",
    Kind.AEQUATION: _aequation,
    Kind.LEQUATION: _lequation,
    Kind.DIFF: lambda p, L: " ≠ ".join(L(x) for x in p.points),
    Kind.OBTUSE_ANGLE: lambda p, L: f"the angle {L.join(*p.points)} is obtuse",
    **dict.fromkeys((Kind.SAMESIDE, Kind.NSAMESIDE), _sameside),
    Kind.SAMECLOCK: lambda p, L: f"triangles {L.join(*p.points[:3])} and {L.join(*p.points[3:])} have the same orientation",
}


def goal_sentence(goals: Sequence[Predicate], L: Labels) -> str:
    """``Prove that CH ⊥ AB.`` (or ``Find …`` for the *compute goals)."""
    if goals and all(g.kind in (Kind.ACOMPUTE, Kind.RCOMPUTE, Kind.LCOMPUTE) for g in goals):
        return "Find " + " and ".join(say(g, L) for g in goals) + "."
    return "Prove that " + " and ".join(say(g, L) for g in goals) + "."


# ---------------------------------------------------------------------- constructions
_LINE_LOCUS = re.compile(r"^line (\S+)$")


class _Constant:
    """A literal argument in a wording template: ``{y:angle}`` in degrees, ``{r}`` as a number."""

    def __init__(self, literal: Literal) -> None:
        self.literal = literal

    def __format__(self, spec: str) -> str:
        try:
            return degrees(self.literal.angle) if spec == "angle" else number(self.literal.ratio)
        except ValueError:
            return str(self.literal)


def _fill(template: str, call: ConstructionCall, L: Labels) -> str:
    """A catalogue wording template with the call's labels (and constants) put in."""
    values: dict[str, object] = {}
    for formal, arg in call.binding().items():
        values[formal] = _Constant(arg) if isinstance(arg, Literal) else L(arg)
    return template.format(**values)


#: ``s_angle`` with Newclid's spelling of its angle (``30o``): a line, not a ray.
_S_ANGLE_LINE = "the line through {b} that is line {b}{a} turned anticlockwise through {y:angle}"


def _locus(call: ConstructionCall, L: Labels) -> str | None:
    """The noun phrase of the line or circle a locus construction puts its point on."""
    y = call.binding().get("y")
    if call.name == "s_angle" and isinstance(y, Literal) and y.newclid_angle:
        return _fill(_S_ANGLE_LINE, call, L)
    locus = call.definition.locus
    return _fill(locus, call, L) if locus else None


def points_phrase(names: Sequence[str], L: Labels) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    labels = [L(n) for n in names]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def _conditions(calls: Iterable[ConstructionCall], L: Labels) -> str:
    preds = [p for c in calls for p in c.premises() if p.kind not in NUMERIC_ONLY]
    return " and ".join(say(p, L) for p in preds)


def clause_sentence(clause: Clause, L: Labels, points: Mapping[str, complex] | None = None) -> str:
    """One clause of a problem as a sentence: ``Let D be the foot of the perpendicular from A to BC.``

    ``points`` (the diagram) lets an intersection with a circle say which one it is.
    """
    calls = clause.constructions
    new = clause.points
    if len(calls) == 1:
        call = calls[0]
        if call.definition.says:
            return _fill(call.definition.says, call, L)
        noun = _locus(call, L)
        if noun and len(new) == 1:
            return f"Let {L(new[0])} be a point on {noun}."
        return _fallback(clause, L)
    nouns = [_locus(c, L) for c in calls]
    x = points_phrase(new, L)
    if all(nouns) and len(new) == 1:
        m = [_LINE_LOCUS.match(n) for n in nouns]  # type: ignore[arg-type]
        if all(m):
            return f"Let {x} be the intersection of lines {m[0].group(1)} and {m[1].group(1)}."  # type: ignore[union-attr]
        both = f"{nouns[0]} and {nouns[1]}"
        if any(c.definition.kind.value == "C" for c in calls):
            other = _other_common_point(clause, points)
            if other is not None:
                return f"Let {x} be the second intersection of {both} (besides {L(other)})."
            return f"Let {x} be an intersection of {both}."
        return f"Let {x} be the intersection of {both}."
    if any(nouns) and len(new) == 1:
        i = 0 if nouns[0] else 1
        rest = _conditions([calls[1 - i]], L)
        return f"Let {x} be the point on {nouns[i]} such that {rest}."
    return _fallback(clause, L)


def _other_common_point(clause: Clause, points: Mapping[str, complex] | None) -> str | None:
    """An earlier point that lies on both loci of a two-locus clause (so the new point is the other one)."""
    if points is None:
        return None
    (x,) = clause.points
    for name in points:
        if name == x:
            break
        moved = {**points, x: points[name]}
        if all(p.holds(moved) for c in clause.constructions for p in c.premises() if p.kind not in NUMERIC_ONLY):
            return name
    return None


def _fallback(clause: Clause, L: Labels) -> str:
    """``Let X be the point such that …``: the clause's premises in words."""
    new = clause.points
    x = points_phrase(new, L)
    cond = _conditions(clause.constructions, L)
    one = len(new) == 1
    if not cond:
        return f"Let {x} be {'a point' if one else 'points'}."
    # a determined construction, or two loci cut, fix the point(s); one locus leaves a choice
    fixed = len(clause.constructions) > 1 or all(c.definition.kind.value in ("P", "M") for c in clause.constructions)
    article = ("the " if fixed else "a ") if one else ("the " if fixed else "")
    return f"Let {x} be {article}{'point' if one else 'points'} such that {cond}."


# ---------------------------------------------------------------------- reasons
#: How a step of each AR table is named in a proof: the one wording, used by every export
#: format and by the plain numbered lines of :func:`prover.prove.format_text`.
CHASING: dict[Table, str] = {
    Table.ANGLE: "angle chasing",
    Table.RATIO: "ratio chasing",
    Table.LENGTH: "length chasing",
    Table.SQUARE: "computing with squared lengths (Pythagoras, perpendicularity, median lengths)",
    Table.ANGLE2: "angle chasing on doubled angles (the figure settles the case)",
    Table.ANGLE3: "angle chasing on tripled angles (the figure settles the case)",
}


def ar_reason(table: str | None) -> str:
    """The name of a step of AR ``table`` (a :class:`Table`, or its name read back from JSON)."""
    return CHASING.get(table or "", f"{table} chasing")  # type: ignore[call-overload]


def is_trivial(p: Predicate) -> bool:
    """A statement true of any points: ``AB = AB``, ∠(AB, CD) = ∠(AB, CD), A, A, B collinear.

    >>> is_trivial(Predicate.parse("cong f o f o".split()))
    True
    """
    k, a = p.kind, p.args
    if k in (Kind.CONG, Kind.PARA):
        return _same_line(a[0:2], a[2:4])  # type: ignore[arg-type]
    if k in (Kind.EQANGLE, Kind.EQRATIO, Kind.EQANGLE6, Kind.EQRATIO6) and len(a) == 8:
        forms = _eq4_forms(a)  # type: ignore[arg-type]
        return any(_same_line(f[0], f[2]) and _same_line(f[1], f[3]) for f in forms) or any(
            _same_line(f[0], f[1]) and _same_line(f[2], f[3]) for f in forms
        )
    if k is Kind.COLL:
        return len(set(p.points)) <= 2
    return False


#: The reason given for a step that states something true of any points.
TRIVIAL = "trivial"
SAME_SEGMENT = "the same segment"


def rule_reason(rule_id: str | None, rules: Mapping) -> str:
    """The rule's human name (its id when the rule file does not know it)."""
    rule = rules.get(rule_id or "")
    return rule.name if rule is not None else f"rule {rule_id}"
