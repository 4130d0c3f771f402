"""Figures of numeric diagrams, as SVG or PNG (matplotlib, Agg backend).

What is drawn is read from the clause structure, not from the problem: each
construction ties its new points to others by lines (the sides of a triangle,
the line of ``on_line``, a foot with its base line and its perpendicular) and by
circles (``on_circle``, ``circle``, ``on_circum``…); its catalogue entry says which
(``Construction.draws``). Lines through the same points are merged and drawn from end to end
of the points on them; circles are drawn whole.

Auxiliary points (and what their constructions draw) come in a second colour,
dashed; highlighted points and predicates (e.g. a problem's goal) in red on top.

>>> from geometry.problem import parse_problem
>>> from geometry.diagram import realise
>>> p = parse_problem("t", "a b c = triangle a b c; d = foot d a b c")
>>> s = scene(realise(p, seed=0))
>>> sorted(sorted(line.points) for line in s.lines)
[['a', 'b'], ['a', 'c'], ['a', 'd'], ['b', 'c', 'd']]
"""
from __future__ import annotations

import cmath
import enum
import io
import math
import textwrap
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence, Union

from .predicates import Kind, Predicate, circumcenter
from .tolerance import LOCUS_EPS, NUMERIC_CHECK, SCALE_FLOOR, ZERO_LENGTH

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

    from .diagram import Diagram
    from .problem import ConstructionCall

class Layer(enum.Enum):
    """How an object is drawn: the problem's own figure, auxiliary, or emphasised."""

    MAIN = "main"
    AUX = "aux"
    HIGHLIGHT = "highlight"


@dataclass(frozen=True)
class LineItem:
    """A line drawn from end to end of the (collinear) points on it."""

    points: frozenset[str]
    layer: Layer


@dataclass(frozen=True)
class CircleItem:
    centre: complex
    radius: float
    points: frozenset[str]
    layer: Layer


@dataclass(frozen=True)
class Segment:
    """A highlighted segment between two points (a goal's side, chord, length)."""

    a: str
    b: str


@dataclass(frozen=True)
class Scene:
    """Everything a figure shows, before any drawing."""

    title: str
    subtitle: str
    points: Mapping[str, complex]
    lines: tuple[LineItem, ...]
    circles: tuple[CircleItem, ...]
    segments: tuple[Segment, ...]
    aux_points: frozenset[str]
    highlight_points: frozenset[str]


Highlight = Union[str, Predicate]


# ---------------------------------------------------------------------- scene
def scene(
    diagram: "Diagram",
    *,
    highlight: Iterable[Highlight] = (),
    aux_points: Iterable[str] = (),
) -> Scene:
    """The lines, circles and points a figure of ``diagram`` shows."""
    pts = diagram.points
    aux = frozenset(aux_points)
    lines: dict[Layer, list[set[str]]] = {Layer.MAIN: [], Layer.AUX: []}
    circles: dict[Layer, list[tuple[complex, float, set[str]]]] = {Layer.MAIN: [], Layer.AUX: []}
    for clause in diagram.problem.all_clauses(diagram.with_aux):
        layer = Layer.AUX if aux.intersection(clause.points) else Layer.MAIN
        for call in clause.constructions:
            for kind, names in _recipe_items(call):
                if kind == "L":
                    _add_line(lines[layer], names, pts)
                elif kind == "P":
                    for i, p in enumerate(names):
                        _add_line(lines[layer], (p, names[(i + 1) % len(names)]), pts)
                elif kind == "C":
                    _add_circle(circles[layer], pts[names[0]], abs(pts[names[1]] - pts[names[0]]), names[1:])
                elif kind == "O":
                    _add_circle_through(circles[layer], names, pts)
    aux_lines = [s for s in lines[Layer.AUX] if not any(_covers(m, s, pts) for m in lines[Layer.MAIN])]
    aux_circles = [c for c in circles[Layer.AUX] if not any(_same_circle(m, c) for m in circles[Layer.MAIN])]
    hl_points, segments, hl_circles = _highlights(highlight, pts)
    problem = diagram.problem
    return Scene(
        title=problem.name,
        subtitle="? " + "; ".join(str(g) for g in problem.goals) if problem.goals else "",
        points=dict(pts),
        lines=tuple(LineItem(frozenset(s), Layer.MAIN) for s in lines[Layer.MAIN])
        + tuple(LineItem(frozenset(s), Layer.AUX) for s in aux_lines),
        circles=tuple(CircleItem(c, r, frozenset(n), Layer.MAIN) for c, r, n in circles[Layer.MAIN])
        + tuple(CircleItem(c, r, frozenset(n), Layer.AUX) for c, r, n in aux_circles)
        + tuple(CircleItem(c, r, frozenset(n), Layer.HIGHLIGHT) for c, r, n in hl_circles),
        segments=tuple(segments),
        aux_points=aux & frozenset(pts),
        highlight_points=hl_points,
    )


