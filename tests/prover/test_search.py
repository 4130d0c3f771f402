"""The proof search: proposers, budget, determinism, and extension of a saturated state."""
from __future__ import annotations

import copy
import time
from collections import Counter
from itertools import combinations

import pytest

import prover.search as search_mod
from ddar.engine import Engine
from ddar.extend import ExtensionError, extend_engine
from geometry.diagram import extend_diagram, realise
from geometry.errors import RealisationError
from geometry.problem import parse_problem
from prover.export import render
from prover.prove import prove_ddar
from prover.proposers import FakeLM, HeuristicProposer, MixProposer, Proposal, Proposer, SearchState, make_proposer
from prover.search import SearchConfig, search

# The feet of two bisectors on circles with diameters BC and AC: DE is parallel to AB.
# DD+AR alone does not prove it; the foot of the altitude from C does the trick.
BISECTORS = (
    "a b c = triangle a b c; d = angle_bisector d a b c, on_dia d b c; "
    "e = angle_bisector e b a c, on_dia e a c ? para d e a b"
)
# The same with M, the midpoint of AB, drawn (DD+AR still needs help).
MIDPOINT_BISECTORS = BISECTORS.replace("a b c = triangle a b c;", "a b c = triangle a b c; m = midpoint m a b;")
# The feet E, F of perpendiculars from B and A to CD, G the midpoint of AB: GE = GF.
FEET = "b c d = triangle b c d; e = foot e b c d; a = free a; f = foot f a c d; g = midpoint g b a ? cong f g g e"
# C on the perpendicular bisector of AB, DB and EA perpendicular to AB, E on CD: C is the
# midpoint of DE. DD+AR alone does not prove it; the midpoint of AB does.
STRIP = "a b = segment a b; c = on_bline c a b; d = on_tline d b a b; e = intersection_lt e c d a a b ? cong e c c d"


def _problem(text: str = BISECTORS, name: str = "bisectors"):
    return parse_problem(name, text)


def test_ddar_alone_fails_on_the_examples() -> None:
    for text in (BISECTORS, STRIP):
        assert prove_ddar(_problem(text), seed=0, timeout=20).status != "solved"


def test_fake_lm_with_the_right_construction_proves_it_and_the_proof_says_so() -> None:
    lm = FakeLM(["f = foot f c a b"])
    res = search(_problem(), lm, SearchConfig(timeout=60, depth=1))
    assert res.solved and res.aux == ("f = foot f c a b",)
    out = res.outcome
    assert out.check is not None and out.check.ok
    assert "f" in out.proof.aux_points
    assert lm.asked and "?" in lm.asked[0]
    text = render([out], "text")
    assert "Auxiliary construction" in text and "foot of the perpendicular from C to AB" in text
    # the construction is stated before the first step that uses F
    intro = text.index("Auxiliary construction")
    first_use = min(i for i, line in enumerate(text.splitlines()) if "F" in line and "construction of F" in line)
    assert intro < sum(len(x) + 1 for x in text.splitlines()[:first_use])
    for fmt in ("markdown", "json", "html"):
        assert "foot of the perpendicular from C to AB" in render([out], fmt)


def test_malformed_and_unrealisable_proposals_are_skipped_and_counted() -> None:
    proposals = [
        "",  # empty
        "this is not a clause",
        "f = midpoint f a",  # too few arguments
        "f = foot f c a q",  # q is not a point
        "a = midpoint a b c",  # a is already defined
        "f = nonsense f a b",  # unknown construction
        "f = midpoint f a b ? perp a b c d",  # a goal smuggled in
        "f = intersection_ll f a b a b",  # the same line twice: no intersection
        "f = intersection_ll f a b b a",
        "f = midpoint f a b",  # fine (but useless)
        "g = midpoint g b a",  # the same point again: a duplicate
    ]
    res = search(_problem(), FakeLM(proposals), SearchConfig(timeout=60, depth=1))
    assert not res.solved
    assert res.unparseable == 7
    assert res.unrealisable == 2
    assert res.duplicates == 1
    assert res.tried == 1


