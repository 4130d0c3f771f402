"""The construction catalogue: every construction of the problem language.

Each :class:`Construction` knows its signature (which arguments are new points,
existing points or literals), its preconditions, the premises it asserts (typed
predicates over its formal names) and how to realise it numerically: either a
1-dimensional locus (line, ray, circle) that a second construction may cut, or
the new points themselves.

>>> c = CATALOGUE["on_tline"]
>>> c.signature.params, c.signature.outputs
(('x', 'a', 'b', 'c'), ('x',))
>>> [str(p) for p in c.premises]
['perp x a b c']
"""
from __future__ import annotations

import cmath
import enum
import math
from dataclasses import dataclass, replace
from typing import Callable, Mapping, Union

import numpy as np

from .literals import Literal, is_literal_token
from .numeric import Circle, Line, Locus, Ray, foot, intersect, line_through, reflect_in_line
from .predicates import Predicate, circumcenter, kind_of
from .tolerance import LOCUS_EPS, SCALE_FLOOR, ZERO_LENGTH

Value = Union[complex, Literal]
Bound = Mapping[str, Value]
Realised = Union[Locus, dict]  # a locus, or {formal output name: point}
Realiser = Callable[[Bound, np.random.Generator], Realised]


class LocusKind(enum.Enum):
    LINE = "L"  # one new point on a line
    RAY = "R"  # one new point on a ray
    CIRCLE = "C"  # one new point on a circle
    POINT = "P"  # one new point, determined
    MULTI = "M"  # several new points from existing ones
    FREE = "F"  # a free figure: every argument is new

    @property
    def intersectable(self) -> bool:
        return self in (LocusKind.LINE, LocusKind.RAY, LocusKind.CIRCLE)


@dataclass(frozen=True)
class Signature:
    """Formal parameters in written order; which are new points and which literals."""

    params: tuple[str, ...]
    outputs: tuple[str, ...]
    literals: tuple[str, ...] = ()

    @property
    def inputs(self) -> tuple[str, ...]:
        return tuple(p for p in self.params if p not in self.outputs and p not in self.literals)


class DrawKind(enum.Enum):
    """What kind of object a construction draws."""

    LINE = "L"  # a line through the points (drawn from end to end of them)
    POLYGON = "P"  # the sides of the closed polygon through the points
    CIRCLE = "C"  # the circle centred at the first point through the others
    CIRCLE_THROUGH = "O"  # the circle through the points


@dataclass(frozen=True)
class Drawn:
    """One object a figure draws for a construction, in its formal parameter names.

    >>> [str(d) for d in CATALOGUE["foot"].draws]
    ['L x a', 'L x b c']
    """

    kind: DrawKind
    points: tuple[str, ...]

    def __str__(self) -> str:
        return " ".join([self.kind.value, *self.points])


def _drawn(recipe: str) -> tuple[Drawn, ...]:
    """``"L x a; C o a"`` -> its :class:`Drawn` items."""
    items = []
    for part in filter(str.strip, recipe.split(";")):
        kind, *points = part.split()
        items.append(Drawn(DrawKind(kind), tuple(points)))
    return tuple(items)


@dataclass(frozen=True)
class Construction:
    """One construction: its signature, what it asserts, how it is realised, drawn and worded.

    The wording is a template in the formal parameter names (``{a}`` stands for the
    label of the point bound to ``a``, ``{y:angle}`` for an angle literal):
    ``says`` is the sentence that defines the new points, for constructions that fix
    them; ``locus`` is the noun phrase of the line or circle that a locus construction
    puts its point on (the sentence is then "Let X be a point on <locus>.").

    >>> CATALOGUE["foot"].says
    'Let {x} be the foot of the perpendicular from {a} to {b}{c}.'
    >>> CATALOGUE["on_circle"].locus
    'the circle centred at {o} through {a}'
    """

    name: str
    signature: Signature
    preconditions: tuple[Predicate, ...]
    premises: tuple[Predicate, ...]
    kind: LocusKind
    realise: Realiser
    #: other accepted argument orders (dialects), tried when the first does not fit
    alternates: tuple[Signature, ...] = ()
    dialect: str = "AG"
    #: what a figure draws for it
    draws: tuple[Drawn, ...] = ()
    #: the sentence that defines its new points (determined constructions and free figures)
    says: str = ""
    #: the locus its new point lies on, as a noun phrase (line, ray and circle constructions)
    locus: str = ""

    @property
    def signatures(self) -> tuple[Signature, ...]:
        return (self.signature, *self.alternates)


def instantiate(template: Predicate, binding: Mapping[str, Union[str, Literal]]) -> Predicate:
    """Replace the formal names of a premise template by actual arguments."""
    return Predicate(template.kind, tuple(binding[a] if isinstance(a, str) else a for a in template.args))


# ---------------------------------------------------------------------- numeric helpers
def _u(z: complex) -> complex:
    return z / abs(z)


def _bisector_dir(a: complex, b: complex, c: complex) -> complex:
    """Direction of the internal bisector of angle ABC."""
    d = _u(a - b) + _u(c - b)
    if abs(d) < ZERO_LENGTH:
        d = 1j * _u(a - b)
    return d


def _apollonius(a: complex, b: complex, r: float) -> Locus:
    """Points X with |XA| / |XB| = r."""
    if abs(r - 1) < ZERO_LENGTH:
        return Line((a + b) / 2, 1j * (b - a))
    centre = (a - r * r * b) / (1 - r * r)
    return Circle(centre, r * abs(a - b) / abs(1 - r * r))


def _circle3(a: complex, b: complex, c: complex) -> Circle:
    o = circumcenter(a, b, c)
    if o is None:
        raise DegenerateError("the three points are collinear")
    return Circle(o, abs(a - o))


def _meet(l1: Locus, l2: Locus, avoid: tuple[complex, ...] = ()) -> complex:
    pts = [p for p in intersect(l1, l2) if all(abs(p - q) > SCALE_FLOOR for q in avoid)]
    if not pts:
        raise DegenerateError("the loci do not meet")
    return pts[0]


class DegenerateError(Exception):
    """A realisation step failed on these coordinates (the realiser retries)."""


def _incentre(a: complex, b: complex, c: complex) -> complex:
    la, lb, lc = abs(b - c), abs(c - a), abs(a - b)
    return (la * a + lb * b + lc * c) / (la + lb + lc)


def _excentre(a: complex, b: complex, c: complex) -> complex:
    """Excentre opposite ``a``."""
    la, lb, lc = abs(b - c), abs(c - a), abs(a - b)
    return (-la * a + lb * b + lc * c) / (-la + lb + lc)


def _tangent_points(p: complex, o: complex, r: float) -> tuple[complex, complex]:
    d = abs(p - o)
    if d <= r * (1 + LOCUS_EPS):
        raise DegenerateError("the point lies inside the circle")
    pts = intersect(Circle(o, r), Circle((p + o) / 2, d / 2))
    if len(pts) != 2:
        raise DegenerateError("no tangent")
    return pts[0], pts[1]


def _common_tangents(o: complex, r1: float, w: complex, r2: float, internal: bool) -> tuple[complex, ...]:
    """Touch points (x, y, z, i) of two common tangents: x, z on circle 1; y, i on circle 2."""
    d = abs(w - o)
    s = -r2 if internal else r2
    if d <= abs(r1 - s) + LOCUS_EPS:
        raise DegenerateError("the circles have no such common tangents")
    u = _u(w - o)
    cos_t = (r1 - s) / d
    sin_t = math.sqrt(max(0.0, 1 - cos_t * cos_t))
    out = []
    for sign in (1, -1):
        n = u * complex(cos_t, sign * sin_t)  # unit normal of the tangent
        out.extend([o + r1 * n, w + s * n])
    return tuple(out)