_FEWEST_POINTS = {"L": 2, "P": 2, "C": 2, "O": 3}  # per drawn item kind


def _recipe_items(call: ConstructionCall) -> list[tuple[str, tuple[str, ...]]]:
    """The (kind, actual point names) items a construction call draws."""
    binding = call.binding()
    items = []
    for drawn in call.definition.draws:
        names = tuple(dict.fromkeys(str(binding[f]) for f in drawn.points))  # distinct, in order
        if len(names) >= _FEWEST_POINTS[drawn.kind.value]:
            items.append((drawn.kind.value, names))
    return items


def _collinear(names: Iterable[str], pts: Mapping[str, complex], tol: float = NUMERIC_CHECK) -> bool:
    zs = [pts[n] for n in names]
    a = zs[0]
    b = max(zs, key=lambda z: abs(z - a))
    length = abs(b - a)
    if length < ZERO_LENGTH:
        return True
    u = (b - a) / length
    return all(abs(((z - a) / u).imag) <= tol * length for z in zs)


def _add_line(groups: list[set[str]], names: Sequence[str], pts: Mapping[str, complex]) -> None:
    """Add a line, merging it with every existing line that is the same line."""
    new = set(names)
    if len(new) < 2:
        return
    same = [g for g in groups if _collinear(g | new, pts)]
    for g in same:
        groups.remove(g)
        new |= g
    groups.append(new)


def _covers(line: set[str], other: set[str], pts: Mapping[str, complex]) -> bool:
    """Whether ``other`` lies on ``line`` and within its drawn extent."""
    if not _collinear(line | other, pts):
        return False
    lo, hi = _extent(line, pts)
    u = (hi - lo) / abs(hi - lo)
    span = abs(hi - lo)
    return all(-LOCUS_EPS * span <= ((pts[n] - lo) / u).real <= span * (1 + LOCUS_EPS) for n in other)


def _extent(names: Iterable[str], pts: Mapping[str, complex]) -> tuple[complex, complex]:
    """The two points of a collinear set that are farthest apart."""
    zs = [pts[n] for n in names]
    a = max(zs, key=lambda z: abs(z - zs[0]))
    b = max(zs, key=lambda z: abs(z - a))
    return a, b


def _same_circle(c1: tuple[complex, float, set[str]], c2: tuple[complex, float, set[str]]) -> bool:
    scale = max(c1[1], c2[1])
    return abs(c1[0] - c2[0]) <= NUMERIC_CHECK * scale and abs(c1[1] - c2[1]) <= NUMERIC_CHECK * scale


def _add_circle(
    circles: list[tuple[complex, float, set[str]]],
    centre: complex,
    radius: float,
    names: Iterable[str],
) -> None:
    if radius < SCALE_FLOOR:
        return
    new = (centre, radius, set(names))
    for i, old in enumerate(circles):
        if _same_circle(old, new):
            circles[i] = (old[0], old[1], old[2] | new[2])
            return
    circles.append(new)


def _add_circle_through(
    circles: list[tuple[complex, float, set[str]]], names: Sequence[str], pts: Mapping[str, complex]
) -> None:
    centre = circumcenter(pts[names[0]], pts[names[1]], pts[names[2]])
    if centre is not None:
        _add_circle(circles, centre, abs(pts[names[0]] - centre), names)


_PAIRED = {
    Kind.PARA, Kind.NPARA, Kind.PERP, Kind.NPERP, Kind.CONG, Kind.EQANGLE, Kind.EQANGLE6,
    Kind.EQRATIO, Kind.EQRATIO6, Kind.ACONST, Kind.RCONST, Kind.R2CONST, Kind.LCONST,
    Kind.L2CONST, Kind.ACOMPUTE, Kind.RCOMPUTE, Kind.LCOMPUTE,
}
_TRIANGLES = {Kind.SIMTRI, Kind.SIMTRI2, Kind.CONTRI, Kind.CONTRI2}


