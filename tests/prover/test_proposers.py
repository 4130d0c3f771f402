"""Proposers: what the heuristics propose on classic problems, and one meaning of a score
(a natural-log probability among the proposer's candidates) for every proposer. (That the
model package imports nothing of the prover is tests/test_imports.py's layer check.)"""
from __future__ import annotations

import math

import pytest

from geometry.diagram import realise
from geometry.problem import parse_problem
from lm.proposer import Proposed, Suggestion
from prover.proposers import FakeLM, HeuristicProposer, MixProposer, ModelProposer, Proposal, SearchState, _chosen

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

    def propose_clauses(self, problem, k: int, deadline=None, sample=True) -> Proposed:  # noqa: ANN001
        return Proposed([(problem.with_aux_clause(s.clause).aux[-1], s.logprob) for s in self.suggestions[:k]])


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



# ---------------------------------------------------------------------- kinds on circles
def _figure(text: str) -> SearchState:
    """A state whose goal need not hold (these tests look at the candidates alone)."""
    p = parse_problem("t", text + " ? cong a b a c")
    return SearchState(p, realise(p, seed=0, check_goals=False).points)


def _proposed(text: str) -> list[Proposal]:
    return HeuristicProposer().propose(_figure(text), 10**6)


TRIANGLE = "a b c = triangle a b c"
MIQUEL = "a b c = triangle a b c; d = on_line d b c; e = on_line e c a; f = on_line f a b"
# circle (a e f) touches circle (a b c) at a: centres o, d and a are collinear
TANGENT = ("a b c = triangle a b c; o = circle o a b c; d = on_line d o a; e = on_circle e d a; "
           "f = on_circle f d a")


def test_the_second_intersection_of_two_circles_is_proposed() -> None:
    props = _proposed(MIQUEL)
    # the Miquel point: the circles (a e f) and (b d f) meet again on circle (c d e), so it ranks first
    assert props[0].clause == "g = on_circum g f a e, on_circum g f b d"
    assert props[0].source == "heuristic:circle-circle"


def test_circles_that_touch_or_share_two_points_give_no_second_intersection() -> None:
    clauses = {x.clause for x in _proposed(TANGENT)}
    assert "g = on_circum g a b c, on_circum g a e f" not in clauses  # tangent at a
    assert "g = on_circum g e a f, on_circum g e b c" in clauses  # (a e f) and (b c e) do meet again
    # (a b c) and (a b o) share a and b: no new point, so no clause
    assert not any(x.clause.startswith("g = on_circum g a b c, on_circum g a b ") for x in _proposed(TANGENT))


def test_arc_midpoints_are_proposed_once_per_arc() -> None:
    clauses = [x.clause for x in _proposed(TRIANGLE) if x.source == "heuristic:arc-midpoint"]
    assert clauses == ["d = angle_bisector d a c b, on_circum d a c b", "d = angle_bisector d a b c, on_circum d a b c",
                       "d = angle_bisector d b a c, on_circum d b a c"]


def test_an_arc_midpoint_already_in_the_figure_is_not_proposed_again() -> None:
    clauses = {x.clause for x in _proposed(TRIANGLE + "; d = angle_bisector d b a c, on_circum d a b c")}
    assert "e = angle_bisector e b a c, on_circum e b a c" not in clauses  # that is d
    assert "e = angle_bisector e a b c, on_circum e a b c" in clauses


def test_antipodes_are_proposed() -> None:
    clauses = {x.clause for x in _proposed(TRIANGLE) if x.source == "heuristic:antipode"}
    assert "d = on_tline d b b a, on_circum d a b c" in clauses  # the other end of the diameter through a


def test_an_antipode_at_an_existing_point_is_not_proposed() -> None:
    # a right angle at a: the antipode of b is c
    clauses = {x.clause for x in _proposed("a b c = r_triangle a b c")}
    assert "d = on_tline d a a b, on_circum d b a c" not in clauses