# ---------------------------------------------------------------------- two-way choices
@dataclass(frozen=True)
class Choice:
    """One discrete choice made in drawing a figure: the ``index``-th (from 0) made while
    drawing clause ``clause`` (numbered from 1 as in ``Problem.all_clauses``), alternative
    ``value`` of ``n``; ``what`` is chosen: ``"intersection"`` (which point two loci share),
    ``"side"`` (which side of a segment a point is put on), ``"mirror"`` (whether a free
    figure is reflected), ``"tangents"`` (which of two common tangents is named first),
    ``"place"`` (which interval, or arc, between the points ``among`` already on its line or
    circle a point is put in)."""

    clause: int
    index: int
    value: int
    n: int
    what: str
    among: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[int, int]:
        return (self.clause, self.index)


class ChoiceGenerator(np.random.Generator):
    """A random generator (seeded as ``np.random.default_rng(seed)``, the same stream) whose
    discrete choices are recorded in ``made`` and, where ``forced`` addresses them by
    (clause, index), forced.

    Realisers make every discrete choice through :func:`choose` or :func:`coin`, which draw
    as they always did and then take the forced alternative if there is one, so that forcing
    a choice leaves every other draw of the figure as it was. The drawing code says which
    clause it draws (:meth:`begin`).

    >>> g = ChoiceGenerator(0, forced={(1, 0): 1})
    >>> g.begin(1)
    >>> coin(g, "side"), coin(g, "side")
    (1, 0)
    >>> [(c.key, c.value) for c in g.made.values()]
    [((1, 0), 1), ((1, 1), 0)]
    """

    def __init__(self, seed: int, forced: Mapping[tuple[int, int], int] | None = None) -> None:
        super().__init__(np.random.default_rng(seed).bit_generator)
        self.forced = dict(forced or {})
        #: draws for a forced placement, apart from the main stream (which stays as it was)
        self.aside = np.random.default_rng([seed, 1])
        self.made: dict[tuple[int, int], Choice] = {}
        self._clause, self._index = 0, 0

    def begin(self, clause: int) -> None:
        """Start (again) drawing clause ``clause``: the choices its earlier draws made are dropped."""
        self._clause, self._index = clause, 0
        for key in [k for k in self.made if k[0] == clause]:
            del self.made[key]

    def restart(self) -> None:
        """Start a whole new figure: every recorded choice is dropped."""
        self.made.clear()
        self._clause, self._index = 0, 0

    def take(self, drawn: int, n: int, what: str, among: tuple[str, ...] = ()) -> int:
        """The alternative taken at the next choice of the current clause (``drawn`` unless forced)."""
        key = (self._clause, self._index)
        self._index += 1
        value = self.forced.get(key, drawn) % n
        self.made[key] = Choice(key[0], key[1], value, n, what, among)
        return value


def choose(rng: np.random.Generator, n: int, what: str) -> int:
    """Which of ``n`` (at least 2) alternatives to take: drawn as ``rng.integers(n)``, or
    forced by a :class:`ChoiceGenerator`."""
    drawn = int(rng.integers(n))
    return rng.take(drawn, n, what) if isinstance(rng, ChoiceGenerator) else drawn


def coin(rng: np.random.Generator, what: str) -> int:
    """Which of two alternatives to take: 0 when ``rng.random() < 0.5``, else 1, or forced by
    a :class:`ChoiceGenerator`."""
    drawn = 0 if rng.random() < 0.5 else 1
    return rng.take(drawn, 2, what) if isinstance(rng, ChoiceGenerator) else drawn


def alternative(rng: np.random.Generator, n: int, what: str) -> int:
    """Which of ``n`` alternatives to take where the drawing always took the first (0) and
    draws nothing: 0, unless a :class:`ChoiceGenerator` forces another."""
    return rng.take(0, n, what) if isinstance(rng, ChoiceGenerator) else 0


def _similarity(z: complex, rng: np.random.Generator) -> Callable[[complex], complex]:
    """A random rotation, scaling in [0.5, 2] and, half the time, a reflection."""
    rot = cmath.exp(1j * rng.uniform(0, 2 * math.pi)) * rng.uniform(0.5, 2.0)
    flip = coin(rng, "mirror") == 0
    return lambda p: (p.conjugate() if flip else p) * rot + z


def _free(points: dict[str, complex], rng: np.random.Generator) -> dict[str, complex]:
    f = _similarity(complex(rng.normal(), rng.normal()) * 0.5, rng)
    return {k: f(v) for k, v in points.items()}


def _rand_triangle(rng: np.random.Generator) -> tuple[complex, complex, complex]:
    ang = rng.uniform(0.2 * math.pi, 0.8 * math.pi)
    return 0j, 1 + 0j, rng.uniform(0.5, 1.5) * cmath.exp(1j * ang)


# ---------------------------------------------------------------------- the table
CATALOGUE: dict[str, Construction] = {}


def _sig(params: str, outputs: str, literals: str = "") -> Signature:
    return Signature(tuple(params.split()), tuple(outputs.split()), tuple(literals.split()))


def _preds(text: str) -> tuple[Predicate, ...]:
    out = []
    for part in text.split(","):
        toks = part.split()
        if not toks:
            continue
        kind = kind_of(toks[0])
        assert kind is not None, toks[0]
        out.append(Predicate(kind, tuple(Literal(t) if is_literal_token(t) else t for t in toks[1:])))
    return tuple(out)


def define(
    name: str,
    params: str,
    outputs: str,
    kind: str,
    pre: str,
    premises: str,
    literals: str = "",
    alternates: tuple[tuple[str, str], ...] = (),
    dialect: str = "AG",
    *,
    draws: str,
    says: str = "",
    locus: str = "",
) -> Callable[[Realiser], Realiser]:
    """Register a construction; decorates its realiser.

    ``draws`` lists what a figure draws, ``;``-separated items in the formal names:
    ``L p q …`` a line through the points, ``P p q r …`` a closed polygon, ``C o p …``
    the circle centred at o through p, ``O p q r …`` the circle through the points.
    """

    def register(fn: Realiser) -> Realiser:
        CATALOGUE[name] = Construction(
            name=name,
            signature=_sig(params, outputs, literals),
            preconditions=_preds(pre),
            premises=_preds(premises),
            kind=LocusKind(kind),
            realise=fn,
            alternates=tuple(_sig(p, o, literals) for p, o in alternates),
            dialect=dialect,
            draws=_drawn(draws),
            says=says,
            locus=locus,
        )
        return fn

    return register


def alias(name: str, of: str, dialect: str = "NC") -> None:
    base = CATALOGUE[of]
    CATALOGUE[name] = replace(base, name=name, dialect=dialect)


def realise_construction(name: str, args: tuple[str, ...], points: Mapping[str, complex],
                         rng: np.random.Generator) -> Realised:
    """Construction ``name`` on the actual arguments ``args`` (written order; the new points are
    the arguments ``points`` lacks) in the figure ``points``: the locus its new point lies on,
    or ``{actual new point: position}``. Preconditions are not checked (a caller that builds a
    clause checks them: :mod:`geometry.diagram`). Raises KeyError for an unknown construction,
    ValueError when the arguments fit none of its signatures, DegenerateError (or a numeric
    error) when it cannot be realised on these coordinates.

    >>> realise_construction("midpoint", ("m", "a", "b"), {"a": 0j, "b": 2 + 0j}, np.random.default_rng(0))
    {'m': (1+0j)}
    """
    c = CATALOGUE[name]
    for sig in c.signatures:
        v = _bind(sig, args, points)
        if v is not None:
            break
    else:
        raise ValueError(f"{name} {' '.join(args)}: the arguments fit none of its signatures")
    out = c.realise(v, rng)
    if not isinstance(out, dict):
        return out
    return {args[sig.params.index(f)]: z for f, z in out.items()}


