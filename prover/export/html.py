"""HTML: one self-contained page (no network), a section per problem.

Each section holds the figure as inline SVG beside the statement and the numbered
proof. Hovering a line (or focusing it with the keyboard) draws its points,
segments and circles over the figure and marks the lines it cites; clicking pins
it. The drawing data sits in a JSON block beside each figure; a small script
(below, inline) does the rest.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape

from geometry.problem import Clause

from .configuration import answer_line, conclusion, figure_note
from .document import AuxIntro, Item, Line, ProofDoc
from .figures import Marks, PageFigure


@dataclass(frozen=True)
class Section:
    """One problem's part of the page: a proof, or a statement with a message."""

    anchor: str  # id prefix, unique in the page
    title: str
    figure: PageFigure | None
    html: str  # the text column
    marks: dict[str, Marks]  # highlight key -> what it shows


def _hover(key: str, extra: str = "") -> str:
    return f'data-hl="{key}" tabindex="0"{extra}'


def _line(doc_anchor: str, line: Line) -> str:
    refs = [f'<a class="cite" href="#{doc_anchor}-l{u}">{u}</a>' for u in line.uses]
    refs += [f'<a class="cite" href="#{doc_anchor}-h{h}">H{h}</a>' for h in line.hypotheses]
    cites = ", ".join(refs)
    cited = f' data-uses="{" ".join(map(str, line.uses))}"' if line.uses else ""
    return (
        f'<li value="{line.number}" id="{doc_anchor}-l{line.number}" class="line {line.kind}" '
        f'{_hover(f"l{line.number}", cited)}>'
        f'<span class="stmt">{escape(line.text)}</span> '
        f'<span class="reason">{escape(line.reason)}{f" [{cites}]" if cites else ""}</span></li>'
    )


def _items(
    anchor: str, items: tuple[Item, ...], clauses: tuple[Clause, ...], figure: PageFigure | None,
    marks: dict[str, Marks],
) -> list[str]:
    """Numbered lines inside an open list; a construction closes it and opens the next."""
    out = []
    for item in items:
        if isinstance(item, AuxIntro):
            key = f"x{item.clause}"
            out.append(
                f'</ol><p class="aux" {_hover(key)}><span class="tag">Auxiliary construction</span> '
                f'{escape(item.text)}</p><ol class="lines">'
            )
            if figure is not None:
                marks[key] = figure.marks([*clauses[item.clause - 1].premises(), *item.points])
        else:
            out.append(_line(anchor, item))
    return out


def proof_section(doc: ProofDoc, figure: PageFigure | None, anchor: str, notes: tuple[str, ...] = ()) -> Section:
    """The section of a proven problem."""
    clauses = doc.problem.all_clauses()
    marks: dict[str, Marks] = {}
    out = [_statement(doc.problem.clauses, [s.text for s in doc.setup], figure, marks)]
    out.append(f'<p class="goal" {_hover("goal")}><strong>{escape(doc.goal.text)}</strong></p>')
    if figure is not None:
        marks["goal"] = figure.marks([doc.proof.goal])
    if doc.convention:
        out.append(f'<p class="convention">{escape(doc.convention)}</p>')
    out.append('<h3>Given</h3><ol class="lines">')
    out += _items(anchor, doc.givens + doc.constructions, clauses, figure, marks)
    if doc.hypotheses:
        out.append(f'</ol><h3>Configuration</h3><p>{escape(figure_note(len(doc.hypotheses)))}</p><ul class="hyps">')
        for i, h in enumerate(doc.hypotheses, start=1):
            out.append(f'<li id="{anchor}-h{i}" {_hover(f"h{i}")}>H{i}. {escape(h.text)}.</li>')
            if figure is not None:
                marks[f"h{i}"] = figure.marks(list(h.points))
        out.append("</ul><ol>")
    out.append('</ol><h3>Proof</h3><ol class="lines">')
    out += _items(anchor, doc.body, clauses, figure, marks)
    out.append("</ol>")
    out.append(f'<p class="qed">{escape(conclusion(doc))}</p>')
    out += [f'<p class="note">{escape(n)}</p>' for n in notes]
    answer = answer_line(doc)
    if answer:
        out.append(f'<p class="answer"><strong>{escape(answer)}</strong></p>')
    if figure is not None:
        for x in doc.lines:
            marks[f"l{x.number}"] = figure.marks([x.pred, *x.points])
    return Section(anchor, doc.name, figure, "\n".join(out), marks)


