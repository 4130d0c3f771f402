"""The user's reference in docs/: generated tables match the code, and its examples run."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from geometry.constructions import CATALOGUE
from geometry.predicates import Kind
from geometry.problem import parse_problem, split_problem_text
from geometry.diagram import realise
from prover.cli import main
from prover.prove import prove_ddar
from prover.reference import DOCS, GENERATED, construction_entry, stale

_BLOCK = re.compile(r"```problems\n(.*?)```", re.DOTALL)


def doc_examples() -> list[tuple[str, str]]:
    """The (name, problem) pairs of every ```problems block of docs/language.md."""
    text = (DOCS / "language.md").read_text(encoding="utf-8")
    return [pair for block in _BLOCK.findall(text) for pair in split_problem_text(block, "docs/language.md")]


def test_generated_reference_files_match_the_code() -> None:
    assert stale() == [], "run: python -m prover.reference"


def test_the_reference_has_every_construction_and_predicate() -> None:
    constructions = (DOCS / "constructions.md").read_text(encoding="utf-8")
    for name, c in CATALOGUE.items():
        assert f"### `{name} {' '.join(c.signature.params)}`" in constructions, name
    predicates = (DOCS / "predicates.md").read_text(encoding="utf-8")
    for kind in Kind:
        assert f"| `{kind.value} " in predicates, kind


def test_every_page_the_docs_link_exists() -> None:
    for page in DOCS.glob("*.md"):
        for target in re.findall(r"\]\(([^)#:]+\.md)\)", page.read_text(encoding="utf-8")):
            assert (DOCS / target).is_file(), f"{page.name} links to {target}"
    assert set(GENERATED) <= {p.name for p in DOCS.glob("*.md")}


def test_the_command_line_prints_the_reference_entry(capsys) -> None:
    assert main(["constructions", "foot"]) == 0
    entry = capsys.readouterr().out
    assert entry == construction_entry("foot") + "\n"
    assert entry.strip() in (DOCS / "constructions.md").read_text(encoding="utf-8")
    assert main(["constructions"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == len(CATALOGUE)


def test_the_docs_have_examples() -> None:
    assert len(doc_examples()) >= 5


@pytest.mark.parametrize("name, text", doc_examples(), ids=[n for n, _ in doc_examples()])
def test_doc_example_is_proved(name: str, text: str) -> None:
    """Each example parses, its figure holds its goals, and DD+AR proves its (first) goal."""
    problem = parse_problem(name, text)
    diagram = realise(problem, seed=0)
    assert all(diagram.holds(g) for g in problem.goals)
    outcome = prove_ddar(problem, timeout=30)
    assert outcome.proof is not None, f"{name}: {outcome.status}"