def _bind(sig: Signature, args: tuple[str, ...], points: Mapping[str, complex]) -> dict[str, Value] | None:
    """The values of the inputs and literals of ``sig`` on ``args`` in the figure ``points``, or
    None when ``args`` do not follow ``sig`` (its outputs new points, its inputs existing ones)."""
    if len(sig.params) != len(args):
        return None
    v: dict[str, Value] = {}
    for f, a in zip(sig.params, args):
        if f in sig.literals:
            v[f] = Literal(a)
        elif f in sig.outputs:
            if a in points:
                return None
        elif a in points:
            v[f] = points[a]
        else:
            return None
    return v


# --- Table A: one new point on a line, ray or circle -------------------------------
@define(
    "on_line", "x a b", "x", "L", "diff a b", "coll x a b",
    draws="L x a b",
    locus="line {a}{b}",
)
def _(v, rng):
    return line_through(v["a"], v["b"])


@define(
    "on_pline", "x a b c", "x", "L", "diff b c, ncoll a b c", "para x a b c",
    draws="L x a; L b c",
    locus="the line through {a} parallel to {b}{c}",
)
def _(v, rng):
    return Line(v["a"], v["c"] - v["b"])


@define(
    "on_pline0", "x a b c", "x", "L", "diff b c", "para x a b c", dialect="NC",
    draws="L x a; L b c",
    locus="the line through {a} parallel to {b}{c}",
)
def _(v, rng):
    return Line(v["a"], v["c"] - v["b"])


@define(
    "on_tline", "x a b c", "x", "L", "diff b c", "perp x a b c",
    draws="L x a; L b c",
    locus="the line through {a} perpendicular to {b}{c}",
)
def _(v, rng):
    return Line(v["a"], 1j * (v["c"] - v["b"]))


@define(
    "lc_tangent", "x a o", "x", "L", "diff a o", "perp a x a o",
    draws="L x a; L a o; C o a",
    locus="the tangent at {a} to the circle centred at {o}",
)
def _(v, rng):
    return Line(v["a"], 1j * (v["o"] - v["a"]))


def _bisector_line(p: complex, q: complex) -> Line:
    return Line((p + q) / 2, 1j * (q - p))


define(
    "on_bline", "x a b", "x", "L", "diff a b", "cong x a x b, eqangle a x a b b a b x",
    draws="L x a; L x b; L a b",
    locus="the perpendicular bisector of {a}{b}",
)(
    lambda v, rng: _bisector_line(v["a"], v["b"])
)
define(
    "iso_triangle_vertex", "x b c", "x", "L", "diff b c", "cong x b x c", dialect="NC",
    draws="P x b c",
    locus="the perpendicular bisector of {b}{c}",
)(
    lambda v, rng: _bisector_line(v["b"], v["c"])
)
define(
    "iso_triangle_vertex_angle", "x b c", "x", "L", "diff b c", "eqangle x b b c b c x c",
    dialect="NC",
    draws="P x b c",
    locus="the perpendicular bisector of {b}{c}",
)(lambda v, rng: _bisector_line(v["b"], v["c"]))


@define(
    "angle_bisector", "x a b c", "x", "L", "ncoll a b c", "eqangle b a b x b x b c",
    draws="L b a; L b x; L b c",
    locus="the bisector of the angle {a}{b}{c}",
)
def _(v, rng):
    return Line(v["b"], _bisector_dir(v["a"], v["b"], v["c"]))


@define(
    "angle_mirror", "x a b c", "x", "R", "ncoll a b c", "eqangle b a b c b c b x",
    draws="L b a; L b c; L b x",
    locus="the reflection of ray {b}{a} in line {b}{c}",
)
def _(v, rng):
    b = v["b"]
    return Ray(b, _u(v["c"] - b) ** 2 / _u(v["a"] - b))


@define(
    "on_aline", "x a b c d e", "x", "R", "ncoll c d e", "eqangle a x a b d c d e",
    draws="L a x; L a b; L d c; L d e",
    locus="the ray from {a} such that ∠{x}{a}{b} = ∠{c}{d}{e}",
)
def _(v, rng):
    a, d = v["a"], v["d"]
    return Ray(a, _u(v["b"] - a) * _u(v["c"] - d) / _u(v["e"] - d))


@define(
    "on_aline0", "x a b c d e f g", "x", "L", "ncoll a b c d", "eqangle a b c d e f g x",
    dialect="NC",
    draws="L a b; L c d; L e f; L g x",
    locus="the line through {g} such that ∠({e}{f}, {g}{x}) = ∠({a}{b}, {c}{d})",
)
def _(v, rng):
    return Line(v["g"], _u(v["f"] - v["e"]) * _u(v["d"] - v["c"]) / _u(v["b"] - v["a"]))


def _inscribed_circle(a: complex, b: complex, p: complex, q: complex, r: complex) -> Circle:
    """Circle of the points X with angle(XA, XB) = angle(PQ, PR): triangle QRP copied onto AB."""
    x0 = a + (p - q) * (b - a) / (r - q)
    return _circle3(a, b, x0)


@define(
    "on_aline2", "x a b c d e", "x", "C", "ncoll c d e", "eqangle x a x b d c d e",
    draws="L x a; L x b; L d c; L d e",
    locus="the circle through {a} and {b} on which ∠{a}{x}{b} = ∠{c}{d}{e}",
)
def _(v, rng):
    return _inscribed_circle(v["a"], v["b"], v["d"], v["c"], v["e"])


@define(
    "s_angle", "a b x y", "x", "R", "diff a b", "s_angle a b x y", literals="y",
    draws="L b a; L b x",
    locus="the ray from {b} that is ray {b}{a} turned anticlockwise through {y:angle}",
)
def _(v, rng):
    b, y = v["b"], v["y"]
    d = (v["a"] - b) * cmath.exp(1j * math.pi * float(y.angle))  # type: ignore[union-attr]
    # Newclid's spelling of the angle (30o, 1pi/6) means Newclid's s_angle: the whole line
    # through b (its premise is aconst a b b x y); AlphaGeometry's bare degrees mean the ray
    return Line(b, d) if y.newclid_angle else Ray(b, d)  # type: ignore[union-attr]


@define(
    "aconst", "a b c x r", "x", "L", "diff a b", "aconst a b c x r", literals="r", dialect="NC",
    draws="L a b; L c x",
    locus="the line through {c} such that ∠({a}{b}, {c}{x}) = {r:angle}",
)
def _(v, rng):
    return Line(v["c"], (v["b"] - v["a"]) * cmath.exp(1j * math.pi * float(v["r"].angle)))  # type: ignore[union-attr]


@define(
    "on_opline", "x a b", "x", "R", "diff a b", "coll x a b",
    draws="L x a b",
    locus="the extension of {b}{a} beyond {a}",
)
def _(v, rng):
    return Ray(v["a"], v["a"] - v["b"])


@define(
    "eqdistance", "x a b c", "x", "C", "diff b c", "cong x a b c",
    draws="C a x; L b c",
    locus="the circle centred at {a} with radius {b}{c}",
)
def _(v, rng):
    return Circle(v["a"], abs(v["c"] - v["b"]))


