"""The problem files that ship with geoprover, by set name.

A command's FILE argument is a path or one of these names: ``geoprover bench jgex``
runs the bundled ``jgex_ag_231.txt`` wherever geoprover is installed. A file that exists
at the given path is always read as a file, so a file named like a set is not shadowed.

>>> sorted(SETS)
['examples', 'jgex', 'olympiad_dev']
>>> resolve("jgex").name
'jgex_ag_231.txt'
"""
from __future__ import annotations

from importlib import resources
from pathlib import Path

#: Set name -> file inside the ``prover`` package (benchmarks/README.md gives source and licence).
SETS: dict[str, str] = {
    "examples": "examples/examples.txt",
    "jgex": "benchmarks/jgex_ag_231.txt",
    "olympiad_dev": "benchmarks/olympiad_dev.txt",
}


def set_path(name: str) -> Path:
    """The installed file of the set ``name`` (a KeyError for an unknown name)."""
    return Path(str(resources.files("prover").joinpath(SETS[name])))


def resolve(path_or_name: str) -> Path:
    """``path_or_name`` as a path when such a file exists, else the bundled set of that name,
    else the path unchanged (reading it then reports the missing file)."""
    path = Path(path_or_name)
    if path.exists() or path_or_name not in SETS:
        return path
    return set_path(path_or_name)


def describe() -> str:
    """The set names, for error messages and help."""
    return ", ".join(sorted(SETS))
