"""The language reference, rendered from the construction catalogue and the predicate table.

``docs/constructions.md`` and ``docs/predicates.md`` are the output of
:func:`constructions_markdown` and :func:`predicates_markdown` (``python -m
prover.reference`` rewrites them, a test fails when they differ), and
``geoprover constructions [NAME]`` prints the same entries, so the reference
cannot drift from the code. Sentences are the catalogue's own wording with the
formal parameters as labels (``x`` -> ``X``):

>>> print(construction_entry("midpoint"))
### `midpoint x a b`
<BLANKLINE>
Let X be the midpoint of AB.
<BLANKLINE>
- new point: `x`; from: `a b`
- what it is: one new point, determined
- requires: `diff a b`
- asserts: `midp x a b`
- draws: line XAB
>>> one_line("on_circle")
'on_circle x o a          Let X be a point on the circle centred at O through A'
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from geometry.constructions import CATALOGUE, Construction, DrawKind, LocusKind
from geometry.predicates import ALIASES, ARITY, NUMERIC_ONLY, Kind, Predicate
from .export.wording import Labels, say

DOCS = Path(__file__).resolve().parents[1] / "docs"

#: How each kind of construction is described, in the order the reference lists them.
KIND_TITLES: dict[LocusKind, str] = {
    LocusKind.LINE: "one new point on a line",
    LocusKind.RAY: "one new point on a ray",
    LocusKind.CIRCLE: "one new point on a circle",
    LocusKind.POINT: "one new point, determined",
    LocusKind.MULTI: "several new points, determined",
    LocusKind.FREE: "a free figure (every point is new)",
}

_SECTIONS = (
    ("Lines, rays and circles (may be intersected)", (LocusKind.LINE, LocusKind.RAY, LocusKind.CIRCLE)),
    ("One determined point", (LocusKind.POINT,)),
    ("Several determined points", (LocusKind.MULTI,)),
    ("Free figures", (LocusKind.FREE,)),
)

_DRAWN = {
    DrawKind.LINE: "line {}",
    DrawKind.POLYGON: "polygon {}",
    DrawKind.CIRCLE: "circle centred at {0} through {1}",
    DrawKind.CIRCLE_THROUGH: "circle through {}",
}

#: A value for each literal slot, to show a construction or a predicate in use.
_SAMPLE_LITERAL = {"angle": "1pi/3", "ratio": "1/2"}


class _Formal:
    """A formal parameter in a wording template: its label, whatever the format spec."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __format__(self, spec: str) -> str:
        return self.text


def _formal_labels(c: Construction) -> Labels:
    return Labels(p for p in c.signature.params if p not in c.signature.literals)


def _fill_formal(template: str, c: Construction) -> str:
    """A wording template with points as capitals and constants by their formal names."""
    labels = _formal_labels(c)
    sig = c.signature
    return template.format(**{p: _Formal(p if p in sig.literals else labels(p)) for p in sig.params})


def meaning(name: str) -> str:
    """What the construction builds, in words, with its formal parameters as labels.

    >>> meaning("foot")
    'Let X be the foot of the perpendicular from A to BC.'
    >>> meaning("s_angle")
    'Let X be a point on the ray from B that is ray BA turned anticlockwise through y.'
    """
    c = CATALOGUE[name]
    if c.says:
        return _fill_formal(c.says, c)
    (x,) = c.signature.outputs
    return f"Let {_formal_labels(c)(x)} be a point on {_fill_formal(c.locus, c)}."


def _drawn(c: Construction) -> str:
    labels = _formal_labels(c)
    parts = []
    for d in c.draws:
        names = [labels(p) for p in d.points]
        if d.kind is DrawKind.CIRCLE:
            parts.append(_DRAWN[d.kind].format(names[0], ", ".join(names[1:])))
        else:
            parts.append(_DRAWN[d.kind].format("".join(names)))
    return "; ".join(parts) or "the point only"


def _code_list(preds) -> str:
    return ", ".join(f"`{p}`" for p in preds) or "nothing"


