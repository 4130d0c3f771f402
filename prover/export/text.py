"""Plain text: the statement as a paragraph, then numbered lines in two columns.

A line reads ``  7. ∠CAD = ∠EAH        angle chasing [4, 5]``: the statement, then
its reason and, in brackets, the lines it uses. A statement too long for its
column puts the reason on the next line.
"""
from __future__ import annotations

import textwrap

from .configuration import answer_line, conclusion, figure_note
from .document import AuxIntro, Item, Line, ProofDoc

WIDTH = 100  # wrap paragraphs here
STATEMENT_COLUMN = 40  # most characters given to a statement before its reason


def cites(line: Line) -> str:
    refs = [str(u) for u in line.uses] + [f"H{h}" for h in line.hypotheses]
    return f" [{', '.join(refs)}]" if refs else ""


def paragraph(text: str, indent: str = "") -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent)


def render(doc: ProofDoc, notes: tuple[str, ...] = ()) -> str:
    """The whole proof document as text."""
    lines = [f"Problem: {doc.name}", ""]
    lines.append(paragraph(" ".join(s.text for s in doc.setup)))
    lines.append(paragraph(doc.goal.text))
    if doc.convention:
        lines += ["", paragraph(f"({doc.convention})")]
    all_lines = doc.lines
    width = min(STATEMENT_COLUMN, max(len(x.text) for x in all_lines))
    num = len(str(max(x.number for x in all_lines)))
    lines += ["", "Given:"]
    lines += _items(doc.givens + doc.constructions, width, num)
    if doc.hypotheses:
        lines += ["", paragraph(figure_note(len(doc.hypotheses)))]
        lines += [paragraph(f"H{i}. {h.text}.", "  ") for i, h in enumerate(doc.hypotheses, start=1)]
    lines += ["", "Proof:"]
    lines += _items(doc.body, width, num)
    lines += ["", paragraph(conclusion(doc))]
    lines += [paragraph(n) for n in notes]
    answer = answer_line(doc)
    if answer:
        lines.append(paragraph(answer))
    return "\n".join(lines)


def _items(items: tuple[Item, ...], width: int, num: int) -> list[str]:
    return [
        paragraph(f"Auxiliary construction: {x.text}", " " * (num + 4)) if isinstance(x, AuxIntro)
        else _line(x, width, num)
        for x in items
    ]


def _line(line: Line, width: int, num: int) -> str:
    head = f"  {line.number:>{num}}. "
    pad = " " * (len(head) + width + 3)
    glued = cites(line).replace(" ", "\0")  # the citation is never split across lines
    reason = [r.replace("\0", " ") for r in textwrap.wrap(f"{line.reason}{glued}", max(WIDTH - len(pad), 24))]
    if len(line.text) <= width:
        first = f"{head}{line.text:<{width}}   {reason[0]}"
        return "\n".join([first] + [pad + r for r in reason[1:]])
    return "\n".join([f"{head}{line.text}"] + [pad + r for r in reason])


def render_unsolved(name: str, setup: str, goal: str, message: str) -> str:
    return "\n".join([f"Problem: {name}", "", paragraph(setup), paragraph(goal), "", message])
