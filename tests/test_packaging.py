"""pyproject.toml describes the tree as it is: packages and package data that exist."""
from __future__ import annotations

from fnmatch import fnmatch
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

REPO = Path(__file__).resolve().parents[1]


def _config() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def test_every_included_package_exists() -> None:
    patterns = _config()["tool"]["setuptools"]["packages"]["find"]["include"]
    packages = [p.name for p in REPO.iterdir() if (p / "__init__.py").is_file()]
    for pattern in patterns:
        assert any(fnmatch(name, pattern) for name in packages), f"{pattern} matches no package"


def test_every_package_data_pattern_matches_files() -> None:
    for package, globs in _config()["tool"]["setuptools"]["package-data"].items():
        for glob in globs:
            assert list((REPO / package).glob(glob)), f"{package}/{glob} matches nothing"


def test_the_version_has_one_owner() -> None:
    from prover import __version__

    config = _config()
    assert "version" in config["project"]["dynamic"] and "version" not in config["project"]
    assert config["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "prover.__version__"}
    assert __version__.count(".") == 2
