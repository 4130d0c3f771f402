"""Examples from figures: verified, minimal, deduplicated, and their aux part is needed."""
from __future__ import annotations

import pytest

from ddar.check import check_proof
from ddar.engine import Budget, Engine
from geometry.diagram import realise
from geometry.predicates import Predicate
from geometry.problem import parse_problem
from synth import (
    Example,
    Extractor,
    SynthConfig,
    canonical,
    proof_from_lines,
    sample_figure,
)
from synth.candidates import harvest


@pytest.fixture(scope="module")
def aux_examples(aux_seed: int) -> list[Example]:
    config = SynthConfig(min_steps=3, max_steps=7, max_points=14)  # the figure of aux_seed is drawn under these
    examples, tally = Extractor(config).figure_examples(aux_seed)
    assert tally.rejected_check == tally.rejected_numeric == tally.rejected_other == 0
    return examples


@pytest.fixture(scope="module")
def small_examples(small_config: SynthConfig) -> list[Example]:
    out = []
    extractor = Extractor(small_config)
    for seed in range(6):
        found, tally = extractor.figure_examples(seed)
        assert tally.rejected_check == tally.rejected_numeric == tally.rejected_other == 0
        out.extend(found)
    return out


def _replay(ex: Example, seed: int) -> None:
    problem = parse_problem("ex", ex.problem)
    diagram = realise(problem, seed=seed)  # the goal must hold here, or realise raises
    result = check_proof(proof_from_lines(problem, ex.proof), diagram.points)
    assert result.ok, (ex.problem, result.errors)


def test_every_example_is_verified(small_examples: list[Example]) -> None:
    assert len(small_examples) >= 10
    for i, ex in enumerate(small_examples):
        assert ex.problem.endswith(" ? " + ex.goal)
        assert ex.proof_length == sum(" : given" not in line for line in ex.proof) >= 2
        last = ex.proof[-1].split(" : ")[0].split(maxsplit=1)[1]  # the goal, maybe in another of its forms
        assert Predicate.parse(last.split()).canonical() == Predicate.parse(ex.goal.split()).canonical() \
            or ex.kind in ("simtri", "simtri2", "contri", "contri2")
        _replay(ex, seed=1000 + i)


def test_examples_are_deduplicated_and_canonical(small_examples: list[Example]) -> None:
    keys = [ex.key for ex in small_examples]
    assert len(keys) == len(set(keys))
    for ex in small_examples:
        assert canonical(parse_problem("x", ex.problem)).text == ex.problem


def test_a_renamed_problem_has_the_same_key() -> None:
    a = parse_problem("a", "a b c = triangle a b c; d = midpoint d a b; e = circle e a b c ? perp d e a b")
    b = parse_problem("b", "p q r = triangle p q r; o = circle o p q r; m = midpoint m p q ? perp q p o m")
    assert canonical(a).key == canonical(b).key
    c = parse_problem("c", "a b c = triangle a b c; d = midpoint d a c; e = circle e a b c ? perp d e a c")
    assert canonical(c).key != canonical(a).key


def test_aux_examples_round_trip_and_need_their_aux(aux_examples: list[Example]) -> None:
    aux = [ex for ex in aux_examples if ex.aux]
    assert aux, "the figure of aux_seed yields examples with auxiliary constructions"
    for ex in aux[:3]:
        assert " | " in ex.problem and ex.problem.split(" | ")[1].split(" ? ")[0] == "; ".join(ex.aux)
        problem = parse_problem("aux", ex.problem)
        assert problem.to_text() == ex.problem
        assert [c.to_text() for c in problem.aux] == list(ex.aux)
        with_aux = Engine(realise(problem, seed=7)).prove(problem.goal, Budget(timeout=20))
        assert with_aux.status == "solved"
        without = realise(problem, seed=7, with_aux=False)
        assert Engine(without, with_aux=False).prove(problem.goal, Budget(timeout=20)).status != "solved"
        _replay(ex, seed=7)


def test_a_candidate_cap_bounds_the_work_on_a_figure(small_config: SynthConfig) -> None:
    figure = sample_figure(2, small_config)
    found = []
    for limit in (0, 3):
        engine = Engine(figure.diagram)
        engine.prove(None, Budget(timeout=10))
        found.append(harvest(engine, small_config.goal_kinds, limit))
    assert len(found[0]) > 3 >= len(found[1])
