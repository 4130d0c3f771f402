"""Find-the-value goals (acompute, rcompute, lcompute): the value read off the figures,
proven exactly by DD+AR, and printed in every format; a value the engine cannot prove is
reported as not proven."""
from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path

import jsonschema
import pytest

from geometry.predicates import Predicate
from geometry.problem import parse_problem, split_problem_text
from prover.cli import main
from prover.compute import Answer, answers, candidate, read_values, root_text
from prover.export import read_outcome, render, schema
from prover.prove import prove_ddar

EXAMPLES = Path(__file__).resolve().parents[2] / "prover" / "examples" / "compute.txt"

#: The table of issue 25: each problem and the answer line its proof ends with (the
#: orientation cases with the configuration they state).
ISSUE = [
    ("a b c = ieq_triangle a b c; d = midpoint d b c ? acompute b a a d",
     "Answer: ∠BAD = 30° (in the configuration of H1)."),
    ("a = free a; b = lconst b a 3; c = eq_triangle c a b ? acompute a b b c; acompute b c a b",
     "Answer: ∠ABC = 60° and ∠CBA = 120° (in the configuration of H1)."),
    ("b c = segment b c; a = eq_triangle a b c ? aconst a b a c 1pi/3",
     "This proves that ∠BAC = 60° in every figure where H1 holds.  ∎"),
    ("a = free a; b = lconst b a 4; c = on_tline c b a b, lconst c b 3 ? lconst a c 5",
     "This proves that AC = 5.  ∎"),
    ("a b c d = isquare a b c d; o = intersection_ll o a c b d ? r2const a b a o 2/1",
     "This proves that AB²/AO² = 2 in every figure where H1 holds.  ∎"),
    ("a b c = triangle12 a b c ? rcompute a b a c", "Answer: AB : AC = 1 : 2."),
    ("a b = segment a b; c = s_angle a b c 150o, s_angle b a c 30o; d = s_angle c a d 20o, on_line d c b "
     "? aconst a d b c 5pi/9", "This proves that ∠(AD, BC) = 100°.  ∎"),
    ("a b = segment a b; p q = segment p q; c = on_line c a b; r = on_line r p q; x = on_line x a q, on_line x p b; "
     "y = on_line y a r, on_line y p c; z = on_line z b r, on_line z c q ? coll x y z",
     "This proves that X, Y, Z are collinear.  ∎"),
]


@pytest.mark.parametrize("text, last", ISSUE, ids=[f"issue-{i}" for i in range(len(ISSUE))])
def test_the_issue_table_is_proven_with_its_value(text: str, last: str, capsys) -> None:
    assert main(["prove", "--no-search", "--text", text]) == 0
    out = capsys.readouterr().out.rstrip().splitlines()
    assert last in out[-4:], "\n".join(out)
    if "compute" in text:
        assert any(line.startswith("Find the value of ") for line in out)


def test_the_orientation_of_an_equilateral_triangle_is_stated() -> None:
    out = prove_ddar(parse_problem("eq", "b c = segment b c; a = eq_triangle a b c ? aconst a b a c 1pi/3"))
    assert out.status == "solved" and out.proof is not None
    (cond,) = out.proof.conditions
    assert cond.kind == "angle_case3" and cond.fold == 3
    step = out.proof.lines[-1]
    assert step.rule == "angle3" and cond in step.conditions
    # the mirrored figure is the other case: the condition fails there, and so does the goal
    mirrored = {n: z.conjugate() for n, z in out.diagram.points.items()}
    assert not cond.holds(mirrored) and not out.proof.goal.holds(mirrored)


def test_a_value_the_engine_cannot_prove_is_not_proven(capsys) -> None:
    """Morley's triangle is equilateral (JL = JK in every figure), beyond DD+AR: no value is given."""
    text = ("a b c = triangle a b c; d e = trisect d e b a c; f g = trisect f g c b a; h i = trisect h i a c b; "
            "j = intersection_ll j b f c i; k = intersection_ll k a e c h; l = intersection_ll l a d b g "
            "? rcompute j l j k")
    assert main(["prove", "--no-search", "--text", text]) == 1
    out = capsys.readouterr().out
    assert "Not proven: the value of JL/JK." in out
    assert "Answer" not in out and "1 : 1" not in out


def test_a_value_the_problem_does_not_fix_is_refused(capsys) -> None:
    assert main(["prove", "--no-search", "--text", "a b c = triangle a b c ? acompute a b b c"]) == 1
    assert "No value to find: the value of ∠ABC changes from figure to figure" in capsys.readouterr().out


def test_a_wrong_constant_is_refused_as_false() -> None:
    out = prove_ddar(parse_problem("wrong", "a b c = ieq_triangle a b c; d = midpoint d b c ? aconst b a a d 1pi/4"))
    assert out.status == "false" and out.proof is None
    out = prove_ddar(parse_problem("wrong", "a = free a; b = lconst b a 4; c = on_tline c b a b, lconst c b 3 "
                                           "? lconst a c 6"))
    assert out.status == "false"


