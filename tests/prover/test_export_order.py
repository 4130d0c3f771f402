"""Every auxiliary point is introduced before anything mentions it, in every format.

A configuration hypothesis may name an auxiliary point ("H1. triangles ABF and DCE
have the same orientation", F auxiliary). The hypotheses are stated before the proof,
so the construction of such a point comes with the givens, before them; the other
constructions still come just before the first step that needs them.

The problems below are search proofs of jgex problems (E069-8, yL157-1, E061-61)
with the auxiliary clause the search found written after ``|``, so that DD+AR proves
them at once.
"""
from __future__ import annotations

import html
import json
import re

import pytest

from geometry.problem import parse_problem
from prover.export import AuxIntro, Line, build_document, render
from prover.export.markdown import escape as md_escape
from prover.prove import prove_ddar

PROBLEMS = {
    # H1 names F: triangles ABF and DCE have the same orientation
    "aux_parallelogram": "a b c = triangle a b c; d = parallelogram a b c d; e = eqangle2 e d a b "
    "| f = parallelogram a d e f ? eqangle d a a e e c c d",
    # H1 names F: E lies outside segment AD exactly when F lies outside segment AB
    "aux_circumcentre": "a b d = triangle a b d; e = midpoint e d a; c = angle_bisector c a b d, on_dia c a b "
    "| f = circle f a b c ? para c e b d",
    # H1 names J: B lies between G and J
    "aux_reflection": "a b = segment a b; c = on_circle c a b; d = on_circle d a b; "
    "e = lc_tangent e c a, lc_tangent e d a; f = lc_tangent f b a, on_line f c e; "
    "h = on_pline h c b f, on_line h b d; g = on_line g d e, on_line g b f; i = on_line i b e, on_line i c h "
    "| j = reflect j e a g ? cong c i i h",
}


@pytest.fixture(scope="module", params=sorted(PROBLEMS))
def outcome(request):
    out = prove_ddar(parse_problem(request.param, PROBLEMS[request.param]), seed=0, timeout=30)
    assert out.proof is not None and out.check.ok, f"{request.param} is no longer proven"
    aux = {p for c in out.problem.aux for p in c.points}
    # what this file is about: a hypothesis that names an auxiliary point
    assert any(aux & set(c.points) for c in out.proof.conditions), (
        f"the proof of {request.param} no longer states a hypothesis naming {sorted(aux)}; "
        "pick another problem whose proof does"
    )
    return out


def _mentions(doc, item) -> set[str]:
    """The points an item of the document names."""
    if isinstance(item, AuxIntro):
        clause = doc.problem.all_clauses()[item.clause - 1]
        return set(clause.points) | {p for q in clause.premises() for p in q.points}
    if isinstance(item, Line):
        return set(item.points)
    return set(item.points)  # a Sentence: setup, goal or hypothesis


def test_the_document_introduces_each_aux_point_before_mentioning_it(outcome) -> None:
    doc = build_document(outcome.proof, outcome.diagram.points)
    reading = [*doc.setup, doc.goal, *doc.givens, *doc.constructions, *doc.hypotheses, *doc.body]
    first: dict[str, object] = {}
    for item in reading:
        for p in _mentions(doc, item):
            first.setdefault(p, item)
    assert doc.aux_points
    for p in doc.aux_points:
        intro = first[p]
        assert isinstance(intro, AuxIntro) and p in intro.points, (p, intro)
    # the construction a hypothesis names comes before the hypotheses, with its premises
    assert any(isinstance(x, AuxIntro) for x in doc.constructions)
    numbers = [x.number for x in doc.lines]
    assert numbers == list(range(1, len(numbers) + 1))
    assert all(u < x.number for x in doc.lines for u in x.uses)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _label(doc, p: str) -> re.Pattern[str]:
    """A point's label as a word of the text (F in "ABF" or "F,", not in "Figure" or "H1")."""
    return re.compile(rf"(?<![a-z]){re.escape(doc.labels(p))}(?![a-z0-9₀-₉'])")


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_every_format_first_mentions_an_aux_point_in_its_construction(outcome, fmt: str) -> None:
    doc = build_document(outcome.proof, outcome.diagram.points)
    page = render([outcome], fmt)
    if fmt == "html":  # the text column, as read (the figure draws every point at once)
        page = page[page.index('<div class="text">'): page.index('<script type="application/json"')]
        page = html.unescape(re.sub(r"<[^>]+>", " ", page))
    page = _flat(page)
    shown = lambda text: _flat(md_escape(text) if fmt == "markdown" else text)  # noqa: E731
    if doc.convention:  # its example angles (∠XVY, ∠(AB, CD)) name no point
        page = page.replace(shown(doc.convention), "")
    where = {}
    for intro in doc.aux_intros:
        sentence = shown(intro.text)
        at = where[intro.clause] = page.index(sentence)
        for p in intro.points:
            m = _label(doc, p).search(page)
            first = m.start() if m else -1
            assert at <= first < at + len(sentence), (
                f"{fmt}: {doc.labels(p)} is mentioned before its construction: "
                f"...{page[max(0, first - 80): first + 20]}..."
            )
    # and a hypothesis comes after the constructions of the points it names
    for h in doc.hypotheses:
        named = [where[i.clause] for i in doc.aux_intros if set(i.points) & set(h.points)]
        assert all(page.index(shown(h.text)) > at for at in named), h.text


def test_json_numbers_the_construction_before_the_lines_that_name_its_points(outcome) -> None:
    data = json.loads(render([outcome], "json"))
    aux = {p for a in data["aux"] for p in a["points"]}
    shown = [
        (x["shown_as"], set(x["statement" if "statement" in x else "conclusion"]["points"]), x.get("clause"))
        for x in data["premises"] + data["steps"]
        if x.get("shown_as") is not None
    ]
    n_main = len(outcome.problem.clauses)
    for p in aux:
        construction = min(n for n, pts, clause in shown if p in pts and (clause or 0) > n_main)
        assert all(n >= construction for n, pts, _ in shown if p in pts), p
    # the aux constructions precede the hypotheses in the document too
    keys = list(data)
    assert keys.index("aux") < keys.index("hypotheses")
