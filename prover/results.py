"""``geoprover bench`` results files: the run's configuration first, then a row per problem.

The first line is a header naming everything that decides what a row says; every
other line is one problem's row (see :mod:`prover.bench`)::

    {"config": {"mode": "ddar", "timeout": 60.0, "seed": 0, "version": "0.1.0"}}
    {"name": "orthocenter", "status": "solved", "seconds": 0.41, ...}

Only what matters for the mode is recorded: ``ddar`` records mode, timeout, seed and
the geoprover version; ``search`` adds the proposer, beam size, depth and candidates,
and for ``lm``/``mix`` the model folder and a sha256 of its files (weights, model
config, tokenizer), so a retrained model is another configuration even in the same
folder (the folder itself is only recorded; the hash decides).

A rerun with the same ``--out`` (:func:`open_results`) keeps the rows already there
and runs the other problems; a run with another configuration, a file without a
header (written before headers existed) or with a damaged one is refused with one
line (:class:`ResultsError`) before any work, never mixed. ``overwrite`` starts the
file afresh. A last line cut short by a killed run is dropped, and the kept rows are
rewritten atomically. Readers use :func:`read_results`.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import IO

__all__ = ["ResultsError", "ResultsFile", "bench_config", "open_results", "read_results"]

#: The files of a model folder whose bytes identify the model (weights, config, tokenizer).
MODEL_FILES = ("config.json", "tokenizer.model")

#: The recorded fields, in the order messages name them, with the option that sets each.
_OPTIONS = {
    "mode": "--mode",
    "proposer": "--proposer",
    "model_sha256": "--model",
    "beam_size": "--beam-size",
    "depth": "--depth",
    "candidates": "--candidates",
    "bundle": "--bundle",
    "cover": "--cover",
    "timeout": "--timeout",
    "seed": "--seed",
    "version": "geoprover",
}

_ADVICE = "use another --out, or --overwrite to start it afresh"


class ResultsError(ValueError):
    """A results file that this run must not resume (one line, naming the file and why)."""


# ---------------------------------------------------------------------- configuration
def bench_config(task) -> dict:
    """What decides the rows of a run of ``task`` (a :class:`prover.bench.Task`), and no more."""
    from prover import __version__

    config: dict = {"mode": task.mode}
    if task.mode == "search":
        config["proposer"] = task.proposer
        if task.proposer != "heuristic":
            folder = Path(task.model) if task.model is not None else bundled_model_dir()
            if folder is not None:
                config["model"] = str(folder.resolve())
                config["model_sha256"] = model_hash(folder)
        config["beam_size"] = task.beam_size
        config["depth"] = task.depth
        config["candidates"] = task.k
        config["bundle"] = task.bundle
        config["cover"] = task.cover
        if getattr(task, "jobs", 1) != 1:  # --spread candidates: workers of one problem's search
            config["candidate_jobs"] = task.jobs
    config["timeout"] = float(task.timeout)
    config["seed"] = task.seed
    config["version"] = __version__
    return config


def bundled_model_dir() -> Path | None:
    """``lm/model`` of the installed ``lm`` package (found without importing torch)."""
    spec = importlib.util.find_spec("lm")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "model"


def model_hash(folder: Path) -> str | None:
    """sha256 over the model folder's weights (``*.safetensors``), ``config.json`` and
    ``tokenizer.model``, each with its name; None where the folder holds none of them."""
    files = sorted(folder.glob("*.safetensors")) + [folder / name for name in MODEL_FILES]
    digest = hashlib.sha256()
    found = False
    for path in sorted(files, key=lambda p: p.name):
        if not path.is_file():
            continue
        found = True
        digest.update(path.name.encode() + b"\0")
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest() if found else None


def describe_difference(path: Path, written: dict, asked: dict) -> str:
    """``PATH was written with --mode search, this run asks --mode ddar: ...`` (the fields
    that differ; a different mode or proposer alone, since it decides which others exist)."""
    keys = [k for k in _OPTIONS if written.get(k) != asked.get(k)]
    for first in ("mode", "proposer"):
        if first in keys:
            keys = [first]
            break
    keys += [k for k in sorted(set(written) | set(asked)) if k not in _OPTIONS and k != "model"
             and written.get(k) != asked.get(k)]  # a field of a newer geoprover
    return (f"{path} was written with {_show(written, keys)}, this run asks {_show(asked, keys)}: {_ADVICE}")


def _show(config: dict, keys: list[str]) -> str:
    parts = []
    for k in keys:
        option = _OPTIONS.get(k, k)
        if k not in config:
            parts.append(f"no {option}")
        elif k == "model_sha256":
            parts.append(f"--model {config.get('model', '?')} (sha256 {str(config[k])[:12]})")
        else:
            parts.append(f"{option} {_value(config[k])}")
    return " ".join(parts)


def _value(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _same(written: dict, asked: dict) -> bool:
    """The folder of the model is not compared: its hash is (a moved model is the same model)."""
    def strip(c: dict) -> dict:
        return {k: v for k, v in c.items() if k != "model"}

    return strip(written) == strip(asked)


# ---------------------------------------------------------------------- reading
def read_results(path: Path) -> tuple[dict, list[dict]]:
    """The configuration and the rows of a results file (a last line cut short is dropped).

    Raises :class:`ResultsError` for a file without a header or with a damaged line.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ResultsError(f"{path} is not a geoprover bench results file (not text): {_ADVICE}") from None
    except OSError as e:
        raise ResultsError(f"cannot read {path}: {e.strerror or e}") from None
    lines = text.splitlines()
    if not lines:
        raise ResultsError(f"{path} is empty: {_ADVICE}")
    try:
        header = json.loads(lines[0])
    except json.JSONDecodeError:
        header = None
    if not (isinstance(header, dict) and isinstance(header.get("config"), dict)):
        if isinstance(header, dict) and "name" in header and "config" not in header:
            why = "has no configuration header (written by an older geoprover)"
        else:
            why = "does not start with a configuration header (not a geoprover bench results file, or damaged)"
        raise ResultsError(f"{path} {why}: {_ADVICE}")
    rows: list[dict] = []
    for number, line in enumerate(lines[1:], start=2):
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            row = None
        if not (isinstance(row, dict) and isinstance(row.get("name"), str)):
            if number == len(lines):  # cut short by a killed run: that problem runs again
                break
            raise ResultsError(f"{path} line {number} is not a result row (the file is damaged): {_ADVICE}")
        rows.append(row)
    return header["config"], rows