@define(
    "on_circle", "x o a", "x", "C", "diff o a", "cong o x o a",
    draws="C o x a",
    locus="the circle centred at {o} through {a}",
)
def _(v, rng):
    return Circle(v["o"], abs(v["a"] - v["o"]))


@define(
    "on_circum", "x a b c", "x", "C", "ncoll a b c", "cyclic a b c x",
    draws="O a b c x",
    locus="the circle through {a}, {b}, {c}",
)
def _(v, rng):
    return _circle3(v["a"], v["b"], v["c"])


@define(
    "on_dia", "x a b", "x", "C", "diff a b", "perp x a x b",
    draws="O a b x; L x a; L x b",
    locus="the circle with diameter {a}{b}",
)
def _(v, rng):
    return Circle((v["a"] + v["b"]) / 2, abs(v["b"] - v["a"]) / 2)


@define(
    "eqangle3", "x a b d e f", "x", "C", "ncoll d e f, diff a b, diff d e, diff e f",
    "eqangle x a x b d e d f",
    draws="L x a; L x b; L d e; L d f",
    locus="the circle through {a} and {b} on which ∠{a}{x}{b} = ∠{e}{d}{f}",
)
def _(v, rng):
    return _inscribed_circle(v["a"], v["b"], v["d"], v["e"], v["f"])


@define(
    "rconst", "a b c x r", "x", "C", "diff a b", "rconst a b c x r", literals="r", dialect="NC",
    draws="C c x; L a b",
    locus="the circle centred at {c} such that {a}{b}/{c}{x} = {r}",
)
def _(v, rng):
    return Circle(v["c"], abs(v["b"] - v["a"]) / float(v["r"].ratio))  # type: ignore[union-attr]


@define(
    "r2const", "a b c x r", "x", "C", "diff a b", "r2const a b c x r", literals="r", dialect="NC",
    draws="C c x; L a b",
    locus="the circle centred at {c} such that {a}{b}²/{c}{x}² = {r}",
)
def _(v, rng):
    return Circle(v["c"], abs(v["b"] - v["a"]) / math.sqrt(float(v["r"].ratio)))  # type: ignore[union-attr]


@define(
    "rconst2", "x a b r", "x", "C", "diff a b", "rconst x a x b r", literals="r", dialect="NC",
    draws="L x a; L x b",
    locus="the locus of points {x} with {x}{a}/{x}{b} = {r}",
)
def _(v, rng):
    return _apollonius(v["a"], v["b"], float(v["r"].ratio))  # type: ignore[union-attr, arg-type]


@define(
    "eqratio", "x a b c d e f g", "x", "C", "diff a b, diff c d, diff e f",
    "eqratio a b c d e f g x", dialect="NC",
    draws="C g x",
    locus="the circle centred at {g} such that {a}{b}/{c}{d} = {e}{f}/{g}{x}",
)
def _(v, rng):
    ab, cd, ef = abs(v["b"] - v["a"]), abs(v["d"] - v["c"]), abs(v["f"] - v["e"])
    return Circle(v["g"], ef * cd / ab)


@define(
    "eqratio6", "x a c e f g h", "x", "C", "diff e f, diff g h", "eqratio a x c x e f g h",
    dialect="NC",
    draws="L x a; L x c",
    locus="the locus of points {x} with {x}{a}/{x}{c} = {e}{f}/{g}{h}",
)
def _(v, rng):
    return _apollonius(v["a"], v["c"], abs(v["f"] - v["e"]) / abs(v["h"] - v["g"]))


@define(
    "lconst", "x a l", "x", "C", "", "lconst x a l", literals="l", dialect="NC",
    draws="C a x",
    locus="the circle centred at {a} with radius {l}",
)
def _(v, rng):
    return Circle(v["a"], float(v["l"].ratio))  # type: ignore[union-attr]


@define(
    "l2const", "x a l", "x", "C", "", "l2const x a l", literals="l", dialect="NC",
    draws="C a x",
    locus="the circle centred at {a} such that {a}{x}² = {l}",
)
def _(v, rng):
    return Circle(v["a"], math.sqrt(float(v["l"].ratio)))  # type: ignore[union-attr]


# --- Table B: one new point, determined ---------------------------------------------
def _circumcentre(v, rng):
    o = circumcenter(v["a"], v["b"], v["c"])
    if o is None:
        raise DegenerateError("collinear points have no circumcentre")
    return {"x": o}


define(
    "circle", "x a b c", "x", "P", "ncoll a b c", "cong x a x b, cong x b x c",
    draws="C x a b c",
    says="Let {x} be the centre of the circle through {a}, {b}, {c}.",
)(_circumcentre)
define(
    "circumcenter", "x a b c", "x", "P", "ncoll a b c", "cong x a x b, cong x b x c",
    draws="C x a b c",
    says="Let {x} be the circumcentre of triangle {a}{b}{c}.",
)(_circumcentre)


@define(
    "foot", "x a b c", "x", "P", "ncoll a b c", "perp x a b c, coll x b c",
    draws="L x a; L x b c",
    says="Let {x} be the foot of the perpendicular from {a} to {b}{c}.",
)
def _(v, rng):
    return {"x": foot(v["a"], line_through(v["b"], v["c"]))}


@define(
    "midpoint", "x a b", "x", "P", "diff a b", "midp x a b",
    draws="L x a b",
    says="Let {x} be the midpoint of {a}{b}.",
)
def _(v, rng):
    return {"x": (v["a"] + v["b"]) / 2}


@define(
    "mirror", "x a b", "x", "P", "diff a b", "midp b a x",
    draws="L x a b",
    says="Let {x} be the reflection of {a} in {b} (so that {b} is the midpoint of {a}{x}).",
)
def _(v, rng):
    return {"x": 2 * v["b"] - v["a"]}


@define(
    "reflect", "x a b c", "x", "P", "diff b c, ncoll a b c", "cong b a b x, cong c a c x, perp b c a x",
    draws="L a x; L b c",
    says="Let {x} be the reflection of {a} in line {b}{c}.",
)
def _(v, rng):
    return {"x": reflect_in_line(v["a"], line_through(v["b"], v["c"]))}


@define(
    "shift", "x b c d", "x", "P", "diff d b", "cong x b c d, cong x c b d",
    draws="P x b d c",
    says="Let {x} be the image of {b} under the translation that takes {d} to {c}.",
)
def _(v, rng):
    return {"x": v["b"] + v["c"] - v["d"]}


@define(
    "psquare", "x a b", "x", "P", "diff a b", "cong x a a b, perp x a a b",
    draws="L a x; L a b",
    says="Let {x} be the image of {b} under the rotation about {a} through 90°.",
)
def _(v, rng):
    return {"x": v["a"] + 1j * (v["b"] - v["a"])}


@define(
    "nsquare", "x a b", "x", "P", "diff a b", "cong x a a b, perp x a a b",
    draws="L a x; L a b",
    says="Let {x} be the image of {b} under the rotation about {a} through −90°.",
)
def _(v, rng):
    return {"x": v["a"] - 1j * (v["b"] - v["a"])}


@define(
    "orthocenter", "x a b c", "x", "P", "ncoll a b c", "perp x a b c, perp x b c a, perp x c a b",
    draws="L a x; L b x; L c x",
    says="Let {x} be the orthocentre of triangle {a}{b}{c}.",
)
def _(v, rng):
    a, b, c = v["a"], v["b"], v["c"]
    return {"x": _meet(Line(a, 1j * (c - b)), Line(b, 1j * (a - c)))}


