"""Literal arguments of constructions and predicates: angles and ratios.

Angles are kept as exact fractions of 180 degrees (a half turn), ratios as
exact fractions. The original spelling is kept so that a problem prints back
exactly as it was written.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

_INT = r"-?\d+"
_ANGLE_PI = re.compile(rf"^({_INT})pi/(\d+)$")
_ANGLE_DEG = re.compile(rf"^({_INT}(?:\.\d+)?)o$")
_FRACTION = re.compile(rf"^({_INT})/(\d+)$")
_INTEGER = re.compile(rf"^{_INT}$")
_DECIMAL = re.compile(rf"^{_INT}\.\d+$")


@dataclass(frozen=True)
class Literal:
    """A literal token such as ``2pi/3``, ``60o``, ``15`` or ``1/2``.

    >>> Literal("2pi/3").angle
    Fraction(2, 3)
    >>> Literal("30").angle  # bare integers are degrees (AlphaGeometry dialect)
    Fraction(1, 6)
    >>> Literal("1/2").ratio
    Fraction(1, 2)
    """

    text: str

    def __post_init__(self) -> None:
        if not is_literal_token(self.text):
            raise ValueError(f"malformed literal {self.text!r}")

    @property
    def angle(self) -> Fraction:
        """The angle in units of 180 degrees."""
        m = _ANGLE_PI.match(self.text)
        if m:
            den = int(m.group(2))
            if den == 0:
                raise ValueError(f"zero denominator in {self.text!r}")
            return Fraction(int(m.group(1)), den)
        m = _ANGLE_DEG.match(self.text)
        if m:
            return Fraction(m.group(1)) / 180
        if _INTEGER.match(self.text) or _DECIMAL.match(self.text):
            return Fraction(self.text) / 180
        raise ValueError(f"{self.text!r} is not an angle")

    @property
    def ratio(self) -> Fraction:
        """The value as an exact ratio or length."""
        m = _FRACTION.match(self.text)
        if m:
            den = int(m.group(2))
            if den == 0:
                raise ValueError(f"zero denominator in {self.text!r}")
            return Fraction(int(m.group(1)), den)
        if _INTEGER.match(self.text) or _DECIMAL.match(self.text):
            return Fraction(self.text)
        raise ValueError(f"{self.text!r} is not a ratio")

    def __str__(self) -> str:
        return self.text


def is_literal_token(token: str) -> bool:
    """True for tokens of the literal grammar (angles, fractions, integers)."""
    return bool(
        _ANGLE_PI.match(token)
        or _ANGLE_DEG.match(token)
        or _FRACTION.match(token)
        or _INTEGER.match(token)
        or _DECIMAL.match(token)
    )
