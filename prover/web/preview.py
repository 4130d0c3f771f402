"""The editor's live preview: a problem text becomes its figure, or an error placed in the text.

:func:`preview` is what ``geoprover check`` and ``geoprover draw`` do for one problem
(parse, realise with a seed, check the goal in several figures), answered as a value
the page shows: the figure as inline SVG (the proof export's :func:`page_figure`), or
the error's one line with the span of the token at fault (:func:`locate`), so that the
editor can mark it.

>>> ok = preview("t", "a b c = triangle a b c; m = midpoint m a b ? cong m a m b", seed=0)
>>> ok.ok, ok.svg.startswith("<svg"), ok.note
(True, True, 'the goal holds in all 8 figures drawn')
>>> bad = preview("t", "a b c = triangel a b c ? perp a b b c", seed=0)
>>> bad.ok, bad.error.start, bad.error.end
(False, 8, 16)
>>> bad.error.message
"clause 1: unknown construction (did you mean `triangle` or `triangle12` or `r_triangle`?) (at 'triangel')"
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from geometry.diagram import realise
from geometry.errors import ProblemError
from geometry.problem import parse_problem
from prover.export.figures import page_figure
from prover.prove import classify_goal


@dataclass(frozen=True)
class ErrorSpan:
    """An error in the problem text: its line (as the command line words it, without the
    problem's name) and the characters ``[start, end)`` of the text at fault (None: the
    whole text)."""

    message: str
    start: int | None = None
    end: int | None = None
    kind: str = "parse"  # parse (the language) | figure (no diagram can be drawn) | goal


@dataclass(frozen=True)
class Preview:
    """A drawn problem (``svg``, and a ``note`` on where its goal holds) or an ``error``."""

    ok: bool
    svg: str = ""
    note: str = ""
    error: ErrorSpan | None = None

    def as_json(self) -> dict:
        return asdict(self)


def preview(name: str, text: str, seed: int = 0) -> Preview:
    """Parse ``text``, draw its figure with ``seed`` and say where its goal holds.

    A goal false in every figure drawn is an error (``geoprover check`` refuses it too);
    a goal true in some figures only is drawn, with a note saying so.
    """
    try:
        problem = parse_problem(name, text)
        diagram = realise(problem, seed=seed)
        cls = classify_goal(problem, seed=seed) if problem.goals else None
    except ProblemError as e:
        kind = "parse" if type(e).__name__ == "ParseError" else "figure"
        return Preview(False, error=_span(text, e, kind))
    goal = problem.goals[0] if problem.goals else None
    svg = page_figure(diagram, "pv-", goal).svg
    if cls is not None and cls.status == "none":
        message = cls.describe()
        start, end = _goal_span(text)
        return Preview(False, svg=svg, error=ErrorSpan(message, start, end, "goal"))
    note = cls.describe() if cls is not None else "no goal yet: add '? predicate' to state what to prove"
    return Preview(True, svg=svg, note=note)


def error_line(err: ProblemError) -> str:
    """The error's line without the problem's name (the page shows the name beside it)."""
    return " ".join(str(type(err)(err.message, clause=err.clause, token=err.token)).split())


def _span(text: str, err: ProblemError, kind: str) -> ErrorSpan:
    start, end = locate(text, err.clause, err.token, err.message.startswith("goal:"))
    return ErrorSpan(error_line(err), start, end, kind)


def locate(text: str, clause: int | None, token: str | None, in_goal: bool = False) -> tuple[int | None, int | None]:
    """Where the error lies in ``text``: the token inside its clause (clauses numbered as
    the parser numbers them, setup then auxiliary) or inside the goal; else the clause or
    the goal; else nothing.

    >>> t = "a b = segment a b; c = foo c a b ? perp a c b c"
    >>> s, e = locate(t, 2, "foo"); t[s:e]
    'foo'
    >>> s, e = locate(t, None, "perp", in_goal=True); t[s:e]
    'perp'
    >>> locate(t, None, None)
    (None, None)
    """
    region = _goal_span(text) if in_goal else _clause_span(text, clause) if clause else (None, None)
    lo, hi = region
    if lo is None or hi is None:
        return None, None
    if token:
        m = re.search(r"(?<!\S)" + re.escape(token) + r"(?!\S)", text[lo:hi]) or re.search(re.escape(token), text[lo:hi])
        if m:
            return lo + m.start(), lo + m.end()
    while lo < hi and text[lo].isspace():
        lo += 1
    while hi > lo and text[hi - 1].isspace():
        hi -= 1
    return lo, hi


def _goal_span(text: str) -> tuple[int | None, int | None]:
    q = text.find("?")
    return (q + 1, len(text)) if q >= 0 else (None, None)


def _clause_span(text: str, clause: int) -> tuple[int | None, int | None]:
    """The ``clause``-th clause (1-based) as the parser counts them: the setup's clauses, then
    those of the auxiliary section after ``|`` (when it is not blank)."""
    body_end = text.find("?")
    body_end = len(text) if body_end < 0 else body_end
    bar = text.find("|", 0, body_end)
    sections = [(0, body_end)] if bar < 0 else [(0, bar), (bar + 1, body_end)]
    spans: list[tuple[int, int]] = []
    for n, (lo, hi) in enumerate(sections):
        if n == 1 and not text[lo:hi].strip():
            continue
        start = lo
        for m in re.finditer(";", text[lo:hi]):
            spans.append((start, lo + m.start()))
            start = lo + m.end()
        spans.append((start, hi))
    return spans[clause - 1] if 0 < clause <= len(spans) else (None, None)
