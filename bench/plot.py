"""The growth plot of the benchmarks: build time and memory, and SPARQL latency, by size.

`growth_plot(results, path)` draws what `bench/run.py` measured into one PNG: build wall
time against the floor, build peak memory, and the median latency of each query of the
SPARQL mix (ours and Oxigraph server) against the number of triples.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")  # no display: write files only
import matplotlib.pyplot as plt  # noqa: E402


def _build_axes(axes: Any, memory: Any, rows: list[dict[str, Any]]) -> None:
    records = [r["records"] for r in rows]
    axes.plot(records, [r["build_seconds"] for r in rows], "o-", label="publisher build")
    axes.plot(records, [r["floor_seconds"] for r in rows], "s--", label="floor (pyoxigraph)")
    axes.plot(records, [3 * r["floor_seconds"] for r in rows], ":", color="grey",
              label="3 × floor (bar)")
    axes.set(xscale="log", yscale="log", xlabel="records", ylabel="wall time (s)",
             title="Build time")
    axes.legend(fontsize="small")
    memory.plot(records, [r["build_peak_rss_mib"] / 1024 for r in rows], "o-", color="tab:red")
    memory.axhline(2.0, color="grey", linestyle=":", label="2 GiB (bar at 30 000)")
    memory.set(xscale="log", xlabel="records", ylabel="peak RSS (GiB)", title="Build memory")
    memory.legend(fontsize="small")


def _latency_axes(axes: Any, rows: list[dict[str, Any]]) -> None:
    triples = [r["triples"] for r in rows]
    queries = list(rows[-1]["sparql"]) if rows else []
    for index, query in enumerate(queries):
        colour = f"C{index % 10}"
        ours = [r["sparql"].get(query, {}).get("ours_median_ms") for r in rows]
        theirs = [r["sparql"].get(query, {}).get("oxigraph_median_ms") for r in rows]
        axes.plot(triples, ours, "o-", color=colour, label=f"{query} (ours)")
        axes.plot(triples, theirs, "x--", color=colour, alpha=0.6)
    axes.set(xscale="log", yscale="log", xlabel="triples", ylabel="median latency (ms)",
             title="SPARQL latency (solid: ours, dashed: Oxigraph)")
    axes.legend(fontsize="x-small")


def growth_plot(results: dict[str, Any], path: Path) -> Path:
    """Write the plot; panels without figures in `results` are left out."""
    panels = (2 if results.get("build") else 0) + (1 if results.get("growth") else 0)
    if not panels:
        return path
    figure, axes = plt.subplots(1, panels, figsize=(5.2 * panels, 4.2), squeeze=False)
    row = list(axes[0])
    if results.get("build"):
        _build_axes(row.pop(0), row.pop(0), results["build"])
    if results.get("growth"):
        _latency_axes(row.pop(0), results["growth"])
    figure.suptitle(f"Kuntadigi publisher, {results['date'][:10]}, "
                    f"{results['machine']['cpus']} CPUs", fontsize="medium")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return path
