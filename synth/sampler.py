"""Random figures: a free figure, then constructions drawn from a weighted action space.

Every step is realised at once; a step whose draw is degenerate (failed
precondition, loci that miss, coinciding points) is redrawn, and given up after
``step_tries`` draws. The same seed gives the same figure.

>>> fig = sample_figure(7, SynthConfig())
>>> fig == sample_figure(7, SynthConfig())
True
>>> set(fig.diagram.points) == set(fig.problem.points())
True
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from geometry.constructions import CATALOGUE
from geometry.diagram import Diagram, realise
from geometry.errors import ProblemError
from geometry.names import point_name
from geometry.problem import Problem, parse_problem

from .config import SynthConfig

#: How many whole diagrams ``realise`` may try for one prefix (it also redraws clauses).
_REALISE_ATTEMPTS = 3


class SamplingError(Exception):
    """No figure could be drawn for a seed (the base figure itself failed)."""


@dataclass(frozen=True)
class Figure:
    """A sampled construction sequence and its numeric diagram."""

    seed: int
    problem: Problem
    diagram: Diagram = field(compare=False)

    @property
    def text(self) -> str:
        return self.problem.to_text()


# Parameters that name a circle: (centre, a point on it). The sampler prefers known circles there.
_CIRCLE_ROLES: dict[str, tuple[str, str]] = {
    "on_circle": ("o", "a"),
    "intersection_lc": ("o", "b"),
    "intersection_cc": ("o", "a"),
    "tangent": ("o", "b"),
    "lc_tangent": ("o", "a"),
}
#: Constructions whose new point is the centre of a circle through some of their inputs.
_CENTRES: dict[str, tuple[str, ...]] = {"circle": ("a", "b", "c"), "circumcenter": ("a", "b", "c")}


@dataclass
class _State:
    names: list[str]
    base: frozenset[str]
    clauses: list[str]
    circles: dict[str, list[str]]  # centre -> points known to lie on one circle around it

    def fresh(self) -> str:
        return point_name(len(self.names))


def sample_figure(seed: int, config: SynthConfig) -> Figure:
    """Draw and realise one random figure; raises :class:`SamplingError` if even its base fails."""
    rng = np.random.default_rng(seed)
    base = _choose(rng, config.base_weights)
    outs = [point_name(i) for i in range(len(CATALOGUE[base].signature.outputs))]
    state = _State([], frozenset(outs), [], {})
    state.clauses.append(f"{' '.join(outs)} = {base} {' '.join(outs)}")
    state.names.extend(outs)
    diagram = _try_realise(state.clauses, rng)
    if diagram is None:
        raise SamplingError(f"seed {seed}: the base figure {base} does not realise")
    steps = int(rng.integers(config.min_steps, config.max_steps + 1))
    for _ in range(steps):
        if len(state.names) >= config.max_points:
            break
        for _ in range(config.step_tries):
            drawn = _draw_step(rng, config, state)
            if drawn is None:
                continue
            text, new, circle = drawn
            if len(state.names) + len(new) > config.max_points:
                continue
            got = _try_realise(state.clauses + [text], rng)
            if got is None:
                continue
            diagram = got
            state.clauses.append(text)
            state.names.extend(new)
            if circle is not None:
                centre, members = circle
                state.circles.setdefault(centre, []).extend(m for m in members if m not in state.circles.get(centre, []))
            break
    return Figure(seed, diagram.problem, diagram)


def _try_realise(clauses: list[str], rng: np.random.Generator) -> Diagram | None:
    problem = parse_problem("synth", "; ".join(clauses))
    try:
        return realise(problem, seed=int(rng.integers(2**31)), check_goals=False, attempts=_REALISE_ATTEMPTS)
    except ProblemError:
        return None


def _choose(rng: np.random.Generator, weights: dict[str, float]) -> str:
    names = sorted(weights)
    w = np.array([weights[n] for n in names], dtype=float)
    return names[int(rng.choice(len(names), p=w / w.sum()))]


def _draw_step(
    rng: np.random.Generator, config: SynthConfig, state: _State
) -> tuple[str, list[str], tuple[str, list[str]] | None] | None:
    """One clause text, its new points, and the circle it adds to (centre, points), if any."""
    name = _choose(rng, config.step_weights)
    cons = CATALOGUE[name]
    outs = [state.fresh()] if len(cons.signature.outputs) == 1 else [
        point_name(len(state.names) + i) for i in range(len(cons.signature.outputs))
    ]
    call = _call(rng, name, outs, state, config.base_weight)
    if call is None:
        return None
    calls = [call]
    if cons.kind.intersectable and rng.random() < config.intersect_prob:
        loci = {n: w for n, w in config.step_weights.items() if CATALOGUE[n].kind.intersectable and w > 0}
        other = _choose(rng, loci)
        second = _call(rng, other, outs, state, config.base_weight)
        if second is None or second == call:
            return None
        calls.append(second)
    text = f"{' '.join(outs)} = {', '.join(calls)}"
    circle = None
    if name in _CENTRES:
        args = dict(zip(cons.signature.params, call.split()[1:]))
        circle = (outs[0], [args[p] for p in _CENTRES[name]])
    elif len(calls) == 1 and name == "on_circle":
        args = dict(zip(cons.signature.params, call.split()[1:]))
        circle = (args["o"], [outs[0]])
    return text, outs, circle


def _call(rng: np.random.Generator, name: str, outs: list[str], state: _State, base_weight: float) -> str | None:
    """``name`` applied to the new points ``outs`` and randomly chosen existing points."""
    sig = CATALOGUE[name].signature
    inputs = list(sig.inputs)
    if len(inputs) > len(state.names):
        return None
    chosen: dict[str, str] = {}
    roles = _CIRCLE_ROLES.get(name)
    known = [(o, pts) for o, pts in sorted(state.circles.items()) if pts]
    if roles is not None and known and rng.random() < 0.75:
        centre, members = known[int(rng.integers(len(known)))]
        chosen[roles[0]] = centre
        chosen[roles[1]] = members[int(rng.integers(len(members)))]
    rest = [p for p in inputs if p not in chosen]
    pool = [n for n in state.names if n not in chosen.values()]
    if len(rest) > len(pool):
        return None
    # Points of the base figure weigh more: constructions then hang side by side off the
    # base instead of in one chain, and one branch can serve as an auxiliary for another.
    w = np.array([base_weight if n in state.base else 1.0 for n in pool])
    picks: list[int] = [int(i) for i in rng.choice(len(pool), size=len(rest), replace=False, p=w / w.sum())] if rest else []
    for formal, i in zip(rest, picks):
        chosen[formal] = pool[i]
    outputs = iter(outs)
    args = [next(outputs) if p in sig.outputs else chosen[p] for p in sig.params]
    return " ".join([name, *args])
