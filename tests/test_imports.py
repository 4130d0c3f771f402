"""The import graph of the project's packages: no cycles, and the layers of the design.

Every module of ``geometry``, ``ddar``, ``synth``, ``lm`` and ``prover`` is parsed with
:mod:`ast` (nothing is imported), and every ``import`` / ``from ... import`` in it becomes
an edge to the project module it names: module-level imports, imports inside functions
(lazy ones), imports under ``if TYPE_CHECKING:``; relative imports are resolved against the
importing module's package. ``from pkg import name`` points at ``pkg.name`` when that is a
module, otherwise at ``pkg``. An edge goes to the module named, not to the packages above
it (importing ``a.b.c`` runs ``a/__init__`` and ``a/b/__init__`` first, but counting that
would make every subpackage whose ``__init__`` imports its own modules look cyclic).

What is checked, and why:

* **Layers** (the design's one-way data flow): ``geometry`` imports no other project
  package; ``ddar`` only ``geometry``; ``synth`` only ``geometry`` and ``ddar``; ``lm``
  only ``geometry``; ``prover`` anything. Every edge counts, lazy and type-only ones too:
  an import moved into a function or under ``TYPE_CHECKING`` still makes the lower layer
  depend on the higher one (it cannot be used, tested or understood without it).
* **Cycles** among modules, over every edge that runs: module-level and function-level
  imports. Module-level cycles break at import time (a partly initialised module); a
  function-level import that closes a loop is the usual way such a cycle is hidden, and the
  modules still cannot be used apart, so it counts too. Imports under ``if TYPE_CHECKING:``
  never run, and annotations that name each other's types are not a dependency of the
  code, so they are left out of the cycle check (they still count for the layers).

A failure names the importing module, its file and line, and the module imported.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import networkx as nx
import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("geometry", "ddar", "synth", "lm", "prover")

#: The project packages each package may import (besides itself).
ALLOWED: dict[str, frozenset[str]] = {
    "geometry": frozenset(),
    "ddar": frozenset({"geometry"}),
    "synth": frozenset({"geometry", "ddar"}),
    "lm": frozenset({"geometry"}),
    "prover": frozenset(PACKAGES),
}


@dataclass(frozen=True)
class Edge:
    """One import statement of ``source`` naming the project module ``target``."""

    source: str
    target: str
    path: str  # the importing file, relative to the repository
    line: int
    lazy: bool  # inside a function
    type_only: bool  # under ``if TYPE_CHECKING:``

    def __str__(self) -> str:
        how = " (in a function)" if self.lazy else " (under TYPE_CHECKING)" if self.type_only else ""
        return f"{self.source} ({self.path}:{self.line}) imports {self.target}{how}"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@lru_cache(maxsize=1)
def _modules() -> dict[str, Path]:
    """Every module of the project packages, by dotted name."""
    return {_module_name(p): p for pkg in PACKAGES for p in sorted((REPO / pkg).rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.Module):
    """(import node, inside a function, under TYPE_CHECKING) for every import of the module."""

    def visit(node: ast.AST, lazy: bool, type_only: bool):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                yield child, lazy, type_only
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                yield from visit(child, True, type_only)
            elif isinstance(child, ast.If) and _is_type_checking(child.test):
                for stmt in child.body:
                    yield from visit(ast.Module(body=[stmt], type_ignores=[]), lazy, True)
                for stmt in child.orelse:
                    yield from visit(ast.Module(body=[stmt], type_ignores=[]), lazy, type_only)
            else:
                yield from visit(child, lazy, type_only)

    yield from visit(tree, False, False)


def _project_module(name: str) -> str | None:
    """``name`` or the closest package above it that is a project module (None: not ours)."""
    modules = _modules()
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def _targets(node: ast.Import | ast.ImportFrom, source: str, is_package: bool) -> list[str]:
    """The project modules one import statement names."""
    if isinstance(node, ast.Import):
        return [t for a in node.names if (t := _project_module(a.name))]
    base = node.module or ""
    if node.level:
        package = source if is_package else source.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{base}" if base else package
    out = []
    for alias in node.names:
        sub = f"{base}.{alias.name}"
        t = sub if sub in _modules() else _project_module(base)
        if t:
            out.append(t)
    return out


@lru_cache(maxsize=1)
def edges() -> tuple[Edge, ...]:
    out = []
    for name, path in _modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node, lazy, type_only in _imports(tree):
            for target in _targets(node, name, path.name == "__init__.py"):
                if target != name:
                    out.append(Edge(name, target, str(path.relative_to(REPO)), node.lineno, lazy, type_only))
    return tuple(out)


def _graph(include) -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_nodes_from(_modules())
    for e in edges():
        if include(e):
            g.add_edge(e.source, e.target, edge=e)
    return g


def _rotated(cycle: list[str]) -> list[str]:
    """The cycle starting at its smallest module name (one spelling per cycle)."""
    i = cycle.index(min(cycle))
    return cycle[i:] + cycle[:i]


def _describe_cycle(g: nx.DiGraph, cycle: list[str]) -> str:
    steps = [g.edges[a, b]["edge"] for a, b in zip(cycle, cycle[1:] + cycle[:1])]
    return " -> ".join(cycle + cycle[:1]) + "\n      " + "\n      ".join(str(e) for e in steps)


def test_the_graph_sees_the_whole_project() -> None:
    """A guard for the tests below: the parser finds the modules and their imports."""
    modules = _modules()
    assert {"geometry.problem", "ddar.engine", "synth.job", "lm.model", "prover.prove", "prover.export"} <= set(modules)
    found = {(e.source, e.target) for e in edges()}
    assert ("ddar.engine", "ddar.algebra") in found  # relative, module level
    assert ("prover.export", "prover.export.html") in found  # ``from . import html``
    assert any(e.lazy for e in edges())


def test_the_layers_hold() -> None:
    bad = [
        e for e in edges()
        if (src := e.source.partition(".")[0]) != (dst := e.target.partition(".")[0]) and dst not in ALLOWED[src]
    ]
    lines = [
        f"{e}: {e.source.partition('.')[0]} may import only "
        f"{', '.join(sorted(ALLOWED[e.source.partition('.')[0]])) or 'no other project package'}"
        for e in bad
    ]
    assert not bad, "imports against the layers:\n  " + "\n  ".join(lines)


def test_no_import_cycles() -> None:
    g = _graph(lambda e: not e.type_only)
    cycles = sorted((_rotated(c) for c in nx.simple_cycles(g)), key=lambda c: (len(c), c))
    assert not cycles, "import cycles:\n  " + "\n  ".join(_describe_cycle(g, c) for c in cycles[:20])


@pytest.mark.parametrize(
    ("module", "must_not_load"),
    [
        ("prover.export", "prover.prove"),  # a proof document is made without the prove driver
        ("prover.outcome", "prover.prove"),
    ],
)
def test_importing_a_module_loads_only_what_it_needs(module: str, must_not_load: str) -> None:
    code = f"import sys, {module}; print({must_not_load!r} in sys.modules)"
    run = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "False", f"importing {module} imports {must_not_load}"
