"""The numeric tolerance policy: one place that says when a number counts as zero.

Figures are drawn in double precision with coordinates of order 1, and every check
compares quantities of the figure's own scale, so one relative tolerance serves
premises, derived facts, goals and configuration conditions alike:

* :data:`NUMERIC_CHECK`: two lengths, products or coordinates are equal when they differ
  by at most ``NUMERIC_CHECK`` times the larger of them (the figure's scale for
  coordinates), two lines are parallel when the sine between them is below it;
* :data:`ANGLE_TOL`: two directions (in units of 180 degrees) are equal when they
  differ by at most ``ANGLE_TOL``;
* :data:`DRAW_TOL`: looser, for the realiser's check that a freshly drawn point
  satisfies its own construction (its closed forms lose a few digits).

Statements that are true hold to about 1e-12 in a well-drawn figure; false ones are
off by far more than 1e-6 unless the figure is degenerate, which the realiser avoids
by keeping points apart (:data:`MIN_SEPARATION` of the figure's radius).

The other constants guard degenerate arithmetic (:data:`ZERO_LENGTH`, :data:`SCALE_FLOOR`),
the loci's intersections, and the keys and groupings that read candidate facts off a
figure. Product code names a tolerance from here rather than writing a number
(``tests/geometry/test_tolerance.py`` keeps it so).
"""
from __future__ import annotations

# ---------------------------------------------------------------- truth in the figure
#: A statement's numeric truth: sines between lines, relative differences of lengths,
#: products and coordinates, angles in radians. True ones hold to ~1e-12 and false ones
#: miss by far more, so 1e-6 splits them with room for a drawing's lost digits.
NUMERIC_CHECK = 1e-6
#: Two directions in units of 180 degrees (angle equations mod 1): 1e-7 of pi is about
#: 3e-7 radians, the same order as NUMERIC_CHECK on angles in radians.
ANGLE_TOL = 1e-7
#: The realiser's check that a freshly drawn point meets its own construction's premises:
#: closed forms (tangents, intersections) lose a few digits, so 10x looser.
DRAW_TOL = 1e-5
#: A false variant of a goal counts as false only if it fails even at this loose tolerance,
#: so a soundness test never blames the engine for a statement true up to rounding.
FALSE_MARGIN = 1e-3

# ---------------------------------------------------------------- degenerate figures
#: Two points of a drawn figure are distinct only this far apart (times the figure's
#: radius): far above any rounding, so no check ever compares near-coincident points.
MIN_SEPARATION = 1e-3
#: A new point farther than this many radii from the figure's centre makes a draw
#: degenerate (the figure would be unreadable and its numbers badly scaled).
MAX_SPREAD = 20
#: A length (or a cross product relative to the squared scale) below this is zero to a
#: predicate's check: the points coincide or are collinear, and there is no direction.
ZERO_LENGTH = 1e-12
#: A length, radius or span below this is degenerate: the floor of a relative comparison's
#: scale (so a zero length does not make it absolute zero) and the guard before taking a
#: direction from a vector or drawing a circle; far below MIN_SEPARATION.
SCALE_FLOOR = 1e-9
#: A positive floor for a scale taken from lengths that may all be zero, so that a strict
#: ``> tol * scale`` test still fails on zero (any positive number would do).
POSITIVE_FLOOR = 1e-300

# ---------------------------------------------------------------- numeric loci
#: Relative slack of the loci's own arithmetic: lines parallel, a line tangent to a circle,
#: circles concentric, a point on the kept side of a ray or within a drawn segment.
LOCUS_EPS = 1e-9
#: A point lies on a line or circle within this (relative to its distance from the locus's
#: anchor, at least 1).
ON_LOCUS = 1e-7

# ---------------------------------------------------------------- reading candidates off the figure
#: A named point is a computed circle's centre within this (relative to the centre's size,
#: at least 1): tighter than NUMERIC_CHECK so that only the true centre is named.
CENTRE_MATCH = 1e-7
#: A ratio measured in the figure is the small fraction p/q within this (relative): exact
#: ratios hold to ~1e-12, and fractions with denominators up to 6 are far apart.
RATIONAL_MATCH = 1e-9
#: Triangles flatter than this (sine of an angle) are left out of the similar-triangle
#: search: their shapes are ill-conditioned and would match by accident.
FLAT_TRIANGLE = 1e-4
#: Circles through three points wider than this (the figure's radius is ~1) come from
#: nearly collinear points and are not indexed.
HUGE_RADIUS = 1e3
#: Synthetic candidate facts: values (log-lengths, angles) that agree this closely are
#: grouped as candidates; every candidate is proven or rejected after.
SYNTH_GROUPING = 1e-7
#: Screening many points against many lines or circles with one matrix product: the kept
#: pairs are those within the test's own tolerance times (1 + SCREEN_SLACK), plus
#: SCREEN_ROUNDING times the size of the terms summed (far above float rounding), so the
#: screen keeps every pair the exact test accepts; the exact test then decides.
SCREEN_SLACK = 1e-9
SCREEN_ROUNDING = 1e-12
#: Decimal digits of the rounded keys that bucket proposed points
#: (near-equal values on both sides of a rounding boundary are found by checking the
#: neighbouring buckets).
SNAP_DIGITS = 5
#: Decimal digits of the rounded coordinates (relative to the figure's size) that make
#: two search states adding the same points one state.
STATE_KEY_DIGITS = 6

__all__ = [
    "ANGLE_TOL", "CENTRE_MATCH", "DRAW_TOL", "FALSE_MARGIN", "FLAT_TRIANGLE", "HUGE_RADIUS",
    "LOCUS_EPS", "MAX_SPREAD", "MIN_SEPARATION", "NUMERIC_CHECK", "ON_LOCUS", "POSITIVE_FLOOR",
    "RATIONAL_MATCH", "SCALE_FLOOR", "SCREEN_ROUNDING", "SCREEN_SLACK", "SNAP_DIGITS", "STATE_KEY_DIGITS", "SYNTH_GROUPING",
    "ZERO_LENGTH",
]