def test_excentres_of_a_stated_triangle_are_proposed() -> None:
    clauses = {x.clause for x in _proposed(TRIANGLE) if x.source == "heuristic:excentre"}
    assert clauses == {"d = excenter d a b c", "d = excenter d b c a", "d = excenter d c a b"}


def test_collinear_points_give_no_circle_kinds() -> None:
    props = _proposed("a b = segment a b; c = midpoint c a b; d = midpoint d a c")
    kinds = {"heuristic:circle-circle", "heuristic:arc-midpoint", "heuristic:antipode", "heuristic:excentre"}
    assert props and not any(x.source in kinds for x in props)


def test_the_screened_incidences_are_the_exact_ones() -> None:
    """The matrix-product screen of points against lines and circles keeps exactly the pairs the
    direct test accepts, points placed on the loci (and just inside and outside the tolerance)
    included."""
    import numpy as np

    from prover.proposers import _on_circles, _on_lines

    rng = np.random.default_rng(7)
    LP = rng.normal(size=40) + 1j * rng.normal(size=40)
    LD = np.exp(1j * rng.uniform(0, np.pi, size=40))
    CC = 3 * (rng.normal(size=30) + 1j * rng.normal(size=30))
    CR = rng.uniform(0.01, 40, size=30)
    eps = 1e-6
    on_line = LP[:20] + LD[:20] * rng.normal(size=20) * 5 + 1j * LD[:20] * rng.choice([0, 0.9, 1.1], 20) * eps
    on_circle = CC[:20] + (CR[:20] + rng.choice([0, 0.9, -0.9, 1.1], 20) * eps) * np.exp(1j * rng.uniform(0, 6.3, 20))
    Z = np.concatenate([rng.normal(size=500) * 10 + 1j * rng.normal(size=500) * 10, on_line, on_circle])
    rows, cols = _on_lines(Z, LP, LD, eps)
    exact = np.abs(((Z[:, None] - LP[None, :]) * LD.conj()[None, :]).imag) <= eps
    assert sorted(zip(rows, cols)) == sorted(zip(*np.nonzero(exact)))
    rows, cols = _on_circles(Z, CC, CR, eps)
    exact = np.abs(np.abs(Z[:, None] - CC[None, :]) - CR[None, :]) <= eps
    assert sorted(zip(rows, cols)) == sorted(zip(*np.nonzero(exact)))
    assert exact.sum() >= 10  # the points put on the circles are found


def test_a_state_asked_after_its_deadline_gets_nothing_and_is_not_remembered_empty() -> None:
    import time

    problem = parse_problem("t", "a b c = triangle a b c; d = foot d a b c ? perp a d b c")
    figure = realise(problem, seed=0)
    proposer = HeuristicProposer()
    late = SearchState(problem, figure.points, deadline=time.monotonic() - 1.0)
    assert proposer.propose(late, 10) == []
    assert len(proposer.propose(SearchState(problem, figure.points), 10)) == 10


def test_a_figure_over_the_cap_keeps_the_goals_and_the_added_points() -> None:
    # eight points, the goal's g last; capped at six, the points used are the goal's four (a b c g)
    # and the first others (d e), and the clauses name g (the first six points alone would leave
    # it out) but not h or f
    state = _state(NINE_POINT.replace("? cyclic d e f h", "; g = foot g b c a ? perp b g c a"))
    names = list(state.points)
    assert names[-2:] == ["h", "g"]
    assert _chosen(names, state.problem, 6) == ["a", "b", "c", "d", "e", "g"]
    capped = HeuristicProposer(max_points=6).propose(state, 200)
    assert any("g" in x.clause.split()[2:] for x in capped)
    assert not any("h" in x.clause.split()[2:] or "f" in x.clause.split()[2:] for x in capped)
    # a point the search adds is kept too, in place of the last of the others
    grown = state.problem.with_aux_clause("i = midpoint i a g")
    assert _chosen(names + ["i"], grown, 6) == ["a", "b", "c", "d", "g", "i"]
    assert _chosen(names, state.problem, 8) == names  # under the cap: every point
