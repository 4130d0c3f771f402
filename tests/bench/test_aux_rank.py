"""bench/aux_rank.py: the rank of a synthetic example's auxiliary point among the heuristic
proposals, on a tiny corpus in the synth format; and HeuristicProposer.ranked, which it reads."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from bench.aux_rank import main
from geometry.diagram import extend_diagram, realise
from geometry.problem import parse_problem
from geometry.tolerance import NUMERIC_CHECK
from prover.proposers import HeuristicProposer, SearchState

#: (problem text, aux clauses): a midpoint and a foot (the heuristics rank them high), a
#: square's vertex (no heuristic builds one), and a plain example (not measured).
EXAMPLES = [
    ("a b c = triangle a b c; d = foot d a b c | e = midpoint e a c ? cong d e a e", ["e = midpoint e a c"]),
    ("a b c = triangle a b c; m = midpoint m a b | d = foot d a b c ? cong m a m d", ["d = foot d a b c"]),
    ("a b c = triangle a b c; d = midpoint d b c | e = psquare e a b ? cong b d c d", ["e = psquare e a b"]),
    ("a b c = triangle a b c; d = midpoint d b c ? cong b d c d", []),
]


def write_corpus(root: Path) -> Path:
    """A corpus folder as ``geoprover synth`` writes it: one gzip JSONL shard and a manifest."""
    root.mkdir(parents=True, exist_ok=True)
    with gzip.open(root / "shard-00000.jsonl.gz", "wt", encoding="utf-8") as f:
        for i, (text, aux) in enumerate(EXAMPLES):
            goal = text.split("?")[1].strip()
            f.write(json.dumps({"problem": text, "goal": goal, "aux": aux, "proof": [], "proof_length": 1,
                                "seed": 100 + i, "key": f"k{i}", "relabelled": False}) + "\n")
    (root / "manifest.json").write_text(json.dumps({"format": 1, "seed": 0, "examples": len(EXAMPLES),
                                                    "shards": [{"file": "shard-00000.jsonl.gz"}]}))
    return root


@pytest.mark.parametrize("jobs", [1, 2])
def test_ranks_of_the_aux_points(tmp_path, capsys, jobs):
    corpus = write_corpus(tmp_path / "corpus")
    out = tmp_path / "ranks.jsonl"
    assert main([str(corpus), "--out", str(out), "--jobs", str(jobs), "--quiet"]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["key"] for r in rows] == ["k0", "k1", "k2"]  # the plain example is not measured
    midpoint, foot, square = rows
    assert midpoint["construction"] == "midpoint" and midpoint["status"] == "found" and midpoint["rank"] <= 5
    assert foot["construction"] == "foot" and foot["status"] == "found" and foot["rank"] <= 10
    assert square["construction"] == "psquare" and square["status"] == "absent" and square["rank"] is None
    assert all(r["candidates"] > 0 and r["seed"] is not None for r in rows)
    assert not list(tmp_path.glob("*.tmp"))
    printed = capsys.readouterr().out
    assert "aux examples: 3" in printed and "absent: 1 of 3 measured" in printed
    assert "psquare" in printed.split("absent by first aux construction")[1]


def test_unreadable_problems_count_as_failed(tmp_path, capsys):
    corpus = write_corpus(tmp_path / "corpus")
    # a clause that no figure can draw: the midpoint of a point and itself
    bad = {"problem": "a b c = triangle a b c | d = midpoint d a a ? cong a b a c", "goal": "cong a b a c",
           "aux": ["d = midpoint d a a"], "proof": [], "seed": 1, "key": "bad"}
    with gzip.open(corpus / "shard-00000.jsonl.gz", "at", encoding="utf-8") as f:
        f.write(json.dumps(bad) + "\n")
    assert main([str(corpus), "--limit", "4", "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "aux examples: 4" in printed and "(failed 1, timeout 0)" in printed


def test_ranked_agrees_with_propose():
    p = parse_problem("t", "a b c = triangle a b c; h = orthocenter h a b c; m = midpoint m b c ? perp a h b c")
    d = realise(p, seed=3, check_goals=False)
    state = SearchState(p, d.points)
    heuristic = HeuristicProposer()
    ranked = heuristic.ranked(state, 40)
    assert [x for x, _ in ranked] == heuristic.propose(state, 40)
    assert len(ranked) == 40
    # each position is where the clause puts its new point (determined constructions)
    scale = max(abs(z) for z in d.points.values())
    checked = 0
    for proposal, z in ranked:
        if proposal.source.split(":")[1] not in ("midpoint", "foot", "mirror", "orthocentre", "circumcentre"):
            continue
        clause = p.with_aux_clause(proposal.clause).aux[-1]
        drawn = extend_diagram(d, [clause]).points[clause.points[0]]
        assert abs(drawn - z) <= NUMERIC_CHECK * scale, proposal
        checked += 1
    assert checked >= 5