# ---------------------------------------------------------------------- resuming
class ResultsFile:
    """An open results file: ``done`` (name -> row) and :meth:`write` for each new row."""

    def __init__(self, path: Path, done: dict[str, dict]) -> None:
        self.path = path
        self.done = done
        self._sink: IO[str] | None = open(path, "a", encoding="utf-8")

    def write(self, row: dict) -> None:
        assert self._sink is not None
        self._sink.write(json.dumps(row) + "\n")
        self._sink.flush()

    def close(self) -> None:
        if self._sink is not None:
            self._sink.close()
            self._sink = None

    def __enter__(self) -> ResultsFile:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_results(path: Path, config: dict, names: Iterable[str], *, overwrite: bool = False) -> ResultsFile:
    """Start or resume the results file at ``path`` for a run of ``config`` on the problems ``names``.

    A new file (or an empty one, or any file with ``overwrite``) gets the header and no
    rows. An existing one must have been written with the same configuration
    (:class:`ResultsError` otherwise, before anything is changed); its rows of these
    problems are kept (a truncated last line dropped, rows of other problems too), and
    the file is rewritten atomically before new rows are appended.
    """
    path = Path(path)
    if path.is_dir():
        raise ResultsError(f"--out {path}: is a directory")
    names = list(names)
    done: dict[str, dict] = {}
    if not overwrite and path.exists() and path.stat().st_size > 0:
        written, rows = read_results(path)
        if not _same(written, config):
            raise ResultsError(describe_difference(path, written, config))
        by_name = {r["name"]: r for r in rows}
        done = {n: by_name[n] for n in names if n in by_name}
    header = json.dumps({"config": config})
    _write_atomic(path, header + "\n" + "".join(json.dumps(done[n]) + "\n" for n in done))
    return ResultsFile(path, done)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise ResultsError(f"cannot write {path}: {e.strerror or e}") from None
