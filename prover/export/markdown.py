"""Markdown (CommonMark): a section per problem, the figure embedded as an image.

Numbered lines are ordered lists that start at their own number, so the numbers
in the source are the numbers a reader sees and cites.
"""
from __future__ import annotations

import re

from .configuration import answer_line, conclusion, figure_note
from .document import AuxIntro, Item, Line, ProofDoc

#: Characters that could start emphasis, code, links or HTML; ``_`` only where it
#: is not inside a word (CommonMark ignores intraword underscores).
_SPECIAL = re.compile(r"([\\`*\[\]<>]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")


def escape(text: str) -> str:
    """Text with Markdown's special characters escaped."""
    return _SPECIAL.sub(r"\\\1", text)


def _cites(line: Line) -> str:
    # brackets stay literal: the document defines no link references
    refs = [str(u) for u in line.uses] + [f"H{h}" for h in line.hypotheses]
    return f" [{', '.join(refs)}]" if refs else ""


def _item(line: Line) -> str:
    return f"{line.number}. {escape(line.text)} — *{escape(line.reason)}*{_cites(line)}"


def _items(items: tuple[Item, ...]) -> list[str]:
    """Numbered lines as list items; a construction as a paragraph between lists."""
    out: list[str] = []
    in_list = False
    for item in items:
        if isinstance(item, AuxIntro):
            if in_list:
                out.append("")
            out += [f"*Auxiliary construction:* {escape(item.text)}", ""]
            in_list = False
        else:
            out.append(_item(item))
            in_list = True
    if out and not in_list:
        out.pop()  # the caller adds the blank line after a block
    return out


def render(doc: ProofDoc, figure: str | None = None, notes: tuple[str, ...] = ()) -> str:
    """The proof document as Markdown; ``figure`` is the image's path or URL, if any."""
    out = [f"## {escape(doc.name)}", ""]
    if figure:
        out += [f"![Figure of {escape(doc.name)}]({_url(figure)})", ""]
    out += [escape(" ".join(s.text for s in doc.setup)), "", f"**{escape(doc.goal.text)}**", ""]
    if doc.convention:
        out += [f"*{escape(doc.convention)}*", ""]
    out += ["**Given**", ""]
    out += _items(doc.givens + doc.constructions)
    if doc.hypotheses:
        out += ["", f"**Configuration.** {escape(figure_note(len(doc.hypotheses)))}", ""]
        out += [f"- H{i}. {escape(h.text)}." for i, h in enumerate(doc.hypotheses, start=1)]
    out += ["", "**Proof**", ""]
    out += _items(doc.body)
    out += ["", escape(conclusion(doc))]
    out += [f"\n> **{escape(n)}**" for n in notes]
    answer = answer_line(doc)
    if answer:
        out += ["", f"**{escape(answer)}**"]
    return "\n".join(out) + "\n"


def render_unsolved(name: str, setup: str, goal: str, message: str, figure: str | None = None) -> str:
    out = [f"## {escape(name)}", ""]
    if figure:
        out += [f"![Figure of {escape(name)}]({_url(figure)})", ""]
    out += [escape(setup), "", f"**{escape(goal)}**", "", escape(message)]
    return "\n".join(out) + "\n"


def _url(path: str) -> str:
    """A path as a link destination (angle brackets when it has spaces)."""
    return f"<{path}>" if re.search(r"[\s()]", path) else path
