#!/usr/bin/env python3
"""One side of the validation benchmark: our build gate, or plain pyshacl, on a release.

    python bench/validation.py gate|pyshacl RELEASE_DIR

Both sides check the release's data (every graph of the release, which holds the
vocabulary too) against the same shapes, the ``kuntadigi`` data profile rebased to the
release's base URI. Only the validation is timed, not reading the files; ``bench/run.py``
runs each side in its own process to read its peak memory, and compares the two sets of
results, which must be equal. Prints one JSON object.
"""
from __future__ import annotations

import argparse
import dataclasses
import gzip
import hashlib
import json
import sys
import time
from pathlib import Path

import pyoxigraph
import pyshacl
from rdflib import Graph

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from publisher.config import load_settings  # noqa: E402
from publisher.release.publish import gate_store  # noqa: E402
from publisher.shacl import Outcome, ontology_graph, report_results, shapes_graph  # noqa: E402


def release_settings(release_dir: Path):
    """The project's settings with the release's own base URI."""
    info = json.loads((release_dir / "release.json").read_text(encoding="utf-8"))
    return dataclasses.replace(load_settings(), base_uri=info["base_uri"])


def run_gate(release_dir: Path) -> tuple[float, Outcome]:
    """Our gate, as `publisher build` runs it, on the release loaded into pyoxigraph."""
    settings = release_settings(release_dir)
    store = pyoxigraph.Store()
    store.bulk_load(path=str(release_dir / "data.trig"), format=pyoxigraph.RdfFormat.TRIG)
    started = time.perf_counter()
    outcome = gate_store(store, settings)
    return time.perf_counter() - started, outcome


def run_pyshacl(release_dir: Path) -> tuple[float, Outcome]:
    """`pyshacl.validate` with the same shapes on the same triples, nothing else."""
    settings = release_settings(release_dir)
    data = Graph()                      # data.nt.gz: the union of the graphs, as triples
    data.parse(data=gzip.decompress((release_dir / "data.nt.gz").read_bytes()), format="nt")
    shapes = shapes_graph(settings, ["kuntadigi"])
    ontology = ontology_graph(settings)
    started = time.perf_counter()
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology,
                                           inference="none", advanced=True,
                                           allow_warnings=True)
    seconds = time.perf_counter() - started
    return seconds, Outcome(bool(conforms), report_results(report, "en", shapes), report)


def result_keys(outcome: Outcome) -> list[list[str | None]]:
    """The results as sorted comparable rows (focus, path, value, severity, message, shape)."""
    return sorted([r.focus, r.path, r.value, r.severity, r.message, r.shape]
                  for r in outcome.results)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("side", choices=["gate", "pyshacl"])
    parser.add_argument("release", type=Path)
    args = parser.parse_args(argv)
    seconds, outcome = (run_gate if args.side == "gate" else run_pyshacl)(args.release)
    keys = result_keys(outcome)
    digest = hashlib.sha256(json.dumps(keys).encode()).hexdigest()[:16]
    print(json.dumps({"side": args.side, "seconds": seconds, "conforms": outcome.conforms,
                      "counts": outcome.counts, "results_digest": digest}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
