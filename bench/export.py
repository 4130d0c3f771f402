"""Export every proof DD+AR finds on a benchmark in all four formats, and count what succeeds.

    python bench/export.py [FILE] [--timeout 30] [--jobs 2] [--seed 0] [--limit N]
                           [--match TEXT] [--out DIR] [-v]

For each problem (in worker processes, each with the engine's time budget and a
hard alarm ``--grace`` seconds later): prove it with ``prove_ddar``; for each proof,
render text, Markdown (with an SVG figure written beside it), HTML (figure inline)
and JSON; the JSON must validate against ``prover/schema/proof.schema.json`` and
replay with the proof checker. Prints one line per failed export (``-v``: every
problem), then the counts per format and the time the exports took. ``--out DIR``
keeps every exported file. The file defaults to the bundled ``jgex`` set
beside the repository. Benchmarks print numbers; they never fail on timing.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from geometry.problem import parse_problem, split_problem_text  # noqa: E402
from geometry.workers import DeadlineExceeded, Died, Failed, LocalWorkers, Ok, Result, TimedOut, deadline  # noqa: E402
from prover.problem_sets import resolve, set_path  # noqa: E402

DEFAULT_FILE = set_path("jgex")  # the bundled benchmark (prover/benchmarks/)
FORMATS = ("text", "markdown", "html", "json")


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._") or "problem"


def export_all(out, where: Path) -> dict[str, str]:
    """Render one outcome in every format under ``where``; format -> "ok" or the error."""
    import jsonschema

    from prover.export import render, replay, schema, write_figure

    results: dict[str, str] = {}
    stem = _safe(out.problem.name)
    for fmt in FORMATS:
        try:
            if fmt == "markdown":
                figure = where / f"{stem}.svg"
                write_figure(out.diagram, figure, out.proof.goal)
                text = render([out], fmt, figures=[figure.name])
            else:
                text = render([out], fmt)
            suffix = {"text": "txt", "markdown": "md", "html": "html", "json": "json"}[fmt]
            (where / f"{stem}.{suffix}").write_text(text, encoding="utf-8")
            if fmt == "json":
                data = json.loads(text)
                jsonschema.validate(data, schema())
                verdict = replay(data)
                if not verdict.ok:
                    raise ValueError("replay rejected: " + "; ".join(verdict.errors[:3]))
            elif fmt == "html" and "<svg" not in text:
                raise ValueError("no inline figure")
            results[fmt] = "ok"
        except Exception as e:  # a bug in an exporter: report it, keep going
            results[fmt] = f"{type(e).__name__}: {e}"
    return results


def run_one(task: tuple[str, str, float, float, int, str | None]) -> dict:
    """Prove and export one problem (inside a worker); never raises."""
    from prover.prove import prove_ddar

    name, text, timeout, grace, seed, out_dir = task
    row: dict = {"name": name}
    start = time.perf_counter()
    try:
        with deadline(timeout + grace):
            out = prove_ddar(parse_problem(name, text), seed=seed, timeout=timeout)
        row["status"] = "solved" if out.proof is not None else out.status
        row["prove_s"] = time.perf_counter() - start
        if out.proof is not None:
            t0 = time.perf_counter()
            if out_dir:
                row["exports"] = export_all(out, Path(out_dir))
            else:
                with tempfile.TemporaryDirectory() as tmp:
                    row["exports"] = export_all(out, Path(tmp))
            row["export_s"] = time.perf_counter() - t0
            row["steps"] = len(out.proof.steps)
    except DeadlineExceeded:
        row["status"] = "timeout"
    except Exception as e:  # realisation or engine failure: not the exporters' business
        row.update(status="error", error=f"{type(e).__name__}: {e}")
    return row


def _row(res: Result[int, dict], name: str) -> dict:
    """The row of a worker that did not return one."""
    match res:
        case Ok(value=row):
            return row
        case Failed(error=error):
            return {"name": name, "status": "error", "error": error}
        case Died(exitcode=code):
            return {"name": name, "status": "error", "error": f"worker died (exit {code})"}
        case TimedOut():
            return {"name": name, "status": "timeout"}
    raise TypeError(res)


def summarise(rows: list[dict], wall: float) -> str:
    proved = [r for r in rows if r["status"] == "solved"]
    lines = [f"proved {len(proved)}/{len(rows)} (DD+AR)"]
    for fmt in FORMATS:
        ok = sum(r.get("exports", {}).get(fmt) == "ok" for r in proved)
        label = {"json": "json (schema-valid, replayed)", "markdown": "markdown (+ svg figure)"}.get(fmt, fmt)
        lines.append(f"  {label:32s} {ok}/{len(proved)}")
    every = sum(all(v == "ok" for v in r.get("exports", {}).values()) for r in proved)
    lines.append(f"  {'all four formats':32s} {every}/{len(proved)}")
    if proved:
        t = sorted(r["export_s"] for r in proved)
        lines.append(
            f"export time per proof (all formats): median {t[len(t) // 2]:.2f}s, max {t[-1]:.2f}s, "
            f"total {sum(t):.1f}s; wall {wall:.1f}s"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("file", nargs="?", type=resolve, default=DEFAULT_FILE, help="problem file or set name (default jgex)")
    ap.add_argument("--timeout", type=float, default=30.0, help="engine budget per problem, seconds (default 30)")
    ap.add_argument("--grace", type=float, default=30.0, help="hard alarm after timeout+grace seconds (default 30)")
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--limit", type=int, default=None, help="only the first N problems")
    ap.add_argument("--match", default=None, help="only problems whose name contains TEXT")
    ap.add_argument("--out", type=Path, default=None, help="keep the exported files in DIR")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every problem")
    args = ap.parse_args(argv)
    if not args.file.is_file():
        print(f"benchmark file not found: {args.file}", file=sys.stderr)
        return 2
    pairs = split_problem_text(args.file.read_text(encoding="utf-8"), str(args.file))
    if args.match:
        pairs = [(n, t) for n, t in pairs if args.match in n]
    if args.limit:
        pairs = pairs[: args.limit]
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    out_dir = str(args.out) if args.out else None
    tasks = [(n, t, args.timeout, args.grace, args.seed, out_dir) for n, t in pairs]
    t0 = time.perf_counter()
    rows: list[dict] = []
    import prover.export  # noqa: F401  (imported once here, so forked workers start warm)
    import prover.prove  # noqa: F401

    workers: LocalWorkers[int, dict] = LocalWorkers(max(1, args.jobs))
    with workers:
        for i, task in enumerate(tasks):
            workers.submit(i, partial(run_one, task))
        for res in workers.results():
            row = _row(res, tasks[res.key][0])
            rows.append(row)
            bad = {f: e for f, e in row.get("exports", {}).items() if e != "ok"}
            if args.verbose or bad:
                print(f"{row['status']:8s} {row['name']}" + "".join(f"\n    {f}: {e}" for f, e in bad.items()),
                      flush=True)
    print()
    print(summarise(rows, time.perf_counter() - t0))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