def message_section(
    title: str, clauses: tuple[Clause, ...], setup: list[str], goal: str, message: str,
    figure: PageFigure | None, anchor: str,
) -> Section:
    """The section of a problem without a proof: statement, figure and why."""
    marks: dict[str, Marks] = {}
    body = [
        _statement(clauses, setup, figure, marks),
        f'<p class="goal"><strong>{escape(goal)}</strong></p>',
        f'<p class="note">{escape(message)}</p>',
    ]
    return Section(anchor, title, figure, "\n".join(body), marks)


def _statement(clauses, sentences: list[str], figure: PageFigure | None, marks: dict[str, Marks]) -> str:
    parts = []
    for i, (clause, text) in enumerate(zip(clauses, sentences), start=1):
        key = f"s{i}"
        if figure is not None:
            marks[key] = figure.marks([*clause.premises(), *clause.points])
        parts.append(f'<span class="sentence" {_hover(key)}>{escape(text)}</span>')
    return f'<p class="statement">{" ".join(parts)}</p>'


def page(sections: list[Section], title: str) -> str:
    """The whole page."""
    body = []
    for s in sections:
        data = json.dumps({k: m.as_json() for k, m in s.marks.items()}, separators=(",", ":"))
        fig = (
            f'<figure class="fig">{s.figure.svg}<figcaption>{legend(s.figure)}</figcaption></figure>'
            if s.figure is not None
            else ""
        )
        body.append(
            f'<section class="problem" id="{s.anchor}">\n<h2>{escape(s.title)}</h2>\n'
            f'<div class="layout">\n{fig}\n<div class="text">\n{s.html}\n</div>\n</div>\n'
            f'<script type="application/json" class="gp-data">{_script_safe(data)}</script>\n</section>'
        )
    return _PAGE.format(title=escape(title), style=_STYLE, body="\n".join(body), script=_SCRIPT)


def _script_safe(text: str) -> str:
    return text.replace("</", "<\\/")


def legend(figure: PageFigure) -> str:
    """The key of a figure: only the colours it uses."""
    parts = ["Black: the figure"]
    if figure.has_aux:
        parts.append('<span class="k-aux">orange, dashed: auxiliary constructions</span>')
    if figure.has_goal:
        parts.append('<span class="k-goal">red: the goal</span>')
    parts.append('<span class="k-hl">blue: the line under the pointer</span>')
    return " · ".join(parts) + ". Hover over or click a line of the text to see it in the figure."


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="geoprover">
<title>{title}</title>
<style>{style}</style>
</head>
<body>
<main>
{body}
</main>
<script>{script}</script>
</body>
</html>
"""

_STYLE = """
:root { --ink: #222; --muted: #666; --hl: #1f5fd6; --goal: #d62728; --aux: #e07000; --bg-hl: #e8f0ff; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff;
  font: 16px/1.5 "Noto Serif", "DejaVu Serif", Georgia, serif; }