_INCENTRE_PREMISES = "eqangle a b a x a x a c, eqangle c a c x c x c b, eqangle b c b x b x b a"


@define(
    "incenter", "x a b c", "x", "P", "ncoll a b c", _INCENTRE_PREMISES,
    draws="L a x; L b x; L c x",
    says="Let {x} be the incentre of triangle {a}{b}{c}.",
)
def _(v, rng):
    return {"x": _incentre(v["a"], v["b"], v["c"])}


@define(
    "excenter", "x a b c", "x", "P", "ncoll a b c", _INCENTRE_PREMISES,
    draws="L a x; L b x; L c x",
    says="Let {x} be the excentre of triangle {a}{b}{c} opposite {a}.",
)
def _(v, rng):
    return {"x": _excentre(v["a"], v["b"], v["c"])}


@define(
    "intersection_ll", "x a b c d", "x", "P", "npara a b c d, ncoll a b c d", "coll x a b, coll x c d",
    draws="L x a b; L x c d",
    says="Let {x} be the intersection of lines {a}{b} and {c}{d}.",
)
def _(v, rng):
    return {"x": _meet(line_through(v["a"], v["b"]), line_through(v["c"], v["d"]))}


@define(
    "intersection_lp", "x a b c m n", "x", "P", "npara m n a b, ncoll a b c, ncoll c m n",
    "coll x a b, para c x m n",
    draws="L x a b; L c x; L m n",
    says="Let {x} be the point of line {a}{b} such that {c}{x} ∥ {m}{n}.",
)
def _(v, rng):
    return {"x": _meet(line_through(v["a"], v["b"]), Line(v["c"], v["n"] - v["m"]))}


@define(
    "intersection_lt", "x a b c d e", "x", "P", "ncoll a b c, nperp a b d e", "coll x a b, perp x c d e",
    draws="L x a b; L c x; L d e",
    says="Let {x} be the point of line {a}{b} such that {c}{x} ⊥ {d}{e}.",
)
def _(v, rng):
    return {"x": _meet(line_through(v["a"], v["b"]), Line(v["c"], 1j * (v["e"] - v["d"])))}


@define(
    "intersection_pp", "x a b c d e f", "x", "P", "diff a d, npara b c e f", "para x a b c, para x d e f",
    draws="L a x; L b c; L d x; L e f",
    says=(
        "Let {x} be the intersection of the line through {a} parallel to {b}{c} and the line "
        "through {d} parallel to {e}{f}."
    ),
)
def _(v, rng):
    return {"x": _meet(Line(v["a"], v["c"] - v["b"]), Line(v["d"], v["f"] - v["e"]))}


@define(
    "intersection_tt", "x a b c d e f", "x", "P", "diff a d, npara b c e f", "perp x a b c, perp x d e f",
    draws="L a x; L b c; L d x; L e f",
    says=(
        "Let {x} be the intersection of the line through {a} perpendicular to {b}{c} and the line "
        "through {d} perpendicular to {e}{f}."
    ),
)
def _(v, rng):
    return {"x": _meet(Line(v["a"], 1j * (v["c"] - v["b"])), Line(v["d"], 1j * (v["f"] - v["e"])))}


@define(
    "intersection_lc", "x a o b", "x", "P", "diff a b, diff o b, nperp b o b a",
    "coll x a b, cong o b o x",
    draws="L x a b; C o b x",
    says="Let {x} be the second intersection of line {a}{b} with the circle centred at {o} through {b}.",
)
def _(v, rng):
    o, b = v["o"], v["b"]
    return {"x": _meet(line_through(v["a"], b), Circle(o, abs(b - o)), avoid=(b,))}


@define(
    "intersection_cc", "x o w a", "x", "P", "ncoll o w a", "cong o a o x, cong w a w x",
    draws="C o a x; C w a x",
    says="Let {x} be the second intersection of the circles centred at {o} and at {w} through {a}.",
)
def _(v, rng):
    o, w, a = v["o"], v["w"], v["a"]
    return {"x": _meet(Circle(o, abs(a - o)), Circle(w, abs(a - w)), avoid=(a,))}


@define(
    "eq_triangle", "x b c", "x", "P", "diff b c",
    "cong x b b c, cong b c c x, eqangle b x b c c b c x, eqangle x c x b b x b c",
    draws="P x b c",
    says="Let {x} be the point such that {x}{b}{c} is an equilateral triangle.",
)
def _(v, rng):
    b, c = v["b"], v["c"]
    turn = cmath.exp(1j * math.pi / 3 * (1 if coin(rng, "side") == 0 else -1))
    return {"x": b + (c - b) * turn}


@define(
    "parallelogram", "a b c x", "x", "P", "ncoll a b c",
    "para a b c x, para a x b c, cong a b c x, cong a x b c",
    alternates=(("x a b c", "x"),),
    draws="P a b c x",
    says="Let {x} be the point such that {a}{b}{c}{x} is a parallelogram.",
)
def _(v, rng):
    return {"x": v["a"] + v["c"] - v["b"]}


@define(
    "iso_trapezoid2", "x a b c", "x", "P", "ncoll a b c", "cong x b a c, cong x a b c", dialect="NC",
    draws="P a b c x",
    says=(
        "Let {x} be the point such that {a}{b}{c}{x} is an isosceles trapezoid with {c}{x} ∥ {a}{b}"
        " and {x}{a} = {b}{c}."
    ),
)
def _(v, rng):
    a, b, c = v["a"], v["b"], v["c"]
    h = foot(c, line_through(a, b))
    return {"x": c + (b - h) + (a - h)}


@define(
    "eqangle2", "x a b c", "x", "P", "ncoll a b c", "eqangle a b a x c x c b",
    draws="P a b c x",
    says="Let {x} be a point such that ∠{b}{a}{x} = ∠{x}{c}{b}.",
)
def _(v, rng):
    a, b, c = v["a"], v["b"], v["c"]
    t = cmath.exp(1j * rng.uniform(0.2 * math.pi, 0.8 * math.pi))
    return {"x": _meet(Line(a, _u(b - a) * t), Line(c, _u(b - c) / t))}


@define(
    "between_bound", "x a b", "x", "P", "diff a b", "coll x a b, obtuse_angle a x b", dialect="NC",
    draws="L a x b",
    says="Let {x} be a point between {a} and {b}.",
)
def _(v, rng):
    return {"x": v["a"] + rng.uniform(0.2, 0.8) * (v["b"] - v["a"])}


@define(
    "simtri", "r a b c p q", "r", "P", "ncoll a b c, diff p q", "simtri a b c p q r", dialect="NC",
    draws="P a b c; P p q r",
    says="Let {r} be the point such that triangles {a}{b}{c} and {p}{q}{r} are similar.",
)
def _(v, rng):
    a, b, c, p, q = (v[k] for k in "abcpq")
    return {"r": p + (c - a) * (q - p) / (b - a)}


@define(
    "simtrir", "r a b c p q", "r", "P", "ncoll a b c, diff p q", "simtri2 a b c p q r", dialect="NC",
    draws="P a b c; P p q r",
    says=(
        "Let {r} be the point such that triangles {a}{b}{c} and {p}{q}{r} are similar with opposite"
        " orientation."
    ),
)
def _(v, rng):
    a, b, c, p, q = (v[k] for k in "abcpq")
    return {"r": reflect_in_line(p + (c - a) * (q - p) / (b - a), line_through(p, q))}