def _highlights(
    items: Iterable[Highlight], pts: Mapping[str, complex]
) -> tuple[frozenset[str], list[Segment], list[tuple[complex, float, set[str]]]]:
    """Points, segments and circles that emphasise point names and predicates."""
    points: set[str] = set()
    segments: list[Segment] = []
    circles: list[tuple[complex, float, set[str]]] = []

    def seg(a: str, b: str) -> None:
        if a != b and Segment(a, b) not in segments and Segment(b, a) not in segments:
            segments.append(Segment(a, b))

    for item in items:
        if isinstance(item, str):
            if item in pts:
                points.add(item)
            continue
        names = [n for n in item.points if n in pts]
        if len(names) != len(item.points):
            continue
        points.update(names)
        k = item.kind
        if k in _PAIRED:
            for i in range(0, len(names) - 1, 2):
                seg(names[i], names[i + 1])
        elif k in _TRIANGLES:
            for tri in (names[:3], names[3:]):
                for i in range(3):
                    seg(tri[i], tri[(i + 1) % 3])
        elif k in (Kind.COLL, Kind.MIDP):
            a, b = _extent(names, pts)
            ends = [n for n in names if pts[n] in (a, b)]
            seg(ends[0], ends[-1])
        elif k is Kind.CYCLIC and len(names) >= 3:
            _add_circle_through(circles, names, pts)
        elif k is Kind.CIRCLE:
            _add_circle(circles, pts[names[0]], abs(pts[names[1]] - pts[names[0]]), names[1:])
    return frozenset(points), segments, circles


# ---------------------------------------------------------------------- drawing
_INK = "#303030"
_CIRCLE_INK = "#2a6fb0"
_AUX_INK = "#e07000"
_HIGHLIGHT_INK = "#d62728"
_FORMATS = ("svg", "png")


