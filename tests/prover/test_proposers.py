"""Proposers: what the heuristics propose on classic problems, and one meaning of a score
(a natural-log probability among the proposer's candidates) for every proposer. (That the
model package imports nothing of the prover is tests/test_imports.py's layer check.)"""
from __future__ import annotations

import math

import pytest

from geometry.diagram import realise
from geometry.problem import parse_problem
from lm.proposer import Suggestion
from prover.proposers import FakeLM, HeuristicProposer, MixProposer, ModelProposer, Proposal, SearchState

ORTHOCENTER = ("a b c = triangle a b c; d = foot d a b c; e = foot e b c a; h = intersection_ll h a d b e "
               "? perp c h a b")
BISECTORS = ("a b c = triangle a b c; d = angle_bisector d a b c, on_dia d b c; "
             "e = angle_bisector e b a c, on_dia e a c ? para d e a b")
NINE_POINT = ("a b c = triangle a b c; d = midpoint d b c; e = midpoint e c a; f = midpoint f a b; "
              "h = foot h a b c ? cyclic d e f h")


def _state(text: str) -> SearchState:
    p = parse_problem("t", text)
    return SearchState(p, realise(p, seed=0).points)


@pytest.mark.parametrize("text,top", [
    # two altitudes meet at h: the foot of the third one, from c, is what proves ch ⊥ ab
    (ORTHOCENTER, ["f = foot f c a b", "f = intersection_lc f h d a", "f = intersection_lc f c d b",
                   "f = intersection_lc f b d c", "f = intersection_lc f a d h"]),
    (BISECTORS, ["f = foot f c a b", "f = incenter f a b c", "f = circle f a c e", "f = circle f b c d",
                 "f = parallelogram c e a f"]),
    (NINE_POINT, ["g = parallelogram e h d g", "g = parallelogram f h d g", "g = orthocenter g d e f",
                  "g = parallelogram f h e g", "g = foot g c a b"]),
])
def test_the_heuristics_propose_the_classic_points_first(text: str, top: list[str]) -> None:
    assert [x.clause for x in HeuristicProposer().propose(_state(text), 5)] == top


def test_a_heuristic_score_is_a_log_probability_over_every_candidate() -> None:
    state = _state(BISECTORS)
    every = HeuristicProposer().propose(state, 10_000)
    first = HeuristicProposer().propose(state, 8)
    assert all(x.score <= 0 for x in every)
    assert math.isclose(sum(math.exp(x.score) for x in every), 1.0, rel_tol=1e-9)  # all the candidates
    assert [(x.clause, x.score) for x in first] == [(x.clause, x.score) for x in every[:8]]  # whatever k
    assert [x.score for x in every] == sorted((x.score for x in every), reverse=True)
    assert math.exp(every[0].score) > 0.3  # the best candidate stands out of hundreds


def test_the_fake_model_scores_by_rank() -> None:
    props = FakeLM(["f = foot f c a b", "f = midpoint f a b", "f = incenter f a b c"]).propose(_state(BISECTORS), 2)
    assert [x.clause for x in props] == ["f = foot f c a b", "f = midpoint f a b"]
    assert [x.score for x in props] == pytest.approx([math.log(6 / 11), math.log(3 / 11)])  # 1 : 1/2 : 1/3


class _Model:
    """A stand-in for lm.proposer.LMProposer: fixed suggestions, no torch."""

    loaded = True

    def __init__(self, suggestions: list[Suggestion]) -> None:
        self.suggestions = suggestions

    def suggest(self, problem, k: int) -> list[Suggestion]:  # noqa: ANN001
        return self.suggestions[:k]


def test_the_model_proposer_keeps_the_models_order_and_log_probabilities() -> None:
    model = _Model([Suggestion("f = midpoint f a b", -0.3), Suggestion("f = foot f c a b", -0.2),
                    Suggestion("f = circle f a b c", -4.0)])
    props = ModelProposer(model).propose(_state(BISECTORS), 2)
    assert props == [Proposal("f = midpoint f a b", -0.3, "lm"), Proposal("f = foot f c a b", -0.2, "lm")]


@pytest.mark.parametrize("k", [1, 5, 40])
def test_every_proposer_gives_probabilities_that_sum_to_at_most_one(k: int) -> None:
    state = _state(NINE_POINT)
    model = _Model([Suggestion("g = midpoint g d e", math.log(0.5)), Suggestion("g = foot g d e f", math.log(0.25))])
    fake = FakeLM([f"g = midpoint g {a} {b}" for a, b in ("ab", "bc", "ca", "ad", "bd")])
    parts = (HeuristicProposer(), fake, ModelProposer(model))
    for proposer in parts:
        props = proposer.propose(state, k)
        assert props and all(x.score <= 0 for x in props)
        assert sum(math.exp(x.score) for x in props) <= 1 + 1e-9
    mix = MixProposer(*parts).propose(state, k)
    assert sum(math.exp(x.score) for x in mix) <= len(parts) + 1e-9  # each part keeps its own score
    lists = [p.propose(state, k) for p in parts]
    for x in mix:  # ... as its proposer gave it
        assert any((x.clause, x.score) in {(y.clause, y.score) for y in lst} for lst in lists)

