"""Proof export: words a geometer reads, golden proofs, JSON that replays, figures.

Golden files (``tests/prover/golden``): ``NAME.proof.json`` is a proof as the
engine once found it (so that a change in the engine's search does not move the
wording tests); ``NAME.txt`` and ``NAME.md`` are its text and Markdown, read by eye
before they were frozen. The tests only compare; after a deliberate change of
wording, rewrite the files with ``python bench/update_golden.py`` and read the diff
(``--proofs`` also re-proves the inputs with today's engine).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from geometry.constructions import CATALOGUE
from geometry.literals import Literal
from geometry.predicates import ARITY, Kind, Predicate
from geometry.problem import (
    Clause,
    ConstructionCall,
    PointDecl,
    parse_problem,
    read_problems,
)
from prover.cli import main
from prover.export import (
    FORMATS,
    AuxIntro,
    Labels,
    build_document,
    document_json,
    read_outcome,
    read_proof,
    render,
    replay,
    say,
    schema,
)
from prover.export.wording import clause_sentence
from prover.problem_sets import set_path
from prover.prove import prove_ddar

from bench.update_golden import CLASSICS, HOW, input_path, renderings

EXAMPLES = set_path("examples")
JGEX = set_path("jgex")



def P(text: str) -> Predicate:
    return Predicate.parse(text.split())


L = Labels("abcdefghmo")


# ---------------------------------------------------------------------- words
@pytest.mark.parametrize(
    "pred, words",
    [
        ("coll a b c", "A, B, C are collinear"),
        ("cyclic a b c d", "A, B, C, D lie on one circle"),
        ("para a b c d", "AB ∥ CD"),
        ("perp a b c d", "AB ⊥ CD"),
        ("cong a o b o", "OA = OB"),
        ("midp m a b", "M is the midpoint of AB"),
        ("circle o a b c", "O is the centre of the circle through A, B, C"),
        ("eqangle b a b c e d e f", "∠ABC = ∠DEF"),
        ("eqangle a b c d e f g h", "∠(AB, CD) = ∠(EF, GH)"),
        ("eqratio a b c d e f g h", "AB/CD = EF/GH"),
        ("simtri a b c d e f", "triangles ABC and DEF are similar"),
        ("simtri2 a b c d e f", "triangles ABC and DEF are similar (with opposite orientation)"),
        ("contri a b c d e f", "triangles ABC and DEF are congruent"),
        ("contri2 a b c d e f", "triangles ABC and DEF are congruent (with opposite orientation)"),
        ("aconst a b a c 1pi/3", "∠BAC = 60°"),
        ("rconst a b c d 1/2", "AB/CD = 1/2"),
        ("aequation 1/1 a b a c -1/1 o b b c 1pi/2", "∠BAC − ∠OBC = 90°"),
    ],
)
def test_predicates_read_as_mathematics(pred: str, words: str) -> None:
    assert say(P(pred), L) == words


def test_an_angle_is_written_at_a_vertex_only_when_its_lines_meet_there() -> None:
    # ∠(AB, CD) = ∠(AC, EF) is also ∠(AB, AC) = ∠(CD, EF): A is a vertex, CD and EF do not meet by name
    assert say(P("eqangle a b c d a c e f"), L) == "∠BAC = ∠(CD, EF)"
    # ∠(BA, BC): the lines really are BA and BC, so ∠ABC; the order of the lines is kept
    assert say(P("eqangle b a b c e f e d"), L) == "∠ABC = ∠FED"
    # one of the eight equivalent forms has angles at vertices: that one is chosen
    assert say(P("eqangle a b a f b c e f"), L) == "∠ABC = ∠AFE"


def test_degenerate_statements_are_restated() -> None:
    assert say(P("eqangle a d a d a e d f"), L) == "AE ∥ DF"  # ∠(AD, AD) = 0 = ∠(AE, DF)
    assert say(P("eqratio a b a b c d e f"), L) == "CD = EF"


def test_labels_subscript_digits_and_never_collide() -> None:
    assert Labels(["a1", "b", "i_b"]).join("a1", "b") == "A₁B"
    assert Labels(["i_b"])("i_b") == "I_b"
    clash = Labels(["a", "A"])
    assert clash("a") != clash("A")


def test_every_predicate_kind_has_words() -> None:
    for kind, arity in ARITY.items():
        pts = "abcdefgh"[: arity.points] if arity.points <= 8 else "abcdefgh"
        lit = Literal("1pi/3") if kind in (Kind.ACONST, Kind.S_ANGLE) else Literal("1/2")
        args = tuple(pts) + (lit,) * arity.literals
        pred = Predicate(kind, args)
        assert say(pred, L) != str(pred), kind


def _sample_clause(name: str) -> Clause:
    cons = CATALOGUE[name]
    sig = cons.signature
    args = []
    for i, formal in enumerate(sig.params):
        if formal in sig.literals:
            args.append(Literal("1pi/3" if name in ("s_angle", "aconst") else "1/2"))
        else:
            args.append(formal if formal in sig.outputs else f"{formal}{i}")
    return Clause(tuple(PointDecl(str(a)) for a, f in zip(args, sig.params) if f in sig.outputs),
                  (ConstructionCall(name, tuple(args), sig),))


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_construction_is_a_sentence(name: str) -> None:
    clause = _sample_clause(name)
    text = clause_sentence(clause, Labels(a for c in clause.constructions for a in c.args if isinstance(a, str)))
    assert text.startswith("Let ") and text.endswith(".") and "{" not in text and "_" not in text, text


def test_intersections_say_which_point() -> None:
    p = parse_problem("t", "a b c = triangle a b c; d = on_line d a b, on_line d c a; e = on_line e b c, on_circle e a b")
    assert clause_sentence(p.clauses[1], Labels("abcde")) == "Let D be the intersection of lines AB and CA."
    d = {"a": 0j, "b": 1 + 0j, "c": 1j, "d": 0j, "e": -1 + 0j}
    text = clause_sentence(p.clauses[2], Labels("abcde"), {**d, "e": 0.5 + 0.5j})
    assert text.startswith("Let E be ") and "line BC" in text and "circle centred at A through B" in text


# ---------------------------------------------------------------------- documents
@pytest.fixture(scope="module")
def example_outcomes():
    return [prove_ddar(p, seed=0, timeout=30) for p in read_problems(EXAMPLES)]


def _by_name(outcomes, name):
    (out,) = [o for o in outcomes if o.problem.name == name]
    return out


def test_restating_steps_are_folded_and_citations_follow(example_outcomes) -> None:
    out = _by_name(example_outcomes, "nine_point_circle")
    doc = build_document(out.proof, out.diagram.points)
    texts = [x.text for x in doc.lines]
    # "D lies on BC" restates "D is the midpoint of BC": folded into it
    assert "B, C, D are collinear" not in texts
    assert doc.folded, "the midpoint's collinearity steps are folded away"
    numbers = [x.number for x in doc.lines]
    assert numbers == list(range(1, len(numbers) + 1))
    for x in doc.lines:
        assert all(u < x.number for u in x.uses)
    # the degenerate angle equality ∠(AD, AD) = ∠(AE, DF) reads as a parallel
    assert not any("∠(AD, AD)" in t for t in texts)


def test_auxiliary_points_are_introduced_where_they_enter(example_outcomes) -> None:
    out = _by_name(example_outcomes, "hypotenuse_midpoint")
    doc = build_document(out.proof, out.diagram.points)
    (intro,) = doc.aux_intros
    assert intro.text.startswith("Let D be the reflection of A in M")
    assert isinstance(doc.body[0], AuxIntro)
    first = doc.body[1]
    assert first.text == "M is the midpoint of AD" and first.reason == "construction of D"
    assert "D" not in " ".join(s.text for s in doc.setup)


def test_every_step_names_its_reason_and_cites_earlier_lines(example_outcomes) -> None:
    for out in example_outcomes:
        doc = build_document(out.proof, out.diagram.points)
        for x in doc.lines:
            assert x.reason and not re.fullmatch(r"[a-z]+\d+[a-z]*", x.reason), x.reason  # words, not rule ids
            assert not re.search(r"\b(eqangle|eqratio|cong|coll|para|perp)\b", x.text), x.text


# ---------------------------------------------------------------------- golden files
def _golden_input(name: str) -> dict:
    path = input_path(name)
    assert path.exists(), f"missing golden file {path}; {HOW}"
    return json.loads(path.read_text(encoding="utf-8"))


def _pairs(file: Path):
    from geometry.problem import split_problem_text

    return split_problem_text(file.read_text(encoding="utf-8"), str(file))


@pytest.mark.parametrize("name", sorted(CLASSICS))
def test_golden_text_and_markdown(name: str) -> None:
    data = _golden_input(name)
    check = read_outcome(data).check
    assert check.ok, check.errors
    for path, text in renderings(name, data).items():
        assert path.exists(), f"missing golden file {path}; {HOW}"
        assert text == path.read_text(encoding="utf-8"), f"{path.name} differs from today's export; {HOW}"


@pytest.mark.parametrize("name", sorted(CLASSICS))
def test_golden_proofs_validate_and_replay(name: str) -> None:
    data = _golden_input(name)
    jsonschema.validate(data, schema())
    assert replay(data).ok


# ---------------------------------------------------------------------- JSON
def test_every_example_exports_and_replays(example_outcomes) -> None:
    assert all(o.proof is not None for o in example_outcomes)
    data = json.loads(render(example_outcomes, "json"))
    assert isinstance(data, list) and len(data) == len(example_outcomes)
    for doc in data:
        jsonschema.validate(doc, schema())
        assert {"points", "premises", "aux", "steps", "goal"} <= set(doc)
        assert all({"x", "y"} <= set(p) for p in doc["points"])
        step = doc["steps"][-1]
        assert {"rule", "premises", "conclusion"} <= set(step) and step["conclusion"]["kind"] == doc["goal"]["kind"]
        verdict = replay(doc)
        assert verdict.ok, (doc["problem"]["name"], verdict.errors)


def test_replay_rejects_a_tampered_proof(example_outcomes) -> None:
    doc = json.loads(render([_by_name(example_outcomes, "orthocenter")], "json"))
    rule_steps = [s for s in doc["steps"] if s["kind"] == "rule"]
    rule_steps[0]["rule"] = "r06"  # not the midline theorem
    assert not replay(doc).ok
    doc = json.loads(render([_by_name(example_outcomes, "orthocenter")], "json"))
    doc["steps"][-1]["premises"] = doc["steps"][-1]["premises"][:1]
    assert not replay(doc).ok


def test_json_of_a_problem_without_proof_is_valid(tmp_path: Path) -> None:
    p = parse_problem("hard", "a b c = triangle a b c; d = angle_bisector d a b c, on_dia d b c; e = angle_bisector e b a c, on_dia e a c ? para d e a b")
    out = prove_ddar(p, seed=0, timeout=5)
    assert out.proof is None
    doc = json.loads(render([out], "json"))
    jsonschema.validate(doc, schema())
    assert doc["status"] in ("unsolved", "timeout") and "steps" not in doc


def test_a_legs_not_parallel_hypothesis_survives_json_and_replays() -> None:
    # the base angles of an isosceles trapezoid: r46 states that the legs are not parallel
    p = parse_problem("trapezoid", "a b c d = eq_trapezoid a b c d ? eqangle a d a b b a b c")
    out = prove_ddar(p, seed=0, timeout=20)
    assert out.proof is not None and [c.kind for c in out.proof.conditions] == ["npara"]
    doc = json.loads(render([out], "json"))
    jsonschema.validate(doc, schema())
    assert replay(doc).ok
    back = read_outcome(doc)
    assert back.check is not None and back.check.ok and back.proof.conditions == out.proof.conditions
    assert "AD and BC are not parallel" in render([out], "text")


def test_read_proof_reconstructs_the_engine_proof(example_outcomes) -> None:
    out = _by_name(example_outcomes, "nine_point_circle")
    back = read_proof(document_json(out)).proof
    assert back.lines == out.proof.lines and back.goal == out.proof.goal


# ---------------------------------------------------------------------- every format
def test_every_format_renders_every_example(example_outcomes) -> None:
    for fmt in FORMATS:
        text = render(example_outcomes, fmt)
        assert text.strip()
        if fmt != "json":
            assert "CH ⊥ AB" in text  # the orthocenter's goal, in words


def test_markdown_embeds_the_figure(example_outcomes) -> None:
    md = render([_by_name(example_outcomes, "thales")], "markdown", figures=["fig.svg"])
    assert "![Figure of thales](fig.svg)" in md
    assert md.splitlines()[0] == "## thales"


def test_html_is_one_self_contained_page(example_outcomes) -> None:
    page = render(example_outcomes[:2], "html")
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 2
    assert "src=" not in page and "<link" not in page and "@import" not in page
    assert "http://www.w3.org/" in page  # SVG namespaces only
    assert "https://" not in page


# ---------------------------------------------------------------------- command line
def test_prove_formats_on_the_command_line(tmp_path: Path, capsys) -> None:
    assert main(["prove", str(EXAMPLES), "thales", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert isinstance(doc, dict) and replay(doc).ok

    md, fig = tmp_path / "proof.md", tmp_path / "figs" / "thales.svg"
    fig.parent.mkdir()
    assert main(["prove", str(EXAMPLES), "thales", "--format", "markdown", "--out", str(md), "--figure", str(fig)]) == 0
    assert capsys.readouterr().out == f"wrote {fig}\nwrote {md}\n"
    assert "](figs/thales.svg)" in md.read_text(encoding="utf-8")
    assert fig.read_bytes().startswith(b"<?xml")

    png = tmp_path / "thales.png"
    assert main(["prove", str(EXAMPLES), "thales", "--figure", str(png)]) == 0
    out, err = capsys.readouterr()
    assert "This proves that CA ⊥ CB." in out and f"wrote {png}" in err
    assert png.read_bytes().startswith(b"\x89PNG")


def test_prove_whole_file_as_json_is_an_array(tmp_path: Path, capsys) -> None:
    f = tmp_path / "one.txt"
    f.write_text("midline\na b c = triangle a b c; m = midpoint m a b; n = midpoint n a c ? para m n b c\n")
    assert main(["prove", str(f), "--format", "json"]) == 0
    assert isinstance(json.loads(capsys.readouterr().out), list)


@pytest.mark.parametrize(
    "extra",
    [["--format", "pdf"], ["--figure", "fig.gif"], ["--figure", "no/such/dir/fig.svg"]],
)
def test_prove_bad_export_options(extra: list[str], capsys) -> None:
    assert main(["prove", str(EXAMPLES), "midline", *extra]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("geoprover: error: ")


# ---------------------------------------------------------------------- the package
def test_public_api_is_pinned() -> None:
    import prover.export

    assert sorted(prover.export.__all__) == sorted([
        "FORMATS", "AuxIntro", "Labels", "Line", "ProofDoc", "Sentence", "aux_points", "build_document",
        "document_json", "read_outcome", "read_proof", "render", "replay", "say", "schema", "write_figure",
    ])
    assert prover.export.FORMATS == ("text", "markdown", "html", "json")


def test_docstring_examples_run() -> None:
    import doctest

    import prover.export
    import prover.export.document
    import prover.export.wording

    for module in (prover.export, prover.export.document, prover.export.wording):
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.failed == 0, module.__name__


@pytest.mark.slow
def test_every_jgex_proof_exports_in_every_format(tmp_path: Path) -> None:
    """What ``python bench/export.py`` counts: every proof DD+AR finds on jgex, in all four formats."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_export", Path(__file__).resolve().parents[2] / "bench" / "export.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)  # type: ignore[union-attr]
    rows = [bench.run_one((n, t, 30.0, 30.0, 0, str(tmp_path))) for n, t in _pairs(JGEX)]
    proved = [r for r in rows if r["status"] == "solved"]
    assert len(proved) > 150
    failed = {r["name"]: e for r in proved for f, e in r["exports"].items() if e != "ok"}
    assert not failed, failed


def test_the_page_figure_knows_where_its_points_are() -> None:
    """The overlay of a hovered line lands on the figure's own point markers."""
    from geometry.diagram import realise
    from prover.export.figures import page_figure

    p = parse_problem("t", "a b c = triangle a b c; h = orthocenter h a b c ? perp a h b c")
    d = realise(p, seed=1)
    fig = page_figure(d, "t-")
    markers = {(round(float(x), 1), round(float(y), 1))
               for x, y in re.findall(r'<use xlink:href="#t-[^"]+" x="([\d.]+)" y="([\d.]+)"', fig.svg)}
    for name, z in d.points.items():
        x, y = fig.layout.at(z)
        assert (round(x, 1), round(y, 1)) in markers, name
    assert 'id="t-figure_1"' in fig.svg and "<?xml" not in fig.svg
