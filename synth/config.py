"""The settings of synthetic data generation: one validated, typed config.

Weights say how often each construction is drawn (relative, need not sum to 1);
sizes bound the figures and the proofs kept. Every value is checked when the
config is built, so a bad value fails at once with one clear line.

>>> cfg = SynthConfig()
>>> cfg.min_steps <= cfg.max_steps
True
>>> SynthConfig(min_steps=6, max_steps=2)
Traceback (most recent call last):
...
synth.config.ConfigError: synth config: max_steps (2) must be at least min_steps (6)
>>> SynthConfig.from_dict({"max_steps": 12}).max_steps
12
"""
from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from geometry.constructions import CATALOGUE, LocusKind
from geometry.predicates import Kind

_MAY_BE_ZERO = frozenset({"min_steps", "max_plain_per_figure", "max_aux_per_figure", "max_aux_statements", "max_candidates",
                          "max_aux_statements"})


class ConfigError(ValueError):
    """A synthetic-data setting that is out of range or unknown."""


#: Free figures that start a diagram: mostly triangles, as in olympiad problems.
BASE_WEIGHTS: dict[str, float] = {
    "triangle": 10.0,
    "acute_triangle": 2.0,
    "iso_triangle": 1.5,
    "r_triangle": 1.5,
    "quadrangle": 1.5,
    "trapezoid": 0.5,
    "eq_trapezoid": 0.5,
    "segment": 0.7,
    "rectangle": 0.3,
    "isquare": 0.2,
    "eq_quadrangle": 0.3,
    "pentagon": 0.2,
}

#: Constructions that add points: centres, feet, midpoints, circles, intersections, tangents.
STEP_WEIGHTS: dict[str, float] = {
    # determined points
    "midpoint": 4.0,
    "foot": 4.0,
    "circle": 3.0,
    "orthocenter": 2.0,
    "incenter": 1.0,
    "excenter": 0.5,
    "mirror": 1.5,
    "reflect": 1.5,
    "intersection_ll": 2.0,
    "intersection_lp": 1.0,
    "intersection_lt": 1.0,
    "intersection_pp": 0.5,
    "intersection_tt": 0.5,
    "intersection_lc": 1.5,
    "intersection_cc": 1.5,
    "parallelogram": 1.0,
    "psquare": 0.3,
    "nsquare": 0.3,
    "eq_triangle": 0.3,
    "shift": 0.3,
    # several points
    "incenter2": 0.4,
    "excenter2": 0.2,
    "centroid": 0.4,
    "ninepoints": 0.3,
    "tangent": 0.8,
    "square": 0.2,
    # one point on a locus (intersected with a second locus with probability intersect_prob)
    "on_line": 2.0,
    "on_circle": 2.5,
    "on_circum": 2.5,
    "on_tline": 2.0,
    "on_pline": 1.5,
    "on_bline": 1.5,
    "on_dia": 1.0,
    "angle_bisector": 1.5,
    "lc_tangent": 1.0,
    "eqdistance": 0.3,
    "angle_mirror": 0.3,
    # equal angles: a ray at a copied angle, a point seeing a segment under a copied angle
    "on_aline": 1.0,
    "eqangle3": 0.3,
}

#: Goal kinds that the benchmarks use; the manifest reports the share of examples among them.
BENCHMARK_KINDS = ("coll", "para", "perp", "cong", "cyclic", "eqangle", "eqratio", "midp", "simtri")

#: Goal kinds kept by default: the benchmarks' and "contri" (jgex has one). Mirrored
#: similarity/congruence (simtri2, contri2) may be added; "aequation" is internal to the engine
#: and "circle" restates "cong".
DEFAULT_GOAL_KINDS = BENCHMARK_KINDS + ("contri",)