def test_markdown_and_html_say_find_and_end_with_the_value() -> None:
    out = prove_ddar(parse_problem("p", "a b c = ieq_triangle a b c; d = midpoint d b c ? acompute b a a d"))
    md = render([out], "markdown")
    assert "**Find the value of ∠BAD.**" in md
    assert md.rstrip().endswith("**Answer: ∠BAD = 30° (in the configuration of H1).**")
    html = render([out], "html")
    assert "Find the value of ∠BAD." in html and '<p class="answer"><strong>Answer: ∠BAD = 30°' in html


def test_json_carries_the_value_validates_and_replays() -> None:
    out = prove_ddar(parse_problem("p", "a = free a; b = lconst b a 1; c = on_tline c a a b, lconst c a 1 "
                                        "? lcompute b c; acompute a b b c"))
    assert out.status == "solved"
    data = json.loads(render([out], "json"))
    jsonschema.validate(data, schema())
    assert data["problem"]["goal"] == "Find the length BC and the value of ∠ABC."
    first, second = data["answers"]
    assert first == {"goal": "lcompute b c", "statement": "l2const b c 2", "quantity": "length", "exact": "2",
                     "squared": True, "value": "√2", "text": "BC = √2"}
    assert second["quantity"] == "angle" and Fraction(second["exact"]) in (Fraction(1, 4), Fraction(3, 4))
    back = read_outcome(data)  # re-parsed and re-checked
    assert back.check is not None and back.check.ok
    assert [a.words for a in answers(back.proof)] and answers(back.proof)[0].statement == answers(out.proof)[0].statement


def test_unsolved_json_validates() -> None:
    out = prove_ddar(parse_problem("p", "a b c = triangle a b c ? acompute a b b c"))
    data = json.loads(render([out], "json"))
    jsonschema.validate(data, schema())
    assert data["status"] == "false" and data["problem"]["goal"] == "Find the value of ∠ABC."


def test_candidates_are_exact_values_read_off_a_figure() -> None:
    pts = {"a": 0j, "b": 3 + 0j, "c": 3 + 4j}
    def cand(text: str) -> str | None:
        found = candidate(Predicate.parse(text.split()), pts)
        return None if found is None else str(found)
    assert cand("lcompute a c") == "lconst a c 5"
    assert cand("rcompute a b a c") == "rconst a b a c 3/5"
    assert cand("acompute a b b c") == "aconst a b b c 1pi/2"
    assert cand("acompute a b a c") is None  # arctan(4/3) is no rational multiple of 180°
    assert cand("lcompute a b") == "lconst a b 3"
    reading = read_values([Predicate.parse("acompute a b a c".split())], [pts])
    assert reading.figure is None


def test_the_preferred_angle_is_at_most_a_right_angle() -> None:
    goal = Predicate.parse("acompute b a a d".split())
    wide = {"a": 0j, "b": 1 + 0j, "d": complex(-(3 ** 0.5), 1)}  # 150°
    narrow = {"a": 0j, "b": 1 + 0j, "d": complex(3 ** 0.5, 1)}  # 30°
    reading = read_values([goal], [wide, narrow])
    assert reading.figure == 1 and str(reading.statements[0]) == "aconst b a a d 1pi/6" and reading.varies


def test_values_in_words() -> None:
    assert [root_text(Fraction(n, d)) for n, d in ((2, 1), (12, 1), (3, 4), (1, 3))] == ["√2", "2√3", "√3/2", "√3/3"]
    from prover.export.wording import Labels

    L = Labels("abcd")
    ratio = Answer(Predicate.parse("rcompute a b c d".split()), Predicate.parse("r2const a b c d 3/4".split()))
    assert ratio.words(L) == "AB : CD = √3 : 2" and ratio.value_text() == "√3/2"


def _bundled() -> list[tuple[str, str, str]]:
    """(name, problem, expected answer line) of the bundled find-the-value problems."""
    text = EXAMPLES.read_text(encoding="utf-8")
    expected = {name: answer for answer, name in re.findall(r"^# answer: (.*)\n(\S+)$", text, flags=re.M)}
    return [(n, t, expected.get(n, "")) for n, t in split_problem_text(text)]


BUNDLED = _bundled()


def test_the_bundled_file_has_twenty_problems_with_answers() -> None:
    assert len(BUNDLED) >= 20
    assert all(expected for _, _, expected in BUNDLED)


@pytest.mark.parametrize("name, text, expected", BUNDLED, ids=[n for n, _, _ in BUNDLED])
def test_bundled_find_the_value_problems(name: str, text: str, expected: str) -> None:
    out = prove_ddar(parse_problem(name, text), timeout=30)
    assert out.status == "solved", out.status
    last = render([out], "text").rstrip().splitlines()[-1]
    assert last == f"Answer: {expected}."


def test_a_bench_row_carries_the_value_found() -> None:
    from prover.bench import Task, run_task

    row = run_task(Task("t", "a b c = triangle12 a b c ? rcompute a b a c", 30.0, 0))
    assert row["status"] == "solved" and row["values"] == ["AB : AC = 1 : 2"]
    assert "values" not in run_task(Task("t", "a b c = triangle a b c; m = midpoint m a b ? cong m a m b", 30.0, 0))