# --- Table C: several new points --------------------------------------------------------
_TOUCH_PREMISES = (
    "coll x b c, perp i x b c, coll y c a, perp i y c a, coll z a b, perp i z a b, "
    "cong i x i y, cong i y i z"
)
_INCENTRE2 = _INCENTRE_PREMISES.replace(" x", " i") + ", " + _TOUCH_PREMISES


def _feet(i: complex, a: complex, b: complex, c: complex) -> dict[str, complex]:
    return {
        "x": foot(i, line_through(b, c)),
        "y": foot(i, line_through(c, a)),
        "z": foot(i, line_through(a, b)),
        "i": i,
    }


@define(
    "incenter2", "x y z i a b c", "x y z i", "M", "ncoll a b c", _INCENTRE2,
    draws="C i x y z; L x b c; L y c a; L z a b",
    says=(
        "Let {i} be the incentre of triangle {a}{b}{c}, and {x}, {y}, {z} the points where its "
        "incircle touches {b}{c}, {c}{a}, {a}{b}."
    ),
)
def _(v, rng):
    return _feet(_incentre(v["a"], v["b"], v["c"]), v["a"], v["b"], v["c"])


@define(
    "excenter2", "x y z i a b c", "x y z i", "M", "ncoll a b c", _INCENTRE2,
    draws="C i x y z; L x b c; L y c a; L z a b",
    says=(
        "Let {i} be the excentre of triangle {a}{b}{c} opposite {a}, and {x}, {y}, {z} the feet of "
        "the perpendiculars from {i} to lines {b}{c}, {c}{a}, {a}{b}."
    ),
)
def _(v, rng):
    return _feet(_excentre(v["a"], v["b"], v["c"]), v["a"], v["b"], v["c"])


_MIDS = "coll x b c, cong x b x c, coll y c a, cong y c y a, coll z a b, cong z a z b"


@define(
    "centroid", "x y z i a b c", "x y z i", "M", "ncoll a b c",
    _MIDS + ", coll a x i, coll b y i, coll c z i",
    draws="L a x i; L b y i; L c z i; L x b c; L y c a; L z a b",
    says=(
        "Let {x}, {y}, {z} be the midpoints of {b}{c}, {c}{a}, {a}{b}, and {i} the centroid of "
        "triangle {a}{b}{c}."
    ),
)
def _(v, rng):
    a, b, c = v["a"], v["b"], v["c"]
    return {"x": (b + c) / 2, "y": (c + a) / 2, "z": (a + b) / 2, "i": (a + b + c) / 3}


@define(
    "ninepoints", "x y z i a b c", "x y z i", "M", "ncoll a b c", _MIDS + ", cong i x i y, cong i y i z",
    draws="C i x y z; L x b c; L y c a; L z a b",
    says=(
        "Let {x}, {y}, {z} be the midpoints of {b}{c}, {c}{a}, {a}{b}, and {i} the centre of the "
        "circle through {x}, {y}, {z}."
    ),
)
def _(v, rng):
    a, b, c = v["a"], v["b"], v["c"]
    x, y, z = (b + c) / 2, (c + a) / 2, (a + b) / 2
    o = circumcenter(x, y, z)
    assert o is not None
    return {"x": x, "y": y, "z": z, "i": o}


@define(
    "square", "a b x y", "x y", "M", "diff a b",
    "perp a b b x, cong a b b x, para a b x y, para a y b x, perp a y y x, cong b x x y, "
    "cong x y y a, perp a x b y, cong a x b y",
    alternates=(("x y a b", "x y"),),
    draws="P a b x y",
    says="Let {x} and {y} be the points such that {a}{b}{x}{y} is a square.",
)
def _(v, rng):
    a, b = v["a"], v["b"]
    return {"x": b - 1j * (a - b), "y": a + 1j * (b - a)}


@define(
    "trisect", "x y a b c", "x y", "M", "ncoll a b c",
    "coll x a c, coll y a c, eqangle b a b x b x b y, eqangle b x b y b y b c",
    draws="L b a; L b x; L b y; L b c; L a x y c",
    says="Let {x} and {y} be the points of {a}{c} such that {b}{x} and {b}{y} trisect the angle {a}{b}{c}.",
)
def _(v, rng):
    a, b, c = v["a"], v["b"], v["c"]
    theta = cmath.phase((c - b) / (a - b))
    ac = line_through(a, c)
    x = _meet(ac, Line(b, (a - b) * cmath.exp(1j * theta / 3)))
    y = _meet(ac, Line(b, (a - b) * cmath.exp(2j * theta / 3)))
    return {"x": x, "y": y}


@define(
    "trisegment", "x y a b", "x y", "M", "diff a b",
    "coll x a b, coll y a b, cong x a x y, cong y x y b",
    draws="L a x y b",
    says="Let {x} and {y} be the points that divide {a}{b} into three equal parts.",
)
def _(v, rng):
    a, b = v["a"], v["b"]
    return {"x": a + (b - a) / 3, "y": a + 2 * (b - a) / 3}


@define(
    "tangent", "x y a o b", "x y", "M", "diff o a, diff o b, diff a b",
    "cong o x o b, perp a x o x, cong o y o b, perp a y o y",
    draws="C o b x y; L a x; L a y",
    says=(
        "Let {x} and {y} be the points where the tangents from {a} touch the circle centred at {o} "
        "through {b}."
    ),
)
def _(v, rng):
    x, y = _tangent_points(v["a"], v["o"], abs(v["b"] - v["o"]))
    return {"x": x, "y": y}


_CC_PREMISES = (
    "cong o x o a, cong w y w b, perp x o x y, perp y w y x, "
    "cong o z o a, cong w i w b, perp z o z i, perp i w i z"
)


def _cc(internal: bool) -> Realiser:
    def realise(v, rng):
        o, w = v["o"], v["w"]
        x, y, z, i = _common_tangents(o, abs(v["a"] - o), w, abs(v["b"] - w), internal)
        if alternative(rng, 2, "tangents"):
            x, y, z, i = z, i, x, y
        return {"x": x, "y": y, "z": z, "i": i}

    return realise


define(
    "cc_tangent", "x y z i o a w b", "x y z i", "M", "diff o a, diff w b, diff o w", _CC_PREMISES,
    draws="C o a x z; C w b y i; L x y; L z i",
    says=(
        "Let {x}{y} and {z}{i} be the common external tangents of the circle centred at {o} through"
        " {a} and the circle centred at {w} through {b}, touching the first at {x}, {z} and the "
        "second at {y}, {i}."
    ),
)(
    _cc(False)
)
define(
    "cc_itangent", "x y z i o a w b", "x y z i", "M", "diff o a, diff w b, diff o w", _CC_PREMISES,
    dialect="NC",
    draws="C o a x z; C w b y i; L x y; L z i",
    says=(
        "Let {x}{y} and {z}{i} be the common internal tangents of the circle centred at {o} through"
        " {a} and the circle centred at {w} through {b}, touching the first at {x}, {z} and the "
        "second at {y}, {i}."
    ),
)(_cc(True))


@define(
    "cc_tangent0", "x y o a w b", "x y", "M", "diff o a, diff w b, diff o w",
    "cong o x o a, cong w y w b, perp x o x y, perp y w y x",
    draws="C o a x; C w b y; L x y",
    says=(
        "Let {x}{y} be a common external tangent of the circle centred at {o} through {a} and the "
        "circle centred at {w} through {b}, touching the first at {x} and the second at {y}."
    ),
)
def _(v, rng):
    o, w = v["o"], v["w"]
    x, y, z, i = _common_tangents(o, abs(v["a"] - o), w, abs(v["b"] - w), False)
    return {"x": z, "y": i} if alternative(rng, 2, "tangents") else {"x": x, "y": y}