def draw(
    diagram: "Diagram",
    path: str | Path,
    *,
    highlight: Iterable[Highlight] = (),
    aux_points: Iterable[str] = (),
) -> None:
    """Write a figure of ``diagram`` to ``path``; the format (SVG or PNG) follows its suffix."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in _FORMATS:
        raise ValueError(f"cannot write a figure as {path.suffix or 'a file without suffix'!r}: use .svg or .png")
    path.write_bytes(_render(scene(diagram, highlight=highlight, aux_points=aux_points), fmt))


def figure_svg(
    diagram: "Diagram",
    *,
    highlight: Iterable[Highlight] = (),
    aux_points: Iterable[str] = (),
) -> str:
    """A figure of ``diagram`` as SVG text (e.g. to embed in HTML)."""
    return _render(scene(diagram, highlight=highlight, aux_points=aux_points), "svg").decode("utf-8")


_FIG_INCHES = 6.4
_AXES = (0.03, 0.03, 0.94, 0.86)  # left, bottom, width, height (figure fractions)
_LABEL_PT = 12  # label font size
_LABEL_GAP = 11.0  # distance of a label's centre from its point, in typographic points


def _render(sc: Scene, fmt: str) -> bytes:
    return _save(*_build(sc), fmt)


def _build(sc: Scene):
    """The matplotlib figure of a scene and its axes (not yet saved)."""
    # Chosen here, not at import: the Agg canvas, with no pyplot and no global state.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(_FIG_INCHES, _FIG_INCHES))
    FigureCanvasAgg(fig)
    ax = fig.add_axes(_AXES)
    _draw_scene(ax, sc)
    fig.text(0.5, 0.97, "\n".join(textwrap.wrap(sc.title, 64)) or " ", ha="center", va="top",
             fontsize=10.5, fontweight="bold", parse_math=False)
    if sc.subtitle:
        fig.text(0.5, 0.905, "\n".join(textwrap.wrap(sc.subtitle, 80)), ha="center", va="center",
                 fontsize=9.5, color=_HIGHLIGHT_INK if sc.segments or sc.highlight_points else _INK,
                 parse_math=False)
    return fig, ax


def _save(fig, ax, fmt: str) -> bytes:
    out = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    fig.savefig(out, format=fmt, dpi=150, metadata=metadata, facecolor="white")
    return out.getvalue()


def _draw_scene(ax: "Axes", sc: Scene) -> None:
    from matplotlib.patches import Circle as CirclePatch

    pts = sc.points
    ax.set_aspect("equal")
    ax.set_axis_off()
    style: dict[Layer, dict[str, Any]] = {
        Layer.MAIN: dict(color=_INK, lw=1.2, ls="-", zorder=2),
        Layer.AUX: dict(color=_AUX_INK, lw=1.2, ls=(0, (5, 3)), zorder=1),
        Layer.HIGHLIGHT: dict(color=_HIGHLIGHT_INK, lw=2.6, ls="-", zorder=3, alpha=0.75),
    }
    for line in sc.lines:
        a, b = _extent(line.points, pts)
        ax.plot([a.real, b.real], [a.imag, b.imag], solid_capstyle="round", **style[line.layer])
    for c in sc.circles:
        kw = dict(style[c.layer])
        if c.layer is Layer.MAIN:
            kw["color"] = _CIRCLE_INK
        ax.add_patch(CirclePatch((c.centre.real, c.centre.imag), c.radius, fill=False, **kw))
    for s in sc.segments:
        a, b = pts[s.a], pts[s.b]
        ax.plot([a.real, b.real], [a.imag, b.imag], solid_capstyle="round", **style[Layer.HIGHLIGHT])
    side = _set_limits(ax, sc)
    # with equal aspect the square frame fills the shorter side of the axes box
    points_per_unit = min(_AXES[2], _AXES[3]) * _FIG_INCHES * 72 / side
    offsets = _place_labels(sc, points_per_unit)
    for name, z in pts.items():
        if name in sc.highlight_points:
            colour, size, weight = _HIGHLIGHT_INK, 6.5, "bold"
        elif name in sc.aux_points:
            colour, size, weight = _AUX_INK, 5.0, "normal"
        else:
            colour, size, weight = _INK, 5.0, "normal"
        ax.plot([z.real], [z.imag], "o", color=colour, ms=size, zorder=5, mec="white", mew=0.8)
        off = offsets[name]
        ax.annotate(
            name, (z.real, z.imag), xytext=(off.real, off.imag), textcoords="offset points",
            ha="center", va="center", fontsize=_LABEL_PT, color=colour, fontweight=weight, zorder=6,
            parse_math=False,
        )


def _set_limits(ax: "Axes", sc: Scene) -> float:
    """Frame the points, and the circles unless one is much larger than the figure; the frame's side."""
    zs = list(sc.points.values()) or [0j]
    xs, ys = [z.real for z in zs], [z.imag for z in zs]
    span = max(max(xs) - min(xs), max(ys) - min(ys), SCALE_FLOOR)
    for c in sc.circles:
        if c.radius <= 1.5 * span:
            xs += [c.centre.real - c.radius, c.centre.real + c.radius]
            ys += [c.centre.imag - c.radius, c.centre.imag + c.radius]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    side = max(x1 - x0, y1 - y0) * 1.12  # a square frame with room for the labels
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    ax.set_xlim(cx - side / 2, cx + side / 2)
    ax.set_ylim(cy - side / 2, cy + side / 2)
    return side


def _place_labels(sc: Scene, points_per_unit: float) -> dict[str, complex]:
    """Offsets (in typographic points) of the labels, each put where it hides the least.

    Candidates lie on two rings around the point; a candidate is penalised for every
    line, circle, point and already placed label that its (round) box would cover.
    """
    # everything in typographic points from here on
    pts = {n: z * points_per_unit for n, z in sc.points.items()}
    marks = _Marks(
        segments=[_extent(line.points, pts) for line in sc.lines] + [(pts[s.a], pts[s.b]) for s in sc.segments],
        circles=[(c.centre * points_per_unit, c.radius * points_per_unit) for c in sc.circles],
        labels=[],
    )
    centroid = sum(pts.values()) / max(len(pts), 1)
    offsets: dict[str, complex] = {}
    for name, z in pts.items():
        rho = 4.5 + 3.5 * len(name)  # rough radius of the label's box
        outward = z - centroid
        outward = outward / abs(outward) if abs(outward) > SCALE_FLOOR else 1j
        others = [w for n, w in pts.items() if n != name]
        rings = (_LABEL_GAP + 1.5 * (len(name) - 1), _LABEL_GAP + 8 + 1.5 * (len(name) - 1))
        candidates = [r * cmath.exp(2j * math.pi * k / 24) for r in rings for k in range(24)]
        best = min(candidates, key=lambda off: marks.cost(z, off, rho, others) - 0.05 * _cos(off, outward))
        offsets[name] = best
        marks.labels.append((z + best, rho))
    return offsets