def test_a_proposal_of_an_existing_point_is_dropped_and_counted() -> None:
    """A clause that only rebuilds a point the figure has (M is the midpoint of AB, D is on the
    bisector at B and the circle on BC) is skipped before DD+AR and counted apart from the
    unrealisable ones."""
    proposals = [
        "f = midpoint f b a",  # = m
        "f = angle_bisector f a b c, on_dia f b c",  # = d
        "f = intersection_ll f a b a b",  # no point at all: unrealisable
        "f = midpoint f a c",  # a new point: tried
    ]
    res = search(_problem(MIDPOINT_BISECTORS), FakeLM(proposals), SearchConfig(timeout=60, depth=1))
    assert res.existing_points == 2
    assert res.unrealisable == 1 and res.unparseable == 0 and res.duplicates == 0
    assert res.tried == 1 and res.skipped == 3


def test_a_bench_row_counts_the_existing_points(monkeypatch: pytest.MonkeyPatch) -> None:
    import prover.search_cli as search_cli
    from prover.bench import Task

    monkeypatch.setattr(search_cli, "make_proposer", lambda name, model=None: FakeLM(["f = midpoint f b a"]))
    row = search_cli.run_search_task(Task("t", MIDPOINT_BISECTORS, timeout=60, seed=0, mode="search", depth=1))
    assert row["skipped"] == {"unparseable": 0, "unrealisable": 0, "existing_points": 1, "duplicates": 0}


class _Broken:
    name = "broken"

    def propose(self, state: SearchState, k: int) -> list[Proposal]:
        raise RuntimeError("the proposer fell over")


def test_a_failing_proposer_does_not_crash_the_search() -> None:
    res = search(_problem(), _Broken(), SearchConfig(timeout=30, depth=2))
    assert res.status == "unsolved" and res.errors == 1


def test_the_budget_holds_even_when_a_worker_hangs(monkeypatch: pytest.MonkeyPatch) -> None:
    def hang(*args, **kwargs):  # a DD+AR call that never returns (runs in the forked worker)
        time.sleep(3600)

    monkeypatch.setattr(search_mod, "_evaluate", hang)
    lm = FakeLM([f"f = midpoint f {x} {y}" for x, y in (("a", "b"), ("b", "c"), ("a", "c"))])
    start = time.monotonic()
    res = search(_problem(), lm, SearchConfig(timeout=2.0, depth=1, jobs=2))
    elapsed = time.monotonic() - start
    assert res.status == "timeout"
    assert elapsed < 2.0 + 20  # generous slack: the point is that the hung workers were killed


# Morley's trisector theorem: far beyond a few seconds of search.
MORLEY = (
    "a b c = triangle a b c; d e = trisect d e b a c; f g = trisect f g c b a; h i = trisect h i a c b; "
    "j = intersection_ll j b f c i; k = intersection_ll k a e c h; l = intersection_ll l a d b g ? cong j l j k"
)


def test_the_budget_holds_with_the_heuristic_proposer() -> None:
    start = time.monotonic()
    res = search(_problem(MORLEY, "morley"), HeuristicProposer(), SearchConfig(timeout=5.0, depth=3, jobs=2))
    assert time.monotonic() - start < 5.0 + 20  # generous slack; the search stops itself at its deadline
    assert res.status == "timeout"


def test_same_seed_same_proof_whatever_the_number_of_workers() -> None:
    runs = [
        search(_problem(STRIP, "strip"), HeuristicProposer(), SearchConfig(timeout=60, depth=1, jobs=jobs, seed=3))
        for jobs in (1, 2, 2)
    ]
    assert all(r.solved for r in runs)
    first = runs[0]
    for r in runs[1:]:
        assert r.aux == first.aux
        assert r.outcome.proof.lines == first.outcome.proof.lines


def test_heuristic_proposals_are_ranked_and_free_of_numeric_duplicates() -> None:
    p = _problem(FEET, "feet")
    d = realise(p, seed=0)
    props = HeuristicProposer().propose(SearchState(p, d.points), 10_000)
    assert props and all(isinstance(x, Proposal) for x in props)
    scores = [x.score for x in props]
    assert scores == sorted(scores, reverse=True)
    ext = parse_problem("feet", p.to_text().split("?")[0] + " ? " + str(p.goal))
    positions = []
    for x in props[:200]:
        clause = parse_problem("t", _with(ext, x.clause)).aux[-1]
        try:
            z = extend_diagram(d, [clause]).points[clause.points[0]]
        except RealisationError:
            continue
        assert all(abs(z - q) > 1e-6 for q in d.points.values())
        positions.append(z)
    assert all(abs(u - v) > 1e-7 for i, u in enumerate(positions) for v in positions[i + 1 :])
    # a point on a line it was not built from ranks above one that is not
    assert props[0].score > props[-1].score