@define(
    "2l1c", "x y z i a b c o", "x y z i", "M", "cong o a o b, ncoll a b c",
    "coll x a c, coll y b c, cong o a o z, coll i o z, cong i x i y, cong i y i z, "
    "perp i x a c, perp i y b c",
    draws="C o a b z; C i x y z; L a x c; L b y c",
    says=(
        "Let {i} be the centre of a circle that touches line {a}{c} at {x}, line {b}{c} at {y} and "
        "the circle centred at {o} through {a} at {z}."
    ),
)
def _(v, rng):
    a, b, c, o = v["a"], v["b"], v["c"], v["o"]
    radius = abs(a - o)
    u = _u(_bisector_dir(a, c, b))
    s = abs(math.sin(cmath.phase((a - c) / (b - c)) / 2))
    # centre i = c + t u with radius t s, internally tangent to (o; radius): |i - o| = radius - t s
    co = c - o
    qa = 1 - s * s
    qb = 2 * ((u.conjugate() * co).real + radius * s)
    qc = abs(co) ** 2 - radius * radius
    disc = qb * qb - 4 * qa * qc
    if disc < 0 or qa <= 0:
        raise DegenerateError("no circle tangent to both lines and the circle")
    roots = [t for t in ((-qb + math.sqrt(disc)) / (2 * qa), (-qb - math.sqrt(disc)) / (2 * qa)) if t > SCALE_FLOOR]
    if not roots:
        raise DegenerateError("no circle tangent to both lines and the circle")
    i = c + max(roots) * u
    z = o + radius * _u(i - o)
    return {"x": foot(i, line_through(a, c)), "y": foot(i, line_through(b, c)), "z": z, "i": i}


@define(
    "e5128", "x y a b c d", "x y", "M", "cong c b c d, perp b c b a",
    "cong c b c x, coll y a b, coll x y d, eqangle a b a d x a x y",
    draws="C c b x; L a y b; L d y x",
    says=(
        "Let {y} be a point of line {a}{b}, and {x} the point of line {d}{y} on the circle centred "
        "at {c} through {b} such that ∠{b}{a}{d} = ∠{a}{x}{y}."
    ),
)
def _(v, rng):
    a, b, c, d = v["a"], v["b"], v["c"], v["d"]
    y = (a + b) / 2
    pts = intersect(line_through(d, y), Circle(c, abs(b - c)))
    if not pts:
        raise DegenerateError("line dy misses the circle")
    return {"x": max(pts, key=lambda p: abs(p - d)), "y": y}


@define(
    "3peq", "x y z a b c", "x y z", "M", "ncoll a b c",
    "coll z b c, coll x a b, coll y a c, coll x y z, cong z x z y",
    draws="L b z c; L a x b; L a y c; L x y z",
    says=(
        "Let {z} be a point of {b}{c}, and {x}, {y} the points of lines {a}{b}, {a}{c} such that "
        "{z} is the midpoint of {x}{y}."
    ),
)
def _(v, rng):
    a, b, c = v["a"], v["b"], v["c"]
    z = b + rng.uniform(0.2, 0.8) * (c - b)
    y = _meet(Line(2 * z - a, b - a), line_through(a, c))
    return {"x": 2 * z - y, "y": y, "z": z}


@define(
    "contri", "q r a b c p", "q r", "M", "ncoll a b c", "contri a b c p q r", dialect="NC",
    draws="P a b c; P p q r",
    says="Let {q} and {r} be the points such that triangles {a}{b}{c} and {p}{q}{r} are congruent.",
)
def _(v, rng):
    a, b, c, p = v["a"], v["b"], v["c"], v["p"]
    rot = cmath.exp(1j * rng.uniform(0, 2 * math.pi))
    return {"q": p + (b - a) * rot, "r": p + (c - a) * rot}


@define(
    "contrir", "q r a b c p", "q r", "M", "ncoll a b c", "contri2 a b c p q r", dialect="NC",
    draws="P a b c; P p q r",
    says=(
        "Let {q} and {r} be the points such that triangles {a}{b}{c} and {p}{q}{r} are congruent "
        "with opposite orientation."
    ),
)
def _(v, rng):
    a, b, c, p = v["a"], v["b"], v["c"], v["p"]
    rot = cmath.exp(1j * rng.uniform(0, 2 * math.pi))
    q = p + (b - a) * rot
    return {"q": q, "r": reflect_in_line(p + (c - a) * rot, line_through(p, q))}


# --- Table D: free figures -------------------------------------------------------------
@define(
    "free", "a", "a", "F", "", "",
    draws="",
    says="Let {a} be a point.",
)
def _(v, rng):
    return {"a": complex(rng.normal(), rng.normal())}


@define(
    "segment", "a b", "a b", "F", "", "",
    draws="L a b",
    says="Let {a}{b} be a segment.",
)
def _(v, rng):
    return _free({"a": 0j, "b": 1 + 0j}, rng)


@define(
    "triangle", "a b c", "a b c", "F", "", "",
    draws="P a b c",
    says="Let {a}{b}{c} be a triangle.",
)
def _(v, rng):
    a, b, c = _rand_triangle(rng)
    return _free({"a": a, "b": b, "c": c}, rng)


@define(
    "acute_triangle", "a b c", "a b c", "F", "", "", dialect="NC",
    draws="P a b c",
    says="Let {a}{b}{c} be an acute triangle.",
)
def _(v, rng):
    # apex c above the open segment ab, outside the circle on diameter ab: all angles acute
    while True:
        c = complex(rng.uniform(0.1, 0.9), rng.uniform(0.55, 1.5))
        if abs(c - 0.5) > 0.55:
            return _free({"a": 0j, "b": 1 + 0j, "c": c}, rng)


@define(
    "iso_triangle", "a b c", "a b c", "F", "", "eqangle b a b c c b c a, cong a b a c",
    draws="P a b c",
    says="Let {a}{b}{c} be an isosceles triangle with {a}{b} = {a}{c}.",
)
def _(v, rng):
    return _free({"a": complex(0, rng.uniform(0.4, 2.0)), "b": -0.5 + 0j, "c": 0.5 + 0j}, rng)


@define(
    "iso_triangle0", "a b c", "a b c", "F", "", "cong a b a c", dialect="NC",
    draws="P a b c",
    says="Let {a}{b}{c} be an isosceles triangle with {a}{b} = {a}{c}.",
)
def _(v, rng):
    return _free({"a": complex(0, rng.uniform(0.4, 2.0)), "b": -0.5 + 0j, "c": 0.5 + 0j}, rng)


@define(
    "r_triangle", "a b c", "a b c", "F", "", "perp a b a c",
    draws="P a b c",
    says="Let {a}{b}{c} be a right triangle with the right angle at {a}.",
)
def _(v, rng):
    return _free({"a": 0j, "b": 1 + 0j, "c": complex(0, rng.uniform(0.5, 2.0))}, rng)


@define(
    "risos", "a b c", "a b c", "F", "", "perp a b a c, cong a b a c, eqangle b a b c c b c a",
    draws="P a b c",
    says="Let {a}{b}{c} be an isosceles right triangle with the right angle at {a}.",
)
def _(v, rng):
    return _free({"a": 0j, "b": 1 + 0j, "c": 1j}, rng)


