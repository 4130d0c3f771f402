"""``geoprover synth stats DIR``: the manifest's numbers, and a PNG histogram of proof lengths."""
from __future__ import annotations

from pathlib import Path

from .corpus import read_manifest


def format_stats(manifest: dict) -> str:
    """The headline numbers of a corpus, one per line."""
    m = manifest
    kinds = m.get("goal_kinds", {})
    n = m.get("examples", 0) or 1
    lines = [
        f"examples            {m['examples']} (target {m.get('target')}, {'complete' if m.get('complete') else 'incomplete'})",
        f"with aux            {m['aux_examples']} ({m['aux_fraction']:.1%})",
        (
            f"relabelled plain    {m['relabelled']} of {m['aux_candidates']} aux candidates "
            f"({m['relabelled_share']:.1%}) were proven without their aux points"
            + (f"; {m['aux_unchecked']} left unchecked (max_aux_statements)" if m.get("aux_unchecked") else "")
        ),
        f"proof length        median {m['median_proof_length']}, mean {m['mean_proof_length']}",
        (
            f"benchmark kinds     {m['benchmark_kind_share']:.1%} of goals are coll/para/perp/cong/cyclic/"
            "eqangle/eqratio/midp/simtri"
        ),
        "goal kinds          " + ", ".join(f"{k} {v} ({v / n:.0%})" for k, v in sorted(kinds.items(), key=lambda kv: -kv[1])),
        f"diagrams sampled    {m['figures']}",
        (
            f"rate                {m.get('examples_per_core_minute')} examples per core-minute "
            f"({m['worker_seconds']:.0f} worker-s, {m['wall_seconds']:.0f} wall-s)"
        ),
        f"seed                {m['seed']}",
        f"version             {m['version']}",
        f"shards              {len(m['shards'])}",
    ]
    rejected = m["tally"]
    bad = rejected["rejected_numeric"] + rejected["rejected_check"] + rejected["rejected_other"]
    lines.append(
        f"rejected            {bad} (goal false {rejected['rejected_numeric']}, proof did not replay "
        f"{rejected['rejected_check']}, other {rejected['rejected_other']})"
    )
    return "\n".join(lines)


def histogram_png(manifest: dict, path: Path) -> None:
    """Bar chart of proof lengths, plain and total, written as PNG."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    hist = {int(k): v for k, v in manifest["proof_length_histogram"].items()}
    fig = Figure(figsize=(8, 4.5), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    if hist:
        xs = sorted(hist)
        ax.bar(xs, [hist[x] for x in xs], width=0.85, color="#3b6ea5")
    ax.set_xlabel("proof length (steps)")
    ax.set_ylabel("examples")
    ax.set_title(
        f"{manifest['examples']} examples, {manifest['aux_fraction']:.1%} with aux, "
        f"median length {manifest['median_proof_length']}"
    )
    fig.tight_layout()
    fig.savefig(path, format="png")


def run_stats(root: Path, png: Path | None = None) -> tuple[str, Path]:
    """Read the manifest of ``root``; print-ready text and the histogram's path."""
    manifest = read_manifest(root)
    out = png or (root / "proof_lengths.png")
    histogram_png(manifest, out)
    return format_stats(manifest), out
