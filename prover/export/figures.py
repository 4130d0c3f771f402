"""Figures of a proof: which points are auxiliary, what is highlighted, and SVG for pages.

The figure of a problem shows its auxiliary constructions (the clauses after
``|``) in the second colour and highlights the goal's objects. For HTML the SVG
is made embeddable (no XML prolog, ids prefixed so that several figures can
share a page) and comes with the map from diagram coordinates to SVG units, so
that the page can draw the points of a step over it.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from html import escape
from pathlib import Path

from geometry.diagram import Diagram
from geometry.figure import SvgFigure, figure_bytes, figure_svg_layout, highlight_marks
from geometry.predicates import Predicate
from geometry.problem import Problem

from .wording import Labels, goal_sentence


def aux_points(problem: Problem, diagram: Diagram) -> tuple[str, ...]:
    """The points of the auxiliary constructions that the diagram holds."""
    if not diagram.with_aux:
        return ()
    return tuple(p for c in problem.aux for p in c.points if p in diagram.points)


def goal_of(problem: Problem, goal: Predicate | None = None) -> tuple[Predicate, ...]:
    """The goal to highlight: ``goal`` (a proof's) as the problem writes it, else the problem's first."""
    if goal is None:
        return problem.goals[:1]
    written = [g for g in problem.goals if g.canonical() == goal.canonical()]
    return (written[0] if written else goal,)


@dataclass(frozen=True)
class _Drawing:
    """A diagram renamed to the documents' labels (A, not a), with what to emphasise."""

    diagram: Diagram
    highlight: tuple[Predicate, ...]
    aux: tuple[str, ...]
    subtitle: str


def _drawing(diagram: Diagram, goal: Predicate | None, titled: bool = True) -> _Drawing:
    """``titled``: the figure shows the problem's name (a page has its own heading)."""
    problem = diagram.problem
    labels = Labels(problem.points())
    names = labels.mapping()
    goals = goal_of(problem, goal)
    drawn = diagram.rename(names)
    if not titled:
        drawn = replace(drawn, problem=replace(drawn.problem, name=""))
    return _Drawing(
        diagram=drawn,
        highlight=tuple(g.rename(names) for g in goals),
        aux=tuple(names.get(p, p) for p in aux_points(problem, diagram)),
        subtitle=goal_sentence(list(goals), labels) if goals else "",
    )


def write_figure(diagram: Diagram, path: str | Path, goal: Predicate | None = None) -> None:
    """Draw ``diagram`` to ``path`` (.svg or .png) with the documents' labels, the goal
    highlighted and in words, auxiliary constructions in the second colour."""
    path = Path(path)
    d = _drawing(diagram, goal)
    fmt = path.suffix.lower().lstrip(".")
    path.write_bytes(figure_bytes(d.diagram, fmt, highlight=d.highlight, aux_points=d.aux, subtitle=d.subtitle))


@dataclass(frozen=True)
class Marks:
    """What a hovered line shows on the figure, in SVG units."""

    points: tuple[tuple[float, float], ...]
    segments: tuple[tuple[float, float, float, float], ...]
    circles: tuple[tuple[float, float, float], ...]

    def as_json(self) -> dict:
        r = lambda xs: [round(x, 2) for x in xs]
        return {
            "points": [r(p) for p in self.points],
            "segments": [r(s) for s in self.segments],
            "circles": [r(c) for c in self.circles],
        }


@dataclass(frozen=True)
class PageFigure:
    """An SVG ready to inline in a page, and where things are in it."""

    svg: str
    layout: SvgFigure
    points: Mapping[str, complex]
    has_aux: bool = False  # auxiliary constructions are drawn (second colour)
    has_goal: bool = False  # the goal is highlighted

    def marks(self, items: Iterable[Predicate | str]) -> Marks:
        pts, segments, circles = highlight_marks(list(items), self.points)
        at = self.layout.at
        scale = self.layout.scale
        return Marks(
            points=tuple(at(self.points[p]) for p in sorted(pts)),
            segments=tuple((*at(self.points[s.a]), *at(self.points[s.b])) for s in segments),
            circles=tuple((*at(c.centre), c.radius * scale) for c in circles),
        )


_PROLOG = re.compile(r"^.*?(?=<svg)", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
_ID = re.compile(r'\bid="([^"]+)"')
_REF = re.compile(r'(url\(#|xlink:href="#|href="#)([^)"]+)')


def page_figure(diagram: Diagram, prefix: str, goal: Predicate | None = None) -> PageFigure:
    """The figure as inline SVG: ids prefixed with ``prefix``, sized by its container.

    It has no title: the page's heading beside it names the problem (a long name
    would wrap over the drawing, and say the same thing twice)."""
    d = _drawing(diagram, goal, titled=False)
    layout = figure_svg_layout(d.diagram, highlight=d.highlight, aux_points=d.aux, subtitle=d.subtitle)
    svg = _PROLOG.sub("", layout.svg, count=1)
    svg = _METADATA.sub("", svg)
    svg = _ID.sub(lambda m: f'id="{prefix}{m.group(1)}"', svg)
    svg = _REF.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}", svg)
    label = escape(f"Figure of {diagram.problem.name}", quote=True)  # the title it does not draw
    svg = re.sub(
        r'<svg ([^>]*?)width="[^"]*" height="[^"]*"',
        lambda m: f'<svg {m.group(1)}class="gp-svg" role="img" aria-label="{label}"',
        svg,
        count=1,
    )
    svg = svg.replace("</svg>", '<g class="gp-overlay"></g>\n</svg>')
    return PageFigure(svg.strip(), layout, diagram.points, has_aux=bool(d.aux), has_goal=bool(d.highlight))