@dataclass(frozen=True)
class SynthConfig:
    """What to sample, how hard to saturate, which facts to keep."""

    #: free figures a diagram starts from, name -> relative weight
    base_weights: dict[str, float] = field(default_factory=lambda: dict(BASE_WEIGHTS))
    #: constructions added after the base figure, name -> relative weight
    step_weights: dict[str, float] = field(default_factory=lambda: dict(STEP_WEIGHTS))
    #: chance that a point on a locus is cut with a second locus (else it moves freely on it)
    intersect_prob: float = 0.7
    #: constructions added after the base figure: uniform in [min_steps, max_steps]
    min_steps: int = 5
    max_steps: int = 10
    #: how much more likely a point of the base figure is picked as an input than a later point
    base_weight: float = 3.0
    #: a diagram stops growing at this many points
    max_points: int = 20
    #: draws of one construction step before it is given up (degenerate or failing preconditions)
    step_tries: int = 12
    #: DD+AR saturation of one diagram
    saturation_timeout: float = 20.0
    max_facts: int = 4000
    #: at most this many candidate goals are tried per figure, an evenly spread subset (0: all).
    #: A figure full of equal lengths and angles (a centroid, a parallelogram and the nine-point
    #: circle together) can have thousands, and take minutes.
    max_candidates: int = 2000
    #: seconds one figure's extraction may take after saturation (tracebacks, aux checks); once
    #: spent, the candidates not yet looked at are left out (a large figure can take minutes)
    figure_timeout: float = 90.0
    #: a fact is kept when its proof has at least this many steps (premises not counted)
    min_proof_length: int = 2
    max_proof_length: int = 200
    #: DD+AR on the statement without its auxiliary clauses (fails -> the aux label stands)
    aux_check_timeout: float = 10.0
    #: statements per figure that DD+AR is run on alone to check aux labels (0: all); the rest of
    #: a figure's aux candidates are left out (a large figure has a hundred, nearly all relabelled)
    max_aux_statements: int = 12
    #: at most this many plain / auxiliary examples from one figure (longest proofs first, kinds
    #: balanced); plain ones are plentiful and alike, those that need an aux point are rare
    max_plain_per_figure: int = 6
    max_aux_per_figure: int = 30
    #: predicate kinds kept as goals
    goal_kinds: tuple[str, ...] = DEFAULT_GOAL_KINDS

    def __post_init__(self) -> None:
        _check_weights("base_weights", self.base_weights, free=True)
        _check_weights("step_weights", self.step_weights, free=False)
        _check_range("intersect_prob", self.intersect_prob, 0.0, 1.0)
        _check_range("base_weight", self.base_weight, 0.0, 1e6)
        for name in ("min_steps", "max_steps", "max_points", "step_tries", "max_facts",
                     "min_proof_length", "max_proof_length", "max_plain_per_figure", "max_aux_per_figure",
                     "max_aux_statements", "max_candidates"):
            _check_int(name, getattr(self, name), lowest=0 if name in _MAY_BE_ZERO else 1)
        if self.max_steps < self.min_steps:
            raise ConfigError(f"synth config: max_steps ({self.max_steps}) must be at least min_steps ({self.min_steps})")
        if self.max_proof_length < self.min_proof_length:
            raise ConfigError(
                f"synth config: max_proof_length ({self.max_proof_length}) must be at least "
                f"min_proof_length ({self.min_proof_length})"
            )
        if self.max_points < 4:
            raise ConfigError(f"synth config: max_points ({self.max_points}) must be at least 4")
        for name in ("saturation_timeout", "aux_check_timeout", "figure_timeout"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or isinstance(value, bool) or not value > 0 or not math.isfinite(value):
                raise ConfigError(f"synth config: {name} must be a positive number of seconds, got {value!r}")
        if isinstance(self.goal_kinds, str) or not self.goal_kinds:
            raise ConfigError("synth config: goal_kinds must be a non-empty list of predicate names")
        for k in self.goal_kinds:
            if not isinstance(k, str) or k not in _GOAL_KINDS_ALLOWED:
                raise ConfigError(
                    f"synth config: goal kind {k!r} is not one the engine proves "
                    f"(choose from {', '.join(sorted(_GOAL_KINDS_ALLOWED))})"
                )
        object.__setattr__(self, "goal_kinds", tuple(self.goal_kinds))

    # ------------------------------------------------------------------ (de)serialisation
    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["goal_kinds"] = list(self.goal_kinds)
        return d

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SynthConfig:
        """Defaults overridden by ``data``; unknown keys are an error."""
        if not isinstance(data, Mapping):
            raise ConfigError("synth config: expected a JSON object of settings")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"synth config: unknown setting {unknown[0]!r} (known: {', '.join(sorted(known))})")
        values = dict(data)
        if "goal_kinds" in values and isinstance(values["goal_kinds"], list):
            values["goal_kinds"] = tuple(values["goal_kinds"])
        return cls(**values)

    @classmethod
    def load(cls, path: str | Path) -> SynthConfig:
        """A config from a JSON file of overrides, or the config of a corpus's ``manifest.json``."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"synth config: {path}: no such file") from None
        except (OSError, json.JSONDecodeError) as e:
            raise ConfigError(f"synth config: cannot read {path}: {e}") from None
        if isinstance(data, dict) and "format" in data and isinstance(data.get("config"), dict):
            data = data["config"]  # a corpus manifest: reproduce that corpus's settings
        return cls.from_dict(data)


_GOAL_KINDS_ALLOWED = frozenset(
    k.value for k in (Kind.COLL, Kind.PARA, Kind.PERP, Kind.CONG, Kind.CYCLIC, Kind.EQANGLE, Kind.EQRATIO,
                      Kind.MIDP, Kind.SIMTRI, Kind.SIMTRI2, Kind.CONTRI, Kind.CONTRI2, Kind.CIRCLE,
                      Kind.ACONST, Kind.RCONST)
)

#: constructions the sampler knows how to feed (no literal slots, no numeric-only preconditions
#: that random points almost never meet)
_UNSAMPLEABLE = frozenset({"2l1c", "e5128"})


def _check_weights(name: str, weights: Mapping[str, float], free: bool) -> None:
    if not isinstance(weights, Mapping) or not weights:
        raise ConfigError(f"synth config: {name} must be a non-empty mapping of construction -> weight")
    for cname, w in weights.items():
        cons = CATALOGUE.get(cname)
        if cons is None:
            raise ConfigError(f"synth config: {name}: unknown construction {cname!r}")
        if cons.signature.literals or cname in _UNSAMPLEABLE:
            raise ConfigError(f"synth config: {name}: {cname!r} cannot be sampled (it needs constants or special inputs)")
        is_free = cons.kind is LocusKind.FREE
        if free and not is_free:
            raise ConfigError(f"synth config: {name}: {cname!r} is not a free figure (triangle, quadrangle, ...)")
        if not free and is_free:
            raise ConfigError(f"synth config: {name}: {cname!r} is a free figure; put it in base_weights")
        if not isinstance(w, (int, float)) or isinstance(w, bool) or not math.isfinite(w) or w < 0:
            raise ConfigError(f"synth config: {name}: weight of {cname!r} must be a non-negative number, got {w!r}")
    if not any(w > 0 for w in weights.values()):
        raise ConfigError(f"synth config: {name}: at least one weight must be positive")


def _check_range(name: str, value: float, lo: float, hi: float) -> None:
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not lo <= value <= hi:
        raise ConfigError(f"synth config: {name} must be a number in [{lo}, {hi}], got {value!r}")


def _check_int(name: str, value: int, lowest: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < lowest:
        raise ConfigError(f"synth config: {name} must be an integer >= {lowest}, got {value!r}")