def _with(problem, clause: str) -> str:
    main = "; ".join(c.to_text() for c in problem.clauses)
    return f"{main} | {clause}"


def test_proposers_share_one_interface() -> None:
    p = _problem()
    state = SearchState(p, realise(p, seed=0).points)
    mix = MixProposer(FakeLM(["f = foot f c a b"]), HeuristicProposer())
    for proposer in (HeuristicProposer(), FakeLM(["f = foot f c a b"]), mix):
        assert isinstance(proposer, Proposer)
        props = proposer.propose(state, 5)
        assert 0 < len(props) <= 5
    assert mix.propose(state, 5)[0].clause == "f = foot f c a b"
    assert isinstance(make_proposer("heuristic"), HeuristicProposer)


# ---------------------------------------------------------------------- extension = from scratch
EXTENSIONS = [
    ("a b c = triangle a b c; d = midpoint d a b; e = midpoint e a c ? para d e b c", "f = midpoint f b c"),
    ("a b c = triangle a b c; h = orthocenter h a b c ? perp a h b c", "d = foot d a b c"),
    ("a b c = triangle a b c; o = circle o a b c ? cong o a o b", "m = midpoint m a b"),
    (BISECTORS, "f = foot f c a b"),
    (FEET, "h = midpoint h e f"),
    ("a b c = triangle a b c; o = circle o a b c; d = on_circle d o a ? cyclic a b c d", "e = on_line e c o, on_circle e o a"),
    ("a b c d = quadrangle a b c d; e = midpoint e a b; f = midpoint f c d ? para e f a c", "g = midpoint g b c"),
]


def _implied(engine: Engine, pred) -> bool:
    return pred.canonical() in engine.known or engine.implied(pred) or engine.fact_id(pred) is not None


@pytest.mark.parametrize("text,aux", EXTENSIONS)
def test_extending_a_saturated_state_derives_what_saturating_from_scratch_derives(text: str, aux: str) -> None:
    p = parse_problem("t", text)
    extended = parse_problem("t", f"{text.split('?')[0]} | {aux} ? {text.split('?')[1]}")
    diagram = realise(p, seed=0)
    engine = Engine(diagram)
    engine.prove(None)
    grown = extend_diagram(diagram, list(extended.aux), seed=0)
    assert all(grown.points[n] == z for n, z in diagram.points.items())  # the figure does not move
    extend_engine(engine, grown)
    ext_result = engine.prove(extended.goal)
    scratch = Engine(grown)  # the same figure, built from nothing
    scratch_result = scratch.prove(extended.goal)
    assert ext_result.status == scratch_result.status
    ext_copy, scratch_copy = copy.deepcopy(engine), copy.deepcopy(scratch)
    ext_copy.prove(None)
    scratch_copy.prove(None)
    assert all(_implied(ext_copy, f.pred) for f in scratch_copy.facts)
    assert all(_implied(scratch_copy, f.pred) for f in ext_copy.facts)


def test_an_extension_must_keep_the_figure() -> None:
    p = _problem()
    engine = Engine(realise(p, seed=0))
    other = realise(p, seed=5)
    with pytest.raises(ExtensionError):
        extend_engine(engine, other)


def test_a_find_the_value_goal_is_searched_as_its_value_and_answered() -> None:
    """DD+AR alone cannot find the angle between DE and AB; with the foot of the altitude from
    c the search proves the value read off the figure, and the proof answers the question."""
    from prover.search_cli import answer_texts
    from prover.export import render

    problem = _problem(BISECTORS.replace("? para d e a b", "? acompute d e a b"))
    res = search(problem, FakeLM(["f = foot f c a b"]), SearchConfig(timeout=60, depth=1))
    assert res.solved and res.aux == ("f = foot f c a b",)
    assert res.outcome.problem.goals == problem.goals  # the question as asked
    assert answer_texts(res.outcome.proof) == ["∠(DE, AB) = 0°"]
    text = render([res.outcome], "text")
    assert "Find the value of ∠(DE, AB)." in text and text.rstrip().endswith("Answer: ∠(DE, AB) = 0°.")


