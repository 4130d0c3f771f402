"""The anytime best-first search: a replaceable state value, rounds past the old beam,
deeper levels while time remains, an end that says why it ended."""
from __future__ import annotations

from dataclasses import dataclass

from geometry.problem import parse_problem
from prover.proposers import FakeLM, Proposal, SearchState
from prover.search import CandidateResult, SearchConfig, search

# DD+AR alone does not prove DE ∥ AB; the foot of the altitude from C does.
BISECTORS = (
    "a b c = triangle a b c; d = angle_bisector d a b c, on_dia d b c; "
    "e = angle_bisector e b a c, on_dia e a c ? para d e a b"
)
KEY = "g = foot g c a b"
#: Points that do not help: the search must try them and go on.
USELESS = ["f = midpoint f a d", "f = midpoint f b e", "f = midpoint f c d"]


def _problem():
    return parse_problem("bisectors", BISECTORS)


@dataclass(frozen=True)
class ByClause:
    """A state value that prefers the clauses in the order given (a test's fixed order)."""

    order: tuple[str, ...]
    name: str = "by_clause"

    def __call__(self, result: CandidateResult, proposal: Proposal) -> float:
        return -float(self.order.index(proposal.clause)) if proposal.clause in self.order else -100.0


def _first_clause_of_each_state(asked: list[str]) -> list[str]:
    """The auxiliary clause of each state the proposer was asked about (root: '')."""
    out = []
    for text in asked:
        body = text.split("?")[0]
        out.append(body.split("|")[1].strip() if "|" in body else "")
    return out


def test_the_state_value_decides_which_state_is_expanded_first() -> None:
    orders = [tuple(USELESS), tuple(reversed(USELESS))]
    for order in orders:
        lm = FakeLM(lambda s: USELESS if s.depth == 0 else [])
        config = SearchConfig(timeout=60, beam_size=1, depth=2, value=ByClause(order))
        res = search(_problem(), lm, config)
        assert res.status == "unsolved"
        expanded = _first_clause_of_each_state(lm.asked)
        assert expanded[0] == "" and expanded[1:] == list(order)


def test_the_search_goes_on_past_the_old_beam_while_time_remains() -> None:
    """With one state per round, the old beam expanded only the best state of depth 1; the key
    point hides behind the worst one, which the best-first search reaches in a later round."""
    def respond(s: SearchState) -> list[str]:
        if s.depth == 0:
            return USELESS
        return [KEY] if "midpoint f c d" in s.text() else []

    lm = FakeLM(respond)
    res = search(_problem(), lm, SearchConfig(timeout=60, beam_size=1, depth=2, value=ByClause(tuple(USELESS))))
    assert res.solved and res.aux == (USELESS[2], KEY)
    assert res.aux_sources == ("fake", "fake")  # who proposed each clause, down the path
    assert res.report.rounds == 4  # the root, then the three states of depth 1 in the value's order
    assert res.report.per_depth == (3, 1)
    assert res.outcome.check is not None and res.outcome.check.ok


def test_the_search_deepens_when_the_levels_above_are_used_up_and_stops_when_all_is_tried() -> None:
    def chain(s: SearchState) -> list[str]:  # each state halves the segment from A to its last point
        last = f"p{s.depth}" if s.depth else "d"
        return [f"p{s.depth + 1} = midpoint p{s.depth + 1} a {last}"]

    lm = FakeLM(chain)
    res = search(_problem(), lm, SearchConfig(timeout=60, depth=4))
    assert res.status == "unsolved"  # ended by an exhausted space, not by the budget
    assert res.seconds < 50
    assert res.report.depth_reached == 4 and res.report.per_depth == (1, 1, 1, 1)


def test_a_state_asks_its_proposer_for_more_when_its_first_batch_is_used_up() -> None:
    """k = 1: the root's clauses come one batch at a time; the key point is its third clause."""
    lm = FakeLM(lambda s: USELESS[:2] + [KEY] if s.depth == 0 else [])
    res = search(_problem(), lm, SearchConfig(timeout=60, k=1, depth=1))
    assert res.solved and res.aux == (KEY,)
    assert res.tried == 3 and res.report.rounds == 3


def test_the_report_is_a_plain_dict_for_bench_rows() -> None:
    res = search(_problem(), FakeLM([KEY]), SearchConfig(timeout=60, depth=1))
    row = res.report.as_dict()
    assert row["rounds"] == 1 and row["per_depth"] == [1] and row["depth_reached"] == 1
    assert set(row["seconds"]) == {"proposing", "preparing", "materialising", "saturating", "checking"}
    assert row["seconds"]["checking"] > 0  # the proof was checked and replayed in the worker


class ParallelSafeFake(FakeLM):
    """The fake proposer, declared safe to ask in forked workers (its answers depend on the state alone)."""

    parallel_safe = True


def test_several_states_are_asked_at_once_in_workers_and_the_search_is_the_same() -> None:
    """beam 3: the second round expands the three states of depth 1 together; with two workers
    their proposals are asked in forked workers (the parent's fake never sees those asks), and
    the search goes as with one."""
    def respond(s: SearchState) -> list[str]:
        if s.depth == 0:
            return USELESS
        return [KEY] if "midpoint f c d" in s.text() else []

    runs = {}
    for jobs in (1, 2):
        lm = ParallelSafeFake(respond)
        res = search(_problem(), lm, SearchConfig(timeout=60, beam_size=3, depth=2, jobs=jobs))
        assert res.solved and res.outcome.check is not None and res.outcome.check.ok
        runs[jobs] = (res.aux, res.tried, res.report.rounds, res.report.per_depth, len(lm.asked))
    assert runs[1][:4] == runs[2][:4] == ((USELESS[2], KEY), 4, 2, (3, 1))
    assert runs[1][4] == 4 and runs[2][4] == 1  # root and three states here; with two workers only the root