def construction_entry(name: str) -> str:
    """The reference entry of one construction (Markdown)."""
    c = CATALOGUE[name]
    sig = c.signature
    outs = " ".join(sig.outputs)
    lines = [f"### `{c.name} {' '.join(sig.params)}`", "", meaning(name), ""]
    what = f"- new point{'s' if len(sig.outputs) > 1 else ''}: `{outs}`"
    if sig.inputs:
        what += f"; from: `{' '.join(sig.inputs)}`"
    if sig.literals:
        what += f"; constant{'s' if len(sig.literals) > 1 else ''}: `{' '.join(sig.literals)}`"
    lines.append(what)
    lines.append(f"- what it is: {KIND_TITLES[c.kind]}")
    for alt in c.alternates:
        first = "the new points first" if len(alt.outputs) > 1 else "the new point first"
        lines.append(f"- also written: `{c.name} {' '.join(alt.params)}` ({first})")
    if c.preconditions:
        lines.append(f"- requires: {_code_list(c.preconditions)}")
    lines.append(f"- asserts: {_code_list(c.premises)}")
    lines.append(f"- draws: {_drawn(c)}")
    if c.dialect != "AG":
        lines.append("- dialect: Newclid")
    return "\n".join(lines)


def _short(name: str) -> str:
    """The meaning without its full stop."""
    return meaning(name).removesuffix(".")


def one_line(name: str) -> str:
    """One line of the catalogue's index: the call and what it builds."""
    c = CATALOGUE[name]
    call = f"{c.name} {' '.join(c.signature.params)}"
    return f"{call:<24} {_short(name)}"


def constructions_markdown() -> str:
    """``docs/constructions.md``: every construction, grouped by what it builds."""
    out = [
        "# Constructions",
        "",
        "<!-- Generated by `python -m prover.reference` from geometry/constructions.py; do not edit. -->",
        "",
        f"The catalogue has {len(CATALOGUE)} constructions. Each entry shows the construction with its",
        "formal parameters, the sentence a proof uses for it (formal names written as capitals), which",
        "arguments are new points, existing points or constants, what must hold of the existing points",
        "(`requires`, checked on the figure), the facts it adds as hypotheses (`asserts`, in the",
        "predicate notation of [predicates.md](predicates.md)) and what a figure draws for it.",
        "The same text is printed by `geoprover constructions NAME`.",
        "",
        "Only the constructions of the first section give a line, ray or circle; two of them may be",
        "joined with a comma to define one point as their intersection (see [language.md](language.md)).",
        "",
    ]
    for title, kinds in _SECTIONS:
        names = sorted(n for n, c in CATALOGUE.items() if c.kind in kinds)
        out += [f"## {title}", "", "| construction | builds |", "|---|---|"]
        out += [f"| [`{n}`](#{_anchor(n)}) | {_short(n)} |" for n in names]
        out.append("")
        for n in names:
            out += [construction_entry(n), ""]
    return "\n".join(out).rstrip() + "\n"


def _anchor(name: str) -> str:
    """The heading anchor GitHub gives ``### `name x a b```."""
    c = CATALOGUE[name]
    text = f"{c.name} {' '.join(c.signature.params)}".lower()
    return "".join(ch for ch in text.replace(" ", "-") if ch.isalnum() or ch in "-_")


# ---------------------------------------------------------------------- predicates
@dataclass(frozen=True)
class PredicateDoc:
    """How the reference shows one predicate: a use of it, and its role."""

    kind: Kind
    example: str  # the predicate applied to formal names (and sample constants)
    role: str


_ROLE_FIGURE = "figure only (checked on the coordinates, never proved)"
_ROLE_GOAL = "goal or fact"
_ROLE_FIND = "goal: find the value"
_ROLE_INTERNAL = "inside the engine's rules"
_INTERNAL = {Kind.EQANGLE6, Kind.EQRATIO6, Kind.EQRATIO3, Kind.S_ANGLE}
_FIND = {Kind.ACOMPUTE, Kind.RCOMPUTE, Kind.LCOMPUTE}

