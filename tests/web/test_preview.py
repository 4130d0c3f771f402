"""The editor's preview without a server: the error placed on its token, the figure drawn."""
from __future__ import annotations

import re

import pytest

from prover.web.preview import locate, preview


@pytest.mark.parametrize("text, token", [
    ("a b c = triangel a b c ? perp a b b c", "triangel"),  # a misspelt construction, clause 1
    ("a b c = triangle a b c; d = foot d a b x ? perp a d b c", "x"),  # an undefined point, clause 2
    ("a b c = triangle a b c | d = midpnt d a b ? perp a d b c", "midpnt"),  # the auxiliary section counts on
    ("a b c = triangle a b c; d = midpoint d a b ? paral a d b c", "paral"),  # the goal
])
def test_the_error_is_placed_on_the_token_at_fault(text: str, token: str) -> None:
    p = preview("t", text)
    assert not p.ok and p.error is not None and p.error.kind == "parse"
    assert text[p.error.start:p.error.end] == token
    assert f"(at {token!r})" in p.error.message and not p.error.message.startswith("t:")


def test_a_misspelt_name_gets_did_you_mean() -> None:
    p = preview("t", "a b c = triangle a b c; d = midpont d a b ? cong d a d b")
    assert "did you mean `midpoint`" in p.error.message


def test_a_goal_false_in_every_figure_is_drawn_and_refused() -> None:
    text = "a b c = triangle a b c; m = midpoint m a b ? perp c m a b"
    p = preview("t", text)
    assert not p.ok and p.svg.startswith("<svg") and p.error.kind == "goal"
    assert "not a theorem" in p.error.message and text[p.error.start:p.error.end] == " perp c m a b"


def test_a_problem_without_a_goal_is_drawn() -> None:
    p = preview("t", "a b c = triangle a b c; o = circle o a b c")
    assert p.ok and p.svg.count("<path") > 5 and "no goal yet" in p.note


def _drawing(svg: str) -> str:
    return re.sub(r"pv-[a-z][0-9a-f]{10}", "pv-id", svg)  # matplotlib names clip paths and markers at random


def test_the_same_seed_draws_the_same_figure_and_another_seed_another() -> None:
    text = "a b c = triangle a b c; h = orthocenter h a b c ? perp a h b c"
    assert _drawing(preview("t", text, seed=3).svg) == _drawing(preview("t", text, seed=3).svg)
    assert _drawing(preview("t", text, seed=3).svg) != _drawing(preview("t", text, seed=4).svg)


def test_locate_without_a_clause_or_goal_is_nowhere() -> None:
    assert locate("a b = segment a b", None, "zz") == (None, None)
    assert locate("a b = segment a b", 7, "zz") == (None, None)  # no such clause