@dataclass
class _Marks:
    """What a label should not cover, in typographic points."""

    segments: list[tuple[complex, complex]]
    circles: list[tuple[complex, float]]
    labels: list[tuple[complex, float]]  # centre and radius of the labels placed so far

    def cost(self, z: complex, off: complex, rho: float, others: list[complex]) -> float:
        c = z + off
        pen = sum(max(0.0, 1 - _dist_to_segment(c, a, b) / rho) for a, b in self.segments)
        pen += sum(max(0.0, 1 - abs(abs(c - o) - r) / rho) for o, r in self.circles)
        pen += sum(2 * max(0.0, 1 - abs(c - w) / (rho + 4)) for w in others)
        pen += sum(3 * max(0.0, 1 - abs(c - q) / (rho + r)) for q, r in self.labels)
        return pen + 0.1 * abs(off) / _LABEL_GAP  # nearer is better


def _cos(u: complex, v: complex) -> float:
    return (u * v.conjugate()).real / (abs(u) * abs(v))


def _dist_to_segment(p: complex, a: complex, b: complex) -> float:
    d = b - a
    if abs(d) < ZERO_LENGTH:
        return abs(p - a)
    t = min(1.0, max(0.0, ((p - a) / d).real))
    return abs(p - (a + t * d))


# ---------------------------------------------------------------------- interactive figures
@dataclass(frozen=True)
class SvgFigure:
    """An SVG figure and the map from diagram coordinates to its SVG user units.

    Lets a page draw over the figure (e.g. highlight the points of a proof step):
    ``at(z)`` is where the diagram point ``z`` lies in the SVG, ``scale`` how many
    SVG units one diagram unit is.
    """

    svg: str
    width: float
    height: float
    origin: complex  # SVG position of the diagram's 0 (y down)
    scale: float

    def at(self, z: complex) -> tuple[float, float]:
        return (self.origin.real + self.scale * z.real, self.origin.imag - self.scale * z.imag)


def figure_bytes(
    diagram: "Diagram",
    fmt: str,
    *,
    highlight: Iterable[Highlight] = (),
    aux_points: Iterable[str] = (),
    subtitle: str | None = None,
) -> bytes:
    """The figure as SVG or PNG bytes; ``subtitle`` replaces the goal line under the title."""
    if fmt not in _FORMATS:
        raise ValueError(f"cannot write a figure as {fmt!r}: use svg or png")
    return _save(*_build(_subtitled(scene(diagram, highlight=highlight, aux_points=aux_points), subtitle)), fmt)


def _subtitled(sc: Scene, subtitle: str | None) -> Scene:
    return sc if subtitle is None else replace(sc, subtitle=subtitle)


def figure_svg_layout(
    diagram: "Diagram",
    *,
    highlight: Iterable[Highlight] = (),
    aux_points: Iterable[str] = (),
    subtitle: str | None = None,
) -> SvgFigure:
    """:func:`figure_svg`, with the position of the diagram in the SVG's coordinates."""
    fig, ax = _build(_subtitled(scene(diagram, highlight=highlight, aux_points=aux_points), subtitle))
    svg = _save(fig, ax, "svg").decode("utf-8")
    to_pt = 72.0 / fig.dpi  # display pixels -> SVG points
    height = fig.get_figheight() * 72.0
    x0, y0 = ax.transData.transform((0.0, 0.0))
    x1, _ = ax.transData.transform((1.0, 0.0))
    return SvgFigure(
        svg=svg,
        width=fig.get_figwidth() * 72.0,
        height=height,
        origin=complex(float(x0) * to_pt, height - float(y0) * to_pt),
        scale=float(x1 - x0) * to_pt,
    )


def highlight_marks(
    items: Iterable[Highlight], pts: Mapping[str, complex]
) -> tuple[frozenset[str], tuple[Segment, ...], tuple[CircleItem, ...]]:
    """The points, segments and circles that emphasise ``items`` (point names, predicates)."""
    points, segments, circles = _highlights(items, pts)
    return (
        points,
        tuple(segments),
        tuple(CircleItem(c, r, frozenset(n), Layer.HIGHLIGHT) for c, r, n in circles),
    )
