"""Point names that the program invents: canonical names and fresh ones.

Problems name their own points; where the program names points itself (a sampled
figure, the model's canonical renaming, a new auxiliary point) it counts through
``a .. z``, then ``a1 .. z1``, ``a2 .. z2``, ... (AlphaGeometry's habit).

>>> [point_name(i) for i in (0, 25, 26, 27)]
['a', 'z', 'a1', 'b1']
>>> fresh_point_name({"a", "b", "d"})
'c'
"""
from __future__ import annotations

from collections.abc import Collection

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def point_name(i: int) -> str:
    """The i-th point name: a..z, then a1..z1, a2..z2, ..."""
    letter, round_ = _LETTERS[i % 26], i // 26
    return letter if round_ == 0 else f"{letter}{round_}"


def fresh_point_name(used: Collection[str]) -> str:
    """The first point name (in :func:`point_name`'s order) that is not in ``used``."""
    i = 0
    while point_name(i) in used:
        i += 1
    return point_name(i)


__all__ = ["fresh_point_name", "point_name"]