main { max-width: 1400px; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h2 { font-size: 1.2rem; margin: 1.5rem 0 0.75rem; overflow-wrap: anywhere;
  font-family: "DejaVu Sans", system-ui, sans-serif; }
h3 { font-size: 1rem; margin: 1.2rem 0 0.3rem; font-family: "DejaVu Sans", system-ui, sans-serif; }
section.problem { border-top: 1px solid #ddd; }
section.problem:first-child { border-top: none; }
.layout { display: flex; gap: 2rem; align-items: flex-start; }
figure.fig { flex: 0 0 44%; margin: 0; position: sticky; top: 0.5rem; }
.gp-svg { width: 100%; height: auto; display: block; border: 1px solid #eee; }
figcaption { font-size: 0.8rem; color: var(--muted); margin-top: 0.3rem;
  font-family: "DejaVu Sans", system-ui, sans-serif; }
.k-aux { color: var(--aux); } .k-goal { color: var(--goal); } .k-hl { color: var(--hl); }
.text { flex: 1 1 auto; min-width: 0; }
.statement .sentence, .goal, p.aux { border-radius: 3px; }
.goal { margin: 0.6rem 0; }
.convention { font-size: 0.85rem; color: var(--muted); font-style: italic; }
ol.lines { margin: 0; padding-left: 3.2em; }
li.line { padding: 0.1rem 0.3rem; border-radius: 3px; cursor: pointer; }
li.line .reason { color: var(--muted); font-size: 0.9em; }
li.line .reason::before { content: "— "; }
a.cite { color: var(--hl); text-decoration: none; }
p.aux { margin: 0.4rem 0 0.4rem 1.4em; padding: 0.1rem 0.3rem; cursor: pointer; }
p.aux .tag { color: var(--aux); font-weight: bold; margin-right: 0.3em; }
[data-hl]:hover, [data-hl]:focus, [data-hl].active { background: var(--bg-hl); outline: none; }
[data-hl].pinned { box-shadow: inset 3px 0 0 var(--hl); }
li.line.cited { background: #f3f3f3; }
.qed { margin-top: 0.8rem; }
.note { color: #a00; }
.gp-overlay line, .gp-overlay circle.ring { stroke: var(--hl); fill: none; stroke-linecap: round; }
.gp-overlay circle.dot { fill: var(--hl); }
@media (max-width: 900px) { .layout { display: block; } figure.fig { position: static; max-width: 36rem; } }
@media print { figure.fig { position: static; } [data-hl] { background: none !important; } }
"""

_SCRIPT = r"""
(function () {
  "use strict";
  var SVGNS = "http://www.w3.org/2000/svg";
  function el(name, attrs) {
    var e = document.createElementNS(SVGNS, name);
    for (var k in attrs) { e.setAttribute(k, attrs[k]); }
    return e;
  }
  function setup(section) {
    var holder = section.querySelector("script.gp-data");
    var data = holder ? JSON.parse(holder.textContent) : {};
    var overlay = section.querySelector(".gp-overlay");
    var items = section.querySelectorAll("[data-hl]");
    var pinned = null;
    function clear() {
      if (overlay) { while (overlay.firstChild) { overlay.removeChild(overlay.firstChild); } }
      section.querySelectorAll(".active, .cited").forEach(function (x) {
        x.classList.remove("active"); x.classList.remove("cited");
      });
    }
    function show(item) {
      clear();
      if (!item) { return; }
      item.classList.add("active");
      (item.getAttribute("data-uses") || "").split(" ").forEach(function (n) {
        if (!n) { return; }
        var cited = section.querySelector('li[data-hl="l' + n + '"]');
        if (cited) { cited.classList.add("cited"); }
      });
      var m = data[item.getAttribute("data-hl")];
      if (!overlay || !m) { return; }
      m.segments.forEach(function (s) {
        overlay.appendChild(el("line", { x1: s[0], y1: s[1], x2: s[2], y2: s[3], "stroke-width": 4, opacity: 0.75 }));
      });
      m.circles.forEach(function (c) {
        overlay.appendChild(el("circle", { "class": "ring", cx: c[0], cy: c[1], r: c[2], "stroke-width": 3, opacity: 0.6 }));
      });
      m.points.forEach(function (p) {
        overlay.appendChild(el("circle", { "class": "ring", cx: p[0], cy: p[1], r: 7, "stroke-width": 2.5 }));
        overlay.appendChild(el("circle", { "class": "dot", cx: p[0], cy: p[1], r: 3 }));
      });
    }
    items.forEach(function (item) {
      item.addEventListener("mouseenter", function () { show(item); });
      item.addEventListener("focus", function () { show(item); });
      item.addEventListener("mouseleave", function () { show(pinned); });
      item.addEventListener("blur", function () { show(pinned); });
      item.addEventListener("click", function (ev) {
        if (ev.target.classList.contains("cite")) { return; }
        if (pinned) { pinned.classList.remove("pinned"); }
        pinned = (pinned === item) ? null : item;
        if (pinned) { pinned.classList.add("pinned"); }
        show(pinned || item);
      });
    });
  }
  document.querySelectorAll("section.problem").forEach(setup);
  window.geoproverReady = true;
})();
"""
