"""The numeric tolerance policy: one place that says when a number counts as zero.

Figures are drawn in double precision with coordinates of order 1, and every check
compares quantities of the figure's own scale, so one relative tolerance serves
premises, derived facts, goals and configuration conditions alike:

* :data:`REL_TOL`: two lengths, products or coordinates are equal when they differ by
  at most ``REL_TOL`` times the larger of them (the figure's scale for coordinates);
* :data:`ANGLE_TOL`: two directions (in units of 180 degrees) are equal when they
  differ by at most ``ANGLE_TOL``;
* :data:`DRAW_TOL`: looser, for the realiser's check that a freshly drawn point
  satisfies its own construction (its closed forms lose a few digits).

Statements that are true hold to about 1e-12 in a well-drawn figure; false ones are
off by far more than 1e-6 unless the figure is degenerate, which the realiser avoids
by keeping points apart (:data:`MIN_SEPARATION` of the figure's radius).
"""
from __future__ import annotations

REL_TOL = 1e-6
ANGLE_TOL = 1e-7
DRAW_TOL = 1e-5
MIN_SEPARATION = 1e-3

__all__ = ["ANGLE_TOL", "DRAW_TOL", "MIN_SEPARATION", "REL_TOL"]
