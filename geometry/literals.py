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


#: Largest numerator or denominator a literal may have (larger values are refused).
LIMIT = 10**6

#: What a literal slot holds: an angle, a positive ratio or length, or any number.
ROLES = ("angle", "ratio", "length", "number")


@dataclass(frozen=True)
class Literal:
    """A literal token such as ``2pi/3``, ``60o``, ``15`` or ``1/2``.

    >>> Literal("2pi/3").angle
    Fraction(2, 3)
    >>> Literal("30").angle  # bare integers are degrees (AlphaGeometry dialect)
    Fraction(1, 6)
    >>> Literal("1/2").ratio
    Fraction(1, 2)
    >>> Literal("30o").check("ratio")
    Traceback (most recent call last):
    ...
    ValueError: '30o' is an angle where a ratio belongs
    """

    text: str

    def __post_init__(self) -> None:
        if not is_literal_token(self.text):
            raise ValueError(f"malformed literal {self.text!r}")
        for digits in re.findall(r"\d+", self.text):
            if len(digits.lstrip("0")) > len(str(LIMIT)) or int(digits) > LIMIT:
                raise ValueError(f"{self.text!r} is too large (numbers up to {LIMIT})")
        m = _ANGLE_PI.match(self.text) or _FRACTION.match(self.text)
        if m and int(m.group(2)) == 0:
            raise ValueError(f"{self.text!r} has a zero denominator")

    @property
    def is_angle(self) -> bool:
        """Written as an angle (``2pi/3``, ``60o``); a bare number may also be one."""
        return bool(_ANGLE_PI.match(self.text) or _ANGLE_DEG.match(self.text))

    @property
    def newclid_angle(self) -> bool:
        """Written as Newclid writes angles (``30o``, ``1pi/6``), not as AlphaGeometry's bare
        degrees (``30``): for ``s_angle`` the spelling chooses the dialect's meaning (a line
        through the vertex in Newclid, a ray in AlphaGeometry).

        >>> Literal("150o").newclid_angle, Literal("5pi/6").newclid_angle, Literal("150").newclid_angle
        (True, True, False)
        """
        return self.is_angle

    @property
    def angle(self) -> Fraction:
        """The angle in units of 180 degrees."""
        m = _ANGLE_PI.match(self.text)
        if m:
            return Fraction(int(m.group(1)), int(m.group(2)))
        m = _ANGLE_DEG.match(self.text)
        if m:
            return Fraction(m.group(1)) / 180
        if _INTEGER.match(self.text) or _DECIMAL.match(self.text):
            return Fraction(self.text) / 180
        raise ValueError(f"{self.text!r} is a ratio where an angle belongs (write 30o or 1pi/6)")

    @property
    def ratio(self) -> Fraction:
        """The value as an exact ratio or length."""
        m = _FRACTION.match(self.text)
        if m:
            return Fraction(int(m.group(1)), int(m.group(2)))
        if _INTEGER.match(self.text) or _DECIMAL.match(self.text):
            return Fraction(self.text)
        raise ValueError(f"{self.text!r} is an angle where a number belongs")

    def check(self, role: str) -> None:
        """Raise ValueError (naming the token) unless the literal can fill a slot of ``role``."""
        if role == "angle":
            _ = self.angle
            return
        if self.is_angle:
            raise ValueError(f"{self.text!r} is an angle where a {role} belongs")
        if role in ("ratio", "length") and self.ratio <= 0:
            raise ValueError(f"{self.text!r}: a {role} must be positive")

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