def test_the_progress_names_the_clauses_of_the_best_state() -> None:
    """A progress line can say which auxiliary points the most promising state so far adds."""
    useless = ["f = midpoint f a b", "f = midpoint f b c"]
    seen = []
    res = search(_problem(), FakeLM(useless), SearchConfig(timeout=60, depth=1), progress=seen.append)
    assert res.status == "unsolved"
    assert seen and all(p.best_aux == () or p.best_aux in {(u,) for u in useless} for p in seen)
    assert seen[-1].best_aux in {(u,) for u in useless}  # both were tried: one of them is the best


def _root(problem):
    from prover.prove import run_ddar

    base = run_ddar(problem, seed=0, timeout=20)
    return base, search_mod._Node(problem, base.inner, base.engine, ())


def _prepared(node, texts):
    import numpy as np

    stats = search_mod._Stats()
    return [search_mod._prepare(node, Proposal(t, 0.0, f"test:{i}"), np.random.default_rng(i), stats)
            for i, t in enumerate(texts)]


def test_combined_candidates_rename_their_new_points_apart() -> None:
    """Four proposals all naming their new point ``f``: together they add four points with four
    names, each where its own figure put it, on top of the state's figure."""
    from dataclasses import replace

    problem = _problem()
    base, node = _root(problem)
    members = _prepared(node, ["f = midpoint f a c", "f = midpoint f b c", "f = foot f c a b", "f = midpoint f a b"])
    both = search_mod.combine(node, members)
    added = both.problem.aux
    assert [c.points for c in added] == [("f",), ("g",), ("h",), ("i",)]
    assert [c.to_text() for c in added][2] == "h = foot h c a b"
    assert both.sources() == ("test:0", "test:1", "test:2", "test:3")
    assert len(both.diagram.points) == len(base.engine.pts) + 4
    for m, clause in zip(members, both.diagram.problem.aux[-4:]):
        (own,) = [z for n, z in m.diagram.points.items() if n not in base.engine.pts]
        assert both.diagram.points[clause.points[0]] == own
    # a bundle of them is the same extension, with its members kept
    bundle = replace(both, members=tuple(members))
    assert bundle.problem_aux() == both.problem_aux()


def test_a_bundle_proof_keeps_only_the_clauses_it_needs() -> None:
    """DD+AR on four candidates at once proves the goal; the proof keeps the foot of the
    altitude alone (the clause that proves it by itself), checked like any candidate's."""
    from dataclasses import replace

    from prover.search import CandidateStatus

    problem = _problem()
    base, node = _root(problem)
    members = _prepared(node, ["f = midpoint f a c", "f = midpoint f b c", "f = foot f c a b", "f = midpoint f a b"])
    bundle = replace(search_mod.combine(node, members), members=tuple(members))
    goal = problem.goal.rename(base.inner)
    res = search_mod._evaluate(bundle, goal, frozenset(base.engine.pts), 20.0, 0)
    assert res.status is CandidateStatus.SOLVED and res.members == (2,)
    assert res.check is not None and res.check.ok
    proving = bundle.proving(res)
    assert proving.problem_aux() == ("f = foot f c a b",) and proving.sources() == ("test:2",)
    assert [c.to_text() for c in res.diagram.problem.aux] == ["f = foot f c a b"]


