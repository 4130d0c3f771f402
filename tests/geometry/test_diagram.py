"""Numeric diagrams of the benchmark: every problem realises with its goal true, reproducibly."""
from __future__ import annotations

from pathlib import Path

import pytest

from geometry.diagram import realise
from geometry.figure import Layer, draw, figure_svg, scene
from geometry.problem import Problem, parse_problem, read_problems


def renamed(problem: Problem) -> tuple[Problem, dict[str, str]]:
    """The problem with its points called p0, p1, ... in order of appearance."""
    mapping = {name: f"p{i}" for i, name in enumerate(problem.points())}
    return problem.rename(mapping), mapping


# ---------------------------------------------------------------------- the benchmark
def test_every_benchmark_problem_realises_with_its_goal_true_in_some_figure(jgex_problems) -> None:
    # The realiser no longer chases the goal: a few goals hold only in some configurations
    # (which of two intersections, ...), but every goal holds in some figure of its problem.
    assert len(jgex_problems) == 231
    for problem in jgex_problems:
        diagrams = [realise(problem, seed=s) for s in range(10)]
        assert set(diagrams[0].points) == set(problem.points()), problem.name
        assert any(all(d.holds(g) for g in problem.goals) for d in diagrams), problem.name


def test_every_benchmark_premise_holds(jgex_problems) -> None:
    for problem in jgex_problems:
        diagram = realise(problem, seed=1)
        for premise in problem.premises():
            assert diagram.holds(premise), f"{problem.name}: {premise}"


def test_same_seed_same_diagram_other_seed_other_diagram(jgex_problems) -> None:
    for problem in jgex_problems[::10]:
        a, b, c = realise(problem, seed=5), realise(problem, seed=5), realise(problem, seed=6)
        assert a.points == b.points, problem.name
        assert a.points != c.points, problem.name


def test_renaming_points_gives_the_same_diagram(jgex_problems) -> None:
    for problem in jgex_problems:
        other, mapping = renamed(problem)
        assert realise(other, seed=3).points == realise(problem, seed=3).rename(mapping).points, problem.name


def test_examples_realise_with_goals_true(examples_path: Path) -> None:
    for problem in read_problems(examples_path):
        for seed in range(3):
            diagram = realise(problem, seed=seed)
            assert all(diagram.holds(g) for g in problem.goals), problem.name


def test_every_problem_realises_for_seeds_0_to_19(jgex_problems, examples_path: Path) -> None:
    # A clause that cannot be drawn from the earlier random choices (a tangent that must
    # meet a circle, two circles that must meet) makes the realiser redraw the earlier
    # free choices (the whole figure, within a bound), never fail for an unlucky seed.
    for problem in [*read_problems(examples_path), *jgex_problems]:
        for seed in range(20):
            diagram = realise(problem, seed=seed)
            assert set(diagram.points) == set(problem.points()), (problem.name, seed)
            assert all(diagram.holds(p) for p in problem.premises()), (problem.name, seed)


def test_a_false_goal_is_false_in_the_diagram() -> None:
    """The midpoint of ab is not the foot of the altitude from c (in a generic triangle)."""
    p = parse_problem("p", "a b c = triangle a b c; m = midpoint m a b ? perp c m a b")
    d = realise(p, seed=0, check_goals=False)
    assert not d.holds(p.goals[0])


# ---------------------------------------------------------------------- figures
ALTITUDES = (
    "a b c = triangle a b c; d = foot d a b c; e = foot e b c a; h = on_line h a d, on_line h b e ? perp c h a b"
)


def test_figure_scene_follows_the_constructions() -> None:
    """Sides of the triangle, the feet on the sides extended, the altitudes through h."""
    sc = scene(realise(parse_problem("altitudes", ALTITUDES), seed=0))
    lines = {line.points for line in sc.lines}
    assert lines == {
        frozenset("bcd"), frozenset("ace"), frozenset("ab"), frozenset("adh"), frozenset("beh"),
    }
    assert sc.circles == ()


def test_figure_marks_aux_points_and_highlights_the_goal() -> None:
    p = parse_problem("p", "a b c = r_triangle a b c; m = midpoint m b c | d = mirror d a m ? cong m a m b")
    sc = scene(realise(p, seed=0), highlight=p.goals, aux_points=["d"])
    assert sc.aux_points == {"d"}
    assert {line.points for line in sc.lines if line.layer is Layer.AUX} == {frozenset("amd")}
    assert sc.highlight_points == {"m", "a", "b"}
    assert {frozenset((s.a, s.b)) for s in sc.segments} == {frozenset("ma"), frozenset("mb")}


def test_figure_draws_circles_of_the_constructions() -> None:
    p = parse_problem("p", "a b c = triangle a b c; o = circle o a b c; d = on_circle d o a ? cyclic a b c d")
    sc = scene(realise(p, seed=0), highlight=p.goals)
    (main,) = [c for c in sc.circles if c.layer is Layer.MAIN]
    assert main.points == frozenset("abcd")
    assert [c.layer for c in sc.circles].count(Layer.HIGHLIGHT) == 1


def test_figure_files(tmp_path: Path) -> None:
    p = parse_problem("altitudes", ALTITUDES)
    d = realise(p, seed=0)
    svg = figure_svg(d, highlight=p.goals)
    assert svg.lstrip().startswith("<?xml") and "</svg>" in svg
    draw(d, tmp_path / "f.png", highlight=p.goals)
    assert (tmp_path / "f.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match=r"\.svg or \.png"):
        draw(d, tmp_path / "f.jpg")
