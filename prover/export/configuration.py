"""The configuration hypotheses of a proof, in words.

A proof that reads something off its figure (the order of points on a line, which
half of a doubled angle, the orientation of two triangles) states it as a numbered
hypothesis (H1, H2, ...); the proof holds in every figure where the hypotheses hold.

>>> from ddar.conditions import Condition
>>> from prover.export.wording import Labels
>>> hypothesis_text(Condition.between("m", "a", "b"), Labels("abm"))
'M lies between A and B'
"""
from __future__ import annotations

from fractions import Fraction

from ddar.conditions import Condition
from geometry.predicates import Kind

from .wording import Labels, degrees, say


def hypothesis_text(c: Condition, L: Labels) -> str:
    """One hypothesis as a clause of a sentence (no final full stop)."""
    p = [L(x) for x in c.points]
    if c.kind == "between":
        return f"{p[0]} lies between {p[1]} and {p[2]}"
    if c.kind == "side":
        return f"{p[0]} and {p[1]} lie on the same side of line {p[2]}{p[3]}"
    if c.kind == "sameclock":
        return f"triangles {''.join(p[:3])} and {''.join(p[3:])} have the same orientation"
    if c.kind in ("sameside", "nsameside"):
        a, b, cc, x, y, z = p
        how = "exactly when" if c.kind == "sameside" else "exactly when not"
        return f"{a} lies outside segment {b}{cc} {how} {x} lies outside segment {y}{z}"
    if c.kind == "npara":
        return f"{p[0]}{p[1]} and {p[2]}{p[3]} are not parallel"
    assert c.fold is not None and c.pred is not None
    pred = c.pred
    if c.fold == 3:
        if pred.kind is Kind.ACONST:  # name the other cases: the orientation of the figure
            a = pred.literals[0].angle
            others = " or ".join(degrees((a + Fraction(j, 3)) % 1) for j in (1, 2))
            return f"{say(pred, L)}, not {others} (the other cases the tripled angle allows: the figure's orientation)"
        return f"{say(pred, L)}, not one of the cases 60° or 120° away from it that the tripled angles also allow"
    if pred.kind is Kind.PARA:
        a, b, x, y = p
        return f"{a}{b} is not perpendicular to {x}{y} (so {say(pred, L)})"
    if pred.kind is Kind.PERP:
        a, b, x, y = p
        return f"{a}{b} is not parallel to {x}{y} (so {say(pred, L)})"
    return f"{say(pred, L)}, not the case 90° away from it that the doubled angles also allow"


def conclusion(doc) -> str:
    """The closing sentence: what is proven, and under which hypotheses."""
    what = " and ".join(doc.answers) if doc.answers else doc.goal.text.removeprefix("Prove that ").rstrip(".")
    if not doc.hypotheses:
        return f"This proves that {what}.  ∎"
    hs = ", ".join(f"H{i}" for i in range(1, len(doc.hypotheses) + 1))
    return f"This proves that {what} in every figure where {hs} hold{'s' if len(doc.hypotheses) == 1 else ''}.  ∎"


def figure_note(hypotheses: int) -> str:
    if hypotheses == 0:
        return ""
    return "The proof assumes the configuration of the figure, stated as hypotheses:"


def answer_line(doc) -> str | None:
    """The last line of a document that finds values: ``Answer: ∠BAD = 30°.`` (None when
    the problem asks for no value)."""
    if not doc.answers:
        return None
    where = ""
    if doc.hypotheses:
        hs = ", ".join(f"H{i}" for i in range(1, len(doc.hypotheses) + 1))
        where = f" (in the configuration of {hs})"
    return f"Answer: {' and '.join(doc.answers)}{where}."
