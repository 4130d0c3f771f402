"""A corpus on disk: gzip JSON-lines shards and a manifest, written atomically.

Layout of a corpus folder::

    manifest.json            what is committed: shards, counts, figures, config, seed, version
    shard-00000.jsonl.gz     one example per line (see :class:`synth.example.Example`)
    shard-00001.jsonl.gz     ...

Every file is written to a temporary name and renamed into place; the manifest
is renamed last, so it is the commit record. A shard that the manifest does not
list (a run killed between the two renames) is deleted when the run resumes,
and its figures are made again: nothing is lost and nothing is counted twice.
"""
from __future__ import annotations

import gzip
import json
import os
import statistics
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from .config import BENCHMARK_KINDS, SynthConfig
from .example import Example
from .extract import Tally

MANIFEST = "manifest.json"
FORMAT = 1


class CorpusError(Exception):
    """A corpus folder that cannot be used (another run's folder, unreadable files)."""


def version() -> str:
    try:
        return metadata.version("geoprover")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "unknown"


#: The synth modules that decide what a run generates (the rest only schedule and store it).
_CONTENT_MODULES = ("candidates.py", "canon.py", "config.py", "example.py", "extract.py", "sampler.py")


def code_fingerprint() -> str:
    """A hash of the sources that decide what a run generates: geometry, ddar (with its rules)
    and the content modules of synth.

    Recorded for each run in the manifest: the same seed and config give the same corpus
    only with the same code.
    """
    import hashlib

    repo = Path(__file__).resolve().parents[1]
    files = [f for package in ("geometry", "ddar") for f in (repo / package).rglob("*")
             if f.suffix in (".py", ".txt") and f.is_file()]
    files += [repo / "synth" / name for name in _CONTENT_MODULES]
    h = hashlib.blake2b(digest_size=8)
    for f in sorted(files):
        h.update(f.relative_to(repo).as_posix().encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


@dataclass
class Cursor:
    """Where generation goes on: the next chunk of figures, and how many of its examples were used."""

    chunk: int = 0
    offset: int = 0


@dataclass
class Stats:
    """Running figures of a corpus (what the manifest reports)."""

    examples: int = 0
    aux: int = 0
    relabelled_examples: int = 0
    lengths: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)

    def add(self, ex: Example) -> None:
        self.examples += 1
        self.aux += ex.has_aux
        self.relabelled_examples += ex.relabelled
        self.lengths[ex.proof_length] += 1
        self.kinds[ex.kind] += 1

    def summary(self) -> dict:
        n = self.examples
        lengths = sorted(self.lengths.elements())
        return {
            "examples": n,
            "aux_examples": self.aux,
            "aux_fraction": round(self.aux / n, 4) if n else 0.0,
            "relabelled_examples": self.relabelled_examples,
            "median_proof_length": statistics.median(lengths) if lengths else None,
            "mean_proof_length": round(statistics.fmean(lengths), 2) if lengths else None,
            "proof_length_histogram": {str(k): v for k, v in sorted(self.lengths.items())},
            "goal_kinds": dict(sorted(self.kinds.items())),
            "benchmark_kind_share": round(sum(self.kinds[k] for k in BENCHMARK_KINDS) / n, 4) if n else 0.0,
        }