@define(
    "ieq_triangle", "a b c", "a b c", "F", "",
    "cong a b b c, cong b c c a, eqangle a b a c c a c b, eqangle c a c b b c b a",
    draws="P a b c",
    says="Let {a}{b}{c} be an equilateral triangle.",
)
def _(v, rng):
    return _free({"a": 0j, "b": 1 + 0j, "c": cmath.exp(1j * math.pi / 3)}, rng)


@define(
    "triangle12", "a b c", "a b c", "F", "", "rconst a b a c 1/2",
    draws="P a b c",
    says="Let {a}{b}{c} be a triangle with {a}{b} : {a}{c} = 1 : 2.",
)
def _(v, rng):
    ang = rng.uniform(0.2 * math.pi, 0.8 * math.pi)
    return _free({"a": 0j, "b": 1 + 0j, "c": 2 * cmath.exp(1j * ang)}, rng)


@define(
    "between", "c a b", "c a b", "F", "", "coll a b c, obtuse_angle a c b", dialect="NC",
    draws="L a c b",
    says="Let {a}{b} be a segment and {c} a point between {a} and {b}.",
)
def _(v, rng):
    return _free({"a": 0j, "b": 1 + 0j, "c": complex(rng.uniform(0.2, 0.8), 0)}, rng)


def _convex_quad(rng: np.random.Generator) -> list[complex]:
    angles = np.sort(rng.uniform(0, 2 * math.pi, 4))
    while np.min(np.diff(np.append(angles, angles[0] + 2 * math.pi))) < 0.4:
        angles = np.sort(rng.uniform(0, 2 * math.pi, 4))
    return [rng.uniform(0.7, 1.3) * cmath.exp(1j * t) for t in angles]


@define(
    "quadrangle", "a b c d", "a b c d", "F", "", "",
    draws="P a b c d",
    says="Let {a}{b}{c}{d} be a quadrilateral.",
)
def _(v, rng):
    return _free(dict(zip("abcd", _convex_quad(rng))), rng)


@define(
    "eq_quadrangle", "a b c d", "a b c d", "F", "", "cong d a b c",
    draws="P a b c d",
    says="Let {a}{b}{c}{d} be a quadrilateral with {a}{d} = {b}{c}.",
)
def _(v, rng):
    # |AD| = |BC|: d on the circle (a; |bc|), on the far side of ab from nothing in particular
    a, b = 0j, 1 + 0j
    c = complex(rng.uniform(0.6, 1.4), rng.uniform(0.5, 1.2))
    d = a + abs(c - b) * cmath.exp(1j * rng.uniform(0.45 * math.pi, 0.75 * math.pi))
    return _free({"a": a, "b": b, "c": c, "d": d}, rng)


@define(
    "eqdia_quadrangle", "a b c d", "a b c d", "F", "", "cong d b a c",
    draws="P a b c d",
    says="Let {a}{b}{c}{d} be a quadrilateral with equal diagonals {a}{c} = {b}{d}.",
)
def _(v, rng):
    a, b = 0j, 1 + 0j
    c = complex(rng.uniform(0.6, 1.4), rng.uniform(0.5, 1.2))
    d = b + abs(c - a) * cmath.exp(1j * rng.uniform(0.55 * math.pi, 0.8 * math.pi))
    return _free({"a": a, "b": b, "c": c, "d": d}, rng)


@define(
    "trapezoid", "a b c d", "a b c d", "F", "", "para a b c d",
    draws="P a b c d",
    says="Let {a}{b}{c}{d} be a trapezoid with {a}{b} ∥ {c}{d}.",
)
def _(v, rng):
    h = rng.uniform(0.5, 1.2)
    d = complex(rng.uniform(-0.3, 0.4), h)
    return _free({"a": 0j, "b": 1 + 0j, "c": d + rng.uniform(0.3, 0.8), "d": d}, rng)


@define(
    "r_trapezoid", "a b c d", "a b c d", "F", "", "para a b c d, perp a b a d",
    draws="P a b c d",
    says="Let {a}{b}{c}{d} be a right trapezoid with {a}{b} ∥ {c}{d} and {a}{b} ⊥ {a}{d}.",
)
def _(v, rng):
    d = complex(0, rng.uniform(0.5, 1.2))
    return _free({"a": 0j, "b": 1 + 0j, "c": d + rng.uniform(0.3, 1.5), "d": d}, rng)


def _iso_trapezoid(v, rng):
    h, w = rng.uniform(0.5, 1.2), rng.uniform(0.1, 0.4)
    return _free({"a": 0j, "b": 1 + 0j, "c": complex(1 - w, h), "d": complex(w, h)}, rng)


define(
    "eq_trapezoid", "a b c d", "a b c d", "F", "", "para d c a b, cong d a b c",
    draws="P a b c d",
    says="Let {a}{b}{c}{d} be an isosceles trapezoid with {a}{b} ∥ {c}{d} and {a}{d} = {b}{c}.",
)(_iso_trapezoid)
alias("iso_trapezoid", "eq_trapezoid")


@define(
    "rectangle", "a b c d", "a b c d", "F", "",
    "perp a b b c, para a b c d, para a d b c, perp a b a d, cong a b c d, cong a d b c, cong a c b d",
    draws="P a b c d",
    says="Let {a}{b}{c}{d} be a rectangle.",
)
def _(v, rng):
    h = rng.uniform(0.4, 1.6)
    return _free({"a": 0j, "b": 1 + 0j, "c": complex(1, h), "d": complex(0, h)}, rng)


@define(
    "isquare", "a b c d", "a b c d", "F", "",
    "perp a b b c, cong a b b c, para a b c d, para a d b c, perp a d d c, cong b c c d, "
    "cong c d d a, perp a c b d, cong a c b d",
    draws="P a b c d",
    says="Let {a}{b}{c}{d} be a square.",
)
def _(v, rng):
    return _free({"a": 0j, "b": 1 + 0j, "c": 1 + 1j, "d": 1j}, rng)


@define(
    "pentagon", "a b c d e", "a b c d e", "F", "", "",
    draws="P a b c d e",
    says="Let {a}{b}{c}{d}{e} be a pentagon.",
)
def _(v, rng):
    angles = np.sort(rng.uniform(0, 2 * math.pi, 5))
    while np.min(np.diff(np.append(angles, angles[0] + 2 * math.pi))) < 0.3:
        angles = np.sort(rng.uniform(0, 2 * math.pi, 5))
    return _free(dict(zip("abcde", (cmath.exp(1j * t) for t in angles))), rng)


@define(
    "test_r20", "o a b c", "o a b c", "F", "", "circle o a b c, coll o a c", dialect="NC",
    draws="C o a b c; L a o c; L a b; L b c",
    says="Let {a}{b}{c} be a triangle with the right angle at {b}, and {o} the midpoint of {a}{c}.",
)
def _(v, rng):
    t = rng.uniform(0.2 * math.pi, 0.8 * math.pi)
    return _free({"o": 0j, "a": -1 + 0j, "b": cmath.exp(1j * t), "c": 1 + 0j}, rng)


@define(
    "test_r25", "a b c d m", "a b c d m", "F", "", "midp m a b, midp m c d", dialect="NC",
    draws="L a m b; L c m d",
    says="Let {a}{b} and {c}{d} be segments with the common midpoint {m}.",
)
def _(v, rng):
    u = cmath.exp(1j * rng.uniform(0.2 * math.pi, 0.8 * math.pi)) * rng.uniform(0.5, 1.5)
    return _free({"a": -1 + 0j, "b": 1 + 0j, "c": -u, "d": u, "m": 0j}, rng)