#: Uses of the predicates whose arguments are more than a fixed row of points.
_EXAMPLES = {
    Kind.ACONST: "aconst a b c d 1pi/3",
    Kind.S_ANGLE: "s_angle a b c 30",
    Kind.RCONST: "rconst a b c d 1/2",
    Kind.R2CONST: "r2const a b c d 2",
    Kind.LCONST: "lconst a b 3",
    Kind.L2CONST: "l2const a b 3",
    Kind.LEQUATION: "lequation 1/1 a b -1/1 c d 0",
    Kind.AEQUATION: "aequation 1/1 a b c d 1/1 e f g h 1pi/2",
}


def predicate_docs() -> list[PredicateDoc]:
    """Every predicate kind, with a use of it and its role."""
    docs = []
    for kind in Kind:
        if kind in _EXAMPLES:
            example = _EXAMPLES[kind]
        else:
            n = ARITY[kind].points
            example = " ".join([kind.value, *"abcdefgh"[:n]])
        if kind in NUMERIC_ONLY:
            role = _ROLE_FIGURE
        elif kind in _INTERNAL:
            role = _ROLE_INTERNAL
        elif kind in _FIND:
            role = _ROLE_FIND
        else:
            role = _ROLE_GOAL
        docs.append(PredicateDoc(kind, example, role))
    return docs


def _arguments(kind: Kind) -> str:
    if kind in (Kind.LEQUATION, Kind.AEQUATION):
        return "terms `coef p q …`, then a constant"
    a = ARITY[kind]
    points = f"{a.points} or more points" if a.variadic else f"{a.points} points"
    return points + (", then a constant" if a.literals else "")


def predicates_markdown() -> str:
    """``docs/predicates.md``: every predicate, its arguments and what it says."""
    aliases = {k: [n for n, v in ALIASES.items() if v is k] for k in Kind}
    out = [
        "# Predicates",
        "",
        "<!-- Generated by `python -m prover.reference` from geometry/predicates.py; do not edit. -->",
        "",
        "A predicate is a statement about points: a goal after ` ? `, a fact a construction asserts,",
        "or a step of a proof. The column *says* is how a proof writes the example (point `a` is",
        "written A). Angles are directed angles between lines, modulo 180°: ∠(AB, CD) is the angle",
        "that turns line AB onto line CD, and ∠ABC is ∠(BA, BC). Constants are written `1pi/3`",
        "(a multiple of 180°), `60o` or a bare `60` (degrees) for angles, and `1/2`, `3` for ratios and",
        "lengths.",
        "",
        "| example | arguments | says | role |",
        "|---|---|---|---|",
    ]
    for d in predicate_docs():
        pred = Predicate.parse(d.example.split())
        also = f" (also `{'`, `'.join(aliases[d.kind])}`)" if aliases[d.kind] else ""
        labels = Labels(pred.points)
        out.append(f"| `{d.example}`{also} | {_arguments(d.kind)} | {say(pred, labels)} | {d.role} |")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------- files
GENERATED = {"constructions.md": constructions_markdown, "predicates.md": predicates_markdown}


def stale(docs: Path = DOCS) -> list[str]:
    """The generated files of ``docs`` whose text differs from what the code renders now."""
    return [
        name for name, render in GENERATED.items()
        if not (docs / name).is_file() or (docs / name).read_text(encoding="utf-8") != render()
    ]


def main(argv: list[str] | None = None) -> int:
    """Rewrite the generated files of ``docs/`` (``--check``: only report the stale ones)."""
    ap = argparse.ArgumentParser(prog="python -m prover.reference", description=main.__doc__)
    ap.add_argument("--check", action="store_true", help="exit 1 if a generated file is out of date")
    ap.add_argument("--docs", type=Path, default=DOCS, help="the docs folder (default: the repository's)")
    args = ap.parse_args(argv)
    if args.check:
        old = stale(args.docs)
        for name in old:
            print(f"out of date: {args.docs / name}")
        return 1 if old else 0
    for name, render in GENERATED.items():
        (args.docs / name).write_text(render(), encoding="utf-8")
        print(f"wrote {args.docs / name}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
