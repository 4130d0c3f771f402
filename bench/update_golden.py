"""Rewrite the golden files of the export tests (``tests/prover/golden``).

    python bench/update_golden.py [--proofs] [NAME ...]

``NAME.proof.json`` is a proof as the engine once found it (so that a change in the
engine's search does not move the wording tests); ``NAME.txt`` and ``NAME.md`` are its
text and Markdown, read by eye before they were frozen. After a deliberate change of
wording, run this and read the diff (``git diff tests/prover/golden``); ``--proofs``
also re-proves the inputs with today's engine (a missing input is always proven).
``tests/prover/test_export.py`` only compares: it never writes these files.

Prints one line per file: ``changed``, ``new`` or ``same``.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

if __name__ == "__main__":  # bench/ holds scripts named like the packages (bench/ddar.py): import the packages
    _HERE = Path(__file__).resolve().parent
    sys.path[:] = [str(_HERE.parent)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE]

from geometry.problem import parse_problem, split_problem_text  # noqa: E402
from prover.export import document_json, read_outcome, render  # noqa: E402
from prover.export.jsonfmt import dumps  # noqa: E402
from prover.problem_sets import set_path  # noqa: E402
from prover.prove import prove_ddar  # noqa: E402

GOLDEN = Path(__file__).resolve().parents[1] / "tests" / "prover" / "golden"
#: How to regenerate, for the tests' failure messages.
HOW = "after a deliberate change, run `python bench/update_golden.py` and read the diff"

#: golden name -> (bundled problem set, problem name)
CLASSICS = {
    "orthocenter": ("examples", "orthocenter"),
    "thales": ("examples", "thales"),
    "isosceles_base_angles": ("examples", "isosceles_base_angles"),
    "nine_point_circle": ("examples", "nine_point_circle"),
    "hypotenuse_midpoint": ("examples", "hypotenuse_midpoint"),
    "jgex_L194-2": ("jgex", "examples/complete2/000/complete_007_7_Book_LLL_L194-2.gex"),
    "jgex_E077-37": ("jgex", "examples/complete2/007/complete_013_7_Book_00EE_11_E077-37.gex"),
    "jgex_L054-2-1": ("jgex", "examples/complete2/000/complete_007_7_Book_LLL_L054-2-1.gex"),
}


def input_path(name: str) -> Path:
    """The golden proof (JSON export) of ``name``."""
    return GOLDEN / f"{name}.proof.json"


def prove_input(name: str) -> str:
    """The JSON export of ``name``'s proof as today's engine finds it."""
    set_name, problem = CLASSICS[name]
    path = set_path(set_name)
    (pair,) = [(n, t) for n, t in split_problem_text(path.read_text(encoding="utf-8"), str(path)) if n == problem]
    out = prove_ddar(parse_problem(*pair), seed=0, timeout=60)
    if out.proof is None:
        raise SystemExit(f"{name}: {problem} is no longer proven")
    return dumps(document_json(out))


def renderings(name: str, data: dict) -> dict[Path, str]:
    """Golden file -> its expected text, for the golden proof ``data`` of ``name``."""
    out = read_outcome(data)
    return {
        GOLDEN / f"{name}.txt": render([out], "text"),
        GOLDEN / f"{name}.md": render([out], "markdown", figures=[f"{name}.svg"]),
    }


def _write(path: Path, text: str) -> None:
    old = path.read_text(encoding="utf-8") if path.exists() else None
    if old != text:
        path.write_text(text, encoding="utf-8")
    print(f"{'new' if old is None else 'same' if old == text else 'changed':<8} {path.name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"golden names (default all: {', '.join(CLASSICS)})")
    parser.add_argument("--proofs", action="store_true", help="re-prove the inputs with today's engine")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in CLASSICS]
    if unknown:
        parser.error(f"unknown golden name {unknown[0]!r}")
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for name in args.names or sorted(CLASSICS):
        if args.proofs or not input_path(name).exists():
            _write(input_path(name), prove_input(name))
        data = json.loads(input_path(name).read_text(encoding="utf-8"))
        for path, text in renderings(name, data).items():
            _write(path, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