def test_a_bundle_finds_two_points_that_prove_it_only_together() -> None:
    """D and E lie on the circles on BC and AC: with the midpoints of BC and AC (their centres)
    DD+AR proves DE parallel to AB, with either one alone it does not. At depth 1 the single
    candidates cannot find it; the root's bundle of all three proposals does, and the proof
    keeps the two midpoints, not the third (the midpoint of AB)."""
    proposals = ["f = midpoint f a b", "f = midpoint f a c", "f = midpoint f b c"]
    off = search(_problem(), FakeLM(proposals), SearchConfig(timeout=60, depth=1, bundle=0, cover=0))
    assert off.status == "unsolved" and off.tried == 3 and off.report.bundles == 0
    res = search(_problem(), FakeLM(proposals), SearchConfig(timeout=60, depth=1))
    assert res.solved and res.aux == ("f = midpoint f a c", "g = midpoint g b c")
    assert res.tried == 3 and res.report.bundles == 1 and res.report.bundled == 3
    assert res.report.per_depth == (3,)  # a bundle is not counted as a candidate
    out = res.outcome
    assert out.check is not None and out.check.ok and set(out.proof.aux_points) == {"f", "g"}
    assert res.summary()["bundles"] == 1
    # the round's bundles run after its first ``bundle_after`` singles: here after one of them
    early = search(_problem(), FakeLM(proposals), SearchConfig(timeout=60, depth=1, bundle_after=1, jobs=1))
    assert early.solved and early.aux == res.aux and early.tried == 1 and early.report.bundles == 1


def test_cover_groups_put_every_two_positions_together_exactly_once() -> None:
    for q in (2, 3, 5, 7):
        groups = search_mod.cover_groups(q)
        assert len(groups) == q * (q + 1) and all(len(g) == q and g == sorted(g) for g in groups)
        pairs = Counter(pair for g in groups for pair in combinations(g, 2))
        assert set(pairs) == set(combinations(range(q * q), 2)) and set(pairs.values()) == {1}
    with pytest.raises(ValueError, match="prime"):
        SearchConfig(cover=4)


def test_covering_bundles_find_two_points_that_are_not_neighbours_in_rank() -> None:
    """The two midpoints that prove the goal together are the first and the third proposal:
    bundles of two neighbours in rank ({1, 2}, {3, 4}) never hold both; the covering groups of
    the best four (``cover=2``) do, and the proof keeps just the two."""
    proposals = ["f = midpoint f a c", "f = midpoint f a b", "f = midpoint f b c", "f = mirror f a b"]
    off = search(_problem(), FakeLM(proposals), SearchConfig(timeout=60, depth=1, bundle=2, cover=0))
    assert off.status == "unsolved" and off.report.bundles == 2
    res = search(_problem(), FakeLM(proposals), SearchConfig(timeout=60, depth=1, bundle=2, cover=2, jobs=1))
    assert res.solved and res.aux == ("f = midpoint f a c", "g = midpoint g b c")
    # the two bundles of neighbours, then the first covering group, {1, 3}: no other runs after it
    assert res.report.bundles == 3 and res.report.per_depth == (4,)
    assert res.outcome.check is not None and res.outcome.check.ok


def test_an_unproven_bundle_opens_no_state() -> None:
    """Mirror images that do not help: the bundle is tried after the single candidates and
    opens no state (the search ends unsolved with nothing left, having tried the four)."""
    useless = ["f = mirror f a b", "f = mirror f b a", "f = mirror f c a", "f = mirror f a c"]
    res = search(_problem(), FakeLM(useless), SearchConfig(timeout=60, depth=1))
    assert res.status == "unsolved" and res.tried == 4 and res.report.bundles == 1
    # at depth 2 the root and its four children are asked for proposals, and nothing else
    lm = FakeLM(useless)
    deeper = search(_problem(), lm, SearchConfig(timeout=60, depth=2))
    assert deeper.report.bundles == 1 and len(lm.asked) == 5


def test_a_bundle_leaves_out_a_member_a_hair_from_another() -> None:
    """Two proposals whose points land within ``MIN_SEPARATION`` of the figure's radius of each
    other (each alone is a fine candidate) never go into one bundle: lines through both would be
    numerically arbitrary."""
    from dataclasses import replace

    from geometry.tolerance import MIN_SEPARATION

    problem = _problem()
    base, node = _root(problem)
    members = _prepared(node, ["f = midpoint f a c", "f = midpoint f b c"])
    twin = copy.copy(members[1])
    (new,) = twin.problem.aux[-1].points
    near = twin.diagram.points[twin.inner[new]] + MIN_SEPARATION / 10
    twin.diagram = replace(twin.diagram, points={**twin.diagram.points, twin.inner[new]: near})
    assert search_mod._apart(node, members + [twin]) == members
    assert search_mod._apart(node, [members[0], twin]) == [members[0], twin]
