"""The model-ranked proposer: the heuristic candidates (and the model's own clauses) reordered
by a model's scores, plugged into the search through the one proposer interface. The model here
is a stand-in with the interface of lm.proposer.LMProposer (no torch)."""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from geometry.diagram import realise
from geometry.problem import Clause, Problem, parse_problem
from prover.proposers import HeuristicProposer, ModelProposer, RankedProposer, SearchState
from prover.search import SearchConfig, search

# DD+AR alone does not prove it; the foot of the altitude from C does (tests/prover/test_search.py).
BISECTORS = (
    "a b c = triangle a b c; d = angle_bisector d a b c, on_dia d b c; "
    "e = angle_bisector e b a c, on_dia e a c ? para d e a b"
)


@dataclass
class _Proposed:
    clauses: list[tuple[Clause, float]] = field(default_factory=list)
    malformed: int = 0
    duplicates: int = 0


class FakeScorer:
    """Scores a clause by a function of its text; generates the clauses it was given."""

    loaded = True

    def __init__(self, judge: Callable[[str], float], own: Sequence[str] = (), malformed: int = 0) -> None:
        self.judge, self.own, self.malformed = judge, list(own), malformed
        self.scored = 0

    def score(self, problem: Problem, clauses: Sequence[str], per_token: bool = False) -> list[float]:
        self.scored += len(clauses)
        return [self.judge(c) for c in clauses]

    def propose_clauses(self, problem: Problem, k: int, deadline: float | None = None,
                        sample: bool = True) -> _Proposed:
        got = [(problem.with_aux_clause(t).aux[-1], self.judge(t)) for t in self.own[:k]]
        return _Proposed(got, self.malformed, 0)


def _state(text: str = BISECTORS) -> SearchState:
    p = parse_problem("t", text)
    return SearchState(p, realise(p, seed=0, check_goals=False).points)


def test_same_candidates_as_the_heuristic_reordered_by_the_model() -> None:
    heur = HeuristicProposer().propose(_state(), 300)
    # a model that likes feet, and among them the later ones in the heuristic's order
    order = {p.clause: i for i, p in enumerate(heur)}
    model = FakeScorer(lambda c: (0.0 if " foot " in c else -50.0) + order[c] / 1000 - 10)
    ranked = RankedProposer(model, weight=0.0, pool=300).propose(_state(), 300)
    assert sorted(p.clause for p in ranked) == sorted(p.clause for p in heur)
    assert [p.clause for p in ranked] != [p.clause for p in heur]
    feet = [p.clause for p in ranked if " foot " in p.clause]
    assert feet and [p.clause for p in ranked[: len(feet)]] == sorted(feet, key=lambda c: -order[c])
    assert all(p.score <= 0 for p in ranked) and sum(math.exp(p.score) for p in ranked) <= 1 + 1e-6


def test_with_a_flat_model_the_heuristic_order_stands() -> None:
    heur = HeuristicProposer().propose(_state(), 100)
    ranked = RankedProposer(FakeScorer(lambda c: -5.0), weight=1.0, pool=100).propose(_state(), 100)
    assert [p.clause for p in ranked] == [p.clause for p in heur]


def test_where_the_model_reads_nothing_the_heuristic_order_stands() -> None:
    heur = HeuristicProposer().propose(_state(), 50)
    ranked = RankedProposer(FakeScorer(lambda c: -math.inf), pool=50).propose(_state(), 50)
    assert [p.clause for p in ranked] == [p.clause for p in heur]


def test_the_models_own_clauses_join_the_ranking_and_its_drops_are_counted() -> None:
    own = "x9 = on_circle x9 a b, on_line x9 a c"  # not a kind the heuristics write
    model = FakeScorer(lambda c: 0.0 if c == own else -20.0, own=[own], malformed=3)
    state = _state()
    ranked = RankedProposer(model, pool=50).propose(state, 10)
    assert ranked[0].clause == own and ranked[0].source == "ranked:lm"
    assert state.dropped == {"unparseable": 3}


def test_asking_again_goes_on_down_the_same_order_without_rescoring() -> None:
    model = FakeScorer(lambda c: -float(len(c)))
    proposer = RankedProposer(model, pool=64)
    first = proposer.propose(_state(), 8)
    scored = model.scored
    again = proposer.propose(_state(), 16)
    assert [p.clause for p in again[:8]] == [p.clause for p in first] and model.scored == scored
    # past its pool: the heuristics are asked for more, and only the new candidates are scored
    more = proposer.propose(_state(), 100)
    assert len(more) == 100 and model.scored < scored + 100


def test_a_scorer_that_puts_the_right_clause_first_proves_with_one_candidate() -> None:
    # C on the perpendicular bisector of AB, DB and EA perpendicular to AB, E on CD: C is the
    # midpoint of DE. The heuristics' first two candidates do not prove it, their third does.
    strip = "a b = segment a b; c = on_bline c a b; d = on_tline d b a b; e = intersection_lt e c d a a b ? cong e c c d"
    p = parse_problem("strip", strip)
    right = "intersection_lt f a b c c d"
    assert [x.clause.split(" = ", 1)[1] for x in HeuristicProposer().propose(_state(strip), 5)].index(right) > 0
    heuristic = search(p, HeuristicProposer(), SearchConfig(timeout=120, depth=1, k=64, jobs=1))
    assert heuristic.solved and heuristic.tried > 1
    model = FakeScorer(lambda c: 0.0 if c.split(" = ", 1)[1] == right else -30.0)
    res = search(p, RankedProposer(model), SearchConfig(timeout=120, depth=1, k=64, jobs=1))
    assert res.solved and res.tried == 1, (res.status, res.tried)
    assert res.outcome.check is not None and res.outcome.check.ok
    assert res.aux == (f"f = {right}",)


def test_the_model_proposers_drops_reach_the_search_row() -> None:
    p = parse_problem("bisectors", BISECTORS)
    model = FakeScorer(lambda c: -1.0, own=["f = foot f c a b"], malformed=5)
    res = search(p, ModelProposer(model), SearchConfig(timeout=60, depth=1, jobs=1))
    assert res.solved and res.unparseable == 5