@dataclass
class Corpus:
    """The committed state of one corpus folder."""

    root: Path
    seed: int
    config: SynthConfig
    chunk_figures: int
    target: int = 0
    cursor: Cursor = field(default_factory=Cursor)
    shards: list[dict] = field(default_factory=list)
    stats: Stats = field(default_factory=Stats)
    tally: Tally = field(default_factory=Tally)
    keys: set[str] = field(default_factory=set)
    seconds: float = 0.0  # worker time spent (summed over workers)
    wall_seconds: float = 0.0
    created: float = field(default_factory=time.time)
    runs: list[dict] = field(default_factory=list)

    # ------------------------------------------------------------------ open / resume
    @classmethod
    def open(cls, root: Path, seed: int, config: SynthConfig, chunk_figures: int) -> Corpus:
        """A fresh corpus in ``root``, or the committed state of the one there (its stray files removed)."""
        root.mkdir(parents=True, exist_ok=True)
        path = root / MANIFEST
        if not path.exists():
            if any(root.glob("shard-*.jsonl.gz")):
                for stray in root.glob("shard-*"):
                    stray.unlink()
            return cls(root, seed, config, chunk_figures)
        m = read_manifest(root)
        if m.get("seed") != seed:
            raise CorpusError(f"{root} holds a run with seed {m.get('seed')}, not {seed}: use another --out")
        if SynthConfig.from_dict(m["config"]) != config:
            raise CorpusError(f"{root} holds a run with a different config: use another --out, or the same config")
        corpus = cls(root, seed, config, int(m["chunk_figures"]), int(m.get("target", 0)),
                     Cursor(**m["cursor"]), list(m["shards"]))
        corpus.tally = Tally(**{k: v for k, v in m["tally"].items()})
        corpus.seconds = float(m.get("worker_seconds", 0.0))
        corpus.wall_seconds = float(m.get("wall_seconds", 0.0))
        corpus.created = float(m.get("created", time.time()))
        corpus.runs = list(m.get("runs", []))
        listed = {s["file"] for s in corpus.shards}
        for f in root.iterdir():
            if f.name.endswith(".tmp") or (f.name.startswith("shard-") and f.name not in listed):
                f.unlink()
        for ex in corpus.examples():
            corpus.keys.add(ex.key)
            corpus.stats.add(ex)
        return corpus

    def examples(self) -> Iterator[Example]:
        for shard in self.shards:
            yield from read_shard(self.root / shard["file"])

    # ------------------------------------------------------------------ commit
    def commit(self, batch: list[Example], cursor: Cursor, tally: Tally, worker_seconds: float,
               wall_seconds: float) -> None:
        """Write ``batch`` as a new shard (if any), then the manifest; both atomically."""
        if batch:
            name = f"shard-{len(self.shards):05d}.jsonl.gz"
            data = "".join(ex.to_json() + "\n" for ex in batch).encode()
            _write_atomic(self.root / name, gzip.compress(data, mtime=0))
            self.shards.append({"file": name, "examples": len(batch)})
        self.cursor = Cursor(cursor.chunk, cursor.offset)
        self.tally.add(tally)
        self.seconds += worker_seconds
        self.wall_seconds += wall_seconds
        self.write_manifest()

    def manifest(self) -> dict:
        t = self.tally.to_dict()
        rate = self.stats.examples / (self.seconds / 60) if self.seconds else None
        return {
            "format": FORMAT,
            "version": version(),
            "seed": self.seed,
            "config": self.config.to_dict(),
            "chunk_figures": self.chunk_figures,
            "target": self.target,
            "complete": self.stats.examples >= self.target > 0,
            **self.stats.summary(),
            "aux_candidates": t["aux_candidates"],
            "relabelled": t["relabelled"],
            "aux_unchecked": t.get("aux_unchecked", 0),
            "relabelled_share": round(t["relabelled"] / t["aux_candidates"], 4) if t["aux_candidates"] else 0.0,
            "figures": t["figures"],
            "examples_per_core_minute": round(rate, 1) if rate else None,
            "worker_seconds": round(self.seconds, 2),
            "wall_seconds": round(self.wall_seconds, 2),
            "created": self.created,
            "updated": time.time(),
            "runs": self.runs,
            "cursor": {"chunk": self.cursor.chunk, "offset": self.cursor.offset},
            "tally": t,
            "shards": self.shards,
        }

    def write_manifest(self) -> None:
        text = json.dumps(self.manifest(), indent=1, sort_keys=False) + "\n"
        _write_atomic(self.root / MANIFEST, text.encode())


def read_manifest(root: Path) -> dict:
    path = Path(root) / MANIFEST
    try:
        m = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CorpusError(f"{root}: no {MANIFEST} (not a synth corpus folder)") from None
    except (OSError, json.JSONDecodeError) as e:
        raise CorpusError(f"{path}: unreadable manifest: {e}") from None
    if not isinstance(m, dict) or m.get("format") != FORMAT:
        raise CorpusError(f"{path}: not a synth manifest of format {FORMAT}")
    return m


def read_shard(path: Path) -> Iterator[Example]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield Example.from_dict(json.loads(line))


def read_corpus(root: str | Path) -> Iterator[Example]:
    """Every committed example of a corpus folder, in order."""
    root = Path(root)
    for shard in read_manifest(root)["shards"]:
        yield from read_shard(root / shard["file"])
