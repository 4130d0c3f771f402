"""Bad input gets one clear error naming the problem, the clause and the token at fault.

The same cases through the command line exit with status 2 and one line on stderr.
A property test mutates real problems: parsing and realising either succeed or
raise :class:`ProblemError`, never another exception.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geometry.constructions import CATALOGUE
from geometry.diagram import realise
from geometry.errors import ParseError, ProblemError, RealisationError
from geometry.problem import parse_problem, split_problem_text
from prover.cli import main


@dataclass(frozen=True)
class Bad:
    """A bad problem and the error it must raise."""

    text: str
    error: type[ProblemError]
    clause: int | None
    token: str
    message: str  # a regular expression the message must match


CASES = {
    "unknown construction": Bad(
        "a b c = triangle a b c; d = foo d a b ? perp a b c d", ParseError, 2, "foo", "unknown construction"
    ),
    "too many arguments": Bad(
        "a b c = triangle a b c; d = midpoint d a b c", ParseError, 2, "midpoint", "takes 3 arguments, got 4"
    ),
    "too few arguments": Bad(
        "a b c = triangle a b c; d = foot d a", ParseError, 2, "foot", "takes 4 arguments, got 2"
    ),
    "point used before it is defined": Bad(
        "a b = segment a b; c = midpoint c a d; d = free d", ParseError, 2, "d", "'d' is not defined"
    ),
    "point defined twice": Bad(
        "a b = segment a b; c = midpoint c a b; a = free a", ParseError, 3, "a", "'a' is already defined"
    ),
    "zero denominator in an angle": Bad(
        "a b = segment a b; x = s_angle a b x 3pi/0", ParseError, 2, "3pi/0", "zero denominator"
    ),
    "malformed ratio": Bad(
        "a b = segment a b; x = rconst2 x a b 1//2", ParseError, 2, "1//2", "expected a constant"
    ),
    "literal where a point belongs": Bad(
        "a b = segment a b; c = midpoint c a 2", ParseError, 2, "2", "expected a point name"
    ),
    "point not constructed": Bad(
        "a b = segment a b; c d = midpoint c a b", ParseError, 2, "d", "'d' is not constructed"
    ),
    "parallel lines asked to meet": Bad(
        "a b c = triangle a b c; d = on_pline d c a b, on_line d a b", RealisationError, 2, "on_pline",
        "do not meet",
    ),
    # the perpendicular to ab through x = 2b - a is 2|ab| from a: it misses the circle (a; |ab|)
    "line missing a circle": Bad(
        "a b = segment a b; x = mirror x a b; d = on_circle d a b, on_tline d x a b", RealisationError, 3,
        "on_circle", "do not meet",
    ),
    "failed precondition": Bad(
        "a b c = triangle a b c; d = foot d a b b", RealisationError, 2, "foot", "precondition 'ncoll a b b'"
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_problem_names_clause_and_token(case: str) -> None:
    bad = CASES[case]
    with pytest.raises(bad.error) as info:
        realise(parse_problem("bad_one", bad.text), seed=0)
    err = info.value
    assert (err.problem, err.clause, err.token) == ("bad_one", bad.clause, bad.token)
    assert re.search(bad.message, err.message)
    assert str(err).startswith(f"bad_one: clause {bad.clause}: ")
    assert repr(bad.token) in str(err)


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_problem_on_the_command_line(case: str, tmp_path: Path, capsys) -> None:
    f = tmp_path / "bad.txt"
    f.write_text(f"bad_one\n{CASES[case].text}\n", encoding="utf-8")
    for argv in (["check", str(f), "bad_one"], ["draw", str(f), "bad_one", "--out", str(tmp_path / "x.svg")]):
        assert main(argv) == 2
        out, err = capsys.readouterr()
        assert out == ""
        assert err.count("\n") == 1
        assert err.startswith("geoprover: error: bad_one: clause ")
        assert repr(CASES[case].token) in err
    assert not (tmp_path / "x.svg").exists()


def test_false_goal_is_a_realisation_error_naming_the_goal_only_when_asked() -> None:
    p = parse_problem("bad_one", "a b c = triangle a b c; m = midpoint m a b ? perp m c a b")
    with pytest.raises(RealisationError, match="goal is false") as info:
        realise(p, seed=0, check_goals=True)
    assert info.value.token == "perp m c a b"
    # By default the figure is drawn as the premises say; the goal is not chased.
    assert not realise(p, seed=0).holds(p.goals[0])


def test_goal_naming_an_unknown_point() -> None:
    with pytest.raises(ParseError, match="'z' is not defined") as info:
        parse_problem("bad_one", "a b = segment a b ? perp a b a z")
    assert info.value.token == "z"


@pytest.mark.parametrize(
    "text, message",
    [
        ("only_a_name\n", "odd number of lines"),
        ("p\na b = segment a b\nq\n", "odd number of lines"),
        ("p\na b = segment a b\np\nc d = segment c d\n", "duplicate problem name"),
    ],
)
def test_file_level_errors(text: str, message: str, tmp_path: Path, capsys) -> None:
    with pytest.raises(ParseError, match=message):
        split_problem_text(text, "f.txt")
    f = tmp_path / "f.txt"
    f.write_text(text, encoding="utf-8")
    assert main(["check", str(f)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert err.startswith(f"geoprover: error: {f}: ") and message in err


# ---------------------------------------------------------------------- property test
VOCABULARY = sorted(CATALOGUE)[::4] + ["a", "b", "x", "z9", "=", ";", "?", "|", ",", "1/2", "30", "2pi/3", "-1o", "@"]
GARBAGE = st.text(alphabet="ab xyz=;,?|@_/-.0123456789o:#\t", min_size=1, max_size=4)


@st.composite
def mutated(draw: st.DrawFn, lines: list[str]) -> str:
    """A real problem line with one to three tokens deleted, repeated, swapped, garbled or cut."""
    tokens = draw(st.sampled_from(lines)).split(" ")
    for _ in range(draw(st.integers(1, 3))):
        if not tokens:
            break
        i = draw(st.integers(0, len(tokens) - 1))
        j = draw(st.integers(0, len(tokens) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "garbage", "truncate", "replace"]))
        if op == "delete":
            del tokens[i]
        elif op == "duplicate":
            tokens.insert(i, tokens[i])
        elif op == "swap":
            tokens[i], tokens[j] = tokens[j], tokens[i]
        elif op == "garbage":
            k = draw(st.integers(0, len(tokens[i])))
            tokens[i] = tokens[i][:k] + draw(GARBAGE) + tokens[i][k:]
        elif op == "truncate":
            tokens = tokens[:i]
        else:
            tokens[i] = draw(st.sampled_from(VOCABULARY))
    return " ".join(tokens)


@settings(max_examples=150, deadline=2000, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_problems_fail_only_with_problem_errors(data: st.DataObject, real_problem_lines: list[str]) -> None:
    text = data.draw(
        st.one_of(
            mutated(real_problem_lines),
            st.text(alphabet="abcdxyz =;,?|@_/-.0123456789o:", max_size=80),
            st.text(max_size=40),
        ),
        label="problem",
    )
    try:
        realise(parse_problem("mutant", text), seed=0, attempts=10)
    except ProblemError:
        pass


@pytest.mark.parametrize("text", [
    "a b = segment a b ? coll a b a ? coll a b a",
    "a = free a | b = free b | c = free c",
])
def test_repeated_separator_names_the_problem(text: str) -> None:
    with pytest.raises(ParseError, match="more than one") as info:
        parse_problem("bad_one", text)
    assert info.value.problem == "bad_one"


def test_cli_names_the_problem_of_a_repeated_separator(tmp_path: Path, capsys) -> None:
    f = tmp_path / "bad.txt"
    f.write_text("bad_one\na b = segment a b ? coll a b a ? coll a b a\n", encoding="utf-8")
    assert main(["check", str(f), "bad_one"]) == 2
    assert capsys.readouterr().err == "geoprover: error: bad_one: more than one '?' section (at '?')\n"
